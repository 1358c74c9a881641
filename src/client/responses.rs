//! `POST /v1/responses` (OpenResponses).

use super::Client;
use super::transport::Call;
use crate::error::{Endpoint, Error, Result};
use crate::responses::{Response, ResponsesRequest};
use crate::stream::responses::ResponseStream;

const PATH: &str = "/v1/responses";

impl Client {
    /// Runs one turn through `/v1/responses` and returns the response resource (status
    /// `completed` or `incomplete`). A run that fails after it started is an error carrying the
    /// response's error message.
    pub fn responses(&self, req: &ResponsesRequest) -> Result<Response> {
        req.validate()?;
        let body = req.body(&self.inner.agent_id, false)?;
        let sent = self.send(
            &Call::post(PATH, Endpoint::Responses, &body, &req.options)
                .headers(req.routing().headers()),
        )?;
        let bytes = self.json_body(Endpoint::Responses, sent)?;
        let text = std::str::from_utf8(&bytes).map_err(|e| {
            Error::protocol(format!(
                "/v1/responses answered text that is not UTF-8: {e}"
            ))
        })?;
        let r = Response::from_json(text)?;
        if r.status == "failed" {
            let (code, message) = r.error.clone().unwrap_or_default();
            return Err(Error::Api {
                status: 200,
                error_type: Some("response.failed".into()),
                code: (!code.is_empty()).then_some(code),
                message,
                retry_after: None,
            });
        }
        Ok(r)
    }

    /// Starts a streamed `/v1/responses` turn; iterate the returned [`ResponseStream`].
    pub fn responses_stream(&self, req: &ResponsesRequest) -> Result<ResponseStream> {
        req.validate()?;
        let body = req.body(&self.inner.agent_id, true)?;
        let sent = self.send(
            &Call::post(PATH, Endpoint::Responses, &body, &req.options)
                .headers(req.routing().headers())
                .streaming(),
        )?;
        let (reader, ctx) = self.event_stream(Endpoint::Responses, sent)?;
        let mut stream = ResponseStream::with_context(reader, self.inner.limits, ctx);
        if let Some(keep) = req.keep_text {
            stream.keep_text(keep);
        }
        if let Some(max) = req.max_kept_bytes {
            stream.max_kept_bytes(max);
        }
        Ok(stream)
    }
}
