//! The gateway endpoints: chat, models, tools, probes.

use serde::Deserialize;
use serde_json::Value;
use serde_json::value::RawValue;

use super::transport::{Auth, Call, encode_segment};
use super::{CallOptions, Client};
use crate::chat::{ChatCompletion, ChatRequest, parse_completion};
use crate::error::{Endpoint, Error, Result};
use crate::stream::ChatStream;

/// One agent target from `/v1/models`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct Model {
    /// `openclaw`, `openclaw/default` or `openclaw/<agent>`.
    pub id: String,
    /// `model`.
    #[serde(default)]
    pub object: String,
    /// Creation time (0 on the gateway).
    #[serde(default)]
    pub created: i64,
    /// `openclaw`.
    #[serde(default)]
    pub owned_by: String,
}

/// `/health`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct Health {
    /// `true`.
    #[serde(default)]
    pub ok: bool,
    /// `live`.
    #[serde(default)]
    pub status: String,
}

/// `/readyz`. A gateway that is not ready answers 503; that is reported here, not as an error.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct Readiness {
    /// Ready to serve.
    pub ready: bool,
    /// What is failing (only for local or authenticated callers).
    #[serde(default)]
    pub failing: Vec<String>,
    /// Uptime, when reported.
    #[serde(default, rename = "uptimeMs")]
    pub uptime_ms: Option<u64>,
}

/// `/startupz`. 503 while starting or draining is reported here, not as an error.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct Startup {
    /// `started`, `starting` or `draining`.
    #[serde(default)]
    pub status: String,
    /// The gateway version (2026.8 and later, local or authenticated callers).
    #[serde(default)]
    pub version: Option<String>,
    /// Uptime, when reported.
    #[serde(default, rename = "uptimeMs")]
    pub uptime_ms: Option<u64>,
    /// Why it is still starting, when reported.
    #[serde(default, rename = "pendingReason")]
    pub pending_reason: Option<String>,
}

/// A direct tool call (`POST /tools/invoke`).
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct ToolInvocation {
    /// The tool name.
    pub tool: String,
    /// Copied into `args.action` by the gateway when the tool has an `action` parameter.
    pub action: Option<String>,
    /// The arguments (a JSON object).
    pub args: Value,
    /// Target session (`main` or omitted: the agent's main session).
    pub session_key: Option<String>,
    /// The agent resolving the session.
    pub agent_id: Option<String>,
    /// Makes the tool-call id deterministic.
    pub idempotency_key: Option<String>,
    /// `x-openclaw-message-channel`.
    pub channel: Option<String>,
    /// `x-openclaw-account-id`.
    pub account_id: Option<String>,
    /// `x-openclaw-message-to`.
    pub message_to: Option<String>,
    /// `x-openclaw-thread-id`.
    pub thread_id: Option<String>,
    /// Per-call options.
    pub options: CallOptions,
}

impl ToolInvocation {
    /// A call of `tool` with `args` (use `serde_json::json!({})` for none).
    pub fn new(tool: impl Into<String>, args: Value) -> Self {
        ToolInvocation {
            tool: tool.into(),
            args,
            ..Self::default()
        }
    }
    /// Sets `action`.
    pub fn action(mut self, a: impl Into<String>) -> Self {
        self.action = Some(a.into());
        self
    }
    /// Sets `sessionKey`.
    pub fn session_key(mut self, k: impl Into<String>) -> Self {
        self.session_key = Some(k.into());
        self
    }
    /// Sets `agentId`.
    pub fn agent(mut self, a: impl Into<String>) -> Self {
        self.agent_id = Some(a.into());
        self
    }
    /// Sets `idempotencyKey`.
    pub fn idempotency_key(mut self, k: impl Into<String>) -> Self {
        self.idempotency_key = Some(k.into());
        self
    }
    /// Sets the channel header.
    pub fn channel(mut self, c: impl Into<String>) -> Self {
        self.channel = Some(c.into());
        self
    }
    /// Sets the account header.
    pub fn account_id(mut self, a: impl Into<String>) -> Self {
        self.account_id = Some(a.into());
        self
    }
    /// Sets the message-to header.
    pub fn message_to(mut self, t: impl Into<String>) -> Self {
        self.message_to = Some(t.into());
        self
    }
    /// Sets the thread header.
    pub fn thread_id(mut self, t: impl Into<String>) -> Self {
        self.thread_id = Some(t.into());
        self
    }
    /// Sets per-call options.
    pub fn options(mut self, o: CallOptions) -> Self {
        self.options = o;
        self
    }
}

const CHAT_PATH: &str = "/v1/chat/completions";

impl Client {
    /// Runs one agent turn and returns the whole reply (`stream: false`). Blocks for the whole
    /// turn (bounded by the response timeout).
    pub fn chat(&self, req: &ChatRequest) -> Result<ChatCompletion> {
        req.validate()?;
        let body = req.body(&self.inner.agent_id, false)?;
        let sent = self.send(
            &Call::post(CHAT_PATH, Endpoint::ChatCompletions, &body, &req.options)
                .headers(req.routing().headers()),
        )?;
        let bytes = self.json_body(Endpoint::ChatCompletions, sent)?;
        parse_completion(&bytes)
    }

    /// Starts a streamed agent turn (`stream: true`); iterate the returned [`ChatStream`].
    /// Errors before the stream starts (auth, validation, disabled endpoint) are returned here.
    pub fn chat_stream(&self, req: &ChatRequest) -> Result<ChatStream> {
        req.validate()?;
        let body = req.body(&self.inner.agent_id, true)?;
        let sent = self.send(
            &Call::post(CHAT_PATH, Endpoint::ChatCompletions, &body, &req.options)
                .headers(req.routing().headers())
                .streaming(),
        )?;
        let status = sent.status;
        let (reader, ctx) = self.event_stream(Endpoint::ChatCompletions, sent)?;
        let mut stream = ChatStream::with_context(reader, self.inner.limits, ctx, status);
        if let Some(keep) = req.keep_text {
            stream.keep_text(keep);
        }
        if let Some(max) = req.max_kept_bytes {
            stream.max_kept_bytes(max);
        }
        Ok(stream)
    }

    fn get_json<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        endpoint: Endpoint,
        auth: Auth,
        options: &CallOptions,
        accept_status: &[u16],
    ) -> Result<T> {
        let mut sent = self.send_accepting(
            &Call::get(path, endpoint, options).auth(auth),
            accept_status,
        )?;
        if !super::transport::is_json(&sent.content_type()) && !(200..300).contains(&sent.status) {
            return Err(self.error_of(endpoint, &mut sent));
        }
        let bytes = self.json_body(endpoint, sent)?;
        serde_json::from_slice(&bytes).map_err(|e| {
            Error::protocol(format!("{path} answered JSON of an unexpected shape: {e}"))
        })
    }

    /// Lists the agent targets (`GET /v1/models`).
    pub fn models(&self) -> Result<Vec<Model>> {
        self.models_with(&CallOptions::default())
    }

    /// [`Client::models`] with per-call options.
    pub fn models_with(&self, options: &CallOptions) -> Result<Vec<Model>> {
        #[derive(Deserialize)]
        struct List {
            data: Vec<Model>,
        }
        let l: List = self.get_json("/v1/models", Endpoint::Models, Auth::Gateway, options, &[])?;
        Ok(l.data)
    }

    /// One agent target (`GET /v1/models/{id}`), e.g. `openclaw/default`.
    pub fn model(&self, id: &str) -> Result<Model> {
        if id.is_empty() {
            return Err(Error::invalid("the model id is empty"));
        }
        let path = format!("/v1/models/{}", encode_segment(id));
        self.get_json(
            &path,
            Endpoint::Models,
            Auth::Gateway,
            &CallOptions::default(),
            &[],
        )
    }

    /// Calls a tool directly (`POST /tools/invoke`) and returns its `result` as JSON text
    /// (`null` when the gateway sent none). The body is read without building a
    /// `serde_json::Value` tree; parse the result into your own types with
    /// `serde_json::from_str(result.get())`.
    pub fn invoke_tool(&self, call: &ToolInvocation) -> Result<Box<RawValue>> {
        if call.tool.trim().is_empty() {
            return Err(Error::invalid("the tool name is empty"));
        }
        if !(call.args.is_object() || call.args.is_null()) {
            return Err(Error::invalid("tool args must be a JSON object"));
        }
        if let Some(a) = &call.agent_id {
            crate::chat::validate_agent_id(a)?;
        }
        if let Some(k) = &call.session_key {
            crate::chat::validate_session_key(k)?;
        }
        let mut body = serde_json::Map::new();
        body.insert("tool".into(), Value::String(call.tool.clone()));
        body.insert(
            "args".into(),
            if call.args.is_null() {
                Value::Object(Default::default())
            } else {
                call.args.clone()
            },
        );
        // With retries on, a key makes a retried call land on the same tool-call id.
        let idem = call
            .idempotency_key
            .clone()
            .or_else(|| self.retries_enabled().then(super::retry::idempotency_key));
        for (k, v) in [
            ("action", &call.action),
            ("sessionKey", &call.session_key),
            ("agentId", &call.agent_id),
            ("idempotencyKey", &idem),
        ] {
            if let Some(v) = v {
                body.insert(k.into(), Value::String(v.clone()));
            }
        }
        let body = serde_json::to_vec(&Value::Object(body))
            .map_err(|e| Error::invalid(format!("cannot encode the tool call: {e}")))?;
        let mut headers = Vec::new();
        for (name, v) in [
            ("x-openclaw-message-channel", &call.channel),
            ("x-openclaw-account-id", &call.account_id),
            ("x-openclaw-message-to", &call.message_to),
            ("x-openclaw-thread-id", &call.thread_id),
        ] {
            if let Some(v) = v {
                headers.push((name, v.as_str()));
            }
        }
        let sent = self.send(
            &Call::post("/tools/invoke", Endpoint::ToolsInvoke, &body, &call.options)
                .headers(headers),
        )?;
        let status = sent.status;
        let bytes = self.json_body(Endpoint::ToolsInvoke, sent)?;
        tool_result(status, &bytes)
    }

    /// `GET /health`: liveness (no auth needed).
    pub fn health(&self) -> Result<Health> {
        self.health_with(&CallOptions::default())
    }

    pub(crate) fn health_with(&self, o: &CallOptions) -> Result<Health> {
        self.get_json("/health", Endpoint::Probe, Auth::None, o, &[])
    }

    /// `GET /readyz` (with the secret, for the detailed answer). Not ready is `Ok` with
    /// `ready: false`.
    pub fn ready(&self) -> Result<Readiness> {
        self.get_json(
            "/readyz",
            Endpoint::Probe,
            Auth::Gateway,
            &CallOptions::default(),
            &[503],
        )
    }

    /// `GET /startupz` (with the secret, for the version). Still starting is `Ok` with
    /// `status: "starting"`.
    pub fn startup(&self) -> Result<Startup> {
        self.startup_with(&CallOptions::default())
    }

    pub(crate) fn startup_with(&self, o: &CallOptions) -> Result<Startup> {
        self.get_json("/startupz", Endpoint::Probe, Auth::Gateway, o, &[503])
    }

    /// The old client's liveness semantics: `Ok(true)` when the server answers `/health` with a
    /// status below 500, `Ok(false)` for 5xx; transport failures are errors.
    pub fn check_alive(&self) -> Result<bool> {
        let sent = self.send_raw(
            &Call::get("/health", Endpoint::Probe, &CallOptions::default()).auth(Auth::None),
        )?;
        Ok(sent.status < 500)
    }
}

/// `{ok:true,result}` → the result's JSON text; `{ok:false,error}` → the typed error. Read
/// borrowed: the result is copied once as text, the error's texts are capped.
fn tool_result(status: u16, bytes: &[u8]) -> Result<Box<RawValue>> {
    #[derive(Deserialize)]
    struct Reply<'a> {
        #[serde(default, borrow)]
        ok: Option<&'a RawValue>,
        #[serde(default, borrow)]
        result: Option<&'a RawValue>,
        #[serde(default, borrow)]
        error: Option<&'a RawValue>,
    }
    let reply: Reply<'_> = serde_json::from_slice(bytes)
        .map_err(|e| Error::protocol(format!("/tools/invoke answered invalid JSON: {e}")))?;
    if reply.ok.is_some_and(|ok| ok.get() == "true") {
        return Ok(match reply.result {
            Some(r) => r.to_owned(),
            None => {
                RawValue::from_string("null".into()).map_err(|e| Error::protocol(e.to_string()))?
            }
        });
    }
    // The envelope read borrowed and capped, whatever the body's size.
    let status = if status == 200 { 500 } else { status };
    Err(match reply.error {
        Some(e) => super::transport::classify_parsed(
            Endpoint::ToolsInvoke,
            status,
            "application/json",
            None,
            None,
            Some(crate::json::error_fields(e)),
            b"",
        ),
        None => super::transport::classify_parsed(
            Endpoint::ToolsInvoke,
            status,
            "text/plain",
            None,
            None,
            None,
            crate::error::capped_bytes(bytes).as_bytes(),
        ),
    })
}
