//! The WebSocket control plane in C: connections, calls, events, chat runs with abort,
//! approvals, device identity.
//!
//! A connection (`openclaw_ws`) runs **one library thread** that reads the socket (see the Rust
//! module `ws`); every function taking a `const openclaw_ws *` may be called from any thread at
//! the same time. Event callbacks run on that thread.

use std::ffi::{CString, c_char, c_int, c_void};
use std::sync::Mutex;
use std::time::Duration;

use serde_json::Value;

use super::client::openclaw_client;
use super::error::{Failure, OPENCLAW_RESULT_END, OPENCLAW_RESULT_TIMEOUT, openclaw_result};
use super::handle::{Handle, handles};
use super::stream::openclaw_stream_timing;
use super::{opt_str_arg, out_arg, run, str_arg};
use crate::ws::{
    AgentKind, ChatRun, ChatState, Decision, DeviceIdentity, Event, EventKind, RunAbort, RunEvent,
    WsConnection, WsOptions,
};

/// Options of a WebSocket connection (opaque; single-owner). Create with
/// `openclaw_ws_options_new`, free with `openclaw_ws_options_free`.
pub struct openclaw_ws_options {
    opts: WsOptions,
}

/// A WebSocket connection (opaque). Open with `openclaw_ws_connect`, free with
/// `openclaw_ws_free`. Shareable between threads.
pub struct openclaw_ws {
    conn: WsConnection,
}

/// A chat run followed as a stream (opaque). Open with `openclaw_ws_chat_run_open`, read with
/// `openclaw_ws_run_next` (one thread at a time), abort with `openclaw_ws_run_abort` (any
/// thread), free with `openclaw_ws_run_free`.
pub struct openclaw_ws_run {
    run: Mutex<ChatRun>,
    abort: RunAbort,
    run_id: CString,
}

handles! {
    Boxed: openclaw_ws_options, openclaw_ws, openclaw_ws_run;
}

/// The kind of an `openclaw_ws_event`.
pub type openclaw_ws_event_kind = u32;
/// Any other gateway event: read `name` and `payload_json`.
pub const OPENCLAW_WS_EVENT_OTHER: openclaw_ws_event_kind = 0;
/// `chat`: `run_id`, `session_key`, `state` (`status`/`delta`/`final`/`aborted`/`error`),
/// `phase`, `text` (delta text, final text or error message), `replace`.
pub const OPENCLAW_WS_EVENT_CHAT: openclaw_ws_event_kind = 1;
/// `agent`: `run_id`, `session_key`, `state` = the stream (`lifecycle`, `assistant`, `tool`,
/// `usage`…), `phase`, `text` (assistant delta or tool name), `id` (tool call id).
pub const OPENCLAW_WS_EVENT_AGENT: openclaw_ws_event_kind = 2;
/// `exec.approval.requested`: `id` (approval id), `text` (the command), `run_id`,
/// `session_key`, `state` (allowed decisions joined by `,`).
pub const OPENCLAW_WS_EVENT_APPROVAL_REQUESTED: openclaw_ws_event_kind = 3;
/// `exec.approval.resolved`: `id`, `state` (the decision).
pub const OPENCLAW_WS_EVENT_APPROVAL_RESOLVED: openclaw_ws_event_kind = 4;
/// `session.message`: `session_key`, `state` (role), `text`.
pub const OPENCLAW_WS_EVENT_SESSION_MESSAGE: openclaw_ws_event_kind = 5;
/// `sessions.changed`: `session_key` (may be `""`), `state` (reason).
pub const OPENCLAW_WS_EVENT_SESSIONS_CHANGED: openclaw_ws_event_kind = 6;
/// `tick`.
pub const OPENCLAW_WS_EVENT_TICK: openclaw_ws_event_kind = 7;
/// `shutdown`: `text` (reason).
pub const OPENCLAW_WS_EVENT_SHUTDOWN: openclaw_ws_event_kind = 8;
/// Frame seq jumped (events lost): `gap_expected`, `gap_received`.
pub const OPENCLAW_WS_EVENT_GAP: openclaw_ws_event_kind = 9;
/// The event queue overflowed: `count` oldest events were discarded.
pub const OPENCLAW_WS_EVENT_DROPPED: openclaw_ws_event_kind = 10;
/// The connection was lost and is being re-established: `text` (why).
pub const OPENCLAW_WS_EVENT_DISCONNECTED: openclaw_ws_event_kind = 11;
/// The connection is back; subscriptions renewed: `id` (the new boot id).
pub const OPENCLAW_WS_EVENT_RECONNECTED: openclaw_ws_event_kind = 12;
/// Run stream: a progress phase (`phase`).
pub const OPENCLAW_WS_EVENT_RUN_STATUS: openclaw_ws_event_kind = 20;
/// Run stream: new assistant text (`text`, `text_len`; `replace` = it replaces the text so far).
pub const OPENCLAW_WS_EVENT_RUN_DELTA: openclaw_ws_event_kind = 21;
/// Run stream: an agent event of the run (as `OPENCLAW_WS_EVENT_AGENT`).
pub const OPENCLAW_WS_EVENT_RUN_AGENT: openclaw_ws_event_kind = 22;
/// Run stream, last event: the run finished (`text` = the reply, `state` = stop reason).
pub const OPENCLAW_WS_EVENT_RUN_FINAL: openclaw_ws_event_kind = 23;
/// Run stream, last event: the run was aborted (`text` = text so far, `state` = stop reason).
pub const OPENCLAW_WS_EVENT_RUN_ABORTED: openclaw_ws_event_kind = 24;
/// Run stream: events of the run may have been lost (`gap_expected`, `gap_received`).
pub const OPENCLAW_WS_EVENT_RUN_GAP: openclaw_ws_event_kind = 25;

/// One event. Owned by whoever the function documenting it says; never allocate or copy this
/// struct yourself (fields may be appended). Every string is NUL-terminated and never NULL
/// (`""` when absent).
#[repr(C)]
pub struct openclaw_ws_event {
    /// `OPENCLAW_WS_EVENT_*`.
    pub kind: openclaw_ws_event_kind,
    /// The event name (`chat`, `agent`, `tick`…; `openclaw.*` for library notices; `run.*` for
    /// run stream events).
    pub name: *const c_char,
    /// The frame seq, or -1.
    pub seq: i64,
    /// The payload as JSON text (`null` for library notices and run events).
    pub payload_json: *const c_char,
    /// The run id, when the event has one.
    pub run_id: *const c_char,
    /// The canonical session key, when the event has one.
    pub session_key: *const c_char,
    /// Kind-specific (see the kind constants).
    pub state: *const c_char,
    /// A phase, when the event has one.
    pub phase: *const c_char,
    /// Kind-specific text (see the kind constants).
    pub text: *const c_char,
    /// Length of `text` in bytes.
    pub text_len: usize,
    /// An id (approval id, tool call id, boot id).
    pub id: *const c_char,
    /// Chat and run deltas: `text` replaces the text so far.
    pub replace: bool,
    /// `OPENCLAW_WS_EVENT_DROPPED`: how many events were discarded.
    pub count: u64,
    /// Gaps: the frame seq expected.
    pub gap_expected: u64,
    /// Gaps: the frame seq received.
    pub gap_received: u64,
    /// Run stream events (`OPENCLAW_WS_EVENT_RUN_*`): the run's timing as of this event (same
    /// lifetime as the event; see `openclaw_ws_run_timing`). NULL for connection events.
    pub timing: *const openclaw_stream_timing,
}

/// The event plus the strings and the timing it points into.
#[repr(C)]
struct EventBox {
    ev: openclaw_ws_event,
    strings: Vec<CString>,
    timing: openclaw_stream_timing,
}

#[derive(Default)]
struct Fields {
    kind: openclaw_ws_event_kind,
    name: String,
    seq: Option<u64>,
    payload: String,
    run_id: String,
    session_key: String,
    state: String,
    phase: String,
    text: String,
    id: String,
    replace: bool,
    count: u64,
    gap: (u64, u64),
    timing: Option<crate::timing::RawTiming>,
}

impl Fields {
    fn boxed(self) -> Box<EventBox> {
        let strings: Vec<CString> = [
            &self.name,
            &self.payload,
            &self.run_id,
            &self.session_key,
            &self.state,
            &self.phase,
            &self.text,
            &self.id,
        ]
        .iter()
        .map(|s| super::cstring(s))
        .collect();
        let p = |i: usize| strings[i].as_ptr();
        let ev = openclaw_ws_event {
            kind: self.kind,
            name: p(0),
            seq: self.seq.map(|s| s as i64).unwrap_or(-1),
            payload_json: p(1),
            run_id: p(2),
            session_key: p(3),
            state: p(4),
            phase: p(5),
            text: p(6),
            text_len: self.text.len(),
            id: p(7),
            replace: self.replace,
            count: self.count,
            gap_expected: self.gap.0,
            gap_received: self.gap.1,
            timing: std::ptr::null(),
        };
        let mut b = Box::new(EventBox {
            ev,
            strings,
            timing: self.timing.map(Into::into).unwrap_or_default(),
        });
        if self.timing.is_some() {
            // The box's heap place does not move while the event lives.
            b.ev.timing = &b.timing;
        }
        b
    }
}

fn agent_fields(f: &mut Fields, a: &crate::ws::AgentEvent) {
    f.run_id.clone_from(&a.run_id);
    f.session_key.clone_from(&a.session_key);
    f.state.clone_from(&a.stream);
    match &a.kind {
        AgentKind::Lifecycle { phase } => f.phase.clone_from(phase),
        AgentKind::AssistantDelta { delta, .. } => f.text.clone_from(delta),
        AgentKind::ToolStart {
            name, tool_call_id, ..
        } => {
            f.phase = "start".into();
            f.text.clone_from(name);
            f.id.clone_from(tool_call_id);
        }
        AgentKind::ToolResult {
            name, tool_call_id, ..
        } => {
            f.phase = "result".into();
            f.text.clone_from(name);
            f.id.clone_from(tool_call_id);
        }
        _ => {}
    }
}

fn event_fields(e: &Event) -> Fields {
    let mut f = Fields {
        name: e.name.clone(),
        seq: e.seq,
        payload: e.payload.to_string(),
        ..Fields::default()
    };
    match &e.kind {
        EventKind::Chat(c) => {
            f.kind = OPENCLAW_WS_EVENT_CHAT;
            f.run_id.clone_from(&c.run_id);
            f.session_key.clone_from(&c.session_key);
            f.state = c.state.as_str().to_owned();
            f.phase = c.phase.clone().unwrap_or_default();
            f.replace = c.replace;
            f.text = match c.state {
                ChatState::Delta => c.delta_text.clone(),
                ChatState::Error => c.error_message.clone(),
                _ => c.text.clone(),
            }
            .unwrap_or_default();
        }
        EventKind::Agent(a) => {
            f.kind = OPENCLAW_WS_EVENT_AGENT;
            agent_fields(&mut f, a);
        }
        EventKind::ApprovalRequested(a) => {
            f.kind = OPENCLAW_WS_EVENT_APPROVAL_REQUESTED;
            f.id.clone_from(&a.id);
            f.text.clone_from(&a.command);
            f.run_id = a.run_id.clone().unwrap_or_default();
            f.session_key = a.session_key.clone().unwrap_or_default();
            f.state = a.allowed_decisions.join(",");
        }
        EventKind::ApprovalResolved(r) => {
            f.kind = OPENCLAW_WS_EVENT_APPROVAL_RESOLVED;
            f.id.clone_from(&r.id);
            f.state.clone_from(&r.decision);
        }
        EventKind::SessionMessage(m) => {
            f.kind = OPENCLAW_WS_EVENT_SESSION_MESSAGE;
            f.session_key.clone_from(&m.session_key);
            f.state.clone_from(&m.role);
            f.text.clone_from(&m.text);
        }
        EventKind::SessionsChanged {
            reason,
            session_key,
        } => {
            f.kind = OPENCLAW_WS_EVENT_SESSIONS_CHANGED;
            f.state = reason.clone().unwrap_or_default();
            f.session_key = session_key.clone().unwrap_or_default();
        }
        EventKind::Tick { .. } => f.kind = OPENCLAW_WS_EVENT_TICK,
        EventKind::Shutdown { reason } => {
            f.kind = OPENCLAW_WS_EVENT_SHUTDOWN;
            f.text.clone_from(reason);
        }
        EventKind::Gap { expected, received } => {
            f.kind = OPENCLAW_WS_EVENT_GAP;
            f.gap = (*expected, *received);
        }
        EventKind::Dropped { count } => {
            f.kind = OPENCLAW_WS_EVENT_DROPPED;
            f.count = *count;
        }
        EventKind::Disconnected { reason } => {
            f.kind = OPENCLAW_WS_EVENT_DISCONNECTED;
            f.text.clone_from(reason);
        }
        EventKind::Reconnected { boot_id } => {
            f.kind = OPENCLAW_WS_EVENT_RECONNECTED;
            f.id.clone_from(boot_id);
        }
        _ => f.kind = OPENCLAW_WS_EVENT_OTHER,
    }
    f
}

fn run_fields(e: &RunEvent, run: &ChatRun) -> Fields {
    let mut f = Fields {
        payload: "null".into(),
        run_id: run.run_id().to_owned(),
        timing: Some(run.raw_timing()),
        ..Fields::default()
    };
    match e {
        RunEvent::Status { phase } => {
            f.kind = OPENCLAW_WS_EVENT_RUN_STATUS;
            f.name = "run.status".into();
            f.phase.clone_from(phase);
        }
        RunEvent::Delta { text, replace } => {
            f.kind = OPENCLAW_WS_EVENT_RUN_DELTA;
            f.name = "run.delta".into();
            f.text.clone_from(text);
            f.replace = *replace;
        }
        RunEvent::Agent(a) => {
            f.kind = OPENCLAW_WS_EVENT_RUN_AGENT;
            f.name = "run.agent".into();
            agent_fields(&mut f, a);
        }
        RunEvent::Final { text, stop_reason } => {
            f.kind = OPENCLAW_WS_EVENT_RUN_FINAL;
            f.name = "run.final".into();
            f.text.clone_from(text);
            f.state = stop_reason.clone().unwrap_or_default();
        }
        RunEvent::Aborted {
            stop_reason,
            partial,
        } => {
            f.kind = OPENCLAW_WS_EVENT_RUN_ABORTED;
            f.name = "run.aborted".into();
            f.text.clone_from(partial);
            f.state = stop_reason.clone().unwrap_or_default();
        }
        RunEvent::Gap { expected, received } => {
            f.kind = OPENCLAW_WS_EVENT_RUN_GAP;
            f.name = "run.gap".into();
            f.gap = (*expected, *received);
        }
    }
    f
}

fn give_event(out: *mut *mut openclaw_ws_event, f: Fields) {
    let b = Box::into_raw(f.boxed());
    // SAFETY: `out` was checked non-NULL; `ev` is the first field of the repr(C) box.
    unsafe { *out = b.cast::<openclaw_ws_event>() };
}

/// `-1` = no limit; `0` and more = that many milliseconds.
fn wait_ms(ms: i64) -> Option<Duration> {
    (ms >= 0).then(|| Duration::from_millis(ms as u64))
}

fn timed_out(what: &str) -> Failure {
    Failure::new(
        OPENCLAW_RESULT_TIMEOUT,
        format!("no {what} within the wait"),
    )
}

/// Makes connection options with the defaults (operator role; scopes `operator.read`,
/// `operator.write`, `operator.approvals`; 30 s request timeout; 1024 queued events; no
/// reconnect).
///
/// Ownership: `*out` belongs to the caller (free with `openclaw_ws_options_free`; connecting
/// copies it). Thread-safety: any thread; use one options object from one thread at a time.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_ws_options_new(
    out: *mut *mut openclaw_ws_options,
) -> openclaw_result {
    run(|| {
        out_arg(out, "out")?;
        openclaw_ws_options::give(
            out,
            openclaw_ws_options {
                opts: WsOptions::new(),
            },
        )
    })
}

/// Frees options. NULL is accepted.
///
/// Thread-safety: free it once, after every use of it has returned.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_ws_options_free(opts: *mut openclaw_ws_options) {
    // SAFETY: a handle from this library or NULL, freed once.
    unsafe { openclaw_ws_options::free(opts) }
}

/// Sets the scopes to request, comma-separated (e.g. `"operator.read,operator.write"`).
/// Exec approvals raised by agent runs reach only connections that also hold `operator.admin`.
///
/// Ownership: `scopes` is copied. Thread-safety: one thread at a time per options object.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_ws_options_set_scopes(
    opts: *mut openclaw_ws_options,
    scopes: *const c_char,
) -> openclaw_result {
    run(|| {
        // SAFETY: live handle and string or NULL.
        let (o, s) = unsafe {
            (
                openclaw_ws_options::arg_mut(opts, "opts")?,
                str_arg(scopes, "scopes")?,
            )
        };
        let list: Vec<&str> = s
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        o.opts = o.opts.clone().scopes(list);
        Ok(())
    })
}

/// Turns automatic reconnect on or off (default off). With it on, a lost connection is
/// re-established with jittered back-off (1 s to 30 s) and session subscriptions are renewed;
/// requests in flight fail with `OPENCLAW_RESULT_WS_DISCONNECTED` and are never replayed.
///
/// Thread-safety: one thread at a time per options object.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_ws_options_set_reconnect(
    opts: *mut openclaw_ws_options,
    on: bool,
) -> openclaw_result {
    run(|| {
        // SAFETY: live handle or NULL.
        let o = unsafe { openclaw_ws_options::arg_mut(opts, "opts")? };
        o.opts = o.opts.clone().reconnect(on);
        Ok(())
    })
}

/// The default request deadline in milliseconds (0 = no limit; default 30000).
///
/// Thread-safety: one thread at a time per options object.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_ws_options_set_request_timeout_ms(
    opts: *mut openclaw_ws_options,
    ms: u64,
) -> openclaw_result {
    run(|| {
        // SAFETY: live handle or NULL.
        let o = unsafe { openclaw_ws_options::arg_mut(opts, "opts")? };
        o.opts = o
            .opts
            .clone()
            .request_timeout((ms > 0).then(|| Duration::from_millis(ms)));
        Ok(())
    })
}

/// The capacity of the event queue (default 1024; at least 1). When it is full the oldest
/// event is discarded and the next pull returns an `OPENCLAW_WS_EVENT_DROPPED` notice first.
///
/// Thread-safety: one thread at a time per options object.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_ws_options_set_event_queue_capacity(
    opts: *mut openclaw_ws_options,
    capacity: usize,
) -> openclaw_result {
    run(|| {
        // SAFETY: live handle or NULL.
        let o = unsafe { openclaw_ws_options::arg_mut(opts, "opts")? };
        o.opts = o.opts.clone().event_queue_capacity(capacity);
        Ok(())
    })
}

/// Presents a device identity: the Ed25519 key kept at `key_path` (created, mode 0600, when
/// missing) signs the connect challenge; the device token the gateway issues is kept at
/// `token_path` (nullable: not kept) and used when the client has no token/password.
///
/// Ownership: the strings are copied. Thread-safety: one thread at a time per options object.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_ws_options_set_device(
    opts: *mut openclaw_ws_options,
    key_path: *const c_char,
    token_path: *const c_char,
) -> openclaw_result {
    run(|| {
        // SAFETY: live handle and strings or NULL.
        let (o, k, t) = unsafe {
            (
                openclaw_ws_options::arg_mut(opts, "opts")?,
                str_arg(key_path, "key_path")?,
                opt_str_arg(token_path, "token_path")?,
            )
        };
        let id = DeviceIdentity::load_or_create(k)?;
        let mut n = o.opts.clone().device_identity(id);
        if let Some(t) = t {
            n = n.device_token_path(t);
        }
        o.opts = n;
        Ok(())
    })
}

/// Whether to send the client's gateway token/password (default true; false = authenticate
/// with the stored device token only).
///
/// Thread-safety: one thread at a time per options object.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_ws_options_set_use_shared_secret(
    opts: *mut openclaw_ws_options,
    on: bool,
) -> openclaw_result {
    run(|| {
        // SAFETY: live handle or NULL.
        let o = unsafe { openclaw_ws_options::arg_mut(opts, "opts")? };
        o.opts = o.opts.clone().use_shared_secret(on);
        Ok(())
    })
}

/// Connects to the client's gateway over WebSocket (same URL, token, TLS settings) and
/// completes the handshake; starts the connection's thread.
///
/// Returns `OPENCLAW_RESULT_WS_AUTH`, `_WS_PAIRING_REQUIRED`, `_WS_PROTOCOL_MISMATCH`,
/// `_CONNECT`, `_TLS`, `_TIMEOUT`… on failure. Ownership: `client` and `opts` (nullable =
/// defaults) are borrowed for the call; `*out` belongs to the caller (free with
/// `openclaw_ws_free`). Thread-safety: any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_ws_connect(
    client: *const openclaw_client,
    opts: *const openclaw_ws_options,
    out: *mut *mut openclaw_ws,
) -> openclaw_result {
    run(|| {
        // SAFETY: live handles or NULL.
        let c = unsafe { openclaw_client::arg(client, "client")? };
        // SAFETY: a live handle or NULL.
        let o = unsafe { opts.as_ref() }
            .map(|o| o.opts.clone())
            .unwrap_or_default();
        out_arg(out, "out")?;
        let conn = c.client.ws_connect(o)?;
        openclaw_ws::give(out, openclaw_ws { conn })
    })
}

/// Closes the connection (idempotent) and waits for its thread; calls waiting on other
/// threads fail with `OPENCLAW_RESULT_WS_DISCONNECTED`. The handle stays valid until freed.
///
/// Thread-safety: any thread, but not from the event callback.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_ws_close(ws: *const openclaw_ws) -> openclaw_result {
    run(|| {
        // SAFETY: live handle or NULL.
        unsafe { openclaw_ws::arg(ws, "ws")? }.conn.close();
        Ok(())
    })
}

/// Closes and frees a connection. NULL is accepted. Run handles opened from it stay valid
/// (they then report `OPENCLAW_RESULT_WS_DISCONNECTED`).
///
/// Thread-safety: free it once, after every call using it (on any thread) has returned; not
/// from the event callback.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_ws_free(ws: *mut openclaw_ws) {
    // SAFETY: a handle from this library or NULL, freed once.
    unsafe { openclaw_ws::free(ws) }
}

/// The `hello-ok` payload of the current socket as JSON text (server version, granted
/// `auth.scopes`, `policy`, `features`…).
///
/// Ownership: `*out` belongs to the caller (free with `openclaw_string_free`). Thread-safety:
/// any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_ws_hello_json(
    ws: *const openclaw_ws,
    out: *mut *mut c_char,
) -> openclaw_result {
    run(|| {
        // SAFETY: live handle or NULL.
        let w = unsafe { openclaw_ws::arg(ws, "ws")? };
        out_arg(out, "out")?;
        let text = w.conn.hello().raw.to_string();
        // SAFETY: checked non-NULL.
        unsafe { *out = super::give_string(&text) };
        Ok(())
    })
}

/// Calls any gateway method: `params_json` (nullable = `{}`) is sent as the params, the
/// answer's payload is written to `*result_json` (nullable: discarded). `timeout_ms`: 0 = the
/// connection's default request timeout, -1 = no limit.
///
/// Errors: `OPENCLAW_RESULT_WS_RPC_ERROR` (`openclaw_last_error_type` = the gateway's
/// `details.code` or `code`), `_WS_MISSING_SCOPE`, `_TIMEOUT`, `_WS_DISCONNECTED` (the
/// request may have run), `_LIMIT_EXCEEDED` (larger than `policy.maxPayload`),
/// `_INVALID_ARGUMENT` (bad JSON). Ownership: strings are copied; `*result_json` belongs to
/// the caller (free with `openclaw_string_free`). Thread-safety: any thread, concurrently.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_ws_call(
    ws: *const openclaw_ws,
    method: *const c_char,
    params_json: *const c_char,
    timeout_ms: i64,
    result_json: *mut *mut c_char,
) -> openclaw_result {
    run(|| {
        // SAFETY: live handle and strings or NULL.
        let (w, m, p) = unsafe {
            (
                openclaw_ws::arg(ws, "ws")?,
                str_arg(method, "method")?,
                opt_str_arg(params_json, "params_json")?,
            )
        };
        let params: Value = match p {
            Some(t) => serde_json::from_str(t)
                .map_err(|e| Failure::invalid(format!("params_json is not JSON: {e}")))?,
            None => Value::Null,
        };
        let r = if timeout_ms == 0 {
            w.conn.call(m, params)?
        } else {
            w.conn.call_timeout(m, params, wait_ms(timeout_ms))?
        };
        if !result_json.is_null() {
            // SAFETY: checked non-NULL.
            unsafe { *result_json = super::give_string(&r.to_string()) };
        }
        Ok(())
    })
}

/// `chat.send` with a fresh idempotency key; the run id is written to `*run_id_out`
/// (nullable). The run's events then arrive as `OPENCLAW_WS_EVENT_CHAT`/`_AGENT` events.
///
/// Ownership: strings are copied; `*run_id_out` belongs to the caller (free with
/// `openclaw_string_free`). Thread-safety: any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_ws_chat_send(
    ws: *const openclaw_ws,
    session_key: *const c_char,
    message: *const c_char,
    run_id_out: *mut *mut c_char,
) -> openclaw_result {
    run(|| {
        // SAFETY: live handle and strings or NULL.
        let (w, k, m) = unsafe {
            (
                openclaw_ws::arg(ws, "ws")?,
                str_arg(session_key, "session_key")?,
                str_arg(message, "message")?,
            )
        };
        let ack = w.conn.chat_send(k, m)?;
        if !run_id_out.is_null() {
            // SAFETY: checked non-NULL.
            unsafe { *run_id_out = super::give_string(&ack.run_id) };
        }
        Ok(())
    })
}

/// `chat.abort` for a session (all its active runs, or only `run_id` when not NULL);
/// `*aborted_out` (nullable) tells whether a run was aborted.
///
/// Ownership: strings are copied. Thread-safety: any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_ws_chat_abort(
    ws: *const openclaw_ws,
    session_key: *const c_char,
    run_id: *const c_char,
    aborted_out: *mut bool,
) -> openclaw_result {
    run(|| {
        // SAFETY: live handle and strings or NULL.
        let (w, k, r) = unsafe {
            (
                openclaw_ws::arg(ws, "ws")?,
                str_arg(session_key, "session_key")?,
                opt_str_arg(run_id, "run_id")?,
            )
        };
        let res = w.conn.chat_abort(k, r)?;
        super::write_each(&[(aborted_out, res.aborted)]);
        Ok(())
    })
}

/// `exec.approval.resolve`: `decision` is `"allow-once"`, `"allow-always"` or `"deny"`.
///
/// Ownership: strings are copied. Thread-safety: any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_ws_approval_resolve(
    ws: *const openclaw_ws,
    approval_id: *const c_char,
    decision: *const c_char,
) -> openclaw_result {
    run(|| {
        // SAFETY: live handle and strings or NULL.
        let (w, id, d) = unsafe {
            (
                openclaw_ws::arg(ws, "ws")?,
                str_arg(approval_id, "approval_id")?,
                str_arg(decision, "decision")?,
            )
        };
        let d = match d {
            "allow-once" => Decision::AllowOnce,
            "allow-always" => Decision::AllowAlways,
            "deny" => Decision::Deny,
            other => {
                return Err(Failure::invalid(format!(
                    "decision {other:?} is not allow-once, allow-always or deny"
                )));
            }
        };
        w.conn.exec_approval_resolve(id, d)?;
        Ok(())
    })
}

/// `sessions.subscribe {}`: `sessions.changed` and `session.message` events for this
/// connection (renewed after a reconnect).
///
/// Thread-safety: any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_ws_sessions_subscribe(ws: *const openclaw_ws) -> openclaw_result {
    run(|| {
        // SAFETY: live handle or NULL.
        let w = unsafe { openclaw_ws::arg(ws, "ws")? };
        w.conn.sessions_subscribe(serde_json::json!({}))?;
        Ok(())
    })
}

/// Runs a typed request whose answer C receives as JSON text in `*out` (required).
fn json_answer(
    ws: *const openclaw_ws,
    out: *mut *mut c_char,
    call: impl FnOnce(&WsConnection) -> crate::Result<Value>,
) -> Result<(), Failure> {
    // SAFETY: live handle or NULL (the callers' contract).
    let w = unsafe { openclaw_ws::arg(ws, "ws")? };
    out_arg(out, "out_json")?;
    let v = call(&w.conn)?;
    // SAFETY: checked non-NULL.
    unsafe { *out = super::give_string(&v.to_string()) };
    Ok(())
}

/// `sessions.messages.subscribe`: `OPENCLAW_WS_EVENT_SESSION_MESSAGE` events of one session
/// for this connection (renewed after a reconnect).
///
/// Ownership: the string is copied. Thread-safety: any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_ws_sessions_messages_subscribe(
    ws: *const openclaw_ws,
    session_key: *const c_char,
) -> openclaw_result {
    run(|| {
        // SAFETY: live handle and string or NULL.
        let (w, k) = unsafe {
            (
                openclaw_ws::arg(ws, "ws")?,
                str_arg(session_key, "session_key")?,
            )
        };
        w.conn.sessions_messages_subscribe(k)?;
        Ok(())
    })
}

/// `chat.history` of a session: the answer (`{"sessionKey", "messages": [...], ...}`) as JSON
/// text in `*out_json`. `limit` < 0 = the gateway's default number of messages.
///
/// Errors as for `openclaw_ws_call`. Ownership: strings are copied; `*out_json` belongs to the
/// caller (free with `openclaw_string_free`). Thread-safety: any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_ws_chat_history(
    ws: *const openclaw_ws,
    session_key: *const c_char,
    limit: i64,
    out_json: *mut *mut c_char,
) -> openclaw_result {
    run(|| {
        // SAFETY: a string or NULL.
        let k = unsafe { str_arg(session_key, "session_key")? };
        let limit = u32::try_from(limit).ok();
        json_answer(ws, out_json, |c| c.chat_history(k, limit))
    })
}

/// `sessions.list` with `params_json` (nullable = `{}`; e.g. `{"limit":5}`,
/// `{"search":"x"}`): the answer (`{"sessions": [...], ...}`) as JSON text in `*out_json`.
///
/// Errors as for `openclaw_ws_call`. Ownership: strings are copied; `*out_json` belongs to the
/// caller (free with `openclaw_string_free`). Thread-safety: any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_ws_sessions_list(
    ws: *const openclaw_ws,
    params_json: *const c_char,
    out_json: *mut *mut c_char,
) -> openclaw_result {
    run(|| {
        // SAFETY: a string or NULL.
        let p = unsafe { opt_str_arg(params_json, "params_json")? };
        let params = match p {
            Some(t) => serde_json::from_str(t)
                .map_err(|e| Failure::invalid(format!("params_json is not JSON: {e}")))?,
            None => serde_json::json!({}),
        };
        json_answer(ws, out_json, |c| c.sessions_list(params))
    })
}

/// `exec.approval.list`: the pending exec approvals as the gateway's JSON array in
/// `*out_json` (each `{"id", "request": {"command", ...}, "createdAtMs", "expiresAtMs"}`).
///
/// Errors as for `openclaw_ws_call` (`OPENCLAW_RESULT_WS_MISSING_SCOPE` without
/// `operator.approvals`). Ownership: `*out_json` belongs to the caller (free with
/// `openclaw_string_free`). Thread-safety: any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_ws_approval_list(
    ws: *const openclaw_ws,
    out_json: *mut *mut c_char,
) -> openclaw_result {
    run(|| json_answer(ws, out_json, WsConnection::exec_approval_list_json))
}

/// `agents.list`: the gateway's agents as JSON text in `*out_json`.
///
/// Errors as for `openclaw_ws_call`. Ownership: `*out_json` belongs to the caller (free with
/// `openclaw_string_free`). Thread-safety: any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_ws_agents_list(
    ws: *const openclaw_ws,
    out_json: *mut *mut c_char,
) -> openclaw_result {
    run(|| json_answer(ws, out_json, WsConnection::agents_list))
}

/// `models.list`: the gateway's models as JSON text in `*out_json`.
///
/// Errors as for `openclaw_ws_call`. Ownership: `*out_json` belongs to the caller (free with
/// `openclaw_string_free`). Thread-safety: any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_ws_models_list(
    ws: *const openclaw_ws,
    out_json: *mut *mut c_char,
) -> openclaw_result {
    run(|| json_answer(ws, out_json, WsConnection::models_list))
}

/// `health`: the gateway's health snapshot as JSON text in `*out_json`.
///
/// Errors as for `openclaw_ws_call`. Ownership: `*out_json` belongs to the caller (free with
/// `openclaw_string_free`). Thread-safety: any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_ws_health(
    ws: *const openclaw_ws,
    out_json: *mut *mut c_char,
) -> openclaw_result {
    run(|| json_answer(ws, out_json, WsConnection::health))
}

/// Pulls the next event, waiting at most `timeout_ms` (-1 = until one comes, 0 = do not
/// wait). Returns `OPENCLAW_RESULT_OK` with `*out` set, `OPENCLAW_RESULT_TIMEOUT` when none
/// came, `OPENCLAW_RESULT_WS_DISCONNECTED` once the connection is closed and the queue empty.
///
/// Ownership: `*out` belongs to the caller (free with `openclaw_ws_event_free`).
/// Thread-safety: any thread; several threads may pull (each event goes to one of them).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_ws_next_event(
    ws: *const openclaw_ws,
    timeout_ms: i64,
    out: *mut *mut openclaw_ws_event,
) -> openclaw_result {
    run(|| {
        // SAFETY: live handle or NULL.
        let w = unsafe { openclaw_ws::arg(ws, "ws")? };
        out_arg(out, "out")?;
        match w.conn.next_event(wait_ms(timeout_ms))? {
            Some(e) => {
                give_event(out, event_fields(&e));
                Ok(())
            }
            None => Err(timed_out("event")),
        }
    })
}

/// Frees an event from `openclaw_ws_next_event` or `openclaw_ws_run_next`. NULL is accepted.
///
/// Thread-safety: any thread, once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_ws_event_free(event: *mut openclaw_ws_event) {
    // SAFETY: NULL or a pointer from give_event (the first field of an EventBox), freed once.
    unsafe { super::free_box(event.cast::<EventBox>()) }
}

/// The callback of `openclaw_ws_set_event_callback`. `event` is borrowed for the call. It
/// runs on the connection's thread: return quickly and do not call blocking `openclaw_ws_*`
/// functions of the same connection from it (they fail with `OPENCLAW_RESULT_INVALID_ARGUMENT`).
/// It must not unwind.
pub type openclaw_ws_event_callback =
    Option<unsafe extern "C" fn(userdata: *mut c_void, event: *const openclaw_ws_event)>;

struct UserData(*mut c_void);
// SAFETY: the caller promises `userdata` may be used from the connection thread.
unsafe impl Send for UserData {}
// SAFETY: as above; the library only passes the pointer back.
unsafe impl Sync for UserData {}

/// Delivers events to `callback` (on the connection thread) instead of the pull queue; NULL
/// goes back to the queue.
///
/// Ownership: `userdata` is passed back untouched and must stay valid until the callback is
/// replaced or the connection is freed. Thread-safety: any thread. Called from any thread but
/// the connection thread, it returns once the previous callback is not running (and it is
/// never called again), so its userdata may be released right after.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_ws_set_event_callback(
    ws: *const openclaw_ws,
    callback: openclaw_ws_event_callback,
    userdata: *mut c_void,
) -> openclaw_result {
    run(|| {
        // SAFETY: live handle or NULL.
        let w = unsafe { openclaw_ws::arg(ws, "ws")? };
        match callback {
            None => w.conn.set_event_callback(None),
            Some(cb) => {
                let ud = UserData(userdata);
                w.conn.set_event_callback(Some(Box::new(move |e: &Event| {
                    let b = event_fields(e).boxed();
                    let ud = &ud;
                    // SAFETY: the caller's callback with the caller's userdata; the event
                    // lives until it returns.
                    unsafe { cb(ud.0, &b.ev) };
                })));
            }
        }
        Ok(())
    })
}

/// Sends `message` on `session_key` (`chat.send` with a fresh idempotency key) and opens a
/// stream of the run's events.
///
/// Ownership: strings are copied; `*out` belongs to the caller (free with
/// `openclaw_ws_run_free`); it stays valid after the connection is freed. Thread-safety: any
/// thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_ws_chat_run_open(
    ws: *const openclaw_ws,
    session_key: *const c_char,
    message: *const c_char,
    out: *mut *mut openclaw_ws_run,
) -> openclaw_result {
    run(|| {
        // SAFETY: live handle and strings or NULL.
        let (w, k, m) = unsafe {
            (
                openclaw_ws::arg(ws, "ws")?,
                str_arg(session_key, "session_key")?,
                str_arg(message, "message")?,
            )
        };
        out_arg(out, "out")?;
        let r = w.conn.chat_run(k, m)?;
        let handle = openclaw_ws_run {
            abort: r.aborter(),
            run_id: super::cstring(r.run_id()),
            run: Mutex::new(r),
        };
        openclaw_ws_run::give(out, handle)
    })
}

/// The next event of a run, waiting at most `timeout_ms` (-1 = until one comes). Returns
/// `OPENCLAW_RESULT_OK` with `*out` (the last is `OPENCLAW_WS_EVENT_RUN_FINAL` or
/// `_RUN_ABORTED`), then `OPENCLAW_RESULT_END`; `OPENCLAW_RESULT_TIMEOUT` when nothing came in
/// time; `OPENCLAW_RESULT_STREAM_ERROR` when the run failed (message = the gateway's error,
/// partial text available); `OPENCLAW_RESULT_WS_DISCONNECTED` when the connection ended.
///
/// Ownership: `*out` belongs to the caller (free with `openclaw_ws_event_free`).
/// Thread-safety: one thread at a time per run (others may call `openclaw_ws_run_abort`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_ws_run_next(
    run_handle: *const openclaw_ws_run,
    timeout_ms: i64,
    out: *mut *mut openclaw_ws_event,
) -> openclaw_result {
    run(|| {
        // SAFETY: live handle or NULL.
        let r = unsafe { openclaw_ws_run::arg(run_handle, "run")? };
        out_arg(out, "out")?;
        let mut guard = r.run.lock().unwrap_or_else(|p| p.into_inner());
        match guard.next_timeout(wait_ms(timeout_ms))? {
            Some(e) => {
                give_event(out, run_fields(&e, &guard));
                Ok(())
            }
            None if guard.is_done() => Err(Failure::new(
                OPENCLAW_RESULT_END,
                "the run has ended".into(),
            )),
            None => Err(timed_out("run event")),
        }
    })
}

/// Aborts the run on the gateway (`chat.abort` for its session and run id) and waits for the
/// answer; the run's stream then ends with `OPENCLAW_WS_EVENT_RUN_ABORTED`. `*aborted_out`
/// (nullable) tells whether the gateway aborted a run (false when it had already ended).
///
/// Thread-safety: any thread, also while another thread waits in `openclaw_ws_run_next`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_ws_run_abort(
    run_handle: *const openclaw_ws_run,
    aborted_out: *mut bool,
) -> openclaw_result {
    run(|| {
        // SAFETY: live handle or NULL.
        let r = unsafe { openclaw_ws_run::arg(run_handle, "run")? };
        let res = r.abort.abort()?;
        super::write_each(&[(aborted_out, res.aborted)]);
        Ok(())
    })
}

/// Writes the run's timing as of its latest event (or its end) to `*out`: counted from the
/// `chat.send` request; `connect_us` is -1 (the connection was open already), `headers_us` is
/// the time until the gateway acknowledged `chat.send`, `events` counts the run's `chat` and
/// `agent` events as they were read, content is the delta text.
///
/// Returns `OPENCLAW_RESULT_NULL_ARGUMENT` for a NULL run or `out`. Ownership: `*out` is plain
/// data owned by the caller. Thread-safety: any thread; it waits while another thread is in
/// `openclaw_ws_run_next` on the same run (read it between events from the reading thread,
/// or from each event's `timing`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_ws_run_timing(
    run_handle: *const openclaw_ws_run,
    out: *mut openclaw_stream_timing,
) -> openclaw_result {
    run(|| {
        // SAFETY: live handle or NULL.
        let r = unsafe { openclaw_ws_run::arg(run_handle, "run")? };
        out_arg(out, "out")?;
        let t = r.run.lock().unwrap_or_else(|p| p.into_inner()).raw_timing();
        // SAFETY: checked non-NULL; the caller passes writable memory for the struct.
        unsafe { *out = t.into() };
        Ok(())
    })
}

/// The run id. Owned by the run handle (valid until it is freed); never NULL for a live handle
/// (NULL for a NULL handle).
///
/// Thread-safety: any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_ws_run_id(run_handle: *const openclaw_ws_run) -> *const c_char {
    super::guard(std::ptr::null(), || {
        // SAFETY: live handle or NULL.
        unsafe { run_handle.as_ref() }.map_or(std::ptr::null(), |r| r.run_id.as_ptr())
    })
}

/// Frees a run handle (the run itself goes on on the gateway unless aborted). NULL is accepted.
///
/// Thread-safety: free it once, after every call using it (on any thread) has returned.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_ws_run_free(run_handle: *mut openclaw_ws_run) {
    // SAFETY: a handle from this library or NULL, freed once.
    unsafe { openclaw_ws_run::free(run_handle) }
}

/// The callback of `openclaw_ws_chat_run`: return 0 to continue; non-zero aborts the run on
/// the gateway (once; the stream then ends with `OPENCLAW_WS_EVENT_RUN_ABORTED`). `event` is
/// borrowed for the call. Runs on the calling thread; must not unwind.
pub type openclaw_ws_run_callback =
    Option<unsafe extern "C" fn(userdata: *mut c_void, event: *const openclaw_ws_event) -> c_int>;

/// Sends `message` on `session_key` and calls `callback` on this thread for each event of the
/// run until it ends. Returns `OPENCLAW_RESULT_OK` when the run finished
/// (`OPENCLAW_WS_EVENT_RUN_FINAL`), `OPENCLAW_RESULT_CANCELLED` when it ended aborted (by the
/// callback or anyone else), `OPENCLAW_RESULT_STREAM_ERROR` when it failed, or the error.
/// `idle_timeout_ms`: longest wait for one event (0 = none).
///
/// Ownership: strings and `userdata` are borrowed for the call. Thread-safety: any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_ws_chat_run(
    ws: *const openclaw_ws,
    session_key: *const c_char,
    message: *const c_char,
    idle_timeout_ms: u64,
    callback: openclaw_ws_run_callback,
    userdata: *mut c_void,
) -> openclaw_result {
    run(|| {
        // SAFETY: live handle and strings or NULL.
        let (w, k, m) = unsafe {
            (
                openclaw_ws::arg(ws, "ws")?,
                str_arg(session_key, "session_key")?,
                str_arg(message, "message")?,
            )
        };
        let Some(cb) = callback else {
            return Err(Failure::null("callback"));
        };
        let mut r = w.conn.chat_run(k, m)?;
        let idle = (idle_timeout_ms > 0).then(|| Duration::from_millis(idle_timeout_ms));
        let mut abort_sent = false;
        loop {
            let ev = match r.next_timeout(idle)? {
                Some(e) => e,
                None if r.is_done() => {
                    return Err(Failure::new(
                        OPENCLAW_RESULT_END,
                        "the run has ended".into(),
                    ));
                }
                None => return Err(timed_out("run event")),
            };
            let b = run_fields(&ev, &r).boxed();
            // SAFETY: the caller's callback; the event lives until it returns.
            let stop = unsafe { cb(userdata, &b.ev) } != 0;
            match ev {
                RunEvent::Final { .. } => return Ok(()),
                RunEvent::Aborted { .. } => {
                    return Err(Failure::new(
                        super::error::OPENCLAW_RESULT_CANCELLED,
                        "the run was aborted".into(),
                    ));
                }
                _ => {}
            }
            if stop && !abort_sent {
                abort_sent = true;
                r.aborter().abort()?;
            }
        }
    })
}
