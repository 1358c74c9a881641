//! One chat run over WebSocket as a stream: `chat.send`, then the run's events until
//! `final`, `aborted` or `error`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use super::events::{AgentEvent, AgentKind, ChatState, EventKind};
use super::{AbortResult, Shared, random_hex};
use crate::error::{Error, Result, TimeoutPhase};
use crate::timing::{Clock, RawTiming, StreamTiming};

/// One step of a [`ChatRun`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum RunEvent {
    /// A progress phase (`preparing_workspace`, `starting_model`…).
    Status {
        /// The phase.
        phase: String,
    },
    /// New assistant text. With `replace`, `text` replaces everything so far (the gateway does
    /// this after a tool call).
    Delta {
        /// The text.
        text: String,
        /// Whether it replaces the text so far.
        replace: bool,
    },
    /// An `agent` event of this run other than assistant text (lifecycle, tool start/result,
    /// usage, approvals…).
    Agent(AgentEvent),
    /// The run finished (last item).
    Final {
        /// The reply: the final message's text; when the final event carries none (after a
        /// tool call the gateway clears the streamed text with an empty `replace` delta), the
        /// `terminalReply.text` of the agent lifecycle end, else the text from the deltas.
        text: String,
        /// `stopReason`, when sent.
        stop_reason: Option<String>,
    },
    /// The run was aborted (last item).
    Aborted {
        /// `stopReason` (`rpc` for `chat.abort`).
        stop_reason: Option<String>,
        /// The text that had arrived.
        partial: String,
    },
    /// Events of this run may have been lost: the connection's frame `seq` jumped (or the
    /// run's own queue overflowed, reported as 0 → 0).
    Gap {
        /// The frame seq expected.
        expected: u64,
        /// The frame seq received.
        received: u64,
    },
}

/// Aborts a run from any thread (`Clone + Send + Sync`): sends `chat.abort` for the run.
#[derive(Clone)]
pub struct RunAbort {
    shared: Arc<Shared>,
    session_key: String,
    run_id: Arc<std::sync::Mutex<String>>,
}

impl std::fmt::Debug for RunAbort {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunAbort")
            .field("session_key", &self.session_key)
            .finish_non_exhaustive()
    }
}

impl RunAbort {
    /// Sends `chat.abort {sessionKey, runId}` and waits for the answer. The run's stream then
    /// ends with [`RunEvent::Aborted`] (the gateway sends the `aborted` event before the
    /// answer). Aborting a run that already ended is not an error (`aborted: false`).
    pub fn abort(&self) -> Result<AbortResult> {
        let run = self
            .run_id
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        super::abort_shared(&self.shared, &self.session_key, Some(&run))
    }
}

/// A chat run followed as a stream: an iterator of [`RunEvent`]s that ends after `Final` or
/// `Aborted`; a run error is an `Err(`[`Error::Stream`]`)` item (the last). Made by
/// [`super::WsConnection::chat_run`]. `Send`; abort it from another thread with
/// [`ChatRun::aborter`].
pub struct ChatRun {
    shared: Arc<Shared>,
    key: String,
    run_id: String,
    session_key: String,
    text: String,
    /// `terminalReply.text` of the agent lifecycle `end` (the reply when the final event
    /// carries no message, e.g. after a tool call).
    terminal_reply: Option<String>,
    done: bool,
    idle: Option<Duration>,
    abort: RunAbort,
    /// From the `chat.send` request; stopped (and logged) when the run ends.
    clock: Clock,
}

impl std::fmt::Debug for ChatRun {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChatRun")
            .field("run_id", &self.run_id)
            .field("session_key", &self.session_key)
            .finish_non_exhaustive()
    }
}

impl ChatRun {
    pub(crate) fn start(shared: Arc<Shared>, session_key: &str, message: &str) -> Result<ChatRun> {
        let key = random_hex(16);
        let started = Instant::now();
        // Registered before sending: the first events can arrive before the answer.
        shared.register_run(&key);
        let ack = super::call_shared(
            &shared,
            "chat.send",
            serde_json::json!({"sessionKey": session_key, "message": message, "idempotencyKey": key}),
            shared.opts().request_timeout,
        );
        let ack = match ack {
            Ok(a) => a,
            Err(e) => {
                shared.unregister_run(&key);
                return Err(e);
            }
        };
        let clock = Clock::new(started, None, Instant::now());
        let run_id = ack
            .get("runId")
            .and_then(serde_json::Value::as_str)
            .unwrap_or(&key)
            .to_owned();
        if run_id != key {
            shared.rename_run(&key, &run_id);
        }
        let abort = RunAbort {
            shared: shared.clone(),
            session_key: session_key.to_owned(),
            run_id: Arc::new(std::sync::Mutex::new(run_id.clone())),
        };
        Ok(ChatRun {
            shared,
            key: run_id.clone(),
            run_id,
            session_key: session_key.to_owned(),
            text: String::new(),
            terminal_reply: None,
            done: false,
            idle: None,
            abort,
            clock,
        })
    }

    /// The run id.
    pub fn run_id(&self) -> &str {
        &self.run_id
    }

    /// The session key as given.
    pub fn session_key(&self) -> &str {
        &self.session_key
    }

    /// The text assembled so far.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The longest wait for the next event (default none): past it, the iterator yields
    /// [`Error::Timeout`] (phase idle) and the run is left alone on the gateway.
    pub fn set_idle_timeout(&mut self, t: Option<Duration>) {
        self.idle = t;
    }

    /// Whether the run has ended (its last event or error was returned).
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// Where the time of this run went so far (see [`StreamTiming`]: `headers` is the
    /// `chat.send` acknowledgement, events are the run's `chat` and `agent` events).
    pub fn timing(&self) -> StreamTiming {
        self.clock.timing()
    }

    /// [`Self::timing`] in raw nanoseconds (what the C API converts per event).
    pub(crate) fn raw_timing(&self) -> RawTiming {
        self.clock.raw()
    }

    /// Marks the run over: stops its clock and logs its timing.
    fn finish(&mut self) {
        if !self.done {
            self.done = true;
            self.clock.end_and_log("websocket run");
        }
    }

    /// A handle that aborts this run from any thread.
    pub fn aborter(&self) -> RunAbort {
        self.abort.clone()
    }

    /// The next event, waiting at most `timeout` (`Ok(None)` on timeout or after the end).
    /// Use this for polling; the iterator waits up to the idle timeout instead.
    pub fn next_timeout(&mut self, timeout: Option<Duration>) -> Result<Option<RunEvent>> {
        // Long on purpose (~85 lines): one match over the run's event kinds in protocol order.
        loop {
            if self.done {
                return Ok(None);
            }
            let ev = match self.shared.next_run_event(&self.key, timeout) {
                Ok(Some(Ok(ev))) => {
                    let content = match &ev.kind {
                        EventKind::Chat(c) if c.state == ChatState::Delta => {
                            c.delta_text.as_ref().map_or(0, String::len)
                        }
                        _ => 0,
                    };
                    self.clock.event(content, None);
                    ev
                }
                Ok(Some(Err((expected, received)))) => {
                    return Ok(Some(RunEvent::Gap { expected, received }));
                }
                Ok(None) => return Ok(None),
                Err(e) => {
                    self.finish();
                    return Err(e.with_partial(&self.text));
                }
            };
            match ev.kind {
                EventKind::Chat(c) => match c.state {
                    ChatState::Status => {
                        return Ok(Some(RunEvent::Status {
                            phase: c.phase.unwrap_or_default(),
                        }));
                    }
                    ChatState::Delta => {
                        let t = c.delta_text.unwrap_or_default();
                        if c.replace {
                            self.text.clone_from(&t);
                        } else {
                            self.text.push_str(&t);
                        }
                        if t.is_empty() && !c.replace {
                            continue;
                        }
                        return Ok(Some(RunEvent::Delta {
                            text: t,
                            replace: c.replace,
                        }));
                    }
                    ChatState::Final => {
                        self.finish();
                        let text = c
                            .text
                            .or_else(|| self.terminal_reply.take())
                            .unwrap_or_else(|| self.text.clone());
                        return Ok(Some(RunEvent::Final {
                            text,
                            stop_reason: c.stop_reason,
                        }));
                    }
                    ChatState::Aborted => {
                        self.finish();
                        return Ok(Some(RunEvent::Aborted {
                            stop_reason: c.stop_reason,
                            partial: self.text.clone(),
                        }));
                    }
                    ChatState::Error => {
                        self.finish();
                        return Err(Error::Stream {
                            error_type: None,
                            code: None,
                            message: c
                                .error_message
                                .unwrap_or_else(|| "the run failed".to_owned()),
                            partial: self.text.clone(),
                        });
                    }
                    ChatState::Other(_) => continue,
                },
                EventKind::Agent(a) => {
                    if let Some(t) = ev
                        .payload
                        .pointer("/data/terminalReply/text")
                        .and_then(serde_json::Value::as_str)
                    {
                        self.terminal_reply = Some(t.to_owned());
                    }
                    if matches!(a.kind, AgentKind::AssistantDelta { .. }) {
                        continue;
                    }
                    return Ok(Some(RunEvent::Agent(a)));
                }
                _ => continue,
            }
        }
    }
}

impl Iterator for ChatRun {
    type Item = Result<RunEvent>;
    fn next(&mut self) -> Option<Self::Item> {
        match self.next_timeout(self.idle) {
            Ok(Some(e)) => Some(Ok(e)),
            Ok(None) if self.done => None,
            Ok(None) => {
                self.finish();
                Some(Err(Error::Timeout {
                    phase: TimeoutPhase::Idle,
                    limit: self.idle,
                    partial: self.text.clone(),
                }))
            }
            Err(e) => Some(Err(e)),
        }
    }
}

impl Drop for ChatRun {
    fn drop(&mut self) {
        self.shared.unregister_run(&self.key);
    }
}
