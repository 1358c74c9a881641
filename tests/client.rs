//! The Rust client against the mock gateway on 127.0.0.1: every endpoint, every error category,
//! timeouts, cancellation, input validation and the connection diagnosis.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use common::*;
use openclaw_client::*;
use serde_json::json;

const TOKEN: &str = "s3cret-token-value";

/// A client without retries: these tests pin down one exchange each (retries are tested below).
fn client(url: &str) -> Client {
    Client::builder()
        .base_url(url)
        .token(TOKEN)
        .retry(RetryPolicy::none())
        .build()
        .unwrap()
}

fn completion_json(text: &str) -> String {
    json!({"id":"chatcmpl_9","object":"chat.completion","created":1,"model":"openclaw/main",
        "choices":[{"index":0,"message":{"role":"assistant","content":text},"finish_reason":"stop"}],
        "usage":{"prompt_tokens":10,"completion_tokens":2,"total_tokens":12,"prompt_tokens_details":{"cached_tokens":4}}})
    .to_string()
}

#[test]
fn chat_non_stream_sends_the_right_request_and_parses_the_reply() {
    let gw = MockGateway::start(|_| Reply::json(200, &completion_json("echo: hi")));
    let c = client(&gw.url);
    let r = c
        .chat(
            &ChatRequest::user_message("hi")
                .user("conv-1")
                .temperature(0.5)
                .max_tokens(50)
                .seed(7)
                .stop("END"),
        )
        .unwrap();
    assert_eq!(r.content, "echo: hi");
    assert_eq!(r.finish_reason, Some(FinishReason::Stop));
    let u = r.usage.unwrap();
    assert_eq!((u.total_tokens, u.cached_tokens), (12, Some(4)));
    assert!(!r.empty);
    let req = gw.last();
    assert_eq!(req.method, "POST");
    assert_eq!(req.path, "/v1/chat/completions");
    assert_eq!(
        req.header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    assert_eq!(req.header("content-type"), Some("application/json"));
    let body = req.json();
    assert_eq!(body["model"], "openclaw/main");
    assert_eq!(body["stream"], false);
    assert_eq!(body["user"], "conv-1");
    assert_eq!(body["messages"][0], json!({"role":"user","content":"hi"}));
    assert_eq!(body["temperature"], 0.5);
    assert_eq!(body["max_completion_tokens"], 50);
    assert_eq!(body["seed"], 7);
    assert_eq!(body["stop"], json!(["END"]));
    assert!(body.get("stream_options").is_none());
    // The session id is sent in exactly one place.
    assert!(req.header("x-openclaw-session-key").is_none());
}

#[test]
fn empty_reply_placeholder_is_flagged() {
    let gw =
        MockGateway::start(|_| Reply::json(200, &completion_json("No response from OpenClaw.")));
    let r = client(&gw.url)
        .chat(&ChatRequest::user_message("hi"))
        .unwrap();
    assert!(r.empty);
}

#[test]
fn request_builder_covers_roles_parts_tools_headers_and_precedence() {
    let gw = MockGateway::start(|_| Reply::json(200, &completion_json("ok")));
    let c = Client::builder()
        .base_url(format!("{}/", gw.url))
        .token(TOKEN)
        .agent("ops")
        .build()
        .unwrap();
    let req = ChatRequest::new()
        .message(Message::system("be brief"))
        .message(Message::developer("dev note"))
        .message(Message::user_parts(vec![
            ContentPart::text("look"),
            ContentPart::image_bytes("image/png", b"\x89PNG"),
        ]))
        .message(Message::assistant_tool_calls(
            "",
            vec![ToolCall {
                id: "call_1".into(),
                name: "f".into(),
                arguments: "{}".into(),
            }],
        ))
        .message(Message::tool("call_1", "42"))
        .message(Message::user("and?"))
        .agent("helper")
        .agent_session_key("helper", "chat-7")
        .unwrap()
        .channel("voice")
        .model_override("fake/echo-1")
        .header("x-custom", "1")
        .tool(Tool::function(
            "f",
            Some("does f"),
            Some(json!({"type":"object"})),
        ))
        .tool_choice(ToolChoice::Function("f".into()))
        .top_p(0.9);
    c.chat(&req).unwrap();
    let r = gw.last();
    assert_eq!(r.header("x-openclaw-agent-id"), Some("helper"));
    assert_eq!(
        r.header("x-openclaw-session-key"),
        Some("agent:helper:chat-7")
    );
    assert_eq!(r.header("x-openclaw-message-channel"), Some("voice"));
    assert_eq!(r.header("x-openclaw-model"), Some("fake/echo-1"));
    assert_eq!(r.header("x-custom"), Some("1"));
    let b = r.json();
    assert_eq!(b["model"], "openclaw/helper");
    assert!(b.get("user").is_none());
    assert_eq!(b["messages"][1]["role"], "developer");
    assert_eq!(
        b["messages"][2]["content"][1],
        json!({"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw=="}})
    );
    assert_eq!(
        b["messages"][3]["tool_calls"][0],
        json!({"id":"call_1","type":"function","function":{"name":"f","arguments":"{}"}})
    );
    assert_eq!(
        b["messages"][4],
        json!({"role":"tool","content":"42","tool_call_id":"call_1"})
    );
    assert_eq!(
        b["tools"][0],
        json!({"type":"function","function":{"name":"f","description":"does f","parameters":{"type":"object"}}})
    );
    assert_eq!(
        b["tool_choice"],
        json!({"type":"function","function":{"name":"f"}})
    );
    // A default-agent target.
    c.chat(&ChatRequest::user_message("x").target_default_agent())
        .unwrap();
    assert_eq!(gw.last().json()["model"], "openclaw");
    assert!(gw.last().header("x-openclaw-agent-id").is_none());
    c.chat(&ChatRequest::user_message("x")).unwrap();
    assert_eq!(gw.last().json()["model"], "openclaw/ops");
}

#[test]
fn chat_stream_yields_events_as_they_arrive() {
    let gw = MockGateway::start(|_| {
        let parts = gateway_stream(&["echo:", " stream", " me"], true);
        Reply::sse_timed(
            parts
                .into_iter()
                .map(|p| (Duration::from_millis(30), p.into_bytes()))
                .collect(),
        )
    });
    let c = client(&gw.url);
    let start = Instant::now();
    let mut s = c
        .chat_stream(&ChatRequest::user_message("stream me").include_usage(true))
        .unwrap();
    let mut first_delta_at = None;
    let mut text = String::new();
    let mut usage = None;
    for ev in &mut s {
        match ev.unwrap() {
            ChatEvent::Content(t) => {
                first_delta_at.get_or_insert(start.elapsed());
                text.push_str(&t);
            }
            ChatEvent::Usage(u) => usage = Some(u),
            _ => {}
        }
    }
    assert_eq!(text, "echo: stream me");
    assert_eq!(usage.unwrap().total_tokens, 15);
    // The first delta came before the stream finished (not buffered to the end).
    assert!(first_delta_at.unwrap() < start.elapsed() - Duration::from_millis(60));
    let body = gw.last().json();
    assert_eq!(body["stream"], true);
    assert_eq!(body["stream_options"], json!({"include_usage": true}));
    assert_eq!(gw.last().header("accept"), Some("text/event-stream"));
}

#[test]
fn reset_mid_stream_is_truncated_with_partial_text() {
    let gw = MockGateway::start(|_| {
        let mut parts = gateway_stream(&["kept", " text"], false);
        parts.truncate(3);
        Reply::sse(&parts).cut()
    });
    let err = client(&gw.url)
        .chat_stream(&ChatRequest::user_message("x"))
        .unwrap()
        .collect_reply()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Truncated, "{err}");
    assert_eq!(err.partial_text(), "kept text");
}

#[test]
fn content_length_and_close_delimited_sse_bodies_work() {
    let body = gateway_stream(&["a", "b"], false).concat();
    let b2 = body.clone();
    let gw = MockGateway::start(move |_| Reply::new(200, "text/event-stream", b2.clone()));
    let r = client(&gw.url)
        .chat_stream(&ChatRequest::user_message("x"))
        .unwrap()
        .collect_reply()
        .unwrap();
    assert_eq!(r.content, "ab");
    let gw2 = MockGateway::start(move |_| {
        Reply::new(200, "text/event-stream", "")
            .raw_body(vec![(Duration::ZERO, body.clone().into_bytes())])
    });
    let r = client(&gw2.url)
        .chat_stream(&ChatRequest::user_message("x"))
        .unwrap()
        .collect_reply()
        .unwrap();
    assert_eq!(r.content, "ab");
}

#[test]
fn gzip_encoded_body_is_decoded() {
    // A pre-computed gzip of the JSON completion {"choices":[{"message":{"content":"zip"}}]}.
    let json =
        br#"{"choices":[{"message":{"role":"assistant","content":"zip"},"finish_reason":"stop"}]}"#;
    let gz = gzip_store(json);
    let gw = MockGateway::start(move |_| {
        Reply::new(200, "application/json", gz.clone()).header("Content-Encoding", "gzip")
    });
    let r = client(&gw.url)
        .chat(&ChatRequest::user_message("x"))
        .unwrap();
    assert_eq!(r.content, "zip");
}

/// A gzip member with one stored (uncompressed) deflate block.
fn gzip_store(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255];
    out.push(1);
    let len = data.len() as u16;
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&(!len).to_le_bytes());
    out.extend_from_slice(data);
    out.extend_from_slice(&crc32(data).to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[test]
fn error_categories_map_from_status_and_content_type() {
    type Case = (Reply, ErrorKind, &'static str);
    let cases: Vec<Case> = vec![
        (Reply::json(401, r#"{"error":{"message":"Unauthorized","type":"unauthorized"}}"#), ErrorKind::Unauthorized, "Unauthorized"),
        (Reply::json(403, r#"{"error":{"message":"Proxy client attribution is required.","type":"proxy_attribution_required"}}"#), ErrorKind::Forbidden, "proxy_attribution_required"),
        (Reply::json(403, r#"{"ok":false,"error":{"type":"forbidden","message":"missing scope: operator.admin"}}"#), ErrorKind::Forbidden, "missing scope: operator.admin"),
        (Reply::json(429, r#"{"error":{"message":"Too many failed authentication attempts. Please try again later.","type":"rate_limited"}}"#).header("Retry-After", "30"), ErrorKind::RateLimited, "retry after 30 s"),
        (Reply::text(404, "Not Found"), ErrorKind::NotEnabled, "gateway.http.endpoints.chatCompletions.enabled"),
        (Reply::text(405, "Method Not Allowed"), ErrorKind::NotEnabled, "gateway.http.endpoints.chatCompletions.enabled"),
        (Reply::html(200, "<!doctype html><html></html>"), ErrorKind::NotEnabled, "gateway.http.endpoints.chatCompletions.enabled"),
        (Reply::json(404, r#"{"error":{"message":"Unknown model: nope/missing.","type":"invalid_request_error"}}"#), ErrorKind::NotFound, "Unknown model: nope/missing."),
        (Reply::json(400, r#"{"error":{"message":"Unknown agent 'nope'.","type":"invalid_request_error"}}"#), ErrorKind::Api, "Unknown agent 'nope'."),
        (Reply::json(500, r#"{"error":{"message":"internal error","type":"api_error"}}"#), ErrorKind::Api, "internal error"),
        (Reply::json(502, r#"{"error":{"message":"upstream provider error","type":"api_error"}}"#), ErrorKind::Api, "upstream provider error"),
        (Reply::json(503, r#"{"error":{"message":"Gateway is temporarily unavailable while suspending or restarting","type":"service_unavailable","code":"gateway_unavailable"}}"#).header("Retry-After", "1"), ErrorKind::Api, "while suspending"),
        (Reply::text(504, "upstream timed out"), ErrorKind::Api, "upstream timed out"),
        (Reply::json(302, "{}").header("Location", "https://elsewhere.example/v1"), ErrorKind::Api, "elsewhere.example"),
        (Reply::new(200, "text/plain", "hello"), ErrorKind::NotEnabled, "text/plain"),
    ];
    for (i, (reply, kind, needle)) in cases.into_iter().enumerate() {
        let r = reply.clone();
        let gw = MockGateway::start(move |_| r.clone());
        let err = client(&gw.url)
            .chat(&ChatRequest::user_message("x"))
            .unwrap_err();
        assert_eq!(err.kind(), kind, "case {i}: {err}");
        assert!(err.to_string().contains(needle), "case {i}: {err}");
        assert!(
            !format!("{err} {err:?}").contains(TOKEN),
            "case {i} leaks the token"
        );
    }
}

#[test]
fn error_accessors_expose_status_type_retry_after() {
    let gw = MockGateway::start(|_| {
        Reply::json(503, r#"{"error":{"message":"restarting","type":"service_unavailable","code":"gateway_unavailable"}}"#)
            .header("Retry-After", "1")
    });
    let err = client(&gw.url)
        .chat(&ChatRequest::user_message("x"))
        .unwrap_err();
    assert_eq!(err.http_status(), Some(503));
    assert_eq!(err.error_type(), Some("service_unavailable"));
    assert_eq!(err.retry_after(), Some(Duration::from_secs(1)));
    assert!(matches!(err, Error::Api { code: Some(ref c), .. } if c == "gateway_unavailable"));
}

#[test]
fn redirects_are_not_followed_and_never_carry_the_token_elsewhere() {
    let target = MockGateway::start(|_| Reply::json(200, &completion_json("moved")));
    let loc = format!(
        "{}/v1/chat/completions",
        target.url.replace("127.0.0.1", "localhost")
    );
    let gw = MockGateway::start(move |_| Reply::json(307, "{}").header("Location", &loc));
    let err = client(&gw.url)
        .chat(&ChatRequest::user_message("x"))
        .unwrap_err();
    assert!(matches!(err, Error::Redirect { status: 307, .. }), "{err}");
    assert!(
        target.requests().is_empty(),
        "the redirect target must not be contacted"
    );
}

#[test]
fn connection_refused_and_unknown_host_are_connect_errors() {
    let err = client(&dead_url())
        .chat(&ChatRequest::user_message("x"))
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Connect {
                failure: ConnectFailure::Refused,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("Is the gateway running?"), "{err}");
    let err = client("http://no-such-host.invalid:18789")
        .health()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connect, "{err:?}");
}

#[test]
fn server_closing_after_the_request_is_a_lost_connection() {
    // A listener that reads the request and closes without answering.
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", l.local_addr().unwrap());
    thread::spawn(move || {
        for c in l.incoming().take(1) {
            let mut c = c.unwrap();
            let mut buf = [0u8; 1024];
            let _ = std::io::Read::read(&mut c, &mut buf);
            drop(c);
        }
    });
    let err = client(&url)
        .chat(&ChatRequest::user_message("x"))
        .unwrap_err();
    // The request had left: the gateway may have run the turn.
    assert_eq!(err.kind(), ErrorKind::ConnectionLost, "{err:?}");
}

#[test]
fn idle_timeout_fires_near_its_value_and_keeps_partial_text() {
    let gw = MockGateway::start(|_| {
        Reply::sse_timed(vec![
            (Duration::ZERO, ROLE_CHUNK.as_bytes().to_vec()),
            (Duration::ZERO, content_chunk("before silence").into_bytes()),
            (Duration::from_secs(5), DONE.as_bytes().to_vec()),
        ])
    });
    let c = Client::builder()
        .base_url(&gw.url)
        .idle_timeout(Some(Duration::from_millis(400)))
        .build()
        .unwrap();
    let start = Instant::now();
    let err = c
        .chat_stream(&ChatRequest::user_message("x"))
        .unwrap()
        .collect_reply()
        .unwrap_err();
    let took = start.elapsed();
    assert!(
        matches!(
            err,
            Error::Timeout {
                phase: TimeoutPhase::Idle,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(err.partial_text(), "before silence");
    assert!(
        // Lower bound: the idle limit; the upper one only says "near", with room for a busy
        // machine (the call also connects and reads two chunks first).
        took >= Duration::from_millis(320) && took <= Duration::from_millis(2000),
        "took {took:?}"
    );
}

#[test]
fn slow_drip_within_idle_limit_succeeds() {
    let body = gateway_stream(&["drip ", "drip"], false)
        .concat()
        .into_bytes();
    let gw = MockGateway::start(move |_| {
        Reply::sse_timed(
            body.iter()
                .map(|b| (Duration::from_millis(5), vec![*b]))
                .collect(),
        )
    });
    let c = Client::builder()
        .base_url(&gw.url)
        .idle_timeout(Some(Duration::from_secs(1)))
        .build()
        .unwrap();
    let start = Instant::now();
    let r = c
        .chat_stream(&ChatRequest::user_message("x"))
        .unwrap()
        .collect_reply()
        .unwrap();
    assert_eq!(r.content, "drip drip");
    // One byte every 5 ms for about 3 s: idle is per read, not a total.
    assert!(
        start.elapsed() > Duration::from_millis(2800),
        "the drip lasted {:?}, far longer than the idle limit",
        start.elapsed()
    );
}

#[test]
fn total_and_response_timeouts_fire() {
    let gw = MockGateway::start(|_| {
        Reply::sse_timed(
            (0..50)
                .map(|_| (Duration::from_millis(50), content_chunk("x").into_bytes()))
                .collect(),
        )
    });
    let opts = CallOptions::new().total_timeout(Some(Duration::from_millis(500)));
    let start = Instant::now();
    let err = client(&gw.url)
        .chat_stream(&ChatRequest::user_message("x").options(opts))
        .unwrap()
        .collect_reply()
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Timeout {
                phase: TimeoutPhase::Total,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(!err.partial_text().is_empty());
    assert!(start.elapsed() < Duration::from_millis(900));

    let slow = MockGateway::start(|_| {
        Reply::json(200, &completion_json("late")).delay(Duration::from_secs(3))
    });
    let opts = CallOptions::new().response_timeout(Some(Duration::from_millis(300)));
    let start = Instant::now();
    let err = client(&slow.url)
        .chat(&ChatRequest::user_message("x").options(opts))
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
    assert!(start.elapsed() < Duration::from_millis(1000));
}

#[test]
fn cancel_token_interrupts_a_silent_server_quickly() {
    let gw = MockGateway::start(|_| {
        Reply::sse_timed(vec![
            (Duration::ZERO, ROLE_CHUNK.as_bytes().to_vec()),
            (Duration::ZERO, content_chunk("hi").into_bytes()),
            (Duration::from_secs(30), DONE.as_bytes().to_vec()),
        ])
    });
    let c = client(&gw.url);
    let token = CancelToken::new();
    let mut s = c
        .chat_stream(
            &ChatRequest::user_message("x").options(CallOptions::new().cancel_token(token.clone())),
        )
        .unwrap();
    assert!(matches!(s.next(), Some(Ok(ChatEvent::Role(_)))));
    assert!(matches!(s.next(), Some(Ok(ChatEvent::Content(_)))));
    let t2 = token.clone();
    let fired = Arc::new(std::sync::Mutex::new(None));
    let f2 = fired.clone();
    thread::spawn(move || {
        thread::sleep(Duration::from_millis(200));
        *f2.lock().unwrap() = Some(Instant::now());
        t2.cancel();
    });
    let err = s.next().unwrap().unwrap_err();
    let latency = fired.lock().unwrap().unwrap().elapsed();
    assert!(
        matches!(err, Error::Cancelled { ref partial } if partial == "hi"),
        "{err:?}"
    );
    // The cancel, not the server's 30 s silence, ended the read (a bound a busy machine cannot
    // break; the figure is printed).
    eprintln!("cancel latency: {latency:?}");
    assert!(latency < Duration::from_secs(1), "cancel took {latency:?}");
    assert!(s.next().is_none());
    // Cancelling again, and using a cancelled token, are fine.
    token.cancel();
    let err = c
        .chat(&ChatRequest::user_message("x").options(CallOptions::new().cancel_token(token)))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Cancelled);
}

#[test]
fn cancel_interrupts_non_stream_call_waiting_for_headers() {
    let gw = MockGateway::start(|_| {
        Reply::json(200, &completion_json("late")).delay(Duration::from_secs(10))
    });
    let c = client(&gw.url);
    let token = CancelToken::new();
    let t2 = token.clone();
    thread::spawn(move || {
        thread::sleep(Duration::from_millis(200));
        t2.cancel();
    });
    let start = Instant::now();
    let err = c
        .chat(&ChatRequest::user_message("x").options(CallOptions::new().cancel_token(token)))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Cancelled, "{err:?}");
    // The cancel, not the mock's 10 s delay, ended the call.
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn invalid_input_is_rejected_before_sending() {
    let gw = MockGateway::start(|_| Reply::json(200, &completion_json("x")));
    let c = client(&gw.url);
    let bad: Vec<ChatRequest> = vec![
        ChatRequest::user_message("x").session_key("subagent:evil"),
        ChatRequest::user_message("x").session_key("agent:main:cron:job"),
        ChatRequest::user_message("x").session_key("ACP:x"),
        ChatRequest::user_message("x").session_key("a\r\nX-Injected: 1"),
        ChatRequest::user_message("x").agent("bad agent"),
        ChatRequest::user_message("x").agent("a\nb"),
        ChatRequest::user_message("x").channel("web\rchat"),
        ChatRequest::user_message("x").model_override("m\0"),
        ChatRequest::user_message("x").header("x-a", "v\nX-B: 1"),
        ChatRequest::user_message("x").header("bad name", "v"),
        ChatRequest::user_message("x").target("openclaw\r\n"),
    ];
    for (i, r) in bad.iter().enumerate() {
        let err = c.chat(r).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "case {i}: {err}");
        let err = c.chat_stream(r).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "case {i}: {err}");
    }
    let err = ChatRequest::new()
        .agent_session_key("main", "subagent:x")
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");
    assert!(gw.requests().is_empty(), "nothing may be sent");
    for url in [
        "ftp://x",
        "127.0.0.1:18789",
        "http://",
        "http://a b",
        "http://h:99999",
        "http://user:pw@h",
        "http://h/?q=1",
        "http://h\r\n",
        "ws://127.0.0.1:1",
    ] {
        let err = Client::builder().base_url(url).build().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{url}: {err}");
    }
    for (what, b) in [
        ("token", Client::builder().token("a\nb")),
        ("agent", Client::builder().agent("no spaces")),
        ("ca bundle", Client::builder().ca_bundle_pem("not a pem")),
    ] {
        let err = b.build().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{what}: {err}");
    }
    let err = Client::builder()
        .ca_bundle_pem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("no certificate"), "{err}");
}

#[test]
fn path_prefix_and_ipv6_loopback_urls() {
    let gw = MockGateway::start(|_| Reply::json(200, &completion_json("x")));
    let c = Client::builder()
        .base_url(format!("{}/gw/", gw.url))
        .build()
        .unwrap();
    assert_eq!(c.base_url(), format!("{}/gw", gw.url));
    c.chat(&ChatRequest::user_message("x")).unwrap();
    assert_eq!(gw.last().path, "/gw/v1/chat/completions");
    let c6 = Client::builder()
        .base_url("http://[::1]:1/p")
        .build()
        .unwrap();
    assert_eq!(c6.base_url(), "http://[::1]:1/p");
}

#[test]
fn update_secret_affects_later_requests_on_a_shared_client() {
    let gw = MockGateway::start(|_| Reply::json(200, &completion_json("x")));
    let c = client(&gw.url);
    let c2 = c.clone();
    thread::spawn(move || c2.update_secret("rotated-token").unwrap())
        .join()
        .unwrap();
    c.chat(&ChatRequest::user_message("x")).unwrap();
    assert_eq!(
        gw.last().header("authorization"),
        Some("Bearer rotated-token")
    );
    c.update_secret("").unwrap();
    c.chat(&ChatRequest::user_message("x")).unwrap();
    assert_eq!(gw.last().header("authorization"), None);
    assert!(c.update_secret("bad\r\nvalue").is_err());
}

#[test]
fn environment_proxy_never_captures_loopback() {
    // The environment is changed in a child process only (other tests of this binary run in
    // parallel threads and read it).
    const NAME: &str = "environment_proxy_never_captures_loopback";
    if common::child::is_child(NAME) {
        let url = std::env::var("GW_URL").unwrap();
        let c = Client::builder()
            .base_url(&url)
            .proxy(ProxySetting::FromEnv)
            .build()
            .unwrap();
        assert_eq!(
            c.chat(&ChatRequest::user_message("x")).unwrap().content,
            "direct"
        );
        let c = Client::builder().base_url(&url).build().unwrap();
        assert_eq!(
            c.chat(&ChatRequest::user_message("x")).unwrap().content,
            "direct"
        );
        return;
    }
    let gw = MockGateway::start(|_| Reply::json(200, &completion_json("direct")));
    // Nothing listens on port 9: a request sent to the proxy would fail.
    common::child::rerun(
        NAME,
        &[("HTTP_PROXY", "http://127.0.0.1:9"), ("GW_URL", &gw.url)],
        &[
            "NO_PROXY",
            "no_proxy",
            "http_proxy",
            "ALL_PROXY",
            "all_proxy",
        ],
    );
    assert_eq!(
        gw.requests().len(),
        2,
        "both calls went straight to the gateway"
    );
}

#[test]
fn models_list_and_one_model() {
    let gw = MockGateway::start(|r| match r.path.as_str() {
        "/v1/models" => Reply::json(
            200,
            r#"{"object":"list","data":[{"id":"openclaw","object":"model","created":0,"owned_by":"openclaw","permission":[]},{"id":"openclaw/main","object":"model","created":0,"owned_by":"openclaw","permission":[]}]}"#,
        ),
        "/v1/models/openclaw%2Fdefault" => Reply::json(
            200,
            r#"{"id":"openclaw/default","object":"model","created":0,"owned_by":"openclaw","permission":[]}"#,
        ),
        _ => Reply::json(
            400,
            r#"{"error":{"message":"Invalid model id.","type":"invalid_request_error"}}"#,
        ),
    });
    let c = client(&gw.url);
    let ids: Vec<String> = c.models().unwrap().into_iter().map(|m| m.id).collect();
    assert_eq!(ids, vec!["openclaw", "openclaw/main"]);
    assert_eq!(gw.last().method, "GET");
    assert_eq!(c.model("openclaw/default").unwrap().id, "openclaw/default");
    let err = c.model("nope").unwrap_err();
    assert!(
        matches!(&err, Error::Api { status: 400, message, .. } if message == "Invalid model id."),
        "{err:?}"
    );
}

#[test]
fn tool_invoke_success_and_typed_errors() {
    let gw = MockGateway::start(|r| {
        let b = r.json();
        match b["tool"].as_str().unwrap_or("") {
            "sessions_list" => Reply::json(
                200,
                r#"{"ok":true,"result":{"content":[{"type":"text","text":"[]"}]}}"#,
            ),
            "sessions_history" => Reply::json(
                400,
                r#"{"ok":false,"error":{"type":"tool_error","message":"sessionKey required"}}"#,
            ),
            "guarded" => Reply::json(
                403,
                r#"{"ok":false,"error":{"type":"tool_call_blocked","message":"needs approval","requiresApproval":true}}"#,
            ),
            "big" => Reply::json(
                413,
                r#"{"error":{"message":"Payload too large","type":"invalid_request_error"}}"#,
            ),
            "busy" => Reply::json(
                429,
                r#"{"error":{"message":"Too many","type":"rate_limited"}}"#,
            )
            .header("Retry-After", "7"),
            "crash" => Reply::json(
                500,
                r#"{"ok":false,"error":{"type":"tool_error","message":"tool execution failed"}}"#,
            ),
            other => Reply::json(
                404,
                &format!(
                    r#"{{"ok":false,"error":{{"type":"not_found","message":"Tool not available: {other}"}}}}"#
                ),
            ),
        }
    });
    let c = client(&gw.url);
    let v = c
        .invoke_tool(
            &ToolInvocation::new("sessions_list", json!({"limit": 1}))
                .action("list")
                .session_key("main")
                .agent("main")
                .idempotency_key("k1")
                .channel("voice")
                .account_id("acc")
                .message_to("+1")
                .thread_id("t1"),
        )
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(v.get()).unwrap();
    assert_eq!(v["content"][0]["text"], "[]");
    let r = gw.last();
    assert_eq!(r.path, "/tools/invoke");
    assert_eq!(
        r.json(),
        json!({"tool":"sessions_list","args":{"limit":1},"action":"list","sessionKey":"main","agentId":"main","idempotencyKey":"k1"})
    );
    assert_eq!(r.header("x-openclaw-account-id"), Some("acc"));
    assert_eq!(r.header("x-openclaw-message-to"), Some("+1"));
    assert_eq!(r.header("x-openclaw-thread-id"), Some("t1"));
    assert_eq!(r.header("x-openclaw-message-channel"), Some("voice"));

    let e = c
        .invoke_tool(&ToolInvocation::new("sessions_history", json!({})))
        .unwrap_err();
    assert!(
        matches!(&e, Error::Api { status: 400, error_type: Some(t), message, .. } if t == "tool_error" && message == "sessionKey required"),
        "{e:?}"
    );
    let e = c
        .invoke_tool(&ToolInvocation::new("guarded", json!({})))
        .unwrap_err();
    assert!(
        matches!(&e, Error::Forbidden { requires_approval: true, error_type, .. } if error_type == "tool_call_blocked"),
        "{e:?}"
    );
    let e = c
        .invoke_tool(&ToolInvocation::new("no_such_tool", json!({})))
        .unwrap_err();
    assert!(
        matches!(&e, Error::NotFound { message, .. } if message == "Tool not available: no_such_tool"),
        "{e:?}"
    );
    let e = c
        .invoke_tool(&ToolInvocation::new("big", json!({})))
        .unwrap_err();
    assert_eq!(e.http_status(), Some(413));
    let e = c
        .invoke_tool(&ToolInvocation::new("busy", json!({})))
        .unwrap_err();
    assert_eq!(e.retry_after(), Some(Duration::from_secs(7)));
    let e = c
        .invoke_tool(&ToolInvocation::new("crash", json!({})))
        .unwrap_err();
    assert!(
        matches!(&e, Error::Api { status: 500, message, .. } if message == "tool execution failed"),
        "{e:?}"
    );
    assert!(
        c.invoke_tool(&ToolInvocation::new("x", json!([1])))
            .is_err()
    );
    assert!(c.invoke_tool(&ToolInvocation::new("", json!({}))).is_err());
}

#[test]
fn probes_health_ready_startup_alive() {
    let gw = MockGateway::start(|r| match r.path.as_str() {
        "/health" => Reply::json(200, r#"{"ok":true,"status":"live"}"#),
        "/readyz" => Reply::json(503, r#"{"ready":false,"failing":["plugins"],"uptimeMs":5}"#),
        "/startupz" => Reply::json(
            200,
            r#"{"ok":true,"status":"started","version":"2026.9.6","uptimeMs":9}"#,
        ),
        _ => Reply::text(404, "Not Found"),
    });
    let c = client(&gw.url);
    assert_eq!(c.health().unwrap().status, "live");
    let r = c.ready().unwrap();
    assert!(!r.ready);
    assert_eq!(r.failing, vec!["plugins"]);
    assert_eq!(c.startup().unwrap().version.as_deref(), Some("2026.9.6"));
    assert!(c.check_alive().unwrap());
    let down = MockGateway::start(|_| Reply::text(502, "bad gateway"));
    assert!(!client(&down.url).check_alive().unwrap());
}

fn gateway_like(chat_on: bool, responses_on: bool, token_ok: &'static str) -> MockGateway {
    MockGateway::start(move |r| {
        let authed = r.header("authorization") == Some(&format!("Bearer {token_ok}"));
        let v1 = r.path.starts_with("/v1/");
        let on = match r.path.as_str() {
            "/v1/chat/completions" => chat_on,
            "/v1/responses" => responses_on,
            _ => chat_on || responses_on,
        };
        if v1 && !on {
            return Reply::text(404, "Not Found");
        }
        match r.path.as_str() {
            "/health" => Reply::json(200, r#"{"ok":true,"status":"live"}"#),
            "/startupz" => Reply::json(
                200,
                r#"{"ok":true,"status":"started","version":"2026.9.6"}"#,
            ),
            _ if !authed => Reply::json(
                401,
                r#"{"error":{"message":"Unauthorized","type":"unauthorized"}}"#,
            ),
            "/v1/models" => Reply::json(
                200,
                r#"{"object":"list","data":[{"id":"openclaw"},{"id":"openclaw/main"}]}"#,
            ),
            "/v1/chat/completions" => Reply::json(
                400,
                r#"{"error":{"message":"Missing user message in `messages`.","type":"invalid_request_error"}}"#,
            ),
            "/v1/responses" => Reply::json(
                400,
                r#"{"error":{"message":"input: Invalid input","type":"invalid_request_error"}}"#,
            ),
            "/tools/invoke" => Reply::json(
                400,
                r#"{"ok":false,"error":{"type":"invalid_request","message":"tools.invoke requires name"}}"#,
            ),
            _ => Reply::text(404, "Not Found"),
        }
    })
}

#[test]
fn diagnosis_ok_lists_what_is_enabled_and_never_runs_an_agent() {
    let gw = gateway_like(true, false, TOKEN);
    let d = client(&gw.url).check_connection();
    assert_eq!(d.code, DiagnosisCode::Ok, "{d}");
    assert_eq!(d.version.as_deref(), Some("2026.9.6"));
    assert_eq!(d.chat_completions, Some(true));
    assert_eq!(d.responses, Some(false));
    assert_eq!(d.models, vec!["openclaw", "openclaw/main"]);
    for r in gw.requests() {
        if r.path == "/v1/chat/completions" {
            assert_eq!(
                r.json()["messages"],
                json!([]),
                "the check must not send a user message"
            );
            assert!(r.json().get("stream").is_none());
        }
    }
}

#[test]
fn diagnosis_cases() {
    // Endpoint disabled.
    let gw = gateway_like(false, false, TOKEN);
    let d = client(&gw.url).check_connection();
    assert_eq!(d.code, DiagnosisCode::EndpointDisabled, "{d}");
    assert!(
        d.summary
            .contains("gateway.http.endpoints.chatCompletions.enabled"),
        "{d}"
    );
    // Wrong token.
    let gw = gateway_like(true, true, "other");
    let d = client(&gw.url).check_connection();
    assert_eq!(d.code, DiagnosisCode::Unauthorized, "{d}");
    // Wrong token with /v1 off is still found through /tools/invoke.
    let gw = gateway_like(false, false, "other");
    let d = client(&gw.url).check_connection();
    assert_eq!(d.code, DiagnosisCode::Unauthorized, "{d}");
    // Rate limited.
    let gw = MockGateway::start(|r| {
        match r.path.as_str() {
        "/health" => Reply::json(200, r#"{"ok":true,"status":"live"}"#),
        _ => Reply::json(429, r#"{"error":{"message":"Too many failed authentication attempts.","type":"rate_limited"}}"#).header("Retry-After", "30"),
    }
    });
    let d = client(&gw.url).check_connection();
    assert_eq!(d.code, DiagnosisCode::RateLimited, "{d}");
    assert!(d.summary.contains("30"), "{d}");
    // Forbidden.
    let gw = MockGateway::start(|r| match r.path.as_str() {
        "/health" => Reply::json(200, r#"{"ok":true,"status":"live"}"#),
        _ => Reply::json(
            403,
            r#"{"error":{"message":"Proxy client attribution is required.","type":"proxy_attribution_required"}}"#,
        ),
    });
    assert_eq!(
        client(&gw.url).check_connection().code,
        DiagnosisCode::Forbidden
    );
    // Unreachable.
    let url = dead_url();
    let d = client(&url).check_connection();
    assert_eq!(d.code, DiagnosisCode::Unreachable, "{d}");
    assert!(d.summary.contains(&url), "{d}");
    // Not OpenClaw: an HTML server everywhere.
    let gw = MockGateway::start(|_| Reply::html(200, "<html>hi</html>"));
    let d = client(&gw.url).check_connection();
    assert_eq!(d.code, DiagnosisCode::NotOpenClaw, "{d}");
    assert!(d.summary.starts_with("not an OpenClaw gateway API"), "{d}");
    // Plain-text 404 everywhere (some other HTTP server).
    let gw = MockGateway::start(|_| Reply::text(404, "Not Found"));
    let d = client(&gw.url).check_connection();
    assert_eq!(d.code, DiagnosisCode::NotOpenClaw, "{d}");
    // TLS to a plain-HTTP server: a TLS failure, not "unreachable".
    let gw = gateway_like(true, true, TOKEN);
    let d = client(&gw.url.replace("http://", "https://")).check_connection();
    assert_eq!(d.code, DiagnosisCode::Tls, "{d}");
    for r in [format!("{d}"), format!("{d:?}")] {
        assert!(!r.contains(TOKEN));
    }
}

#[test]
fn many_threads_share_one_client() {
    let counter = Arc::new(AtomicUsize::new(0));
    let c2 = counter.clone();
    let gw = MockGateway::start(move |r| {
        c2.fetch_add(1, Ordering::SeqCst);
        let text = r.json()["messages"][0]["content"]
            .as_str()
            .unwrap_or("")
            .to_string();
        Reply::sse(&gateway_stream(&["echo: ", &text], false))
    });
    let c = client(&gw.url);
    let handles: Vec<_> = (0..16)
        .map(|t| {
            let c = c.clone();
            thread::spawn(move || {
                for i in 0..10 {
                    let msg = format!("t{t}-{i}");
                    let r = c
                        .chat_stream(&ChatRequest::user_message(&msg))
                        .unwrap()
                        .collect_reply()
                        .unwrap();
                    assert_eq!(r.content, format!("echo: {msg}"));
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    assert_eq!(counter.load(Ordering::SeqCst), 160);
}

#[test]
fn line_over_the_limit_is_a_limit_error() {
    let gw = MockGateway::start(|_| {
        let long = format!("data: {}\n\n", "x".repeat(10_000));
        Reply::sse(&[ROLE_CHUNK.to_string(), content_chunk("ok"), long])
    });
    let c = Client::builder()
        .base_url(&gw.url)
        .stream_limits(openclaw_client::sse::Limits {
            max_line_bytes: 1000,
            max_event_bytes: 4000,
            ..openclaw_client::sse::Limits::default()
        })
        .build()
        .unwrap();
    let err = c
        .chat_stream(&ChatRequest::user_message("x"))
        .unwrap()
        .collect_reply()
        .unwrap_err();
    assert!(
        matches!(err, Error::LimitExceeded { limit: 1000, .. }),
        "{err:?}"
    );
    assert_eq!(err.partial_text(), "ok");
}

fn counting(
    reply: impl Fn(usize, &Recorded) -> Reply + Send + Sync + 'static,
) -> (MockGateway, Arc<AtomicUsize>) {
    let n = Arc::new(AtomicUsize::new(0));
    let n2 = n.clone();
    let gw = MockGateway::start(move |r| reply(n2.fetch_add(1, Ordering::SeqCst), r));
    (gw, n)
}

fn retrying(url: &str) -> Client {
    Client::builder()
        .base_url(url)
        .token(TOKEN)
        .build()
        .unwrap()
}

#[test]
fn retry_503_honours_retry_after_then_succeeds() {
    let (gw, n) = counting(|i, _| {
        if i == 0 {
            Reply::json(503, r#"{"error":{"message":"Gateway is temporarily unavailable while suspending or restarting","type":"service_unavailable"}}"#).header("Retry-After", "1")
        } else {
            Reply::json(200, &completion_json("after restart"))
        }
    });
    let start = Instant::now();
    let r = retrying(&gw.url)
        .chat(&ChatRequest::user_message("x"))
        .unwrap();
    assert_eq!(r.content, "after restart");
    assert_eq!(n.load(Ordering::SeqCst), 2);
    assert!(
        start.elapsed() >= Duration::from_millis(950),
        "Retry-After was honoured"
    );
}

#[test]
fn retry_a_refused_connection_until_the_gateway_listens() {
    // Nothing listens at first (a restarting gateway): the request never left, so it is sent
    // again once the port answers.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let url = format!("http://127.0.0.1:{port}");
    let n = Arc::new(AtomicUsize::new(0));
    let count = n.clone();
    thread::spawn(move || {
        thread::sleep(Duration::from_millis(100));
        let l = std::net::TcpListener::bind(("127.0.0.1", port)).unwrap();
        for c in l.incoming().take(1) {
            let mut c = c.unwrap();
            let mut buf = [0u8; 4096];
            let _ = std::io::Read::read(&mut c, &mut buf);
            count.fetch_add(1, Ordering::SeqCst);
            let body = gateway_stream(&["ok"], false).concat();
            let _ = std::io::Write::write_all(&mut c, format!("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len()).as_bytes());
        }
    });
    let client = Client::builder()
        .base_url(&url)
        .token(TOKEN)
        .retry(RetryPolicy {
            max_retries: 5,
            base_delay: Duration::from_millis(100),
            ..RetryPolicy::default()
        })
        .build()
        .unwrap();
    let r = client
        .chat_stream(&ChatRequest::user_message("x"))
        .unwrap()
        .collect_reply()
        .unwrap();
    assert_eq!(r.content, "ok");
    assert_eq!(n.load(Ordering::SeqCst), 1);
}

#[test]
fn no_retry_on_auth_errors_long_retry_after_or_started_streams() {
    let (gw, n) = counting(|_, _| {
        Reply::json(
            401,
            r#"{"error":{"message":"Unauthorized","type":"unauthorized"}}"#,
        )
    });
    assert_eq!(
        retrying(&gw.url)
            .chat(&ChatRequest::user_message("x"))
            .unwrap_err()
            .kind(),
        ErrorKind::Unauthorized
    );
    assert_eq!(n.load(Ordering::SeqCst), 1);
    let (gw, n) = counting(|_, _| {
        Reply::json(
            429,
            r#"{"error":{"message":"locked","type":"rate_limited"}}"#,
        )
        .header("Retry-After", "300")
    });
    let start = Instant::now();
    let e = retrying(&gw.url)
        .chat(&ChatRequest::user_message("x"))
        .unwrap_err();
    assert_eq!(e.retry_after(), Some(Duration::from_secs(300)));
    assert_eq!(n.load(Ordering::SeqCst), 1);
    assert!(start.elapsed() < Duration::from_secs(1));
    let (gw, n) = counting(|_, _| {
        let mut p = gateway_stream(&["cut"], false);
        p.truncate(2);
        Reply::sse(&p).cut()
    });
    let e = retrying(&gw.url)
        .chat_stream(&ChatRequest::user_message("x"))
        .unwrap()
        .collect_reply()
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Truncated);
    assert_eq!(
        n.load(Ordering::SeqCst),
        1,
        "a started stream is never replayed"
    );
}

#[test]
fn retries_give_up_after_the_policy_and_cancel_interrupts_the_wait() {
    let (gw, n) = counting(|_, _| {
        Reply::json(
            503,
            r#"{"error":{"message":"restarting","type":"service_unavailable"}}"#,
        )
    });
    let c = Client::builder()
        .base_url(&gw.url)
        .retry(RetryPolicy {
            max_retries: 3,
            base_delay: Duration::from_millis(20),
            max_delay: Duration::from_millis(40),
            max_retry_after: Duration::from_secs(10),
        })
        .build()
        .unwrap();
    // Three waits of at most 40 ms: the guard only catches a retry loop that never ends.
    let e = within(10, move || {
        c.chat(&ChatRequest::user_message("x")).unwrap_err()
    });
    assert_eq!(e.http_status(), Some(503));
    assert_eq!(n.load(Ordering::SeqCst), 4);
    let (gw, _) = counting(|_, _| {
        Reply::json(
            503,
            r#"{"error":{"message":"restarting","type":"service_unavailable"}}"#,
        )
        .header("Retry-After", "5")
    });
    let token = CancelToken::new();
    let t2 = token.clone();
    let seen = gw.request_log();
    thread::spawn(move || {
        // Cancel once the first attempt was answered (the client is then waiting out the 5 s).
        while seen.lock().unwrap().is_empty() {
            thread::sleep(Duration::from_millis(5));
        }
        thread::sleep(Duration::from_millis(50));
        t2.cancel();
    });
    // The wait would be 5 s; the cancel must end it (the guard fires at 3 s).
    let url = gw.url.clone();
    let e = within(3, move || {
        retrying(&url)
            .chat(&ChatRequest::user_message("x").options(CallOptions::new().cancel_token(token)))
            .unwrap_err()
    });
    assert_eq!(e.kind(), ErrorKind::Cancelled);
    assert_eq!(gw.requests().len(), 1, "cancelled before the retry");
}

#[test]
fn retried_tool_calls_reuse_one_idempotency_key() {
    let (gw, _) = counting(|i, _| {
        if i == 0 {
            Reply::json(
                503,
                r#"{"error":{"message":"restarting","type":"service_unavailable"}}"#,
            )
            .header("Retry-After", "0")
        } else {
            Reply::json(200, r#"{"ok":true,"result":1}"#)
        }
    });
    assert_eq!(
        retrying(&gw.url)
            .invoke_tool(&ToolInvocation::new("t", json!({})))
            .unwrap()
            .get(),
        "1"
    );
    retrying(&gw.url)
        .invoke_tool(&ToolInvocation::new("t", json!({})))
        .unwrap();
    let keys: Vec<String> = gw
        .requests()
        .iter()
        .map(|r| r.json()["idempotencyKey"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(keys.len(), 3);
    assert!(keys.iter().all(|k| !k.is_empty()), "{keys:?}");
    assert_eq!(keys[0], keys[1], "the retry reuses the call's key");
    assert_ne!(keys[1], keys[2], "each call has its own key");
}
