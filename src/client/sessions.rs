//! Session history: `GET /sessions/{key}/history` as JSON, or as an SSE stream.

use serde_json::value::RawValue;

use super::transport::{Call, encode_segment};
use super::{CallOptions, Client};
use crate::error::{Endpoint, Error, Result};
pub use crate::stream::history::{HistoryEvent, HistoryStream};

fn history_path(key: &str, limit: Option<u32>, cursor: Option<&str>) -> Result<String> {
    crate::chat::validate_header_value("the session key", key)?;
    if key.is_empty() {
        return Err(Error::invalid("the session key is empty"));
    }
    let mut p = format!("/sessions/{}/history", encode_segment(key));
    let mut sep = '?';
    if let Some(l) = limit {
        p.push_str(&format!("{sep}limit={l}"));
        sep = '&';
    }
    if let Some(c) = cursor {
        p.push_str(&format!("{sep}cursor={}", encode_segment(c)));
    }
    Ok(p)
}

impl Client {
    /// A session's history as checked JSON text (`GET /sessions/{key}/history`; parse it with
    /// `serde_json::from_str(history.get())`). The body is validated, never built into a
    /// `serde_json::Value` tree. Unknown sessions are [`Error::NotFound`].
    pub fn session_history(
        &self,
        key: &str,
        limit: Option<u32>,
        cursor: Option<&str>,
    ) -> Result<Box<RawValue>> {
        let path = history_path(key, limit, cursor)?;
        let sent = self.send(&Call::get(
            &path,
            Endpoint::SessionHistory,
            &CallOptions::default(),
        ))?;
        let bytes = self.json_body(Endpoint::SessionHistory, sent)?;
        let text = String::from_utf8(bytes)
            .map_err(|e| Error::protocol(format!("{path} answered text that is not UTF-8: {e}")))?;
        RawValue::from_string(text)
            .map_err(|e| Error::protocol(format!("{path} answered invalid JSON: {e}")))
    }

    /// A session's history as a live stream (`Accept: text/event-stream`). Set an idle timeout
    /// of more than 15 s (the gateway's keep-alive interval) or none.
    pub fn session_history_stream(
        &self,
        key: &str,
        options: &CallOptions,
    ) -> Result<HistoryStream> {
        let path = history_path(key, None, None)?;
        let sent = self.send(&Call::get(&path, Endpoint::SessionHistory, options).streaming())?;
        let (reader, ctx) = self.event_stream(Endpoint::SessionHistory, sent)?;
        Ok(HistoryStream::with_context(reader, self.inner.limits, ctx))
    }
}
