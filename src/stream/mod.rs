//! Chat-completion stream decoding on top of [`crate::sse`].
//!
//! [`ChatStream`] turns the gateway's `data: <chunk>` events into typed [`ChatEvent`]s: role,
//! content delta, reasoning delta, tool-call fragments, finish reason, usage and the end. It
//! works on any [`BufRead`] (an HTTP body, a file, a byte slice), keeps the reply assembled as it
//! goes ([`ChatStream::reply`]; bounded by [`Limits::max_kept_bytes`], or nothing grows at all
//! with [`ChatStream::keep_text`] off), and ends:
//!
//! - at `data: [DONE]` with [`ChatEvent::Done`] (`empty` tells a reply with no content apart);
//! - at `data: {"error":…}` or `event: error` with [`Error::Stream`] carrying the gateway's message;
//! - at end of input without `[DONE]` with [`Error::Truncated`], *after* every delta that arrived;
//! - when what it keeps would pass [`Limits::max_kept_bytes`], with [`Error::LimitExceeded`],
//!   after the events of the chunk that reached the limit.
//!
//! Errors carry the text received so far ([`Error::partial_text`]); a gateway error message is
//! kept up to [`crate::error::MAX_ERROR_TEXT_BYTES`].
//!
//! Only choice `index` 0 is decoded: the text, reasoning, tool calls and finish reason of any
//! other choice are skipped (the gateway sends exactly one choice; `n` > 1 is not supported).
//!
//! [`ChatStream::next_ref`] lends each event without allocating; the [`Iterator`] implementation
//! yields owned events.

use std::borrow::Cow;
use std::fmt;
use std::io::{self, BufRead};

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use crate::cancel::Registration;
use crate::chat::{ChatCompletion, FinishReason, ToolCall, Usage};
use crate::error::{Error, Result, capped_text};
use crate::json::{error_fields, error_member, error_text};
use crate::options::Timeouts;
use crate::sse::{EventRef, Limits, SseError};

pub mod history;
pub mod responses;
mod session;

pub use session::Body;
use session::{Decode, Keep, Session};

/// One fragment of a streamed tool call. The first fragment of call `index` carries `id` and
/// `name`; later ones append to `arguments`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
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

/// Turns a read error of the transport into the library's error (given the base URL and the
/// timeouts in force). The HTTP layer provides it; the stream never knows the transport.
pub(crate) type MapIo = fn(io::Error, &str, &Timeouts) -> Error;

/// What the HTTP layer hands to a stream: cancellation, the timeouts in force and how to read
/// its I/O errors.
#[derive(Default)]
pub(crate) struct ReadContext {
    pub(crate) registration: Option<Registration>,
    pub(crate) timeouts: Timeouts,
    pub(crate) url: String,
    /// `None` (a stream over any reader, no HTTP): I/O errors are reported as they are.
    pub(crate) map_io: Option<MapIo>,
    /// The call's timing so far (started, connected, headers).
    pub(crate) clock: crate::timing::Clock,
    /// The W3C `traceparent` the call carried (`None`: a stream over any reader).
    pub(crate) traceparent: Option<crate::trace::TraceParent>,
    /// The body's refill counter ([`Body::refills`]): the clock is read once per refill.
    pub(crate) refills: Option<std::sync::Arc<std::sync::atomic::AtomicU64>>,
}

impl ReadContext {
    pub(crate) fn cancelled(&self) -> bool {
        // A call has a registration exactly when it has a cancel token.
        self.registration
            .as_ref()
            .is_some_and(Registration::is_cancelled)
    }

    /// Maps a read or limit error of the event-stream layer.
    pub(crate) fn map_sse(&self, e: SseError) -> Error {
        let (what, limit) = match e {
            SseError::Io(io) => return self.map_io(io),
            SseError::LineTooLong { limit } => ("an event-stream line", limit),
            SseError::EventTooLarge { limit } => ("an event-stream event", limit),
        };
        Error::LimitExceeded {
            what,
            limit: limit as u64,
            partial: String::new(),
        }
    }

    pub(crate) fn map_io(&self, e: io::Error) -> Error {
        if self.cancelled() {
            return Error::Cancelled {
                partial: String::new(),
            };
        }
        let mapped = match self.map_io {
            Some(map) => map(e, &self.url, &self.timeouts),
            None => Error::Io {
                message: e.to_string(),
            },
        };
        match mapped {
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

/// What a stream keeps across events, in bytes, against [`Limits::max_kept_bytes`].
#[derive(Debug)]
pub(crate) struct Budget {
    max: usize,
    used: usize,
    full: bool,
}

impl Budget {
    pub(crate) fn new(max: usize) -> Self {
        Budget {
            max,
            used: 0,
            full: false,
        }
    }

    /// Changes the limit; reaching it later ends the stream.
    pub(crate) fn set_max(&mut self, max: usize) {
        self.max = max;
    }

    /// True once something did not fit: the stream must end with [`Budget::error`].
    pub(crate) fn full(&self) -> bool {
        self.full
    }

    /// Appends as much of `s` as fits (cut at a character boundary); once something did not
    /// fit, nothing more is kept.
    pub(crate) fn append(&mut self, dst: &mut String, s: &str) {
        if self.full || s.is_empty() {
            return;
        }
        let room = self.max.saturating_sub(self.used);
        if s.len() <= room {
            dst.push_str(s);
            self.used += s.len();
            return;
        }
        let mut end = room;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        dst.push_str(&s[..end]);
        self.used += end;
        self.full = true;
    }

    /// Replaces `dst` (kept and counted before) with `s`, when the result fits.
    pub(crate) fn replace(&mut self, dst: &mut String, s: &str) {
        if self.full || dst == s {
            return;
        }
        let used = self.used.saturating_sub(dst.len()) + s.len();
        if used > self.max {
            self.full = true;
            return;
        }
        dst.clear();
        dst.push_str(s);
        self.used = used;
    }

    /// The error that ends a stream whose budget is full (the caller adds the partial text).
    pub(crate) fn error(&self) -> Error {
        Error::LimitExceeded {
            what: "what the stream keeps (its text, reasoning and tool calls; raise \
                   max_kept_bytes, or turn keep_text off to keep nothing)",
            limit: self.max as u64,
            partial: String::new(),
        }
    }
}

// ---- decoding of one chunk, straight into the pending buffers ----
//
// A `DeserializeSeed` walks the chunk and writes only the fields we use into reusable buffers:
// no intermediate structs, no allocation per event (text is appended to buffers that keep
// their capacity); everything else is skipped with `IgnoredAny`.

/// The keys we look at; anything else is `Other` and skipped.
enum Key {
    Id,
    Index,
    Model,
    Choices,
    Usage,
    Error,
    Delta,
    FinishReason,
    Role,
    Content,
    Reasoning,
    ToolCalls,
    Other,
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_str<E: de::Error>(self, k: &str) -> std::result::Result<Key, E> {
                Ok(match k {
                    "id" => Key::Id,
                    "index" => Key::Index,
                    "model" => Key::Model,
                    "choices" => Key::Choices,
                    "usage" => Key::Usage,
                    "error" => Key::Error,
                    "delta" => Key::Delta,
                    "finish_reason" => Key::FinishReason,
                    "role" => Key::Role,
                    "content" => Key::Content,
                    "reasoning_content" | "reasoning" | "thinking" => Key::Reasoning,
                    "tool_calls" => Key::ToolCalls,
                    _ => Key::Other,
                })
            }
        }
        d.deserialize_identifier(V)
    }
}

/// What one chunk carried besides the pending events.
#[derive(Default)]
struct ChunkMeta {
    want_meta: bool,
    id: Option<String>,
    model: Option<String>,
    error: Option<Error>,
}

/// Appends a JSON string (or nothing for `null`) to a buffer; true when something was added.
struct AppendStr<'a>(&'a mut String);

impl<'de> DeserializeSeed<'de> for AppendStr<'_> {
    type Value = bool;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> std::result::Result<bool, D::Error> {
        struct V<'a>(&'a mut String);
        impl Visitor<'_> for V<'_> {
            type Value = bool;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or null")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<bool, E> {
                self.0.push_str(v);
                Ok(!v.is_empty())
            }
            fn visit_unit<E: de::Error>(self) -> std::result::Result<bool, E> {
                Ok(false)
            }
            fn visit_none<E: de::Error>(self) -> std::result::Result<bool, E> {
                Ok(false)
            }
        }
        d.deserialize_any(V(self.0))
    }
}

struct ChunkSeed<'a> {
    pending: &'a mut Pending,
    /// Holds a choice's fields read before its `index` (reset after each choice).
    scratch: &'a mut Pending,
    meta: &'a mut ChunkMeta,
}

impl<'de> DeserializeSeed<'de> for ChunkSeed<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ChunkSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a chat completion chunk object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<(), A::Error> {
        while let Some(key) = map.next_key::<Key>()? {
            match key {
                Key::Choices => map.next_value_seed(Choices {
                    main: &mut *self.pending,
                    scratch: &mut *self.scratch,
                })?,
                Key::Usage => self.pending.usage = map.next_value::<Option<Usage>>()?,
                Key::Error => {
                    // Borrowed, never a `serde_json::Value` (which inflates ~18×).
                    if let Some(raw) = map.next_value::<Option<&'de RawValue>>()? {
                        self.meta.error = Some(stream_error(raw));
                    }
                }
                Key::Id if self.meta.want_meta => self.meta.id = map.next_value()?,
                Key::Model if self.meta.want_meta => self.meta.model = map.next_value()?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// `choices`, routed by `index`: choice 0 goes into the pending events; any other choice is
/// skipped (the gateway sends only choice 0).
struct Choices<'a> {
    main: &'a mut Pending,
    scratch: &'a mut Pending,
}

impl<'de> DeserializeSeed<'de> for Choices<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Choices<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of choices")
    }
    fn visit_unit<E: de::Error>(self) -> std::result::Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<(), A::Error> {
        while seq
            .next_element_seed(Choice {
                main: &mut *self.main,
                scratch: &mut *self.scratch,
            })?
            .is_some()
        {}
        Ok(())
    }
}

/// One choice. Its fields go straight into `main` once `index` 0 has been read, are skipped
/// once another index has been read, and wait in `scratch` when they come before the index
/// (a missing index counts as 0).
struct Choice<'a> {
    main: &'a mut Pending,
    scratch: &'a mut Pending,
}

impl<'de> DeserializeSeed<'de> for Choice<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Choice<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a choice object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<(), A::Error> {
        let mut index: Option<u64> = None;
        let mut staged = false;
        while let Some(key) = map.next_key::<Key>()? {
            let target = match key {
                Key::Index => {
                    index = Some(map.next_value::<Option<u64>>()?.unwrap_or(0));
                    continue;
                }
                Key::Delta | Key::FinishReason => match index {
                    Some(0) => &mut *self.main,
                    Some(_) => {
                        map.next_value::<IgnoredAny>()?;
                        continue;
                    }
                    None => {
                        staged = true;
                        &mut *self.scratch
                    }
                },
                _ => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
            };
            if let Key::Delta = key {
                map.next_value_seed(Delta(target))?;
            } else if let Some(f) = map.next_value::<Option<Cow<'_, str>>>()? {
                target.finish = Some(FinishReason::parse(&f));
            }
        }
        if staged {
            if index.unwrap_or(0) == 0 {
                self.main.absorb(self.scratch);
            }
            self.scratch.reset();
        }
        Ok(())
    }
}

struct Delta<'a>(&'a mut Pending);

impl<'de> DeserializeSeed<'de> for Delta<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Delta<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a delta object")
    }
    fn visit_unit<E: de::Error>(self) -> std::result::Result<(), E> {
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<(), A::Error> {
        let p = self.0;
        while let Some(key) = map.next_key::<Key>()? {
            match key {
                Key::Content => {
                    if map.next_value_seed(AppendStr(&mut p.content))? {
                        p.has_content = true;
                    }
                }
                Key::Reasoning => {
                    map.next_value_seed(AppendStr(&mut p.reasoning))?;
                }
                Key::Role => p.role = map.next_value::<Option<String>>()?,
                Key::ToolCalls => {
                    for t in map
                        .next_value::<Option<Vec<WireToolDelta<'_>>>>()?
                        .into_iter()
                        .flatten()
                    {
                        let (name, args) = match t.function {
                            Some(f) => (f.name, f.arguments),
                            None => (None, None),
                        };
                        p.tools.push(ToolCallDelta {
                            index: t.index,
                            id: t.id.map(Cow::into_owned),
                            name: name.map(Cow::into_owned),
                            arguments: args.map(Cow::into_owned).unwrap_or_default(),
                        });
                    }
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
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
    stage: Stage,
    role: Option<String>,
    reasoning: String,
    content: String,
    has_content: bool,
    tools: Vec<ToolCallDelta>,
    tool_idx: usize,
    finish: Option<FinishReason>,
    usage: Option<Usage>,
    done: Option<bool>,
    /// Set by the literal fast path: the chunk had content and nothing else, so the stages
    /// before and after `Content` need no look.
    content_only: bool,
}

/// The order in which one chunk's events are handed out; `Pending` walks it.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Stage {
    #[default]
    Role,
    Reasoning,
    Content,
    /// One event per tool-call fragment (`tool_idx` walks them).
    ToolCalls,
    Finish,
    Usage,
    Done,
    /// Everything handed out.
    End,
}

impl Stage {
    fn next(self) -> Stage {
        match self {
            Stage::Role => Stage::Reasoning,
            Stage::Reasoning => Stage::Content,
            Stage::Content => Stage::ToolCalls,
            Stage::ToolCalls => Stage::Finish,
            Stage::Finish => Stage::Usage,
            Stage::Usage => Stage::Done,
            Stage::Done | Stage::End => Stage::End,
        }
    }
}

impl Pending {
    /// Moves the choice fields of `other` (role, reasoning, content, tool calls, finish) here.
    fn absorb(&mut self, other: &mut Pending) {
        if other.role.is_some() {
            self.role = other.role.take();
        }
        self.reasoning.push_str(&other.reasoning);
        self.content.push_str(&other.content);
        self.has_content |= other.has_content;
        self.tools.append(&mut other.tools);
        if other.finish.is_some() {
            self.finish = other.finish.take();
        }
    }

    fn reset(&mut self) {
        self.stage = Stage::Role;
        self.role = None;
        self.reasoning.clear();
        self.content.clear();
        self.has_content = false;
        self.tools.clear();
        self.tool_idx = 0;
        self.finish = None;
        self.usage = None;
        self.done = None;
        self.content_only = false;
    }

    /// Moves to the next present item; false when none is left.
    fn seek(&mut self) -> bool {
        loop {
            let present = match self.stage {
                Stage::Role => self.role.is_some(),
                Stage::Reasoning => !self.reasoning.is_empty(),
                Stage::Content => self.has_content,
                Stage::ToolCalls => self.tool_idx < self.tools.len(),
                Stage::Finish => self.finish.is_some(),
                Stage::Usage => self.usage.is_some(),
                Stage::Done => self.done.is_some(),
                Stage::End => return false,
            };
            if present {
                return true;
            }
            self.stage = self.stage.next();
        }
    }

    /// Emits the item `seek` found.
    fn emit(&mut self) -> ChatEventRef<'_> {
        let stage = self.stage;
        // Tool calls stay on their stage until `seek` finds no fragment left.
        if self.content_only {
            self.stage = Stage::End;
        } else if stage != Stage::ToolCalls {
            self.stage = stage.next();
        }
        match stage {
            Stage::Role => ChatEventRef::Role(self.role.as_deref().unwrap_or("assistant")),
            Stage::Reasoning => ChatEventRef::Reasoning(&self.reasoning),
            Stage::Content => ChatEventRef::Content(&self.content),
            Stage::ToolCalls => {
                self.tool_idx += 1;
                &self.tools[self.tool_idx - 1]
            }
            .into(),
            Stage::Finish => {
                ChatEventRef::Finish(self.finish.as_ref().unwrap_or(&FinishReason::Stop))
            }
            Stage::Usage => ChatEventRef::Usage(self.usage.as_ref().unwrap_or(&ZERO_USAGE)),
            Stage::Done | Stage::End => ChatEventRef::Done {
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

/// The exact shape of the gateway's content chunks, matched literally (JSON.stringify output):
/// `{"id":"…","object":"chat.completion.chunk","created":N,"model":"…","choices":[{"index":0,
/// "delta":{"content":"…"},"finish_reason":null}]}`. Returns `(id, model, content)` when the
/// chunk is exactly that with no escape or control character in the strings; anything else
/// (other keys, order, escapes, any `index` but 0) returns `None` and goes through the full
/// JSON decoder, so the result is always the same as the decoder's, only cheaper for the
/// common case.
fn fast_content(data: &str) -> Option<(&str, &str, &str)> {
    fn plain_string(s: &str) -> Option<(&str, &str)> {
        // Up to the closing quote; give up on escapes and control characters.
        let end = memchr::memchr2(b'"', b'\\', s.as_bytes())?;
        if s.as_bytes()[end] != b'"' || s.as_bytes()[..end].iter().any(|b| *b < 0x20) {
            return None;
        }
        Some((&s[..end], &s[end + 1..]))
    }
    let rest = data.strip_prefix("{\"id\":\"")?;
    let (id, rest) = plain_string(rest)?;
    let rest = rest.strip_prefix(",\"object\":\"chat.completion.chunk\",\"created\":")?;
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return None;
    }
    let rest = rest[digits..].strip_prefix(",\"model\":\"")?;
    let (model, rest) = plain_string(rest)?;
    let rest = rest.strip_prefix(",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"")?;
    let (content, rest) = plain_string(rest)?;
    (rest == "},\"finish_reason\":null}]}").then_some((id, model, content))
}

/// Builds the typed stream error from an error payload (`{"message","type","code"}` or a
/// string), reading it borrowed and keeping every text capped at
/// [`crate::error::MAX_ERROR_TEXT_BYTES`].
pub(crate) fn stream_error(raw: &RawValue) -> Error {
    let f = error_fields(raw);
    Error::Stream {
        error_type: f.error_type,
        code: f.code,
        message: f
            .message
            .or_else(|| error_text(raw))
            .unwrap_or_else(|| "the gateway sent an empty error".into()),
        partial: String::new(),
    }
}

/// The error of an `event: error` payload: `{"error": …}`, the error object itself, or text.
pub(crate) fn error_event(data: &str) -> Error {
    if let Some(inner) = error_member(data) {
        return stream_error(inner);
    }
    match serde_json::from_str::<&RawValue>(data) {
        Ok(raw) => stream_error(raw),
        Err(_) => Error::Stream {
            error_type: None,
            code: None,
            message: capped_text(data.trim()),
            partial: String::new(),
        },
    }
}

/// Where one chunk is decoded and what the stream keeps of it.
struct Sink<'a> {
    pending: &'a mut Pending,
    scratch: &'a mut Pending,
    reply: &'a mut ChatCompletion,
    keep_text: bool,
    budget: &'a mut Budget,
}

fn decode(ev: &EventRef<'_>, sink: Sink<'_>) -> Result<()> {
    // Long on purpose (~120 lines): one table of the gateway's frame shapes (error event,
    // [DONE], the literal fast path, the full decoder, choice routing), in the order they are
    // tried; each arm is short.
    let Sink {
        pending,
        scratch,
        reply,
        keep_text,
        budget,
    } = sink;
    if ev.event_type == "error" {
        return Err(error_event(ev.data));
    }
    if ev.data == "[DONE]" {
        let empty = reply.received_bytes == 0 && reply.tool_calls.is_empty();
        reply.empty = empty;
        pending.done = Some(empty);
        return Ok(());
    }
    if let Some((id, model, content)) = fast_content(ev.data) {
        if reply.id.is_empty() {
            id.clone_into(&mut reply.id);
        }
        if reply.model.is_empty() {
            model.clone_into(&mut reply.model);
        }
        if content.is_empty() {
            return Ok(());
        }
        pending.content.push_str(content);
        pending.has_content = true;
        // The chunk carries only content: hand it out and nothing after it.
        pending.stage = Stage::Content;
        pending.content_only = true;
        reply.received_bytes += content.len() as u64;
        if keep_text {
            budget.append(&mut reply.content, content);
        }
        return Ok(());
    }
    let mut meta = ChunkMeta {
        want_meta: reply.id.is_empty() || reply.model.is_empty(),
        ..ChunkMeta::default()
    };
    let mut de = serde_json::Deserializer::from_str(ev.data);
    ChunkSeed {
        pending: &mut *pending,
        scratch,
        meta: &mut meta,
    }
    .deserialize(&mut de)
    .and_then(|()| de.end())
    .map_err(|e| {
        let mut shown: String = ev.data.chars().take(120).collect();
        if shown.len() < ev.data.len() {
            shown.push('…');
        }
        Error::protocol(format!(
            "the gateway sent a stream event that is not a JSON chunk ({e}): {shown:?}"
        ))
    })?;
    if let Some(err) = meta.error {
        return Err(err);
    }
    // The id, model and role are set once (each at most one event long): not counted.
    if reply.id.is_empty()
        && let Some(id) = meta.id
    {
        reply.id = id;
    }
    if reply.model.is_empty()
        && let Some(m) = meta.model
    {
        reply.model = m;
    }
    if let Some(role) = &pending.role
        && reply.role.is_empty()
    {
        reply.role.clone_from(role);
    }
    if keep_text {
        budget.append(&mut reply.reasoning, &pending.reasoning);
    }
    if pending.has_content {
        reply.received_bytes += pending.content.len() as u64;
        if keep_text {
            budget.append(&mut reply.content, &pending.content);
        }
    }
    for d in &pending.tools {
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
        // Ids and names are kept even with keep_text off (they are what a caller needs to
        // answer the call); arguments only with it on. All count against the budget.
        if let Some(id) = &d.id {
            budget.replace(&mut call.id, id);
        }
        if let Some(n) = &d.name {
            budget.replace(&mut call.name, n);
        }
        if keep_text {
            budget.append(&mut call.arguments, &d.arguments);
        }
    }
    if let Some(f) = &pending.finish {
        reply.finish_reason = Some(f.clone());
    }
    if let Some(u) = pending.usage {
        reply.usage = Some(u);
    }
    Ok(())
}

/// A streamed chat completion: an [`Iterator`] of `Result<ChatEvent, Error>`.
///
/// Reading happens on the caller's thread, one event as soon as its bytes arrive. After the
/// stream ends (`Done`, an error, or cancellation) the iterator yields `None`.
///
/// Memory: the stream holds one SSE line and one event ([`Limits::max_line_bytes`],
/// [`Limits::max_event_bytes`]) plus what it keeps across events ([`ChatStream::reply`]),
/// which is bounded by [`Limits::max_kept_bytes`] (64 MiB by default; see
/// [`ChatStream::keep_text`] for a stream that keeps no text at all).
pub struct ChatStream<R = Body> {
    session: Session<R, ChatDecoder>,
    status: u16,
}

/// The chat-completions decoder plugged into the stream engine.
#[derive(Default)]
struct ChatDecoder {
    pending: Pending,
    scratch: Pending,
    reply: ChatCompletion,
}

impl Decode for ChatDecoder {
    type Event<'a> = ChatEventRef<'a>;

    fn decode(&mut self, ev: &EventRef<'_>, keep: &mut Keep) -> Result<()> {
        decode(
            ev,
            Sink {
                pending: &mut self.pending,
                scratch: &mut self.scratch,
                reply: &mut self.reply,
                keep_text: keep.text,
                budget: &mut keep.budget,
            },
        )
    }
    fn ready(&mut self) -> bool {
        self.pending.seek()
    }
    fn emit(&mut self) -> ChatEventRef<'_> {
        self.pending.emit()
    }
    fn done(&self) -> bool {
        self.pending.done.is_some()
    }
    fn at_end(&self) -> Result<()> {
        Err(Error::Truncated {
            partial: String::new(),
            reason: "the stream ended before [DONE]".into(),
        })
    }
    fn clear(&mut self) {
        self.pending.reset();
    }
    fn kept_text(&self) -> &str {
        &self.reply.content
    }
    fn content_bytes(&self) -> usize {
        self.pending.content.len()
    }
}

impl<R> fmt::Debug for ChatStream<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChatStream")
            .field("finished", &self.session.finished())
            .field("received_bytes", &self.session.decoder.reply.received_bytes)
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
            session: Session::new(reader, limits, ctx, ChatDecoder::default()),
            status,
        }
    }

    /// Whether the stream keeps the text it receives (default true): the reply content,
    /// reasoning and tool-call arguments, for [`ChatStream::reply`], [`ChatStream::text_so_far`]
    /// and the partial text of errors.
    ///
    /// Off, memory stays flat however long the stream runs: every delta is still handed out as
    /// an event, [`ChatCompletion::received_bytes`] still counts, tool calls keep only their
    /// id and name, and errors carry no partial text. [`ChatStream::collect_reply`] and
    /// [`ChatStream::for_each_text`] turn it back on. C: `openclaw_chat_request_set_keep_text`.
    pub fn keep_text(&mut self, keep: bool) {
        self.session.keep.text = keep;
    }

    /// Sets the bound on what this stream keeps across events, in bytes (default: the
    /// client's [`Limits::max_kept_bytes`], 64 MiB unless changed). When the kept text would
    /// pass it, the stream keeps the part that fits, hands out the events of that chunk, and
    /// then ends with [`Error::LimitExceeded`] carrying the text kept.
    pub fn max_kept_bytes(&mut self, max: usize) {
        self.session.keep.budget.set_max(max);
    }

    /// The HTTP status of the response (200).
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The reply assembled so far (text, reasoning, tool calls, finish reason, usage).
    pub fn reply(&self) -> &ChatCompletion {
        &self.session.decoder.reply
    }

    /// The text received so far.
    pub fn text_so_far(&self) -> &str {
        &self.session.decoder.reply.content
    }

    /// Where the time of this call went so far (or in all, once the stream ended): connect,
    /// headers, first content, events and content bytes per second, gaps.
    pub fn timing(&self) -> crate::timing::StreamTiming {
        self.session.timing()
    }

    /// The W3C `traceparent` this call sent (the caller's, or the one generated for it), to
    /// log beside the gateway's; `None` for a stream read from any reader.
    pub fn traceparent(&self) -> Option<crate::trace::TraceParent> {
        self.session.traceparent()
    }

    /// [`Self::timing`] in raw nanoseconds (what the C API converts per event).
    pub(crate) fn raw_timing(&self) -> crate::timing::RawTiming {
        self.session.raw_timing()
    }

    /// The next event, borrowed until the next call; `None` after the end.
    pub fn next_ref(&mut self) -> Option<Result<ChatEventRef<'_>>> {
        self.session.next_ref()
    }

    /// Reads the stream to its end and returns the whole reply. On error, the error carries
    /// the text that arrived ([`Error::partial_text`]). A reply larger than
    /// [`Limits::max_kept_bytes`] is [`Error::LimitExceeded`] with the part that fitted.
    pub fn collect_reply(self) -> Result<ChatCompletion> {
        self.for_each_text(|_| {})
    }

    /// Like [`ChatStream::collect_reply`], calling `on_text` with each content delta as it arrives.
    pub fn for_each_text(mut self, mut on_text: impl FnMut(&str)) -> Result<ChatCompletion> {
        self.keep_text(true);
        while let Some(r) = self.next_ref() {
            if let ChatEventRef::Content(t) = r? {
                on_text(t);
            }
        }
        Ok(std::mem::take(&mut self.session.decoder.reply))
    }
}

impl<R: BufRead> Iterator for ChatStream<R> {
    type Item = Result<ChatEvent>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_ref().map(|r| r.map(|e| e.to_owned_event()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast path and the full decoder agree on every chunk the fast path accepts, and it
    /// declines anything outside the exact shape.
    #[test]
    fn fast_path_agrees_with_the_full_decoder() {
        let shape = |id: &str, model: &str, content: &str| {
            format!(
                "{{\"id\":\"{id}\",\"object\":\"chat.completion.chunk\",\"created\":1795623042,\"model\":\"{model}\",\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\"{content}\"}},\"finish_reason\":null}}]}}"
            )
        };
        let accepted = [
            shape("chatcmpl_1", "openclaw", "echo:"),
            shape("c", "m", " wörld 🎉"),
            shape("c", "m", ""),
        ];
        for data in &accepted {
            let (_, _, content) = fast_content(data).expect("accepted shape");
            let mut p = Pending::default();
            let mut meta = ChunkMeta::default();
            let mut de = serde_json::Deserializer::from_str(data);
            ChunkSeed {
                pending: &mut p,
                scratch: &mut Pending::default(),
                meta: &mut meta,
            }
            .deserialize(&mut de)
            .unwrap();
            assert_eq!(p.content, content);
            assert!(
                p.finish.is_none() && p.role.is_none() && p.usage.is_none() && p.tools.is_empty()
            );
        }
        let declined = [
            shape("c", "m", "a\\nb"),
            shape("c", "m", "q\\\"q"),
            shape("c\\u0041", "m", "x"),
            shape("c", "m", "tab\there"),
            shape("c", "m", "x").replace("\"finish_reason\":null", "\"finish_reason\":\"stop\""),
            shape("c", "m", "x").replace("}]}", "}],\"usage\":{\"total_tokens\":1}}"),
            shape("c", "m", "x").replace("\"created\":1795623042", "\"created\":null"),
            shape("c", "m", "x").replace("\"index\":0", "\"index\":1"),
            shape("c", "m", "x") + " ",
            "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"}}]}".to_string(),
        ];
        for data in &declined {
            assert!(fast_content(data).is_none(), "must decline: {data}");
        }
    }
}
