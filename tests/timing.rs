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
    assert!(first >= t.headers + PAUSE, "{t:?}");
    assert!(t.max_gap >= PAUSE * 2, "{t:?}");
    assert!(t.elapsed >= first + PAUSE * 2, "{t:?}");
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
        let b = openclaw_client_builder_new();
        openclaw_client_builder_set_base_url(b, url.as_ptr());
        let mut c = ptr::null();
        assert_eq!(openclaw_client_builder_build(b, &mut c), OPENCLAW_RESULT_OK);
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
        assert!(last.first_content_us >= (last.headers_us + PAUSE.as_micros() as u64) as i64);
        assert!(last.max_gap_us >= 2 * PAUSE.as_micros() as u64, "{last:?}");
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
        assert!(t.max_gap_us >= 2 * PAUSE.as_micros() as u64, "{t:?}");
        assert_eq!(
            openclaw_stream_timing_get(ptr::null(), &mut t),
            OPENCLAW_RESULT_NULL_ARGUMENT
        );
        openclaw_stream_free(s);
        openclaw_chat_request_free(r);
        openclaw_client_free(c);
    }
}
