//! A WHATWG `text/event-stream` parser with no HTTP in it.
//!
//! [`LineReader`] splits any [`BufRead`] into lines at LF, CR or CRLF (a CR at the end of one read
//! and its LF at the start of the next count as one line end), strips a UTF-8 BOM at the very
//! start only, and enforces a maximum line size. [`EventReader`] applies the event-stream rules of
//! the HTML standard ("interpreting an event stream") on top of it:
//!
//! - lines starting with `:` are comments;
//! - the field name runs to the first `:`, a line with no colon is a field with an empty value,
//!   and exactly one leading space is removed from the value;
//! - `data` lines are joined with LF; `event` sets the type (reset after each dispatch, default
//!   `message`); `id` sets the last event id buffer, which persists across events, unless it
//!   contains NUL; `retry` is accepted only when it is all ASCII digits and is readable at once
//!   ([`EventReader::retry`]); other fields are ignored;
//! - an empty line dispatches the event (no event when no `data` line was seen) and makes the
//!   id buffer the *last event ID* ([`EventReader::last_event_id`]): an id changes only there;
//! - an unterminated final block is discarded at end of stream, its `id` included;
//! - invalid UTF-8 is replaced with U+FFFD; since lines end only at ASCII bytes, the result does
//!   not depend on where reads split the input.
//!
//! Events are produced as soon as their blank line has been read; the reader never waits to
//! fill a buffer. [`EventReader::next_event`] lends an [`EventRef`] borrowed from internal buffers
//! (no allocation per event); the [`Iterator`] implementation yields owned [`Event`]s.
//!
//! No per-event cost grows with a field that persists across events: an `id` is decoded once,
//! when its line arrives, and shared (not copied) by the events that follow.
//!
//! ```
//! use openclaw_client::sse::EventReader;
//! let input = b"event: greet\ndata: hello\ndata: world\n\n: comment\ndata: x\n\n";
//! let events: Vec<_> = EventReader::new(&input[..]).collect::<Result<_, _>>().unwrap();
//! assert_eq!(events[0].event_type, "greet");
//! assert_eq!(events[0].data, "hello\nworld");
//! assert_eq!(events[1].event_type, "message");
//! ```

use std::io::{self, BufRead};
use std::sync::Arc;

/// Default maximum length of one line, in bytes (32 MiB: a base64 image in one `data:` line fits).
pub const DEFAULT_MAX_LINE_BYTES: usize = 32 * 1024 * 1024;
/// Default maximum size of one event's data, in bytes (64 MiB).
pub const DEFAULT_MAX_EVENT_BYTES: usize = 64 * 1024 * 1024;

/// Default maximum of what a stream keeps across events, in bytes (64 MiB); see
/// [`Limits::max_kept_bytes`].
pub const DEFAULT_MAX_KEPT_BYTES: usize = 64 * 1024 * 1024;

/// Size limits of a stream. Exceeding one is an error and memory stays bounded by it.
///
/// The parser here holds at most one line and one event; `max_kept_bytes` bounds what the
/// typed streams built on it ([`crate::ChatStream`], [`crate::ResponseStream`]) keep across
/// events. Build it with `Limits { max_line_bytes: …, ..Limits::default() }`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Maximum bytes in one line (without its line ending).
    pub max_line_bytes: usize,
    /// Maximum bytes of joined `data` in one event.
    pub max_event_bytes: usize,
    /// Maximum bytes a typed stream keeps across events: the reply text, reasoning and tool
    /// calls (ids, names, arguments) it assembles. Reaching it ends the stream with
    /// [`crate::Error::LimitExceeded`] carrying the text kept so far (after the events of the
    /// chunk that reached it). Not used by the parser in this module.
    pub max_kept_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_line_bytes: DEFAULT_MAX_LINE_BYTES,
            max_event_bytes: DEFAULT_MAX_EVENT_BYTES,
            max_kept_bytes: DEFAULT_MAX_KEPT_BYTES,
        }
    }
}

/// An error while reading an event stream.
#[derive(Debug, thiserror::Error)]
pub enum SseError {
    /// The underlying reader failed.
    #[error("I/O error while reading the event stream: {0}")]
    Io(#[from] io::Error),
    /// A line was longer than [`Limits::max_line_bytes`].
    #[error("an event-stream line is longer than the limit of {limit} bytes")]
    LineTooLong {
        /// The limit in force.
        limit: usize,
    },
    /// An event's data was larger than [`Limits::max_event_bytes`].
    #[error("an event's data is larger than the limit of {limit} bytes")]
    EventTooLarge {
        /// The limit in force.
        limit: usize,
    },
}

/// Splits a byte stream into lines at LF, CR or CRLF, without copying when a line lies within
/// one buffer of the underlying reader.
#[derive(Debug)]
pub struct LineReader<R> {
    reader: R,
    line: Vec<u8>,
    consume_next: usize,
    pending_cr: bool,
    at_start: bool,
    max_line_bytes: usize,
    failed: bool,
}

impl<R: BufRead> LineReader<R> {
    /// Wraps `reader`; lines longer than `max_line_bytes` are an error.
    pub fn new(reader: R, max_line_bytes: usize) -> Self {
        LineReader {
            reader,
            line: Vec::new(),
            consume_next: 0,
            pending_cr: false,
            at_start: true,
            max_line_bytes,
            failed: false,
        }
    }

    /// The next complete line without its terminator, `Ok(None)` at end of stream. A final line
    /// with no terminator is not returned (the event-stream rules discard it).
    pub fn next_line(&mut self) -> Result<Option<&[u8]>, SseError> {
        // One function on purpose (~90 lines): the hot path of every stream; the scanner's state
        // (CR pending, line length, limit) lives in locals the optimiser keeps in registers.
        if self.failed {
            return Ok(None);
        }
        if self.consume_next > 0 {
            self.reader.consume(self.consume_next);
            self.consume_next = 0;
        }
        self.line.clear();
        // Where the complete line is: `Some(len)` at the start of the reader's buffer
        // (zero-copy, consumed on the next call), `None` in `self.line`.
        let in_buffer: Option<usize> = loop {
            let buf = match self.reader.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.failed = true;
                    return Err(SseError::Io(e));
                }
            };
            if buf.is_empty() {
                self.failed = true;
                return Ok(None);
            }
            if self.pending_cr {
                self.pending_cr = false;
                if buf[0] == b'\n' {
                    self.reader.consume(1);
                    continue;
                }
            }
            let Some(pos) = memchr::memchr2(b'\n', b'\r', buf) else {
                if self.line.len() + buf.len() > self.max_line_bytes {
                    self.failed = true;
                    return Err(SseError::LineTooLong {
                        limit: self.max_line_bytes,
                    });
                }
                self.line.extend_from_slice(buf);
                let n = buf.len();
                self.reader.consume(n);
                continue;
            };
            if self.line.len() + pos > self.max_line_bytes {
                self.failed = true;
                return Err(SseError::LineTooLong {
                    limit: self.max_line_bytes,
                });
            }
            let mut consumed = pos + 1;
            if buf[pos] == b'\r' {
                if consumed < buf.len() {
                    if buf[consumed] == b'\n' {
                        consumed += 1;
                    }
                } else {
                    self.pending_cr = true;
                }
            }
            if self.line.is_empty() {
                self.consume_next = consumed;
                break Some(pos);
            }
            self.line.extend_from_slice(&buf[..pos]);
            self.reader.consume(consumed);
            break None;
        };
        let strip_bom = std::mem::take(&mut self.at_start);
        let line: &[u8] = match in_buffer {
            // The buffer is not consumed yet, so this returns the same bytes without reading.
            Some(len) => match self.reader.fill_buf() {
                Ok(buf) if buf.len() >= len => &buf[..len],
                Ok(_) => {
                    self.failed = true;
                    return Err(SseError::Io(io::Error::other(
                        "the reader's buffer changed between fill_buf calls",
                    )));
                }
                Err(e) => {
                    self.failed = true;
                    return Err(SseError::Io(e));
                }
            },
            None => &self.line,
        };
        Ok(Some(match line.strip_prefix(b"\xEF\xBB\xBF") {
            Some(rest) if strip_bom => rest,
            _ => line,
        }))
    }

    /// The wrapped reader.
    pub fn get_ref(&self) -> &R {
        &self.reader
    }
}

/// One event, borrowed from the reader's buffers until the next call on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventRef<'a> {
    /// The event type (`message` when the event had no `event:` field).
    pub event_type: &'a str,
    /// The joined `data` lines.
    pub data: &'a str,
    /// The last event ID: the id in force when this event was dispatched (persists across
    /// events; empty when none).
    pub id: &'a str,
    /// The reconnection time in milliseconds from the latest valid `retry:` field, if any.
    pub retry: Option<u64>,
}

/// One owned event, as yielded by the [`Iterator`] implementation of [`EventReader`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Event {
    /// The event type (`message` when the event had no `event:` field).
    pub event_type: String,
    /// The joined `data` lines.
    pub data: String,
    /// The last event ID when this event was dispatched (empty when none), shared with the
    /// other events that carry the same id.
    pub id: Arc<str>,
    /// The reconnection time in milliseconds from the latest valid `retry:` field, if any.
    pub retry: Option<u64>,
}

impl EventRef<'_> {
    /// Copies the event into an owned [`Event`] (the id too; the [`Iterator`] of
    /// [`EventReader`] shares it instead).
    pub fn to_owned_event(&self) -> Event {
        Event {
            event_type: self.event_type.to_owned(),
            data: self.data.to_owned(),
            id: Arc::from(self.id),
            retry: self.retry,
        }
    }
}

#[derive(Debug, Default)]
struct State {
    data: Vec<u8>,
    has_data: bool,
    event_type: Vec<u8>,
    /// The id buffer when an `id` line changed it since the last blank line, already decoded
    /// (so the conversion happens once per `id` line, never per event).
    new_id: Option<Arc<str>>,
    /// The last event ID: the id buffer as of the last blank line.
    last_id: Arc<str>,
    retry: Option<u64>,
    text_data: String,
    text_type: String,
}

/// Parses events from any [`BufRead`] following the WHATWG event-stream rules.
#[derive(Debug)]
pub struct EventReader<R> {
    lines: LineReader<R>,
    state: State,
    max_event_bytes: usize,
    dispatched: bool,
}

fn as_text<'a>(bytes: &'a [u8], scratch: &'a mut String) -> &'a str {
    match std::str::from_utf8(bytes) {
        Ok(s) => s,
        Err(_) => {
            scratch.clear();
            scratch.push_str(&String::from_utf8_lossy(bytes));
            scratch
        }
    }
}

impl<R: BufRead> EventReader<R> {
    /// Wraps `reader` with the default [`Limits`].
    pub fn new(reader: R) -> Self {
        Self::with_limits(reader, Limits::default())
    }

    /// Wraps `reader` with explicit limits.
    pub fn with_limits(reader: R, limits: Limits) -> Self {
        EventReader {
            lines: LineReader::new(reader, limits.max_line_bytes),
            state: State::default(),
            max_event_bytes: limits.max_event_bytes,
            dispatched: false,
        }
    }

    /// The next event, `Ok(None)` at end of stream (an unterminated final block is discarded).
    /// The returned view borrows the reader until the next call.
    pub fn next_event(&mut self) -> Result<Option<EventRef<'_>>, SseError> {
        // One function on purpose (~80 lines): the WHATWG field rules in spec order, read top to
        // bottom against the spec; every stream event passes through here.
        let st = &mut self.state;
        if self.dispatched {
            self.dispatched = false;
            st.data.clear();
            st.has_data = false;
            st.event_type.clear();
        }
        loop {
            let Some(line) = self.lines.next_line()? else {
                return Ok(None);
            };
            if line.is_empty() {
                // Dispatch, step 1: the last event ID becomes the id buffer (O(1): the buffer
                // was decoded when its line arrived).
                if let Some(id) = st.new_id.take() {
                    st.last_id = id;
                }
                if !st.has_data {
                    st.event_type.clear();
                    continue;
                }
                self.dispatched = true;
                let data = as_text(&st.data, &mut st.text_data);
                // U+FFFD replacements can make the text longer than the raw bytes.
                if data.len() > self.max_event_bytes {
                    return Err(SseError::EventTooLarge {
                        limit: self.max_event_bytes,
                    });
                }
                let event_type = if st.event_type.is_empty() {
                    "message"
                } else {
                    as_text(&st.event_type, &mut st.text_type)
                };
                return Ok(Some(EventRef {
                    event_type,
                    data,
                    id: &st.last_id,
                    retry: st.retry,
                }));
            }
            if line[0] == b':' {
                continue;
            }
            let (name, value) = match memchr::memchr(b':', line) {
                Some(i) => {
                    let v = &line[i + 1..];
                    (&line[..i], v.strip_prefix(b" ").unwrap_or(v))
                }
                None => (line, &b""[..]),
            };
            match name {
                b"data" => {
                    let extra = value.len() + usize::from(st.has_data);
                    if st.data.len() + extra > self.max_event_bytes {
                        return Err(SseError::EventTooLarge {
                            limit: self.max_event_bytes,
                        });
                    }
                    if st.has_data {
                        st.data.push(b'\n');
                    }
                    st.data.extend_from_slice(value);
                    st.has_data = true;
                }
                b"event" => {
                    st.event_type.clear();
                    st.event_type.extend_from_slice(value);
                }
                b"id" if !value.contains(&0) => {
                    st.new_id = Some(Arc::from(String::from_utf8_lossy(value)));
                }
                b"retry" if !value.is_empty() && value.iter().all(u8::is_ascii_digit) => {
                    // Saturate absurdly long digit strings instead of failing.
                    st.retry = Some(value.iter().fold(0u64, |acc, d| {
                        acc.saturating_mul(10).saturating_add(u64::from(d - b'0'))
                    }));
                }
                _ => {}
            }
        }
    }

    /// The last event ID (empty when none): the `id` in force at the last blank line. An `id`
    /// in a block that was never dispatched (cut by the end of the stream, or not yet
    /// complete) does not count, as the HTML standard says.
    pub fn last_event_id(&self) -> &str {
        &self.state.last_id
    }

    /// The reconnection time in milliseconds from the latest valid `retry:` field read so far
    /// (it applies at once, dispatched or not), `None` when there was none.
    pub fn retry(&self) -> Option<u64> {
        self.state.retry
    }

    /// The wrapped reader.
    pub fn get_ref(&self) -> &R {
        self.lines.get_ref()
    }
}

impl<R: BufRead> Iterator for EventReader<R> {
    type Item = Result<Event, SseError>;

    fn next(&mut self) -> Option<Self::Item> {
        let (event_type, data, retry) = match self.next_event() {
            Ok(Some(e)) => (e.event_type.to_owned(), e.data.to_owned(), e.retry),
            Ok(None) => return None,
            Err(e) => return Some(Err(e)),
        };
        Some(Ok(Event {
            event_type,
            data,
            // Shared, not copied: a long id costs nothing per event.
            id: Arc::clone(&self.state.last_id),
            retry,
        }))
    }
}
