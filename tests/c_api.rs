//! The `extern "C"` functions called directly from Rust: NULLs, bad UTF-8, header injection,
//! callback cancellation, cross-thread cancel tokens, pull streams, last-error accessors,
//! concurrency, and the header drift check.

mod common;

use std::ffi::{CStr, c_char, c_int, c_void};
use std::ptr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use ::openclaw_client::ffi::cancel::*;
use ::openclaw_client::ffi::chat::*;
use ::openclaw_client::ffi::client::*;
use ::openclaw_client::ffi::diagnosis::*;
use ::openclaw_client::ffi::endpoints::*;
use ::openclaw_client::ffi::error::*;
use ::openclaw_client::ffi::stream::*;
use ::openclaw_client::ffi::*;
use common::cffi::*;
use common::*;

fn user_request(text: &str) -> *mut openclaw_chat_request {
    let r = openclaw_chat_request_new();
    unsafe {
        assert_eq!(
            openclaw_chat_request_add_message(r, OPENCLAW_ROLE_USER, cs(text).as_ptr()),
            OPENCLAW_RESULT_OK
        )
    };
    r
}

#[derive(Default)]
struct Collected {
    kinds: Vec<u32>,
    text: String,
    finish: String,
    total_tokens: u64,
    error_code: u32,
    cancel_after: usize,
    nul_terminated_ok: bool,
}

unsafe extern "C" fn collect(userdata: *mut c_void, ev: *const openclaw_event) -> c_int {
    let st = unsafe { &mut *(userdata as *mut Collected) };
    let ev = unsafe { &*ev };
    st.kinds.push(ev.kind);
    let text = unsafe { std::slice::from_raw_parts(ev.text as *const u8, ev.text_len) };
    // Also NUL-terminated.
    st.nul_terminated_ok = unsafe { *ev.text.add(ev.text_len) } == 0;
    match ev.kind {
        OPENCLAW_EVENT_CONTENT => st.text.push_str(std::str::from_utf8(text).unwrap()),
        OPENCLAW_EVENT_FINISH => st.finish = String::from_utf8_lossy(text).into(),
        OPENCLAW_EVENT_USAGE => st.total_tokens = ev.total_tokens,
        OPENCLAW_EVENT_ERROR => st.error_code = ev.error_code,
        _ => {}
    }
    if st.cancel_after > 0 && st.kinds.len() >= st.cancel_after {
        return 1;
    }
    0
}

#[test]
fn callback_stream_delivers_every_event_kind() {
    let gw = MockGateway::start(|_| Reply::sse(&gateway_stream(&["echo:", " héllo"], true)));
    let c = c_client(&gw.url, Some("tok"), None);
    let r = user_request("hi");
    unsafe { openclaw_chat_request_set_include_usage(r, true) };
    let mut st = Collected::default();
    let rc = unsafe { openclaw_chat_stream(c, r, Some(collect), &mut st as *mut _ as *mut c_void) };
    assert_eq!(rc, OPENCLAW_RESULT_OK, "{}", last_message());
    assert_eq!(
        st.kinds,
        vec![
            OPENCLAW_EVENT_ROLE,
            OPENCLAW_EVENT_CONTENT,
            OPENCLAW_EVENT_CONTENT,
            OPENCLAW_EVENT_FINISH,
            OPENCLAW_EVENT_USAGE,
            OPENCLAW_EVENT_DONE
        ]
    );
    assert_eq!(st.text, "echo: héllo");
    assert_eq!(st.finish, "stop");
    assert_eq!(st.total_tokens, 15);
    assert!(st.nul_terminated_ok);
    assert_eq!(gw.last().header("authorization"), Some("Bearer tok"));
    unsafe {
        openclaw_chat_request_free(r);
        openclaw_client_free(c);
    }
}

#[test]
fn callback_returning_nonzero_cancels_after_n_events() {
    let gw = MockGateway::start(|_| Reply::sse(&gateway_stream(&["a", "b", "c", "d"], false)));
    let c = c_client(&gw.url, Some("tok"), None);
    let r = user_request("hi");
    let mut st = Collected {
        cancel_after: 3,
        ..Default::default()
    };
    let rc = unsafe { openclaw_chat_stream(c, r, Some(collect), &mut st as *mut _ as *mut c_void) };
    assert_eq!(rc, OPENCLAW_RESULT_CANCELLED);
    assert_eq!(st.kinds.len(), 3, "no callback after the cancelling one");
    let mut len = 0;
    let partial = unsafe { CStr::from_ptr(openclaw_last_error_partial_text(&mut len)) };
    assert_eq!(partial.to_str().unwrap(), "ab");
    assert_eq!(len, 2);
    unsafe {
        openclaw_chat_request_free(r);
        openclaw_client_free(c);
    }
}

#[test]
fn stream_error_reaches_the_callback_then_the_return_code() {
    let gw = MockGateway::start(|_| {
        Reply::sse(&[
            ROLE_CHUNK.to_string(),
            content_chunk("part"),
            "data: {\"error\":{\"message\":\"boom\",\"type\":\"api_error\"}}\n\n".into(),
            DONE.into(),
        ])
    });
    let c = c_client(&gw.url, Some("tok"), None);
    let r = user_request("hi");
    let mut st = Collected::default();
    let rc = unsafe { openclaw_chat_stream(c, r, Some(collect), &mut st as *mut _ as *mut c_void) };
    assert_eq!(rc, OPENCLAW_RESULT_STREAM_ERROR);
    assert_eq!(st.kinds.last(), Some(&OPENCLAW_EVENT_ERROR));
    assert_eq!(st.error_code, OPENCLAW_RESULT_STREAM_ERROR);
    assert!(last_message().contains("boom"));
    assert_eq!(
        unsafe { CStr::from_ptr(openclaw_last_error_type()) }
            .to_str()
            .unwrap(),
        "api_error"
    );
    assert_eq!(
        unsafe { CStr::from_ptr(openclaw_last_error_partial_text(ptr::null_mut())) }
            .to_str()
            .unwrap(),
        "part"
    );
    unsafe {
        openclaw_chat_request_free(r);
        openclaw_client_free(c);
    }
}

#[test]
fn cancel_token_from_another_thread_interrupts_a_silent_server_at_once() {
    let gw = MockGateway::start(|_| {
        Reply::sse_timed(vec![
            (Duration::ZERO, ROLE_CHUNK.as_bytes().to_vec()),
            (Duration::from_secs(30), DONE.as_bytes().to_vec()),
        ])
    });
    let c = c_client(&gw.url, Some("tok"), None);
    let r = user_request("hi");
    let token = openclaw_cancel_token_new();
    unsafe {
        assert_eq!(
            openclaw_chat_request_set_cancel_token(r, token),
            OPENCLAW_RESULT_OK
        )
    };
    let token_addr = token as usize;
    let fired = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(300));
        let at = Instant::now();
        unsafe { openclaw_cancel_token_cancel(token_addr as *const openclaw_cancel_token) };
        at
    });
    let mut st = Collected::default();
    let rc = unsafe { openclaw_chat_stream(c, r, Some(collect), &mut st as *mut _ as *mut c_void) };
    let returned = Instant::now();
    let fired_at = fired.join().unwrap();
    assert_eq!(rc, OPENCLAW_RESULT_CANCELLED, "{}", last_message());
    let latency = returned.duration_since(fired_at);
    // The cancel, not the server's 30 s silence, ended the call (the figure is printed; the
    // bound only tells a cancel from the silence).
    eprintln!("C cancel latency: {latency:?}");
    assert!(latency < Duration::from_secs(1), "cancel took {latency:?}");
    unsafe {
        assert!(openclaw_cancel_token_is_cancelled(token));
        openclaw_cancel_token_cancel(token); // double cancel is fine
        openclaw_cancel_token_free(token);
        openclaw_chat_request_free(r);
        openclaw_client_free(c);
    }
}

#[test]
fn pull_stream_yields_events_then_end() {
    let gw = MockGateway::start(|_| Reply::sse(&gateway_stream(&["x", "y"], false)));
    let c = c_client(&gw.url, Some("tok"), None);
    let r = user_request("hi");
    let mut s = ptr::null_mut();
    unsafe {
        assert_eq!(openclaw_chat_stream_open(c, r, &mut s), OPENCLAW_RESULT_OK);
        // The stream keeps what it needs: free the request and client first.
        openclaw_chat_request_free(r);
        openclaw_client_free(c);
        let mut kinds = Vec::new();
        let mut ev: *const openclaw_event = ptr::null();
        loop {
            let rc = openclaw_stream_next(s, &mut ev);
            if rc == OPENCLAW_RESULT_END {
                break;
            }
            assert_eq!(rc, OPENCLAW_RESULT_OK);
            kinds.push((*ev).kind);
        }
        assert_eq!(
            kinds,
            vec![
                OPENCLAW_EVENT_ROLE,
                OPENCLAW_EVENT_CONTENT,
                OPENCLAW_EVENT_CONTENT,
                OPENCLAW_EVENT_FINISH,
                OPENCLAW_EVENT_DONE
            ]
        );
        // Use after the end keeps answering END.
        let before = ev;
        assert_eq!(openclaw_stream_next(s, &mut ev), OPENCLAW_RESULT_END);
        assert_eq!(ev, before, "out-parameter untouched");
        let mut len = 0;
        let t = openclaw_stream_text(s, &mut len);
        assert_eq!(CStr::from_ptr(t).to_str().unwrap(), "xy");
        openclaw_string_free(t);
        openclaw_stream_free(s);
    }
}

#[test]
fn pull_stream_error_then_end() {
    let gw = MockGateway::start(|_| {
        let mut p = gateway_stream(&["kept"], false);
        p.truncate(2);
        Reply::sse(&p)
    });
    let c = c_client(&gw.url, Some("tok"), None);
    let r = user_request("hi");
    unsafe {
        let mut s = ptr::null_mut();
        assert_eq!(openclaw_chat_stream_open(c, r, &mut s), OPENCLAW_RESULT_OK);
        let mut ev: *const openclaw_event = ptr::null();
        assert_eq!(openclaw_stream_next(s, &mut ev), OPENCLAW_RESULT_OK);
        assert_eq!(openclaw_stream_next(s, &mut ev), OPENCLAW_RESULT_OK);
        assert_eq!(openclaw_stream_next(s, &mut ev), OPENCLAW_RESULT_TRUNCATED);
        assert_eq!(
            CStr::from_ptr(openclaw_last_error_partial_text(ptr::null_mut()))
                .to_str()
                .unwrap(),
            "kept"
        );
        assert_eq!(openclaw_stream_next(s, &mut ev), OPENCLAW_RESULT_END);
        openclaw_stream_free(s);
        openclaw_chat_request_free(r);
        openclaw_client_free(c);
    }
}

#[test]
fn non_stream_chat_result_getters_and_tool_calls() {
    let gw = MockGateway::start(|_| {
        Reply::json(
            200,
            r#"{"id":"c","model":"openclaw","choices":[{"index":0,"message":{"role":"assistant","content":"calling","tool_calls":[{"id":"call_1","type":"function","function":{"name":"f","arguments":"{\"a\":1}"}}]},"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}}"#,
        )
    });
    let c = c_client(&gw.url, Some("tok"), None);
    let r = user_request("hi");
    unsafe {
        assert_eq!(
            openclaw_chat_request_add_tool(
                r,
                cs("f").as_ptr(),
                ptr::null(),
                cs("{\"type\":\"object\"}").as_ptr()
            ),
            OPENCLAW_RESULT_OK
        );
        assert_eq!(
            openclaw_chat_request_set_tool_choice(
                r,
                OPENCLAW_TOOL_CHOICE_FUNCTION,
                cs("f").as_ptr()
            ),
            OPENCLAW_RESULT_OK
        );
        assert_eq!(
            openclaw_chat_request_set_temperature(r, 0.2),
            OPENCLAW_RESULT_OK
        );
        assert_eq!(
            openclaw_chat_request_set_max_tokens(r, 9),
            OPENCLAW_RESULT_OK
        );
        assert_eq!(
            openclaw_chat_request_add_stop(r, cs("X").as_ptr()),
            OPENCLAW_RESULT_OK
        );
        assert_eq!(openclaw_chat_request_set_seed(r, 3), OPENCLAW_RESULT_OK);
        assert_eq!(openclaw_chat_request_set_top_p(r, 0.5), OPENCLAW_RESULT_OK);
        assert_eq!(
            openclaw_chat_request_set_user(r, cs("u1").as_ptr()),
            OPENCLAW_RESULT_OK
        );
        assert_eq!(
            openclaw_chat_request_set_agent_session_key(r, cs("main").as_ptr(), cs("k").as_ptr()),
            OPENCLAW_RESULT_OK
        );
        assert_eq!(
            openclaw_chat_request_set_channel(r, cs("voice").as_ptr()),
            OPENCLAW_RESULT_OK
        );
        assert_eq!(
            openclaw_chat_request_set_model_override(r, cs("fake/echo-1").as_ptr()),
            OPENCLAW_RESULT_OK
        );
        assert_eq!(
            openclaw_chat_request_add_image_bytes(r, cs("image/png").as_ptr(), b"abc".as_ptr(), 3),
            OPENCLAW_RESULT_OK
        );
        let mut res = ptr::null_mut();
        assert_eq!(
            openclaw_chat(c, r, &mut res),
            OPENCLAW_RESULT_OK,
            "{}",
            last_message()
        );
        let mut len = 0;
        assert_eq!(
            CStr::from_ptr(openclaw_chat_result_text(res, &mut len))
                .to_str()
                .unwrap(),
            "calling"
        );
        assert_eq!(len, 7);
        assert_eq!(
            CStr::from_ptr(openclaw_chat_result_finish_reason(res))
                .to_str()
                .unwrap(),
            "tool_calls"
        );
        let (mut p, mut k, mut t) = (0, 0, 0);
        assert!(openclaw_chat_result_usage(res, &mut p, &mut k, &mut t));
        assert_eq!((p, k, t), (1, 2, 3));
        assert_eq!(openclaw_chat_result_tool_call_count(res), 1);
        let (mut id, mut name, mut args) = (ptr::null(), ptr::null(), ptr::null());
        assert_eq!(
            openclaw_chat_result_tool_call(res, 0, &mut id, &mut name, &mut args),
            OPENCLAW_RESULT_OK
        );
        assert_eq!(CStr::from_ptr(id).to_str().unwrap(), "call_1");
        assert_eq!(CStr::from_ptr(name).to_str().unwrap(), "f");
        assert_eq!(CStr::from_ptr(args).to_str().unwrap(), "{\"a\":1}");
        assert_eq!(
            openclaw_chat_result_tool_call(res, 1, &mut id, ptr::null_mut(), ptr::null_mut()),
            OPENCLAW_RESULT_INVALID_ARGUMENT
        );
        assert!(!openclaw_chat_result_is_empty(res));
        openclaw_chat_result_free(res);
        let req = gw.last();
        let b = req.json();
        assert_eq!(b["tool_choice"]["function"]["name"], "f");
        assert_eq!(b["user"], "u1");
        assert_eq!(
            b["messages"][0]["content"][1]["image_url"]["url"],
            "data:image/png;base64,YWJj"
        );
        assert_eq!(req.header("x-openclaw-session-key"), Some("agent:main:k"));
        openclaw_chat_request_free(r);
        openclaw_client_free(c);
    }
}

#[test]
fn null_arguments_everywhere_give_null_argument() {
    unsafe {
        let codes = [
            openclaw_client_builder_set_base_url(ptr::null_mut(), cs("http://x").as_ptr()),
            openclaw_client_builder_set_base_url(openclaw_client_builder_new(), ptr::null()),
            openclaw_client_builder_set_secret(ptr::null_mut(), ptr::null()),
            openclaw_client_builder_set_agent(ptr::null_mut(), ptr::null()),
            openclaw_client_builder_set_connect_timeout_ms(ptr::null_mut(), 1),
            openclaw_client_builder_set_ca_pem(ptr::null_mut(), ptr::null(), 0),
            openclaw_client_builder_build(ptr::null_mut(), &mut ptr::null()),
            openclaw_client_builder_new_default(ptr::null_mut()),
            openclaw_client_new_default(ptr::null_mut()),
            openclaw_client_update_secret(ptr::null(), ptr::null()),
            openclaw_chat_request_add_message(
                ptr::null_mut(),
                OPENCLAW_ROLE_USER,
                cs("x").as_ptr(),
            ),
            openclaw_chat_request_add_message(
                openclaw_chat_request_new(),
                OPENCLAW_ROLE_USER,
                ptr::null(),
            ),
            openclaw_chat_request_set_session_key(ptr::null_mut(), ptr::null()),
            openclaw_chat_request_add_header(ptr::null_mut(), ptr::null(), ptr::null()),
            openclaw_chat_request_set_cancel_token(openclaw_chat_request_new(), ptr::null()),
            openclaw_chat(ptr::null(), ptr::null(), ptr::null_mut()),
            openclaw_chat_stream(ptr::null(), ptr::null(), None, ptr::null_mut()),
            openclaw_chat_stream_open(ptr::null(), ptr::null(), ptr::null_mut()),
            openclaw_stream_next(ptr::null_mut(), ptr::null_mut()),
            openclaw_models(ptr::null(), ptr::null_mut()),
            openclaw_tool_call_new(ptr::null(), ptr::null(), ptr::null_mut()),
            openclaw_tool_invoke(ptr::null(), ptr::null(), ptr::null_mut()),
            openclaw_health(ptr::null(), ptr::null_mut()),
            openclaw_ready(ptr::null(), ptr::null_mut(), ptr::null_mut()),
            openclaw_startup(ptr::null(), ptr::null_mut(), ptr::null_mut()),
            openclaw_check_alive(ptr::null(), ptr::null_mut()),
            openclaw_check_connection(ptr::null(), ptr::null_mut()),
            openclaw_chat_result_tool_call(
                ptr::null(),
                0,
                ptr::null_mut(),
                ptr::null_mut(),
                ptr::null_mut(),
            ),
        ];
        for (i, code) in codes.iter().enumerate() {
            assert_eq!(*code, OPENCLAW_RESULT_NULL_ARGUMENT, "call {i}");
        }
        // A live client but NULL callback / out-pointers.
        let gw = MockGateway::start(|_| Reply::json(200, "{}"));
        let c = c_client(&gw.url, Some("t"), None);
        let r = user_request("x");
        assert_eq!(
            openclaw_chat_stream(c, r, None, ptr::null_mut()),
            OPENCLAW_RESULT_NULL_ARGUMENT
        );
        assert_eq!(
            openclaw_chat(c, r, ptr::null_mut()),
            OPENCLAW_RESULT_NULL_ARGUMENT
        );
        assert!(gw.requests().is_empty(), "nothing sent");
        // Getters and frees accept NULL.
        assert!(openclaw_chat_result_text(ptr::null(), ptr::null_mut()).is_null());
        assert!(!openclaw_chat_result_usage(
            ptr::null(),
            ptr::null_mut(),
            ptr::null_mut(),
            ptr::null_mut()
        ));
        assert_eq!(openclaw_chat_result_tool_call_count(ptr::null()), 0);
        assert_eq!(openclaw_model_list_count(ptr::null()), 0);
        assert!(openclaw_model_list_id(ptr::null(), 0).is_null());
        assert_eq!(
            openclaw_diagnosis_code(ptr::null()),
            OPENCLAW_DIAGNOSIS_ERROR
        );
        assert!(openclaw_stream_text(ptr::null(), ptr::null_mut()).is_null());
        assert!(!openclaw_cancel_token_is_cancelled(ptr::null()));
        openclaw_cancel_token_cancel(ptr::null());
        openclaw_client_free(ptr::null());
        openclaw_client_builder_free(ptr::null_mut());
        openclaw_chat_request_free(ptr::null_mut());
        openclaw_chat_result_free(ptr::null_mut());
        openclaw_stream_free(ptr::null_mut());
        openclaw_model_list_free(ptr::null_mut());
        openclaw_tool_call_free(ptr::null_mut());
        openclaw_diagnosis_free(ptr::null_mut());
        openclaw_cancel_token_free(ptr::null_mut());
        openclaw_string_free(ptr::null_mut());
        openclaw_chat_request_free(r);
        openclaw_client_free(c);
    }
}

#[test]
fn invalid_utf8_and_header_injection_are_rejected() {
    let bad = b"\xff\xfe\0";
    let badp = bad.as_ptr() as *const c_char;
    unsafe {
        let b = openclaw_client_builder_new();
        assert_eq!(
            openclaw_client_builder_set_base_url(b, badp),
            OPENCLAW_RESULT_INVALID_UTF8
        );
        assert_eq!(
            openclaw_client_builder_set_secret(b, cs("a\r\nb").as_ptr()),
            OPENCLAW_RESULT_OK
        );
        let sentinel = std::ptr::dangling::<openclaw_client>();
        let mut c = sentinel;
        assert_eq!(
            openclaw_client_builder_build(b, &mut c),
            OPENCLAW_RESULT_INVALID_ARGUMENT
        );
        assert_eq!(c, sentinel, "out-parameter untouched on failure");
        assert!(
            last_message().contains("control character"),
            "{}",
            last_message()
        );
        assert!(!last_message().contains("a\r\nb"));

        let r = openclaw_chat_request_new();
        assert_eq!(
            openclaw_chat_request_add_message(r, OPENCLAW_ROLE_USER, badp),
            OPENCLAW_RESULT_INVALID_UTF8
        );
        assert_eq!(
            openclaw_chat_request_add_message(r, 99, cs("x").as_ptr()),
            OPENCLAW_RESULT_INVALID_ARGUMENT
        );
        for (name, value) in [
            ("x-a", "v\r\nX-Evil: 1"),
            ("x-a", "v\nw"),
            ("bad name", "v"),
        ] {
            assert_eq!(
                openclaw_chat_request_add_header(r, cs(name).as_ptr(), cs(value).as_ptr()),
                OPENCLAW_RESULT_INVALID_ARGUMENT
            );
        }
        assert_eq!(
            openclaw_chat_request_set_session_key(r, cs("k\r\nx").as_ptr()),
            OPENCLAW_RESULT_INVALID_ARGUMENT
        );
        assert_eq!(
            openclaw_chat_request_set_session_key(r, cs("subagent:x").as_ptr()),
            OPENCLAW_RESULT_INVALID_ARGUMENT
        );
        assert_eq!(
            openclaw_chat_request_set_session_key(r, cs("cron:x").as_ptr()),
            OPENCLAW_RESULT_INVALID_ARGUMENT
        );
        assert_eq!(
            openclaw_chat_request_set_agent_session_key(
                r,
                cs("main").as_ptr(),
                cs("acp:x").as_ptr()
            ),
            OPENCLAW_RESULT_INVALID_ARGUMENT
        );
        assert_eq!(
            openclaw_chat_request_set_channel(r, cs("a\rb").as_ptr()),
            OPENCLAW_RESULT_INVALID_ARGUMENT
        );
        assert_eq!(
            openclaw_chat_request_set_model_override(r, cs("m\n").as_ptr()),
            OPENCLAW_RESULT_INVALID_ARGUMENT
        );
        assert_eq!(
            openclaw_chat_request_add_tool(
                r,
                cs("f").as_ptr(),
                ptr::null(),
                cs("{not json").as_ptr()
            ),
            OPENCLAW_RESULT_INVALID_ARGUMENT
        );
        // Agent id checked when set (the rule every request kind shares): refused at once, the
        // request keeps no agent, and what is sent carries none.
        let gw = MockGateway::start(|_| Reply::json(200, "{}"));
        let c = c_client(&gw.url, Some("t"), None);
        assert_eq!(
            openclaw_chat_request_add_message(r, OPENCLAW_ROLE_USER, cs("x").as_ptr()),
            OPENCLAW_RESULT_OK
        );
        assert_eq!(
            openclaw_chat_request_set_agent(r, cs("bad\nagent").as_ptr()),
            OPENCLAW_RESULT_INVALID_ARGUMENT
        );
        let mut res = ptr::null_mut();
        openclaw_chat(c, r, &mut res);
        openclaw_chat_result_free(res);
        assert!(
            gw.requests()
                .iter()
                .all(|q| q.header("x-openclaw-agent-id").is_none())
        );
        let mut call = ptr::null_mut();
        assert_eq!(
            openclaw_tool_call_new(cs("t").as_ptr(), cs("[1]").as_ptr(), &mut call),
            OPENCLAW_RESULT_INVALID_ARGUMENT
        );
        assert_eq!(
            openclaw_tool_call_new(cs("t").as_ptr(), ptr::null(), &mut call),
            OPENCLAW_RESULT_OK
        );
        assert_eq!(
            openclaw_tool_call_set_session_key(call, cs("a\nb").as_ptr()),
            OPENCLAW_RESULT_INVALID_ARGUMENT
        );
        openclaw_tool_call_free(call);
        openclaw_chat_request_free(r);
        openclaw_client_free(c);
        // A PEM without a certificate.
        let b = openclaw_client_builder_new();
        let pem = b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
        assert_eq!(
            openclaw_client_builder_set_ca_pem(b, pem.as_ptr(), pem.len()),
            OPENCLAW_RESULT_OK
        );
        let mut c = ptr::null();
        assert_eq!(
            openclaw_client_builder_build(b, &mut c),
            OPENCLAW_RESULT_INVALID_ARGUMENT
        );
        assert!(last_message().contains("no certificate"));
    }
}

#[test]
fn last_error_carries_status_type_and_retry_after() {
    let gw = MockGateway::start(|r| {
        match r.path.as_str() {
        "/v1/chat/completions" => Reply::json(429, r#"{"error":{"message":"Too many failed authentication attempts.","type":"rate_limited"}}"#).header("Retry-After", "30"),
        _ => Reply::text(404, "Not Found"),
    }
    });
    let c = c_client(&gw.url, Some("wrong-token-value"), None);
    let r = user_request("x");
    unsafe {
        let mut res = ptr::null_mut();
        assert_eq!(openclaw_chat(c, r, &mut res), OPENCLAW_RESULT_RATE_LIMITED);
        assert_eq!(openclaw_last_error_code(), OPENCLAW_RESULT_RATE_LIMITED);
        assert_eq!(openclaw_last_error_http_status(), 429);
        assert_eq!(openclaw_last_error_retry_after_ms(), 30_000);
        assert_eq!(
            CStr::from_ptr(openclaw_last_error_type()).to_str().unwrap(),
            "rate_limited"
        );
        assert!(last_message().contains("Too many failed authentication attempts."));
        assert!(!last_message().contains("wrong-token-value"));
        // The models endpoint is "disabled" on this server.
        let mut l = ptr::null_mut();
        assert_eq!(openclaw_models(c, &mut l), OPENCLAW_RESULT_NOT_ENABLED);
        assert!(
            last_message().contains("gateway.http.endpoints.chatCompletions.enabled"),
            "{}",
            last_message()
        );
        // Success clears the last error.
        let mut live = false;
        let ok = MockGateway::start(|_| Reply::json(200, r#"{"ok":true,"status":"live"}"#));
        let c2 = c_client(&ok.url, Some("t"), None);
        assert_eq!(openclaw_health(c2, &mut live), OPENCLAW_RESULT_OK);
        assert!(live);
        assert_eq!(last_message(), "");
        assert_eq!(openclaw_last_error_retry_after_ms(), -1);
        openclaw_client_free(c2);
        openclaw_chat_request_free(r);
        openclaw_client_free(c);
    }
}

#[test]
fn result_names_cover_every_code() {
    let codes = [
        (OPENCLAW_RESULT_OK, "OPENCLAW_RESULT_OK"),
        (
            OPENCLAW_RESULT_NULL_ARGUMENT,
            "OPENCLAW_RESULT_NULL_ARGUMENT",
        ),
        (OPENCLAW_RESULT_INVALID_UTF8, "OPENCLAW_RESULT_INVALID_UTF8"),
        (
            OPENCLAW_RESULT_INVALID_ARGUMENT,
            "OPENCLAW_RESULT_INVALID_ARGUMENT",
        ),
        (OPENCLAW_RESULT_CONNECT, "OPENCLAW_RESULT_CONNECT"),
        (OPENCLAW_RESULT_TLS, "OPENCLAW_RESULT_TLS"),
        (OPENCLAW_RESULT_TIMEOUT, "OPENCLAW_RESULT_TIMEOUT"),
        (OPENCLAW_RESULT_IO, "OPENCLAW_RESULT_IO"),
        (
            OPENCLAW_RESULT_CONNECTION_LOST,
            "OPENCLAW_RESULT_CONNECTION_LOST",
        ),
        (OPENCLAW_RESULT_UNAUTHORIZED, "OPENCLAW_RESULT_UNAUTHORIZED"),
        (OPENCLAW_RESULT_FORBIDDEN, "OPENCLAW_RESULT_FORBIDDEN"),
        (OPENCLAW_RESULT_RATE_LIMITED, "OPENCLAW_RESULT_RATE_LIMITED"),
        (OPENCLAW_RESULT_NOT_ENABLED, "OPENCLAW_RESULT_NOT_ENABLED"),
        (OPENCLAW_RESULT_NOT_FOUND, "OPENCLAW_RESULT_NOT_FOUND"),
        (OPENCLAW_RESULT_API_ERROR, "OPENCLAW_RESULT_API_ERROR"),
        (OPENCLAW_RESULT_STREAM_ERROR, "OPENCLAW_RESULT_STREAM_ERROR"),
        (OPENCLAW_RESULT_TRUNCATED, "OPENCLAW_RESULT_TRUNCATED"),
        (OPENCLAW_RESULT_PROTOCOL, "OPENCLAW_RESULT_PROTOCOL"),
        (
            OPENCLAW_RESULT_LIMIT_EXCEEDED,
            "OPENCLAW_RESULT_LIMIT_EXCEEDED",
        ),
        (OPENCLAW_RESULT_CANCELLED, "OPENCLAW_RESULT_CANCELLED"),
        (OPENCLAW_RESULT_END, "OPENCLAW_RESULT_END"),
        (OPENCLAW_RESULT_PANIC, "OPENCLAW_RESULT_PANIC"),
        (OPENCLAW_RESULT_INTERNAL, "OPENCLAW_RESULT_INTERNAL"),
        (
            ::openclaw_client::ffi::log::OPENCLAW_RESULT_LOG_ALREADY_SET,
            "OPENCLAW_RESULT_LOG_ALREADY_SET",
        ),
        (
            ::openclaw_client::ffi::log::OPENCLAW_RESULT_LOGGER_IN_USE,
            "OPENCLAW_RESULT_LOGGER_IN_USE",
        ),
        (12345, "OPENCLAW_RESULT_UNKNOWN"),
    ];
    for (c, n) in codes {
        assert_eq!(
            unsafe { CStr::from_ptr(openclaw_result_name(c)) }
                .to_str()
                .unwrap(),
            n
        );
    }
    assert_eq!(
        unsafe { CStr::from_ptr(openclaw_version()) }
            .to_str()
            .unwrap(),
        env!("CARGO_PKG_VERSION")
    );
}

#[test]
fn sixteen_threads_stream_on_one_client() {
    let gw = MockGateway::start(|r| {
        let text = r.json()["messages"][0]["content"]
            .as_str()
            .unwrap_or("")
            .to_string();
        Reply::sse(&gateway_stream(&["echo: ", &text], false))
    });
    let c = c_client(&gw.url, Some("tok"), None) as usize;
    let done = std::sync::Arc::new(AtomicUsize::new(0));
    let handles: Vec<_> = (0..16)
        .map(|t| {
            let done = done.clone();
            std::thread::spawn(move || {
                for i in 0..5 {
                    let msg = format!("thread {t} call {i}");
                    let r = user_request(&msg);
                    let mut st = Collected::default();
                    let rc = unsafe {
                        openclaw_chat_stream(
                            c as *const openclaw_client,
                            r,
                            Some(collect),
                            &mut st as *mut _ as *mut c_void,
                        )
                    };
                    assert_eq!(rc, OPENCLAW_RESULT_OK);
                    assert_eq!(st.text, format!("echo: {msg}"));
                    unsafe { openclaw_chat_request_free(r) };
                    done.fetch_add(1, Ordering::SeqCst);
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    assert_eq!(done.load(Ordering::SeqCst), 80);
    unsafe { openclaw_client_free(c as *const openclaw_client) };
}

#[test]
fn token_update_models_tools_probes_and_diagnosis() {
    let gw = MockGateway::start(|r| match r.path.as_str() {
        "/health" => Reply::json(200, r#"{"ok":true,"status":"live"}"#),
        "/readyz" => Reply::json(200, r#"{"ready":true,"failing":[]}"#),
        "/startupz" => Reply::json(
            200,
            r#"{"ok":true,"status":"started","version":"2026.9.6"}"#,
        ),
        "/v1/models" => Reply::json(
            200,
            r#"{"object":"list","data":[{"id":"openclaw"},{"id":"openclaw/main"}]}"#,
        ),
        "/v1/chat/completions" | "/v1/responses" => Reply::json(
            400,
            r#"{"error":{"message":"Missing user message","type":"invalid_request_error"}}"#,
        ),
        "/tools/invoke" if r.json()["tool"] == "sessions_list" => {
            Reply::json(200, r#"{"ok":true,"result":{"n":1}}"#)
        }
        "/tools/invoke" => Reply::json(
            404,
            r#"{"ok":false,"error":{"type":"not_found","message":"Tool not available: x"}}"#,
        ),
        _ => Reply::text(404, "Not Found"),
    });
    let c = c_client(&gw.url, Some("old"), None);
    unsafe {
        assert_eq!(
            openclaw_client_update_secret(c, cs("new-token").as_ptr()),
            OPENCLAW_RESULT_OK
        );
        let mut l = ptr::null_mut();
        assert_eq!(openclaw_models(c, &mut l), OPENCLAW_RESULT_OK);
        assert_eq!(gw.last().header("authorization"), Some("Bearer new-token"));
        assert_eq!(openclaw_model_list_count(l), 2);
        assert_eq!(
            CStr::from_ptr(openclaw_model_list_id(l, 1))
                .to_str()
                .unwrap(),
            "openclaw/main"
        );
        assert!(openclaw_model_list_id(l, 2).is_null());
        openclaw_model_list_free(l);

        let mut call = ptr::null_mut();
        assert_eq!(
            openclaw_tool_call_new(cs("sessions_list").as_ptr(), cs("{}").as_ptr(), &mut call),
            OPENCLAW_RESULT_OK
        );
        assert_eq!(
            openclaw_tool_call_set_idempotency_key(call, cs("k").as_ptr()),
            OPENCLAW_RESULT_OK
        );
        let mut json = ptr::null_mut();
        assert_eq!(openclaw_tool_invoke(c, call, &mut json), OPENCLAW_RESULT_OK);
        assert_eq!(CStr::from_ptr(json).to_str().unwrap(), r#"{"n":1}"#);
        assert_eq!(gw.last().json()["idempotencyKey"], "k");
        openclaw_string_free(json);
        openclaw_tool_call_free(call);
        let mut call = ptr::null_mut();
        assert_eq!(
            openclaw_tool_call_new(cs("x").as_ptr(), ptr::null(), &mut call),
            OPENCLAW_RESULT_OK
        );
        let mut json = ptr::null_mut();
        assert_eq!(
            openclaw_tool_invoke(c, call, &mut json),
            OPENCLAW_RESULT_NOT_FOUND
        );
        assert!(json.is_null());
        openclaw_tool_call_free(call);

        let (mut live, mut ready, mut alive) = (false, false, false);
        assert_eq!(openclaw_health(c, &mut live), OPENCLAW_RESULT_OK);
        let mut failing = ptr::null_mut();
        assert_eq!(
            openclaw_ready(c, &mut ready, &mut failing),
            OPENCLAW_RESULT_OK
        );
        assert!(live && ready);
        assert_eq!(CStr::from_ptr(failing).to_str().unwrap(), "");
        openclaw_string_free(failing);
        assert_eq!(openclaw_check_alive(c, &mut alive), OPENCLAW_RESULT_OK);
        assert!(alive);
        let (mut status, mut version) = (ptr::null_mut(), ptr::null_mut());
        assert_eq!(
            openclaw_startup(c, &mut status, &mut version),
            OPENCLAW_RESULT_OK
        );
        assert_eq!(CStr::from_ptr(version).to_str().unwrap(), "2026.9.6");
        assert_eq!(CStr::from_ptr(status).to_str().unwrap(), "started");
        openclaw_string_free(status);
        openclaw_string_free(version);

        let mut d = ptr::null_mut();
        assert_eq!(openclaw_check_connection(c, &mut d), OPENCLAW_RESULT_OK);
        assert_eq!(openclaw_diagnosis_code(d), OPENCLAW_DIAGNOSIS_OK);
        assert_eq!(openclaw_diagnosis_chat_enabled(d), 1);
        assert_eq!(openclaw_diagnosis_responses_enabled(d), 1);
        assert_eq!(
            CStr::from_ptr(openclaw_diagnosis_version(d))
                .to_str()
                .unwrap(),
            "2026.9.6"
        );
        let text = CStr::from_ptr(openclaw_diagnosis_text(d))
            .to_str()
            .unwrap()
            .to_owned();
        assert!(text.contains("chat completions: enabled"), "{text}");
        assert!(!text.contains("new-token"));
        openclaw_diagnosis_free(d);
        openclaw_client_free(c);
    }
}

#[test]
fn committed_header_matches_what_build_rs_generates() {
    let committed = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/include/openclaw_client.h"
    ))
    .unwrap();
    assert!(
        committed == GENERATED_HEADER,
        "include/openclaw_client.h differs from the header build.rs generated: commit the regenerated header"
    );
    for needle in [
        "OPENCLAW_VERSION_MAJOR",
        "#ifdef __cplusplus",
        "extern \"C\"",
        "openclaw_chat_stream(",
        "Ownership",
    ] {
        assert!(committed.contains(needle), "header lacks {needle}");
    }
}

#[test]
fn beyond_chat_from_c_responses_embeddings_hooks_history_capabilities() {
    let gw = MockGateway::start(|r| {
        match r.path.as_str() {
        "/v1/responses" if r.json()["stream"] == true => Reply::sse(&[
            "event: response.created\ndata: {\"type\":\"response.created\",\"response\":{\"id\":\"resp_9\",\"object\":\"response\",\"output\":[]}}\n\n".to_string(),
            "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"delta\":\"hey\"}\n\n".into(),
            "event: response.output_item.done\ndata: {\"type\":\"response.output_item.done\",\"item\":{\"type\":\"function_call\",\"id\":\"x\",\"call_id\":\"c1\",\"name\":\"f\",\"arguments\":\"{}\"}}\n\n".into(),
            "event: response.completed\ndata: {\"type\":\"response.completed\",\"response\":{\"id\":\"resp_9\",\"object\":\"response\",\"status\":\"completed\",\"output\":[],\"usage\":{\"input_tokens\":4,\"output_tokens\":1,\"total_tokens\":5}}}\n\n".into(),
            "data: [DONE]\n\n".into(),
        ]),
        "/v1/responses" => Reply::json(200, r#"{"id":"resp_8","object":"response","status":"incomplete","incomplete_details":{"reason":"max_output_tokens"},"output":[{"type":"message","content":[{"type":"output_text","text":"partial"}]},{"type":"function_call","call_id":"c2","name":"g","arguments":"{\"a\":1}"}],"usage":{"input_tokens":1,"output_tokens":2,"total_tokens":3}}"#),
        "/v1/embeddings" => Reply::json(200, r#"{"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.5,1.5,2.5]}]}"#),
        "/hooks/wake" if r.header("authorization") == Some("Bearer hk") => Reply::json(200, r#"{"ok":true,"mode":"now","eventOutcome":"coalesced"}"#),
        "/hooks/agent" if r.header("authorization") == Some("Bearer hk") => Reply::json(200, r#"{"ok":true,"runId":"run-7"}"#),
        "/hooks/wake" | "/hooks/agent" => Reply::text(401, "Unauthorized"),
        "/sessions/agent%3Amain%3Ak/history" if r.header("accept") == Some("text/event-stream") => Reply::sse(&[
            "retry: 1000\n\n".to_string(),
            "event: history\ndata: {\"items\":[]}\n\n".into(),
            ": keepalive\n\n".into(),
            "event: message\ndata: {\"role\":\"user\",\"content\":\"hi\"}\n\n".into(),
        ]),
        "/sessions/agent%3Amain%3Ak/history" => Reply::json(200, r#"{"sessionKey":"agent:main:k","items":[]}"#),
        "/health" => Reply::json(200, r#"{"ok":true,"status":"live"}"#),
        "/startupz" => Reply::json(200, r#"{"ok":true,"status":"started","version":"2026.9.6"}"#),
        "/v1/models" => Reply::json(200, r#"{"object":"list","data":[{"id":"openclaw"}]}"#),
        "/v1/chat/completions" => Reply::json(400, r#"{"error":{"message":"Missing user message","type":"invalid_request_error"}}"#),
        _ => Reply::text(404, "Not Found"),
    }
    });
    unsafe {
        let b = openclaw_client_builder_new();
        assert_eq!(
            openclaw_client_builder_set_base_url(b, cs(&gw.url).as_ptr()),
            OPENCLAW_RESULT_OK
        );
        assert_eq!(
            openclaw_client_builder_set_hooks_token(b, cs("hk").as_ptr()),
            OPENCLAW_RESULT_OK
        );
        assert_eq!(
            openclaw_client_builder_set_max_retries(b, 0),
            OPENCLAW_RESULT_OK
        );
        let mut c = ptr::null();
        assert_eq!(openclaw_client_builder_build(b, &mut c), OPENCLAW_RESULT_OK);

        // Responses: callback stream.
        use ::openclaw_client::ffi::responses::*;
        let r = openclaw_responses_request_new();
        assert_eq!(
            openclaw_responses_request_add_image_url(r, cs("data:image/png;base64,AA==").as_ptr()),
            OPENCLAW_RESULT_INVALID_ARGUMENT
        );
        assert_eq!(
            openclaw_responses_request_add_message(r, OPENCLAW_ROLE_USER, cs("hi").as_ptr()),
            OPENCLAW_RESULT_OK
        );
        assert_eq!(
            openclaw_responses_request_add_file_bytes(
                r,
                cs("text/plain").as_ptr(),
                b"abc".as_ptr(),
                3,
                cs("a.txt").as_ptr()
            ),
            OPENCLAW_RESULT_OK
        );
        assert_eq!(
            openclaw_responses_request_set_instructions(r, cs("be brief").as_ptr()),
            OPENCLAW_RESULT_OK
        );
        assert_eq!(
            openclaw_responses_request_set_session_key(r, cs("a\nb").as_ptr()),
            OPENCLAW_RESULT_INVALID_ARGUMENT
        );
        let mut st = Collected::default();
        assert_eq!(
            openclaw_responses_stream(c, r, Some(collect), &mut st as *mut _ as *mut c_void),
            OPENCLAW_RESULT_OK,
            "{}",
            last_message()
        );
        assert_eq!(
            st.kinds,
            vec![
                OPENCLAW_EVENT_LIFECYCLE,
                OPENCLAW_EVENT_CONTENT,
                OPENCLAW_EVENT_TOOL_CALL,
                OPENCLAW_EVENT_DONE
            ]
        );
        assert_eq!(st.text, "hey");
        assert_eq!(st.total_tokens, 0, "usage rides on DONE for responses");
        let body = gw.last().json();
        assert_eq!(
            body["input"][0]["content"][1]["source"]["filename"],
            "a.txt"
        );
        assert_eq!(body["instructions"], "be brief");
        // Pull stream.
        let mut s = ptr::null_mut();
        assert_eq!(
            openclaw_responses_stream_open(c, r, &mut s),
            OPENCLAW_RESULT_OK
        );
        let mut ev: *const openclaw_event = ptr::null();
        let mut done_total = 0;
        while openclaw_stream_next(s, &mut ev) == OPENCLAW_RESULT_OK {
            if (*ev).kind == OPENCLAW_EVENT_DONE {
                done_total = (*ev).total_tokens;
                assert_eq!(CStr::from_ptr((*ev).text).to_str().unwrap(), "completed");
            }
        }
        assert_eq!(done_total, 5);
        openclaw_stream_free(s);
        // Non-stream.
        let mut resp = ptr::null_mut();
        assert_eq!(openclaw_responses(c, r, &mut resp), OPENCLAW_RESULT_OK);
        assert_eq!(
            CStr::from_ptr(openclaw_response_status(resp))
                .to_str()
                .unwrap(),
            "incomplete"
        );
        assert_eq!(
            CStr::from_ptr(openclaw_response_incomplete_reason(resp))
                .to_str()
                .unwrap(),
            "max_output_tokens"
        );
        assert_eq!(
            CStr::from_ptr(openclaw_response_output_text(resp, ptr::null_mut()))
                .to_str()
                .unwrap(),
            "partial"
        );
        assert_eq!(openclaw_response_function_call_count(resp), 1);
        let (mut id, mut name) = (ptr::null(), ptr::null());
        assert_eq!(
            openclaw_response_function_call(resp, 0, &mut id, &mut name, ptr::null_mut()),
            OPENCLAW_RESULT_OK
        );
        assert_eq!(CStr::from_ptr(id).to_str().unwrap(), "c2");
        let (mut i, mut o, mut t) = (0, 0, 0);
        assert!(openclaw_response_usage(resp, &mut i, &mut o, &mut t));
        assert_eq!(t, 3);
        openclaw_response_free(resp);
        openclaw_responses_request_free(r);

        // Embeddings.
        let inputs = [cs("a"), cs("b")];
        let ptrs: Vec<*const c_char> = inputs.iter().map(|s| s.as_ptr()).collect();
        let mut e = ptr::null_mut();
        assert_eq!(
            openclaw_embeddings_create(c, ptrs.as_ptr(), 2, ptr::null(), false, &mut e),
            OPENCLAW_RESULT_OK
        );
        assert_eq!(openclaw_embeddings_count(e), 1);
        let mut dims = 0;
        let v = openclaw_embeddings_vector(e, 0, &mut dims);
        assert_eq!(std::slice::from_raw_parts(v, dims), &[0.5, 1.5, 2.5]);
        assert!(openclaw_embeddings_vector(e, 1, ptr::null_mut()).is_null());
        openclaw_embeddings_free(e);
        assert_eq!(
            openclaw_embeddings_create(c, ptr::null(), 1, ptr::null(), false, &mut e),
            OPENCLAW_RESULT_NULL_ARGUMENT
        );

        // Webhooks.
        let mut outcome = ptr::null_mut();
        assert_eq!(
            openclaw_hook_wake(
                c,
                cs("wake").as_ptr(),
                ptr::null(),
                ptr::null(),
                &mut outcome
            ),
            OPENCLAW_RESULT_OK
        );
        assert_eq!(CStr::from_ptr(outcome).to_str().unwrap(), "coalesced");
        openclaw_string_free(outcome);
        let (mut run_id, mut completion) = (ptr::null_mut(), ptr::null_mut());
        assert_eq!(
            openclaw_hook_agent(
                c,
                cs("go").as_ptr(),
                ptr::null(),
                cs("k1").as_ptr(),
                false,
                &mut run_id,
                &mut completion
            ),
            OPENCLAW_RESULT_OK
        );
        assert_eq!(CStr::from_ptr(run_id).to_str().unwrap(), "run-7");
        assert_eq!(CStr::from_ptr(completion).to_str().unwrap(), "null");
        assert_eq!(gw.last().header("idempotency-key"), Some("k1"));
        openclaw_string_free(run_id);
        openclaw_string_free(completion);

        // History.
        let mut json = ptr::null_mut();
        assert_eq!(
            openclaw_session_history(c, cs("agent:main:k").as_ptr(), 0, ptr::null(), &mut json),
            OPENCLAW_RESULT_OK
        );
        assert!(
            CStr::from_ptr(json)
                .to_str()
                .unwrap()
                .contains("agent:main:k")
        );
        openclaw_string_free(json);
        assert_eq!(
            openclaw_session_history(
                c,
                cs("agent:main:missing").as_ptr(),
                0,
                ptr::null(),
                &mut json
            ),
            OPENCLAW_RESULT_NOT_FOUND
        );

        // History stream: callback and pull.
        unsafe extern "C" fn history_cb(ud: *mut c_void, ev: *const openclaw_event) -> c_int {
            let v = unsafe { &mut *(ud as *mut Vec<(u32, String, String)>) };
            let ev = unsafe { &*ev };
            let text = unsafe { CStr::from_ptr(ev.text) }
                .to_str()
                .unwrap()
                .to_owned();
            let et = unsafe { CStr::from_ptr(ev.event_type) }
                .to_str()
                .unwrap()
                .to_owned();
            v.push((ev.kind, et, text));
            0
        }
        let mut seen: Vec<(u32, String, String)> = Vec::new();
        assert_eq!(
            openclaw_session_history_stream(
                c,
                cs("agent:main:k").as_ptr(),
                ptr::null(),
                30_000,
                Some(history_cb),
                &mut seen as *mut _ as *mut c_void
            ),
            OPENCLAW_RESULT_OK,
            "{}",
            last_message()
        );
        assert_eq!(
            seen,
            vec![
                (
                    OPENCLAW_EVENT_HISTORY,
                    "history".to_owned(),
                    "{\"items\":[]}".to_owned()
                ),
                (
                    OPENCLAW_EVENT_HISTORY,
                    "message".to_owned(),
                    // The gateway's JSON text as sent (no re-serialization).
                    "{\"role\":\"user\",\"content\":\"hi\"}".to_owned()
                ),
            ]
        );
        let mut hs = ptr::null_mut();
        assert_eq!(
            openclaw_session_history_stream_open(
                c,
                cs("agent:main:k").as_ptr(),
                ptr::null(),
                0,
                &mut hs
            ),
            OPENCLAW_RESULT_OK
        );
        let mut n = 0;
        while openclaw_stream_next(hs, &mut ev) == OPENCLAW_RESULT_OK {
            assert_eq!((*ev).kind, OPENCLAW_EVENT_HISTORY);
            n += 1;
        }
        assert_eq!(n, 2);
        openclaw_stream_free(hs);

        // Capabilities.
        let (mut version, mut chat, mut responses) = (ptr::null_mut(), -2, -2);
        assert_eq!(
            openclaw_capabilities(c, &mut version, &mut chat, &mut responses),
            OPENCLAW_RESULT_OK
        );
        assert_eq!(CStr::from_ptr(version).to_str().unwrap(), "2026.9.6");
        assert_eq!((chat, responses), (1, 1));
        openclaw_string_free(version);
        openclaw_client_free(c);
    }
}

#[test]
fn last_error_exposes_the_gateway_message_and_code_beside_our_category() {
    let gw = MockGateway::start(|_| {
        Reply::json(
            400,
            r#"{"error":{"message":"Invalid model 'x'","type":"invalid_request_error","code":"model_not_found"}}"#,
        )
    });
    let c = c_client(&gw.url, Some("t"), None);
    let r = user_request("x");
    unsafe {
        let mut res = ptr::null_mut();
        assert_eq!(openclaw_chat(c, r, &mut res), OPENCLAW_RESULT_API_ERROR);
        let get = |p: *const c_char| CStr::from_ptr(p).to_str().unwrap().to_owned();
        assert_eq!(
            get(openclaw_last_error_gateway_message()),
            "Invalid model 'x'"
        );
        assert_eq!(get(openclaw_last_error_gateway_code()), "model_not_found");
        assert_eq!(get(openclaw_last_error_type()), "invalid_request_error");
        assert_eq!(openclaw_last_error_http_status(), 400);
        let full = last_message();
        assert!(
            full.contains("Invalid model 'x'") && full.contains("HTTP 400"),
            "{full}"
        );

        // A failure of our own has no gateway message or code.
        let dead = c_client(&dead_url(), Some("t"), None);
        assert_eq!(openclaw_chat(dead, r, &mut res), OPENCLAW_RESULT_CONNECT);
        assert_eq!(get(openclaw_last_error_gateway_message()), "");
        assert_eq!(get(openclaw_last_error_gateway_code()), "");
        openclaw_client_free(dead);
        openclaw_chat_request_free(r);
        openclaw_client_free(c);
    }
}
