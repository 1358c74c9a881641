//! [`SpeechSource`] for the library's stream events, so that `.sentences()`
//! ([`SentencesExt`](crate::speech::SentencesExt)) works on a `ChatStream`, a `ResponseStream`
//! and a WebSocket `ChatRun`. Kept apart from [`crate::speech`] (a leaf) because it names the
//! stream and WebSocket types.

use crate::speech::{SpeechSource, TextUpdate};
use crate::stream::ChatEvent;
use crate::stream::responses::ResponseEvent;
use crate::ws::RunEvent;

impl SpeechSource for ChatEvent {
    /// Content deltas; reasoning, tool calls and the rest carry nothing to speak.
    fn text_update(&self) -> TextUpdate<'_> {
        match self {
            ChatEvent::Content(t) => TextUpdate::Append(t),
            _ => TextUpdate::Nothing,
        }
    }
}

impl SpeechSource for ResponseEvent {
    /// Output-text deltas (`TextDone` repeats them and is ignored).
    fn text_update(&self) -> TextUpdate<'_> {
        match self {
            ResponseEvent::TextDelta(t) => TextUpdate::Append(t),
            _ => TextUpdate::Nothing,
        }
    }
}

impl SpeechSource for RunEvent {
    /// Deltas (with `replace`, a replacement), and the final text; an abort ends the text
    /// (the stream ends after it and the pending tail is handed over).
    fn text_update(&self) -> TextUpdate<'_> {
        match self {
            RunEvent::Delta {
                text,
                replace: false,
            } => TextUpdate::Append(text),
            RunEvent::Delta {
                text,
                replace: true,
            } => TextUpdate::Replace(text),
            RunEvent::Final { text, .. } => TextUpdate::Final(text),
            _ => TextUpdate::Nothing,
        }
    }
}
