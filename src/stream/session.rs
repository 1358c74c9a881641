//! The one stream engine: an SSE session (reader, cancellation, end of stream, limits, what is
//! kept across events) into which each kind of stream plugs a [`Decode`]r — chat completions,
//! responses, session history.
//!
//! The session owns everything the stream kinds share; a decoder only turns one SSE event into
//! zero or more events of its kind and says what the end of the body means.

use std::fmt;
use std::io::{self, BufRead, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use super::{Budget, ReadContext};
use crate::error::{Error, Result};
use crate::sse::{EventReader, EventRef, Limits};
use crate::timing::StreamTiming;

/// The body of an HTTP response as the streams read it: the transport's reader, buffered.
/// Streams know nothing else of the transport.
///
/// It counts the refills of its buffer (reads of the transport), so that the stream's clock
/// reads the time once per read: the events that arrived together share their time.
pub struct Body {
    inner: Box<dyn BufRead + Send>,
    /// Bytes left in the buffer last handed out.
    avail: usize,
    refills: Arc<AtomicU64>,
}

impl Body {
    pub(crate) fn new(reader: impl BufRead + Send + 'static) -> Self {
        Body {
            inner: Box::new(reader),
            avail: 0,
            refills: Arc::new(AtomicU64::new(0)),
        }
    }

    /// The refill counter, for the stream's clock.
    pub(crate) fn refills(&self) -> Arc<AtomicU64> {
        self.refills.clone()
    }

    fn refilling(&self) {
        // One writer: a plain load and store.
        let n = self.refills.load(Ordering::Relaxed);
        self.refills.store(n.wrapping_add(1), Ordering::Relaxed);
    }
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Body")
    }
}

impl Read for Body {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.refilling();
        self.avail = 0;
        self.inner.read(buf)
    }
}

impl BufRead for Body {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.avail == 0 {
            self.refilling();
        }
        let b = self.inner.fill_buf()?;
        self.avail = b.len();
        Ok(b)
    }
    fn consume(&mut self, amt: usize) {
        self.avail = self.avail.saturating_sub(amt);
        self.inner.consume(amt)
    }
}

/// What a stream keeps across events: whether it keeps text at all, and the bound on it.
#[derive(Debug)]
pub(crate) struct Keep {
    pub(crate) text: bool,
    pub(crate) budget: Budget,
}

/// One kind of stream: turns SSE events into its own events.
pub(crate) trait Decode {
    /// The event handed out, borrowed from the decoder until the next call.
    type Event<'a>
    where
        Self: 'a;

    /// Decodes one SSE event, queueing zero or more events.
    fn decode(&mut self, event: &EventRef<'_>, keep: &mut Keep) -> Result<()>;
    /// Whether an event is queued.
    fn ready(&mut self) -> bool;
    /// Hands out the next queued event (only after [`Decode::ready`] said yes).
    fn emit(&mut self) -> Self::Event<'_>;
    /// Whether the stream's own end marker arrived (`[DONE]`, a terminal event).
    fn done(&self) -> bool;
    /// What the end of the body before [`Decode::done`] means: a normal end, or the error.
    fn at_end(&self) -> Result<()>;
    /// Forgets what is queued (before each SSE event, and when the stream fails).
    fn clear(&mut self);
    /// The text kept so far: the partial text of errors.
    fn kept_text(&self) -> &str;
    /// Bytes of content (reply text) in the events the last [`Decode::decode`] queued.
    fn content_bytes(&self) -> usize;
}

/// An SSE session driving one decoder.
pub(crate) struct Session<R, D> {
    events: EventReader<R>,
    ctx: ReadContext,
    pub(crate) keep: Keep,
    finished: bool,
    pub(crate) decoder: D,
}

impl<R, D> Session<R, D> {
    pub(crate) fn finished(&self) -> bool {
        self.finished
    }

    /// The W3C `traceparent` the call carried.
    pub(crate) fn traceparent(&self) -> Option<crate::trace::TraceParent> {
        self.ctx.traceparent
    }

    /// The call's timing so far (or at its end).
    pub(crate) fn timing(&self) -> StreamTiming {
        self.ctx.clock.timing()
    }

    /// The same in raw nanoseconds.
    pub(crate) fn raw_timing(&self) -> crate::timing::RawTiming {
        self.ctx.clock.raw()
    }

    /// Marks the stream over: stops its clock, logs its timing, releases the cancel
    /// registration.
    fn end(&mut self) {
        self.finished = true;
        self.ctx.registration = None;
        self.ctx.clock.end_and_log("stream");
    }
}

impl<R: BufRead, D: Decode> Session<R, D> {
    pub(crate) fn new(reader: R, limits: Limits, ctx: ReadContext, decoder: D) -> Self {
        Session {
            events: EventReader::with_limits(reader, limits),
            ctx,
            keep: Keep {
                text: true,
                budget: Budget::new(limits.max_kept_bytes),
            },
            finished: false,
            decoder,
        }
    }

    /// Ends the stream with `e`, carrying the text kept so far.
    fn fail(&mut self, e: Error) -> Error {
        self.decoder.clear();
        self.end();
        e.with_partial(self.decoder.kept_text())
    }

    fn cancelled() -> Error {
        Error::Cancelled {
            partial: String::new(),
        }
    }

    /// The next event, borrowed until the next call; `None` after the end.
    pub(crate) fn next_ref(&mut self) -> Option<Result<D::Event<'_>>> {
        if self.decoder.ready() {
            return Some(Ok(self.decoder.emit()));
        }
        if self.finished {
            return None;
        }
        loop {
            if self.ctx.cancelled() {
                return Some(Err(self.fail(Self::cancelled())));
            }
            if self.keep.budget.full() {
                let e = self.keep.budget.error();
                return Some(Err(self.fail(e)));
            }
            self.decoder.clear();
            let step = match self.events.next_event() {
                Ok(Some(ev)) => {
                    let r = self.decoder.decode(&ev, &mut self.keep);
                    let read = self.ctx.refills.as_ref().map(|r| r.load(Ordering::Relaxed));
                    self.ctx.clock.event(self.decoder.content_bytes(), read);
                    r
                }
                Ok(None) if self.ctx.cancelled() => Err(Self::cancelled()),
                Ok(None) => match self.decoder.at_end() {
                    Ok(()) => {
                        self.end();
                        return None;
                    }
                    Err(e) => Err(e),
                },
                Err(e) => Err(self.ctx.map_sse(e)),
            };
            if let Err(e) = step {
                return Some(Err(self.fail(e)));
            }
            if self.decoder.done() {
                self.end();
            }
            if self.decoder.ready() {
                return Some(Ok(self.decoder.emit()));
            }
            if self.finished {
                return None;
            }
        }
    }
}
