//! Conformance against a real OpenClaw gateway (openclaw 2026.9.6) with the project's fake model
//! provider, started by `scripts/real-gateway.sh start` (which sets the variables read here).
//! These tests are `#[ignore]`d in a plain `cargo test`; `scripts/test.sh` (the README's test
//! command, run by CI) starts the gateway and runs them with `--ignored`, where a missing
//! gateway is a failure.

mod common;

use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

use common::cbuild::*;
use openclaw_client::*;
use serde_json::json;

struct Env {
    url: String,
    token: String,
    disabled_url: String,
    version: String,
    provider_log: String,
}

fn env() -> Env {
    let get = |k: &str| {
        std::env::var(k).unwrap_or_else(|_| {
            panic!("{k} is not set: start the real gateway with `eval \"$(scripts/real-gateway.sh start)\"` (scripts/test.sh does it)")
        })
    };
    Env {
        url: get("OPENCLAW_REAL_GATEWAY_URL"),
        token: get("OPENCLAW_REAL_GATEWAY_TOKEN"),
        disabled_url: get("OPENCLAW_REAL_GATEWAY_DISABLED_URL"),
        version: get("OPENCLAW_REAL_GATEWAY_VERSION"),
        provider_log: get("OPENCLAW_REAL_PROVIDER_LOG"),
    }
}

fn client() -> Client {
    let e = env();
    Client::builder()
        .base_url(e.url)
        .token(e.token)
        .build()
        .unwrap()
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

/// The upstream requests the fake provider saw whose messages mention `marker`.
fn provider_requests_with(marker: &str) -> Vec<serde_json::Value> {
    let log = std::fs::read_to_string(env().provider_log).unwrap_or_default();
    log.lines()
        .filter(|l| l.contains(marker))
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

#[test]
#[ignore = "needs a real gateway: run scripts/test.sh"]
fn non_stream_chat_with_usage() {
    let r = client()
        .chat(&ChatRequest::user_message("hello gateway"))
        .unwrap();
    assert_eq!(r.content, "echo: hello gateway");
    assert_eq!(r.finish_reason, Some(FinishReason::Stop));
    assert_eq!(r.model, "openclaw/main");
    let u = r
        .usage
        .expect("usage is always present on non-stream replies");
    assert!(
        u.prompt_tokens > 1000,
        "the agent's system prompt is large: {u:?}"
    );
    assert!(!r.empty);
}

#[test]
#[ignore = "needs a real gateway: run scripts/test.sh"]
fn stream_chat_with_usage_yields_deltas_in_order() {
    let mut s = client()
        .chat_stream(&ChatRequest::user_message("stream me please").include_usage(true))
        .unwrap();
    let mut kinds = Vec::new();
    let mut text = String::new();
    let mut usage = None;
    for ev in &mut s {
        let ev = ev.unwrap();
        match &ev {
            ChatEvent::Content(t) => text.push_str(t),
            ChatEvent::Usage(u) => usage = Some(*u),
            _ => {}
        }
        kinds.push(std::mem::discriminant(&ev));
    }
    assert_eq!(text, "echo: stream me please");
    assert!(usage.unwrap().total_tokens > 0);
    assert_eq!(s.reply().finish_reason, Some(FinishReason::Stop));
    let contents = s.reply().content.len();
    assert!(contents > 0);
    // Role first, Done last.
    assert_eq!(
        kinds.first(),
        Some(&std::mem::discriminant(&ChatEvent::Role(String::new())))
    );
    assert_eq!(
        kinds.last(),
        Some(&std::mem::discriminant(&ChatEvent::Done { empty: false }))
    );
}

#[test]
#[ignore = "needs a real gateway: run scripts/test.sh"]
fn session_continuity_via_user() {
    let c = client();
    let user = unique("conv");
    let first = unique("first-turn");
    c.chat(&ChatRequest::user_message(&first).user(&user))
        .unwrap();
    c.chat(&ChatRequest::user_message("second turn").user(&user))
        .unwrap();
    let reqs = provider_requests_with(&first);
    assert!(
        reqs.iter().any(|r| r.to_string().contains("second turn")),
        "the second turn must carry the first as history (same session)"
    );
    // A different user starts fresh.
    let other = unique("other-turn");
    c.chat(&ChatRequest::user_message(&other).user(unique("conv")))
        .unwrap();
    assert!(
        provider_requests_with(&other)
            .iter()
            .all(|r| !r.to_string().contains(&first))
    );
}

#[test]
#[ignore = "needs a real gateway: run scripts/test.sh"]
fn session_continuity_via_session_key() {
    let c = client();
    let key = unique("key");
    let first = unique("keyed-first");
    c.chat(
        &ChatRequest::user_message(&first)
            .agent("main")
            .agent_session_key("main", &key)
            .unwrap(),
    )
    .unwrap();
    c.chat(
        &ChatRequest::user_message("keyed second")
            .agent_session_key("main", &key)
            .unwrap(),
    )
    .unwrap();
    let reqs = provider_requests_with(&first);
    assert!(
        reqs.iter().any(|r| r.to_string().contains("keyed second")),
        "same session key, same session"
    );
    assert!(
        reqs.iter()
            .any(|r| r.to_string().contains(&format!("agent:main:{key}"))),
        "the session is scoped to the agent"
    );
}

#[test]
#[ignore = "needs a real gateway: run scripts/test.sh"]
fn agent_targets_unknown_agent_and_invalid_model() {
    let c = client();
    for target in [
        "openclaw",
        "openclaw/default",
        "openclaw/main",
        "openclaw:main",
        "agent:main",
    ] {
        let r = c
            .chat(&ChatRequest::user_message("t").target(target))
            .unwrap();
        assert_eq!(r.model, target, "the gateway echoes the target");
    }
    let r = c
        .chat(&ChatRequest::user_message("hdr").agent("main"))
        .unwrap();
    assert_eq!(r.content, "echo: hdr");
    let e = c
        .chat(&ChatRequest::user_message("x").target_agent("nope"))
        .unwrap_err();
    assert!(
        matches!(&e, Error::Api { status: 400, message, .. } if message == "Unknown agent 'nope'."),
        "{e:?}"
    );
    let e = c
        .chat(&ChatRequest::user_message("x").agent("nope"))
        .unwrap_err();
    assert!(
        matches!(&e, Error::Api { status: 400, message, .. } if message == "Unknown agent 'nope'."),
        "{e:?}"
    );
    let e = c
        .chat(&ChatRequest::user_message("x").target("gpt-4o"))
        .unwrap_err();
    assert!(
        matches!(&e, Error::Api { status: 400, message, error_type: Some(t), .. } if message.contains("Invalid `model`") && t == "invalid_request_error"),
        "{e:?}"
    );
    let e = c
        .chat(&ChatRequest::user_message("x").temperature(5.0))
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("`temperature` must be between 0 and 2."),
        "{e}"
    );
}

#[test]
#[ignore = "needs a real gateway: run scripts/test.sh"]
fn model_override_known_and_unknown() {
    let c = client();
    let r = c
        .chat(&ChatRequest::user_message("override").model_override("fake/echo-1"))
        .unwrap();
    assert_eq!(r.content, "echo: override");
    let e = c
        .chat(&ChatRequest::user_message("x").model_override("nope/missing"))
        .unwrap_err();
    assert!(
        matches!(&e, Error::NotFound { message, .. } if message.contains("Unknown model: nope/missing")),
        "{e:?}"
    );
}

#[test]
#[ignore = "needs a real gateway: run scripts/test.sh"]
fn upstream_failure_in_stream_and_non_stream() {
    let c = client();
    let e = c
        .chat_stream(&ChatRequest::user_message("boom [[fail:400]]"))
        .unwrap()
        .collect_reply()
        .unwrap_err();
    assert!(
        matches!(&e, Error::Stream { message, .. } if message.contains("fake upstream failure 400")),
        "{e:?}"
    );
    let e = c
        .chat(&ChatRequest::user_message("boom [[fail:400]]"))
        .unwrap_err();
    assert!(
        matches!(&e, Error::Api { status: 400, message, .. } if message.contains("fake upstream failure 400")),
        "{e:?}"
    );
}

#[test]
#[ignore = "needs a real gateway: run scripts/test.sh"]
fn wrong_token_is_unauthorized() {
    let e = env();
    let c = Client::builder()
        .base_url(&e.url)
        .token("wrong-token")
        .build()
        .unwrap();
    let err = c.chat(&ChatRequest::user_message("x")).unwrap_err();
    assert!(
        matches!(&err, Error::Unauthorized { message, .. } if message == "Unauthorized"),
        "{err:?}"
    );
    assert!(!format!("{err} {err:?}").contains("wrong-token"));
    let d = c.check_connection();
    assert_eq!(d.code, DiagnosisCode::Unauthorized, "{d}");
    let none = Client::builder().base_url(&e.url).build().unwrap();
    assert_eq!(none.models().unwrap_err().kind(), ErrorKind::Unauthorized);
    // A success resets the gateway's failure counter.
    client().models().unwrap();
}

#[test]
#[ignore = "needs a real gateway: run scripts/test.sh"]
fn disabled_endpoints_are_not_enabled_with_the_config_key() {
    let e = env();
    let c = Client::builder()
        .base_url(&e.disabled_url)
        .token(&e.token)
        .build()
        .unwrap();
    let err = c.chat(&ChatRequest::user_message("x")).unwrap_err();
    assert!(
        matches!(
            err,
            Error::NotEnabled {
                endpoint: Endpoint::ChatCompletions,
                status: 404,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .contains("gateway.http.endpoints.chatCompletions.enabled"),
        "{err}"
    );
    let err = c.chat_stream(&ChatRequest::user_message("x")).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotEnabled);
    assert_eq!(c.models().unwrap_err().kind(), ErrorKind::NotEnabled);
    let d = c.check_connection();
    assert_eq!(d.code, DiagnosisCode::EndpointDisabled, "{d}");
    assert_eq!(
        (d.chat_completions, d.responses),
        (Some(false), Some(false))
    );
    assert_eq!(d.version.as_deref(), Some(e.version.as_str()));
    // The tool denied by gateway.tools.deny looks like an unknown tool.
    let err = c
        .invoke_tool(&ToolInvocation::new("session_status", json!({})))
        .unwrap_err();
    assert!(
        matches!(&err, Error::NotFound { message, .. } if message == "Tool not available: session_status"),
        "{err:?}"
    );
}

#[test]
#[ignore = "needs a real gateway: run scripts/test.sh"]
fn models_list_and_lookup() {
    let c = client();
    let ids: Vec<String> = c.models().unwrap().into_iter().map(|m| m.id).collect();
    assert_eq!(ids, vec!["openclaw", "openclaw/default", "openclaw/main"]);
    assert_eq!(c.model("openclaw/default").unwrap().owned_by, "openclaw");
    let e = c.model("nope").unwrap_err();
    assert!(
        matches!(&e, Error::Api { status: 400, message, .. } if message == "Invalid model id."),
        "{e:?}"
    );
    let e = c.model("openclaw/nope").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound, "{e:?}");
}

#[test]
#[ignore = "needs a real gateway: run scripts/test.sh"]
fn tool_invoke_success_unknown_and_bad_args() {
    let e = env();
    let c = client();
    let v = c
        .invoke_tool(&ToolInvocation::new("session_status", json!({})))
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(v.get()).unwrap();
    let text = v["content"][0]["text"].as_str().unwrap();
    assert!(text.contains(&format!("OpenClaw {}", e.version)), "{text}");
    let v = c
        .invoke_tool(
            &ToolInvocation::new("sessions_list", json!({})).idempotency_key(unique("idem")),
        )
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(v.get()).unwrap();
    assert!(v["content"].is_array());
    let err = c
        .invoke_tool(&ToolInvocation::new("no_such_tool", json!({})))
        .unwrap_err();
    assert!(
        matches!(&err, Error::NotFound { message, .. } if message == "Tool not available: no_such_tool"),
        "{err:?}"
    );
    let err = c
        .invoke_tool(&ToolInvocation::new("exec", json!({"command": "true"})))
        .unwrap_err();
    assert_eq!(
        err.kind(),
        ErrorKind::NotFound,
        "denied tools look unknown: {err:?}"
    );
    let err = c
        .invoke_tool(&ToolInvocation::new("sessions_history", json!({})))
        .unwrap_err();
    assert!(
        matches!(&err, Error::Api { status: 400, error_type: Some(t), message, .. } if t == "tool_error" && message == "sessionKey required"),
        "{err:?}"
    );
    let err = c
        .invoke_tool(&ToolInvocation::new("sessions_list", json!({})).agent("nope"))
        .unwrap_err();
    assert!(
        matches!(&err, Error::Api { status: 400, message, .. } if message.contains("Unknown agent id")),
        "{err:?}"
    );
}

#[test]
#[ignore = "needs a real gateway: run scripts/test.sh"]
fn probes_and_version() {
    let e = env();
    let c = client();
    assert_eq!(c.health().unwrap().status, "live");
    assert!(c.ready().unwrap().ready);
    let s = c.startup().unwrap();
    assert_eq!(s.status, "started");
    assert_eq!(s.version.as_deref(), Some(e.version.as_str()));
    assert_eq!(e.version, "2026.9.6");
    assert!(c.check_alive().unwrap());
}

#[test]
#[ignore = "needs a real gateway: run scripts/test.sh"]
fn connection_diagnosis_ok_and_unreachable() {
    let d = client().check_connection();
    assert_eq!(d.code, DiagnosisCode::Ok, "{d}");
    assert_eq!(d.version.as_deref(), Some("2026.9.6"));
    assert_eq!((d.chat_completions, d.responses), (Some(true), Some(true)));
    assert_eq!(
        d.models,
        vec!["openclaw", "openclaw/default", "openclaw/main"]
    );
    let url = common::dead_url();
    let d = Client::builder()
        .base_url(&url)
        .build()
        .unwrap()
        .check_connection();
    assert_eq!(d.code, DiagnosisCode::Unreachable);
}

#[test]
#[ignore = "needs a real gateway: run scripts/test.sh"]
fn cancel_mid_stream_while_the_model_stalls() {
    let c = client();
    let token = CancelToken::new();
    let mut s = c
        .chat_stream(
            &ChatRequest::user_message("wait [[sleep:20]]")
                .options(CallOptions::new().cancel_token(token.clone())),
        )
        .unwrap();
    assert!(
        matches!(s.next(), Some(Ok(ChatEvent::Role(_)))),
        "the role chunk comes at once"
    );
    let t2 = token.clone();
    let fired = thread::spawn(move || {
        thread::sleep(Duration::from_millis(300));
        let at = Instant::now();
        t2.cancel();
        at
    });
    let err = s.next().unwrap().unwrap_err();
    let took = fired.join().unwrap().elapsed();
    assert_eq!(err.kind(), ErrorKind::Cancelled, "{err:?}");
    // The cancel, not the model's 20 s sleep, ended the read.
    assert!(took < Duration::from_secs(1), "cancel took {took:?}");
}

#[test]
#[ignore = "needs a real gateway: run scripts/test.sh"]
fn idle_timeout_while_the_model_stalls() {
    let c = client();
    let mut s = c
        .chat_stream(
            &ChatRequest::user_message("slow [[sleep:6]]")
                .options(CallOptions::new().idle_timeout(Some(Duration::from_secs(2)))),
        )
        .unwrap();
    assert!(
        matches!(s.next(), Some(Ok(ChatEvent::Role(_)))),
        "the role chunk comes at once"
    );
    // From here the gateway is silent while the model stalls.
    let start = Instant::now();
    let err = s.next().unwrap().unwrap_err();
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
    let took = start.elapsed();
    assert!(
        // At least the idle limit; the upper bound only says the limit, not the model's 6 s
        // sleep, ended it (room for node and three other tests on 2 cores).
        took >= Duration::from_millis(1600) && took < Duration::from_secs(5),
        "{took:?}"
    );
    assert!(s.next().is_none());
}

fn run_example(name: &str, args: &[&str]) -> (bool, String, String) {
    let o = Command::new(example(name))
        .args(args)
        .env("OPENCLAW_CONFIG_PATH", "/nonexistent/openclaw.json")
        .env_remove("OPENCLAW_GATEWAY_URL")
        .env_remove("OPENCLAW_GATEWAY_TOKEN")
        .output()
        .unwrap();
    (
        o.status.success(),
        String::from_utf8_lossy(&o.stdout).into(),
        String::from_utf8_lossy(&o.stderr).into(),
    )
}

#[test]
#[ignore = "needs a real gateway: run scripts/test.sh"]
fn c_examples_against_the_real_gateway() {
    let e = env();
    let (ok, out, err) = run_example("stream", &["-u", &e.url, "-t", &e.token, "hello from C"]);
    assert!(ok, "{err}");
    assert!(out.starts_with("echo: hello from C\n[usage: "), "{out}");
    assert!(out.ends_with("[finish: stop]\n"), "{out}");
    let (ok, out, err) = run_example("chat", &["-u", &e.url, "-t", &e.token, "plain chat"]);
    assert!(ok, "{err}");
    assert_eq!(out, "echo: plain chat\n");
    let (ok, out, err) = run_example("stream_cpp", &["-u", &e.url, "-t", &e.token, "cpp here"]);
    assert!(ok, "{err}");
    assert!(out.starts_with("echo: cpp here\n"), "{out}");
    let (ok, out, err) = run_example("tools", &["-u", &e.url, "-t", &e.token, "session_status"]);
    assert!(ok, "{err}");
    assert!(out.contains("OpenClaw 2026.9.6"), "{out}");
    let (ok, out, _) = run_example("check", &["-u", &e.url, "-t", &e.token]);
    assert!(ok);
    assert!(out.starts_with("ok: OpenClaw gateway 2026.9.6"), "{out}");
    let (ok, out, _) = run_example("check", &["-u", &e.disabled_url, "-t", &e.token]);
    assert!(!ok);
    assert!(
        out.starts_with("endpoint disabled:")
            && out.contains("gateway.http.endpoints.chatCompletions.enabled"),
        "{out}"
    );
    let (ok, out, err) = run_example(
        "cancel",
        &["-u", &e.url, "-t", &e.token, "stall [[sleep:20]]", "500"],
    );
    assert!(ok, "{err}");
    let ms: f64 = out
        .split("[cancelled ")
        .nth(1)
        .expect(&out)
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(ms < 1000.0, "{out}");
    let (ok, _, err) = run_example("stream", &["-u", &e.disabled_url, "-t", &e.token, "x"]);
    assert!(!ok);
    assert!(
        err.contains("OPENCLAW_RESULT_NOT_ENABLED") && err.contains("endpoint disabled"),
        "{err}"
    );
}

#[test]
#[ignore = "needs a real gateway: run scripts/test.sh"]
fn python_ctypes_example_against_the_real_gateway() {
    let e = env();
    let o = Command::new("python3")
        .arg(format!("{ROOT}/examples-c/stream_ctypes.py"))
        .args(["-u", &e.url, "-t", &e.token, "from python"])
        .env(
            "OPENCLAW_CLIENT_LIB",
            target_dir().join("libopenclaw_client.so"),
        )
        .env("OPENCLAW_CONFIG_PATH", "/nonexistent/openclaw.json")
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        out.starts_with("echo: from python\n") && out.ends_with("[finish: stop]\n"),
        "{out}"
    );
}

#[test]
#[ignore = "needs a real gateway: run scripts/test.sh"]
fn discovery_finds_the_gateway_from_its_config_file() {
    let e = env();
    let run = std::path::Path::new(&e.provider_log).parent().unwrap();
    let cfg = run.join("a/openclaw.json");
    let o = Command::new(example("check"))
        .env("OPENCLAW_CONFIG_PATH", &cfg)
        .env_remove("OPENCLAW_GATEWAY_URL")
        .env_remove("OPENCLAW_GATEWAY_TOKEN")
        .env_remove("OPENCLAW_GATEWAY_PORT")
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{out}");
    assert!(out.contains(&format!("gateway URL: {}", e.url)), "{out}");
    assert!(
        out.contains("(gateway.port)") && out.contains("(gateway.auth.token)"),
        "{out}"
    );
    assert!(
        !out.contains(&e.token),
        "the diagnosis never shows the secret"
    );
}

fn hooks_client() -> Client {
    let e = env();
    let hooks = std::env::var("OPENCLAW_REAL_HOOKS_TOKEN")
        .expect("OPENCLAW_REAL_HOOKS_TOKEN is set by scripts/real-gateway.sh");
    Client::builder()
        .base_url(e.url)
        .token(e.token)
        .hooks_token(hooks)
        .build()
        .unwrap()
}

#[test]
#[ignore = "needs a real gateway: run scripts/test.sh"]
fn responses_non_stream_and_stream() {
    let c = client();
    let r = c.responses(&ResponsesRequest::text("resp hello")).unwrap();
    assert_eq!(r.status, "completed");
    assert_eq!(r.output_text(), "echo: resp hello");
    assert!(r.id.starts_with("resp_"));
    assert!(r.usage.unwrap().input_tokens > 0);
    let mut deltas = String::new();
    let mut names = Vec::new();
    let mut s = c
        .responses_stream(&ResponsesRequest::text("resp stream me"))
        .unwrap();
    for ev in &mut s {
        match ev.unwrap() {
            ResponseEvent::TextDelta(d) => deltas.push_str(&d),
            ResponseEvent::Created { id } => names.push(format!("created {}", &id[..5])),
            ResponseEvent::Completed(r) => names.push(format!("completed {}", r.status)),
            ResponseEvent::Lifecycle { event_type } => names.push(event_type),
            ResponseEvent::TextDone(_) => names.push("text done".into()),
            ResponseEvent::OutputItemDone(_) => names.push("item done".into()),
            ResponseEvent::Incomplete(_) => names.push("incomplete".into()),
        }
    }
    assert_eq!(deltas, "echo: resp stream me");
    assert_eq!(names.first().map(String::as_str), Some("created resp_"));
    assert_eq!(
        names.last().map(String::as_str),
        Some("completed completed")
    );
    assert!(names.iter().any(|n| n == "response.in_progress"));
    // Structured input and an upstream failure.
    let r = c
        .responses(
            &ResponsesRequest::items(vec![InputItem::Message {
                role: Role::User,
                content: vec![InputPart::text("items in")],
            }])
            .instructions("be brief"),
        )
        .unwrap();
    assert_eq!(r.output_text(), "echo: items in");
    let e = c
        .responses(&ResponsesRequest::text("boom [[fail:400]]"))
        .unwrap_err();
    assert!(e.to_string().contains("fake upstream failure 400"), "{e}");
    let e = c
        .responses_stream(&ResponsesRequest::text("boom [[fail:400]]"))
        .unwrap()
        .collect_response()
        .unwrap_err();
    assert!(matches!(e, Error::Stream { .. }), "{e:?}");
    let e = Client::builder()
        .base_url(env().disabled_url)
        .token(env().token)
        .build()
        .unwrap()
        .responses(&ResponsesRequest::text("x"))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotEnabled);
}

#[test]
#[ignore = "needs a real gateway: run scripts/test.sh"]
fn responses_previous_response_id_continues_the_session() {
    let c = client();
    let first = unique("resp-first");
    let r1 = c.responses(&ResponsesRequest::text(&first)).unwrap();
    c.responses(&ResponsesRequest::text("resp follow-up").previous_response_id(&r1.id))
        .unwrap();
    let reqs = provider_requests_with(&first);
    assert!(
        reqs.iter()
            .any(|r| r.to_string().contains("resp follow-up")),
        "the follow-up ran in the first response's session"
    );
}

#[test]
#[ignore = "needs a real gateway: run scripts/test.sh"]
fn embeddings_without_an_embedding_provider_is_a_typed_error() {
    // The test gateway has no embedding provider configured: the gateway answers 500 api_error.
    let e = client()
        .embeddings(&EmbeddingsRequest::new(["hello"]))
        .unwrap_err();
    assert!(
        matches!(&e, Error::Api { status: 500, error_type: Some(t), .. } if t == "api_error"),
        "{e:?}"
    );
    let e = Client::builder()
        .base_url(env().disabled_url)
        .token(env().token)
        .build()
        .unwrap()
        .embeddings(&EmbeddingsRequest::new(["x"]))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotEnabled);
}

#[test]
#[ignore = "needs a real gateway: run scripts/test.sh"]
fn webhooks_wake_and_agent() {
    let c = hooks_client();
    let w = c.hook_wake(&WakeRequest::new("wake from test")).unwrap();
    assert_eq!(w.mode, "now");
    assert!(
        ["queued", "coalesced"].contains(&w.event_outcome.as_str()),
        "{w:?}"
    );
    let mut req = HookAgentRequest::new(unique("hook-run"));
    req.wait_for_completion = true;
    let a = c.hook_agent(&req).unwrap();
    assert!(!a.run_id.is_empty());
    assert_eq!(a.completion.unwrap()["status"], "ok");
    // The same idempotency key returns the same run.
    let mut req = HookAgentRequest::new("idempotent hook");
    req.idempotency_key = Some(unique("idem"));
    let r1 = c.hook_agent(&req).unwrap();
    let r2 = c.hook_agent(&req).unwrap();
    assert_eq!(r1.run_id, r2.run_id);
    // The gateway token is not the hooks token.
    let e = env();
    let wrong = Client::builder()
        .base_url(&e.url)
        .hooks_token(&e.token)
        .build()
        .unwrap();
    let err = wrong.hook_wake(&WakeRequest::new("x")).unwrap_err();
    assert!(
        matches!(
            err,
            Error::Unauthorized {
                endpoint: Endpoint::Hooks,
                ..
            }
        ),
        "{err:?}"
    );
    // Gateway B has no hooks.
    let off = Client::builder()
        .base_url(&e.disabled_url)
        .hooks_token("x")
        .build()
        .unwrap();
    let err = off.hook_wake(&WakeRequest::new("x")).unwrap_err();
    assert!(
        matches!(
            err,
            Error::NotEnabled {
                endpoint: Endpoint::Hooks,
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
#[ignore = "needs a real gateway: run scripts/test.sh"]
fn session_history_json_and_stream() {
    let c = client();
    let user = unique("hist");
    c.chat(&ChatRequest::user_message("remember this").user(&user))
        .unwrap();
    let key = format!("agent:main:openai-user:{user}");
    let h = c.session_history(&key, None, None).unwrap();
    let text = h.get().to_owned();
    let h: serde_json::Value = serde_json::from_str(h.get()).unwrap();
    assert_eq!(h["sessionKey"], key.as_str());
    assert!(
        text.contains("remember this") && text.contains("echo: remember this"),
        "{text}"
    );
    let mut s = c
        .session_history_stream(
            &key,
            &CallOptions::new().idle_timeout(Some(Duration::from_secs(20))),
        )
        .unwrap();
    let first = s.next().unwrap().unwrap();
    assert_eq!(first.event_type, "history");
    assert!(first.data.get().contains("remember this"));
    drop(s);
    let e = c
        .session_history("agent:main:no-such-session-xyz", None, None)
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound, "{e:?}");
}

#[test]
#[ignore = "needs a real gateway: run scripts/test.sh"]
fn capabilities_of_both_gateways() {
    let e = env();
    let caps = client().capabilities().unwrap();
    assert_eq!(caps.version.as_deref(), Some(e.version.as_str()));
    assert_eq!(
        (caps.chat_completions, caps.responses, caps.models),
        (Some(true), Some(true), true)
    );
    let off = Client::builder()
        .base_url(&e.disabled_url)
        .token(&e.token)
        .build()
        .unwrap()
        .capabilities()
        .unwrap();
    assert_eq!(
        (off.chat_completions, off.responses, off.models),
        (Some(false), Some(false), false)
    );
}

#[test]
#[ignore = "needs a real gateway: run scripts/test.sh"]
fn c_responses_example_against_the_real_gateway() {
    let e = env();
    let (ok, out, err) = run_example(
        "responses",
        &["-u", &e.url, "-t", &e.token, "from C responses"],
    );
    assert!(ok, "{err}");
    assert!(
        out.starts_with("echo: from C responses\n[status: completed] [usage: "),
        "{out}"
    );
}

#[test]
#[ignore = "needs a real gateway: run scripts/test.sh"]
fn the_first_sentence_is_handed_over_before_the_stream_ends() {
    use ::openclaw_client::speech::SentencesExt;
    // The echo model streams its reply one word every 20 ms.
    let mut stream = client()
        .chat_stream(&ChatRequest::user_message(
            "First sentence comes early. The second one follows it. And a third ends the reply.",
        ))
        .unwrap();
    stream.keep_text(true);
    let mut sentences = stream.sentences();
    let first = sentences.next().unwrap().unwrap();
    assert_eq!(first.as_str(), "echo: First sentence comes early.");
    // Handed over while the reply was still streaming: the stream has not seen its end, and
    // only part of the text has arrived.
    let so_far = sentences.get_ref().text_so_far().to_owned();
    assert!(
        !so_far.contains("ends the reply"),
        "the first sentence came only after the whole reply: {so_far:?}"
    );
    let rest: Vec<String> = sentences.map(|s| s.unwrap().as_str().to_owned()).collect();
    assert_eq!(
        rest,
        vec!["The second one follows it.", "And a third ends the reply."]
    );
}
