//! /v1/responses, embeddings, webhooks, session history and capability detection against the
//! mock gateway.

mod common;

use std::time::Duration;

use common::*;
use openclaw_client::*;
use serde_json::json;

fn client(url: &str) -> Client {
    Client::builder()
        .base_url(url)
        .token("gw-token")
        .hooks_token("hooks-token")
        .retry(RetryPolicy::none())
        .build()
        .unwrap()
}

const RESP_DONE: &str = r#"{"id":"resp_1","object":"response","created_at":1,"status":"completed","model":"openclaw/main","output":[{"type":"message","id":"msg_1","role":"assistant","content":[{"type":"output_text","text":"echo: hi"}],"phase":"final_answer","status":"completed"},{"type":"function_call","id":"call_x","call_id":"c1","name":"lookup","arguments":"{\"q\":1}"}],"usage":{"input_tokens":10,"output_tokens":3,"total_tokens":13}}"#;

#[test]
fn responses_request_shape_and_typed_response() {
    let gw = MockGateway::start(|_| Reply::json(200, RESP_DONE));
    let c = client(&gw.url);
    let req = ResponsesRequest::items(vec![
        InputItem::Message {
            role: Role::System,
            content: vec![InputPart::text("be brief")],
        },
        InputItem::Message {
            role: Role::User,
            content: vec![
                InputPart::text("look"),
                InputPart::image_bytes("image/png", b"\x89PNG".to_vec()),
                InputPart::file_bytes("text/plain", b"notes".to_vec(), Some("n.txt".into())),
                InputPart::file_url("https://example.invalid/a.pdf"),
            ],
        },
        InputItem::FunctionCall {
            call_id: "c0".into(),
            name: "lookup".into(),
            arguments: "{}".into(),
        },
        InputItem::FunctionCallOutput {
            call_id: "c0".into(),
            output: "42".into(),
        },
    ])
    .instructions("answer in French")
    .tool("lookup", Some("looks up"), Some(json!({"type":"object"})))
    .tool_choice(ToolChoice::Function("lookup".into()))
    .previous_response_id("resp_0")
    .user("u1")
    .max_output_tokens(64)
    .agent("main")
    .session_key("k1");
    let r = c.responses(&req).unwrap();
    assert_eq!(r.id, "resp_1");
    assert_eq!(r.status, "completed");
    assert_eq!(r.output_text(), "echo: hi");
    assert_eq!(
        r.function_calls().collect::<Vec<_>>(),
        vec![("c1", "lookup", "{\"q\":1}")]
    );
    assert_eq!(r.usage.unwrap().total_tokens, 13);
    let sent = gw.last();
    assert_eq!(sent.path, "/v1/responses");
    assert_eq!(sent.header("x-openclaw-agent-id"), Some("main"));
    assert_eq!(sent.header("x-openclaw-session-key"), Some("k1"));
    let b = sent.json();
    assert_eq!(b["model"], "openclaw/main");
    assert_eq!(
        b["input"][0],
        json!({"type":"message","role":"system","content":[{"type":"input_text","text":"be brief"}]})
    );
    assert_eq!(
        b["input"][1]["content"][1],
        json!({"type":"input_image","source":{"type":"base64","media_type":"image/png","data":"iVBORw=="}})
    );
    assert_eq!(
        b["input"][1]["content"][2],
        json!({"type":"input_file","source":{"type":"base64","media_type":"text/plain","data":"bm90ZXM=","filename":"n.txt"}})
    );
    assert_eq!(
        b["input"][1]["content"][3],
        json!({"type":"input_file","source":{"type":"url","url":"https://example.invalid/a.pdf"}})
    );
    assert_eq!(
        b["input"][2],
        json!({"type":"function_call","call_id":"c0","name":"lookup","arguments":"{}"})
    );
    assert_eq!(
        b["input"][3],
        json!({"type":"function_call_output","call_id":"c0","output":"42"})
    );
    assert_eq!(
        b["tools"][0],
        json!({"type":"function","name":"lookup","description":"looks up","parameters":{"type":"object"}})
    );
    assert_eq!(b["tool_choice"], json!({"type":"function","name":"lookup"}));
    assert_eq!(
        (
            b["previous_response_id"].as_str(),
            b["user"].as_str(),
            b["max_output_tokens"].as_u64()
        ),
        (Some("resp_0"), Some("u1"), Some(64))
    );
    assert_eq!(b["instructions"], "answer in French");
    assert!(b.get("stream").is_none());
    // A plain string input.
    c.responses(&ResponsesRequest::text("hello")).unwrap();
    assert_eq!(gw.last().json()["input"], "hello");
}

#[test]
fn responses_failures_incomplete_and_disabled() {
    let gw = MockGateway::start(|r| match r.json()["input"].as_str() {
        Some("fail") => Reply::json(
            400,
            r#"{"id":"resp_2","object":"response","status":"failed","output":[],"error":{"code":"api_error","message":"400 fake upstream failure 400"}}"#,
        ),
        Some("short") => Reply::json(
            200,
            r#"{"id":"resp_3","object":"response","status":"incomplete","output":[],"incomplete_details":{"reason":"max_output_tokens"}}"#,
        ),
        Some("missing") => Reply::json(
            400,
            r#"{"error":{"message":"input: Invalid input","type":"invalid_request_error"}}"#,
        ),
        _ => Reply::text(404, "Not Found"),
    });
    let c = client(&gw.url);
    let e = c.responses(&ResponsesRequest::text("fail")).unwrap_err();
    assert!(
        matches!(&e, Error::Api { status: 400, message, code: Some(code), .. } if message == "400 fake upstream failure 400" && code == "api_error"),
        "{e:?}"
    );
    let r = c.responses(&ResponsesRequest::text("short")).unwrap();
    assert_eq!(
        (r.status.as_str(), r.incomplete_reason.as_deref()),
        ("incomplete", Some("max_output_tokens"))
    );
    let e = c.responses(&ResponsesRequest::text("missing")).unwrap_err();
    assert!(e.to_string().contains("input: Invalid input"));
    let e = c.responses(&ResponsesRequest::text("other")).unwrap_err();
    assert!(matches!(
        e,
        Error::NotEnabled {
            endpoint: Endpoint::Responses,
            ..
        }
    ));
    assert!(
        e.to_string()
            .contains("gateway.http.endpoints.responses.enabled")
    );
    // Empty input is refused before anything is sent (the mock would answer it with a 404).
    let sent = gw.requests().len();
    let e = c.responses(&ResponsesRequest::items(vec![])).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput, "{e}");
    let e = c.responses(&ResponsesRequest::text("")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput, "{e}");
    assert_eq!(gw.requests().len(), sent, "nothing may be sent");
}

fn sse_events(events: &[(&str, serde_json::Value)]) -> Vec<String> {
    let mut v: Vec<String> = events
        .iter()
        .map(|(t, d)| format!("event: {t}\ndata: {d}\n\n"))
        .collect();
    v.push("data: [DONE]\n\n".into());
    v
}

#[test]
fn responses_stream_events() {
    let done: serde_json::Value = serde_json::from_str(RESP_DONE).unwrap();
    let events = sse_events(&[
        (
            "response.created",
            json!({"type":"response.created","response":{"id":"resp_1","object":"response","status":"in_progress","output":[]}}),
        ),
        (
            "response.in_progress",
            json!({"type":"response.in_progress","response":{"id":"resp_1","object":"response","status":"in_progress","output":[]}}),
        ),
        (
            "response.output_item.added",
            json!({"type":"response.output_item.added","output_index":0,"item":{"type":"message","id":"msg_1"}}),
        ),
        (
            "response.output_text.delta",
            json!({"type":"response.output_text.delta","delta":"echo:"}),
        ),
        (
            "response.output_text.delta",
            json!({"type":"response.output_text.delta","delta":" hi"}),
        ),
        (
            "response.output_text.done",
            json!({"type":"response.output_text.done","text":"echo: hi"}),
        ),
        (
            "response.output_item.done",
            json!({"type":"response.output_item.done","output_index":1,"item":{"type":"function_call","id":"call_x","call_id":"c1","name":"lookup","arguments":"{}"}}),
        ),
        (
            "response.completed",
            json!({"type":"response.completed","response":done}),
        ),
    ]);
    let gw = MockGateway::start(move |_| Reply::sse(&events));
    let c = client(&gw.url);
    let evs: Vec<ResponseEvent> = c
        .responses_stream(&ResponsesRequest::text("hi"))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        evs[0],
        ResponseEvent::Created {
            id: "resp_1".into()
        }
    );
    assert_eq!(
        evs[1],
        ResponseEvent::Lifecycle {
            event_type: "response.in_progress".into()
        }
    );
    assert_eq!(evs[3], ResponseEvent::TextDelta("echo:".into()));
    assert_eq!(evs[5], ResponseEvent::TextDone("echo: hi".into()));
    assert!(
        matches!(&evs[6], ResponseEvent::OutputItemDone(OutputItem::FunctionCall { call_id, .. }) if call_id == "c1")
    );
    assert!(matches!(&evs[7], ResponseEvent::Completed(r) if r.output_text() == "echo: hi"));
    assert_eq!(evs.len(), 8);
    assert_eq!(gw.last().json()["stream"], true);
    let r = c
        .responses_stream(&ResponsesRequest::text("hi"))
        .unwrap()
        .collect_response()
        .unwrap();
    assert_eq!(r.id, "resp_1");
}

#[test]
fn responses_stream_failed_and_truncated_keep_text() {
    let failed = sse_events(&[
        (
            "response.created",
            json!({"type":"response.created","response":{"id":"r","object":"response","output":[]}}),
        ),
        (
            "response.output_text.delta",
            json!({"type":"response.output_text.delta","delta":"par"}),
        ),
        (
            "response.failed",
            json!({"type":"response.failed","response":{"id":"r","object":"response","status":"failed","output":[],"error":{"code":"api_error","message":"400 upstream"}}}),
        ),
    ]);
    let gw = MockGateway::start(move |_| Reply::sse(&failed));
    let e = client(&gw.url)
        .responses_stream(&ResponsesRequest::text("x"))
        .unwrap()
        .collect_response()
        .unwrap_err();
    assert!(
        matches!(&e, Error::Stream { message, code: Some(c), partial, .. } if message == "400 upstream" && c == "api_error" && partial == "par"),
        "{e:?}"
    );
    let cut = vec!["event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"delta\":\"kept\"}\n\n".to_string()];
    let gw = MockGateway::start(move |_| Reply::sse(&cut));
    let e = client(&gw.url)
        .responses_stream(&ResponsesRequest::text("x"))
        .unwrap()
        .collect_response()
        .unwrap_err();
    assert!(
        matches!(&e, Error::Truncated { partial, .. } if partial == "kept"),
        "{e:?}"
    );
}

#[test]
fn embeddings_float_and_base64() {
    let gw = MockGateway::start(|r| {
        let b = r.json();
        if b["encoding_format"] == "base64" {
            let mut raw = Vec::new();
            for x in [1.5f32, -2.0, 0.25] {
                raw.extend_from_slice(&x.to_le_bytes());
            }
            let data = openclaw_b64(&raw);
            Reply::json(200, &json!({"object":"list","data":[{"object":"embedding","index":0,"embedding":data}],"model":"openclaw/main"}).to_string())
        } else {
            Reply::json(
                200,
                r#"{"object":"list","data":[{"object":"embedding","index":1,"embedding":[0.5,0.25]},{"object":"embedding","index":0,"embedding":[1.0,2.0]}],"model":"openclaw/main","usage":{"prompt_tokens":0,"total_tokens":0}}"#,
            )
        }
    });
    let c = client(&gw.url);
    let e = c
        .embeddings(
            &EmbeddingsRequest::new(["a", "b"]).model_override("openai/text-embedding-3-small"),
        )
        .unwrap();
    assert_eq!(
        e.vectors,
        vec![vec![1.0, 2.0], vec![0.5, 0.25]],
        "ordered by index"
    );
    let r = gw.last();
    assert_eq!(r.path, "/v1/embeddings");
    assert_eq!(r.json()["input"], json!(["a", "b"]));
    assert_eq!(
        r.header("x-openclaw-model"),
        Some("openai/text-embedding-3-small")
    );
    let e = c
        .embeddings(&EmbeddingsRequest::new(["x"]).base64(true))
        .unwrap();
    assert_eq!(e.vectors, vec![vec![1.5, -2.0, 0.25]]);
    let sent = gw.requests().len();
    let e = c
        .embeddings(&EmbeddingsRequest::new(Vec::<String>::new()))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput, "{e}");
    let e = c
        .embeddings(&EmbeddingsRequest::new(["a", ""]))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput, "{e}");
    assert_eq!(gw.requests().len(), sent, "nothing may be sent");
}

fn openclaw_b64(bytes: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for c in bytes.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= c.len() {
                out.push(T[(n >> (18 - 6 * i)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[test]
fn webhooks_use_their_own_token_and_envelopes() {
    let gw = MockGateway::start(|r| {
        if r.header("authorization") != Some("Bearer hooks-token") {
            return Reply::text(401, "Unauthorized");
        }
        match r.path.as_str() {
            "/hooks/wake" if r.json()["text"] == "" => Reply::json(400, r#"{"ok":false,"error":"text required"}"#),
            "/hooks/wake" => Reply::json(200, r#"{"ok":true,"mode":"now","eventOutcome":"queued"}"#),
            "/hooks/agent" => Reply::json(200, &json!({"ok":true,"runId":"run-1","completion":{"status":"ok","replyDisposition":"sent"}}).to_string()),
            _ => Reply::text(404, "Not Found"),
        }
    });
    let c = client(&gw.url);
    let w = c
        .hook_wake(&{
            let mut w = WakeRequest::new("wake up");
            w.mode = Some("now".into());
            w
        })
        .unwrap();
    assert_eq!(
        (w.mode.as_str(), w.event_outcome.as_str()),
        ("now", "queued")
    );
    assert_eq!(gw.last().json(), json!({"text":"wake up","mode":"now"}));
    let mut req = HookAgentRequest::new("do it");
    req.wait_for_completion = true;
    req.idempotency_key = Some("idem-1".into());
    req.agent_id = Some("main".into());
    let a = c.hook_agent(&req).unwrap();
    assert_eq!(a.run_id, "run-1");
    assert_eq!(a.completion.unwrap()["replyDisposition"], "sent");
    let last = gw.last();
    assert_eq!(last.header("idempotency-key"), Some("idem-1"));
    assert_eq!(
        last.json(),
        json!({"message":"do it","agentId":"main","waitForCompletion":true})
    );
    // The gateway token is not the hooks token.
    let wrong = Client::builder()
        .base_url(&gw.url)
        .token("hooks-token")
        .hooks_token("gw-token")
        .build()
        .unwrap();
    let e = wrong.hook_wake(&WakeRequest::new("x")).unwrap_err();
    assert!(
        matches!(
            e,
            Error::Unauthorized {
                endpoint: Endpoint::Hooks,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(e.to_string().contains("hooks.token"), "{e}");
    // Validation envelope {ok:false,error:"…"}; an empty text is refused before sending.
    assert_eq!(
        c.hook_wake(&WakeRequest::new("  ")).unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
    // Hooks disabled: plain 404.
    let off = MockGateway::start(|_| Reply::text(404, "Not Found"));
    let e = client(&off.url)
        .hook_wake(&WakeRequest::new("x"))
        .unwrap_err();
    assert!(
        matches!(
            e,
            Error::NotEnabled {
                endpoint: Endpoint::Hooks,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(e.to_string().contains("hooks.enabled"));
    // No hooks token configured.
    let none = Client::builder().base_url(&gw.url).build().unwrap();
    assert_eq!(
        none.hook_wake(&WakeRequest::new("x")).unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
}

#[test]
fn webhook_validation_error_keeps_the_gateways_message() {
    let gw =
        MockGateway::start(|_| Reply::json(400, r#"{"ok":false,"error":"unknown agentId \"x\""}"#));
    let e = client(&gw.url)
        .hook_agent(&HookAgentRequest::new("m"))
        .unwrap_err();
    assert!(
        matches!(&e, Error::Api { status: 400, message, .. } if message == "unknown agentId \"x\""),
        "{e:?}"
    );
}

#[test]
fn session_history_json_and_stream() {
    let gw = MockGateway::start(|r| {
        if r.path.starts_with("/sessions/agent%3Amain%3Anope/") {
            return Reply::json(
                404,
                r#"{"ok":false,"error":{"type":"not_found","message":"session not found"}}"#,
            );
        }
        if r.header("accept") == Some("text/event-stream") {
            return Reply::sse(&[
                "retry: 1000\n\n".to_string(),
                "event: history\ndata: {\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}\n\n"
                    .into(),
                ": keepalive\n\n".into(),
                "event: message\ndata: {\"role\":\"assistant\",\"content\":\"echo: hi\"}\n\n"
                    .into(),
            ]);
        }
        Reply::json(
            200,
            r#"{"sessionKey":"agent:main:k","messages":[{"role":"user","content":"hi"}]}"#,
        )
    });
    let c = client(&gw.url);
    let h = c
        .session_history("agent:main:k", Some(5), Some("c/1"))
        .unwrap();
    let h: serde_json::Value = serde_json::from_str(h.get()).unwrap();
    assert_eq!(h["messages"][0]["content"], "hi");
    assert_eq!(
        gw.last().path,
        "/sessions/agent%3Amain%3Ak/history?limit=5&cursor=c%2F1"
    );
    let evs: Vec<HistoryEvent> = c
        .session_history_stream(
            "agent:main:k",
            &CallOptions::new().idle_timeout(Some(Duration::from_secs(30))),
        )
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(evs.len(), 2);
    assert_eq!(evs[0].event_type, "history");
    let data: serde_json::Value = serde_json::from_str(evs[1].data.get()).unwrap();
    assert_eq!(data["content"], "echo: hi");
    let e = c
        .session_history("agent:main:nope", None, None)
        .unwrap_err();
    assert!(
        matches!(&e, Error::NotFound { message, .. } if message == "session not found"),
        "{e:?}"
    );
    assert_eq!(
        c.session_history("a\nb", None, None).unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
}

#[test]
fn capabilities_are_detected_once_and_cached() {
    let gw = MockGateway::start(|r| match r.path.as_str() {
        "/health" => Reply::json(200, r#"{"ok":true,"status":"live"}"#),
        "/startupz" => Reply::json(
            200,
            r#"{"ok":true,"status":"started","version":"2026.9.6"}"#,
        ),
        "/v1/models" => Reply::json(200, r#"{"object":"list","data":[{"id":"openclaw"}]}"#),
        "/v1/chat/completions" => Reply::text(404, "Not Found"),
        "/v1/responses" => Reply::json(
            400,
            r#"{"error":{"message":"input: Invalid input","type":"invalid_request_error"}}"#,
        ),
        _ => Reply::text(404, "Not Found"),
    });
    let c = client(&gw.url);
    let caps = c.capabilities().unwrap();
    assert_eq!(caps.version.as_deref(), Some("2026.9.6"));
    assert_eq!(
        (caps.chat_completions, caps.responses, caps.models),
        (Some(false), Some(true), true)
    );
    let n = gw.requests().len();
    let again = c.clone().capabilities().unwrap();
    assert_eq!(again, caps);
    assert_eq!(gw.requests().len(), n, "cached: no new request");
    c.refresh_capabilities().unwrap();
    assert!(gw.requests().len() > n);
    let dead = Client::builder()
        .base_url("http://127.0.0.1:1")
        .build()
        .unwrap();
    assert_eq!(dead.capabilities().unwrap_err().kind(), ErrorKind::Connect);
}

#[test]
fn responses_stream_limits_are_limit_errors_with_the_limit() {
    let long = format!(
        "event: response.output_text.delta\ndata: {}\n\n",
        json!({"type":"response.output_text.delta","delta":"x".repeat(500)})
    );
    let limits = openclaw_client::sse::Limits {
        max_line_bytes: 100,
        max_event_bytes: 1000,
        ..openclaw_client::sse::Limits::default()
    };
    let e = ResponseStream::from_reader(long.as_bytes(), limits)
        .collect_response()
        .unwrap_err();
    assert!(
        matches!(e, Error::LimitExceeded { limit: 100, ref partial, .. } if partial.is_empty()),
        "{e:?}"
    );
}
