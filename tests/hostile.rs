//! Hostile and foreign servers on loopback: absurd `Retry-After` values through the C face,
//! oversized (gzip) error bodies, servers that are not OpenClaw, and an environment proxy that
//! must never see a loopback gateway's traffic.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::ptr;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use ::openclaw_client::ffi::chat::*;
use ::openclaw_client::ffi::client::*;
use ::openclaw_client::ffi::error::*;
use ::openclaw_client::{Client, ProxySetting, RetryPolicy};
use common::cffi::*;
use common::*;

#[test]
fn retry_after_ms_saturates_in_the_c_getter() {
    // (Retry-After in seconds, what the getter must report)
    let cases: [(&str, i64); 4] = [
        ("18446744073709551615", i64::MAX), // u64::MAX s: wrapped to -1000 before
        ("9223372036854776", i64::MAX),     // just over i64::MAX ms: wrapped negative before
        ("9223372036854775", 9_223_372_036_854_775_000), // the largest that fits, exact
        ("86400", 86_400_000),
    ];
    for (header, want) in cases {
        let gw = MockGateway::start(move |_| {
            Reply::json(
                429,
                r#"{"error":{"message":"Too many requests","type":"rate_limited"}}"#,
            )
            .header("Retry-After", header)
        });
        let c = c_client(&gw.url, None, Some(0));
        let req = openclaw_chat_request_new();
        unsafe {
            assert_eq!(
                openclaw_chat_request_add_message(req, OPENCLAW_ROLE_USER, cs("x").as_ptr()),
                OPENCLAW_RESULT_OK
            );
            let mut res = ptr::null_mut();
            assert_eq!(
                openclaw_chat(c, req, &mut res),
                OPENCLAW_RESULT_RATE_LIMITED,
                "{}",
                last_message()
            );
            assert_eq!(
                openclaw_last_error_retry_after_ms(),
                want,
                "Retry-After: {header}"
            );
            openclaw_chat_request_free(req);
            openclaw_client_free(c);
        }
    }
}

/// A listener that records the request line of every connection and answers `reply` (a full
/// HTTP response), then closes. Returns its port and the recorded request lines.
fn recording_listener(addr: &str, reply: &'static str) -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind(addr).unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut conn) = conn else { continue };
            let log = log.clone();
            thread::spawn(move || {
                let _ = conn.set_read_timeout(Some(Duration::from_secs(5)));
                let mut r = BufReader::new(conn.try_clone().unwrap());
                let mut line = String::new();
                let _ = r.read_line(&mut line);
                log.lock().unwrap().push(line.trim_end().to_owned());
                loop {
                    let mut h = String::new();
                    if r.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
                        break;
                    }
                }
                let _ = conn.write_all(reply.as_bytes());
                let _ = conn.shutdown(std::net::Shutdown::Both);
            });
        }
    });
    (port, seen)
}

const HEALTH_REPLY: &str = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 27\r\nConnection: close\r\n\r\n{\"ok\":true,\"status\":\"live\"}";
const PROXY_REPLY: &str =
    "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";

/// Loopback spellings: reachable at the test listeners, and elsewhere (they may not resolve, or
/// not reach a listener bound to 127.0.0.1, on every machine); non-loopback hosts, which must
/// go through the proxy.
const LOOPBACK_V4: &[&str] = &[
    "127.1",
    "127.0.1",
    "0x7f.0.0.1",
    "0177.0.0.1",
    "2130706433",
    "localhost",
];
const LOOPBACK_V6: &[&str] = &["[0:0:0:0:0:0:0:1]", "[::1]", "[0::1]"];
const LOOPBACK_ELSEWHERE: &[&str] = &[
    "localhost.",
    "gw.localhost.",
    "127.0.0.1.",
    "127.8.9.10",
    "127.255.0.1",
    "[::ffff:127.0.0.1]",
    "0.0.0.0",
    "0",
];
const VIA_PROXY: &[&str] = &[
    "gw.example",
    "127.0.0.1.example",
    "localhost.example",
    "128.0.0.1",
    // Not IPv4 addresses at all (a byte over 255; an empty part; five parts): host names,
    // not loopback.
    "127.0.0.256",
    "127..1",
    "127.0.0.1.0",
    // A part over 255 that, added in, would land in 127/8.
    "126.256.0.1",
];

#[test]
fn env_proxy_is_never_used_for_a_loopback_gateway() {
    const NAME: &str = "env_proxy_is_never_used_for_a_loopback_gateway";
    if common::child::is_child(NAME) {
        let port = |k: &str| std::env::var(k).unwrap();
        let (v4, v6) = (port("GW_PORT_V4"), port("GW_PORT_V6"));
        let client = |host: &str, port: &str| {
            Client::builder()
                .base_url(format!("http://{host}:{port}"))
                .token("PROXY-TEST-TOKEN")
                .proxy(ProxySetting::FromEnv)
                .retry(RetryPolicy::none())
                .connect_timeout(Some(Duration::from_secs(5)))
                .build()
                .unwrap()
        };
        for h in LOOPBACK_V4 {
            let r = client(h, &v4).health();
            assert!(r.is_ok(), "{h}: {r:?}");
        }
        for h in LOOPBACK_V6 {
            let r = client(h, &v6).health();
            assert!(r.is_ok(), "{h}: {r:?}");
        }
        for h in LOOPBACK_ELSEWHERE.iter().chain(VIA_PROXY) {
            // The outcome does not matter here; the parent counts who was contacted.
            let _ = client(h, &v4).health();
        }
        println!("CHILD DONE");
        return;
    }
    let (proxy_port, proxy_seen) = recording_listener("127.0.0.1:0", PROXY_REPLY);
    let (v4_port, v4_seen) = recording_listener("127.0.0.1:0", HEALTH_REPLY);
    let (v6_port, v6_seen) = recording_listener("[::1]:0", HEALTH_REPLY);
    let proxy = format!("http://127.0.0.1:{proxy_port}");
    let out = common::child::rerun(
        NAME,
        &[
            ("HTTPS_PROXY", &proxy),
            ("HTTP_PROXY", &proxy),
            ("ALL_PROXY", &proxy),
            ("GW_PORT_V4", &v4_port.to_string()),
            ("GW_PORT_V6", &v6_port.to_string()),
        ],
        &[
            "NO_PROXY",
            "no_proxy",
            "https_proxy",
            "http_proxy",
            "all_proxy",
        ],
    );
    assert!(out.contains("CHILD DONE"), "{out}");
    let proxied = proxy_seen.lock().unwrap().clone();
    // Exactly the non-loopback hosts went to the proxy, one CONNECT each.
    assert_eq!(proxied.len(), VIA_PROXY.len(), "{proxied:#?}");
    for h in VIA_PROXY {
        assert!(
            proxied
                .iter()
                .any(|l| l.starts_with(&format!("CONNECT {h}:"))),
            "{h} did not use the proxy: {proxied:#?}"
        );
    }
    // Every reachable loopback spelling reached its gateway directly (some of the others may
    // too, depending on the machine's resolver and IPv6 setup).
    let direct = v4_seen.lock().unwrap().len();
    assert!(
        (LOOPBACK_V4.len()..=LOOPBACK_V4.len() + LOOPBACK_ELSEWHERE.len()).contains(&direct),
        "{direct}"
    );
    assert_eq!(v6_seen.lock().unwrap().len(), LOOPBACK_V6.len());
}

/// `openclaw_client_new_default` on another thread; fails (instead of hanging) after 10 s.
fn c_new_default_within_10s() -> (openclaw_result, String) {
    let (tx, rx) = std::sync::mpsc::channel();
    thread::spawn(move || {
        let mut c = ptr::null();
        let rc = unsafe { openclaw_client_new_default(&mut c) };
        if rc == OPENCLAW_RESULT_OK {
            unsafe { openclaw_client_free(c) };
        }
        let _ = tx.send((rc, last_message()));
    });
    rx.recv_timeout(Duration::from_secs(10))
        .expect("openclaw_client_new_default blocked on the config file")
}

#[cfg(unix)]
#[test]
fn config_file_that_is_not_a_small_regular_file_is_refused_at_once() {
    const NAME: &str = "config_file_that_is_not_a_small_regular_file_is_refused_at_once";
    if common::child::is_child(NAME) {
        let path = std::env::var("OPENCLAW_CONFIG_PATH").unwrap();
        let (rc, msg) = c_new_default_within_10s();
        assert_eq!(rc, OPENCLAW_RESULT_INVALID_ARGUMENT, "{msg}");
        assert!(msg.contains(&path), "names the file: {msg}");
        assert!(msg.contains(&std::env::var("WHAT").unwrap()), "{msg}");
        assert!(msg.contains("OPENCLAW_CONFIG_PATH"), "names the fix: {msg}");
        println!("CHILD DONE");
        return;
    }
    let dir = std::env::temp_dir().join(format!("openclaw-cfg-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let fifo = dir.join("fifo.json");
    let _ = std::fs::remove_file(&fifo);
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(status.success());
    let huge = dir.join("huge.json");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(300_000_000)
        .unwrap();
    let subdir = dir.join("dir.json");
    std::fs::create_dir_all(&subdir).unwrap();
    for (path, what) in [
        (&fifo, "FIFO"),
        (&huge, "300000000 bytes"),
        (&subdir, "a directory"),
    ] {
        let out = common::child::rerun(
            NAME,
            &[
                ("OPENCLAW_CONFIG_PATH", path.to_str().unwrap()),
                ("WHAT", what),
            ],
            &[
                "OPENCLAW_GATEWAY_URL",
                "OPENCLAW_GATEWAY_TOKEN",
                "OPENCLAW_GATEWAY_PASSWORD",
                "OPENCLAW_GATEWAY_PORT",
            ],
        );
        assert!(out.contains("CHILD DONE"), "{out}");
    }
}

/// A mock server that counts the POSTs it receives.
fn counting(
    handler: impl Fn(&Recorded) -> Reply + Send + Sync + 'static,
) -> (MockGateway, Arc<std::sync::atomic::AtomicUsize>) {
    let posts = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let p = posts.clone();
    let gw = MockGateway::start(move |r| {
        if r.method == "POST" {
            p.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
        handler(r)
    });
    (gw, posts)
}

fn diagnosis_client(url: &str) -> Client {
    Client::builder()
        .base_url(url)
        .token("gateway-token")
        .retry(RetryPolicy::none())
        .build()
        .unwrap()
}

/// An OpenAI-compatible model provider: a model list, chat completions that answer (and would
/// bill), a `/health` of its own shape.
fn openai_compatible(r: &Recorded) -> Reply {
    match (r.method.as_str(), r.path.as_str()) {
        ("GET", "/health") => Reply::json(200, r#"{"status":"ok"}"#),
        ("GET", "/v1/models") => Reply::json(
            200,
            r#"{"object":"list","data":[{"id":"gpt-4o","object":"model","created":1,"owned_by":"openai"},{"id":"gpt-4o-mini","object":"model","created":1,"owned_by":"openai"}]}"#,
        ),
        ("POST", "/v1/chat/completions") | ("POST", "/v1/responses") => Reply::json(
            200,
            r#"{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-4o","choices":[{"index":0,"message":{"role":"assistant","content":"Hello!"},"finish_reason":"stop"}],"usage":{"prompt_tokens":9,"completion_tokens":2,"total_tokens":11}}"#,
        ),
        _ => Reply::json(
            404,
            r#"{"error":{"message":"Not found","type":"invalid_request_error","code":"not_found"}}"#,
        ),
    }
}

fn assert_not_openclaw(d: &::openclaw_client::Diagnosis) {
    use ::openclaw_client::DiagnosisCode;
    assert_eq!(d.code, DiagnosisCode::NotOpenClaw, "{d}");
    assert!(d.summary.starts_with("not an OpenClaw gateway API"), "{d}");
    assert!(d.summary.contains("nothing but GET requests"), "{d}");
    assert_eq!((d.chat_completions, d.responses), (None, None), "{d}");
    assert!(d.models.is_empty(), "{d}");
}

#[test]
fn diagnosis_of_an_openai_compatible_provider_is_not_openclaw_and_posts_nothing() {
    let (gw, posts) = counting(openai_compatible);
    let c = diagnosis_client(&gw.url);
    let d = c.check_connection();
    assert_not_openclaw(&d);
    assert!(d.summary.contains("gpt-4o"), "says what it saw: {d}");
    // Capabilities (built on the check) and the C face post nothing either.
    let caps = c.refresh_capabilities().unwrap();
    assert_eq!((caps.chat_completions, caps.responses), (None, None));
    unsafe {
        use ::openclaw_client::ffi::diagnosis::*;
        let cc = c_client(&gw.url, None, Some(0));
        let mut out = ptr::null_mut();
        assert_eq!(openclaw_check_connection(cc, &mut out), OPENCLAW_RESULT_OK);
        assert_eq!(
            openclaw_diagnosis_code(out),
            OPENCLAW_DIAGNOSIS_NOT_OPENCLAW
        );
        openclaw_diagnosis_free(out);
        openclaw_client_free(cc);
    }
    assert_eq!(posts.load(std::sync::atomic::Ordering::SeqCst), 0);
    assert!(
        gw.requests().iter().all(|r| r.method == "GET"),
        "{:#?}",
        gw.requests()
    );

    // The same provider refusing the gateway token with its own 401: not "unauthorized" (a
    // token fix would not help), still no POST.
    let (gw, posts) = counting(|r| match r.path.as_str() {
        "/health" => Reply::text(404, "404 page not found"),
        _ => Reply::json(
            401,
            r#"{"error":{"message":"Incorrect API key provided: gateway-token.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}"#,
        ),
    });
    let d = diagnosis_client(&gw.url).check_connection();
    assert_not_openclaw(&d);
    assert!(d.summary.contains("HTTP 401"), "{d}");
    assert_eq!(posts.load(std::sync::atomic::Ordering::SeqCst), 0);
}

#[test]
fn diagnosis_of_a_static_web_server_is_not_openclaw_and_posts_nothing() {
    let (gw, posts) = counting(|r| match r.method.as_str() {
        "GET" => Reply::html(404, "<html><body><h1>404 Not Found</h1></body></html>"),
        _ => Reply::html(
            501,
            "<html><body><h1>501 Not Implemented</h1></body></html>",
        ),
    });
    let d = diagnosis_client(&gw.url).check_connection();
    assert_not_openclaw(&d);
    assert!(d.summary.contains("GET /health: HTTP 404 text/html"), "{d}");
    assert_eq!(posts.load(std::sync::atomic::Ordering::SeqCst), 0);
}

/// The gateway's probe answers, verbatim from a real 2026.9.6 gateway (TRANSCRIPT §7.9–7.14).
const REAL_HEALTH: &str = r#"{"ok":true,"status":"live"}"#;
const REAL_READY: &str = r#"{"ready":true,"failing":[],"uptimeMs":54678,"eventLoop":{"degraded":false,"degradedSinceMs":null,"reasons":[],"intervalMs":1020.0380539999969,"delayP99Ms":41.3,"delayMaxMs":41.3,"utilization":0.058,"cpuCoreRatio":0.065,"cpuBreakdown":{"mainThreadCoreRatio":0.048,"hostUtilization":0.562,"hostCpuCount":2,"workerCoreRatio":0.003,"otherThreadsCoreRatio":0.014}}}"#;
const REAL_STARTUP: &str =
    r#"{"ok":true,"status":"started","version":"2026.9.6","uptimeMs":55013}"#;
const REAL_MODELS: &str = r#"{"object":"list","data":[{"id":"openclaw","object":"model","created":0,"owned_by":"openclaw","permission":[]},{"id":"openclaw/default","object":"model","created":0,"owned_by":"openclaw","permission":[]},{"id":"openclaw/main","object":"model","created":0,"owned_by":"openclaw","permission":[]}]}"#;
const REAL_401: &str = r#"{"error":{"message":"Unauthorized","type":"unauthorized"}}"#;

/// A gateway with chat completions on, answering like the real one, with only the probes in
/// `probes` reachable (a reverse proxy may forward only some paths).
fn real_shaped_gateway(
    probes: &'static [&'static str],
    token_ok: bool,
) -> (MockGateway, Arc<std::sync::atomic::AtomicUsize>) {
    counting(move |r| {
        let probe = |p: &str, body: &str| {
            if probes.contains(&p) {
                Reply::json(200, body).header("Cache-Control", "no-store")
            } else {
                Reply::text(404, "Not Found")
            }
        };
        match r.path.as_str() {
            "/health" | "/healthz" => probe("/health", REAL_HEALTH),
            "/readyz" => probe("/readyz", REAL_READY),
            "/startupz" => probe("/startupz", REAL_STARTUP),
            _ if !token_ok => Reply::json(401, REAL_401),
            "/v1/models" => Reply::json(200, REAL_MODELS),
            "/v1/chat/completions" => Reply::json(
                400,
                r#"{"error":{"message":"Missing user message in `messages`.","type":"invalid_request_error"}}"#,
            ),
            "/v1/responses" => Reply::json(
                400,
                r#"{"error":{"message":"input: Invalid input","type":"invalid_request_error"}}"#,
            ),
            _ => Reply::text(404, "Not Found"),
        }
    })
}

#[test]
fn diagnosis_identifies_the_gateway_by_any_of_its_probes_or_its_envelopes() {
    use ::openclaw_client::DiagnosisCode;
    for probes in [
        &["/health", "/readyz", "/startupz"][..],
        &["/startupz"][..],
        &["/readyz"][..],
        &[][..], // only /v1 forwarded: its agent targets identify it
    ] {
        let (gw, posts) = real_shaped_gateway(probes, true);
        let d = diagnosis_client(&gw.url).check_connection();
        assert_eq!(d.code, DiagnosisCode::Ok, "{probes:?}: {d}");
        assert_eq!(d.chat_completions, Some(true), "{d}");
        assert_eq!(
            d.models,
            vec!["openclaw", "openclaw/default", "openclaw/main"]
        );
        // Two probes that the gateway rejects before running anything.
        assert_eq!(posts.load(std::sync::atomic::Ordering::SeqCst), 2, "{d}");
        for r in gw.requests().iter().filter(|r| r.method == "POST") {
            assert!(
                r.json()
                    .get("messages")
                    .is_none_or(|m| m == &serde_json::json!([]))
            );
        }
    }
    // Behind a proxy forwarding only /v1, a wrong token meets the gateway's own 401.
    let (gw, posts) = real_shaped_gateway(&[], false);
    let d = diagnosis_client(&gw.url).check_connection();
    assert_eq!(d.code, DiagnosisCode::Unauthorized, "{d}");
    assert_eq!(posts.load(std::sync::atomic::Ordering::SeqCst), 0);
    // With /health, the credential is checked as before.
    let (gw, _) = real_shaped_gateway(&["/health", "/readyz", "/startupz"], false);
    let d = diagnosis_client(&gw.url).check_connection();
    assert_eq!(d.code, DiagnosisCode::Unauthorized, "{d}");
    // /startupz got the credential only after /health identified the gateway.
    let (gw, _) = real_shaped_gateway(&["/startupz"], true);
    let _ = diagnosis_client(&gw.url).check_connection();
    let startup = gw
        .requests()
        .into_iter()
        .find(|r| r.path == "/startupz")
        .unwrap();
    assert_eq!(startup.header("authorization"), None);
}

/// `data` as a gzip stream of stored (uncompressed) deflate blocks.
fn gzip_stored(data: &[u8]) -> Vec<u8> {
    let mut crc = !0u32;
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
    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255];
    let mut chunks = data.chunks(65_535).peekable();
    while let Some(c) = chunks.next() {
        out.push(u8::from(chunks.peek().is_none()));
        let len = c.len() as u16;
        out.extend(len.to_le_bytes());
        out.extend((!len).to_le_bytes());
        out.extend(c);
    }
    out.extend((!crc).to_le_bytes());
    out.extend((data.len() as u32).to_le_bytes());
    out
}

#[test]
fn an_error_body_over_64_kib_shows_its_start() {
    let text = format!(
        "ERROR-BODY-START upstream exploded {}",
        "x".repeat(100 * 1024)
    );
    let envelope = format!(
        r#"{{"error":{{"message":"ENVELOPE-START {}","type":"api_error"}}}}"#,
        "y".repeat(70 * 1024)
    );
    let cases: Vec<(Reply, &str)> = vec![
        (
            Reply::new(500, "text/plain", gzip_stored(text.as_bytes()))
                .header("Content-Encoding", "gzip"),
            "ERROR-BODY-START upstream exploded",
        ),
        (
            Reply::new(502, "text/plain", text.clone()),
            "ERROR-BODY-START upstream exploded",
        ),
        (
            Reply::new(500, "application/json", gzip_stored(envelope.as_bytes()))
                .header("Content-Encoding", "gzip"),
            "ENVELOPE-START",
        ),
    ];
    for (reply, start) in cases {
        let gw = MockGateway::start(move |_| reply.clone());
        let c = diagnosis_client(&gw.url);
        let e = c
            .chat(&::openclaw_client::ChatRequest::user_message("hi"))
            .unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains(start), "{msg:.300}");
        assert!(!msg.contains("(empty body)"), "{msg:.300}");
        assert!(msg.len() < 8 * 1024, "the shown start is bounded");
        // The C face says the same.
        let cc = c_client(&gw.url, None, Some(0));
        let req = openclaw_chat_request_new();
        unsafe {
            openclaw_chat_request_add_message(req, OPENCLAW_ROLE_USER, cs("x").as_ptr());
            let mut res = ptr::null_mut();
            assert_ne!(openclaw_chat(cc, req, &mut res), OPENCLAW_RESULT_OK);
            assert!(last_message().contains(start), "{:.300}", last_message());
            openclaw_chat_request_free(req);
            openclaw_client_free(cc);
        }
    }
}

#[test]
fn partial_text_counts_bytes_in_good_grammar() {
    for (text, note) in [
        ("x", "(1 byte of text had arrived)"),
        ("é", "(2 bytes of text had arrived)"),
    ] {
        let gw = MockGateway::start(move |_| {
            Reply::sse(&[ROLE_CHUNK.to_string(), content_chunk(text)]).cut()
        });
        let e = diagnosis_client(&gw.url)
            .chat_stream(&::openclaw_client::ChatRequest::user_message("hi"))
            .unwrap()
            .collect_reply()
            .unwrap_err();
        assert_eq!(e.partial_text(), text);
        assert!(e.to_string().ends_with(note), "{e}");
    }
}

#[test]
fn diagnosis_does_not_wait_for_bodies_it_does_not_need() {
    // Every answer is a success whose event-stream body never comes.
    let (gw, posts) =
        counting(|_| Reply::sse_timed(vec![(Duration::from_secs(60), b": never\n\n".to_vec())]));
    let started = std::time::Instant::now();
    let d = diagnosis_client(&gw.url).check_connection();
    assert_not_openclaw(&d);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(posts.load(std::sync::atomic::Ordering::SeqCst), 0);
}
