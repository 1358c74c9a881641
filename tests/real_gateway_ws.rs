//! The WebSocket control plane against a real OpenClaw gateway (openclaw 2026.9.6) with the
//! project's fake model provider, started by `scripts/real-gateway.sh start`. `#[ignore]`d in a
//! plain `cargo test`; `scripts/test.sh` runs them with `--ignored`.

mod common;

use std::process::Command;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use openclaw_client::ws::*;
use openclaw_client::*;
use serde_json::json;

fn var(k: &str) -> String {
    std::env::var(k).unwrap_or_else(|_| {
        panic!("{k} is not set: start the real gateway with `eval \"$(scripts/real-gateway.sh start)\"` (scripts/test.sh does it)")
    })
}

fn client_for(url: &str) -> Client {
    Client::builder()
        .base_url(url)
        .token(var("OPENCLAW_REAL_GATEWAY_TOKEN"))
        .build()
        .unwrap()
}

fn client() -> Client {
    client_for(&var("OPENCLAW_REAL_GATEWAY_URL"))
}

fn connect() -> WsConnection {
    client().ws_connect(WsOptions::new()).unwrap()
}

fn unique(tag: &str) -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!(
        "{tag}-{}-{}",
        nanos % 1_000_000_007,
        N.fetch_add(1, Ordering::SeqCst)
    )
}

/// Collects a run to its end: (deltas joined, last event).
fn finish(run: &mut ChatRun) -> (String, RunEvent) {
    let mut text = String::new();
    for ev in run.by_ref() {
        let ev = ev.unwrap();
        match &ev {
            RunEvent::Delta { text: t, replace } => {
                if *replace {
                    text.clone_from(t)
                } else {
                    text.push_str(t)
                }
            }
            RunEvent::Final { .. } | RunEvent::Aborted { .. } => return (text, ev),
            _ => {}
        }
    }
    panic!("the run ended without a terminal event");
}

/// Waits for an event matching `f` (up to `secs`).
fn wait_event(ws: &WsConnection, secs: u64, f: impl Fn(&Event) -> bool) -> Event {
    let end = Instant::now() + Duration::from_secs(secs);
    loop {
        let left = end.saturating_duration_since(Instant::now());
        assert!(!left.is_zero(), "no matching event within {secs} s");
        if let Some(e) = ws.next_event(Some(left)).unwrap()
            && f(&e)
        {
            return e;
        }
    }
}

#[test]
#[ignore = "needs a real gateway: run scripts/test.sh"]
fn handshake_ok_reports_server_scopes_and_policy() {
    let ws = client()
        .ws_connect(WsOptions::new().scopes([
            "operator.read",
            "operator.write",
            "operator.admin",
            "operator.approvals",
        ]))
        .unwrap();
    let h = ws.hello();
    assert_eq!(h.protocol, 4);
    assert_eq!(h.server_version, var("OPENCLAW_REAL_GATEWAY_VERSION"));
    assert_eq!(
        h.scopes,
        [
            "operator.read",
            "operator.write",
            "operator.admin",
            "operator.approvals"
        ]
    );
    assert_eq!(h.role, "operator");
    assert!(h.methods.iter().any(|m| m == "chat.send"));
    assert!(h.events.iter().any(|e| e == "exec.approval.requested"));
    assert_eq!(h.max_payload, 26_214_400);
    assert_eq!(h.tick_interval, Duration::from_secs(30));
    let health = ws.health().unwrap();
    assert_eq!(health["ok"], json!(true), "{health}");
    let err = ws.call("no.such.method", json!({})).unwrap_err();
    assert!(
        matches!(&err, Error::Rpc { code, message, .. } if code == "INVALID_REQUEST" && message == "unknown method: no.such.method"),
        "{err:?}"
    );
    let err = ws
        .call("sessions.list", json!({"limit": 1, "bogusField": true}))
        .unwrap_err();
    assert!(
        matches!(&err, Error::Rpc { code, message, .. } if code == "INVALID_REQUEST" && message.contains("bogusField")),
        "{err:?}"
    );
}

#[test]
#[ignore = "needs a real gateway: run scripts/test.sh"]
fn handshake_wrong_token_is_typed() {
    let c = Client::builder()
        .base_url(var("OPENCLAW_REAL_GATEWAY_URL"))
        .token("wrong-token")
        .build()
        .unwrap();
    let err = c.ws_connect(WsOptions::new()).unwrap_err();
    assert!(
        matches!(&err, Error::WsAuth { detail_code, next_step: Some(n), .. } if detail_code == "AUTH_TOKEN_MISMATCH" && n == "update_auth_credentials"),
        "{err:?}"
    );
    assert_eq!(err.kind(), ErrorKind::WsAuth);
    // No token and no device identity: the gateway asks for a device identity.
    let c = Client::builder()
        .base_url(var("OPENCLAW_REAL_GATEWAY_URL"))
        .build()
        .unwrap();
    let err = c.ws_connect(WsOptions::new()).unwrap_err();
    assert!(
        matches!(&err, Error::PairingRequired { detail_code, .. } if detail_code == "DEVICE_IDENTITY_REQUIRED"),
        "{err:?}"
    );
}

#[test]
#[ignore = "needs a real gateway: run scripts/test.sh"]
fn handshake_protocol_mismatch_names_both_versions() {
    let err = client()
        .ws_connect(WsOptions::new().protocol_range(3, 3))
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::ProtocolMismatch {
                client_min: 3,
                client_max: 3,
                server: 4
            }
        ),
        "{err:?}"
    );
}

#[test]
#[ignore = "needs a real gateway: run scripts/test.sh"]
fn missing_scope_is_named() {
    let ws = client()
        .ws_connect(WsOptions::new().scopes(["operator.read", "operator.write"]))
        .unwrap();
    let err = ws.exec_approval_list().unwrap_err();
    assert!(
        matches!(&err, Error::MissingScope { method, scope, required, .. } if method == "exec.approval.list" && scope == "operator.approvals" && required == &["operator.approvals"]),
        "{err:?}"
    );
    // The connection stays usable.
    assert!(ws.sessions_list(json!({"limit": 1})).is_ok());
    // Unknown methods resolve to operator.admin on this gateway.
    let err = ws.call("no.such.method", json!({})).unwrap_err();
    assert!(
        matches!(&err, Error::MissingScope { scope, .. } if scope == "operator.admin"),
        "{err:?}"
    );
}

#[test]
#[ignore = "needs a real gateway: run scripts/test.sh"]
fn websocket_reply_equals_http_reply() {
    let msg = format!("same answer {}", unique("m"));
    let http = client()
        .chat(&ChatRequest::user_message(msg.as_str()).session_key(unique("http-eq")))
        .unwrap()
        .content;
    let ws = connect();
    let mut run = ws.chat_run(&unique("ws-eq"), &msg).unwrap();
    let (deltas, last) = finish(&mut run);
    let RunEvent::Final { text, stop_reason } = last else {
        panic!("{last:?}")
    };
    assert_eq!(text, http);
    assert_eq!(deltas, http);
    assert_eq!(text, format!("echo: {msg}"));
    assert_eq!(stop_reason.as_deref(), Some("stop"));
    // The run's timing: the deltas' bytes, first content after the acknowledgement.
    let t = run.timing();
    assert_eq!(t.content_bytes, http.len() as u64, "{t:?}");
    assert!(t.events >= 2 && t.connect.is_none(), "{t:?}");
    let first = t.first_content.expect("content arrived");
    assert!(first >= t.headers && t.elapsed >= first, "{t:?}");
}

#[test]
#[ignore = "needs a real gateway: run scripts/test.sh"]
fn abort_from_another_thread_stops_the_run_on_the_gateway() {
    let ws = connect();
    let session = unique("abort");
    let mut run = ws.chat_run(&session, "slow one [[sleep:8]]").unwrap();
    let aborter = run.aborter();
    let (tx, rx) = std::sync::mpsc::channel::<()>();
    // Another thread aborts once the model call has started (the model then sleeps 8 s).
    let t = thread::spawn(move || {
        rx.recv().unwrap();
        thread::sleep(Duration::from_millis(300));
        aborter.abort().unwrap()
    });
    let mut last = None;
    for ev in run.by_ref() {
        let ev = ev.unwrap();
        if matches!(&ev, RunEvent::Status { phase } if phase == "starting_model") {
            tx.send(()).unwrap();
        }
        last = Some(ev);
    }
    let last = last.unwrap();
    assert!(
        matches!(&last, RunEvent::Aborted { stop_reason: Some(r), .. } if r == "rpc"),
        "{last:?}"
    );
    let r = t.join().unwrap();
    assert!(r.aborted);
    assert_eq!(r.run_ids, [run.run_id().to_owned()]);
    // The run really stopped: after the model's sleep the history holds only the user turn and
    // the session says the last run was aborted.
    thread::sleep(Duration::from_secs(8));
    let h = ws.chat_history(&session, Some(10)).unwrap();
    let msgs = h["messages"].as_array().unwrap();
    assert_eq!(msgs.len(), 1, "{h}");
    assert_eq!(msgs[0]["role"], "user");
    assert_eq!(h["sessionInfo"]["abortedLastRun"], json!(true), "{h}");
    assert_eq!(h["sessionInfo"]["hasActiveRun"], json!(false), "{h}");
    // Aborting again is not an error.
    let again = ws.chat_abort(&session, None).unwrap();
    assert!(!again.aborted);
}

#[test]
#[ignore = "needs a real gateway: run scripts/test.sh"]
fn sessions_list_sees_the_session() {
    let ws = connect();
    let session = unique("listed");
    let mut run = ws.chat_run(&session, "list me").unwrap();
    finish(&mut run);
    let list = ws.sessions_list(json!({"search": session})).unwrap();
    let rows = list["sessions"].as_array().unwrap();
    assert!(
        rows.iter()
            .any(|r| r["key"] == json!(format!("agent:main:{session}"))),
        "{list}"
    );
    let agents = ws.agents_list().unwrap();
    assert!(agents.to_string().contains("main"), "{agents}");
    let models = ws.models_list().unwrap();
    assert!(models.to_string().contains("echo-1"), "{models}");
}

#[test]
#[ignore = "needs a real gateway: run scripts/test.sh"]
fn http_chat_shows_up_on_a_subscribed_websocket() {
    let ws = connect();
    let session = unique("http-seen");
    ws.sessions_subscribe(json!({})).unwrap();
    ws.sessions_messages_subscribe(&session).unwrap();
    let reply = client()
        .chat(&ChatRequest::user_message("hi from http").session_key(session.clone()))
        .unwrap();
    assert_eq!(reply.content, "echo: hi from http");
    let key = format!("agent:main:{session}");
    let e = wait_event(
        &ws,
        30,
        |e| matches!(&e.kind, EventKind::SessionMessage(m) if m.session_key == key && m.role == "assistant"),
    );
    let EventKind::SessionMessage(m) = e.kind else {
        unreachable!()
    };
    assert_eq!(m.text, "echo: hi from http");
}

/// Runs one exec approval flow: returns (the run's tool result event, the history).
/// Exec approvals are broadcast to every admin connection of the gateway, and the `approvals`
/// example resolves the first it sees: the tests that raise or resolve approvals take turns, or
/// one would resolve another's request.
static APPROVALS: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn approvals_turn() -> std::sync::MutexGuard<'static, ()> {
    APPROVALS.lock().unwrap_or_else(|p| p.into_inner())
}

fn exec_flow(decision: Decision, command: &str) -> (AgentEvent, String, serde_json::Value) {
    let _turn = approvals_turn();
    // Approvals of agent runs reach only connections with operator.admin (or a paired reviewer
    // device) besides operator.approvals; with neither the gateway denies the command at once.
    let ws = client()
        .ws_connect(WsOptions::new().scopes([
            "operator.read",
            "operator.write",
            "operator.admin",
            "operator.approvals",
        ]))
        .unwrap();
    let session = unique("exec");
    let msg = format!("please run [[tool:exec:{{\"command\":\"{command}\"}}]]");
    let mut run = ws.chat_run(&session, &msg).unwrap();
    let run_id = run.run_id().to_owned();
    let e = wait_event(
        &ws,
        60,
        |e| matches!(&e.kind, EventKind::ApprovalRequested(a) if a.run_id.as_deref() == Some(run_id.as_str())),
    );
    let EventKind::ApprovalRequested(req) = e.kind else {
        unreachable!()
    };
    assert_eq!(req.command, command);
    assert!(req.allowed_decisions.iter().any(|d| d == "allow-once"));
    let pending = ws.exec_approval_list().unwrap();
    assert!(pending.iter().any(|p| p.id == req.id), "{pending:?}");
    ws.exec_approval_resolve(&req.id, decision).unwrap();
    let resolved = wait_event(
        &ws,
        30,
        |e| matches!(&e.kind, EventKind::ApprovalResolved(r) if r.id == req.id),
    );
    let EventKind::ApprovalResolved(r) = resolved.kind else {
        unreachable!()
    };
    assert_eq!(r.decision, decision.as_str());
    // Resolving it again the other way is an error with the gateway's reason.
    let other = if decision == Decision::Deny {
        Decision::AllowOnce
    } else {
        Decision::Deny
    };
    let err = ws.exec_approval_resolve(&req.id, other).unwrap_err();
    assert!(
        matches!(&err, Error::Rpc { detail_code: Some(d), .. } if d == "APPROVAL_ALREADY_RESOLVED"),
        "{err:?}"
    );
    let mut tool_result = None;
    let mut ended = None;
    for ev in run.by_ref() {
        match ev.unwrap() {
            RunEvent::Agent(a) if matches!(a.kind, AgentKind::ToolResult { .. }) => {
                tool_result = Some(a)
            }
            RunEvent::Final { text, .. } => {
                ended = Some(text);
                break;
            }
            RunEvent::Aborted { .. } => panic!("aborted"),
            _ => {}
        }
    }
    let history = ws.chat_history(&session, Some(20)).unwrap();
    (
        tool_result.expect("a tool result event"),
        ended.expect("a final event"),
        history,
    )
}

fn history_rows(h: &serde_json::Value, role: &str) -> Vec<String> {
    h["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["role"] == role)
        .map(|m| m["content"].to_string())
        .collect()
}

#[test]
#[ignore = "needs a real gateway: run scripts/test.sh"]
fn exec_approval_allow_runs_the_command() {
    let (tool, reply, history) = exec_flow(Decision::AllowOnce, "echo hi");
    // The final event carries no message after a tool call: the reply comes from the agent
    // lifecycle end's terminalReply.
    assert_eq!(reply, "tool result: hi");
    assert!(
        matches!(&tool.kind, AgentKind::ToolResult { name, is_error: false, .. } if name == "exec"),
        "{tool:?}"
    );
    let results = history_rows(&history, "toolResult");
    assert_eq!(results.len(), 1, "{history}");
    assert!(results[0].contains("hi"), "{results:?}");
    assert!(
        history_rows(&history, "assistant")
            .iter()
            .any(|t| t.contains("tool result: hi")),
        "{history}"
    );
}

#[test]
#[ignore = "needs a real gateway: run scripts/test.sh"]
fn exec_approval_deny_blocks_the_command() {
    let (tool, reply, history) = exec_flow(Decision::Deny, "echo bye");
    assert!(
        reply.starts_with("tool result: Exec denied") && reply.ends_with("echo bye"),
        "{reply}"
    );
    assert!(
        matches!(&tool.kind, AgentKind::ToolResult { is_error: true, .. }),
        "{tool:?}"
    );
    let results = history_rows(&history, "toolResult");
    assert_eq!(results.len(), 1, "{history}");
    assert!(results[0].contains("Exec denied"), "{results:?}");
}

#[test]
#[ignore = "needs a real gateway: run scripts/test.sh"]
fn eight_threads_share_one_connection() {
    let ws = Arc::new(connect());
    let events = {
        let ws = ws.clone();
        thread::spawn(move || {
            let mut finals = 0;
            let end = Instant::now() + Duration::from_secs(90);
            while finals < 8 && Instant::now() < end {
                if let Some(e) = ws.next_event(Some(Duration::from_secs(1))).unwrap()
                    && matches!(&e.kind, EventKind::Chat(c) if c.state == ChatState::Final && c.session_key.contains("threads-"))
                {
                    finals += 1;
                }
            }
            finals
        })
    };
    let workers: Vec<_> = (0..8)
        .map(|i| {
            let ws = ws.clone();
            thread::spawn(move || {
                let session = unique(&format!("threads-{i}"));
                let msg = format!("thread {i} says hi");
                let mut run = ws.chat_run(&session, &msg).unwrap();
                let (_, last) = finish(&mut run);
                assert!(
                    matches!(&last, RunEvent::Final { text, .. } if *text == format!("echo: {msg}")),
                    "{last:?}"
                );
                let list = ws.sessions_list(json!({"search": session})).unwrap();
                assert_eq!(list["sessions"].as_array().unwrap().len(), 1, "{list}");
            })
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }
    assert!(events.join().unwrap() >= 8);
}

#[test]
#[ignore = "needs a real gateway: run scripts/test.sh"]
fn device_pairing_on_loopback_issues_and_reuses_a_device_token() {
    let dir = std::env::temp_dir().join(unique("ocw-device"));
    std::fs::create_dir_all(&dir).unwrap();
    let key_path = dir.join("device.json");
    let token_path = dir.join("device-token.json");
    let id = DeviceIdentity::load_or_create(&key_path).unwrap();
    // The same key comes back from the file.
    assert_eq!(
        DeviceIdentity::load_or_create(&key_path)
            .unwrap()
            .device_id(),
        id.device_id()
    );
    let opts = || {
        WsOptions::new()
            .scopes(["operator.read", "operator.write"])
            .device_identity(id.clone())
            .device_token_path(&token_path)
    };
    // First connect: shared token + signed challenge → paired automatically, token issued.
    let ws = client().ws_connect(opts()).unwrap();
    let issued = ws.hello().device_token.clone().expect("a device token");
    drop(ws);
    let stored: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&token_path).unwrap()).unwrap();
    assert_eq!(stored["token"], json!(issued));
    assert_eq!(stored["deviceId"], json!(id.device_id()));
    // Second connect: no shared secret, the stored device token.
    let no_secret = Client::builder()
        .base_url(var("OPENCLAW_REAL_GATEWAY_URL"))
        .build()
        .unwrap();
    let ws = no_secret.ws_connect(opts()).unwrap();
    let h = ws.hello();
    assert_eq!(h.auth_method.as_deref(), Some("device-token"));
    assert_eq!(h.scopes, ["operator.read", "operator.write"]);
    assert!(ws.sessions_list(json!({"limit": 1})).is_ok());
    drop(ws);
    // A device token the gateway does not know.
    let mut bogus = stored.clone();
    bogus["token"] = json!("not-a-real-device-token");
    std::fs::write(&token_path, bogus.to_string()).unwrap();
    let err = no_secret.ws_connect(opts()).unwrap_err();
    assert!(
        matches!(&err, Error::WsAuth { detail_code, .. } if detail_code == "AUTH_DEVICE_TOKEN_MISMATCH"),
        "{err:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

fn gateway_script(args: &[&str]) -> String {
    let out = Command::new("bash")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/scripts/real-gateway.sh"
        ))
        .args(args)
        .env("OPENCLAW_RUN_DIR", var("OPENCLAW_REAL_RUN_DIR"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "real-gateway.sh {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .last()
        .unwrap_or_default()
        .trim()
        .to_owned()
}

#[test]
#[ignore = "needs a real gateway: run scripts/test.sh"]
fn gateway_restart_reconnects_and_resubscribes() {
    let url = gateway_script(&["start-extra", "wsrestart"]);
    struct Stop;
    impl Drop for Stop {
        fn drop(&mut self) {
            let _ = Command::new("bash")
                .arg(concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/scripts/real-gateway.sh"
                ))
                .args(["stop-extra", "wsrestart"])
                .env("OPENCLAW_RUN_DIR", var("OPENCLAW_REAL_RUN_DIR"))
                .status();
        }
    }
    let _stop = Stop;
    let c = client_for(&url);
    let ws = c.ws_connect(WsOptions::new().reconnect(true)).unwrap();
    let boot = ws.hello().boot_id.clone();
    ws.sessions_subscribe(json!({})).unwrap();
    gateway_script(&["restart-extra", "wsrestart"]);
    let mut saw_shutdown = false;
    let mut saw_disconnect = false;
    // Shutdown (and the disconnect notice) come first; then the reconnect.
    let mut e = wait_event(&ws, 120, |e| {
        matches!(
            e.kind,
            EventKind::Reconnected { .. }
                | EventKind::Shutdown { .. }
                | EventKind::Disconnected { .. }
        )
    });
    loop {
        match &e.kind {
            EventKind::Shutdown { .. } => saw_shutdown = true,
            EventKind::Disconnected { .. } => saw_disconnect = true,
            EventKind::Reconnected { boot_id } => {
                assert_ne!(*boot_id, boot);
                break;
            }
            _ => {}
        }
        e = ws
            .next_event(Some(Duration::from_secs(120)))
            .unwrap()
            .expect("an event");
    }
    assert!(saw_shutdown && saw_disconnect);
    assert_ne!(ws.hello().boot_id, boot);
    // The subscription was renewed: an HTTP chat's transcript rows reach this connection.
    let session = unique("after-restart");
    let reply = c
        .chat(&ChatRequest::user_message("back again").session_key(session.clone()))
        .unwrap();
    assert_eq!(reply.content, "echo: back again");
    let key = format!("agent:main:{session}");
    wait_event(
        &ws,
        30,
        |e| matches!(&e.kind, EventKind::SessionMessage(m) if m.session_key == key),
    );
    // Calls work on the new socket.
    assert!(ws.health().is_ok());
}

fn c_example(name: &str, args: &[&str]) -> std::process::Output {
    Command::new(common::cbuild::example(name))
        .args([
            "-u",
            &var("OPENCLAW_REAL_GATEWAY_URL"),
            "-t",
            &var("OPENCLAW_REAL_GATEWAY_TOKEN"),
        ])
        .args(args)
        .output()
        .unwrap()
}

#[test]
#[ignore = "needs a real gateway: run scripts/test.sh"]
fn c_and_cpp_ws_chat_examples_stream_the_reply() {
    // examples-c/ws_chat.c, and ws_chat.cpp: the C++ header's WsConnection and a range-for
    // over a WsChatRun.
    for (example, tag) in [("ws_chat", "from C"), ("ws_chat_cpp", "from C++")] {
        let msg = unique(tag);
        let out = c_example(example, &[&msg]);
        assert!(
            out.status.success(),
            "{example}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            format!("echo: {msg}\n"),
            "{example}"
        );
    }
}

#[test]
#[ignore = "needs a real gateway: run scripts/test.sh"]
fn c_example_ws_abort_ends_aborted() {
    let out = c_example("ws_abort", &["-a", "1500", "slow one [[sleep:8]]"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(stdout.lines().last(), Some("aborted"), "{stdout}");
}

#[test]
#[ignore = "needs a real gateway: run scripts/test.sh"]
fn c_example_approvals_resolves_requests() {
    let _turn = approvals_turn();
    for (flag, decision, expect) in [
        ("--allow", "allow-once", "tool result: C allowed"),
        ("--deny", "deny", "tool result: Exec denied"),
    ] {
        let mut child = Command::new(common::cbuild::example("approvals"))
            .args([
                "-u",
                &var("OPENCLAW_REAL_GATEWAY_URL"),
                "-t",
                &var("OPENCLAW_REAL_GATEWAY_TOKEN"),
                flag,
                "-n",
                "1",
            ])
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        std::io::BufRead::read_line(&mut stdout, &mut line).unwrap();
        assert_eq!(line, "ready\n");
        let ws = connect();
        let mut run = ws
            .chat_run(
                &unique("c-approvals"),
                "run [[tool:exec:{\"command\":\"echo C allowed\"}]]",
            )
            .unwrap();
        let (_, last) = finish(&mut run);
        assert!(
            matches!(&last, RunEvent::Final { text, .. } if text.starts_with(expect)),
            "{last:?}"
        );
        let status = child.wait().unwrap();
        let mut rest = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut rest).unwrap();
        assert!(status.success(), "{rest}");
        let lines: Vec<&str> = rest.lines().collect();
        assert_eq!(lines.len(), 2, "{rest}");
        assert!(
            lines[0].starts_with("request ") && lines[0].ends_with(" echo C allowed"),
            "{rest}"
        );
        assert!(
            lines[1].starts_with("resolved ") && lines[1].ends_with(decision),
            "{rest}"
        );
    }
}

#[test]
#[ignore = "needs a real gateway: run scripts/test.sh"]
fn closing_an_http_stream_aborts_the_agent_run() {
    // Finding for the README: dropping an HTTP chat stream closes its connection and the
    // gateway aborts the agent run ("HTTP client disconnected").
    let ws = connect();
    let session = unique("http-close");
    let key = format!("agent:main:{session}");
    let c = client();
    let mut stream = c
        .chat_stream(
            &ChatRequest::user_message("slow http [[sleep:8]]").session_key(session.clone()),
        )
        .unwrap();
    // The gateway sends the role chunk at once, then nothing until the model answers.
    assert!(stream.next().unwrap().is_ok());
    // Wait until the agent run has started (the model then sleeps 8 s).
    wait_event(
        &ws,
        30,
        |e| matches!(&e.kind, EventKind::Agent(a) if a.session_key == key && a.stream == "lifecycle"),
    );
    drop(stream);
    let e = wait_event(
        &ws,
        30,
        |e| matches!(&e.kind, EventKind::Chat(c) if c.session_key == key && c.state.is_terminal()),
    );
    let EventKind::Chat(c) = e.kind else {
        unreachable!()
    };
    assert_eq!(c.state, ChatState::Aborted, "{:?}", e.payload);
    assert_eq!(c.stop_reason.as_deref(), Some("aborted"));
    // After the model's sleep no reply was written.
    thread::sleep(Duration::from_secs(8));
    let h = ws.chat_history(&session, Some(10)).unwrap();
    assert!(history_rows(&h, "assistant").is_empty(), "{h}");
    assert_eq!(h["sessionInfo"]["hasActiveRun"], json!(false), "{h}");
}

#[test]
#[ignore = "needs a real gateway: run scripts/test.sh"]
fn closing_a_websocket_does_not_stop_its_run() {
    // The contrast: a run started over WebSocket survives its socket (long runs outlive
    // client timeouts); another connection sees it finish.
    let watcher = connect();
    let session = unique("ws-close");
    let key = format!("agent:main:{session}");
    let sender = connect();
    let ack = sender.chat_send(&session, "slow ws [[sleep:4]]").unwrap();
    wait_event(
        &watcher,
        30,
        |e| matches!(&e.kind, EventKind::Agent(a) if a.run_id == ack.run_id && a.stream == "lifecycle"),
    );
    drop(sender);
    let e = wait_event(
        &watcher,
        60,
        |e| matches!(&e.kind, EventKind::Chat(c) if c.session_key == key && c.state.is_terminal()),
    );
    let EventKind::Chat(c) = e.kind else {
        unreachable!()
    };
    assert_eq!(c.state, ChatState::Final);
    assert_eq!(c.text.as_deref(), Some("echo: slow ws"));
}
