//! Chat completion request and response types (`POST /v1/chat/completions`).
//!
//! # Agent and session precedence (gateway 2026.9.6, PROTOCOL §3.3)
//!
//! - **Agent**: the `x-openclaw-agent-id` header (set by [`ChatRequest::agent`]) wins over the
//!   `model` field; the `model` field (set by [`ChatRequest::target`], default
//!   `openclaw/<agent>` with the client's default agent) is validated first even when the header
//!   is present; then the gateway's configured default agent.
//! - **Session**: the `x-openclaw-session-key` header ([`ChatRequest::session_key`]) wins over
//!   `user` ([`ChatRequest::user`], which derives `agent:<id>:openai-user:<user>`); with neither,
//!   every request gets a fresh session (no memory between calls).
//!
//! The client sends each of these exactly once, in the one place the caller chose.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::options::CallOptions;

/// A message role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// System prompt text (joined into the agent's extra system prompt).
    System,
    /// Developer instructions (treated like system).
    Developer,
    /// The user.
    User,
    /// The assistant (may carry tool calls).
    Assistant,
    /// A tool result (with `tool_call_id`).
    Tool,
}

impl Role {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::System => "system",
            Role::Developer => "developer",
            Role::User => "user",
            Role::Assistant => "assistant",
            Role::Tool => "tool",
        }
    }

    /// Parses a wire name.
    pub fn parse(s: &str) -> Option<Role> {
        Some(match s {
            "system" => Role::System,
            "developer" => Role::Developer,
            "user" => Role::User,
            "assistant" => Role::Assistant,
            "tool" => Role::Tool,
            _ => return None,
        })
    }
}

/// One part of a multi-part message content.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ContentPart {
    /// Text.
    Text {
        /// The text.
        text: String,
    },
    /// An image by URL; the gateway accepts base64 `data:` URIs (remote URLs are refused by
    /// default).
    ImageUrl {
        /// `{ "url": … }`
        image_url: ImageUrl,
    },
}

/// The `image_url` object of an image part.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImageUrl {
    /// A `data:<mime>;base64,…` URI or a URL.
    pub url: String,
}

impl ContentPart {
    /// A text part.
    pub fn text(text: impl Into<String>) -> Self {
        ContentPart::Text { text: text.into() }
    }

    /// An image part from a URL or `data:` URI.
    pub fn image_url(url: impl Into<String>) -> Self {
        ContentPart::ImageUrl {
            image_url: ImageUrl { url: url.into() },
        }
    }

    /// An image part from raw bytes, sent as a base64 `data:` URI with the given MIME type
    /// (e.g. `image/png`).
    pub fn image_bytes(mime: &str, bytes: &[u8]) -> Self {
        Self::image_url(format!("data:{mime};base64,{}", base64_encode(bytes)))
    }
}

/// Standard base64 with padding.
pub(crate) fn base64_encode(bytes: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for c in bytes.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        out.push(T[(n >> 18) as usize & 63] as char);
        out.push(T[(n >> 12) as usize & 63] as char);
        out.push(if c.len() > 1 {
            T[(n >> 6) as usize & 63] as char
        } else {
            '='
        });
        out.push(if c.len() > 2 {
            T[n as usize & 63] as char
        } else {
            '='
        });
    }
    out
}

/// Message content: plain text or parts.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Content {
    /// Plain text.
    Text(String),
    /// Text and image parts.
    Parts(Vec<ContentPart>),
}

/// A function tool call requested by the assistant.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ToolCall {
    /// The call id (send it back as `tool_call_id`).
    pub id: String,
    /// The function name.
    pub name: String,
    /// The arguments as a JSON string.
    pub arguments: String,
}

impl Serialize for ToolCall {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct F<'a> {
            name: &'a str,
            arguments: &'a str,
        }
        #[derive(Serialize)]
        struct W<'a> {
            id: &'a str,
            #[serde(rename = "type")]
            kind: &'static str,
            function: F<'a>,
        }
        W {
            id: &self.id,
            kind: "function",
            function: F {
                name: &self.name,
                arguments: &self.arguments,
            },
        }
        .serialize(s)
    }
}

/// One chat message.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Message {
    /// Who speaks.
    pub role: Role,
    /// The content (may be absent for an assistant message that only calls tools).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<Content>,
    /// Tool calls of an assistant message.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tool_calls: Vec<ToolCall>,
    /// The call this tool message answers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tool_call_id: Option<String>,
    /// Optional participant name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl Message {
    /// A message with text content.
    pub fn new(role: Role, text: impl Into<String>) -> Self {
        Message {
            role,
            content: Some(Content::Text(text.into())),
            tool_calls: Vec::new(),
            tool_call_id: None,
            name: None,
        }
    }
    /// Appends a content part, turning text content into parts (an empty text becomes no part).
    pub fn push_part(&mut self, part: ContentPart) {
        let mut parts = match self.content.take() {
            Some(Content::Parts(p)) => p,
            Some(Content::Text(t)) if t.is_empty() => Vec::new(),
            Some(Content::Text(t)) => vec![ContentPart::text(t)],
            None => Vec::new(),
        };
        parts.push(part);
        self.content = Some(Content::Parts(parts));
    }
    /// A system message.
    pub fn system(text: impl Into<String>) -> Self {
        Self::new(Role::System, text)
    }
    /// A developer message.
    pub fn developer(text: impl Into<String>) -> Self {
        Self::new(Role::Developer, text)
    }
    /// A user message.
    pub fn user(text: impl Into<String>) -> Self {
        Self::new(Role::User, text)
    }
    /// A user message made of parts (text and images).
    pub fn user_parts(parts: Vec<ContentPart>) -> Self {
        Message {
            content: Some(Content::Parts(parts)),
            ..Self::new(Role::User, "")
        }
    }
    /// An assistant message.
    pub fn assistant(text: impl Into<String>) -> Self {
        Self::new(Role::Assistant, text)
    }
    /// An assistant message that called tools (send it back before the tool results).
    pub fn assistant_tool_calls(text: impl Into<String>, calls: Vec<ToolCall>) -> Self {
        Message {
            tool_calls: calls,
            ..Self::new(Role::Assistant, text)
        }
    }
    /// A tool result answering `tool_call_id`.
    pub fn tool(tool_call_id: impl Into<String>, text: impl Into<String>) -> Self {
        Message {
            tool_call_id: Some(tool_call_id.into()),
            ..Self::new(Role::Tool, text)
        }
    }
}

/// A client-side function tool the agent may call.
#[derive(Debug, Clone, PartialEq)]
pub struct Tool {
    /// Function name.
    pub name: String,
    /// What it does.
    pub description: Option<String>,
    /// JSON schema of the arguments.
    pub parameters: Option<Value>,
}

impl Tool {
    /// A function tool.
    pub fn function(
        name: impl Into<String>,
        description: Option<&str>,
        parameters: Option<Value>,
    ) -> Self {
        Tool {
            name: name.into(),
            description: description.map(str::to_owned),
            parameters,
        }
    }
}

impl Serialize for Tool {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct F<'a> {
            name: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            description: &'a Option<String>,
            #[serde(skip_serializing_if = "Option::is_none")]
            parameters: &'a Option<Value>,
        }
        #[derive(Serialize)]
        struct W<'a> {
            #[serde(rename = "type")]
            kind: &'static str,
            function: F<'a>,
        }
        W {
            kind: "function",
            function: F {
                name: &self.name,
                description: &self.description,
                parameters: &self.parameters,
            },
        }
        .serialize(s)
    }
}

/// `tool_choice`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ToolChoice {
    /// The agent decides.
    Auto,
    /// Client tools are dropped.
    None,
    /// The agent must call a tool.
    Required,
    /// The agent must call this function.
    Function(String),
}

impl Serialize for ToolChoice {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            ToolChoice::Auto => s.serialize_str("auto"),
            ToolChoice::None => s.serialize_str("none"),
            ToolChoice::Required => s.serialize_str("required"),
            ToolChoice::Function(n) => {
                serde_json::json!({"type": "function", "function": {"name": n}}).serialize(s)
            }
        }
    }
}

pub use crate::validate::{
    RESERVED_SESSION_PREFIXES, agent_session_key, validate_agent_id, validate_header_name,
    validate_header_value, validate_session_key,
};
use crate::validate::{RouteField, validate_extra_header, validate_route};

/// The `model` target for an agent: `openclaw/<agent>`, or `openclaw` (the gateway's default
/// agent) for an empty id.
pub(crate) fn default_target(agent: &str) -> String {
    if agent.is_empty() {
        "openclaw".to_owned()
    } else {
        format!("openclaw/{agent}")
    }
}

/// The agent and session routing every agent request carries (chat and responses alike).
pub(crate) struct Routing<'a> {
    pub(crate) target: Option<&'a str>,
    pub(crate) agent_id: Option<&'a str>,
    pub(crate) session_key: Option<&'a str>,
    pub(crate) channel: Option<&'a str>,
    pub(crate) model_override: Option<&'a str>,
    pub(crate) extra_headers: &'a [(String, String)],
}

impl<'a> Routing<'a> {
    /// Checks ids and header values before anything is sent, by the one rule of
    /// [`crate::validate::validate_route`].
    pub(crate) fn validate(&self) -> Result<()> {
        for (field, v) in [
            (RouteField::Agent, self.agent_id),
            (RouteField::SessionKey, self.session_key),
            (RouteField::Target, self.target),
            (RouteField::Channel, self.channel),
            (RouteField::ModelOverride, self.model_override),
        ] {
            if let Some(v) = v {
                validate_route(field, v)?;
            }
        }
        for (n, v) in self.extra_headers {
            validate_extra_header(n, v)?;
        }
        Ok(())
    }

    /// The headers: agent, session, channel, model override, extras (each id in one place).
    pub(crate) fn headers(&self) -> Vec<(&'a str, &'a str)> {
        let mut h = Vec::new();
        for (name, v) in [
            ("x-openclaw-agent-id", self.agent_id),
            ("x-openclaw-session-key", self.session_key),
            ("x-openclaw-message-channel", self.channel),
            ("x-openclaw-model", self.model_override),
        ] {
            if let Some(v) = v {
                h.push((name, v));
            }
        }
        h.extend(
            self.extra_headers
                .iter()
                .map(|(n, v)| (n.as_str(), v.as_str())),
        );
        h
    }

    /// The `model` field: the explicit target, else `openclaw/<per-call or default agent>`.
    pub(crate) fn model(&self, default_agent: &str) -> String {
        match self.target {
            Some(t) => t.to_owned(),
            None => default_target(self.agent_id.unwrap_or(default_agent)),
        }
    }
}

/// A chat completion request. Build with [`ChatRequest::new`] and the chained setters.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct ChatRequest {
    /// The conversation.
    pub messages: Vec<Message>,
    /// The `model` field (an agent target such as `openclaw` or `openclaw/<agent>`); `None`
    /// means `openclaw/<agent>` with the per-call or client default agent.
    pub target: Option<String>,
    /// Per-call agent id, sent as `x-openclaw-agent-id` (wins over the target).
    pub agent_id: Option<String>,
    /// `user`: a stable session per user string.
    pub user: Option<String>,
    /// `x-openclaw-session-key` (wins over `user`).
    pub session_key: Option<String>,
    /// `x-openclaw-message-channel`.
    pub channel: Option<String>,
    /// `x-openclaw-model`: backend model override (`provider/model`).
    pub model_override: Option<String>,
    /// Extra headers.
    pub extra_headers: Vec<(String, String)>,
    /// Client-side function tools.
    pub tools: Vec<Tool>,
    /// `tool_choice`.
    pub tool_choice: Option<ToolChoice>,
    /// `temperature` (0–2).
    pub temperature: Option<f64>,
    /// `top_p` (0–1).
    pub top_p: Option<f64>,
    /// `max_completion_tokens`.
    pub max_tokens: Option<u32>,
    /// `stop` (at most 4).
    pub stop: Vec<String>,
    /// `seed`.
    pub seed: Option<i64>,
    /// `stream_options.include_usage` (streaming only).
    pub include_usage: bool,
    /// Per-call timeouts and cancellation.
    pub options: CallOptions,
    /// Streams only: whether the stream keeps the text it receives (`None` = yes); see
    /// [`crate::ChatStream::keep_text`].
    pub keep_text: Option<bool>,
    /// Streams only: the bound on what the stream keeps (`None` = the client's
    /// [`crate::sse::Limits::max_kept_bytes`]); see [`crate::ChatStream::max_kept_bytes`].
    pub max_kept_bytes: Option<usize>,
}

impl ChatRequest {
    /// An empty request.
    pub fn new() -> Self {
        Self::default()
    }
    /// A request with one user message.
    pub fn user_message(text: impl Into<String>) -> Self {
        Self::new().message(Message::user(text))
    }
    /// Appends a message.
    pub fn message(mut self, m: Message) -> Self {
        self.messages.push(m);
        self
    }
    /// Sets the `model` field verbatim (an agent target: `openclaw`, `openclaw/<agent>`).
    pub fn target(mut self, model: impl Into<String>) -> Self {
        self.target = Some(model.into());
        self
    }
    /// Targets the gateway's default agent (`model: "openclaw"`).
    pub fn target_default_agent(self) -> Self {
        self.target("openclaw")
    }
    /// Targets an agent through the `model` field (`openclaw/<agent>`).
    pub fn target_agent(self, agent: &str) -> Self {
        self.target(format!("openclaw/{agent}"))
    }
    /// Selects the agent for this call (`x-openclaw-agent-id`; wins over the target).
    pub fn agent(mut self, agent_id: impl Into<String>) -> Self {
        self.agent_id = Some(agent_id.into());
        self
    }
    /// Sets `user` (stable session `agent:<id>:openai-user:<user>`).
    pub fn user(mut self, user: impl Into<String>) -> Self {
        self.user = Some(user.into());
        self
    }
    /// Sets `x-openclaw-session-key` verbatim (reserved namespaces are rejected when sent).
    pub fn session_key(mut self, key: impl Into<String>) -> Self {
        self.session_key = Some(key.into());
        self
    }
    /// Sets `x-openclaw-session-key` to `agent:<agent>:<key>`.
    pub fn agent_session_key(mut self, agent: &str, key: &str) -> Result<Self> {
        self.session_key = Some(agent_session_key(agent, key)?);
        Ok(self)
    }
    /// Sets `x-openclaw-message-channel`.
    pub fn channel(mut self, channel: impl Into<String>) -> Self {
        self.channel = Some(channel.into());
        self
    }
    /// Sets `x-openclaw-model` (backend model override).
    pub fn model_override(mut self, model: impl Into<String>) -> Self {
        self.model_override = Some(model.into());
        self
    }
    /// Adds a header.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.extra_headers.push((name.into(), value.into()));
        self
    }
    /// Adds a client-side function tool.
    pub fn tool(mut self, tool: Tool) -> Self {
        self.tools.push(tool);
        self
    }
    /// Sets `tool_choice`.
    pub fn tool_choice(mut self, choice: ToolChoice) -> Self {
        self.tool_choice = Some(choice);
        self
    }
    /// Sets `temperature`.
    pub fn temperature(mut self, t: f64) -> Self {
        self.temperature = Some(t);
        self
    }
    /// Sets `top_p`.
    pub fn top_p(mut self, p: f64) -> Self {
        self.top_p = Some(p);
        self
    }
    /// Sets `max_completion_tokens`.
    pub fn max_tokens(mut self, n: u32) -> Self {
        self.max_tokens = Some(n);
        self
    }
    /// Adds a stop sequence.
    pub fn stop(mut self, s: impl Into<String>) -> Self {
        self.stop.push(s.into());
        self
    }
    /// Sets `seed`.
    pub fn seed(mut self, seed: i64) -> Self {
        self.seed = Some(seed);
        self
    }
    /// Asks for a trailing usage chunk on streams.
    pub fn include_usage(mut self, on: bool) -> Self {
        self.include_usage = on;
        self
    }
    /// Sets per-call options (timeouts, cancel token).
    pub fn options(mut self, options: CallOptions) -> Self {
        self.options = options;
        self
    }
    /// Streams only: keep the text received (default) or keep nothing, for flat memory however
    /// long the stream runs ([`crate::ChatStream::keep_text`]).
    pub fn keep_text(mut self, keep: bool) -> Self {
        self.keep_text = Some(keep);
        self
    }
    /// Streams only: the bound on what the stream keeps, in bytes
    /// ([`crate::ChatStream::max_kept_bytes`]).
    pub fn max_kept_bytes(mut self, max: usize) -> Self {
        self.max_kept_bytes = Some(max);
        self
    }

    /// Appends a content part to the last message, turning its text content into parts.
    /// [`Error::InvalidInput`] when the request has no message yet.
    pub fn push_part(&mut self, part: ContentPart) -> Result<()> {
        self.last_message()?.push_part(part);
        Ok(())
    }
    /// Adds a tool call to the last message, which must be an assistant message (the history
    /// of a tool follow-up turn). [`Error::InvalidInput`] otherwise.
    pub fn push_tool_call(&mut self, call: ToolCall) -> Result<()> {
        let m = self.last_message()?;
        if m.role != Role::Assistant {
            return Err(Error::invalid("tool calls belong to an assistant message"));
        }
        m.tool_calls.push(call);
        Ok(())
    }
    fn last_message(&mut self) -> Result<&mut Message> {
        self.messages
            .last_mut()
            .ok_or_else(|| Error::invalid("the request has no message yet: add one first"))
    }

    pub(crate) fn routing(&self) -> Routing<'_> {
        Routing {
            target: self.target.as_deref(),
            agent_id: self.agent_id.as_deref(),
            session_key: self.session_key.as_deref(),
            channel: self.channel.as_deref(),
            model_override: self.model_override.as_deref(),
            extra_headers: &self.extra_headers,
        }
    }

    /// Checks everything that can be checked before sending.
    pub fn validate(&self) -> Result<()> {
        self.routing().validate()?;
        if self.stop.len() > 4 {
            return Err(Error::invalid("at most 4 stop sequences are allowed"));
        }
        Ok(())
    }

    /// The JSON body.
    pub(crate) fn body(&self, default_agent: &str, stream: bool) -> Result<Vec<u8>> {
        #[derive(Serialize)]
        struct StreamOptions {
            include_usage: bool,
        }
        #[derive(Serialize)]
        struct Wire<'a> {
            model: &'a str,
            messages: &'a [Message],
            stream: bool,
            #[serde(skip_serializing_if = "Option::is_none")]
            stream_options: Option<StreamOptions>,
            #[serde(skip_serializing_if = "Option::is_none")]
            user: Option<&'a str>,
            #[serde(skip_serializing_if = "<[Tool]>::is_empty")]
            tools: &'a [Tool],
            #[serde(skip_serializing_if = "Option::is_none")]
            tool_choice: Option<&'a ToolChoice>,
            #[serde(skip_serializing_if = "Option::is_none")]
            temperature: Option<f64>,
            #[serde(skip_serializing_if = "Option::is_none")]
            top_p: Option<f64>,
            #[serde(skip_serializing_if = "Option::is_none")]
            max_completion_tokens: Option<u32>,
            #[serde(skip_serializing_if = "<[String]>::is_empty")]
            stop: &'a [String],
            #[serde(skip_serializing_if = "Option::is_none")]
            seed: Option<i64>,
        }
        let model = self.routing().model(default_agent);
        let wire = Wire {
            model: &model,
            messages: &self.messages,
            stream,
            stream_options: (stream && self.include_usage).then_some(StreamOptions {
                include_usage: true,
            }),
            user: self.user.as_deref(),
            tools: &self.tools,
            tool_choice: self.tool_choice.as_ref(),
            temperature: self.temperature,
            top_p: self.top_p,
            max_completion_tokens: self.max_tokens,
            stop: &self.stop,
            seed: self.seed,
        };
        serde_json::to_vec(&wire)
            .map_err(|e| Error::invalid(format!("cannot encode the request: {e}")))
    }
}

/// Token usage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[non_exhaustive]
pub struct Usage {
    /// Input tokens (including cache reads).
    #[serde(default)]
    pub prompt_tokens: u64,
    /// Output tokens.
    #[serde(default)]
    pub completion_tokens: u64,
    /// Sum.
    #[serde(default)]
    pub total_tokens: u64,
    /// `prompt_tokens_details.cached_tokens`, when sent.
    #[serde(
        default,
        rename = "prompt_tokens_details",
        deserialize_with = "de_cached"
    )]
    pub cached_tokens: Option<u64>,
    /// `completion_tokens_details.reasoning_tokens`, when sent.
    #[serde(
        default,
        rename = "completion_tokens_details",
        deserialize_with = "de_reasoning"
    )]
    pub reasoning_tokens: Option<u64>,
}

fn de_cached<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Option<u64>, D::Error> {
    #[derive(Deserialize)]
    struct X {
        cached_tokens: Option<u64>,
    }
    Ok(Option::<X>::deserialize(d)?.and_then(|x| x.cached_tokens))
}

fn de_reasoning<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<Option<u64>, D::Error> {
    #[derive(Deserialize)]
    struct X {
        reasoning_tokens: Option<u64>,
    }
    Ok(Option::<X>::deserialize(d)?.and_then(|x| x.reasoning_tokens))
}

/// Why the model stopped.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FinishReason {
    /// Natural end.
    Stop,
    /// Token budget reached.
    Length,
    /// The reply calls tools.
    ToolCalls,
    /// Content filter.
    ContentFilter,
    /// Anything else, verbatim.
    Other(String),
}

impl FinishReason {
    /// Parses the wire string.
    pub fn parse(s: &str) -> Self {
        match s {
            "stop" => FinishReason::Stop,
            "length" => FinishReason::Length,
            "tool_calls" => FinishReason::ToolCalls,
            "content_filter" => FinishReason::ContentFilter,
            o => FinishReason::Other(o.to_owned()),
        }
    }
    /// The wire string.
    pub fn as_str(&self) -> &str {
        match self {
            FinishReason::Stop => "stop",
            FinishReason::Length => "length",
            FinishReason::ToolCalls => "tool_calls",
            FinishReason::ContentFilter => "content_filter",
            FinishReason::Other(s) => s,
        }
    }
}

/// The text the gateway puts in `content` when the agent produced nothing.
pub const EMPTY_REPLY_TEXT: &str = "No response from OpenClaw.";

/// A complete chat reply (from [`crate::Client::chat`] or a collected stream).
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct ChatCompletion {
    /// `chatcmpl_…` id.
    pub id: String,
    /// The `model` echoed by the gateway.
    pub model: String,
    /// The reply role (`assistant`).
    pub role: String,
    /// The reply text.
    pub content: String,
    /// Reasoning text, when the gateway sent any.
    pub reasoning: String,
    /// Tool calls the agent asks the client to run.
    pub tool_calls: Vec<ToolCall>,
    /// Why it stopped (absent when the gateway sent no finish chunk).
    pub finish_reason: Option<FinishReason>,
    /// Token usage (on streams only with `include_usage`).
    pub usage: Option<Usage>,
    /// Bytes of reply text received (counted even when a stream does not keep the text).
    pub received_bytes: u64,
    /// True when the agent produced no text and no tool calls (a stream with no content before
    /// `[DONE]`, or the gateway's "No response from OpenClaw." placeholder).
    pub empty: bool,
}

/// Parses a non-stream chat completion body.
pub(crate) fn parse_completion(body: &[u8]) -> Result<ChatCompletion> {
    #[derive(Deserialize)]
    struct WFn {
        #[serde(default)]
        name: String,
        #[serde(default)]
        arguments: String,
    }
    #[derive(Deserialize)]
    struct WCall {
        #[serde(default)]
        id: String,
        function: WFn,
    }
    #[derive(Deserialize)]
    struct WMsg {
        #[serde(default)]
        role: Option<String>,
        #[serde(default)]
        content: Option<String>,
        #[serde(default, alias = "reasoning", alias = "thinking")]
        reasoning_content: Option<String>,
        #[serde(default)]
        tool_calls: Vec<WCall>,
    }
    #[derive(Deserialize)]
    struct WChoice {
        message: WMsg,
        #[serde(default)]
        finish_reason: Option<String>,
    }
    #[derive(Deserialize)]
    struct W {
        #[serde(default)]
        id: String,
        #[serde(default)]
        model: String,
        choices: Vec<WChoice>,
        #[serde(default)]
        usage: Option<Usage>,
    }
    let w: W = serde_json::from_slice(body).map_err(|e| {
        Error::protocol(format!(
            "the chat completion is not valid JSON of the expected shape: {e}"
        ))
    })?;
    let Some(choice) = w.choices.into_iter().next() else {
        return Err(Error::protocol("the chat completion has no choices"));
    };
    let content = choice.message.content.unwrap_or_default();
    let tool_calls: Vec<ToolCall> = choice
        .message
        .tool_calls
        .into_iter()
        .map(|c| ToolCall {
            id: c.id,
            name: c.function.name,
            arguments: c.function.arguments,
        })
        .collect();
    Ok(ChatCompletion {
        received_bytes: content.len() as u64,
        id: w.id,
        model: w.model,
        role: choice.message.role.unwrap_or_else(|| "assistant".into()),
        empty: tool_calls.is_empty() && (content.is_empty() || content == EMPTY_REPLY_TEXT),
        content,
        reasoning: choice.message.reasoning_content.unwrap_or_default(),
        tool_calls,
        finish_reason: choice.finish_reason.as_deref().map(FinishReason::parse),
        usage: w.usage,
    })
}
