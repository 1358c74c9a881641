//! Session history as a live stream (`GET /sessions/{key}/history` with
//! `Accept: text/event-stream`): the history decoder plugged into the stream engine.

use std::fmt;

use serde_json::value::RawValue;

use super::ReadContext;
use super::session::{Body, Decode, Keep, Session};
use crate::error::{Error, Result};
use crate::sse::{EventRef, Limits};

/// One event of a history stream (`event: history` with the backlog, then `event: message`
/// for each new message; keep-alive comments are skipped).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct HistoryEvent {
    /// `history` or `message`.
    pub event_type: String,
    /// The JSON payload, as checked JSON text (never a `serde_json::Value` tree, which takes
    /// ~18 times the size of the text); parse it with `serde_json::from_str(data.get())`.
    pub data: Box<RawValue>,
}

impl PartialEq for HistoryEvent {
    fn eq(&self, other: &Self) -> bool {
        self.event_type == other.event_type && self.data.get() == other.data.get()
    }
}

/// A live session history: an [`Iterator`] of `Result<HistoryEvent, Error>` that runs until the
/// gateway closes it, it is dropped, or its cancel token fires.
pub struct HistoryStream<R = Body> {
    session: Session<R, HistoryDecoder>,
}

#[derive(Default)]
struct HistoryDecoder {
    queued: Option<HistoryEvent>,
}

impl Decode for HistoryDecoder {
    type Event<'a> = HistoryEvent;

    fn decode(&mut self, ev: &EventRef<'_>, _keep: &mut Keep) -> Result<()> {
        let data = serde_json::from_str::<Box<RawValue>>(ev.data)
            .map_err(|e| Error::protocol(format!("a history event is not JSON: {e}")))?;
        self.queued = Some(HistoryEvent {
            event_type: ev.event_type.to_owned(),
            data,
        });
        Ok(())
    }
    fn ready(&mut self) -> bool {
        self.queued.is_some()
    }
    fn emit(&mut self) -> HistoryEvent {
        self.queued.take().expect("emit after ready")
    }
    fn done(&self) -> bool {
        false
    }
    /// The gateway closing a history stream is its normal end.
    fn at_end(&self) -> Result<()> {
        Ok(())
    }
    fn clear(&mut self) {
        self.queued = None;
    }
    fn kept_text(&self) -> &str {
        ""
    }
    fn content_bytes(&self) -> usize {
        0
    }
}

impl<R> fmt::Debug for HistoryStream<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HistoryStream")
            .field("done", &self.session.finished())
            .finish()
    }
}

impl<R: std::io::BufRead> HistoryStream<R> {
    /// Decodes a history stream from any reader (no HTTP).
    pub fn from_reader(reader: R, limits: Limits) -> Self {
        Self::with_context(reader, limits, ReadContext::default())
    }

    pub(crate) fn with_context(reader: R, limits: Limits, ctx: ReadContext) -> Self {
        HistoryStream {
            session: Session::new(reader, limits, ctx, HistoryDecoder::default()),
        }
    }

    /// Where the time of this call went so far (see [`crate::StreamTiming`]; history events
    /// carry no content bytes).
    pub fn timing(&self) -> crate::timing::StreamTiming {
        self.session.timing()
    }

    /// The W3C `traceparent` this call sent (see [`crate::ChatStream::traceparent`]).
    pub fn traceparent(&self) -> Option<crate::trace::TraceParent> {
        self.session.traceparent()
    }

    /// [`Self::timing`] in raw nanoseconds (what the C API converts per event).
    pub(crate) fn raw_timing(&self) -> crate::timing::RawTiming {
        self.session.raw_timing()
    }
}

impl<R: std::io::BufRead> Iterator for HistoryStream<R> {
    type Item = Result<HistoryEvent>;
    fn next(&mut self) -> Option<Self::Item> {
        self.session.next_ref()
    }
}
