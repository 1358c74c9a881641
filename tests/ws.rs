//! The WebSocket client against a scripted mock gateway on 127.0.0.1 (tungstenite server side):
//! handshake faults, id correlation, deadlines, limits, the tick watchdog, reconnect without
//! replay, seq gaps, the queue policy, the device signature, and the C face.

mod common;

use std::net::TcpListener;
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use common::wsmock::*;
use openclaw_client::ws::*;
use openclaw_client::*;
use serde_json::{Value, json};
use tungstenite::{Message, WebSocket};

/// A C client of `url` and a WebSocket connection opened with it (default options).
unsafe fn c_ws(
    url: &str,
) -> (
    *const openclaw_client::ffi::client::openclaw_client,
    *mut openclaw_client::ffi::ws::openclaw_ws,
) {
    let c = common::cffi::c_client(url, None, None);
    let mut ws = std::ptr::null_mut();
    // SAFETY: a live client; `ws` is writable.
    let rc = unsafe { openclaw_client::ffi::ws::openclaw_ws_connect(c, std::ptr::null(), &mut ws) };
    assert_eq!(rc, openclaw_client::ffi::error::OPENCLAW_RESULT_OK);
    (c, ws)
}

#[test]
fn connect_request_follows_the_protocol() {
    let m = mock(|_, s| {
        s.handshake(json!({}));
        s.echo_all();
    });
    let ws = m
        .client()
        .ws_connect(WsOptions::new().scopes(["operator.read", "operator.approvals"]))
        .unwrap();
    assert_eq!(ws.hello().server_version, "mock");
    assert_eq!(ws.hello().scopes, ["operator.read", "operator.approvals"]);
    let r = ws.call("x.y", json!({"a": 1})).unwrap();
    assert_eq!(r, json!({"echo": {"a": 1}}));
    let connect = m.log.lock().unwrap()[0].1.clone();
    let p = &connect["params"];
    assert_eq!(p["minProtocol"], 4);
    assert_eq!(p["maxProtocol"], 4);
    assert_eq!(p["role"], "operator");
    assert_eq!(p["auth"], json!({"token": "mock-token"}));
    assert_eq!(p["client"]["id"], "cli");
    assert_eq!(p["client"]["mode"], "cli");
    assert_eq!(p["caps"], json!(["tool-events", "exec-approvals"]));
    assert!(p.get("device").is_none());
    // chat.send always carries a fresh idempotency key.
    let a = ws.chat_send("main", "hi").unwrap();
    let b = ws.chat_send("main", "hi").unwrap();
    assert_ne!(a.idempotency_key, b.idempotency_key);
    assert_eq!(a.idempotency_key.len(), 32);
    let sends: Vec<Value> = m
        .log
        .lock()
        .unwrap()
        .iter()
        .filter(|(_, v)| v["method"] == "chat.send")
        .map(|(_, v)| v["params"].clone())
        .collect();
    assert_eq!(sends[0]["idempotencyKey"], json!(a.idempotency_key));
    assert_eq!(sends[0]["sessionKey"], "main");
}

#[test]
fn startup_unavailable_is_retried_within_the_budget() {
    let m = mock(|conn, s| {
        s.send(json!({"type":"event","event":"connect.challenge","payload":{"nonce":"n","ts":1}}));
        let req = s.recv().unwrap();
        if conn < 2 {
            s.fail(
                &req,
                json!({"code":"UNAVAILABLE","message":"gateway starting","retryable":true,"retryAfterMs":100,"details":{"reason":"startup-sidecars"}}),
            );
            return;
        }
        s.reply(
            &req,
            json!({"type":"hello-ok","protocol":4,"server":{"version":"mock"},"features":{},"snapshot":{},"auth":{"scopes":[]},"policy":{"tickIntervalMs":30000,"maxPayload":1000000}}),
        );
        s.echo_all();
    });
    let ws = m.client().ws_connect(WsOptions::new()).unwrap();
    assert_eq!(ws.hello().server_version, "mock");
    assert_eq!(m.methods(0), ["connect"]);
    assert_eq!(m.methods(2), ["connect"]);
}

#[test]
fn startup_unavailable_past_the_budget_is_reported() {
    let m = mock(|_, s| {
        s.send(json!({"type":"event","event":"connect.challenge","payload":{"nonce":"n","ts":1}}));
        let req = s.recv().unwrap();
        s.fail(
            &req,
            json!({"code":"UNAVAILABLE","message":"gateway starting","retryAfterMs":5000}),
        );
    });
    let err = m
        .client()
        .ws_connect(WsOptions::new().connect_timeout(Duration::from_secs(1)))
        .unwrap_err();
    assert!(
        matches!(&err, Error::Rpc { code, retry_after: Some(d), .. } if code == "UNAVAILABLE" && d.as_millis() == 5000),
        "{err:?}"
    );
}

#[test]
fn answers_are_matched_by_id_out_of_order() {
    let m = mock(|_, s| {
        s.handshake(json!({}));
        let a = s.recv().unwrap();
        let b = s.recv().unwrap();
        // Answer the second request first.
        s.reply(&b, json!({"for": b["method"]}));
        s.reply(&a, json!({"for": a["method"]}));
        s.echo_all();
    });
    let ws = Arc::new(m.client().ws_connect(WsOptions::new()).unwrap());
    let w2 = ws.clone();
    let first = thread::spawn(move || w2.call("first", json!({})).unwrap());
    // Make sure "first" is sent first.
    while m.methods(0).len() < 2 {
        thread::sleep(Duration::from_millis(5));
    }
    let second = ws.call("second", json!({})).unwrap();
    assert_eq!(second, json!({"for": "second"}));
    assert_eq!(first.join().unwrap(), json!({"for": "first"}));
}

#[test]
fn a_call_past_its_deadline_times_out_and_the_connection_goes_on() {
    let m = mock(|_, s| {
        s.handshake(json!({}));
        let _ignored = s.recv().unwrap();
        s.echo_all();
    });
    let ws = m.client().ws_connect(WsOptions::new()).unwrap();
    let err = ws
        .call_timeout("slow", json!({}), Some(Duration::from_millis(200)))
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Timeout {
                phase: TimeoutPhase::Response,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(ws.call("next", json!({"n": 2})).unwrap()["echo"]["n"], 2);
}

#[test]
fn outgoing_frames_respect_max_payload_and_nothing_is_sent() {
    let m = mock(|_, s| {
        s.handshake(json!({"maxPayload": 1000}));
        s.echo_all();
    });
    let ws = m.client().ws_connect(WsOptions::new()).unwrap();
    let err = ws
        .call("big", json!({"blob": "x".repeat(2000)}))
        .unwrap_err();
    assert!(
        matches!(err, Error::LimitExceeded { limit: 1000, .. }),
        "{err:?}"
    );
    assert!(ws.call("small", json!({})).is_ok());
    assert_eq!(m.methods(0), ["connect", "small"]);
}

#[test]
fn an_oversized_incoming_frame_ends_the_connection() {
    let m = mock(|_, s| {
        s.handshake(json!({}));
        let r = s.recv().unwrap();
        s.reply(&r, json!({"blob": "y".repeat(20_000)}));
        let _ = s.recv();
    });
    let ws = m
        .client()
        .ws_connect(WsOptions::new().max_incoming_frame(4096))
        .unwrap();
    let err = ws.call("get", json!({})).unwrap_err();
    assert!(
        matches!(&err, Error::Disconnected { reason, .. } if reason.contains("exceeded the limit of 4096 bytes")),
        "{err:?}"
    );
    assert!(ws.is_closed());
}

#[test]
fn the_tick_watchdog_declares_a_silent_connection_lost() {
    let m = mock(|_, s| {
        s.handshake(json!({"tickIntervalMs": 100}));
        // Silent: no tick, no answer.
        thread::sleep(Duration::from_secs(5));
    });
    let ws = m.client().ws_connect(WsOptions::new()).unwrap();
    let err = ws
        .call_timeout("never", json!({}), Some(Duration::from_secs(4)))
        .unwrap_err();
    assert!(
        matches!(&err, Error::Disconnected { reason, .. } if reason.contains("2 × tickIntervalMs")),
        "{err:?}"
    );
    assert!(ws.is_closed());
}

#[test]
fn ticks_keep_the_connection_alive() {
    let m = mock(|_, s| {
        // Ticks every 100 ms for 1.5 s: longer than the watchdog's 2 × 500 ms, which fires
        // only when the ticks stop (with room for a busy machine between two of them).
        s.handshake(json!({"tickIntervalMs": 500}));
        for i in 0..15 {
            thread::sleep(Duration::from_millis(100));
            s.event("tick", i + 1, json!({"ts": i}));
        }
        s.echo_all();
    });
    let ws = m.client().ws_connect(WsOptions::new()).unwrap();
    let mut ticks = 0;
    while ticks < 15 {
        let e = ws
            .next_event(Some(Duration::from_secs(5)))
            .unwrap()
            .unwrap();
        if matches!(e.kind, EventKind::Tick { .. }) {
            ticks += 1;
        }
    }
    assert!(!ws.is_closed());
    assert!(ws.call("still", json!({})).is_ok());
}

#[test]
fn reconnect_renews_subscriptions_and_never_replays() {
    let m = mock(|conn, s| {
        s.handshake(json!({}));
        if conn == 0 {
            let sub = s.recv().unwrap();
            s.reply(&sub, json!({"subscribed": true}));
            let sub = s.recv().unwrap();
            s.reply(&sub, json!({"subscribed": true}));
            // A request arrives; the gateway goes away before answering it.
            let _pending = s.recv().unwrap();
            s.event("shutdown", 1, json!({"reason": "gateway stopping"}));
            let _ = s.ws.close(Some(tungstenite::protocol::CloseFrame {
                code: tungstenite::protocol::frame::coding::CloseCode::Restart,
                reason: "service restart".into(),
            }));
            let _ = s.ws.flush();
            thread::sleep(Duration::from_millis(200));
            return;
        }
        s.echo_all();
    });
    let ws = Arc::new(
        m.client()
            .ws_connect(WsOptions::new().reconnect(true))
            .unwrap(),
    );
    ws.sessions_subscribe(json!({})).unwrap();
    ws.sessions_messages_subscribe("s1").unwrap();
    let err = ws.call("may.have.run", json!({})).unwrap_err();
    assert!(
        matches!(&err, Error::Disconnected { reason, close_code: Some(1012), .. } if reason.contains("not replayed")),
        "{err:?}"
    );
    // A call made at once (the back-off lasts at least half a second) is refused, not queued
    // for the next socket.
    let err = ws.call("right.after", json!({})).unwrap_err();
    assert!(
        matches!(&err, Error::Disconnected { reason, .. } if reason.contains("nothing was sent")),
        "{err:?}"
    );
    let mut seen = Vec::new();
    loop {
        let e = ws
            .next_event(Some(Duration::from_secs(10)))
            .unwrap()
            .expect("an event");
        seen.push(e.name.clone());
        if let EventKind::Reconnected { boot_id } = &e.kind {
            assert_eq!(boot_id, "boot-1");
            break;
        }
    }
    assert_eq!(
        seen,
        ["shutdown", "openclaw.disconnected", "openclaw.reconnected"]
    );
    assert_eq!(ws.hello().boot_id, "boot-1");
    assert_eq!(ws.call("after", json!({})).unwrap(), json!({"echo": {}}));
    // The new socket got the renewed subscriptions and the new call, not the lost request.
    assert_eq!(
        m.methods(1),
        [
            "connect",
            "sessions.subscribe",
            "sessions.messages.subscribe",
            "after"
        ]
    );
}

#[test]
fn without_reconnect_a_lost_connection_stays_closed() {
    let m = mock(|_, s| {
        s.handshake(json!({}));
        let _ = s.recv();
    });
    let ws = m.client().ws_connect(WsOptions::new()).unwrap();
    assert!(matches!(
        ws.call("x", json!({})).unwrap_err(),
        Error::Disconnected { .. }
    ));
    assert!(ws.is_closed());
    assert!(matches!(
        ws.call("y", json!({})).unwrap_err(),
        Error::Disconnected { .. }
    ));
    assert!(matches!(
        ws.next_event(Some(Duration::from_millis(10))).unwrap_err(),
        Error::Disconnected { .. }
    ));
}

#[test]
fn seq_gaps_are_reported_and_the_queue_drops_the_oldest() {
    let m = mock(|_, s| {
        s.handshake(json!({}));
        for seq in [1, 2, 5, 6, 7] {
            s.event("custom.thing", seq, json!({"n": seq}));
        }
        s.echo_all();
    });
    let ws = m
        .client()
        .ws_connect(WsOptions::new().event_queue_capacity(3))
        .unwrap();
    // Wait until everything arrived (an answer comes after the events).
    ws.call("sync", json!({})).unwrap();
    // 6 queued (5 events + 1 gap notice) into a queue of 3: the 3 oldest were dropped.
    let first = ws.next_event(Some(Duration::ZERO)).unwrap().unwrap();
    assert_eq!(first.kind, EventKind::Dropped { count: 3 });
    let rest: Vec<Event> = (0..3)
        .map(|_| ws.next_event(Some(Duration::ZERO)).unwrap().unwrap())
        .collect();
    assert_eq!(rest[0].seq, Some(5));
    assert_eq!(rest[0].payload, json!({"n": 5}));
    assert_eq!(rest[0].kind, EventKind::Other);
    assert_eq!(rest[2].seq, Some(7));
    assert!(ws.next_event(Some(Duration::ZERO)).unwrap().is_none());

    // With room, the gap notice itself is seen.
    let m = mock(|_, s| {
        s.handshake(json!({}));
        for seq in [1, 2, 5] {
            s.event("custom.thing", seq, json!({}));
        }
        s.echo_all();
    });
    let ws = m.client().ws_connect(WsOptions::new()).unwrap();
    ws.call("sync", json!({})).unwrap();
    let kinds: Vec<EventKind> = (0..4)
        .map(|_| ws.next_event(Some(Duration::ZERO)).unwrap().unwrap().kind)
        .collect();
    assert_eq!(
        kinds[2],
        EventKind::Gap {
            expected: 3,
            received: 5
        }
    );
}

fn chat(run: &str, state: &str, extra: Value) -> Value {
    let mut p = json!({"runId": run, "sessionKey": "agent:main:s", "state": state});
    for (k, v) in extra.as_object().unwrap() {
        p[k] = v.clone();
    }
    p
}

#[test]
fn a_chat_run_streams_until_final_and_abort_sends_chat_abort() {
    let m = mock(|_, s| {
        s.handshake(json!({}));
        let mut seq = 0;
        let mut next = || {
            seq += 1;
            seq
        };
        while let Some(r) = s.recv() {
            match r["method"].as_str().unwrap() {
                "chat.send" => {
                    let run = r["params"]["idempotencyKey"].as_str().unwrap().to_owned();
                    // Events may come before the answer.
                    s.event(
                        "chat",
                        next(),
                        chat(&run, "status", json!({"phase": "starting_model"})),
                    );
                    s.reply(&r, json!({"runId": run, "status": "started"}));
                    if r["params"]["message"] == "slow" {
                        continue;
                    }
                    s.event(
                        "chat",
                        next(),
                        chat(&run, "delta", json!({"deltaText": "echo:"})),
                    );
                    s.event(
                        "agent",
                        next(),
                        json!({"runId": run, "stream": "tool", "data": {"phase": "start", "name": "exec", "toolCallId": "t1", "args": {}}}),
                    );
                    s.event(
                        "chat",
                        next(),
                        chat(&run, "delta", json!({"deltaText": " hi"})),
                    );
                    s.event(
                        "chat",
                        next(),
                        chat(&run, "final", json!({"stopReason": "stop", "message": {"role": "assistant", "content": [{"type": "text", "text": "echo: hi"}]}})),
                    );
                }
                "chat.abort" => {
                    let run = r["params"]["runId"].as_str().unwrap().to_owned();
                    s.event(
                        "chat",
                        next(),
                        chat(&run, "aborted", json!({"stopReason": "rpc"})),
                    );
                    s.reply(&r, json!({"ok": true, "aborted": true, "runIds": [run]}));
                }
                _ => s.reply(&r, json!({})),
            }
        }
    });
    let ws = m.client().ws_connect(WsOptions::new()).unwrap();
    let run = ws.chat_run("s", "hi").unwrap();
    let events: Vec<RunEvent> = run.map(Result::unwrap).collect();
    assert_eq!(
        events[0],
        RunEvent::Status {
            phase: "starting_model".into()
        }
    );
    assert_eq!(
        events[1],
        RunEvent::Delta {
            text: "echo:".into(),
            replace: false
        }
    );
    assert!(
        matches!(&events[2], RunEvent::Agent(a) if a.kind == AgentKind::ToolStart { name: "exec".into(), tool_call_id: "t1".into(), args: json!({}) })
    );
    assert_eq!(
        events.last().unwrap(),
        &RunEvent::Final {
            text: "echo: hi".into(),
            stop_reason: Some("stop".into())
        }
    );

    let mut slow = ws.chat_run("s", "slow").unwrap();
    let aborter = slow.aborter();
    let t = thread::spawn(move || aborter.abort().unwrap());
    let mut last = None;
    for e in slow.by_ref() {
        last = Some(e.unwrap());
    }
    assert!(
        matches!(&last, Some(RunEvent::Aborted { stop_reason: Some(r), .. }) if r == "rpc"),
        "{last:?}"
    );
    assert!(t.join().unwrap().aborted);
    let abort = m
        .log
        .lock()
        .unwrap()
        .iter()
        .find(|(_, v)| v["method"] == "chat.abort")
        .unwrap()
        .1
        .clone();
    assert_eq!(abort["params"]["sessionKey"], "s");
    assert_eq!(abort["params"]["runId"], json!(slow.run_id()));
}

/// A mock whose runs answer `chat.send` after 30 ms and send the first delta 40 ms later:
/// status (before the answer), delta "echo:", a tool event, delta " hi", final; a tick event
/// follows each `chat.send` answer.
fn timed_run_mock() -> Mock {
    mock(|_, s| {
        s.handshake(json!({}));
        let mut seq = 0;
        while let Some(r) = s.recv() {
            if r["method"] != "chat.send" {
                s.reply(&r, json!({}));
                continue;
            }
            let run = r["params"]["idempotencyKey"].as_str().unwrap().to_owned();
            let mut ev = |s: &mut Side, name: &str, p: Value| {
                seq += 1;
                s.event(name, seq, p);
            };
            ev(
                s,
                "chat",
                chat(&run, "status", json!({"phase": "starting_model"})),
            );
            thread::sleep(Duration::from_millis(30));
            s.reply(&r, json!({"runId": run, "status": "started"}));
            ev(s, "tick", json!({"ts": 1}));
            thread::sleep(Duration::from_millis(40));
            ev(
                s,
                "chat",
                chat(&run, "delta", json!({"deltaText": "echo:"})),
            );
            ev(
                s,
                "agent",
                json!({"runId": run, "stream": "tool", "data": {"phase": "start", "name": "exec", "toolCallId": "t1", "args": {}}}),
            );
            ev(s, "chat", chat(&run, "delta", json!({"deltaText": " hi"})));
            ev(
                s,
                "chat",
                chat(
                    &run,
                    "final",
                    json!({"stopReason": "stop", "message": {"role": "assistant", "content": [{"type": "text", "text": "echo: hi"}]}}),
                ),
            );
        }
    })
}

#[test]
fn a_chat_runs_timing_counts_its_events_content_and_silences() {
    let m = timed_run_mock();
    let ws = m.client().ws_connect(WsOptions::new()).unwrap();
    let mut run = ws.chat_run("s", "hi").unwrap();
    let t = run.timing();
    assert_eq!(t.connect, None, "the connection was open already");
    assert!(t.headers >= Duration::from_millis(30), "{t:?}");
    assert_eq!((t.events, t.content_bytes, t.first_content), (0, 0, None));
    let mut seen = Vec::new();
    while let Some(ev) = run.next() {
        ev.unwrap();
        seen.push(run.timing().events);
    }
    // Every event of the run is counted (the tool event too), the tick is not.
    assert_eq!(seen, [1, 2, 3, 4, 5]);
    let t = run.timing();
    assert_eq!((t.events, t.content_bytes), (5, 8));
    // The mock sent the first delta 70 ms after it received chat.send; only the status event
    // came between the answer and it, so one of those two silences is at least half of it.
    let first = t.first_content.unwrap();
    assert!(first >= Duration::from_millis(70), "{t:?}");
    assert!(t.max_gap >= (first - t.headers) / 2, "{t:?}");
    assert!(
        t.elapsed >= first && t.content_bytes_per_second() > 0.0,
        "{t:?}"
    );
}

#[test]
fn c_run_events_carry_the_runs_timing_and_connection_events_none() {
    use openclaw_client::ffi::error::*;
    use openclaw_client::ffi::stream::openclaw_stream_timing;
    use openclaw_client::ffi::ws::*;
    use std::ffi::{c_int, c_void};
    let m = timed_run_mock();
    unsafe {
        let (c, ws) = c_ws(&m.url);
        // Pull: each run event points at the run's timing as of that event.
        let mut run = std::ptr::null_mut();
        assert_eq!(
            openclaw_ws_chat_run_open(ws, c"s".as_ptr(), c"hi".as_ptr(), &mut run),
            OPENCLAW_RESULT_OK
        );
        let mut t = openclaw_stream_timing::default();
        assert_eq!(openclaw_ws_run_timing(run, &mut t), OPENCLAW_RESULT_OK);
        assert_eq!((t.connect_us, t.events, t.first_content_us), (-1, 0, -1));
        assert!(t.headers_us >= 30_000, "{t:?}");
        let mut counts = Vec::new();
        let mut last = openclaw_stream_timing::default();
        loop {
            let mut ev = std::ptr::null_mut();
            match openclaw_ws_run_next(run, 5000, &mut ev) {
                OPENCLAW_RESULT_OK => {}
                OPENCLAW_RESULT_END => break,
                rc => panic!("run_next: {rc}"),
            }
            assert!(!(*ev).timing.is_null());
            last = *(*ev).timing;
            counts.push(last.events);
            openclaw_ws_event_free(ev);
        }
        assert_eq!(counts, [1, 2, 3, 4, 5]);
        assert_eq!(last.content_bytes, 8);
        assert!(last.first_content_us >= 70_000, "{last:?}");
        let wait = last.first_content_us as u64 - last.headers_us;
        assert!(last.max_gap_us >= wait / 2, "{last:?}");
        let mut end = openclaw_stream_timing::default();
        assert_eq!(openclaw_ws_run_timing(run, &mut end), OPENCLAW_RESULT_OK);
        assert_eq!((end.events, end.content_bytes), (5, 8));
        assert!(end.elapsed_us >= last.elapsed_us);
        assert_eq!(
            openclaw_ws_run_timing(run, std::ptr::null_mut()),
            OPENCLAW_RESULT_NULL_ARGUMENT
        );
        assert_eq!(
            openclaw_ws_run_timing(std::ptr::null(), &mut end),
            OPENCLAW_RESULT_NULL_ARGUMENT
        );
        openclaw_ws_run_free(run);
        // Connection events (the run's chat and agent events as the connection saw them, the
        // tick) have no timing.
        let mut kinds = Vec::new();
        loop {
            let mut ev = std::ptr::null_mut();
            if openclaw_ws_next_event(ws, 0, &mut ev) != OPENCLAW_RESULT_OK {
                break;
            }
            kinds.push((*ev).kind);
            assert!((*ev).timing.is_null());
            openclaw_ws_event_free(ev);
        }
        assert!(kinds.contains(&OPENCLAW_WS_EVENT_TICK), "{kinds:?}");
        assert!(kinds.contains(&OPENCLAW_WS_EVENT_CHAT), "{kinds:?}");
        // Callback: the same figures reach the callback's events.
        unsafe extern "C" fn record(ud: *mut c_void, ev: *const openclaw_ws_event) -> c_int {
            let seen = unsafe { &mut *ud.cast::<Vec<u64>>() };
            seen.push(unsafe { (*(*ev).timing).events });
            0
        }
        let mut seen: Vec<u64> = Vec::new();
        assert_eq!(
            openclaw_ws_chat_run(
                ws,
                c"s".as_ptr(),
                c"again".as_ptr(),
                0,
                Some(record),
                (&raw mut seen).cast()
            ),
            OPENCLAW_RESULT_OK
        );
        assert_eq!(seen, [1, 2, 3, 4, 5]);
        openclaw_ws_free(ws);
        openclaw_client::ffi::client::openclaw_client_free(c);
    }
}

#[test]
fn a_run_error_is_a_stream_error_with_the_partial_text() {
    let m = mock(|_, s| {
        s.handshake(json!({}));
        let r = s.recv().unwrap();
        let run = r["params"]["idempotencyKey"].as_str().unwrap().to_owned();
        s.reply(&r, json!({"runId": run, "status": "started"}));
        s.event("chat", 1, chat(&run, "delta", json!({"deltaText": "par"})));
        s.event(
            "chat",
            2,
            chat(&run, "error", json!({"errorMessage": "LLM request failed"})),
        );
        s.echo_all();
    });
    let ws = m.client().ws_connect(WsOptions::new()).unwrap();
    let mut run = ws.chat_run("s", "x").unwrap();
    assert!(matches!(run.next(), Some(Ok(RunEvent::Delta { .. }))));
    let err = run.next().unwrap().unwrap_err();
    assert!(
        matches!(&err, Error::Stream { message, partial, .. } if message == "LLM request failed" && partial == "par"),
        "{err:?}"
    );
    assert!(run.next().is_none());
}

/// A gateway that starts the run, sends "par" and goes away (connection 0 only).
fn vanishing_run_mock() -> Mock {
    mock(|conn, s| {
        s.handshake(json!({}));
        if conn > 0 {
            return;
        }
        let r = s.recv().unwrap();
        let run = r["params"]["idempotencyKey"].as_str().unwrap().to_owned();
        s.reply(&r, json!({"runId": run, "status": "started"}));
        s.event("chat", 1, chat(&run, "delta", json!({"deltaText": "par"})));
        // Wait until the client has read the delta (it asks for something), then vanish.
        let _ = s.recv();
    })
}

#[test]
fn a_run_cut_by_a_lost_connection_keeps_its_text_in_rust_and_c() {
    let m = vanishing_run_mock();
    let ws = m.client().ws_connect(WsOptions::new()).unwrap();
    let mut run = ws.chat_run("s", "x").unwrap();
    assert!(matches!(run.next(), Some(Ok(RunEvent::Delta { .. }))));
    let _ = ws.call_timeout("ping", json!({}), Some(Duration::from_millis(500)));
    let err = run.next().unwrap().unwrap_err();
    assert!(
        matches!(&err, Error::Disconnected { partial, .. } if partial == "par"),
        "{err:?}"
    );
    assert_eq!(err.partial_text(), "par");
    assert!(
        err.to_string().ends_with("(3 bytes of text had arrived)"),
        "{err}"
    );

    use openclaw_client::ffi::error::*;
    use openclaw_client::ffi::ws::*;
    use std::ffi::CStr;
    let m = vanishing_run_mock();
    unsafe {
        let (c, ws) = c_ws(&m.url);
        let mut run = std::ptr::null_mut();
        assert_eq!(
            openclaw_ws_chat_run_open(ws, c"s".as_ptr(), c"x".as_ptr(), &mut run),
            OPENCLAW_RESULT_OK
        );
        let mut ev = std::ptr::null_mut();
        assert_eq!(openclaw_ws_run_next(run, 5000, &mut ev), OPENCLAW_RESULT_OK);
        assert_eq!((*ev).kind, OPENCLAW_WS_EVENT_RUN_DELTA);
        openclaw_ws_event_free(ev);
        openclaw_ws_call(
            ws,
            c"ping".as_ptr(),
            std::ptr::null(),
            500,
            std::ptr::null_mut(),
        );
        assert_eq!(
            openclaw_ws_run_next(run, 5000, &mut ev),
            OPENCLAW_RESULT_WS_DISCONNECTED
        );
        let mut len = 0usize;
        let p = openclaw_last_error_partial_text(&mut len);
        assert_eq!(std::slice::from_raw_parts(p.cast::<u8>(), len), b"par");
        assert!(
            CStr::from_ptr(openclaw_last_error_message())
                .to_str()
                .unwrap()
                .contains("3 bytes of text had arrived")
        );
        openclaw_ws_run_free(run);
        openclaw_ws_free(ws);
        openclaw_client::ffi::client::openclaw_client_free(c);
    }
}

#[test]
fn a_websocket_request_error_gives_the_gateways_code_and_message_in_rust_and_c() {
    let m = mock(|_, s| {
        s.handshake(json!({}));
        while let Some(r) = s.recv() {
            s.fail(
                &r,
                json!({"code": "INVALID_REQUEST", "message": "limit must be positive", "details": {"code": "BAD_LIMIT"}}),
            );
        }
    });
    let ws = m.client().ws_connect(WsOptions::new()).unwrap();
    let err = ws.sessions_list(json!({"limit": -1})).unwrap_err();
    assert_eq!(err.gateway_message(), Some("limit must be positive"));
    assert_eq!(err.error_code(), Some("INVALID_REQUEST"));
    assert_eq!(err.error_type(), Some("BAD_LIMIT"));

    use openclaw_client::ffi::error::*;
    use openclaw_client::ffi::ws::*;
    use std::ffi::CStr;
    unsafe {
        let (c, ws) = c_ws(&m.url);
        let mut out = std::ptr::null_mut();
        assert_eq!(
            openclaw_ws_sessions_list(ws, c"{\"limit\":-1}".as_ptr(), &mut out),
            OPENCLAW_RESULT_WS_RPC_ERROR
        );
        let text = |p: *const std::ffi::c_char| CStr::from_ptr(p).to_str().unwrap().to_owned();
        assert_eq!(text(openclaw_last_error_gateway_code()), "INVALID_REQUEST");
        assert_eq!(
            text(openclaw_last_error_gateway_message()),
            "limit must be positive"
        );
        assert_eq!(text(openclaw_last_error_type()), "BAD_LIMIT");
        openclaw_ws_free(ws);
        openclaw_client::ffi::client::openclaw_client_free(c);
    }
}

#[test]
fn handshake_errors_are_typed() {
    let cases = [
        (
            json!({"code":"INVALID_REQUEST","message":"unauthorized: gateway token mismatch","details":{"code":"AUTH_TOKEN_MISMATCH","recommendedNextStep":"update_auth_credentials"}}),
            ErrorKind::WsAuth,
        ),
        (
            json!({"code":"NOT_PAIRED","message":"pairing required","details":{"code":"PAIRING_REQUIRED","recommendedNextStep":"wait_then_retry"}}),
            ErrorKind::PairingRequired,
        ),
        (
            json!({"code":"INVALID_REQUEST","message":"protocol mismatch","details":{"code":"PROTOCOL_MISMATCH","clientMinProtocol":4,"clientMaxProtocol":4,"expectedProtocol":5}}),
            ErrorKind::ProtocolMismatch,
        ),
    ];
    for (error, kind) in cases {
        let e2 = error.clone();
        let m = mock(move |_, s| {
            s.send(
                json!({"type":"event","event":"connect.challenge","payload":{"nonce":"n","ts":1}}),
            );
            let req = s.recv().unwrap();
            s.fail(&req, e2.clone());
            let _ = s.ws.close(None);
        });
        let err = m.client().ws_connect(WsOptions::new()).unwrap_err();
        assert_eq!(err.kind(), kind, "{err:?}");
        let text = err.to_string();
        if kind == ErrorKind::PairingRequired {
            assert!(text.contains("next step: wait_then_retry"), "{text}");
        }
        if kind == ErrorKind::ProtocolMismatch {
            assert!(
                text.contains("4..=4") && text.contains("expects 5"),
                "{text}"
            );
        }
    }
    // Not a gateway: a plain HTTP server refuses the upgrade.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    thread::spawn(move || {
        use std::io::{Read, Write};
        let (mut s, _) = listener.accept().unwrap();
        let mut buf = [0u8; 2048];
        let _ = s.read(&mut buf);
        let _ = s.write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
    });
    let err = Client::builder()
        .base_url(url)
        .build()
        .unwrap()
        .ws_connect(WsOptions::new())
        .unwrap_err();
    assert!(
        matches!(&err, Error::Protocol { message, .. } if message.contains("HTTP 404")),
        "{err:?}"
    );
    let err = Client::builder()
        .base_url("http://127.0.0.1:9")
        .build()
        .unwrap()
        .ws_connect(WsOptions::new())
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connect, "{err:?}");
}

#[test]
fn the_device_signature_verifies_with_the_v3_payload() {
    let dir = std::env::temp_dir().join(format!("ocw-sig-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let token_path = dir.join("token.json");
    let m = mock(|conn, s| {
        let req = s.handshake(json!({}));
        let p = &req["params"];
        let d = &p["device"];
        let b64 = |s: &str| {
            // base64url without padding
            let mut out = Vec::new();
            let (mut acc, mut bits) = (0u32, 0);
            for c in s.bytes() {
                let v = match c {
                    b'A'..=b'Z' => c - b'A',
                    b'a'..=b'z' => c - b'a' + 26,
                    b'0'..=b'9' => c - b'0' + 52,
                    b'-' => 62,
                    _ => 63,
                } as u32;
                acc = (acc << 6) | v;
                bits += 6;
                if bits >= 8 {
                    bits -= 8;
                    out.push((acc >> bits) as u8);
                    acc &= (1 << bits) - 1;
                }
            }
            out
        };
        let token = p["auth"]["token"]
            .as_str()
            .or(p["auth"]["deviceToken"].as_str())
            .unwrap_or("");
        let payload = format!(
            "v3|{}|cli|cli|operator|{}|1795638126871|{token}|nonce-1|linux|",
            d["id"].as_str().unwrap(),
            p["scopes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s.as_str().unwrap())
                .collect::<Vec<_>>()
                .join(",")
        );
        let ok = ring::signature::UnparsedPublicKey::new(
            &ring::signature::ED25519,
            b64(d["publicKey"].as_str().unwrap()),
        )
        .verify(payload.as_bytes(), &b64(d["signature"].as_str().unwrap()))
        .is_ok();
        assert_eq!(d["signedAt"], 1795638126871u64);
        assert_eq!(d["nonce"], "nonce-1");
        let r = s.recv().unwrap();
        s.reply(&r, json!({"verified": ok, "conn": conn, "auth": p["auth"]}));
        s.echo_all();
    });
    let id = DeviceIdentity::generate().unwrap();
    let ws = m
        .client()
        .ws_connect(
            WsOptions::new()
                .device_identity(id.clone())
                .device_token_path(&token_path),
        )
        .unwrap();
    let r = ws.call("check", json!({})).unwrap();
    assert_eq!(r["verified"], json!(true), "{r}");
    assert_eq!(r["auth"], json!({"token": "mock-token"}));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_event_callback_runs_on_the_connection_thread_and_cannot_block_on_it() {
    let m = mock(|_, s| {
        s.handshake(json!({}));
        let r = s.recv().unwrap();
        s.event("custom.ping", 1, json!({"x": 1}));
        s.reply(&r, json!({}));
        s.echo_all();
    });
    let ws = Arc::new(m.client().ws_connect(WsOptions::new()).unwrap());
    let (tx, rx) = std::sync::mpsc::channel();
    let w2 = Arc::downgrade(&ws);
    ws.set_event_callback(Some(Box::new(move |e: &Event| {
        let blocked = w2.upgrade().map(|w| w.call("inner", json!({})));
        let _ = tx.send((
            e.name.clone(),
            thread::current().name().map(str::to_owned),
            blocked.map(|r| r.unwrap_err().kind()),
        ));
    })));
    ws.call("go", json!({})).unwrap();
    let (name, thread_name, blocked) = rx.recv_timeout(Duration::from_secs(5)).unwrap();
    assert_eq!(name, "custom.ping");
    assert_eq!(thread_name.as_deref(), Some("openclaw-ws"));
    assert_eq!(blocked, Some(ErrorKind::InvalidInput));
    // Events went to the callback, not the queue.
    assert!(ws.next_event(Some(Duration::ZERO)).unwrap().is_none());
}

#[test]
fn replacing_the_event_callback_waits_for_the_running_one() {
    let m = mock(|_, s| {
        s.handshake(json!({}));
        let r = s.recv().unwrap();
        s.event("custom.slow", 1, json!({}));
        s.reply(&r, json!({}));
        s.echo_all();
    });
    let ws = m.client().ws_connect(WsOptions::new()).unwrap();
    let finished = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let (started_tx, started_rx) = std::sync::mpsc::channel();
    let f2 = finished.clone();
    ws.set_event_callback(Some(Box::new(move |_: &Event| {
        let _ = started_tx.send(());
        thread::sleep(Duration::from_millis(300));
        f2.store(true, std::sync::atomic::Ordering::SeqCst);
    })));
    ws.call("go", json!({})).unwrap();
    started_rx.recv_timeout(Duration::from_secs(5)).unwrap();
    // The callback is running: replacing it returns only once it has returned.
    ws.set_event_callback(None);
    assert!(finished.load(std::sync::atomic::Ordering::SeqCst));
}

#[test]
fn concurrent_closes_both_return_with_the_connection_closed() {
    for _ in 0..20 {
        let m = mock(|_, s| {
            s.handshake(json!({}));
            s.echo_all();
        });
        let ws = Arc::new(m.client().ws_connect(WsOptions::new()).unwrap());
        let barrier = Arc::new(std::sync::Barrier::new(2));
        let closers: Vec<_> = (0..2)
            .map(|_| {
                let (ws, barrier) = (ws.clone(), barrier.clone());
                thread::spawn(move || {
                    barrier.wait();
                    ws.close();
                    ws.is_closed()
                })
            })
            .collect();
        for c in closers {
            assert!(
                c.join().unwrap(),
                "close returned before the connection was closed"
            );
        }
    }
}

#[test]
fn backoff_grows_from_one_to_thirty_seconds_with_jitter() {
    for n in 0..10 {
        let full = Duration::from_secs((1u64 << n.min(5)).min(30));
        let d = backoff(n);
        assert!(d >= full / 2 && d <= full, "attempt {n}: {d:?}");
    }
}

#[test]
fn c_face_null_checks_calls_and_events() {
    use openclaw_client::ffi::error::*;
    use openclaw_client::ffi::ws::*;
    use std::ffi::CStr;
    let m = mock(|_, s| {
        s.handshake(json!({}));
        let r = s.recv().unwrap();
        s.event("tick", 1, json!({"ts": 5}));
        s.reply(&r, json!({"echo": r["params"]}));
        let r = s.recv().unwrap();
        s.fail(
            &r,
            json!({"code":"FORBIDDEN","message":"missing scope: operator.admin","details":{"code":"MISSING_SCOPE","missingScope":"operator.admin","requiredScopes":["operator.admin"]}}),
        );
        s.echo_all();
    });
    unsafe {
        assert_eq!(
            openclaw_ws_connect(std::ptr::null(), std::ptr::null(), std::ptr::null_mut()),
            OPENCLAW_RESULT_NULL_ARGUMENT
        );
        let (c, ws) = c_ws(&m.url);
        let bad = [0xffu8, 0];
        assert_eq!(
            openclaw_ws_call(
                ws,
                bad.as_ptr().cast(),
                std::ptr::null(),
                0,
                std::ptr::null_mut()
            ),
            OPENCLAW_RESULT_INVALID_UTF8
        );
        assert_eq!(
            openclaw_ws_call(
                ws,
                c"m".as_ptr(),
                c"{not json".as_ptr(),
                0,
                std::ptr::null_mut()
            ),
            OPENCLAW_RESULT_INVALID_ARGUMENT
        );
        let mut out = std::ptr::null_mut();
        assert_eq!(
            openclaw_ws_call(ws, c"m".as_ptr(), c"{\"a\":1}".as_ptr(), 0, &mut out),
            OPENCLAW_RESULT_OK
        );
        assert_eq!(CStr::from_ptr(out).to_str().unwrap(), r#"{"echo":{"a":1}}"#);
        openclaw_client::ffi::openclaw_string_free(out);
        assert_eq!(
            openclaw_ws_call(
                ws,
                c"admin.thing".as_ptr(),
                std::ptr::null(),
                -1,
                std::ptr::null_mut()
            ),
            OPENCLAW_RESULT_WS_MISSING_SCOPE
        );
        let msg = CStr::from_ptr(openclaw_last_error_message())
            .to_str()
            .unwrap();
        assert!(msg.contains("operator.admin"), "{msg}");
        assert_eq!(
            CStr::from_ptr(openclaw_last_error_type()).to_str().unwrap(),
            "MISSING_SCOPE"
        );
        let mut ev = std::ptr::null_mut();
        assert_eq!(
            openclaw_ws_next_event(ws, 2000, &mut ev),
            OPENCLAW_RESULT_OK
        );
        assert_eq!((*ev).kind, OPENCLAW_WS_EVENT_TICK);
        assert_eq!((*ev).seq, 1);
        assert_eq!(CStr::from_ptr((*ev).name).to_str().unwrap(), "tick");
        assert_eq!(
            CStr::from_ptr((*ev).payload_json).to_str().unwrap(),
            r#"{"ts":5}"#
        );
        openclaw_ws_event_free(ev);
        assert_eq!(
            openclaw_ws_next_event(ws, 0, &mut ev),
            OPENCLAW_RESULT_TIMEOUT
        );
        assert_eq!(
            openclaw_ws_approval_resolve(ws, c"id".as_ptr(), c"maybe".as_ptr()),
            OPENCLAW_RESULT_INVALID_ARGUMENT
        );
        assert_eq!(openclaw_ws_close(ws), OPENCLAW_RESULT_OK);
        assert_eq!(
            openclaw_ws_call(ws, c"m".as_ptr(), std::ptr::null(), 0, std::ptr::null_mut()),
            OPENCLAW_RESULT_WS_DISCONNECTED
        );
        openclaw_ws_free(ws);
        openclaw_ws_free(std::ptr::null_mut());
        openclaw_ws_event_free(std::ptr::null_mut());
        openclaw_ws_run_free(std::ptr::null_mut());
        openclaw_client::ffi::client::openclaw_client_free(c);
    }
}

#[test]
fn c_face_typed_helpers_send_their_method_and_hand_back_the_answer() {
    use openclaw_client::ffi::error::*;
    use openclaw_client::ffi::ws::*;
    use std::ffi::{CStr, c_char};
    let m = mock(|_, s| {
        s.handshake(json!({}));
        s.echo_all();
    });
    unsafe {
        let (c, ws) = c_ws(&m.url);
        let take = |out: *mut c_char| {
            let v: Value = serde_json::from_str(CStr::from_ptr(out).to_str().unwrap()).unwrap();
            openclaw_client::ffi::openclaw_string_free(out);
            v
        };
        let mut out = std::ptr::null_mut();
        assert_eq!(
            openclaw_ws_chat_history(ws, c"agent:main:k".as_ptr(), 3, &mut out),
            OPENCLAW_RESULT_OK
        );
        assert_eq!(
            take(out),
            json!({"echo": {"sessionKey": "agent:main:k", "limit": 3}})
        );
        assert_eq!(
            openclaw_ws_chat_history(ws, c"agent:main:k".as_ptr(), -1, &mut out),
            OPENCLAW_RESULT_OK
        );
        assert_eq!(take(out), json!({"echo": {"sessionKey": "agent:main:k"}}));
        assert_eq!(
            openclaw_ws_sessions_list(ws, c"{\"limit\":5}".as_ptr(), &mut out),
            OPENCLAW_RESULT_OK
        );
        assert_eq!(take(out), json!({"echo": {"limit": 5}}));
        assert_eq!(
            openclaw_ws_sessions_list(ws, std::ptr::null(), &mut out),
            OPENCLAW_RESULT_OK
        );
        assert_eq!(take(out), json!({"echo": {}}));
        for f in [
            openclaw_ws_approval_list,
            openclaw_ws_agents_list,
            openclaw_ws_models_list,
            openclaw_ws_health,
        ] {
            assert_eq!(f(ws, &mut out), OPENCLAW_RESULT_OK);
            assert_eq!(take(out), json!({"echo": {}}));
        }
        assert_eq!(
            openclaw_ws_sessions_messages_subscribe(ws, c"agent:main:k".as_ptr()),
            OPENCLAW_RESULT_OK
        );
        // Bad input is refused before anything is sent.
        let sent = m.methods(0).len();
        assert_eq!(
            openclaw_ws_health(ws, std::ptr::null_mut()),
            OPENCLAW_RESULT_NULL_ARGUMENT
        );
        assert_eq!(
            openclaw_ws_sessions_list(ws, c"{nope".as_ptr(), &mut out),
            OPENCLAW_RESULT_INVALID_ARGUMENT
        );
        assert_eq!(
            openclaw_ws_chat_history(ws, std::ptr::null(), 1, &mut out),
            OPENCLAW_RESULT_NULL_ARGUMENT
        );
        assert_eq!(
            openclaw_ws_sessions_messages_subscribe(ws, std::ptr::null()),
            OPENCLAW_RESULT_NULL_ARGUMENT
        );
        assert_eq!(
            openclaw_ws_agents_list(std::ptr::null(), &mut out),
            OPENCLAW_RESULT_NULL_ARGUMENT
        );
        assert_eq!(m.methods(0).len(), sent);
        assert_eq!(
            m.methods(0),
            [
                "connect",
                "chat.history",
                "chat.history",
                "sessions.list",
                "sessions.list",
                "exec.approval.list",
                "agents.list",
                "models.list",
                "health",
                "sessions.messages.subscribe"
            ]
        );
        openclaw_ws_free(ws);
        openclaw_client::ffi::client::openclaw_client_free(c);
    }
}

/// A wss:// mock: TLS (certificate for 127.0.0.1 from a fresh CA) then the echo gateway.
fn tls_mock() -> (String, String) {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
    use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_p = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_p.distinguished_name.push(DnType::CommonName, "Test CA");
    ca_p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca_cert = ca_p.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_p, ca_key);
    let leaf_key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec!["127.0.0.1".to_owned()])
        .unwrap()
        .signed_by(&leaf_key, &issuer)
        .unwrap();
    let config = Arc::new(
        rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![leaf.der().clone(), ca_cert.der().clone()],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der())),
        )
        .unwrap(),
    );
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("https://{}", listener.local_addr().unwrap());
    thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(tcp) = stream else { continue };
            let config = config.clone();
            thread::spawn(move || {
                let conn = rustls::ServerConnection::new(config).unwrap();
                let tls = rustls::StreamOwned::new(conn, tcp);
                let Ok(mut ws) = tungstenite::accept(tls) else {
                    return;
                };
                let send = |ws: &mut WebSocket<_>, v: Value| {
                    ws.send(Message::text(v.to_string())).unwrap()
                };
                send(
                    &mut ws,
                    json!({"type":"event","event":"connect.challenge","payload":{"nonce":"n","ts":1}}),
                );
                while let Ok(Message::Text(t)) = ws.read() {
                    let r: Value = serde_json::from_str(t.as_str()).unwrap();
                    let payload = if r["method"] == "connect" {
                        json!({"type":"hello-ok","protocol":4,"server":{"version":"tls-mock"},"features":{},"snapshot":{},"auth":{"scopes":[]},"policy":{"tickIntervalMs":30000,"maxPayload":1000000}})
                    } else {
                        json!({"secure": true})
                    };
                    send(
                        &mut ws,
                        json!({"type":"res","id":r["id"],"ok":true,"payload":payload}),
                    );
                }
            });
        }
    });
    (url, ca_cert.pem())
}

#[test]
fn wss_uses_the_clients_tls_settings() {
    let (url, ca_pem) = tls_mock();
    // Trusting the CA (ClientBuilder::ca_bundle_pem).
    let c = Client::builder()
        .base_url(&url)
        .ca_bundle_pem(ca_pem)
        .build()
        .unwrap();
    let ws = c.ws_connect(WsOptions::new()).unwrap();
    assert_eq!(ws.hello().server_version, "tls-mock");
    assert_eq!(ws.call("x", json!({})).unwrap(), json!({"secure": true}));
    // The default (Mozilla) roots do not trust it.
    let err = Client::builder()
        .base_url(&url)
        .build()
        .unwrap()
        .ws_connect(WsOptions::new())
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Tls, "{err:?}");
    // Verification off.
    let ws = Client::builder()
        .base_url(&url)
        .danger_accept_invalid_certs(true)
        .build()
        .unwrap()
        .ws_connect(WsOptions::new())
        .unwrap();
    assert_eq!(ws.hello().server_version, "tls-mock");
}
