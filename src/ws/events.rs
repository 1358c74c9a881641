//! Typed gateway events.
//!
//! Every event keeps its name, frame `seq` and raw JSON payload ([`Event`]); the ones this
//! library knows are also decoded into [`EventKind`]. Shapes follow the gateway's
//! `rpc-bootstrap-and-events.md` and frames recorded from openclaw 2026.9.6.

use serde_json::Value;

/// One event from the gateway (or a connection notice made by this library).
#[derive(Debug, Clone)]
pub struct Event {
    /// The event name (`chat`, `agent`, `tick`…); for notices made by this library:
    /// `openclaw.gap`, `openclaw.dropped`, `openclaw.disconnected`, `openclaw.reconnected`.
    pub name: String,
    /// The frame-level sequence number (counts every event sent on this connection), when sent.
    pub seq: Option<u64>,
    /// The payload as sent.
    pub payload: Value,
    /// The decoded form.
    pub kind: EventKind,
}

/// The decoded form of an [`Event`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum EventKind {
    /// `chat`: a run's user-facing progress.
    Chat(ChatEvent),
    /// `agent`: lifecycle, assistant text, tools, usage.
    Agent(AgentEvent),
    /// `exec.approval.requested` (needs the `operator.approvals` scope and the `exec-approvals`
    /// client cap, which this library sends when that scope is requested).
    ApprovalRequested(ApprovalRequest),
    /// `exec.approval.resolved`.
    ApprovalResolved(ApprovalResolved),
    /// `session.message`: a transcript row of a subscribed session.
    SessionMessage(SessionMessage),
    /// `sessions.changed`: the session index changed (after `sessions.subscribe`).
    SessionsChanged {
        /// `reason`, when sent.
        reason: Option<String>,
        /// `sessionKey` / `session.key`, when sent.
        session_key: Option<String>,
    },
    /// `tick`: the gateway's keepalive.
    Tick {
        /// The gateway's clock in ms.
        ts: u64,
    },
    /// `shutdown`: the gateway is stopping or restarting.
    Shutdown {
        /// Why.
        reason: String,
    },
    /// Frame `seq` jumped: the gateway dropped events for this connection (it drops events for
    /// slow consumers rather than closing the socket).
    Gap {
        /// The seq that was expected next.
        expected: u64,
        /// The seq that arrived.
        received: u64,
    },
    /// The local event queue was full and this many of the oldest events were discarded.
    Dropped {
        /// How many.
        count: u64,
    },
    /// The connection was lost (reconnect is on: the library is reconnecting).
    Disconnected {
        /// Why.
        reason: String,
    },
    /// The connection is back (new `hello-ok`); session subscriptions were renewed.
    Reconnected {
        /// The new `server.bootId`.
        boot_id: String,
    },
    /// Any other event: read [`Event::name`] and [`Event::payload`].
    Other,
}

/// The `state` of a `chat` event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChatState {
    /// A progress phase (`preparing_workspace`, `starting_model`…).
    Status,
    /// New assistant text.
    Delta,
    /// The run finished.
    Final,
    /// The run was aborted.
    Aborted,
    /// The run failed.
    Error,
    /// Another state.
    Other(String),
}

impl ChatState {
    /// Whether the run is over.
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            ChatState::Final | ChatState::Aborted | ChatState::Error
        )
    }
    /// The wire name.
    pub fn as_str(&self) -> &str {
        match self {
            ChatState::Status => "status",
            ChatState::Delta => "delta",
            ChatState::Final => "final",
            ChatState::Aborted => "aborted",
            ChatState::Error => "error",
            ChatState::Other(s) => s,
        }
    }
}

/// A `chat` event.
#[derive(Debug, Clone, PartialEq)]
pub struct ChatEvent {
    /// `runId` (equal to the `chat.send` idempotency key for runs started over WebSocket).
    pub run_id: String,
    /// The canonical session key, e.g. `agent:main:main`.
    pub session_key: String,
    /// The run's own sequence number (shared by its `chat` and `agent` events; a connection
    /// does not see every number: the gateway coalesces).
    pub seq: Option<u64>,
    /// The state.
    pub state: ChatState,
    /// `phase` of a status event.
    pub phase: Option<String>,
    /// `deltaText` of a delta: the new text (or, with `replace`, the whole replacement).
    pub delta_text: Option<String>,
    /// `replace`: `delta_text` replaces the text so far instead of extending it.
    pub replace: bool,
    /// The text of `message` (the cumulative assistant text), when sent.
    pub text: Option<String>,
    /// `stopReason` (`stop`, `rpc` for an abort…).
    pub stop_reason: Option<String>,
    /// `errorMessage` of an error.
    pub error_message: Option<String>,
}

/// An `agent` event.
#[derive(Debug, Clone, PartialEq)]
pub struct AgentEvent {
    /// `runId`.
    pub run_id: String,
    /// The canonical session key.
    pub session_key: String,
    /// The run's sequence number.
    pub seq: Option<u64>,
    /// `stream`: `lifecycle`, `assistant`, `tool`, `usage`, `run_status`, `item`, `approval`…
    pub stream: String,
    /// The decoded data.
    pub kind: AgentKind,
}

/// The decoded `data` of an `agent` event.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum AgentKind {
    /// `lifecycle` with its `phase` (`start`, `model`, `end`, `error`, `waiting-approval`…).
    Lifecycle {
        /// The phase.
        phase: String,
    },
    /// `assistant`: new text.
    AssistantDelta {
        /// `delta`.
        delta: String,
        /// `text`: the cumulative text.
        text: String,
    },
    /// `tool` with phase `start`.
    ToolStart {
        /// The tool name.
        name: String,
        /// The call id.
        tool_call_id: String,
        /// The arguments.
        args: Value,
    },
    /// `tool` with phase `result`.
    ToolResult {
        /// The tool name.
        name: String,
        /// The call id.
        tool_call_id: String,
        /// `isError`.
        is_error: bool,
        /// The result.
        result: Value,
    },
    /// `usage`: token counts as sent.
    Usage(Value),
    /// Any other stream or phase: read the payload.
    Other,
}

/// `exec.approval.requested` (and a row of `exec.approval.list`).
#[derive(Debug, Clone, PartialEq)]
pub struct ApprovalRequest {
    /// The approval id to resolve.
    pub id: String,
    /// `request.command`.
    pub command: String,
    /// `request.sessionKey`.
    pub session_key: Option<String>,
    /// `request.runId`.
    pub run_id: Option<String>,
    /// `request.allowedDecisions` (e.g. `allow-once`, `deny`).
    pub allowed_decisions: Vec<String>,
    /// `createdAtMs`.
    pub created_at_ms: u64,
    /// `expiresAtMs`.
    pub expires_at_ms: u64,
}

/// `exec.approval.resolved`.
#[derive(Debug, Clone, PartialEq)]
pub struct ApprovalResolved {
    /// The approval id.
    pub id: String,
    /// The decision (`allow-once`, `allow-always`, `deny`).
    pub decision: String,
    /// `resolvedBy` (a client id), when sent.
    pub resolved_by: Option<String>,
}

/// `session.message`.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionMessage {
    /// The canonical session key.
    pub session_key: String,
    /// `message.role` (`user`, `assistant`, `toolResult`…).
    pub role: String,
    /// The message's text parts joined.
    pub text: String,
}

fn s(v: &Value, k: &str) -> String {
    v.get(k)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}
fn os(v: &Value, k: &str) -> Option<String> {
    v.get(k).and_then(Value::as_str).map(str::to_owned)
}

/// The text of a message's `content` (a string, or the `text` of its parts).
pub(crate) fn content_text(message: &Value) -> Option<String> {
    match message.get("content")? {
        Value::String(t) => Some(t.clone()),
        Value::Array(parts) => Some(
            parts
                .iter()
                .filter(|p| p.get("type").and_then(Value::as_str).unwrap_or("text") == "text")
                .filter_map(|p| p.get("text").and_then(Value::as_str))
                .collect(),
        ),
        _ => None,
    }
}

pub(crate) fn approval_request(p: &Value) -> ApprovalRequest {
    let req = p.get("request").cloned().unwrap_or(Value::Null);
    ApprovalRequest {
        id: s(p, "id"),
        command: s(&req, "command"),
        session_key: os(&req, "sessionKey"),
        run_id: os(&req, "runId"),
        allowed_decisions: crate::ws::protocol::strings(req.get("allowedDecisions"))
            .unwrap_or_default(),
        created_at_ms: p.get("createdAtMs").and_then(Value::as_u64).unwrap_or(0),
        expires_at_ms: p.get("expiresAtMs").and_then(Value::as_u64).unwrap_or(0),
    }
}

pub(crate) fn chat_event(p: &Value) -> ChatEvent {
    let state = match p.get("state").and_then(Value::as_str).unwrap_or("") {
        "status" => ChatState::Status,
        "delta" => ChatState::Delta,
        "final" => ChatState::Final,
        "aborted" => ChatState::Aborted,
        "error" => ChatState::Error,
        other => ChatState::Other(other.to_owned()),
    };
    ChatEvent {
        run_id: s(p, "runId"),
        session_key: s(p, "sessionKey"),
        seq: p.get("seq").and_then(Value::as_u64),
        state,
        phase: os(p, "phase"),
        delta_text: os(p, "deltaText"),
        replace: p.get("replace").and_then(Value::as_bool).unwrap_or(false),
        text: p.get("message").and_then(content_text),
        stop_reason: os(p, "stopReason"),
        error_message: os(p, "errorMessage"),
    }
}

fn agent_event(p: &Value) -> AgentEvent {
    let stream = s(p, "stream");
    let data = p.get("data").cloned().unwrap_or(Value::Null);
    let phase = s(&data, "phase");
    let kind = match (stream.as_str(), phase.as_str()) {
        ("lifecycle", _) => AgentKind::Lifecycle { phase },
        ("assistant", _) => AgentKind::AssistantDelta {
            delta: s(&data, "delta"),
            text: s(&data, "text"),
        },
        ("tool", "start") => AgentKind::ToolStart {
            name: s(&data, "name"),
            tool_call_id: s(&data, "toolCallId"),
            args: data.get("args").cloned().unwrap_or(Value::Null),
        },
        ("tool", "result") => AgentKind::ToolResult {
            name: s(&data, "name"),
            tool_call_id: s(&data, "toolCallId"),
            is_error: data
                .get("isError")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            result: data.get("result").cloned().unwrap_or(Value::Null),
        },
        ("usage", _) => AgentKind::Usage(data),
        _ => AgentKind::Other,
    };
    AgentEvent {
        run_id: s(p, "runId"),
        session_key: s(p, "sessionKey"),
        seq: p.get("seq").and_then(Value::as_u64),
        stream,
        kind,
    }
}

/// Decodes a gateway event.
pub(crate) fn decode(name: &str, seq: Option<u64>, payload: Value) -> Event {
    let kind = match name {
        "chat" => EventKind::Chat(chat_event(&payload)),
        "agent" => EventKind::Agent(agent_event(&payload)),
        "exec.approval.requested" => EventKind::ApprovalRequested(approval_request(&payload)),
        "exec.approval.resolved" => EventKind::ApprovalResolved(ApprovalResolved {
            id: s(&payload, "id"),
            decision: s(&payload, "decision"),
            resolved_by: os(&payload, "resolvedBy"),
        }),
        "session.message" => {
            let m = payload.get("message").cloned().unwrap_or(Value::Null);
            EventKind::SessionMessage(SessionMessage {
                session_key: s(&payload, "sessionKey"),
                role: s(&m, "role"),
                text: content_text(&m).unwrap_or_default(),
            })
        }
        "sessions.changed" => EventKind::SessionsChanged {
            reason: os(&payload, "reason"),
            session_key: os(&payload, "sessionKey").or_else(|| {
                payload
                    .pointer("/session/key")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            }),
        },
        "tick" => EventKind::Tick {
            ts: payload.get("ts").and_then(Value::as_u64).unwrap_or(0),
        },
        "shutdown" => EventKind::Shutdown {
            reason: s(&payload, "reason"),
        },
        _ => EventKind::Other,
    };
    Event {
        name: name.to_owned(),
        seq,
        payload,
        kind,
    }
}

/// A notice made by this library (no frame seq).
pub(crate) fn notice(name: &str, kind: EventKind) -> Event {
    Event {
        name: name.to_owned(),
        seq: None,
        payload: Value::Null,
        kind,
    }
}

impl Event {
    /// The `runId` of a `chat` or `agent` event.
    pub fn run_id(&self) -> Option<&str> {
        match &self.kind {
            EventKind::Chat(c) => Some(&c.run_id),
            EventKind::Agent(a) => Some(&a.run_id),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn decodes_recorded_frames() {
        let e = decode(
            "chat",
            Some(9),
            json!({"runId":"r","sessionKey":"agent:main:main","agentId":"main","seq":6,"state":"delta","deltaText":"echo:","message":{"role":"assistant","content":[{"type":"text","text":"echo:"}]}}),
        );
        let EventKind::Chat(c) = &e.kind else {
            panic!()
        };
        assert_eq!(c.state, ChatState::Delta);
        assert_eq!(c.delta_text.as_deref(), Some("echo:"));
        assert_eq!(c.text.as_deref(), Some("echo:"));
        assert_eq!(c.seq, Some(6));
        let e = decode(
            "agent",
            None,
            json!({"runId":"r","stream":"tool","data":{"phase":"start","name":"exec","toolCallId":"c1","args":{"command":"echo hi"}}}),
        );
        assert!(
            matches!(&e.kind, EventKind::Agent(AgentEvent { kind: AgentKind::ToolStart { name, .. }, .. }) if name == "exec")
        );
        let e = decode(
            "exec.approval.requested",
            Some(18),
            json!({"id":"a1","request":{"command":"echo hi","allowedDecisions":["allow-once","deny"],"runId":"r"},"createdAtMs":1,"expiresAtMs":2}),
        );
        assert!(
            matches!(&e.kind, EventKind::ApprovalRequested(a) if a.id == "a1" && a.allowed_decisions.len() == 2)
        );
    }
}
