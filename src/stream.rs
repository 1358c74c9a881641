//! Chat-completion stream decoding on top of [`crate::sse`].
//!
//! [`ChatStream`] turns the gateway's `data: <chunk>` events into typed [`ChatEvent`]s: role,
//! content delta, reasoning delta, tool-call fragments, finish reason, usage and the end. It
//! works on any [`BufRead`] (an HTTP body, a file, a byte slice), keeps the reply assembled as it
//! goes ([`ChatStream::reply`]), and ends:
//!
//! - at `data: [DONE]` with [`ChatEvent::Done`] (`empty` tells a reply with no content apart);
//! - at `data: {"error":…}` or `event: error` with [`Error::Stream`] carrying the gateway's message;
//! - at end of input without `[DONE]` with [`Error::Truncated`], *after* every delta that arrived.
//!
//! Errors carry the text received so far ([`Error::partial_text`]).
//!
//! [`ChatStream::next_ref`] lends each event without allocating; the [`Iterator`] implementation
//! yields owned events.

use std::borrow::Cow;
use std::fmt;
use std::io::{self, BufRead};

use serde::Deserialize;
use serde::de::{self, IgnoredAny, SeqAccess, Visitor};

use crate::cancel::Registration;
use crate::chat::{ChatCompletion, FinishReason, ToolCall, Usage};
use crate::client::Timeouts;
use crate::error::{Error, Result};
use crate::sse::{EventReader, EventRef, Limits, SseError};

/// One fragment of a streamed tool call. The first fragment of call `index` carries `id` and
/// `name`; later ones append to `arguments`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ToolCallDelta {
    /// Which call (0-based).
    pub index: u32,
    /// The call id (first fragment only).
    pub id: Option<String>,
    /// The function name (first fragment only).
    pub name: Option<String>,
    /// A piece of the JSON arguments.
    pub arguments: String,
}

/// A streamed event, borrowed from the stream until the next call.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ChatEventRef<'a> {
    /// The reply's role (first chunk).
    Role(&'a str),
    /// A piece of the reply text.
    Content(&'a str),
    /// A piece of reasoning text (`reasoning_content`, `reasoning` or `thinking`).
    Reasoning(&'a str),
    /// A tool-call fragment.
    ToolCall(&'a ToolCallDelta),
    /// Why the model stopped.
    Finish(&'a FinishReason),
    /// Token usage (with `include_usage`).
    Usage(&'a Usage),
    /// `[DONE]`: the stream ended normally.
    Done {
        /// True when no content and no tool call arrived.
        empty: bool,
    },
}

/// A streamed event (owned).
#[derive(Debug, Clone, PartialEq)]
pub enum ChatEvent {
    /// The reply's role (first chunk).
    Role(String),
    /// A piece of the reply text.
    Content(String),
    /// A piece of reasoning text.
    Reasoning(String),
    /// A tool-call fragment.
    ToolCall(ToolCallDelta),
    /// Why the model stopped.
    Finish(FinishReason),
    /// Token usage.
    Usage(Usage),
    /// `[DONE]`: the stream ended normally.
    Done {
        /// True when no content and no tool call arrived.
        empty: bool,
    },
}

impl ChatEventRef<'_> {
    /// Copies the event.
    pub fn to_owned_event(&self) -> ChatEvent {
        match *self {
            ChatEventRef::Role(r) => ChatEvent::Role(r.to_owned()),
            ChatEventRef::Content(t) => ChatEvent::Content(t.to_owned()),
            ChatEventRef::Reasoning(t) => ChatEvent::Reasoning(t.to_owned()),
            ChatEventRef::ToolCall(d) => ChatEvent::ToolCall(d.clone()),
            ChatEventRef::Finish(f) => ChatEvent::Finish(f.clone()),
            ChatEventRef::Usage(u) => ChatEvent::Usage(*u),
            ChatEventRef::Done { empty } => ChatEvent::Done { empty },
        }
    }
}

/// What the HTTP layer hands to a stream: cancellation and the timeouts in force (for errors).
#[derive(Default)]
pub(crate) struct ReadContext {
    pub(crate) registration: Option<Registration>,
    pub(crate) cancel: Option<crate::CancelToken>,
    pub(crate) timeouts: Timeouts,
    pub(crate) url: String,
}

impl ReadContext {
    fn cancelled(&self) -> bool {
        self.cancel.as_ref().is_some_and(|c| c.is_cancelled())
    }

    fn map_io(&self, e: io::Error) -> Error {
        if self.cancelled() {
            return Error::Cancelled {
                partial: String::new(),
            };
        }
        match Error::from_ureq(ureq::Error::from(e), &self.url, &self.timeouts) {
            t @ Error::Timeout { .. } => t,
            l @ Error::LimitExceeded { .. } => l,
            p @ Error::Protocol { .. } => p,
            other => Error::Truncated {
                partial: String::new(),
                reason: format!("the connection broke mid-stream: {other}"),
            },
        }
    }
}

// ---- borrowed wire shapes (only the fields we use) ----

#[derive(Deserialize)]
struct Chunk<'a> {
    #[serde(default, borrow)]
    id: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    model: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    choices: FirstChoice<'a>,
    #[serde(default)]
    usage: Option<Usage>,
    #[serde(default)]
    error: Option<serde_json::Value>,
}

#[derive(Default)]
struct FirstChoice<'a>(Option<Choice<'a>>);

impl<'de: 'a, 'a> Deserialize<'de> for FirstChoice<'a> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = FirstChoice<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an array of choices")
            }
            fn visit_unit<E: de::Error>(self) -> std::result::Result<Self::Value, E> {
                Ok(FirstChoice(None))
            }
            fn visit_seq<A: SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> std::result::Result<Self::Value, A::Error> {
                let first = seq.next_element::<Choice<'a>>()?;
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(FirstChoice(first))
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

#[derive(Deserialize)]
struct Choice<'a> {
    #[serde(default, borrow)]
    delta: Option<Delta<'a>>,
    #[serde(default, borrow)]
    finish_reason: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct Delta<'a> {
    #[serde(default, borrow)]
    role: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    content: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    reasoning_content: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    reasoning: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    thinking: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    tool_calls: Option<Vec<WireToolDelta<'a>>>,
}

#[derive(Deserialize)]
struct WireToolDelta<'a> {
    #[serde(default)]
    index: u32,
    #[serde(default, borrow)]
    id: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    function: Option<WireFn<'a>>,
}

#[derive(Deserialize)]
struct WireFn<'a> {
    #[serde(default, borrow)]
    name: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    arguments: Option<Cow<'a, str>>,
}

/// The events decoded from one chunk, emitted one by one.
#[derive(Default)]
struct Pending {
    stage: u8,
    role: Option<String>,
    reasoning: String,
    content: String,
    has_content: bool,
    tools: Vec<ToolCallDelta>,
    tool_idx: usize,
    finish: Option<FinishReason>,
    usage: Option<Usage>,
    done: Option<bool>,
}

impl Pending {
    fn reset(&mut self) {
        self.stage = 0;
        self.role = None;
        self.reasoning.clear();
        self.content.clear();
        self.has_content = false;
        self.tools.clear();
        self.tool_idx = 0;
        self.finish = None;
        self.usage = None;
        self.done = None;
    }

    /// Moves to the next present item; false when none is left.
    fn seek(&mut self) -> bool {
        loop {
            let present = match self.stage {
                0 => self.role.is_some(),
                1 => !self.reasoning.is_empty(),
                2 => self.has_content,
                3 => self.tool_idx < self.tools.len(),
                4 => self.finish.is_some(),
                5 => self.usage.is_some(),
                6 => self.done.is_some(),
                _ => return false,
            };
            if present {
                return true;
            }
            self.stage += 1;
        }
    }

    /// Emits the item `seek` found.
    fn emit(&mut self) -> ChatEventRef<'_> {
        let stage = self.stage;
        if stage != 3 {
            self.stage += 1;
        }
        match stage {
            0 => ChatEventRef::Role(self.role.as_deref().unwrap_or("assistant")),
            1 => ChatEventRef::Reasoning(&self.reasoning),
            2 => ChatEventRef::Content(&self.content),
            3 => {
                self.tool_idx += 1;
                &self.tools[self.tool_idx - 1]
            }
            .into(),
            4 => ChatEventRef::Finish(self.finish.as_ref().unwrap_or(&FinishReason::Stop)),
            5 => ChatEventRef::Usage(self.usage.as_ref().unwrap_or(&ZERO_USAGE)),
            _ => ChatEventRef::Done {
                empty: self.done.unwrap_or(false),
            },
        }
    }
}

static ZERO_USAGE: Usage = Usage {
    prompt_tokens: 0,
    completion_tokens: 0,
    total_tokens: 0,
    cached_tokens: None,
    reasoning_tokens: None,
};

impl<'a> From<&'a ToolCallDelta> for ChatEventRef<'a> {
    fn from(d: &'a ToolCallDelta) -> Self {
        ChatEventRef::ToolCall(d)
    }
}

enum Step {
    Events,
    Skip,
}

/// Builds the typed stream error from an error payload (`{"message","type","code"}` or a string).
fn stream_error(v: &serde_json::Value) -> Error {
    let field = |k: &str| {
        v.get(k).and_then(|x| match x {
            serde_json::Value::String(s) => Some(s.clone()),
            serde_json::Value::Null => None,
            other => Some(other.to_string()),
        })
    };
    let message = match v {
        serde_json::Value::String(s) => s.clone(),
        _ => field("message").unwrap_or_else(|| v.to_string()),
    };
    Error::Stream {
        error_type: field("type"),
        code: field("code"),
        message,
        partial: String::new(),
    }
}

fn decode(
    ev: &EventRef<'_>,
    pending: &mut Pending,
    reply: &mut ChatCompletion,
    keep_text: bool,
) -> Result<Step> {
    if ev.event_type == "error" {
        let v = serde_json::from_str::<serde_json::Value>(ev.data)
            .map(|v| v.get("error").cloned().unwrap_or(v))
            .unwrap_or_else(|_| serde_json::Value::String(ev.data.to_owned()));
        return Err(stream_error(&v));
    }
    if ev.data == "[DONE]" {
        let empty = reply.received_bytes == 0 && reply.tool_calls.is_empty();
        reply.empty = empty;
        pending.done = Some(empty);
        return Ok(Step::Events);
    }
    let chunk: Chunk<'_> = serde_json::from_str(ev.data).map_err(|e| {
        let mut shown: String = ev.data.chars().take(120).collect();
        if shown.len() < ev.data.len() {
            shown.push('…');
        }
        Error::protocol(format!(
            "the gateway sent a stream event that is not a JSON chunk ({e}): {shown:?}"
        ))
    })?;
    if let Some(err) = &chunk.error {
        return Err(stream_error(err));
    }
    if reply.id.is_empty()
        && let Some(id) = &chunk.id
    {
        reply.id = id.to_string();
    }
    if reply.model.is_empty()
        && let Some(m) = &chunk.model
    {
        reply.model = m.to_string();
    }
    let mut any = false;
    if let Some(choice) = chunk.choices.0 {
        if let Some(delta) = choice.delta {
            if let Some(role) = delta.role {
                if reply.role.is_empty() {
                    reply.role = role.to_string();
                }
                pending.role = Some(role.into_owned());
                any = true;
            }
            if let Some(r) = delta
                .reasoning_content
                .or(delta.reasoning)
                .or(delta.thinking)
                && !r.is_empty()
            {
                pending.reasoning.push_str(&r);
                if keep_text {
                    reply.reasoning.push_str(&r);
                }
                any = true;
            }
            if let Some(c) = delta.content
                && !c.is_empty()
            {
                pending.content.push_str(&c);
                pending.has_content = true;
                reply.received_bytes += c.len() as u64;
                if keep_text {
                    reply.content.push_str(&c);
                }
                any = true;
            }
            for t in delta.tool_calls.into_iter().flatten() {
                let (name, args) = match t.function {
                    Some(f) => (f.name, f.arguments),
                    None => (None, None),
                };
                let d = ToolCallDelta {
                    index: t.index,
                    id: t.id.map(Cow::into_owned),
                    name: name.map(Cow::into_owned),
                    arguments: args.map(Cow::into_owned).unwrap_or_default(),
                };
                let i = d.index as usize;
                if i > 1024 {
                    return Err(Error::protocol(format!(
                        "tool call index {i} is out of range"
                    )));
                }
                if reply.tool_calls.len() <= i {
                    reply.tool_calls.resize_with(i + 1, ToolCall::default);
                }
                let call = &mut reply.tool_calls[i];
                if let Some(id) = &d.id {
                    call.id.clone_from(id);
                }
                if let Some(n) = &d.name {
                    call.name.clone_from(n);
                }
                call.arguments.push_str(&d.arguments);
                pending.tools.push(d);
                any = true;
            }
        }
        if let Some(f) = choice.finish_reason {
            let f = FinishReason::parse(&f);
            reply.finish_reason = Some(f.clone());
            pending.finish = Some(f);
            any = true;
        }
    }
    if let Some(u) = chunk.usage {
        reply.usage = Some(u);
        pending.usage = Some(u);
        any = true;
    }
    Ok(if any { Step::Events } else { Step::Skip })
}

/// A streamed chat completion: an [`Iterator`] of `Result<ChatEvent, Error>`.
///
/// Reading happens on the caller's thread, one event as soon as its bytes arrive. After the
/// stream ends (`Done`, an error, or cancellation) the iterator yields `None`.
pub struct ChatStream<R = std::io::BufReader<ureq::BodyReader<'static>>> {
    events: EventReader<R>,
    ctx: ReadContext,
    pending: Pending,
    reply: ChatCompletion,
    keep_text: bool,
    finished: bool,
    status: u16,
}

impl<R> fmt::Debug for ChatStream<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChatStream")
            .field("finished", &self.finished)
            .field("received_bytes", &self.reply.received_bytes)
            .finish()
    }
}

impl<R: BufRead> ChatStream<R> {
    /// Decodes a chat stream from any reader (no HTTP), with the given SSE limits.
    pub fn from_reader(reader: R, limits: Limits) -> Self {
        Self::with_context(reader, limits, ReadContext::default(), 200)
    }

    pub(crate) fn with_context(reader: R, limits: Limits, ctx: ReadContext, status: u16) -> Self {
        ChatStream {
            events: EventReader::with_limits(reader, limits),
            ctx,
            pending: Pending::default(),
            reply: ChatCompletion::default(),
            keep_text: true,
            finished: false,
            status,
        }
    }

    /// Whether the stream keeps the reply text (default true). Turn it off for unbounded
    /// streams where memory must stay flat; errors then carry no partial text, and
    /// [`ChatStream::reply`] has no `content`.
    pub fn keep_text(&mut self, keep: bool) {
        self.keep_text = keep;
    }

    /// The HTTP status of the response (200).
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The reply assembled so far (text, reasoning, tool calls, finish reason, usage).
    pub fn reply(&self) -> &ChatCompletion {
        &self.reply
    }

    /// The text received so far.
    pub fn text_so_far(&self) -> &str {
        &self.reply.content
    }

    fn fail(&mut self, e: Error) -> Error {
        self.finished = true;
        self.pending.reset();
        // Release the cancel registration now: the stream is over.
        self.ctx.registration = None;
        e.with_partial(&self.reply.content)
    }

    /// The next event, borrowed until the next call; `None` after the end.
    pub fn next_ref(&mut self) -> Option<Result<ChatEventRef<'_>>> {
        if self.pending.seek() {
            return Some(Ok(self.pending.emit()));
        }
        if self.finished {
            return None;
        }
        loop {
            if self.ctx.cancelled() {
                return Some(Err(self.fail(Error::Cancelled {
                    partial: String::new(),
                })));
            }
            self.pending.reset();
            let step = match self.events.next_event() {
                Ok(Some(ev)) => decode(&ev, &mut self.pending, &mut self.reply, self.keep_text),
                Ok(None) => {
                    let e = if self.ctx.cancelled() {
                        Error::Cancelled {
                            partial: String::new(),
                        }
                    } else {
                        Error::Truncated {
                            partial: String::new(),
                            reason: "the stream ended before [DONE]".into(),
                        }
                    };
                    return Some(Err(self.fail(e)));
                }
                Err(SseError::Io(io)) => {
                    let e = self.ctx.map_io(io);
                    return Some(Err(self.fail(e)));
                }
                Err(SseError::LineTooLong { limit }) => Err(Error::LimitExceeded {
                    what: "an event-stream line",
                    limit: limit as u64,
                    partial: String::new(),
                }),
                Err(SseError::EventTooLarge { limit }) => Err(Error::LimitExceeded {
                    what: "an event-stream event",
                    limit: limit as u64,
                    partial: String::new(),
                }),
            };
            match step {
                Err(e) => return Some(Err(self.fail(e))),
                Ok(Step::Skip) => continue,
                Ok(Step::Events) => {
                    if self.pending.done.is_some() {
                        self.finished = true;
                        self.ctx.registration = None;
                    }
                    if self.pending.seek() {
                        return Some(Ok(self.pending.emit()));
                    }
                }
            }
        }
    }

    /// Reads the stream to its end and returns the whole reply. On error, the error carries
    /// the text that arrived ([`Error::partial_text`]).
    pub fn collect_reply(mut self) -> Result<ChatCompletion> {
        self.keep_text = true;
        while let Some(r) = self.next_ref() {
            r?;
        }
        Ok(std::mem::take(&mut self.reply))
    }

    /// Like [`ChatStream::collect_reply`], calling `on_text` with each content delta as it arrives.
    pub fn for_each_text(mut self, mut on_text: impl FnMut(&str)) -> Result<ChatCompletion> {
        self.keep_text = true;
        while let Some(r) = self.next_ref() {
            if let ChatEventRef::Content(t) = r? {
                on_text(t);
            }
        }
        Ok(std::mem::take(&mut self.reply))
    }
}

impl<R: BufRead> Iterator for ChatStream<R> {
    type Item = Result<ChatEvent>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_ref().map(|r| r.map(|e| e.to_owned_event()))
    }
}

/// Default SSE limits for gateway streams.
pub fn default_limits() -> Limits {
    Limits::default()
}
