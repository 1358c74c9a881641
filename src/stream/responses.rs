//! `/v1/responses` stream decoding: the `event:` names of OpenResponses as typed events.
//!
//! Events are read borrowed (never as a `serde_json::Value`); the stream keeps the text of the
//! deltas (bounded by [`Limits::max_kept_bytes`], nothing with
//! [`ResponseStream::keep_text`] off) and the terminal response.

use std::fmt;
use std::io::BufRead;

use serde::Deserialize;
use serde_json::value::RawValue;

use super::session::{Body, Decode, Keep, Session};
use super::{Budget, ReadContext, stream_error};
use crate::error::{Error, Result};
use crate::json::{Text, is_object};
use crate::responses::{OutputItem, Response};
use crate::sse::{EventRef, Limits};

/// A streamed OpenResponses event.
#[derive(Debug, Clone, PartialEq)]
pub enum ResponseEvent {
    /// `response.created`: the response id.
    Created {
        /// `resp_…`
        id: String,
    },
    /// `response.output_text.delta`: a piece of the text.
    TextDelta(String),
    /// `response.output_text.done`: the whole text of one part.
    TextDone(String),
    /// `response.output_item.done`: a finished output item (message or function call).
    OutputItemDone(OutputItem),
    /// `response.completed` (terminal).
    Completed(Response),
    /// `response.incomplete` (terminal; e.g. the token budget ran out).
    Incomplete(Response),
    /// Any other event (`response.in_progress`, `response.output_item.added`,
    /// `response.content_part.added`/`done`…), by name.
    Lifecycle {
        /// The event name.
        event_type: String,
    },
}

/// A streamed `/v1/responses` call: an [`Iterator`] of `Result<ResponseEvent, Error>`.
///
/// `response.failed` ends it with [`Error::Stream`] (the response's error code and message);
/// a stream that ends before a terminal event ends with [`Error::Truncated`]; text deltas
/// beyond [`Limits::max_kept_bytes`] end it with [`Error::LimitExceeded`] (after the delta
/// that reached the limit has been handed out). Errors carry the text received so far.
///
/// Memory: one SSE line and one event, the text kept (bounded) and the terminal response
/// (one event).
pub struct ResponseStream<R = Body> {
    session: Session<R, ResponsesDecoder>,
}

/// The responses decoder plugged into the stream engine.
#[derive(Default)]
struct ResponsesDecoder {
    text: String,
    response: Option<Response>,
    queued: Option<ResponseEvent>,
    done: bool,
}

impl Decode for ResponsesDecoder {
    type Event<'a> = ResponseEvent;

    fn decode(&mut self, ev: &EventRef<'_>, keep: &mut Keep) -> Result<()> {
        // Long on purpose (~100 lines): one match over the responses stream's event names; each
        // arm is a few lines.
        let step = decode(
            ev.event_type,
            ev.data,
            Kept {
                text: &mut self.text,
                keep_text: keep.text,
                budget: &mut keep.budget,
                response: &mut self.response,
            },
        )?;
        match step {
            Some(event) => self.queued = Some(event),
            None => self.done = true,
        }
        Ok(())
    }
    fn ready(&mut self) -> bool {
        self.queued.is_some()
    }
    fn emit(&mut self) -> ResponseEvent {
        self.queued.take().expect("emit after ready")
    }
    fn done(&self) -> bool {
        self.done
    }
    fn at_end(&self) -> Result<()> {
        if self.response.is_some() {
            return Ok(());
        }
        Err(Error::Truncated {
            partial: String::new(),
            reason: "the stream ended before response.completed".into(),
        })
    }
    fn clear(&mut self) {
        self.queued = None;
    }
    fn kept_text(&self) -> &str {
        &self.text
    }
    fn content_bytes(&self) -> usize {
        match &self.queued {
            Some(ResponseEvent::TextDelta(t)) => t.len(),
            _ => 0,
        }
    }
}

impl<R> fmt::Debug for ResponseStream<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseStream")
            .field("finished", &self.session.finished())
            .finish()
    }
}

impl<R: BufRead> ResponseStream<R> {
    /// Decodes a responses stream from any reader (no HTTP).
    pub fn from_reader(reader: R, limits: Limits) -> Self {
        Self::with_context(reader, limits, ReadContext::default())
    }

    pub(crate) fn with_context(reader: R, limits: Limits, ctx: ReadContext) -> Self {
        ResponseStream {
            session: Session::new(reader, limits, ctx, ResponsesDecoder::default()),
        }
    }

    /// Whether the stream keeps the text of the deltas (default true) for
    /// [`ResponseStream::text_so_far`] and the partial text of errors. Off, memory stays flat
    /// however long the stream runs (every delta is still handed out as an event). C:
    /// `openclaw_responses_request_set_keep_text`.
    pub fn keep_text(&mut self, keep: bool) {
        self.session.keep.text = keep;
    }

    /// Sets the bound on the text this stream keeps, in bytes (default: the client's
    /// [`Limits::max_kept_bytes`], 64 MiB unless changed). Reaching it ends the stream with
    /// [`Error::LimitExceeded`] carrying the text that fitted.
    pub fn max_kept_bytes(&mut self, max: usize) {
        self.session.keep.budget.set_max(max);
    }

    /// The text received so far (empty with [`ResponseStream::keep_text`] off).
    pub fn text_so_far(&self) -> &str {
        &self.session.decoder.text
    }

    /// The terminal response, once received.
    pub fn response(&self) -> Option<&Response> {
        self.session.decoder.response.as_ref()
    }

    /// Where the time of this call went so far (see [`crate::StreamTiming`]).
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

/// What the stream keeps while decoding.
struct Kept<'a> {
    text: &'a mut String,
    keep_text: bool,
    budget: &'a mut Budget,
    response: &'a mut Option<Response>,
}

/// Decodes one SSE event into the text and terminal response; `Ok(None)` at `[DONE]`.
fn decode(event_type: &str, data: &str, keep: Kept<'_>) -> Result<Option<ResponseEvent>> {
    /// The fields of the events used here, borrowed from the event data.
    #[derive(Deserialize)]
    struct Wire<'a> {
        #[serde(default, borrow, rename = "type")]
        kind: Text<'a>,
        #[serde(default, borrow)]
        delta: Text<'a>,
        #[serde(default, borrow)]
        text: Text<'a>,
        #[serde(default, borrow)]
        item: Option<&'a RawValue>,
        #[serde(default, borrow)]
        response: Option<&'a RawValue>,
        #[serde(default, borrow)]
        error: Option<&'a RawValue>,
    }
    #[derive(Deserialize)]
    struct Created<'a> {
        #[serde(default, borrow)]
        id: Text<'a>,
    }
    let response = keep.response;
    if data == "[DONE]" {
        if response.is_none() {
            return Err(Error::Truncated {
                partial: String::new(),
                reason: "the stream ended ([DONE]) without response.completed".into(),
            });
        }
        return Ok(None);
    }
    let raw: &RawValue = serde_json::from_str(data)
        .map_err(|e| Error::protocol(format!("a responses stream event is not JSON ({e})")))?;
    if !is_object(raw) {
        return Err(Error::protocol(
            "a responses stream event is not a JSON object",
        ));
    }
    let v: Wire<'_> = serde_json::from_str(raw.get())
        .map_err(|e| Error::protocol(format!("a responses stream event is not valid ({e})")))?;
    let kind = if event_type != "message" {
        event_type
    } else {
        v.kind.or_empty()
    };
    if kind == "error" || (kind.is_empty() && v.error.is_some()) {
        return Err(stream_error(v.error.unwrap_or(raw)));
    }
    let resp = || v.response.map(|r| Response::from_json(r.get())).transpose();
    Ok(Some(match kind {
        "response.created" => ResponseEvent::Created {
            id: v
                .response
                .filter(|r| is_object(r))
                .and_then(|r| serde_json::from_str::<Created<'_>>(r.get()).ok())
                .and_then(|c| c.id.owned())
                .unwrap_or_default(),
        },
        "response.output_text.delta" => {
            let d = v.delta.or_empty();
            if keep.keep_text {
                keep.budget.append(keep.text, d);
            }
            ResponseEvent::TextDelta(d.to_owned())
        }
        "response.output_text.done" => ResponseEvent::TextDone(v.text.or_empty().to_owned()),
        "response.output_item.done" => ResponseEvent::OutputItemDone(match v.item {
            Some(item) => OutputItem::from_raw(item)?,
            None => {
                return Err(Error::protocol("response.output_item.done without an item"));
            }
        }),
        "response.completed" | "response.incomplete" => {
            let r = resp()?.ok_or_else(|| Error::protocol(format!("{kind} without a response")))?;
            *response = Some(r.clone());
            if kind == "response.completed" {
                ResponseEvent::Completed(r)
            } else {
                ResponseEvent::Incomplete(r)
            }
        }
        "response.failed" => {
            let r = resp()?;
            let (code, message) = r
                .as_ref()
                .and_then(|r| r.error.clone())
                .unwrap_or_else(|| (String::new(), "the response failed".into()));
            return Err(Error::Stream {
                error_type: Some("response.failed".into()),
                code: (!code.is_empty()).then_some(code),
                message,
                partial: String::new(),
            });
        }
        other => ResponseEvent::Lifecycle {
            event_type: other.to_owned(),
        },
    }))
}

impl<R: BufRead> ResponseStream<R> {
    /// Reads the stream to its end and returns the terminal response.
    pub fn collect_response(mut self) -> Result<Response> {
        for ev in &mut self {
            ev?;
        }
        self.session
            .decoder
            .response
            .take()
            .ok_or_else(|| Error::Truncated {
                partial: String::new(),
                reason: "no terminal response event".into(),
            })
    }
}

impl<R: BufRead> Iterator for ResponseStream<R> {
    type Item = Result<ResponseEvent>;

    fn next(&mut self) -> Option<Self::Item> {
        self.session.next_ref()
    }
}
