//! OpenResponses (`POST /v1/responses`) request and response types.
//!
//! Agent and session routing follow the same precedence as chat completions
//! ([`crate::chat`]); the session prefix is `openresponses`. `previous_response_id` reuses the
//! session of an earlier response (kept by the gateway in memory for 30 minutes).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::chat::{Role, Routing, ToolChoice, base64_encode};
use crate::client::CallOptions;
use crate::error::{Error, Result};

/// Where an image or file part comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A URL the gateway fetches (allowed by default on `/v1/responses`).
    Url(String),
    /// Inline bytes, sent base64-encoded with their MIME type.
    Bytes {
        /// MIME type (`image/png`, `application/pdf`, `text/plain`…).
        media_type: String,
        /// The raw bytes.
        data: Vec<u8>,
        /// File name (files only).
        filename: Option<String>,
    },
}

impl Serialize for Source {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            Source::Url(u) => serde_json::json!({"type": "url", "url": u}).serialize(s),
            Source::Bytes {
                media_type,
                data,
                filename,
            } => {
                let mut v = serde_json::json!({"type": "base64", "media_type": media_type, "data": base64_encode(data)});
                if let Some(f) = filename {
                    v["filename"] = Value::String(f.clone());
                }
                v.serialize(s)
            }
        }
    }
}

/// A part of an input message.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum InputPart {
    /// Text.
    InputText {
        /// The text.
        text: String,
    },
    /// An image (only the current user message's images are used).
    InputImage {
        /// Where it comes from.
        source: Source,
    },
    /// A file (text, markdown, HTML, CSV, JSON or PDF by default).
    InputFile {
        /// Where it comes from.
        source: Source,
    },
}

impl InputPart {
    /// A text part.
    pub fn text(t: impl Into<String>) -> Self {
        InputPart::InputText { text: t.into() }
    }
    /// An image by URL.
    pub fn image_url(url: impl Into<String>) -> Self {
        InputPart::InputImage {
            source: Source::Url(url.into()),
        }
    }
    /// An image from bytes.
    pub fn image_bytes(media_type: impl Into<String>, data: Vec<u8>) -> Self {
        InputPart::InputImage {
            source: Source::Bytes {
                media_type: media_type.into(),
                data,
                filename: None,
            },
        }
    }
    /// A file by URL.
    pub fn file_url(url: impl Into<String>) -> Self {
        InputPart::InputFile {
            source: Source::Url(url.into()),
        }
    }
    /// A file from bytes.
    pub fn file_bytes(
        media_type: impl Into<String>,
        data: Vec<u8>,
        filename: Option<String>,
    ) -> Self {
        InputPart::InputFile {
            source: Source::Bytes {
                media_type: media_type.into(),
                data,
                filename,
            },
        }
    }
}

/// One input item.
#[derive(Debug, Clone, PartialEq)]
pub enum InputItem {
    /// A message (`system`, `developer`, `user`, `assistant`).
    Message {
        /// Who speaks.
        role: Role,
        /// Its parts.
        content: Vec<InputPart>,
    },
    /// A function call made earlier by the assistant (history).
    FunctionCall {
        /// The call id.
        call_id: String,
        /// The function name.
        name: String,
        /// JSON arguments.
        arguments: String,
    },
    /// The result of a client-side function call.
    FunctionCallOutput {
        /// The call id it answers.
        call_id: String,
        /// The output (text, often JSON).
        output: String,
    },
}

impl Serialize for InputItem {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            InputItem::Message { role, content } => {
                serde_json::json!({"type": "message", "role": role.as_str(), "content": content}).serialize(s)
            }
            InputItem::FunctionCall { call_id, name, arguments } => {
                serde_json::json!({"type": "function_call", "call_id": call_id, "name": name, "arguments": arguments}).serialize(s)
            }
            InputItem::FunctionCallOutput { call_id, output } => {
                serde_json::json!({"type": "function_call_output", "call_id": call_id, "output": output}).serialize(s)
            }
        }
    }
}

/// `input`: a plain string or items.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    /// One user text.
    Text(String),
    /// Items.
    Items(Vec<InputItem>),
}

/// A `/v1/responses` request.
#[derive(Debug, Clone)]
pub struct ResponsesRequest {
    /// The input.
    pub input: Input,
    /// The `model` agent target; `None` = `openclaw/<agent>`.
    pub target: Option<String>,
    /// Per-call agent (`x-openclaw-agent-id`).
    pub agent_id: Option<String>,
    /// `instructions` (added to the system prompt).
    pub instructions: Option<String>,
    /// Client-side function tools: name, description, JSON schema.
    pub tools: Vec<(String, Option<String>, Option<Value>)>,
    /// `tool_choice`.
    pub tool_choice: Option<ToolChoice>,
    /// `previous_response_id`.
    pub previous_response_id: Option<String>,
    /// `user`.
    pub user: Option<String>,
    /// `max_output_tokens`.
    pub max_output_tokens: Option<u32>,
    /// `temperature`.
    pub temperature: Option<f64>,
    /// `top_p`.
    pub top_p: Option<f64>,
    /// `x-openclaw-session-key`.
    pub session_key: Option<String>,
    /// `x-openclaw-message-channel`.
    pub channel: Option<String>,
    /// `x-openclaw-model`.
    pub model_override: Option<String>,
    /// Extra headers.
    pub extra_headers: Vec<(String, String)>,
    /// Per-call options.
    pub options: CallOptions,
    /// Streams only: whether the stream keeps the text of the deltas (`None` = yes); see
    /// [`crate::ResponseStream::keep_text`].
    pub keep_text: Option<bool>,
    /// Streams only: the bound on the text the stream keeps (`None` = the client's
    /// [`crate::sse::Limits::max_kept_bytes`]); see [`crate::ResponseStream::max_kept_bytes`].
    pub max_kept_bytes: Option<usize>,
}

impl ResponsesRequest {
    /// A request whose input is one user text.
    pub fn text(input: impl Into<String>) -> Self {
        Self::with_input(Input::Text(input.into()))
    }
    /// A request with input items.
    pub fn items(items: Vec<InputItem>) -> Self {
        Self::with_input(Input::Items(items))
    }
    fn with_input(input: Input) -> Self {
        ResponsesRequest {
            input,
            target: None,
            agent_id: None,
            instructions: None,
            tools: Vec::new(),
            tool_choice: None,
            previous_response_id: None,
            user: None,
            max_output_tokens: None,
            temperature: None,
            top_p: None,
            session_key: None,
            channel: None,
            model_override: None,
            extra_headers: Vec::new(),
            options: CallOptions::default(),
            keep_text: None,
            max_kept_bytes: None,
        }
    }
    /// Appends an item (turning a text input into a user message item first).
    pub fn item(mut self, item: InputItem) -> Self {
        if let Input::Text(t) = &self.input {
            let first = InputItem::Message {
                role: Role::User,
                content: vec![InputPart::text(t.clone())],
            };
            self.input = Input::Items(vec![first]);
        }
        if let Input::Items(v) = &mut self.input {
            v.push(item);
        }
        self
    }
    /// Sets `instructions`.
    pub fn instructions(mut self, s: impl Into<String>) -> Self {
        self.instructions = Some(s.into());
        self
    }
    /// Adds a function tool.
    pub fn tool(
        mut self,
        name: impl Into<String>,
        description: Option<&str>,
        parameters: Option<Value>,
    ) -> Self {
        self.tools
            .push((name.into(), description.map(str::to_owned), parameters));
        self
    }
    /// Sets `tool_choice`.
    pub fn tool_choice(mut self, c: ToolChoice) -> Self {
        self.tool_choice = Some(c);
        self
    }
    /// Sets `previous_response_id`.
    pub fn previous_response_id(mut self, id: impl Into<String>) -> Self {
        self.previous_response_id = Some(id.into());
        self
    }
    /// Sets `user`.
    pub fn user(mut self, u: impl Into<String>) -> Self {
        self.user = Some(u.into());
        self
    }
    /// Sets `max_output_tokens`.
    pub fn max_output_tokens(mut self, n: u32) -> Self {
        self.max_output_tokens = Some(n);
        self
    }
    /// Sets the `model` agent target.
    pub fn target(mut self, t: impl Into<String>) -> Self {
        self.target = Some(t.into());
        self
    }
    /// Selects the agent (`x-openclaw-agent-id`).
    pub fn agent(mut self, a: impl Into<String>) -> Self {
        self.agent_id = Some(a.into());
        self
    }
    /// Sets `x-openclaw-session-key`.
    pub fn session_key(mut self, k: impl Into<String>) -> Self {
        self.session_key = Some(k.into());
        self
    }
    /// Sets `x-openclaw-model`.
    pub fn model_override(mut self, m: impl Into<String>) -> Self {
        self.model_override = Some(m.into());
        self
    }
    /// Sets per-call options.
    pub fn options(mut self, o: CallOptions) -> Self {
        self.options = o;
        self
    }
    /// Streams only: keep the text of the deltas (default) or keep nothing, for flat memory
    /// however long the stream runs ([`crate::ResponseStream::keep_text`]).
    pub fn keep_text(mut self, keep: bool) -> Self {
        self.keep_text = Some(keep);
        self
    }
    /// Streams only: the bound on the text the stream keeps, in bytes
    /// ([`crate::ResponseStream::max_kept_bytes`]).
    pub fn max_kept_bytes(mut self, max: usize) -> Self {
        self.max_kept_bytes = Some(max);
        self
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

    pub(crate) fn validate(&self) -> Result<()> {
        self.routing().validate()?;
        let empty = match &self.input {
            Input::Items(items) => items.is_empty(),
            Input::Text(t) => t.is_empty(),
        };
        if empty {
            return Err(Error::invalid(
                "the responses input is empty: add a message",
            ));
        }
        Ok(())
    }

    pub(crate) fn body(&self, default_agent: &str, stream: bool) -> Result<Vec<u8>> {
        let model = self.routing().model(default_agent);
        let mut b = serde_json::Map::new();
        b.insert("model".into(), Value::String(model));
        b.insert(
            "input".into(),
            match &self.input {
                Input::Text(t) => Value::String(t.clone()),
                Input::Items(items) => {
                    serde_json::to_value(items).map_err(|e| Error::invalid(e.to_string()))?
                }
            },
        );
        if stream {
            b.insert("stream".into(), Value::Bool(true));
        }
        let opt = |b: &mut serde_json::Map<String, Value>, k: &str, v: Option<Value>| {
            if let Some(v) = v {
                b.insert(k.into(), v);
            }
        };
        opt(
            &mut b,
            "instructions",
            self.instructions.clone().map(Value::String),
        );
        opt(
            &mut b,
            "previous_response_id",
            self.previous_response_id.clone().map(Value::String),
        );
        opt(&mut b, "user", self.user.clone().map(Value::String));
        opt(
            &mut b,
            "max_output_tokens",
            self.max_output_tokens.map(Value::from),
        );
        opt(&mut b, "temperature", self.temperature.map(Value::from));
        opt(&mut b, "top_p", self.top_p.map(Value::from));
        if !self.tools.is_empty() {
            let tools: Vec<Value> = self
                .tools
                .iter()
                .map(|(n, d, p)| {
                    let mut t = serde_json::json!({"type": "function", "name": n});
                    if let Some(d) = d {
                        t["description"] = Value::String(d.clone());
                    }
                    if let Some(p) = p {
                        t["parameters"] = p.clone();
                    }
                    t
                })
                .collect();
            b.insert("tools".into(), Value::Array(tools));
        }
        if let Some(c) = &self.tool_choice {
            let v = match c {
                ToolChoice::Function(n) => serde_json::json!({"type": "function", "name": n}),
                other => serde_json::to_value(other).map_err(|e| Error::invalid(e.to_string()))?,
            };
            b.insert("tool_choice".into(), v);
        }
        serde_json::to_vec(&Value::Object(b))
            .map_err(|e| Error::invalid(format!("cannot encode the request: {e}")))
    }
}

/// Token usage of a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
pub struct ResponseUsage {
    /// Input tokens.
    #[serde(default)]
    pub input_tokens: u64,
    /// Output tokens.
    #[serde(default)]
    pub output_tokens: u64,
    /// Sum.
    #[serde(default)]
    pub total_tokens: u64,
}

/// One output item.
#[derive(Debug, Clone, PartialEq)]
pub enum OutputItem {
    /// An assistant message.
    Message {
        /// `msg_…`
        id: String,
        /// The text of its `output_text` parts, joined.
        text: String,
        /// `commentary` or `final_answer`, when sent.
        phase: Option<String>,
        /// `completed`, `incomplete`…
        status: Option<String>,
    },
    /// A client-side function call to run.
    FunctionCall {
        /// `call_…` item id.
        id: String,
        /// The id to answer with a `function_call_output` item.
        call_id: String,
        /// Function name.
        name: String,
        /// JSON arguments.
        arguments: String,
    },
    /// Any other item, verbatim.
    Other(Value),
}

impl OutputItem {
    pub(crate) fn from_value(v: &Value) -> OutputItem {
        let s = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
        match v.get("type").and_then(Value::as_str) {
            Some("message") => OutputItem::Message {
                id: s("id").unwrap_or_default(),
                text: v
                    .get("content")
                    .and_then(Value::as_array)
                    .map(|parts| {
                        parts
                            .iter()
                            .filter_map(|p| p.get("text").and_then(Value::as_str))
                            .collect::<Vec<_>>()
                            .join("")
                    })
                    .unwrap_or_default(),
                phase: s("phase"),
                status: s("status"),
            },
            Some("function_call") => OutputItem::FunctionCall {
                id: s("id").unwrap_or_default(),
                call_id: s("call_id").unwrap_or_default(),
                name: s("name").unwrap_or_default(),
                arguments: s("arguments").unwrap_or_default(),
            },
            _ => OutputItem::Other(v.clone()),
        }
    }
}

/// A response resource.
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    /// `resp_…`
    pub id: String,
    /// `completed`, `incomplete`, `failed` or `in_progress`.
    pub status: String,
    /// The model target echoed.
    pub model: String,
    /// Output items.
    pub output: Vec<OutputItem>,
    /// Usage, when sent.
    pub usage: Option<ResponseUsage>,
    /// `error.code` and `error.message` of a failed response.
    pub error: Option<(String, String)>,
    /// `incomplete_details.reason` (e.g. `max_output_tokens`).
    pub incomplete_reason: Option<String>,
}

impl Response {
    /// The text of all message items, joined.
    pub fn output_text(&self) -> String {
        self.output
            .iter()
            .filter_map(|o| match o {
                OutputItem::Message { text, .. } => Some(text.as_str()),
                _ => None,
            })
            .collect::<Vec<_>>()
            .join("")
    }

    /// The function calls to run.
    pub fn function_calls(&self) -> impl Iterator<Item = (&str, &str, &str)> {
        self.output.iter().filter_map(|o| match o {
            OutputItem::FunctionCall {
                call_id,
                name,
                arguments,
                ..
            } => Some((call_id.as_str(), name.as_str(), arguments.as_str())),
            _ => None,
        })
    }

    pub(crate) fn from_value(v: &Value) -> Result<Response> {
        if v.get("object").and_then(Value::as_str) != Some("response") {
            return Err(Error::protocol(
                "expected a response resource (object: \"response\")",
            ));
        }
        let s = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
        Ok(Response {
            id: s("id").unwrap_or_default(),
            status: s("status").unwrap_or_default(),
            model: s("model").unwrap_or_default(),
            output: v
                .get("output")
                .and_then(Value::as_array)
                .map(|a| a.iter().map(OutputItem::from_value).collect())
                .unwrap_or_default(),
            usage: v
                .get("usage")
                .and_then(|u| serde_json::from_value(u.clone()).ok()),
            error: v.get("error").filter(|e| e.is_object()).map(|e| {
                let f = |k: &str| {
                    e.get(k)
                        .map(|x| {
                            x.as_str()
                                .map(str::to_owned)
                                .unwrap_or_else(|| x.to_string())
                        })
                        .unwrap_or_default()
                };
                (f("code"), f("message"))
            }),
            incomplete_reason: v
                .get("incomplete_details")
                .and_then(|d| d.get("reason"))
                .and_then(Value::as_str)
                .map(str::to_owned),
        })
    }
}
