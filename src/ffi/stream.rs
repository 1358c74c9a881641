//! Streaming: a callback per event, or a pull stream.

use std::ffi::{c_char, c_int, c_void};

use super::chat::openclaw_chat_request;
use super::client::openclaw_client;
use super::error::{Failure, OPENCLAW_RESULT_END, code_of, openclaw_result};
use super::handle::Handle;
use super::{out_arg, run};
use crate::client::{HistoryEvent, HistoryStream};
use crate::error::Error;
use crate::responses::OutputItem;
use crate::stream::responses::{ResponseEvent, ResponseStream};
use crate::stream::{ChatEventRef, ChatStream};

/// The kind of an `openclaw_event`.
pub type openclaw_event_kind = u32;
/// The reply role (`text` = `"assistant"`), first event of a stream.
pub const OPENCLAW_EVENT_ROLE: openclaw_event_kind = 1;
/// A piece of the reply text (`text`, `text_len`).
pub const OPENCLAW_EVENT_CONTENT: openclaw_event_kind = 2;
/// A piece of reasoning text (`text`, `text_len`).
pub const OPENCLAW_EVENT_REASONING: openclaw_event_kind = 3;
/// A tool-call fragment: `tool_index`, `tool_id` and `tool_name` (non-NULL on the first
/// fragment of a call), `text` = a piece of the JSON arguments.
pub const OPENCLAW_EVENT_TOOL_CALL: openclaw_event_kind = 4;
/// Why the model stopped (`text` = `stop`, `length`, `tool_calls`…).
pub const OPENCLAW_EVENT_FINISH: openclaw_event_kind = 5;
/// Token usage (`prompt_tokens`, `completion_tokens`, `total_tokens`).
pub const OPENCLAW_EVENT_USAGE: openclaw_event_kind = 6;
/// The stream ended normally (`[DONE]`); `empty` is true when no content and no tool call came.
pub const OPENCLAW_EVENT_DONE: openclaw_event_kind = 7;
/// The stream failed (callback API only; the call then returns `error_code`): `text` = the
/// message, `error_code` = the result code.
pub const OPENCLAW_EVENT_ERROR: openclaw_event_kind = 8;
/// `/v1/responses` only: another lifecycle event (`text` = its name, e.g. `response.created`,
/// `response.in_progress`, `response.output_text.done`).
pub const OPENCLAW_EVENT_LIFECYCLE: openclaw_event_kind = 9;
/// Session history streams only: one event, `text` = its JSON payload, `event_type` =
/// `history` (the backlog) or `message` (a new message).
pub const OPENCLAW_EVENT_HISTORY: openclaw_event_kind = 10;

/// One stream event, **borrowed**: valid only during the callback (or until the next
/// `openclaw_stream_next` / `openclaw_stream_free`). Copy what you need. Never allocate or copy
/// this struct yourself: fields may be appended in later versions.
///
/// Every string is NUL-terminated and also has a length (text may legally contain NUL).
#[repr(C)]
pub struct openclaw_event {
    /// `OPENCLAW_EVENT_*`.
    pub kind: openclaw_event_kind,
    /// Content, reasoning, role, finish reason, tool arguments fragment or error message;
    /// `""` (never NULL) for other kinds.
    pub text: *const c_char,
    /// Length of `text` in bytes.
    pub text_len: usize,
    /// `OPENCLAW_EVENT_TOOL_CALL`: which call (0-based).
    pub tool_index: u32,
    /// `OPENCLAW_EVENT_TOOL_CALL`: the call id, NULL when this fragment has none.
    pub tool_id: *const c_char,
    /// `OPENCLAW_EVENT_TOOL_CALL`: the function name, NULL when this fragment has none.
    pub tool_name: *const c_char,
    /// `OPENCLAW_EVENT_USAGE`: prompt tokens.
    pub prompt_tokens: u64,
    /// `OPENCLAW_EVENT_USAGE`: completion tokens.
    pub completion_tokens: u64,
    /// `OPENCLAW_EVENT_USAGE`: total tokens.
    pub total_tokens: u64,
    /// `OPENCLAW_EVENT_DONE`: no content and no tool call arrived.
    pub empty: bool,
    /// `OPENCLAW_EVENT_ERROR`: the result code the call returns.
    pub error_code: openclaw_result,
    /// The SSE event name for HISTORY (`history`/`message`) and LIFECYCLE events; `""`
    /// otherwise (never NULL).
    pub event_type: *const c_char,
    /// The call's timing as of this event (never NULL; same lifetime as the event).
    pub timing: *const openclaw_stream_timing,
}

/// Where the time of a streamed call went, as of the latest event (or the end). Times are in
/// microseconds from the start of the call (its first attempt). Plain data: copy it freely.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct openclaw_stream_timing {
    /// Opening the connection (DNS, TCP, TLS); -1 when a pooled connection was reused.
    pub connect_us: i64,
    /// Until the response headers arrived.
    pub headers_us: u64,
    /// Until the first content (reply text) arrived; -1 before any.
    pub first_content_us: i64,
    /// Until the latest event (or the end of the stream); events that arrived in one read of
    /// the connection share its time.
    pub elapsed_us: u64,
    /// Events received (one per gateway chunk).
    pub events: u64,
    /// Bytes of content (reply text) received.
    pub content_bytes: u64,
    /// The longest silence between two events (from the headers on).
    pub max_gap_us: u64,
}

impl From<crate::timing::RawTiming> for openclaw_stream_timing {
    /// Integer division of nanoseconds by 1000 per field: cheap enough for every event.
    fn from(t: crate::timing::RawTiming) -> Self {
        let us = |ns: u64| ns / 1000;
        let signed = |ns: u64| {
            if ns == u64::MAX {
                -1
            } else {
                (ns / 1000) as i64
            }
        };
        openclaw_stream_timing {
            connect_us: signed(t.connect_ns),
            headers_us: us(t.headers_ns),
            first_content_us: signed(t.first_content_ns),
            elapsed_us: us(t.elapsed_ns),
            events: t.events,
            content_bytes: t.content_bytes,
            max_gap_us: us(t.max_gap_ns),
        }
    }
}

/// The callback of `openclaw_chat_stream`: return 0 to continue, non-zero to cancel (the call
/// then returns `OPENCLAW_RESULT_CANCELLED`). `event` is borrowed for the duration of the call.
/// It runs on the thread that called `openclaw_chat_stream`. It must not unwind (no C++
/// exceptions, no longjmp) and must not free the client, request or token in use.
pub type openclaw_event_callback =
    Option<unsafe extern "C" fn(userdata: *mut c_void, event: *const openclaw_event) -> c_int>;

/// Reusable buffers behind the borrowed event (no allocation per event in steady state).
#[derive(Default)]
pub(crate) struct EventBuf {
    text: Vec<u8>,
    id: Vec<u8>,
    name: Vec<u8>,
    event_type: Vec<u8>,
}

fn nul_terminated(buf: &mut Vec<u8>, s: &str) -> *const c_char {
    buf.clear();
    buf.extend_from_slice(s.as_bytes());
    buf.push(0);
    buf.as_ptr().cast()
}

impl EventBuf {
    pub(crate) fn base(&mut self, kind: openclaw_event_kind, text: &str) -> openclaw_event {
        openclaw_event {
            kind,
            text: nul_terminated(&mut self.text, text),
            text_len: text.len(),
            tool_index: 0,
            tool_id: std::ptr::null(),
            tool_name: std::ptr::null(),
            prompt_tokens: 0,
            completion_tokens: 0,
            total_tokens: 0,
            empty: false,
            error_code: 0,
            event_type: c"".as_ptr(),
            timing: std::ptr::null(),
        }
    }

    fn lifecycle(&mut self, name: &str) -> openclaw_event {
        let mut e = self.base(OPENCLAW_EVENT_LIFECYCLE, name);
        e.event_type = e.text;
        e
    }

    /// A session history event.
    pub(crate) fn fill_history(&mut self, ev: &HistoryEvent) -> openclaw_event {
        let mut e = self.base(OPENCLAW_EVENT_HISTORY, ev.data.get());
        e.event_type = nul_terminated(&mut self.event_type, &ev.event_type);
        e
    }

    /// A `/v1/responses` event: text deltas are CONTENT, function-call items TOOL_CALL (with
    /// the complete arguments), the terminal response DONE (`text` = its status, with usage),
    /// everything else LIFECYCLE.
    pub(crate) fn fill_response(&mut self, ev: &ResponseEvent, calls: &mut u32) -> openclaw_event {
        match ev {
            ResponseEvent::TextDelta(t) => self.base(OPENCLAW_EVENT_CONTENT, t),
            ResponseEvent::OutputItemDone(OutputItem::FunctionCall {
                call_id,
                name,
                arguments,
                ..
            }) => {
                let mut e = self.base(OPENCLAW_EVENT_TOOL_CALL, arguments);
                e.tool_index = *calls;
                *calls += 1;
                e.tool_id = nul_terminated(&mut self.id, call_id);
                e.tool_name = nul_terminated(&mut self.name, name);
                e
            }
            ResponseEvent::Completed(r) | ResponseEvent::Incomplete(r) => {
                let mut e = self.base(OPENCLAW_EVENT_DONE, &r.status);
                if let Some(u) = r.usage {
                    e.prompt_tokens = u.input_tokens;
                    e.completion_tokens = u.output_tokens;
                    e.total_tokens = u.total_tokens;
                }
                e.empty = r.output.is_empty();
                e
            }
            ResponseEvent::Created { .. } => self.lifecycle("response.created"),
            ResponseEvent::TextDone(_) => self.lifecycle("response.output_text.done"),
            ResponseEvent::OutputItemDone(_) => self.lifecycle("response.output_item.done"),
            ResponseEvent::Lifecycle { event_type } => self.lifecycle(event_type),
        }
    }

    pub(crate) fn fill(&mut self, ev: &ChatEventRef<'_>) -> openclaw_event {
        match *ev {
            ChatEventRef::Role(r) => self.base(OPENCLAW_EVENT_ROLE, r),
            ChatEventRef::Content(t) => self.base(OPENCLAW_EVENT_CONTENT, t),
            ChatEventRef::Reasoning(t) => self.base(OPENCLAW_EVENT_REASONING, t),
            ChatEventRef::ToolCall(d) => {
                let mut e = self.base(OPENCLAW_EVENT_TOOL_CALL, &d.arguments);
                e.tool_index = d.index;
                if let Some(id) = &d.id {
                    e.tool_id = nul_terminated(&mut self.id, id);
                }
                if let Some(n) = &d.name {
                    e.tool_name = nul_terminated(&mut self.name, n);
                }
                e
            }
            ChatEventRef::Finish(f) => self.base(OPENCLAW_EVENT_FINISH, f.as_str()),
            ChatEventRef::Usage(u) => {
                let mut e = self.base(OPENCLAW_EVENT_USAGE, "");
                e.prompt_tokens = u.prompt_tokens;
                e.completion_tokens = u.completion_tokens;
                e.total_tokens = u.total_tokens;
                e
            }
            ChatEventRef::Done { empty } => {
                let mut e = self.base(OPENCLAW_EVENT_DONE, "");
                e.empty = empty;
                e
            }
        }
    }

    pub(crate) fn error(&mut self, err: &Error) -> openclaw_event {
        let mut e = self.base(OPENCLAW_EVENT_ERROR, &err.to_string());
        e.error_code = code_of(err);
        e
    }
}

/// Streams one agent turn, calling `callback(userdata, event)` on this thread for each event
/// as soon as it is parsed: ROLE, CONTENT…, TOOL_CALL…, FINISH, USAGE, then DONE; or an ERROR
/// event followed by the error return.
///
/// Returns `OPENCLAW_RESULT_OK` after DONE; `OPENCLAW_RESULT_CANCELLED` when the callback
/// returned non-zero or the request's cancel token fired; otherwise the error code (errors
/// before the stream starts, such as 401 or a disabled endpoint, come without any event). The
/// text that arrived before an error is in `openclaw_last_error_partial_text` (at most the
/// kept-bytes limit, 64 MiB by default; none after `openclaw_chat_request_set_keep_text(req,
/// false)`). A reply longer than that limit ends with `OPENCLAW_RESULT_LIMIT_EXCEEDED` after
/// the events of the chunk that reached it.
///
/// Ownership: `client`, `req` and `userdata` are borrowed until the call returns; events are
/// borrowed for one callback. Thread-safety: any thread; the client may be shared.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_chat_stream(
    client: *const openclaw_client,
    req: *const openclaw_chat_request,
    callback: openclaw_event_callback,
    userdata: *mut c_void,
) -> openclaw_result {
    run(|| {
        // SAFETY: live handles or NULL.
        let (c, r) = unsafe {
            (
                openclaw_client::arg(client, "client")?,
                openclaw_chat_request::arg(req, "req")?,
            )
        };
        let Some(cb) = callback else {
            return Err(Failure::null("callback"));
        };
        let mut stream = openclaw_stream::new(StreamSource::Chat(c.client.chat_stream(&r.req)?));
        stream.run_callback(cb, userdata)
    })
}

/// A pull stream (opaque, single-owner; use from one thread at a time). Open with
/// `openclaw_chat_stream_open`, read with `openclaw_stream_next`, free with
/// `openclaw_stream_free` (freeing early closes the connection and aborts the agent run).
pub struct openclaw_stream {
    source: StreamSource,
    buf: EventBuf,
    event: openclaw_event,
    timing: openclaw_stream_timing,
    ended: bool,
    calls: u32,
}

#[allow(clippy::large_enum_variant)] // one per stream handle, boxed with it
pub(crate) enum StreamSource {
    Chat(ChatStream),
    Responses(ResponseStream),
    History(HistoryStream),
}

impl openclaw_stream {
    pub(crate) fn new(source: StreamSource) -> Self {
        let mut buf = EventBuf::default();
        let event = buf.base(0, "");
        openclaw_stream {
            source,
            buf,
            event,
            timing: openclaw_stream_timing::default(),
            ended: false,
            calls: 0,
        }
    }

    fn source_timing(&self) -> crate::timing::RawTiming {
        match &self.source {
            StreamSource::Chat(s) => s.raw_timing(),
            StreamSource::Responses(s) => s.raw_timing(),
            StreamSource::History(s) => s.raw_timing(),
        }
    }

    /// Reads the next event into `self.event` (with the timing as of it); `Ok(false)` at the
    /// end.
    fn advance(&mut self) -> Result<bool, Error> {
        let r = self.read_event();
        self.timing = self.source_timing().into();
        self.event.timing = &self.timing;
        r
    }

    fn read_event(&mut self) -> Result<bool, Error> {
        match &mut self.source {
            StreamSource::Chat(s) => match s.next_ref() {
                Some(Ok(ev)) => {
                    self.event = self.buf.fill(&ev);
                    Ok(true)
                }
                Some(Err(e)) => Err(e),
                None => Ok(false),
            },
            StreamSource::Responses(s) => match s.next() {
                Some(Ok(ev)) => {
                    self.event = self.buf.fill_response(&ev, &mut self.calls);
                    Ok(true)
                }
                Some(Err(e)) => Err(e),
                None => Ok(false),
            },
            StreamSource::History(s) => match s.next() {
                Some(Ok(ev)) => {
                    self.event = self.buf.fill_history(&ev);
                    Ok(true)
                }
                Some(Err(e)) => Err(e),
                None => Ok(false),
            },
        }
    }

    fn text_so_far(&self) -> &str {
        match &self.source {
            StreamSource::Chat(s) => s.text_so_far(),
            StreamSource::Responses(s) => s.text_so_far(),
            StreamSource::History(_) => "",
        }
    }

    /// Drives the whole stream through a callback (the callback API of both endpoints).
    pub(crate) fn run_callback(
        &mut self,
        cb: unsafe extern "C" fn(*mut c_void, *const openclaw_event) -> c_int,
        userdata: *mut c_void,
    ) -> Result<(), Failure> {
        loop {
            match self.advance() {
                Ok(true) => {}
                Ok(false) => return Ok(()),
                Err(e) => {
                    let mut ev = self.buf.error(&e);
                    ev.timing = &self.timing;
                    // SAFETY: the caller's callback with its own userdata.
                    unsafe { cb(userdata, &ev) };
                    return Err(e.into());
                }
            }
            // SAFETY: the caller's callback with its own userdata; the event outlives the call.
            if unsafe { cb(userdata, &self.event) } != 0 {
                let partial = self.text_so_far().to_owned();
                return Err(Error::Cancelled { partial }.into());
            }
        }
    }
}

/// Sends the request and opens a pull stream, written to `*out` on success. Errors before the
/// stream starts (auth, validation, disabled endpoint…) are returned here.
///
/// Ownership: `*out` belongs to the caller (free with `openclaw_stream_free`); the stream keeps
/// what it needs, so `client` and `req` may be freed before it. Thread-safety: any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_chat_stream_open(
    client: *const openclaw_client,
    req: *const openclaw_chat_request,
    out: *mut *mut openclaw_stream,
) -> openclaw_result {
    run(|| {
        // SAFETY: live handles or NULL.
        let (c, r) = unsafe {
            (
                openclaw_client::arg(client, "client")?,
                openclaw_chat_request::arg(req, "req")?,
            )
        };
        out_arg(out, "out")?;
        let stream = openclaw_stream::new(StreamSource::Chat(c.client.chat_stream(&r.req)?));
        openclaw_stream::give(out, stream)
    })
}

/// Reads the next event (blocking until it arrives) and writes a borrowed pointer to it in
/// `*event_out`, valid until the next call on this stream or its free.
///
/// Returns `OPENCLAW_RESULT_OK` with an event (the last one is DONE), then
/// `OPENCLAW_RESULT_END` (no event written) on every later call; or an error code once
/// (with the last error set; the text received so far is in
/// `openclaw_last_error_partial_text`), after which the stream returns `OPENCLAW_RESULT_END`.
/// `OPENCLAW_RESULT_CANCELLED` when the request's cancel token fired.
///
/// Thread-safety: use a stream from one thread at a time.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_stream_next(
    stream: *mut openclaw_stream,
    event_out: *mut *const openclaw_event,
) -> openclaw_result {
    run(|| {
        // SAFETY: a live stream or NULL.
        let s = unsafe { openclaw_stream::arg_mut(stream, "stream") }?;
        out_arg(event_out, "event_out")?;
        if s.ended {
            return Err(Failure::new(
                OPENCLAW_RESULT_END,
                "the stream has ended".into(),
            ));
        }
        match s.advance() {
            Ok(true) => {
                // SAFETY: checked non-NULL; points into the boxed stream.
                unsafe { *event_out = &s.event };
                Ok(())
            }
            Err(e) => {
                s.ended = true;
                Err(e.into())
            }
            Ok(false) => {
                s.ended = true;
                Err(Failure::new(
                    OPENCLAW_RESULT_END,
                    "the stream has ended".into(),
                ))
            }
        }
    })
}

/// The reply text received so far on this stream (NUL-terminated copy; free with
/// `openclaw_string_free`): what the stream keeps, so at most the kept-bytes limit, and `""`
/// when the request turned keep_text off. `len_out` (nullable) receives the byte length. NULL
/// for a NULL stream.
///
/// Thread-safety: use a stream from one thread at a time.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_stream_text(
    stream: *const openclaw_stream,
    len_out: *mut usize,
) -> *mut c_char {
    super::guard(std::ptr::null_mut(), || {
        // SAFETY: a live stream or NULL.
        let Some(s) = (unsafe { stream.as_ref() }) else {
            return std::ptr::null_mut();
        };
        let t = s.text_so_far();
        if !len_out.is_null() {
            // SAFETY: checked non-NULL.
            unsafe { *len_out = t.len() };
        }
        super::give_string(t)
    })
}

/// The W3C `traceparent` this stream's call sent (the request's, or the one generated for it),
/// as a NUL-terminated string written to `*out` (free with `openclaw_string_free`), to log
/// beside the gateway's logs.
///
/// Returns `OPENCLAW_RESULT_NULL_ARGUMENT` for a NULL stream or `out`. Thread-safety: use a
/// stream from one thread at a time.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_stream_traceparent(
    stream: *const openclaw_stream,
    out: *mut *mut c_char,
) -> openclaw_result {
    run(|| {
        // SAFETY: a live stream or NULL.
        let s = unsafe { openclaw_stream::arg(stream, "stream") }?;
        out_arg(out, "out")?;
        let tp = match &s.source {
            StreamSource::Chat(c) => c.traceparent(),
            StreamSource::Responses(r) => r.traceparent(),
            StreamSource::History(h) => h.traceparent(),
        };
        let text = tp.map(|t| t.to_string()).unwrap_or_default();
        // SAFETY: checked non-NULL.
        unsafe { *out = super::give_string(&text) };
        Ok(())
    })
}

/// Writes the stream's timing as of its latest event (or its end) to `*out`.
///
/// Returns `OPENCLAW_RESULT_NULL_ARGUMENT` for a NULL stream or `out`. Ownership: `*out` is
/// plain data owned by the caller. Thread-safety: use a stream from one thread at a time.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_stream_timing_get(
    stream: *const openclaw_stream,
    out: *mut openclaw_stream_timing,
) -> openclaw_result {
    run(|| {
        // SAFETY: a live stream or NULL.
        let s = unsafe { openclaw_stream::arg(stream, "stream") }?;
        out_arg(out, "out")?;
        // SAFETY: checked non-NULL; the caller passes writable memory for the struct.
        unsafe { *out = s.source_timing().into() };
        Ok(())
    })
}

/// Frees a pull stream; an unfinished stream's connection is closed (which aborts the agent
/// run on the gateway). NULL is accepted.
///
/// Thread-safety: free it once, from one thread, after every use of it (on any thread) has returned.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_stream_free(stream: *mut openclaw_stream) {
    // SAFETY: a handle from this library or NULL, freed once.
    unsafe { openclaw_stream::free(stream) }
}
