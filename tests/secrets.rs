//! The token, password and session key never appear in logs (captured at trace level, ureq's
//! included) nor in any error's Display or Debug, across the fault matrix.

mod common;

use std::sync::Mutex;
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
    static CAPTURE: Capture = Capture;
    log::set_logger(&CAPTURE).unwrap();
    log::set_max_level(log::LevelFilter::Trace);
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
        let e = c.update_token(&format!("{secret}\r\n")).unwrap_err();
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
