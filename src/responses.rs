//! OpenResponses (`POST /v1/responses`) request and response types.
//!
//! Agent and session routing follow the same precedence as chat completions
//! ([`crate::chat`]); the session prefix is `openresponses`. `previous_response_id` reuses the
//! session of an earlier response (kept by the gateway in memory for 30 minutes).

use serde::de::{self, DeserializeSeed, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_json::value::RawValue;

use crate::chat::{Role, Routing, ToolChoice, base64_encode};
use crate::error::{Error, Result};
use crate::json::{Text, error_text, is_array, is_object};
use crate::options::CallOptions;

/// The most output items one response may carry (a real turn has a handful); more is a
/// protocol error, so that a hostile array of tiny items cannot inflate memory.
pub const MAX_OUTPUT_ITEMS: usize = 4096;

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
#[non_exhaustive]
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
        self.push_item(item);
        self
    }
    /// The input as items: a non-empty text input becomes one user message item first (an
    /// empty text becomes no item).
    pub fn items_mut(&mut self) -> &mut Vec<InputItem> {
        if let Input::Text(t) = &mut self.input {
            let t = std::mem::take(t);
            self.input = Input::Items(if t.is_empty() {
                Vec::new()
            } else {
                vec![InputItem::Message {
                    role: Role::User,
                    content: vec![InputPart::text(t)],
                }]
            });
        }
        match &mut self.input {
            Input::Items(v) => v,
            Input::Text(_) => unreachable!("the text input was turned into items above"),
        }
    }
    /// Appends an item in place (see [`ResponsesRequest::items_mut`]).
    pub fn push_item(&mut self, item: InputItem) {
        self.items_mut().push(item);
    }
    /// Appends a message item with one text part. A tool role is
    /// [`Error::InvalidInput`]: answer a function call with
    /// [`InputItem::FunctionCallOutput`] instead.
    pub fn push_message(&mut self, role: Role, text: impl Into<String>) -> Result<()> {
        if role == Role::Tool {
            return Err(Error::invalid(
                "role tool is not allowed in a responses message: answer a function call with a function_call_output item",
            ));
        }
        self.push_item(InputItem::Message {
            role,
            content: vec![InputPart::text(text)],
        });
        Ok(())
    }
    /// Appends a part to the last item, which must be a message ([`Error::InvalidInput`]
    /// otherwise).
    pub fn push_part(&mut self, part: InputPart) -> Result<()> {
        match self.items_mut().last_mut() {
            Some(InputItem::Message { content, .. }) => {
                content.push(part);
                Ok(())
            }
            _ => Err(Error::invalid(
                "add a message first: parts belong to the last message",
            )),
        }
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
    /// Sets `x-openclaw-message-channel`.
    pub fn channel(mut self, c: impl Into<String>) -> Self {
        self.channel = Some(c.into());
        self
    }
    /// Adds an extra header (checked before sending).
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.extra_headers.push((name.into(), value.into()));
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
#[non_exhaustive]
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
#[derive(Debug, Clone)]
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
    /// Any other item, as its JSON text (parse it with `serde_json::from_str(raw.get())`).
    Other(Box<RawValue>),
}

impl PartialEq for OutputItem {
    fn eq(&self, other: &Self) -> bool {
        use OutputItem::*;
        match (self, other) {
            (
                Message {
                    id,
                    text,
                    phase,
                    status,
                },
                Message {
                    id: i2,
                    text: t2,
                    phase: p2,
                    status: s2,
                },
            ) => (id, text, phase, status) == (i2, t2, p2, s2),
            (
                FunctionCall {
                    id,
                    call_id,
                    name,
                    arguments,
                },
                FunctionCall {
                    id: i2,
                    call_id: c2,
                    name: n2,
                    arguments: a2,
                },
            ) => (id, call_id, name, arguments) == (i2, c2, n2, a2),
            (Other(a), Other(b)) => a.get() == b.get(),
            _ => false,
        }
    }
}

/// Appends the `text` of each part of a message's `content` array (parts that are not objects
/// or have no text are skipped), without building the array.
struct JoinText<'a>(&'a mut String);

impl<'de> DeserializeSeed<'de> for JoinText<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for JoinText<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an array of content parts")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<(), A::Error> {
        #[derive(Deserialize)]
        struct Part<'a> {
            #[serde(default, borrow)]
            text: Text<'a>,
        }
        while let Some(raw) = seq.next_element::<&'de RawValue>()? {
            if is_object(raw)
                && let Ok(p) = serde_json::from_str::<Part<'_>>(raw.get())
            {
                self.0.push_str(p.text.or_empty());
            }
        }
        Ok(())
    }
}

/// Decodes an `output` array item by item into `out` (at most [`MAX_OUTPUT_ITEMS`]).
struct Items<'a>(&'a mut Vec<OutputItem>);

impl<'de> DeserializeSeed<'de> for Items<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Items<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an array of output items")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<(), A::Error> {
        while let Some(raw) = seq.next_element::<&'de RawValue>()? {
            if self.0.len() == MAX_OUTPUT_ITEMS {
                return Err(de::Error::custom(format!(
                    "more than {MAX_OUTPUT_ITEMS} output items"
                )));
            }
            self.0
                .push(OutputItem::from_raw(raw).map_err(de::Error::custom)?);
        }
        Ok(())
    }
}

impl OutputItem {
    /// Decodes one item from its JSON text, reading strings borrowed (no `Value` tree).
    pub(crate) fn from_raw(raw: &RawValue) -> Result<OutputItem> {
        #[derive(Deserialize)]
        struct Wire<'a> {
            #[serde(default, borrow, rename = "type")]
            kind: Text<'a>,
            #[serde(default, borrow)]
            id: Text<'a>,
            #[serde(default, borrow)]
            call_id: Text<'a>,
            #[serde(default, borrow)]
            name: Text<'a>,
            #[serde(default, borrow)]
            arguments: Text<'a>,
            #[serde(default, borrow)]
            phase: Text<'a>,
            #[serde(default, borrow)]
            status: Text<'a>,
            #[serde(default, borrow)]
            content: Option<&'a RawValue>,
        }
        if !is_object(raw) {
            return Err(Error::protocol("an output item is not a JSON object"));
        }
        let w: Wire<'_> = serde_json::from_str(raw.get())
            .map_err(|e| Error::protocol(format!("an output item is not valid: {e}")))?;
        Ok(match w.kind.0.as_deref() {
            Some("message") => {
                let mut text = String::new();
                if let Some(c) = w.content.filter(|c| is_array(c)) {
                    let mut de = serde_json::Deserializer::from_str(c.get());
                    JoinText(&mut text).deserialize(&mut de).map_err(|e| {
                        Error::protocol(format!("a message item's content is not valid: {e}"))
                    })?;
                }
                OutputItem::Message {
                    id: w.id.or_empty().to_owned(),
                    text,
                    phase: w.phase.owned(),
                    status: w.status.owned(),
                }
            }
            Some("function_call") => OutputItem::FunctionCall {
                id: w.id.or_empty().to_owned(),
                call_id: w.call_id.or_empty().to_owned(),
                name: w.name.or_empty().to_owned(),
                arguments: w.arguments.or_empty().to_owned(),
            },
            _ => OutputItem::Other(raw.to_owned()),
        })
    }
}

/// A response resource.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
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

    /// Decodes a response resource from its JSON text without building a `Value` tree:
    /// strings are read borrowed, the output array item by item, error texts capped.
    pub(crate) fn from_json(json: &str) -> Result<Response> {
        #[derive(Deserialize)]
        struct Wire<'a> {
            #[serde(default, borrow)]
            object: Text<'a>,
            #[serde(default, borrow)]
            id: Text<'a>,
            #[serde(default, borrow)]
            status: Text<'a>,
            #[serde(default, borrow)]
            model: Text<'a>,
            #[serde(default, borrow)]
            output: Option<&'a RawValue>,
            #[serde(default, borrow)]
            usage: Option<&'a RawValue>,
            #[serde(default, borrow)]
            error: Option<&'a RawValue>,
            #[serde(default, borrow)]
            incomplete_details: Option<&'a RawValue>,
        }
        #[derive(Deserialize)]
        struct Failure<'a> {
            #[serde(default, borrow)]
            code: Option<&'a RawValue>,
            #[serde(default, borrow)]
            message: Option<&'a RawValue>,
        }
        #[derive(Deserialize)]
        struct Incomplete<'a> {
            #[serde(default, borrow)]
            reason: Text<'a>,
        }
        let bad = |e: serde_json::Error| {
            Error::protocol(format!("the response resource is not valid: {e}"))
        };
        if !json.trim_start().starts_with('{') {
            return Err(Error::protocol(
                "expected a response resource (a JSON object), got something else",
            ));
        }
        let w: Wire<'_> = serde_json::from_str(json).map_err(bad)?;
        if w.object.0.as_deref() != Some("response") {
            return Err(Error::protocol(
                "expected a response resource (object: \"response\")",
            ));
        }
        let mut output = Vec::new();
        if let Some(o) = w.output.filter(|o| is_array(o)) {
            let mut de = serde_json::Deserializer::from_str(o.get());
            Items(&mut output).deserialize(&mut de).map_err(bad)?;
        }
        Ok(Response {
            id: w.id.or_empty().to_owned(),
            status: w.status.or_empty().to_owned(),
            model: w.model.or_empty().to_owned(),
            output,
            usage: w
                .usage
                .and_then(|u| serde_json::from_str::<ResponseUsage>(u.get()).ok()),
            error: w
                .error
                .filter(|e| is_object(e))
                .and_then(|e| serde_json::from_str::<Failure<'_>>(e.get()).ok())
                .map(|f| {
                    let t = |r: Option<&RawValue>| r.and_then(error_text).unwrap_or_default();
                    (t(f.code), t(f.message))
                }),
            incomplete_reason: w
                .incomplete_details
                .filter(|d| is_object(d))
                .and_then(|d| serde_json::from_str::<Incomplete<'_>>(d.get()).ok())
                .and_then(|d| d.reason.owned()),
        })
    }
}
