//! Session history: `GET /sessions/{key}/history` as JSON, or as an SSE stream.

use std::io::BufReader;

use serde_json::value::RawValue;

use super::transport::{Call, encode_segment};
use super::{CallOptions, Client};
use crate::error::{Endpoint, Error, Result};
use crate::sse::EventReader;
use crate::stream::ReadContext;

/// One event of a history stream (`event: history` with the backlog, then `event: message`
/// for each new message; keep-alive comments are skipped).
#[derive(Debug, Clone)]
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
pub struct HistoryStream {
    events: EventReader<BufReader<ureq::BodyReader<'static>>>,
    ctx: ReadContext,
    done: bool,
}

impl std::fmt::Debug for HistoryStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HistoryStream")
            .field("done", &self.done)
            .finish()
    }
}

impl Iterator for HistoryStream {
    type Item = Result<HistoryEvent>;
    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        if self.ctx.cancelled() {
            self.done = true;
            return Some(Err(Error::Cancelled {
                partial: String::new(),
            }));
        }
        let r = match self.events.next_event() {
            Ok(Some(ev)) => serde_json::from_str::<Box<RawValue>>(ev.data)
                .map(|data| HistoryEvent {
                    event_type: ev.event_type.to_owned(),
                    data,
                })
                .map_err(|e| Error::protocol(format!("a history event is not JSON: {e}"))),
            Ok(None) => {
                self.done = true;
                return None;
            }
            Err(e) => Err(self.ctx.map_sse(e)),
        };
        if r.is_err() {
            self.done = true;
        }
        Some(r)
    }
}

fn history_path(key: &str, limit: Option<u32>, cursor: Option<&str>) -> Result<String> {
    crate::chat::validate_header_value("the session key", key)?;
    if key.is_empty() {
        return Err(Error::invalid("the session key is empty"));
    }
    let mut p = format!("/sessions/{}/history", encode_segment(key));
    let mut sep = '?';
    if let Some(l) = limit {
        p.push_str(&format!("{sep}limit={l}"));
        sep = '&';
    }
    if let Some(c) = cursor {
        p.push_str(&format!("{sep}cursor={}", encode_segment(c)));
    }
    Ok(p)
}

impl Client {
    /// A session's history as checked JSON text (`GET /sessions/{key}/history`; parse it with
    /// `serde_json::from_str(history.get())`). The body is validated, never built into a
    /// `serde_json::Value` tree. Unknown sessions are [`Error::NotFound`].
    pub fn session_history(
        &self,
        key: &str,
        limit: Option<u32>,
        cursor: Option<&str>,
    ) -> Result<Box<RawValue>> {
        let path = history_path(key, limit, cursor)?;
        let sent = self.send(&Call::get(
            &path,
            Endpoint::SessionHistory,
            &CallOptions::default(),
        ))?;
        let bytes = self.json_body(Endpoint::SessionHistory, sent)?;
        let text = String::from_utf8(bytes)
            .map_err(|e| Error::protocol(format!("{path} answered text that is not UTF-8: {e}")))?;
        RawValue::from_string(text)
            .map_err(|e| Error::protocol(format!("{path} answered invalid JSON: {e}")))
    }

    /// A session's history as a live stream (`Accept: text/event-stream`). Set an idle timeout
    /// of more than 15 s (the gateway's keep-alive interval) or none.
    pub fn session_history_stream(
        &self,
        key: &str,
        options: &CallOptions,
    ) -> Result<HistoryStream> {
        let path = history_path(key, None, None)?;
        let sent = self.send(&Call::get(&path, Endpoint::SessionHistory, options).streaming())?;
        let (reader, ctx) = self.event_stream(Endpoint::SessionHistory, sent)?;
        Ok(HistoryStream {
            events: EventReader::with_limits(reader, self.inner.limits),
            ctx,
            done: false,
        })
    }
}
