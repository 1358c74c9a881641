//! Stream timing checked against a server whose pauses are known: headers, first content,
//! the longest gap, events and content bytes, the connect; Rust and C.

mod common;

use std::ffi::{CString, c_int, c_void};
use std::ptr;
use std::time::Duration;

use ::openclaw_client::ffi::chat::*;
use ::openclaw_client::ffi::client::*;
use ::openclaw_client::ffi::error::*;
use ::openclaw_client::ffi::stream::*;
use ::openclaw_client::{ChatRequest, Client};
use common::cffi::c_client;
use common::*;

const PAUSE: Duration = Duration::from_millis(150);

/// Headers at once; the role chunk after PAUSE; "Hello" at once; " world" after 2 × PAUSE;
/// finish and [DONE].
fn paced_gateway() -> MockGateway {
    MockGateway::start(|_| {
        Reply::sse_timed(vec![
            (PAUSE, ROLE_CHUNK.as_bytes().to_vec()),
            (Duration::ZERO, content_chunk("Hello").into_bytes()),
            (PAUSE * 2, content_chunk(" world").into_bytes()),
            (Duration::ZERO, FINISH_CHUNK.as_bytes().to_vec()),
            (Duration::ZERO, DONE.as_bytes().to_vec()),
        ])
    })
}

#[test]
fn rust_stream_timing_matches_the_servers_pauses() {
    let gw = paced_gateway();
    let c = Client::builder().base_url(&gw.url).build().unwrap();
    let mut s = c.chat_stream(&ChatRequest::user_message("x")).unwrap();
    let before = s.timing();
    assert_eq!(before.events, 0);
    assert!(
        before.connect.is_some(),
        "a fresh client opens a connection"
    );
    for ev in s.by_ref() {
        ev.unwrap();
    }
    let t = s.timing();
    // Role, Hello, world, finish, [DONE]: five SSE events; 11 bytes of content.
    assert_eq!(t.events, 5, "{t:?}");
    assert_eq!(t.content_bytes, 11, "{t:?}");
    let connect = t.connect.unwrap();
    assert!(connect <= t.headers, "{t:?}");
    let first = t.first_content.unwrap();
    // The role chunk comes PAUSE after the request (with or after the headers), "Hello" with it.
    assert!(first >= PAUSE && first >= t.headers, "{t:?}");
    // " world" came at least 3 × PAUSE after the request; the three silences before it (headers
    // → role → Hello → world) add up to at least that minus the headers' time, so the longest
    // is at least a third of it. (Events are stamped when parsed, so a single gap has no lower
    // bound a busy machine cannot undercut.)
    assert!(
        t.max_gap * 3 >= (PAUSE * 3).saturating_sub(t.headers),
        "{t:?}"
    );
    assert!(t.elapsed >= PAUSE * 3, "{t:?}");
    assert!(t.events_per_second() > 0.0 && t.content_bytes_per_second() > 0.0);
}

struct Seen {
    timings: Vec<openclaw_stream_timing>,
}

unsafe extern "C" fn on_event(ud: *mut c_void, ev: *const openclaw_event) -> c_int {
    // SAFETY: the test's own userdata and a live event.
    let (seen, ev) = unsafe { (&mut *(ud as *mut Seen), &*ev) };
    assert!(!ev.timing.is_null());
    // SAFETY: non-NULL, valid during the callback.
    seen.timings.push(unsafe { *ev.timing });
    0
}

#[test]
fn c_stream_timing_from_events_and_from_the_pull_stream() {
    let gw = paced_gateway();
    let url = CString::new(gw.url.clone()).unwrap();
    let msg = CString::new("x").unwrap();
    unsafe {
        let c = c_client(url.to_str().unwrap(), None, None);
        let r = openclaw_chat_request_new();
        openclaw_chat_request_add_message(r, OPENCLAW_ROLE_USER, msg.as_ptr());

        // Callback: every event carries the timing as of itself.
        let mut seen = Seen { timings: vec![] };
        let rc = openclaw_chat_stream(c, r, Some(on_event), &mut seen as *mut Seen as *mut c_void);
        assert_eq!(rc, OPENCLAW_RESULT_OK);
        let counts: Vec<u64> = seen.timings.iter().map(|t| t.events).collect();
        // ROLE, CONTENT, CONTENT, FINISH, DONE: one SSE event each.
        assert_eq!(counts, vec![1, 2, 3, 4, 5]);
        let last = seen.timings.last().unwrap();
        assert_eq!(last.content_bytes, 11);
        assert!(last.connect_us >= 0);
        assert!(
            last.first_content_us >= PAUSE.as_micros() as i64,
            "{last:?}"
        );
        assert!(last.first_content_us >= last.headers_us as i64, "{last:?}");
        assert!(
            3 * last.max_gap_us >= (3 * PAUSE.as_micros() as u64).saturating_sub(last.headers_us),
            "{last:?}"
        );
        assert_eq!(
            seen.timings[0].first_content_us, -1,
            "no content before the first CONTENT"
        );

        // Pull: openclaw_stream_timing_get after the end.
        let mut s = ptr::null_mut();
        assert_eq!(openclaw_chat_stream_open(c, r, &mut s), OPENCLAW_RESULT_OK);
        let mut ev = ptr::null();
        while openclaw_stream_next(s, &mut ev) == OPENCLAW_RESULT_OK {}
        let mut t = openclaw_stream_timing::default();
        assert_eq!(openclaw_stream_timing_get(s, &mut t), OPENCLAW_RESULT_OK);
        assert_eq!((t.events, t.content_bytes), (5, 11));
        assert!(
            3 * t.max_gap_us >= (3 * PAUSE.as_micros() as u64).saturating_sub(t.headers_us),
            "{t:?}"
        );
        assert_eq!(
            openclaw_stream_timing_get(ptr::null(), &mut t),
            OPENCLAW_RESULT_NULL_ARGUMENT
        );
        openclaw_stream_free(s);
        openclaw_chat_request_free(r);
        openclaw_client_free(c);
    }
}

#[test]
fn every_call_carries_a_traceparent_the_callers_or_its_own() {
    use ::openclaw_client::CallOptions;
    use ::openclaw_client::trace::TraceParent;
    let gw = MockGateway::start(|_| Reply::sse(&gateway_stream(&["ok"], false)));
    let c = Client::builder().base_url(&gw.url).build().unwrap();

    // Generated: well-formed, different per call, and what the stream reports.
    let s1 = c.chat_stream(&ChatRequest::user_message("x")).unwrap();
    let tp1 = s1.traceparent().unwrap();
    s1.collect_reply().unwrap();
    let s2 = c.chat_stream(&ChatRequest::user_message("x")).unwrap();
    let tp2 = s2.traceparent().unwrap();
    s2.collect_reply().unwrap();
    let sent: Vec<String> = gw
        .requests()
        .iter()
        .map(|r| r.header("traceparent").unwrap().to_owned())
        .collect();
    assert_eq!(sent, vec![tp1.to_string(), tp2.to_string()]);
    assert_ne!(tp1.trace_id(), tp2.trace_id());
    assert!(TraceParent::parse(&sent[0]).is_ok());

    // The caller's, with tracestate, exactly once each.
    let mine =
        TraceParent::parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01").unwrap();
    let opts = CallOptions::new()
        .trace_context(mine, Some("vendor=abc"))
        .unwrap();
    c.chat(&ChatRequest::user_message("x").options(opts)).ok();
    let last = gw.last();
    assert_eq!(last.header("traceparent"), Some(mine.to_string().as_str()));
    assert_eq!(last.header("tracestate"), Some("vendor=abc"));
    let head = last.raw_head().to_ascii_lowercase();
    assert_eq!(head.matches("\ntraceparent:").count(), 1, "{head}");
    // A malformed tracestate and a traceparent as an extra header are refused.
    assert!(
        CallOptions::new()
            .trace_context(mine, Some("bad state,"))
            .is_err()
    );
    assert_eq!(
        c.chat(&ChatRequest::user_message("x").header("traceparent", "x"))
            .unwrap_err()
            .kind(),
        ::openclaw_client::ErrorKind::InvalidInput
    );
}

#[test]
fn c_trace_context_on_the_wire_and_read_back_from_the_stream() {
    let gw = MockGateway::start(|_| Reply::sse(&gateway_stream(&["ok"], false)));
    let url = CString::new(gw.url.clone()).unwrap();
    let msg = CString::new("x").unwrap();
    let tp = CString::new("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01").unwrap();
    let bad = CString::new("01-zz").unwrap();
    unsafe {
        let c = c_client(url.to_str().unwrap(), None, None);
        let r = openclaw_chat_request_new();
        openclaw_chat_request_add_message(r, OPENCLAW_ROLE_USER, msg.as_ptr());
        assert_eq!(
            openclaw_chat_request_set_trace_context(r, bad.as_ptr(), ptr::null()),
            OPENCLAW_RESULT_INVALID_ARGUMENT
        );
        assert_eq!(
            openclaw_chat_request_set_trace_context(r, tp.as_ptr(), ptr::null()),
            OPENCLAW_RESULT_OK
        );
        let mut s = ptr::null_mut();
        assert_eq!(openclaw_chat_stream_open(c, r, &mut s), OPENCLAW_RESULT_OK);
        let mut out = ptr::null_mut();
        assert_eq!(openclaw_stream_traceparent(s, &mut out), OPENCLAW_RESULT_OK);
        assert_eq!(std::ffi::CStr::from_ptr(out).to_bytes(), tp.as_bytes());
        ::openclaw_client::ffi::openclaw_string_free(out);
        openclaw_stream_free(s);
        openclaw_chat_request_free(r);
        openclaw_client_free(c);
    }
    assert_eq!(gw.last().header("traceparent"), Some(tp.to_str().unwrap()));
}

#[test]
fn responses_and_history_streams_carry_their_traceparent_and_timing_in_rust_and_c() {
    use ::openclaw_client::ResponsesRequest;
    use ::openclaw_client::ffi::endpoints::openclaw_session_history_stream_open;
    use ::openclaw_client::ffi::responses::*;
    let gw = MockGateway::start(|r| {
        if r.path.starts_with("/v1/responses") {
            Reply::sse(&[
                "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"delta\":\"abc\"}\n\n",
                "event: response.completed\ndata: {\"type\":\"response.completed\",\"response\":{\"id\":\"r1\",\"object\":\"response\",\"status\":\"completed\",\"output\":[]}}\n\n",
                DONE,
            ])
        } else {
            Reply::sse(&["event: history\ndata: {\"messages\":[]}\n\n"])
        }
    });
    // Rust: each stream's traceparent is the one its request carried.
    let c = Client::builder().base_url(&gw.url).build().unwrap();
    let mut s = c.responses_stream(&ResponsesRequest::text("x")).unwrap();
    let tp = s
        .traceparent()
        .expect("a generated traceparent")
        .to_string();
    assert_eq!(gw.last().header("traceparent"), Some(tp.as_str()));
    assert_eq!(s.by_ref().filter(Result::is_ok).count(), 2);
    assert_eq!(
        (s.timing().events, s.timing().content_bytes),
        (3, 3),
        "two events and [DONE]"
    );
    let mut h = c
        .session_history_stream("main", &::openclaw_client::CallOptions::new())
        .unwrap();
    let tp = h
        .traceparent()
        .expect("a generated traceparent")
        .to_string();
    assert_eq!(gw.last().header("traceparent"), Some(tp.as_str()));
    assert_eq!(h.by_ref().filter(Result::is_ok).count(), 1);
    assert_eq!(h.timing().events, 1);
    // C: the pull streams of both kinds give the same through the stream getters.
    unsafe {
        let c = c_client(&gw.url, None, None);
        let r = openclaw_responses_request_new();
        openclaw_responses_request_add_message(r, OPENCLAW_ROLE_USER, c"x".as_ptr());
        let mut rs = ptr::null_mut();
        assert_eq!(
            openclaw_responses_stream_open(c, r, &mut rs),
            OPENCLAW_RESULT_OK
        );
        let mut hs = ptr::null_mut();
        assert_eq!(
            openclaw_session_history_stream_open(c, c"main".as_ptr(), ptr::null(), 0, &mut hs),
            OPENCLAW_RESULT_OK
        );
        for (s, events, content) in [(rs, 3, 3), (hs, 1, 0)] {
            let mut ev = ptr::null();
            while openclaw_stream_next(s, &mut ev) == OPENCLAW_RESULT_OK {}
            let mut t = openclaw_stream_timing::default();
            assert_eq!(openclaw_stream_timing_get(s, &mut t), OPENCLAW_RESULT_OK);
            assert_eq!((t.events, t.content_bytes), (events, content), "{t:?}");
            assert!(t.elapsed_us >= t.headers_us, "{t:?}");
            let mut out = ptr::null_mut();
            assert_eq!(openclaw_stream_traceparent(s, &mut out), OPENCLAW_RESULT_OK);
            let tp = std::ffi::CStr::from_ptr(out).to_str().unwrap().to_owned();
            ::openclaw_client::ffi::openclaw_string_free(out);
            assert_eq!(tp.len(), 55, "{tp}");
            assert!(
                gw.requests()
                    .iter()
                    .any(|q| q.header("traceparent") == Some(tp.as_str())),
                "{tp} was sent"
            );
            openclaw_stream_free(s);
        }
        openclaw_responses_request_free(r);
        openclaw_client_free(c);
    }
}
