//! The token, password and session key never appear in logs (captured at trace level, ureq's
//! included) nor in any error's Display or Debug, across the fault matrix; neither do the
//! user-info and query values of a URL, whichever way it was given; a secret sent in clear
//! over the network is warned about.

mod common;

use std::ffi::{CStr, CString};
use std::sync::{Mutex, Once};
use std::time::Duration;

use common::*;
use openclaw_client::*;

const TOKEN: &str = "TOKEN-SECRET-7f3a9c";
const PASSWORD: &str = "PASSWORD-SECRET-b81d";
const SESSION: &str = "SESSION-KEY-SECRET-42e0";

static LOGS: Mutex<Vec<String>> = Mutex::new(Vec::new());

struct Capture;
impl log::Log for Capture {
    fn enabled(&self, _: &log::Metadata) -> bool {
        true
    }
    fn log(&self, r: &log::Record) {
        LOGS.lock()
            .unwrap()
            .push(format!("{} {} {}", r.level(), r.target(), r.args()));
    }
    fn flush(&self) {}
}

/// Installs the capturing logger (once per process) at trace level.
fn capture_logs() {
    static CAPTURE: Capture = Capture;
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        log::set_logger(&CAPTURE).unwrap();
        log::set_max_level(log::LevelFilter::Trace);
    });
}

fn faults() -> Vec<Reply> {
    vec![
        Reply::json(
            401,
            r#"{"error":{"message":"Unauthorized","type":"unauthorized"}}"#,
        ),
        Reply::json(
            403,
            r#"{"ok":false,"error":{"type":"forbidden","message":"missing scope: operator.admin"}}"#,
        ),
        Reply::json(
            429,
            r#"{"error":{"message":"Too many","type":"rate_limited"}}"#,
        )
        .header("Retry-After", "3"),
        Reply::text(404, "Not Found"),
        Reply::html(200, "<html></html>"),
        Reply::json(
            500,
            r#"{"error":{"message":"internal error","type":"api_error"}}"#,
        ),
        Reply::json(307, "{}").header("Location", "http://elsewhere.example/"),
        Reply::sse(&[ROLE_CHUNK.to_string(), content_chunk("partial")]).cut(),
        Reply::sse(&[
            ROLE_CHUNK.to_string(),
            "data: {\"error\":{\"message\":\"boom\"}}\n\n".into(),
        ]),
        Reply::sse(&[ROLE_CHUNK.to_string(), "data: not json\n\n".into()]),
        Reply::sse_timed(vec![
            (Duration::ZERO, ROLE_CHUNK.as_bytes().to_vec()),
            (Duration::from_secs(3), DONE.as_bytes().to_vec()),
        ]),
        Reply::sse(&gateway_stream(&["ok"], true)),
    ]
}

#[test]
fn secrets_never_leak_into_logs_or_errors() {
    capture_logs();
    let mut texts = Vec::new();
    for secret in [TOKEN, PASSWORD] {
        for reply in faults() {
            let gw = MockGateway::start(move |_| reply.clone());
            let c = Client::builder()
                .base_url(&gw.url)
                .secret(secret)
                .idle_timeout(Some(Duration::from_millis(300)))
                // Retries on (their debug logs are checked too), with short waits.
                .retry(RetryPolicy {
                    max_retries: 1,
                    base_delay: Duration::from_millis(1),
                    max_delay: Duration::from_millis(2),
                    max_retry_after: Duration::ZERO,
                })
                .build()
                .unwrap();
            texts.push(format!("{c:?}"));
            let req = ChatRequest::user_message("hi").session_key(SESSION);
            match c.chat_stream(&req) {
                Ok(s) => match s.collect_reply() {
                    Ok(r) => texts.push(format!("{r:?}")),
                    Err(e) => texts.push(format!("{e} {e:?}")),
                },
                Err(e) => texts.push(format!("{e} {e:?}")),
            }
            if let Err(e) = c.chat(&req) {
                texts.push(format!("{e} {e:?}"));
            }
            if let Err(e) =
                c.invoke_tool(&ToolInvocation::new("t", serde_json::json!({})).session_key(SESSION))
            {
                texts.push(format!("{e} {e:?}"));
            }
            let d = c.check_connection();
            texts.push(format!("{d} {d:?}"));
            let bearer = format!("Bearer {secret}");
            assert!(
                gw.requests()
                    .iter()
                    .any(|r| r.header("authorization") == Some(bearer.as_str())),
                "the secret was sent"
            );
        }
        // Unreachable and invalid input.
        let c = Client::builder()
            .base_url("http://127.0.0.1:1")
            .secret(secret)
            .build()
            .unwrap();
        let e = c
            .chat(&ChatRequest::user_message("x").session_key(SESSION))
            .unwrap_err();
        texts.push(format!("{e} {e:?}"));
        let e = c.update_secret(&format!("{secret}\r\n")).unwrap_err();
        texts.push(format!("{e} {e:?}"));
        let b = Client::builder().secret(secret);
        texts.push(format!("{b:?}"));
        let e = Client::builder()
            .secret(format!("{secret}\n"))
            .build()
            .unwrap_err();
        texts.push(format!("{e} {e:?}"));
    }
    let logs = LOGS.lock().unwrap().clone();
    assert!(
        logs.len() > 50,
        "the logger captured the library's and ureq's records ({})",
        logs.len()
    );
    assert!(
        logs.iter().any(|l| l.contains("/v1/chat/completions")),
        "requests are logged"
    );
    for line in logs.iter().chain(texts.iter()) {
        for s in [TOKEN, PASSWORD, SESSION] {
            assert!(!line.contains(s), "secret leaked: {line}");
        }
    }
}

const URL_SECRET: &str = "URL-SECRET-5d2e91";

/// The C face's last error message.
fn c_last_error() -> String {
    let p = ::openclaw_client::ffi::error::openclaw_last_error_message();
    unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
}

/// Builds a client through the C face from discovery and from an explicit URL; returns the
/// failure messages (both builds are expected to fail).
fn c_face_failures(explicit_url: Option<&str>) -> Vec<String> {
    use ::openclaw_client::ffi::client::*;
    use ::openclaw_client::ffi::error::*;
    let mut out = Vec::new();
    unsafe {
        let mut c = std::ptr::null();
        if openclaw_client_new_default(&mut c) != OPENCLAW_RESULT_OK {
            out.push(c_last_error());
        } else {
            openclaw_client_free(c);
        }
        if let Some(u) = explicit_url {
            let b = openclaw_client_builder_new();
            let u = CString::new(u).unwrap();
            assert_eq!(
                openclaw_client_builder_set_base_url(b, u.as_ptr()),
                OPENCLAW_RESULT_OK
            );
            let mut c = std::ptr::null();
            assert_eq!(
                openclaw_client_builder_build(b, &mut c),
                OPENCLAW_RESULT_INVALID_ARGUMENT
            );
            out.push(c_last_error());
        }
    }
    out
}

/// In a child process with `OPENCLAW_GATEWAY_URL` or `gateway.remote.url` carrying
/// [`URL_SECRET`]: discovery, building (Rust and C) and the diagnosis of a client that does
/// build never show it.
fn url_secret_child(expect_build_failure: bool) {
    capture_logs();
    let mut texts = Vec::new();
    let b = ClientBuilder::from_env().unwrap();
    texts.push(format!("{b:?}"));
    match b.build() {
        Ok(c) => {
            assert!(!expect_build_failure, "the URL with a secret was accepted");
            let d = c.check_connection();
            texts.push(format!("{d} {d:?} {c:?}"));
            texts.push(format!("{:?}", c.discovered()));
        }
        Err(e) => {
            assert!(expect_build_failure, "{e}");
            assert!(matches!(e, Error::InvalidInput(_)), "{e:?}");
            texts.push(format!("{e} {e:?}"));
        }
    }
    if expect_build_failure {
        let e = Client::from_env().unwrap_err();
        assert!(e.to_string().contains("***@"), "shown redacted: {e}");
        texts.push(format!("{e} {e:?}"));
        let failures = c_face_failures(None);
        assert_eq!(failures.len(), 1, "the C face fails too");
        texts.extend(failures);
    }
    let logs = LOGS.lock().unwrap().clone();
    let n = texts.len() + logs.len();
    for t in texts.iter().chain(logs.iter()) {
        assert!(!t.contains(URL_SECRET), "URL secret leaked: {t}");
    }
    println!("CHECKED {n} texts");
}

#[test]
fn url_secrets_are_never_echoed() {
    const NAME: &str = "url_secrets_are_never_echoed";
    if common::child::is_child(NAME) {
        return url_secret_child(std::env::var("EXPECT_BUILD_FAILURE").is_ok());
    }
    capture_logs();
    let mut texts = Vec::new();

    // Explicit base URLs (Rust and C faces).
    for u in [
        format!("http://alice:{URL_SECRET}@127.0.0.1:1"),
        format!("http://127.0.0.1:1/?token={URL_SECRET}"),
        format!("https://gw.example/#access_token={URL_SECRET}"),
        format!("http://alice:{URL_SECRET}/x@gw.example"),
        format!("bob:{URL_SECRET}@gw.example:18789"),
        format!("ws://{URL_SECRET}@gw.example"),
    ] {
        let b = Client::builder().base_url(&u).token(TOKEN);
        texts.push(format!("{b:?}"));
        let e = b.build().unwrap_err();
        assert!(matches!(e, Error::InvalidInput(_)), "{e:?}");
        assert!(e.to_string().contains("gw.example") || e.to_string().contains("127.0.0.1"));
        texts.push(format!("{e} {e:?}"));
        texts.extend(c_face_failures(Some(&u)));
    }

    // A proxy URL with credentials: shown redacted in Debug, in its own error and in the
    // errors and logs of a call through it (nothing listens at the proxy).
    let proxy = ProxySetting::Url(format!(
        "http://puser:{URL_SECRET}@{}",
        dead_url().trim_start_matches("http://")
    ));
    texts.push(format!("{proxy:?}"));
    let b = Client::builder()
        .base_url("http://gw.example:18789")
        .proxy(proxy)
        .retry(RetryPolicy::none());
    texts.push(format!("{b:?}"));
    let c = b.build().unwrap();
    let e = c.chat(&ChatRequest::user_message("hi")).unwrap_err();
    texts.push(format!("{e} {e:?}"));
    let d = c.check_connection();
    texts.push(format!("{d} {d:?}"));
    let e = Client::builder()
        .proxy(ProxySetting::Url(format!(
            "ftp://u:{URL_SECRET}@proxy.example"
        )))
        .build()
        .unwrap_err();
    assert!(matches!(e, Error::InvalidInput(_)), "{e:?}");
    texts.push(format!("{e} {e:?}"));
    let e = Client::builder()
        .hooks_path(format!("/hooks?token={URL_SECRET}"))
        .build()
        .unwrap_err();
    texts.push(format!("{e} {e:?}"));

    // From the environment and from the config file, in child processes (their own
    // environment; each checks its own texts and logs).
    let dir = std::env::temp_dir().join(format!("openclaw-url-secret-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cfg = dir.join("openclaw.json");
    std::fs::write(
        &cfg,
        format!(
            r#"{{ gateway: {{ mode: "remote", remote: {{ url: "wss://alice:{URL_SECRET}@gw.example/?token={URL_SECRET}", token: "t" }} }} }}"#
        ),
    )
    .unwrap();
    let unset = [
        "OPENCLAW_GATEWAY_URL",
        "OPENCLAW_GATEWAY_TOKEN",
        "OPENCLAW_GATEWAY_PASSWORD",
        "OPENCLAW_GATEWAY_PORT",
        "OPENCLAW_CONFIG_PATH",
        "OPENCLAW_STATE_DIR",
    ];
    let env_url = format!("http://alice:{URL_SECRET}@127.0.0.1:1/?token={URL_SECRET}");
    let gw = MockGateway::start(|r| match r.path.as_str() {
        "/health" => Reply::json(200, r#"{"ok":true,"status":"live"}"#),
        _ => Reply::text(404, "Not Found"),
    });
    let children = [
        vec![
            ("OPENCLAW_GATEWAY_URL", env_url.as_str()),
            ("HOME", "/nonexistent"),
            ("EXPECT_BUILD_FAILURE", "1"),
        ],
        vec![
            ("OPENCLAW_CONFIG_PATH", cfg.to_str().unwrap()),
            ("EXPECT_BUILD_FAILURE", "1"),
        ],
        // A URL that builds, with the secret-bearing config file beside it: the diagnosis.
        vec![
            ("OPENCLAW_GATEWAY_URL", gw.url.as_str()),
            ("OPENCLAW_CONFIG_PATH", cfg.to_str().unwrap()),
        ],
    ];
    for env in children {
        let out = common::child::rerun(NAME, &env, &unset);
        assert!(out.contains("CHECKED "), "{out}");
        assert!(!out.contains(URL_SECRET), "{out}");
    }

    let logs = LOGS.lock().unwrap().clone();
    for t in texts.iter().chain(logs.iter()) {
        assert!(!t.contains(URL_SECRET), "URL secret leaked: {t}");
    }
}

/// The warnings about a secret sent in clear that name `host`.
fn cleartext_warnings(host: &str) -> usize {
    LOGS.lock()
        .unwrap()
        .iter()
        .filter(|l| l.starts_with("WARN ") && l.contains("in clear") && l.contains(host))
        .count()
}

#[test]
fn a_secret_sent_in_clear_is_warned_about_once_per_client() {
    capture_logs();
    let build = |url: &str, token: Option<&str>| {
        let mut b = Client::builder().base_url(url);
        if let Some(t) = token {
            b = b.token(t);
        }
        b.build().unwrap()
    };
    // A token over plain http to another host: one warning, however the client is used.
    let c = build("http://warn-a.example:18789", Some(TOKEN));
    let c2 = c.clone();
    c2.update_secret(PASSWORD).unwrap();
    c.update_secret(TOKEN).unwrap();
    assert_eq!(cleartext_warnings("warn-a.example"), 1);
    // Once per client: a second client warns again.
    let _other = build("http://warn-a.example:18789", Some(TOKEN));
    assert_eq!(cleartext_warnings("warn-a.example"), 2);
    // No token yet: the warning comes with the first one.
    let c = build("http://warn-b.example", None);
    assert_eq!(cleartext_warnings("warn-b.example"), 0);
    c.update_secret(TOKEN).unwrap();
    c.update_secret(PASSWORD).unwrap();
    assert_eq!(cleartext_warnings("warn-b.example"), 1);
    // The webhooks token counts too.
    let _ = Client::builder()
        .base_url("http://warn-c.example")
        .hooks_token(TOKEN)
        .build()
        .unwrap();
    assert_eq!(cleartext_warnings("warn-c.example"), 1);
    // Loopback in any spelling, and https, are not warned about.
    for url in [
        "http://127.0.0.1:18789",
        "http://127.1:18789",
        "http://localhost.:18789",
        "http://[0:0:0:0:0:0:0:1]:18789",
        "https://warn-d.example",
    ] {
        let _ = build(url, Some(TOKEN));
        let host = url.split("//").nth(1).unwrap();
        assert_eq!(cleartext_warnings(host), 0, "{url}");
    }
    for l in LOGS.lock().unwrap().iter() {
        assert!(!l.contains(TOKEN) && !l.contains(PASSWORD), "{l}");
    }
}
