//! The C API with one shape, through the `extern "C"` functions against the mock gateway:
//! typed responses setters, the same option and routing setters (one validation rule, applied
//! when set) on chat requests, responses requests and tool calls, `openclaw_model`, the history
//! cursor, the secret under one name, and the typed NULL checks of the handle scaffolding.

mod common;

use std::ffi::{CStr, c_char};
use std::ptr;
use std::time::{Duration, Instant};

use ::openclaw_client::ffi::cancel::*;
use ::openclaw_client::ffi::chat::*;
use ::openclaw_client::ffi::client::*;
use ::openclaw_client::ffi::endpoints::*;
use ::openclaw_client::ffi::error::*;
use ::openclaw_client::ffi::responses::*;
use ::openclaw_client::ffi::*;
use common::cffi::*;
use common::*;

fn response_json() -> &'static str {
    r#"{"id":"resp_1","object":"response","status":"completed","output":[{"type":"message","role":"assistant","content":[{"type":"output_text","text":"ok"}]}]}"#
}

/// A routing setter of each request kind, taking (request, value).
type Setter<T> = unsafe extern "C" fn(*mut T, *const c_char) -> openclaw_result;

/// The one rule, at the same moment (when set), for every request kind.
fn refuses_like_the_rule<T>(
    req: *mut T,
    session_key: Setter<T>,
    agent: Setter<T>,
    channel: Setter<T>,
) {
    unsafe {
        for bad in ["cron:nightly", "agent:main:subagent:x", "a\r\nb", " "] {
            assert_eq!(
                session_key(req, cs(bad).as_ptr()),
                OPENCLAW_RESULT_INVALID_ARGUMENT,
                "{bad:?}"
            );
        }
        assert_eq!(
            session_key(req, cs("agent:main:ok").as_ptr()),
            OPENCLAW_RESULT_OK
        );
        assert_eq!(
            session_key(req, ptr::null()),
            OPENCLAW_RESULT_OK,
            "NULL clears"
        );
        for bad in ["Bad Agent", "-x", ""] {
            assert_eq!(
                agent(req, cs(bad).as_ptr()),
                OPENCLAW_RESULT_INVALID_ARGUMENT,
                "{bad:?}"
            );
        }
        assert_eq!(agent(req, cs("ops_2").as_ptr()), OPENCLAW_RESULT_OK);
        assert_eq!(
            channel(req, cs("x\ny").as_ptr()),
            OPENCLAW_RESULT_INVALID_ARGUMENT
        );
        assert_eq!(channel(req, cs("slack").as_ptr()), OPENCLAW_RESULT_OK);
        // A NULL request is a NULL argument naming the C type.
        assert_eq!(
            session_key(ptr::null_mut(), cs("k").as_ptr()),
            OPENCLAW_RESULT_NULL_ARGUMENT
        );
        assert!(last_message().contains("openclaw_"), "{}", last_message());
    }
}

#[test]
fn one_routing_rule_for_chat_responses_and_tool_calls_when_set() {
    let chat = openclaw_chat_request_new();
    refuses_like_the_rule(
        chat,
        openclaw_chat_request_set_session_key,
        openclaw_chat_request_set_agent,
        openclaw_chat_request_set_channel,
    );
    let resp = openclaw_responses_request_new();
    refuses_like_the_rule(
        resp,
        openclaw_responses_request_set_session_key,
        openclaw_responses_request_set_agent,
        openclaw_responses_request_set_channel,
    );
    let mut call = ptr::null_mut();
    unsafe {
        assert_eq!(
            openclaw_tool_call_new(cs("sessions_list").as_ptr(), ptr::null(), &mut call),
            OPENCLAW_RESULT_OK
        );
    }
    refuses_like_the_rule(
        call,
        openclaw_tool_call_set_session_key,
        openclaw_tool_call_set_agent,
        openclaw_tool_call_set_channel,
    );
    unsafe {
        // Target, model override and extra headers: the same rule on chat and responses.
        assert_eq!(
            openclaw_chat_request_set_target(chat, cs("openclaw\n").as_ptr()),
            OPENCLAW_RESULT_INVALID_ARGUMENT
        );
        assert_eq!(
            openclaw_chat_request_set_model_override(chat, cs("p/m\r").as_ptr()),
            OPENCLAW_RESULT_INVALID_ARGUMENT
        );
        assert_eq!(
            openclaw_chat_request_add_header(chat, cs("Authorization").as_ptr(), cs("x").as_ptr()),
            OPENCLAW_RESULT_INVALID_ARGUMENT
        );
        assert_eq!(
            openclaw_responses_request_set_target(resp, cs("openclaw\n").as_ptr()),
            OPENCLAW_RESULT_INVALID_ARGUMENT
        );
        assert_eq!(
            openclaw_responses_request_set_model_override(resp, cs("p/m\r").as_ptr()),
            OPENCLAW_RESULT_INVALID_ARGUMENT
        );
        assert_eq!(
            openclaw_responses_request_add_header(
                resp,
                cs("Content-Type").as_ptr(),
                cs("x").as_ptr()
            ),
            OPENCLAW_RESULT_INVALID_ARGUMENT
        );
        assert_eq!(
            openclaw_responses_request_set_agent_session_key(
                resp,
                cs("main").as_ptr(),
                cs("acp:x").as_ptr()
            ),
            OPENCLAW_RESULT_INVALID_ARGUMENT
        );
        openclaw_chat_request_free(chat);
        openclaw_responses_request_free(resp);
        openclaw_tool_call_free(call);
    }
}

#[test]
fn responses_typed_setters_reach_the_wire() {
    let gw = MockGateway::start(|_| Reply::json(200, response_json()));
    let c = c_client(&gw.url, Some("tok"), Some(2));
    unsafe {
        let r = openclaw_responses_request_new();
        assert_eq!(
            openclaw_responses_request_add_message(r, OPENCLAW_ROLE_USER, cs("hi").as_ptr()),
            OPENCLAW_RESULT_OK
        );
        assert_eq!(
            openclaw_responses_request_add_message(r, OPENCLAW_ROLE_TOOL, cs("x").as_ptr()),
            OPENCLAW_RESULT_INVALID_ARGUMENT,
            "a tool role is refused by the core rule"
        );
        for (f, v) in [
            (
                openclaw_responses_request_set_instructions as Setter<openclaw_responses_request>,
                "be brief",
            ),
            (
                openclaw_responses_request_set_previous_response_id,
                "resp_0",
            ),
            (openclaw_responses_request_set_user, "u1"),
            (openclaw_responses_request_set_target, "openclaw/ops"),
            (openclaw_responses_request_set_agent, "ops"),
            (openclaw_responses_request_set_channel, "slack"),
            (openclaw_responses_request_set_model_override, "prov/model"),
        ] {
            assert_eq!(f(r, cs(v).as_ptr()), OPENCLAW_RESULT_OK, "{v}");
        }
        assert_eq!(
            openclaw_responses_request_set_agent_session_key(
                r,
                cs("ops").as_ptr(),
                cs("k1").as_ptr()
            ),
            OPENCLAW_RESULT_OK
        );
        assert_eq!(
            openclaw_responses_request_add_header(r, cs("X-Trace").as_ptr(), cs("t-1").as_ptr()),
            OPENCLAW_RESULT_OK
        );
        assert_eq!(
            openclaw_responses_request_set_temperature(r, 0.25),
            OPENCLAW_RESULT_OK
        );
        assert_eq!(
            openclaw_responses_request_set_top_p(r, 0.5),
            OPENCLAW_RESULT_OK
        );
        assert_eq!(
            openclaw_responses_request_set_max_output_tokens(r, 77),
            OPENCLAW_RESULT_OK
        );
        let mut out = ptr::null_mut();
        assert_eq!(
            openclaw_responses(c, r, &mut out),
            OPENCLAW_RESULT_OK,
            "{}",
            last_message()
        );
        let rec = gw.last();
        let body = rec.json();
        assert_eq!(body["instructions"], "be brief");
        assert_eq!(body["previous_response_id"], "resp_0");
        assert_eq!(body["user"], "u1");
        assert_eq!(body["model"], "openclaw/ops");
        assert_eq!(body["temperature"], 0.25);
        assert_eq!(body["top_p"], 0.5);
        assert_eq!(body["max_output_tokens"], 77);
        assert_eq!(rec.header("x-openclaw-agent-id"), Some("ops"));
        assert_eq!(rec.header("x-openclaw-session-key"), Some("agent:ops:k1"));
        assert_eq!(rec.header("x-openclaw-message-channel"), Some("slack"));
        assert_eq!(rec.header("x-openclaw-model"), Some("prov/model"));
        assert_eq!(rec.header("x-trace"), Some("t-1"));
        openclaw_response_free(out);
        openclaw_responses_request_free(r);
        openclaw_client_free(c);
    }
}

/// Every request kind has the same option setters; each is checked against a silent gateway
/// (the response timeout ends the call) and a failing one (no_retry sends once).
#[test]
fn the_same_option_setters_on_every_request_kind() {
    let silent = MockGateway::start(|_| Reply::json(200, "{}").delay(Duration::from_secs(5)));
    let c = c_client(&silent.url, Some("tok"), Some(2));
    unsafe {
        let chat = openclaw_chat_request_new();
        openclaw_chat_request_add_message(chat, OPENCLAW_ROLE_USER, cs("hi").as_ptr());
        assert_eq!(
            openclaw_chat_request_set_response_timeout_ms(chat, 200),
            OPENCLAW_RESULT_OK
        );
        let resp = openclaw_responses_request_new();
        openclaw_responses_request_add_message(resp, OPENCLAW_ROLE_USER, cs("hi").as_ptr());
        assert_eq!(
            openclaw_responses_request_set_response_timeout_ms(resp, 200),
            OPENCLAW_RESULT_OK
        );
        let mut call = ptr::null_mut();
        openclaw_tool_call_new(cs("t").as_ptr(), ptr::null(), &mut call);
        assert_eq!(
            openclaw_tool_call_set_response_timeout_ms(call, 200),
            OPENCLAW_RESULT_OK
        );
        for (what, rc) in [
            ("chat", {
                let mut o = ptr::null_mut();
                let t = Instant::now();
                let rc = openclaw_chat(c, chat, &mut o);
                (rc, t.elapsed())
            }),
            ("responses", {
                let mut o = ptr::null_mut();
                let t = Instant::now();
                let rc = openclaw_responses(c, resp, &mut o);
                (rc, t.elapsed())
            }),
            ("tool call", {
                let mut o = ptr::null_mut();
                let t = Instant::now();
                let rc = openclaw_tool_invoke(c, call, &mut o);
                (rc, t.elapsed())
            }),
        ] {
            assert_eq!(rc.0, OPENCLAW_RESULT_TIMEOUT, "{what}: {}", last_message());
            assert!(rc.1 < Duration::from_secs(3), "{what} took {:?}", rc.1);
        }
        // Connect, idle and total setters exist on every kind and accept 0 (no limit).
        assert_eq!(
            openclaw_responses_request_set_connect_timeout_ms(resp, 0),
            OPENCLAW_RESULT_OK
        );
        assert_eq!(
            openclaw_responses_request_set_total_timeout_ms(resp, 0),
            OPENCLAW_RESULT_OK
        );
        assert_eq!(
            openclaw_responses_request_set_idle_timeout_ms(resp, 0),
            OPENCLAW_RESULT_OK
        );
        assert_eq!(
            openclaw_tool_call_set_connect_timeout_ms(call, 0),
            OPENCLAW_RESULT_OK
        );
        assert_eq!(
            openclaw_tool_call_set_idle_timeout_ms(call, 0),
            OPENCLAW_RESULT_OK
        );
        assert_eq!(
            openclaw_tool_call_set_total_timeout_ms(call, 0),
            OPENCLAW_RESULT_OK
        );
        openclaw_client_free(c);

        // no_retry: a 503 with a short Retry-After is retried by the client's policy, not
        // with no_retry set, for each kind.
        let busy = MockGateway::start(|_| {
            Reply::json(503, r#"{"error":{"message":"busy"}}"#).header("retry-after", "0")
        });
        let c = c_client(&busy.url, Some("tok"), Some(2));
        assert_eq!(
            openclaw_chat_request_set_response_timeout_ms(chat, 0),
            OPENCLAW_RESULT_OK
        );
        assert_eq!(
            openclaw_responses_request_set_response_timeout_ms(resp, 0),
            OPENCLAW_RESULT_OK
        );
        assert_eq!(
            openclaw_tool_call_set_response_timeout_ms(call, 0),
            OPENCLAW_RESULT_OK
        );
        let mut o = ptr::null_mut();
        let before = busy.requests().len();
        assert_ne!(openclaw_chat(c, chat, &mut o), OPENCLAW_RESULT_OK);
        assert_eq!(busy.requests().len() - before, 3, "two retries by default");
        assert_eq!(
            openclaw_chat_request_set_no_retry(chat, true),
            OPENCLAW_RESULT_OK
        );
        assert_eq!(
            openclaw_responses_request_set_no_retry(resp, true),
            OPENCLAW_RESULT_OK
        );
        assert_eq!(
            openclaw_tool_call_set_no_retry(call, true),
            OPENCLAW_RESULT_OK
        );
        let before = busy.requests().len();
        assert_ne!(openclaw_chat(c, chat, &mut o), OPENCLAW_RESULT_OK);
        let mut r = ptr::null_mut();
        assert_ne!(openclaw_responses(c, resp, &mut r), OPENCLAW_RESULT_OK);
        let mut j = ptr::null_mut();
        assert_ne!(openclaw_tool_invoke(c, call, &mut j), OPENCLAW_RESULT_OK);
        assert_eq!(
            busy.requests().len() - before,
            3,
            "one request per kind with no_retry"
        );

        // Cancel token: the same setter on every kind; a cancelled token ends each call.
        let tok = openclaw_cancel_token_new();
        openclaw_cancel_token_cancel(tok);
        assert_eq!(
            openclaw_chat_request_set_cancel_token(chat, tok),
            OPENCLAW_RESULT_OK
        );
        assert_eq!(
            openclaw_responses_request_set_cancel_token(resp, tok),
            OPENCLAW_RESULT_OK
        );
        assert_eq!(
            openclaw_tool_call_set_cancel_token(call, tok),
            OPENCLAW_RESULT_OK
        );
        openclaw_cancel_token_free(tok);
        assert_eq!(openclaw_chat(c, chat, &mut o), OPENCLAW_RESULT_CANCELLED);
        assert_eq!(
            openclaw_responses(c, resp, &mut r),
            OPENCLAW_RESULT_CANCELLED
        );
        assert_eq!(
            openclaw_tool_invoke(c, call, &mut j),
            OPENCLAW_RESULT_CANCELLED
        );

        openclaw_chat_request_free(chat);
        openclaw_responses_request_free(resp);
        openclaw_tool_call_free(call);
        openclaw_client_free(c);
    }
}

#[test]
fn one_model_history_cursor_and_client_getters() {
    let gw = MockGateway::start(|rec| {
        if rec.path == "/v1/models/openclaw%2Fops" {
            Reply::json(
                200,
                r#"{"id":"openclaw/ops","object":"model","created":0,"owned_by":"openclaw"}"#,
            )
        } else if rec.path.starts_with("/v1/models/") {
            Reply::json(
                404,
                r#"{"error":{"message":"no such model","type":"not_found"}}"#,
            )
        } else if rec.path.starts_with("/sessions/") {
            Reply::json(
                200,
                r#"{"sessionKey":"agent:main:k","messages":[],"nextCursor":null}"#,
            )
        } else {
            Reply::json(404, "{}")
        }
    });
    let c = c_client(&gw.url, Some("tok"), Some(2));
    unsafe {
        let mut list = ptr::null_mut();
        assert_eq!(
            openclaw_model(c, cs("openclaw/ops").as_ptr(), &mut list),
            OPENCLAW_RESULT_OK,
            "{}",
            last_message()
        );
        assert_eq!(openclaw_model_list_count(list), 1);
        assert_eq!(
            CStr::from_ptr(openclaw_model_list_id(list, 0))
                .to_str()
                .unwrap(),
            "openclaw/ops"
        );
        openclaw_model_list_free(list);
        assert_eq!(gw.last().path, "/v1/models/openclaw%2Fops");
        let mut none = ptr::null_mut();
        assert_eq!(
            openclaw_model(c, cs("openclaw/nope").as_ptr(), &mut none),
            OPENCLAW_RESULT_NOT_FOUND
        );
        assert!(none.is_null(), "out is written only on success");
        assert_eq!(
            openclaw_model(c, cs("").as_ptr(), &mut none),
            OPENCLAW_RESULT_INVALID_ARGUMENT
        );

        let mut json = ptr::null_mut();
        assert_eq!(
            openclaw_session_history(
                c,
                cs("agent:main:k").as_ptr(),
                5,
                cs("c/2").as_ptr(),
                &mut json
            ),
            OPENCLAW_RESULT_OK,
            "{}",
            last_message()
        );
        openclaw_string_free(json);
        let path = gw.last().path;
        assert!(
            path.contains("limit=5") && path.contains("cursor=c%2F2"),
            "{path}"
        );

        assert!(openclaw_client_has_secret(c));
        let agent = openclaw_client_agent_id(c);
        assert_eq!(CStr::from_ptr(agent).to_str().unwrap(), "main");
        openclaw_string_free(agent);
        let (mut conn, mut resp, mut idle, mut total) = (1u64, 1u64, 1u64, 1u64);
        assert_eq!(
            openclaw_client_timeouts(c, &mut conn, &mut resp, &mut idle, &mut total),
            OPENCLAW_RESULT_OK
        );
        assert_eq!((conn, resp, idle, total), (10_000, 600_000, 300_000, 0));

        // One name for the secret: update_secret removes it with NULL.
        assert_eq!(
            openclaw_client_update_secret(c, ptr::null()),
            OPENCLAW_RESULT_OK
        );
        assert!(!openclaw_client_has_secret(c));
        assert_eq!(
            openclaw_client_update_secret(c, cs("a\r\nb").as_ptr()),
            OPENCLAW_RESULT_INVALID_ARGUMENT
        );
        openclaw_client_free(c);
    }
}

#[test]
fn chat_parts_and_tool_calls_follow_the_core_rules() {
    unsafe {
        let r = openclaw_chat_request_new();
        assert_eq!(
            openclaw_chat_request_add_image_url(r, cs("https://x/a.png").as_ptr()),
            OPENCLAW_RESULT_INVALID_ARGUMENT
        );
        assert!(
            last_message().contains("no message yet"),
            "{}",
            last_message()
        );
        assert_eq!(
            openclaw_chat_request_add_message(r, OPENCLAW_ROLE_USER, cs("look").as_ptr()),
            OPENCLAW_RESULT_OK
        );
        assert_eq!(
            openclaw_chat_request_add_tool_call(
                r,
                cs("c1").as_ptr(),
                cs("f").as_ptr(),
                cs("{}").as_ptr()
            ),
            OPENCLAW_RESULT_INVALID_ARGUMENT,
            "tool calls belong to an assistant message"
        );
        assert_eq!(
            openclaw_chat_request_add_image_url(r, cs("https://x/a.png").as_ptr()),
            OPENCLAW_RESULT_OK
        );
        openclaw_chat_request_free(r);
        let resp = openclaw_responses_request_new();
        assert_eq!(
            openclaw_responses_request_add_file_url(resp, cs("https://x/a.pdf").as_ptr()),
            OPENCLAW_RESULT_INVALID_ARGUMENT
        );
        openclaw_responses_request_free(resp);
    }
}

/// A C client of `url` with a hooks token and the given retry policy.
fn hooks_client(url: &str, retry: (u32, u64, u64, u64)) -> *const openclaw_client {
    unsafe {
        let b = openclaw_client_builder_new();
        assert_eq!(
            openclaw_client_builder_set_base_url(b, cs(url).as_ptr()),
            OPENCLAW_RESULT_OK
        );
        openclaw_client_builder_set_secret(b, cs("tok").as_ptr());
        openclaw_client_builder_set_hooks_token(b, cs("hooktok").as_ptr());
        assert_eq!(
            openclaw_client_builder_set_retry_policy(b, retry.0, retry.1, retry.2, retry.3),
            OPENCLAW_RESULT_OK
        );
        let mut c = ptr::null();
        assert_eq!(openclaw_client_builder_build(b, &mut c), OPENCLAW_RESULT_OK);
        c
    }
}

/// Runs models, embeddings, hook wake and hook agent with `opts`; their result codes.
unsafe fn calls_with(
    c: *const openclaw_client,
    opts: *const ::openclaw_client::ffi::options::openclaw_call_options,
) -> [(&'static str, openclaw_result); 4] {
    let input = cs("text");
    let inputs = [input.as_ptr()];
    unsafe {
        let mut list = ptr::null_mut();
        let mut emb = ptr::null_mut();
        let mut outcome = ptr::null_mut();
        let mut run = ptr::null_mut();
        let r = [
            ("models", openclaw_models_with(c, opts, &mut list)),
            (
                "embeddings",
                openclaw_embeddings_create_with(
                    c,
                    inputs.as_ptr(),
                    1,
                    ptr::null(),
                    false,
                    opts,
                    &mut emb,
                ),
            ),
            (
                "hook wake",
                openclaw_hook_wake_with(
                    c,
                    cs("wake up").as_ptr(),
                    ptr::null(),
                    ptr::null(),
                    ptr::null(),
                    opts,
                    &mut outcome,
                ),
            ),
            (
                "hook agent",
                openclaw_hook_agent_json(
                    c,
                    cs(r#"{"message":"go"}"#).as_ptr(),
                    opts,
                    &mut run,
                    ptr::null_mut(),
                ),
            ),
        ];
        openclaw_model_list_free(list);
        openclaw_embeddings_free(emb);
        openclaw_string_free(outcome);
        openclaw_string_free(run);
        r
    }
}

#[test]
fn calls_without_a_request_object_take_the_same_options() {
    use ::openclaw_client::ffi::options::*;
    unsafe {
        // A response timeout: every call ends with TIMEOUT long before the mock answers.
        let silent = MockGateway::start(|_| Reply::json(200, "{}").delay(Duration::from_secs(5)));
        let c = hooks_client(&silent.url, (0, 250, 4000, 10_000));
        let o = openclaw_call_options_new();
        assert!(!o.is_null());
        assert_eq!(
            openclaw_call_options_set_response_timeout_ms(o, 200),
            OPENCLAW_RESULT_OK
        );
        for (what, rc) in calls_with(c, o) {
            assert_eq!(rc, OPENCLAW_RESULT_TIMEOUT, "{what}: {}", last_message());
        }
        assert_eq!(silent.requests().len(), 4);
        openclaw_client_free(c);

        // no_retry: the client retries a 503 twice; with the options, each call is sent once.
        let busy = MockGateway::start(|_| {
            Reply::json(503, r#"{"error":{"message":"busy"}}"#).header("retry-after", "0")
        });
        let c = hooks_client(&busy.url, (2, 1, 10, 10_000));
        assert_eq!(
            openclaw_call_options_set_response_timeout_ms(o, 0),
            OPENCLAW_RESULT_OK
        );
        calls_with(c, ptr::null());
        // hooks/agent carries an idempotency key, so it is retried like the others.
        assert_eq!(
            busy.requests().len(),
            12,
            "three attempts per call by default"
        );
        assert_eq!(
            openclaw_call_options_set_no_retry(o, true),
            OPENCLAW_RESULT_OK
        );
        calls_with(c, o);
        assert_eq!(
            busy.requests().len(),
            16,
            "one attempt per call with no_retry"
        );

        // A cancelled token ends every call.
        let tok = openclaw_cancel_token_new();
        openclaw_cancel_token_cancel(tok);
        assert_eq!(
            openclaw_call_options_set_cancel_token(o, tok),
            OPENCLAW_RESULT_OK
        );
        openclaw_cancel_token_free(tok);
        for (what, rc) in calls_with(c, o) {
            assert_eq!(rc, OPENCLAW_RESULT_CANCELLED, "{what}");
        }
        assert_eq!(busy.requests().len(), 16, "nothing sent once cancelled");
        openclaw_client_free(c);

        // The setters refuse NULL and bad values like every request kind's.
        assert_eq!(
            openclaw_call_options_set_idle_timeout_ms(ptr::null_mut(), 1),
            OPENCLAW_RESULT_NULL_ARGUMENT
        );
        assert_eq!(
            openclaw_call_options_set_trace_context(
                o,
                cs("not-a-traceparent").as_ptr(),
                ptr::null()
            ),
            OPENCLAW_RESULT_INVALID_ARGUMENT
        );
        for f in [
            openclaw_call_options_set_connect_timeout_ms,
            openclaw_call_options_set_idle_timeout_ms,
            openclaw_call_options_set_total_timeout_ms,
        ] {
            assert_eq!(f(o, 0), OPENCLAW_RESULT_OK);
        }
        openclaw_call_options_free(o);
        openclaw_call_options_free(ptr::null_mut());
    }
}

#[test]
fn hook_calls_from_c_reach_every_field_and_the_retry_policy_is_kept_whole() {
    let gw = MockGateway::start(|r| {
        if r.path.ends_with("/wake") {
            Reply::json(200, r#"{"ok":true,"mode":"now","eventOutcome":"queued"}"#)
        } else {
            Reply::json(200, r#"{"ok":true,"runId":"run-7"}"#)
        }
    });
    let c = hooks_client(&gw.url, (2, 250, 4000, 10_000));
    unsafe {
        let mut outcome = ptr::null_mut();
        assert_eq!(
            openclaw_hook_wake_with(
                c,
                cs("wake").as_ptr(),
                cs("next-heartbeat").as_ptr(),
                cs("ops").as_ptr(),
                cs("hook:door").as_ptr(),
                ptr::null(),
                &mut outcome
            ),
            OPENCLAW_RESULT_OK,
            "{}",
            last_message()
        );
        assert_eq!(CStr::from_ptr(outcome).to_str().unwrap(), "queued");
        openclaw_string_free(outcome);
        assert_eq!(
            gw.last().json(),
            serde_json::json!({"text": "wake", "mode": "next-heartbeat", "agentId": "ops", "sessionKey": "hook:door"})
        );
        let body = r#"{"message":"open the door","name":"Door","agentId":"ops","sessionKey":"hook:door",
            "sessionMode":"persistent","wakeMode":"now","deliver":true,"channel":"telegram","to":"42",
            "accountId":"acc","model":"openai/gpt-5","timeoutSeconds":30,"idempotencyKey":"door-1"}"#;
        let mut run: *mut c_char = ptr::null_mut();
        assert_eq!(
            openclaw_hook_agent_json(c, cs(body).as_ptr(), ptr::null(), &mut run, ptr::null_mut()),
            OPENCLAW_RESULT_OK,
            "{}",
            last_message()
        );
        assert_eq!(CStr::from_ptr(run).to_str().unwrap(), "run-7");
        openclaw_string_free(run);
        let sent = gw.last();
        assert_eq!(sent.header("idempotency-key"), Some("door-1"));
        let mut want: serde_json::Value = serde_json::from_str(body).unwrap();
        want.as_object_mut().unwrap().remove("idempotencyKey");
        assert_eq!(sent.json(), want);
        // An unknown field or a wrong type is refused by name, before anything is sent.
        let before = gw.requests().len();
        for bad in [
            r#"{"message":"m","sessionkey":"x"}"#,
            r#"{"message":"m","deliver":"yes"}"#,
            r#"{"name":"no message"}"#,
            "not json",
        ] {
            assert_eq!(
                openclaw_hook_agent_json(
                    c,
                    cs(bad).as_ptr(),
                    ptr::null(),
                    &mut run,
                    ptr::null_mut()
                ),
                OPENCLAW_RESULT_INVALID_ARGUMENT,
                "{bad}"
            );
        }
        assert!(
            last_message().contains("/hooks/agent"),
            "{}",
            last_message()
        );
        assert_eq!(gw.requests().len(), before);
        openclaw_client_free(c);
    }

    // set_max_retries keeps the rest of the policy: with a Retry-After cap of 0, a 503 asking
    // for 1 s is not retried, before and after max_retries changes.
    let busy = MockGateway::start(|_| {
        Reply::json(503, r#"{"error":{"message":"busy"}}"#).header("retry-after", "1")
    });
    unsafe {
        let b = openclaw_client_builder_new();
        openclaw_client_builder_set_base_url(b, cs(&busy.url).as_ptr());
        assert_eq!(
            openclaw_client_builder_set_retry_policy(b, 2, 1, 10, 0),
            OPENCLAW_RESULT_OK
        );
        assert_eq!(
            openclaw_client_builder_set_max_retries(b, 3),
            OPENCLAW_RESULT_OK
        );
        let mut c = ptr::null();
        assert_eq!(openclaw_client_builder_build(b, &mut c), OPENCLAW_RESULT_OK);
        let mut list = ptr::null_mut();
        assert_ne!(openclaw_models(c, &mut list), OPENCLAW_RESULT_OK);
        assert_eq!(
            busy.requests().len(),
            1,
            "a Retry-After over the cap is not waited for"
        );
        openclaw_client_free(c);
        assert_eq!(
            openclaw_client_builder_set_retry_policy(ptr::null_mut(), 1, 1, 1, 1),
            OPENCLAW_RESULT_NULL_ARGUMENT
        );
    }
}
