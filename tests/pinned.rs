//! Behaviour that mutation testing found unpinned (issue 16): the event-stream limits and their
//! exact boundaries, the literal fast path of the chat stream decoder run on chunks of the
//! gateway's exact byte shape, retry timing, keys and what is never retried, the error
//! accessors (Rust and C), and a few smaller stream behaviours. Each test fails when the
//! behaviour it names breaks; none times anything for speed (time bounds are hang guards or
//! lower bounds that a sleep cannot undercut).

mod common;

use std::collections::VecDeque;
use std::ffi::{CStr, CString};
use std::io::{self, BufRead, Read, Write};
use std::net::TcpListener;
use std::ptr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use common::*;
use openclaw_client::sse::{
    DEFAULT_MAX_EVENT_BYTES, DEFAULT_MAX_KEPT_BYTES, DEFAULT_MAX_LINE_BYTES, EventReader, Limits,
    LineReader, SseError,
};
use openclaw_client::{
    ChatEvent, ChatRequest, ChatStream, Client, Endpoint, Error, ErrorKind, FinishReason,
    RetryPolicy, TimeoutPhase, ToolInvocation,
};
use serde_json::json;

// ---- a reader that hands out exactly the given pieces, one per fill_buf ----

/// A [`BufRead`] whose reads end exactly at the given part boundaries; `interrupts` reads
/// fail with `ErrorKind::Interrupted` first (as a signal would make `read(2)` fail).
struct Parts {
    parts: VecDeque<Vec<u8>>,
    pos: usize,
    interrupts: usize,
    /// fill_buf calls so far: a reader polled forever is a livelock, failed at once.
    polls: usize,
}

impl Parts {
    fn new<P: AsRef<[u8]>>(parts: &[P]) -> Parts {
        Parts {
            parts: parts.iter().map(|p| p.as_ref().to_vec()).collect(),
            pos: 0,
            interrupts: 0,
            polls: 0,
        }
    }
    fn interrupted(mut self, n: usize) -> Parts {
        self.interrupts = n;
        self
    }
}

impl Read for Parts {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = {
            let b = self.fill_buf()?;
            let n = b.len().min(buf.len());
            buf[..n].copy_from_slice(&b[..n]);
            n
        };
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for Parts {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.polls += 1;
        assert!(
            self.polls < 100_000,
            "the reader is polled forever (livelock)"
        );
        if self.interrupts > 0 {
            self.interrupts -= 1;
            return Err(io::ErrorKind::Interrupted.into());
        }
        while self.parts.front().is_some_and(|p| self.pos >= p.len()) {
            self.parts.pop_front();
            self.pos = 0;
        }
        Ok(match self.parts.front() {
            Some(p) => &p[self.pos..],
            None => &[],
        })
    }
    fn consume(&mut self, n: usize) {
        self.pos += n;
    }
}

/// Every line of `parts` read with a line limit of `max`, or the first error.
fn lines<P: AsRef<[u8]>>(parts: &[P], max: usize) -> Result<Vec<String>, SseError> {
    let mut r = LineReader::new(Parts::new(parts), max);
    let mut out = Vec::new();
    while let Some(l) = r.next_line()? {
        out.push(String::from_utf8_lossy(l).into_owned());
        assert!(out.len() < 1000, "endless lines (livelock)");
    }
    Ok(out)
}

/// The data of every event of `parts` read with an event limit of `max`, or the first error.
fn event_data<P: AsRef<[u8]>>(parts: &[P], max: usize) -> Result<Vec<String>, SseError> {
    let limits = Limits {
        max_event_bytes: max,
        ..Limits::default()
    };
    EventReader::with_limits(Parts::new(parts), limits)
        .map(|e| e.map(|e| e.data))
        .collect()
}

fn line_too_long<T: std::fmt::Debug>(r: Result<T, SseError>, want: usize) {
    match r {
        Err(SseError::LineTooLong { limit }) => assert_eq!(limit, want),
        other => panic!("expected LineTooLong {{ limit: {want} }}, got {other:?}"),
    }
}

fn event_too_large<T: std::fmt::Debug>(r: Result<T, SseError>, want: usize) {
    match r {
        Err(SseError::EventTooLarge { limit }) => assert_eq!(limit, want),
        other => panic!("expected EventTooLarge {{ limit: {want} }}, got {other:?}"),
    }
}

// ---- SSE limits ----

#[test]
fn default_limits_are_32_mib_per_line_and_64_mib_per_event() {
    assert_eq!(DEFAULT_MAX_LINE_BYTES, 32 * 1024 * 1024);
    assert_eq!(DEFAULT_MAX_EVENT_BYTES, 64 * 1024 * 1024);
    assert_eq!(DEFAULT_MAX_KEPT_BYTES, 64 * 1024 * 1024);
    let d = Limits::default();
    assert_eq!(
        (d.max_line_bytes, d.max_event_bytes, d.max_kept_bytes),
        (
            DEFAULT_MAX_LINE_BYTES,
            DEFAULT_MAX_EVENT_BYTES,
            DEFAULT_MAX_KEPT_BYTES
        )
    );
}

/// `data: ` + `n` bytes of `a` + LF, generated while read (no copy of the input in memory).
fn data_line(n: usize) -> impl Read {
    (&b"data: "[..])
        .chain(io::repeat(b'a').take(n as u64))
        .chain(&b"\n"[..])
}

#[test]
fn a_default_reader_takes_a_32_mib_line_and_refuses_one_byte_more() {
    let limit = DEFAULT_MAX_LINE_BYTES;
    // The whole line, `data: ` included, is exactly the limit.
    let input = io::BufReader::new(data_line(limit - 6).chain(&b"\n"[..]));
    let mut r = EventReader::new(input);
    let e = r.next_event().unwrap().expect("one event");
    assert_eq!(e.data.len(), limit - 6);

    let input = io::BufReader::new(data_line(limit - 5).chain(&b"\n"[..]));
    line_too_long(EventReader::new(input).next_event(), limit);
}

#[test]
fn a_default_reader_takes_a_64_mib_event_and_refuses_one_byte_more() {
    let limit = DEFAULT_MAX_EVENT_BYTES;
    let longest = DEFAULT_MAX_LINE_BYTES - 6;
    // Three data lines joined with two LFs: exactly the limit, then one byte more.
    let last = limit - 2 - 2 * longest;
    for (extra, fits) in [(0, true), (1, false)] {
        let input = io::BufReader::new(
            data_line(longest)
                .chain(data_line(longest))
                .chain(data_line(last + extra))
                .chain(&b"\n"[..]),
        );
        let mut r = EventReader::new(input);
        if fits {
            assert_eq!(
                r.next_event().unwrap().expect("one event").data.len(),
                limit
            );
        } else {
            event_too_large(r.next_event(), limit);
        }
    }
}

#[test]
fn line_limit_boundary_in_one_read() {
    assert_eq!(lines(&["0123456789\n"], 10).unwrap(), ["0123456789"]);
    assert_eq!(
        lines(&["0123456789\r\nx\n"], 10).unwrap(),
        ["0123456789", "x"]
    );
    assert_eq!(
        lines(&["0123456789\rx\r"], 10).unwrap(),
        ["0123456789", "x"]
    );
    line_too_long(lines(&["0123456789a\n"], 10), 10);
    line_too_long(lines(&["ok\n0123456789a\n"], 10), 10);
    // The limit is the line without its terminator: an empty line under a zero limit is fine.
    assert_eq!(lines(&["\n\r\n"], 0).unwrap(), ["", ""]);
    line_too_long(lines(&["a\n"], 0), 0);
}

#[test]
fn line_limit_boundary_split_across_reads() {
    let ok: [&[&str]; 6] = [
        &["01234", "56789\n"],
        &["0123456789", "\n"],
        &["01234", "56789", "\n"],
        &["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "\n"],
        &["0123456789\r", "\nx\n"],
        &["01234", "56789\r", "\n"],
    ];
    for parts in ok {
        assert_eq!(
            lines(parts, 10).unwrap()[0],
            "0123456789",
            "{parts:?} fits exactly"
        );
    }
    let too_long: [&[&str]; 5] = [
        &["01234", "56789a\n"],
        &["0123456789a", "\n"],
        &["01234", "56789", "a\n"],
        &["0123456789", "a"],
        &["012345", "6789a", "\n"],
    ];
    for parts in too_long {
        line_too_long(lines(parts, 10), 10);
    }
}

#[test]
fn a_cr_at_the_end_of_a_read_and_the_lf_that_starts_the_next_are_one_line_end() {
    assert_eq!(
        lines(&["a\r", "\n", "b\r", "c\n"], 10).unwrap(),
        ["a", "b", "c"]
    );
    // A CR then a read that starts with something else: the CR alone ended the line.
    assert_eq!(lines(&["a\r", "\r", "\n"], 10).unwrap(), ["a", ""]);
}

#[test]
fn event_limit_boundary_counts_the_joining_newlines() {
    // Data is joined with LF, and each LF counts: 5 + 1 + 4 = 10 fits, 5 + 1 + 5 does not.
    assert_eq!(
        event_data(&["data: 12345\ndata: 1234\n\n"], 10).unwrap(),
        ["12345\n1234"]
    );
    event_too_large(event_data(&["data: 12345\ndata: 12345\n\n"], 10), 10);
    // Empty data lines are only newlines: 3 lines are 2 bytes.
    assert_eq!(event_data(&["data\ndata\ndata\n\n"], 2).unwrap(), ["\n\n"]);
    event_too_large(event_data(&["data\ndata\ndata\ndata\n\n"], 2), 2);
    // One line: exactly the limit, then one more.
    assert_eq!(
        event_data(&["data: 0123456789\n\n"], 10).unwrap(),
        ["0123456789"]
    );
    event_too_large(event_data(&["data: 0123456789a\n\n"], 10), 10);
    // The limit is per event: two events of 10 bytes each are fine.
    assert_eq!(
        event_data(&["data: 0123456789\n\ndata: 9876543210\n\n"], 10).unwrap(),
        ["0123456789", "9876543210"]
    );
}

#[test]
fn event_limit_boundary_split_across_reads() {
    assert_eq!(
        event_data(&["data: 12345\nda", "ta: 1234", "\n", "\n"], 10).unwrap(),
        ["12345\n1234"]
    );
    event_too_large(
        event_data(&["data: 12345\n", "data: 1234", "5\n\n"], 10),
        10,
    );
}

#[test]
fn an_interrupted_read_is_retried() {
    let mut r = EventReader::new(Parts::new(&["data: a\n\n", "data: b\n\n"]).interrupted(3));
    assert_eq!(r.next_event().unwrap().unwrap().data, "a");
    assert_eq!(r.next_event().unwrap().unwrap().data, "b");
    assert!(r.next_event().unwrap().is_none());

    let s = ChatStream::from_reader(
        Parts::new(&[gateway_content_chunk("c", "m", "hi"), DONE.into()]).interrupted(1),
        Limits::default(),
    );
    assert_eq!(s.collect_reply().unwrap().content, "hi");
}

// ---- chat stream decoding ----

fn chat(parts: &[String]) -> ChatStream<Parts> {
    ChatStream::from_reader(Parts::new(parts), Limits::default())
}

/// Every event of the stream; at most 1000 (an endless repetition fails at once, not as a hang).
fn events_of(parts: &[String]) -> Vec<ChatEvent> {
    chat(parts).take(1000).collect::<Result<_, _>>().unwrap()
}

/// A real chunk of the gateway's stream (docs: /work/shared/TRANSCRIPT.md).
const REAL_CHUNK: &str = "data: {\"id\":\"chatcmpl_9e162525-f0f1-4778-8dad-b7321fa9cacd\",\"object\":\"chat.completion.chunk\",\"created\":1795623025,\"model\":\"openclaw\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"echo:\"},\"finish_reason\":null}]}\n\n";
const REAL_ID: &str = "chatcmpl_9e162525-f0f1-4778-8dad-b7321fa9cacd";

#[test]
fn the_exact_shape_helper_matches_a_real_gateway_chunk() {
    assert_eq!(
        gateway_content_chunk(REAL_ID, "openclaw", "echo:"),
        REAL_CHUNK
    );
    // The json!-built helper does not have this shape (its keys are sorted).
    assert_ne!(content_chunk("echo:"), REAL_CHUNK);
}

#[test]
fn gateway_shaped_content_chunks_decode_with_id_model_and_counts() {
    let parts = [
        REAL_CHUNK.to_string(),
        gateway_content_chunk(REAL_ID, "openclaw", " wörld 🎉"),
        FINISH_CHUNK.to_string(),
        DONE.to_string(),
    ];
    let mut s = chat(&parts);
    let mut events = Vec::new();
    for e in &mut s {
        events.push(e.unwrap());
    }
    assert_eq!(
        events,
        [
            ChatEvent::Content("echo:".into()),
            ChatEvent::Content(" wörld 🎉".into()),
            ChatEvent::Finish(FinishReason::Stop),
            ChatEvent::Done { empty: false },
        ]
    );
    let r = s.reply();
    assert_eq!((r.id.as_str(), r.model.as_str()), (REAL_ID, "openclaw"));
    assert_eq!(r.content, "echo: wörld 🎉");
    assert_eq!(r.received_bytes, "echo: wörld 🎉".len() as u64);
    assert!(!r.empty);
}

#[test]
fn a_gateway_shaped_chunk_with_empty_content_emits_nothing_but_sets_id_and_model() {
    let parts = [
        gateway_content_chunk("chatcmpl_e", "openclaw/main", ""),
        DONE.to_string(),
    ];
    let mut s = chat(&parts);
    assert_eq!(s.next().unwrap().unwrap(), ChatEvent::Done { empty: true });
    assert!(s.next().is_none());
    let r = s.reply();
    assert_eq!(
        (r.id.as_str(), r.model.as_str(), r.received_bytes, r.empty),
        ("chatcmpl_e", "openclaw/main", 0, true)
    );
}

/// The same chunk with its keys sorted (as `json!` builds it): the full decoder's shape.
fn sorted_chunk(id: &str, model: &str, text: &str) -> String {
    format!(
        "data: {}\n\n",
        json!({"id":id,"object":"chat.completion.chunk","created":1795623025,"model":model,"choices":[{"index":0,"delta":{"content":text},"finish_reason":null}]})
    )
}

/// The literal fast path and the full decoder give the same events and the same reply (id,
/// model, text, counts) for the same stream.
#[test]
fn fast_path_and_full_decoder_agree_on_events_and_reply() {
    let texts = [
        "echo:",
        "",
        " plain",
        "ünïcödé 🎉",
        "quote \" and \\ backslash",
        "line\nbreak\ttab",
        "</script>",
    ];
    let stream = |chunk: &dyn Fn(&str) -> String| {
        let mut parts: Vec<String> = texts.iter().map(|t| chunk(t)).collect();
        parts.push(FINISH_CHUNK.to_string());
        parts.push(DONE.to_string());
        let mut s = chat(&parts);
        let events: Vec<ChatEvent> = (&mut s).collect::<Result<_, _>>().unwrap();
        (events, s.reply().clone())
    };
    let (fast_events, fast) = stream(&|t| gateway_content_chunk("chatcmpl_A", "agent/x", t));
    let (full_events, full) = stream(&|t| sorted_chunk("chatcmpl_A", "agent/x", t));
    assert_eq!(fast_events, full_events);
    assert_eq!(fast, full);
    assert_eq!(
        (fast.id.as_str(), fast.model.as_str()),
        ("chatcmpl_A", "agent/x")
    );
    assert_eq!(fast.content, texts.concat());
}

/// The first chunk's id and model are the reply's, whichever decoder read them.
#[test]
fn the_first_chunk_sets_id_and_model_whichever_path_decodes_it() {
    let fast_first = [
        gateway_content_chunk("first", "m1", "a"),
        sorted_chunk("second", "m2", "b"),
        DONE.to_string(),
    ];
    let full_first = [
        sorted_chunk("first", "m1", "a"),
        gateway_content_chunk("second", "m2", "b"),
        DONE.to_string(),
    ];
    for parts in [fast_first, full_first] {
        let r = chat(&parts).collect_reply().unwrap();
        assert_eq!((r.id.as_str(), r.model.as_str()), ("first", "m1"));
        assert_eq!(r.content, "ab");
    }
}

#[test]
fn null_content_emits_no_content_event() {
    let events = events_of(&[
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null}}]}\n\n".into(),
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":null}}]}\n\n".into(),
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\"}}]}\n\n".into(),
        DONE.into(),
    ]);
    assert_eq!(
        events,
        [
            ChatEvent::Role("assistant".into()),
            ChatEvent::Done { empty: true },
        ]
    );
}

#[test]
fn tool_call_index_1024_is_accepted_and_1025_is_a_protocol_error() {
    let chunk = |index: u64| {
        format!(
            "data: {{\"choices\":[{{\"index\":0,\"delta\":{{\"tool_calls\":[{{\"index\":{index},\"id\":\"call_{index}\",\"function\":{{\"name\":\"f\",\"arguments\":\"{{}}\"}}}}]}}}}]}}\n\n"
        )
    };
    let r = chat(&[chunk(1024), DONE.into()]).collect_reply().unwrap();
    assert_eq!(r.tool_calls.len(), 1025);
    assert_eq!(r.tool_calls[1024].id, "call_1024");
    assert_eq!(r.tool_calls[1024].arguments, "{}");
    for index in [1025, u64::from(u32::MAX)] {
        let e = within(10, move || {
            chat(&[chunk(index), DONE.into()])
                .collect_reply()
                .unwrap_err()
        });
        assert_eq!(e.kind(), ErrorKind::Protocol, "{index}: {e}");
        assert!(e.to_string().contains(&format!("{index}")), "{e}");
    }
}

fn reasoning_stream() -> Vec<String> {
    vec![
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"reasoning_content\":\"think\"}}]}\n\n"
            .into(),
        gateway_content_chunk("c", "m", "answer"),
        DONE.into(),
    ]
}

#[test]
fn keep_text_off_keeps_no_reasoning_but_still_hands_it_out() {
    let mut s = chat(&reasoning_stream());
    s.keep_text(false);
    let events: Vec<ChatEvent> = (&mut s).collect::<Result<_, _>>().unwrap();
    assert_eq!(
        events,
        [
            ChatEvent::Reasoning("think".into()),
            ChatEvent::Content("answer".into()),
            ChatEvent::Done { empty: false },
        ]
    );
    let r = s.reply();
    assert_eq!((r.reasoning.as_str(), r.content.as_str()), ("", ""));
    assert_eq!(r.received_bytes, 6);
    // On (the default), both are kept.
    let r = chat(&reasoning_stream()).collect_reply().unwrap();
    assert_eq!(
        (r.reasoning.as_str(), r.content.as_str()),
        ("think", "answer")
    );
}

#[test]
fn for_each_text_hands_out_each_content_delta_and_keeps_the_reply() {
    let mut s = chat(&gateway_stream(&["a", "bc", "", "d"], true));
    s.keep_text(false);
    let mut seen = Vec::new();
    let r = s.for_each_text(|t| seen.push(t.to_owned())).unwrap();
    assert_eq!(seen, ["a", "bc", "d"]);
    assert_eq!(r.content, "abcd", "for_each_text keeps the text");
    assert_eq!(r.usage.map(|u| u.total_tokens), Some(15));
    // An error ends it with the text so far.
    let mut parts = gateway_stream(&["x", "y"], false);
    parts.pop();
    let mut seen = String::new();
    let e = chat(&parts)
        .for_each_text(|t| seen.push_str(t))
        .unwrap_err();
    assert_eq!(
        (e.kind(), e.partial_text(), seen.as_str()),
        (ErrorKind::Truncated, "xy", "xy")
    );
}

#[test]
fn a_streamed_reply_over_http_carries_id_and_model() {
    let gw = MockGateway::start(|_| {
        Reply::sse(&[
            gateway_content_chunk("chatcmpl_http", "openclaw/main", "hello"),
            FINISH_CHUNK.to_string(),
            DONE.to_string(),
        ])
    });
    let c = Client::builder().base_url(&gw.url).build().unwrap();
    let r = c
        .chat_stream(&ChatRequest::user_message("x"))
        .unwrap()
        .collect_reply()
        .unwrap();
    assert_eq!(
        (r.id.as_str(), r.model.as_str(), r.content.as_str()),
        ("chatcmpl_http", "openclaw/main", "hello")
    );
    assert_eq!(r.finish_reason, Some(FinishReason::Stop));
}

// ---- retries ----

fn unavailable(retry_after: Option<&str>) -> Reply {
    let r = Reply::json(
        503,
        r#"{"error":{"message":"restarting","type":"service_unavailable"}}"#,
    );
    match retry_after {
        Some(v) => r.header("Retry-After", v),
        None => r,
    }
}

fn policy(max_retries: u32, base_ms: u64, max_ms: u64, max_retry_after_s: u64) -> RetryPolicy {
    RetryPolicy {
        max_retries,
        base_delay: Duration::from_millis(base_ms),
        max_delay: Duration::from_millis(max_ms),
        max_retry_after: Duration::from_secs(max_retry_after_s),
    }
}

fn client_with(url: &str, p: RetryPolicy) -> Client {
    Client::builder().base_url(url).retry(p).build().unwrap()
}

/// Backoff doubles from the base delay and never waits less than half of it (the jitter
/// floor). Lower bounds only: a sleep is never shorter than asked, so they cannot flake.
#[test]
fn backoff_grows_exponentially_from_the_base_with_a_jitter_floor() {
    let times = Arc::new(Mutex::new(Vec::new()));
    let t2 = times.clone();
    let gw = MockGateway::start(move |_| {
        t2.lock().unwrap().push(Instant::now());
        unavailable(None)
    });
    let url = gw.url.clone();
    let e = within(20, move || {
        client_with(&url, policy(3, 80, 10_000, 10))
            .chat(&ChatRequest::user_message("x"))
            .unwrap_err()
    });
    assert_eq!(e.http_status(), Some(503));
    let t = times.lock().unwrap().clone();
    assert_eq!(t.len(), 4, "the first attempt and 3 retries");
    let gaps: Vec<Duration> = t.windows(2).map(|w| w[1] - w[0]).collect();
    for (i, gap) in gaps.iter().enumerate() {
        let floor = Duration::from_millis(40 << i);
        assert!(
            *gap >= floor,
            "retry {i} waited {gap:?}, less than {floor:?}"
        );
    }
    // Growth: the third wait is at least 160 ms, more than a constant 80 ms backoff allows.
    assert!(gaps[2] >= Duration::from_millis(160), "{gaps:?}");
}

/// `Retry-After` exactly at `max_retry_after` is waited for and retried; one second above is
/// returned at once.
#[test]
fn retry_after_equal_to_the_cap_is_retried_and_above_it_is_not() {
    let n = Arc::new(AtomicUsize::new(0));
    let n2 = n.clone();
    let gw = MockGateway::start(move |_| match n2.fetch_add(1, Ordering::SeqCst) {
        0 => unavailable(Some("1")),
        _ => Reply::json(200, r#"{"ok":true,"status":"live"}"#),
    });
    let url = gw.url.clone();
    let start = Instant::now();
    within(20, move || {
        client_with(&url, policy(2, 1, 1, 1)).health().unwrap()
    });
    assert_eq!(n.load(Ordering::SeqCst), 2, "retried once");
    assert!(
        start.elapsed() >= Duration::from_secs(1),
        "Retry-After honoured"
    );

    let n = Arc::new(AtomicUsize::new(0));
    let n2 = n.clone();
    let gw = MockGateway::start(move |_| {
        n2.fetch_add(1, Ordering::SeqCst);
        unavailable(Some("2"))
    });
    let url = gw.url.clone();
    let e = within(20, move || {
        client_with(&url, policy(2, 1, 1, 1)).health().unwrap_err()
    });
    assert_eq!(e.retry_after(), Some(Duration::from_secs(2)));
    assert_eq!(n.load(Ordering::SeqCst), 1, "not retried");
}

/// A 429 with `Retry-After: 0` is retried at once (zero is not above any cap).
#[test]
fn rate_limited_with_retry_after_zero_is_retried() {
    let n = Arc::new(AtomicUsize::new(0));
    let n2 = n.clone();
    let gw = MockGateway::start(move |_| match n2.fetch_add(1, Ordering::SeqCst) {
        0 => Reply::json(
            429,
            r#"{"error":{"message":"slow down","type":"rate_limited"}}"#,
        )
        .header("Retry-After", "0"),
        _ => Reply::json(200, r#"{"ok":true,"status":"live"}"#),
    });
    let url = gw.url.clone();
    within(10, move || {
        client_with(&url, policy(1, 1, 1, 0)).health().unwrap()
    });
    assert_eq!(n.load(Ordering::SeqCst), 2);
}

/// A TLS failure is not retried: one connection, with retries on.
#[test]
fn tls_failures_are_not_retried() {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let accepted = Arc::new(AtomicUsize::new(0));
    let a2 = accepted.clone();
    thread::spawn(move || {
        for c in l.incoming() {
            let Ok(mut c) = c else { continue };
            a2.fetch_add(1, Ordering::SeqCst);
            let mut buf = [0u8; 512];
            let _ = c.read(&mut buf);
            let _ = c.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
        }
    });
    let e = within(20, move || {
        client_with(&format!("https://127.0.0.1:{port}"), policy(2, 1, 1, 10))
            .health()
            .unwrap_err()
    });
    assert_eq!(e.kind(), ErrorKind::Tls, "{e}");
    assert_eq!(accepted.load(Ordering::SeqCst), 1, "not retried");
}

/// A timeout is not retried.
#[test]
fn timeouts_are_not_retried() {
    let n = Arc::new(AtomicUsize::new(0));
    let n2 = n.clone();
    let gw = MockGateway::start(move |_| {
        n2.fetch_add(1, Ordering::SeqCst);
        Reply::json(200, r#"{"ok":true}"#).delay(Duration::from_secs(3))
    });
    let url = gw.url.clone();
    let e = within(20, move || {
        Client::builder()
            .base_url(&url)
            .retry(policy(2, 1, 1, 10))
            .response_timeout(Some(Duration::from_millis(200)))
            .build()
            .unwrap()
            .health()
            .unwrap_err()
    });
    assert!(
        matches!(
            e,
            Error::Timeout {
                phase: TimeoutPhase::Response,
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(n.load(Ordering::SeqCst), 1, "not retried");
}

/// Each tool call carries its own non-empty idempotency key; a 503 retry reuses it.
#[test]
fn tool_call_idempotency_keys_are_non_empty_reused_on_retry_and_differ_between_calls() {
    let n = Arc::new(AtomicUsize::new(0));
    let n2 = n.clone();
    let gw = MockGateway::start(move |_| match n2.fetch_add(1, Ordering::SeqCst) {
        0 => unavailable(Some("0")),
        _ => Reply::json(200, r#"{"ok":true,"result":1}"#),
    });
    let c = client_with(&gw.url, policy(2, 1, 1, 10));
    c.invoke_tool(&ToolInvocation::new("t", json!({}))).unwrap();
    c.invoke_tool(&ToolInvocation::new("t", json!({}))).unwrap();
    let keys: Vec<String> = gw
        .requests()
        .iter()
        .map(|r| r.json()["idempotencyKey"].as_str().unwrap_or("").to_owned())
        .collect();
    assert_eq!(keys.len(), 3, "first call retried once, second call once");
    assert!(keys.iter().all(|k| k.len() >= 16), "{keys:?}");
    assert_eq!(keys[0], keys[1], "a retry reuses the key");
    assert_ne!(keys[1], keys[2], "another call gets another key");
}

// ---- error accessors ----

#[test]
fn http_errors_carry_their_status_and_type() {
    let gw = MockGateway::start(|r| match r.path.as_str() {
        "/health" => Reply::json(
            401,
            r#"{"error":{"message":"Unauthorized","type":"unauthorized"}}"#,
        ),
        "/tools/invoke" => Reply::json(
            403,
            r#"{"ok":false,"error":{"type":"tool_call_blocked","message":"blocked"}}"#,
        ),
        _ => Reply::json(
            404,
            r#"{"error":{"message":"no such model","type":"invalid_request_error"}}"#,
        ),
    });
    let c = client_with(&gw.url, RetryPolicy::none());
    let e = c.health().unwrap_err();
    assert_eq!(
        (e.kind(), e.http_status(), e.error_type()),
        (ErrorKind::Unauthorized, Some(401), Some("unauthorized"))
    );
    let e = c
        .invoke_tool(&ToolInvocation::new("t", json!({})))
        .unwrap_err();
    assert_eq!(
        (e.kind(), e.http_status(), e.error_type()),
        (ErrorKind::Forbidden, Some(403), Some("tool_call_blocked"))
    );
    let e = c.models().unwrap_err();
    assert_eq!(
        (e.kind(), e.http_status(), e.error_type()),
        (
            ErrorKind::NotFound,
            Some(404),
            Some("invalid_request_error")
        )
    );
}

#[test]
fn error_accessors_of_every_gateway_error() {
    let forbidden = Error::Forbidden {
        error_type: "proxy_attribution_required".into(),
        message: "m".into(),
        requires_approval: false,
    };
    let mut cases: Vec<(Error, Option<u16>, Option<&str>)> = vec![
        (
            Error::Unauthorized {
                message: "m".into(),
                endpoint: Endpoint::Hooks,
            },
            Some(401),
            Some("unauthorized"),
        ),
        (forbidden, Some(403), Some("proxy_attribution_required")),
        (
            Error::NotFound {
                error_type: None,
                message: "m".into(),
            },
            Some(404),
            None,
        ),
        (
            Error::RateLimited {
                retry_after: None,
                message: "m".into(),
            },
            Some(429),
            Some("rate_limited"),
        ),
        (
            Error::NotEnabled {
                endpoint: Endpoint::Responses,
                status: 405,
                detail: "d".into(),
            },
            Some(405),
            None,
        ),
        (
            Error::Timeout {
                phase: TimeoutPhase::Total,
                limit: None,
                partial: String::new(),
            },
            None,
            None,
        ),
    ];
    for code in ["AUTH_TOKEN_MISMATCH", "PAIRING_REQUIRED"] {
        let ws = if code.starts_with("AUTH") {
            Error::WsAuth {
                detail_code: code.into(),
                message: "m".into(),
                next_step: None,
            }
        } else {
            Error::PairingRequired {
                detail_code: code.into(),
                message: "m".into(),
                next_step: None,
            }
        };
        cases.push((ws, None, Some(code)));
    }
    for (e, status, error_type) in cases {
        assert_eq!(
            (e.http_status(), e.error_type()),
            (status, error_type),
            "{e:?}"
        );
    }
}

// ---- the C last error ----

mod c {
    use super::*;
    use ::openclaw_client::ffi::chat::*;
    use ::openclaw_client::ffi::client::*;
    use ::openclaw_client::ffi::error::*;

    fn cs(s: &str) -> CString {
        CString::new(s).unwrap()
    }

    #[test]
    fn every_websocket_result_code_has_its_name() {
        for (code, name) in [
            (OPENCLAW_RESULT_WS_AUTH, "OPENCLAW_RESULT_WS_AUTH"),
            (
                OPENCLAW_RESULT_WS_MISSING_SCOPE,
                "OPENCLAW_RESULT_WS_MISSING_SCOPE",
            ),
            (
                OPENCLAW_RESULT_WS_PROTOCOL_MISMATCH,
                "OPENCLAW_RESULT_WS_PROTOCOL_MISMATCH",
            ),
            (
                OPENCLAW_RESULT_WS_PAIRING_REQUIRED,
                "OPENCLAW_RESULT_WS_PAIRING_REQUIRED",
            ),
            (OPENCLAW_RESULT_WS_RPC_ERROR, "OPENCLAW_RESULT_WS_RPC_ERROR"),
            (
                OPENCLAW_RESULT_WS_DISCONNECTED,
                "OPENCLAW_RESULT_WS_DISCONNECTED",
            ),
        ] {
            let got = unsafe { CStr::from_ptr(openclaw_result_name(code)) };
            assert_eq!(got.to_str().unwrap(), name);
        }
    }

    #[test]
    fn retry_after_ms_is_minus_one_after_a_failure_without_retry_after() {
        let gw = MockGateway::start(|r| {
            if r.json()["messages"][0]["content"] == "limited" {
                Reply::json(
                    429,
                    r#"{"error":{"message":"slow down","type":"rate_limited"}}"#,
                )
                .header("Retry-After", "30")
            } else {
                Reply::json(
                    401,
                    r#"{"error":{"message":"Unauthorized","type":"unauthorized"}}"#,
                )
            }
        });
        unsafe {
            let b = openclaw_client_builder_new();
            assert_eq!(
                openclaw_client_builder_set_base_url(b, cs(&gw.url).as_ptr()),
                OPENCLAW_RESULT_OK
            );
            let mut c = ptr::null();
            assert_eq!(openclaw_client_builder_build(b, &mut c), OPENCLAW_RESULT_OK);
            let chat = |text: &str| {
                let r = openclaw_chat_request_new();
                assert_eq!(
                    openclaw_chat_request_add_message(r, OPENCLAW_ROLE_USER, cs(text).as_ptr()),
                    OPENCLAW_RESULT_OK
                );
                let mut res = ptr::null_mut();
                let code = openclaw_chat(c, r, &mut res);
                openclaw_chat_request_free(r);
                code
            };
            assert_eq!(chat("limited"), OPENCLAW_RESULT_RATE_LIMITED);
            assert_eq!(openclaw_last_error_retry_after_ms(), 30_000);
            // The next failure has no Retry-After: -1, not the previous value nor 0.
            assert_eq!(chat("other"), OPENCLAW_RESULT_UNAUTHORIZED);
            assert_eq!(openclaw_last_error_retry_after_ms(), -1);
            assert_eq!(openclaw_last_error_http_status(), 401);
            assert_eq!(
                CStr::from_ptr(openclaw_last_error_type()).to_str().unwrap(),
                "unauthorized"
            );
            openclaw_client_free(c);
        }
    }
}

/// A disabled endpoint's error names it by method and path, and the config key that enables it.
#[test]
fn a_disabled_endpoint_is_named_in_the_message() {
    for (endpoint, named, key) in [
        (
            Endpoint::Responses,
            "POST /v1/responses",
            "gateway.http.endpoints.responses.enabled",
        ),
        (
            Endpoint::ChatCompletions,
            "POST /v1/chat/completions",
            "gateway.http.endpoints.chatCompletions.enabled",
        ),
    ] {
        let e = Error::NotEnabled {
            endpoint,
            status: 404,
            detail: "HTTP 404 text/plain".into(),
        };
        let text = e.to_string();
        assert!(text.contains(named) && text.contains(key), "{text}");
    }
}

#[test]
fn a_borrowed_event_copies_into_an_owned_one() {
    let mut r = EventReader::new(&b"event: e\nid: 7\nretry: 9\ndata: a\ndata: b\n\n"[..]);
    let owned = r.next_event().unwrap().unwrap().to_owned_event();
    assert_eq!(
        (
            owned.event_type.as_str(),
            owned.data.as_str(),
            &*owned.id,
            owned.retry
        ),
        ("e", "a\nb", "7", Some(9))
    );
}

#[test]
fn the_kept_bytes_limit_holds_exactly_for_tool_call_ids_and_names() {
    // Id and name are 4 + 2 bytes: a limit of 6 keeps them, 5 does not.
    let parts = [
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call\",\"function\":{\"name\":\"fn\",\"arguments\":\"\"}}]}}]}\n\n".to_string(),
        DONE.to_string(),
    ];
    let mut s = chat(&parts);
    s.max_kept_bytes(6);
    let r = s.collect_reply().unwrap();
    assert_eq!(
        (r.tool_calls[0].id.as_str(), r.tool_calls[0].name.as_str()),
        ("call", "fn")
    );
    let mut s = chat(&parts);
    s.max_kept_bytes(5);
    assert_eq!(
        s.collect_reply().unwrap_err().kind(),
        ErrorKind::LimitExceeded
    );
}

#[test]
fn once_the_kept_bytes_limit_is_reached_nothing_more_is_kept() {
    // The reasoning is cut before `é` (4 of 5 bytes used); the content of the same chunk
    // would fit the byte left, but nothing more is kept once something did not fit.
    let parts = [
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"reasoning_content\":\"abcdé\",\"content\":\"x\"}}]}\n\n".to_string(),
        DONE.to_string(),
    ];
    let mut s = chat(&parts);
    s.max_kept_bytes(5);
    let events: Vec<ChatEvent> = (&mut s)
        .take(10)
        .map(|e| e.unwrap_or(ChatEvent::Done { empty: true }))
        .collect();
    assert_eq!(
        events[..2],
        [
            ChatEvent::Reasoning("abcdé".into()),
            ChatEvent::Content("x".into())
        ]
    );
    let r = s.reply();
    assert_eq!((r.reasoning.as_str(), r.content.as_str()), ("abcd", ""));
}

#[test]
fn a_chunk_that_is_not_json_is_quoted_in_the_protocol_error() {
    let e = chat(&["data: not json\n\n".to_string()])
        .collect_reply()
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Protocol);
    let text = e.to_string();
    assert!(
        text.contains("\"not json\"") && !text.contains('…'),
        "{text}"
    );
    // Longer data is cut at 120 characters with an ellipsis.
    let long = "x".repeat(121);
    let e = chat(&[format!("data: {long}\n\n")])
        .collect_reply()
        .unwrap_err();
    assert!(
        e.to_string().contains(&format!("\"{}…\"", "x".repeat(120))),
        "{e}"
    );
    let exact = "x".repeat(120);
    let e = chat(&[format!("data: {exact}\n\n")])
        .collect_reply()
        .unwrap_err();
    assert!(e.to_string().contains(&format!("\"{exact}\"")), "{e}");
}

#[test]
fn a_stream_reports_its_http_status() {
    assert_eq!(chat(&[DONE.to_string()]).status(), 200);
    let gw = MockGateway::start(|_| Reply::sse(&[DONE]));
    let c = Client::builder().base_url(&gw.url).build().unwrap();
    let s = c.chat_stream(&ChatRequest::user_message("x")).unwrap();
    assert_eq!(s.status(), 200);
}

#[test]
fn a_responses_stream_keeps_its_text_so_far() {
    let ev = |t: &str, d: &str| format!("event: {t}\ndata: {d}\n\n");
    let parts = [
        ev(
            "response.output_text.delta",
            r#"{"type":"response.output_text.delta","delta":"ab"}"#,
        ),
        ev(
            "response.output_text.delta",
            r#"{"type":"response.output_text.delta","delta":"c"}"#,
        ),
    ];
    let mut s = openclaw_client::ResponseStream::from_reader(Parts::new(&parts), Limits::default());
    s.next().unwrap().unwrap();
    s.next().unwrap().unwrap();
    assert_eq!(s.text_so_far(), "abc");
    let e = s.next().unwrap().unwrap_err();
    assert_eq!((e.kind(), e.partial_text()), (ErrorKind::Truncated, "abc"));
}

// ---- messages name what the user needs ----

#[test]
fn error_messages_name_the_phase_the_next_step_the_close_code_and_the_host_hint() {
    use openclaw_client::ConnectFailure;
    for (phase, name) in [
        (TimeoutPhase::Connect, "connect"),
        (TimeoutPhase::Response, "response headers"),
        (TimeoutPhase::Idle, "idle read"),
        (TimeoutPhase::Total, "total"),
    ] {
        assert_eq!(phase.to_string(), name);
        let e = Error::Timeout {
            phase,
            limit: Some(Duration::from_secs(3)),
            partial: String::new(),
        };
        let text = e.to_string();
        assert!(
            text.starts_with(&format!("timed out: {name} limit of 3000 ms exceeded. ")),
            "{e}"
        );
        // Each phase names its own fix.
        let fix = match phase {
            TimeoutPhase::Connect => "reachable",
            TimeoutPhase::Response => "raise the response timeout",
            TimeoutPhase::Idle => "raise the idle timeout",
            _ => "Raise the total timeout",
        };
        assert!(text.contains(fix), "{e}");
    }
    let unlimited = Error::Timeout {
        phase: TimeoutPhase::Idle,
        limit: None,
        partial: String::new(),
    };
    assert!(
        unlimited
            .to_string()
            .starts_with("timed out: idle read limit exceeded."),
        "{unlimited}"
    );
    let rpc = |detail: Option<&str>| Error::Rpc {
        method: "sessions.list".into(),
        code: "INVALID_REQUEST".into(),
        detail_code: detail.map(str::to_owned),
        message: "bad params".into(),
        details: "".into(),
        retry_after: None,
    };
    assert_eq!(
        rpc(Some("BAD_LIMIT")).to_string(),
        "sessions.list failed (INVALID_REQUEST, BAD_LIMIT): bad params"
    );
    assert_eq!(
        rpc(None).to_string(),
        "sessions.list failed (INVALID_REQUEST): bad params"
    );
    // error_type(): the gateway's most precise code for each WebSocket failure.
    assert_eq!(rpc(Some("BAD_LIMIT")).error_type(), Some("BAD_LIMIT"));
    assert_eq!(rpc(None).error_type(), Some("INVALID_REQUEST"));
    let scope = Error::MissingScope {
        method: "exec.approval.list".into(),
        scope: "operator.approvals".into(),
        required: vec!["operator.approvals".into()],
        message: "missing scope".into(),
    };
    assert_eq!(scope.error_type(), Some("MISSING_SCOPE"));
    let mismatch = Error::ProtocolMismatch {
        client_min: 4,
        client_max: 4,
        server: 5,
    };
    assert_eq!(mismatch.error_type(), Some("PROTOCOL_MISMATCH"));
    let auth = Error::WsAuth {
        detail_code: "AUTH_TOKEN_MISMATCH".into(),
        message: "unauthorized".into(),
        next_step: Some("update_auth_credentials".into()),
    };
    assert!(
        auth.to_string()
            .ends_with("unauthorized (next step: update_auth_credentials)"),
        "{auth}"
    );
    let pairing = Error::PairingRequired {
        detail_code: "PAIRING_REQUIRED".into(),
        message: "pair first".into(),
        next_step: None,
    };
    assert!(pairing.to_string().ends_with("pair first"), "{pairing}");
    let lost = |code| Error::Disconnected {
        reason: "gone".into(),
        close_code: code,
        partial: String::new(),
    };
    assert_eq!(
        lost(Some(1008)).to_string(),
        "WebSocket connection lost: gone (close code 1008)"
    );
    assert_eq!(lost(None).to_string(), "WebSocket connection lost: gone");
    let dns = Error::Connect {
        url: "http://nowhere.invalid".into(),
        failure: ConnectFailure::Dns,
        message: "failed to lookup".into(),
    };
    assert!(
        dns.to_string()
            .ends_with(". Check the host name in the gateway URL"),
        "{dns}"
    );
    let proxy = Error::Connect {
        url: "http://gw".into(),
        failure: ConnectFailure::Proxy,
        message: "proxy refused".into(),
    };
    assert!(
        proxy.to_string().ends_with(". Check the proxy setting"),
        "{proxy}"
    );
}

#[test]
fn a_first_data_line_over_the_event_limit_fails_at_once_even_without_a_dispatch() {
    // The line alone exceeds the event limit: the error comes with the line, not only when
    // (if ever) the event is dispatched by a blank line.
    event_too_large(event_data(&["data: 0123456789a\n"], 10), 10);
    assert_eq!(
        event_data(&["data: 0123456789\n"], 10).unwrap(),
        Vec::<String>::new()
    );
}

/// A reader that breaks the `BufRead` contract: the second `fill_buf` without a `consume`
/// in between returns fewer bytes than the first.
struct Shrinking {
    calls: usize,
}

impl Read for Shrinking {
    fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
        Ok(0)
    }
}

impl BufRead for Shrinking {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.calls += 1;
        Ok(match self.calls {
            1 => b"data: x\n",
            2 => b"da",
            _ => b"",
        })
    }
    fn consume(&mut self, _: usize) {}
}

#[test]
fn a_reader_whose_buffer_shrinks_between_fill_bufs_is_an_io_error_not_a_panic() {
    let mut r = LineReader::new(Shrinking { calls: 0 }, 1024);
    match r.next_line() {
        Err(SseError::Io(e)) => assert!(e.to_string().contains("changed"), "{e}"),
        other => panic!("expected an I/O error, got {other:?}"),
    }
    assert!(
        r.next_line().unwrap().is_none(),
        "a failed reader stays ended"
    );
}

#[test]
fn the_kept_bytes_limit_counts_every_delta_not_only_the_largest() {
    // Four deltas of 4 bytes under a limit of 10: the third does not fit whole.
    let parts = [
        gateway_content_chunk("c", "m", "abcd"),
        gateway_content_chunk("c", "m", "efgh"),
        gateway_content_chunk("c", "m", "ijkl"),
        gateway_content_chunk("c", "m", "mnop"),
        DONE.to_string(),
    ];
    let mut s = chat(&parts);
    s.max_kept_bytes(10);
    let e = s.collect_reply().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::LimitExceeded, "{e:?}");
    assert_eq!(e.partial_text(), "abcdefghij");
    let mut s = chat(&parts);
    s.max_kept_bytes(16);
    assert_eq!(s.collect_reply().unwrap().content, "abcdefghijklmnop");
}

#[test]
fn a_content_of_the_wrong_type_is_a_protocol_error_saying_what_was_expected() {
    let parts = [
        "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":5}}]}\n\n".to_string(),
        DONE.to_string(),
    ];
    let e = chat(&parts).collect_reply().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Protocol, "{e:?}");
    assert!(e.to_string().contains("expected a string or null"), "{e}");
}

#[test]
fn a_chunk_of_the_wrong_shape_is_a_protocol_error_naming_what_was_expected() {
    for (data, expected) in [
        ("[1,2]", "a chat completion chunk object"),
        ("{\"choices\":5}", "an array of choices"),
        ("{\"choices\":[7]}", "a choice object"),
        (
            "{\"choices\":[{\"index\":0,\"delta\":\"x\"}]}",
            "a delta object",
        ),
    ] {
        let parts = [format!("data: {data}\n\n"), DONE.to_string()];
        let e = chat(&parts).collect_reply().unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Protocol, "{data}: {e:?}");
        assert!(
            e.to_string().contains(&format!("expected {expected}")),
            "{data}: {e}"
        );
    }
}

#[test]
fn once_id_and_model_are_known_later_chunks_are_not_held_to_them() {
    // The first chunk sets id and model; later chunks' id and model are not read again (a
    // proxy rewriting them to another type does not break the stream).
    let parts = [
        gateway_content_chunk("c1", "m1", "a"),
        "data: {\"id\":7,\"model\":false,\"choices\":[{\"index\":0,\"delta\":{\"content\":\"b\"}}]}\n\n".to_string(),
        DONE.to_string(),
    ];
    let r = chat(&parts).collect_reply().unwrap();
    assert_eq!(
        (r.id.as_str(), r.model.as_str(), r.content.as_str()),
        ("c1", "m1", "ab")
    );
}

#[test]
fn a_model_that_comes_after_the_id_is_still_taken() {
    // The first chunk has an id but no model; a later one brings the model.
    let parts = [
        "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\"}}]}\n\n".to_string(),
        "data: {\"id\":\"c1\",\"model\":\"m2\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"}}]}\n\n".to_string(),
        DONE.to_string(),
    ];
    let s = chat(&parts);
    assert!(
        format!("{s:?}").starts_with("ChatStream { finished: false"),
        "{s:?}"
    );
    let r = s.collect_reply().unwrap();
    assert_eq!((r.id.as_str(), r.model.as_str()), ("c1", "m2"));
}

#[test]
fn history_events_are_equal_only_with_the_same_type_and_data() {
    use openclaw_client::HistoryStream;
    let parts = [
        "event: history\ndata: {\"messages\":[]}\n\n",
        "event: message\ndata: {\"messages\":[]}\n\n",
        "event: message\ndata: {\"role\":\"user\"}\n\n",
        "event: message\ndata: {\"role\":\"user\"}\n\n",
    ];
    let events: Vec<_> = HistoryStream::from_reader(Parts::new(&parts), Limits::default())
        .map(Result::unwrap)
        .collect();
    assert_eq!(events.len(), 4);
    assert_ne!(events[0], events[1], "same data, another type");
    assert_ne!(events[1], events[2], "same type, other data");
    assert_eq!(events[2], events[3]);
}

// ---- responses and history streams ----

/// A responses stream: two deltas ("ab", "cde"), then `response.completed`.
fn responses_parts(with_event_lines: bool) -> Vec<String> {
    let ev = |t: &str, d: &str| {
        if with_event_lines {
            format!("event: {t}\ndata: {d}\n\n")
        } else {
            format!("data: {d}\n\n")
        }
    };
    vec![
        ev(
            "response.output_text.delta",
            r#"{"type":"response.output_text.delta","delta":"ab"}"#,
        ),
        ev(
            "response.output_text.delta",
            r#"{"type":"response.output_text.delta","delta":"cde"}"#,
        ),
        ev(
            "response.completed",
            r#"{"type":"response.completed","response":{"id":"resp_1","object":"response","status":"completed","output":[{"type":"message","content":[{"type":"output_text","text":"abcde"}]}]}}"#,
        ),
    ]
}

fn responses(parts: &[String]) -> openclaw_client::ResponseStream<Parts> {
    openclaw_client::ResponseStream::from_reader(Parts::new(parts), Limits::default())
}

#[test]
fn a_responses_stream_ends_at_done_and_reads_nothing_after_it() {
    use openclaw_client::ResponseEvent;
    let mut parts = responses_parts(true);
    // Whatever follows [DONE] is never read (a proxy's trailing junk, or a connection the
    // server keeps open).
    parts.push(DONE.to_string());
    parts.push("data: {not json\n\n".to_string());
    let mut s = responses(&parts);
    assert!(
        format!("{s:?}").starts_with("ResponseStream { finished: false"),
        "{s:?}"
    );
    let evs: Vec<ResponseEvent> = s.by_ref().map(Result::unwrap).collect();
    assert_eq!(evs.len(), 3);
    assert!(matches!(&evs[2], ResponseEvent::Completed(r) if r.id == "resp_1"));
    assert_eq!(s.response().map(|r| r.id.as_str()), Some("resp_1"));
    assert_eq!(s.text_so_far(), "abcde");
    let t = s.timing();
    assert_eq!(
        (t.events, t.content_bytes),
        (4, 5),
        "three events and [DONE]: {t:?}"
    );
}

#[test]
fn a_responses_stream_without_event_lines_decodes_by_the_type_field() {
    use openclaw_client::ResponseEvent;
    let with: Vec<ResponseEvent> = responses(&responses_parts(true))
        .map(Result::unwrap)
        .collect();
    let without: Vec<ResponseEvent> = responses(&responses_parts(false))
        .map(Result::unwrap)
        .collect();
    assert_eq!(with, without);
    assert_eq!(without[0], ResponseEvent::TextDelta("ab".into()));
    // An error object with no type (and no event line) is the gateway's stream error.
    let parts = [
        "data: {\"type\":\"response.output_text.delta\",\"delta\":\"ab\"}\n\n".to_string(),
        "data: {\"error\":{\"message\":\"provider down\",\"type\":\"api_error\"}}\n\n".to_string(),
    ];
    let mut s = responses(&parts);
    s.next().unwrap().unwrap();
    let e = s.next().unwrap().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Stream, "{e:?}");
    assert_eq!(e.gateway_message(), Some("provider down"));
    assert_eq!(e.partial_text(), "ab");
    // A typeless event without an error field is not an error (it is passed on).
    let parts = [
        "data: {\"sequence_number\":3}\n\n".to_string(),
        "data: {\"type\":\"response.output_text.delta\",\"delta\":\"cd\"}\n\n".to_string(),
    ];
    let mut s = responses(&parts);
    assert!(s.next().unwrap().is_ok());
    assert_eq!(
        s.next().unwrap().unwrap(),
        ResponseEvent::TextDelta("cd".into())
    );
    // A typed event that is not an error but carries an `error` field is not an error.
    let parts = [
        "data: {\"type\":\"response.output_text.delta\",\"delta\":\"ab\",\"error\":null}\n\n"
            .to_string(),
    ];
    assert_eq!(
        responses(&parts).next().unwrap().unwrap(),
        ResponseEvent::TextDelta("ab".into())
    );
}

#[test]
fn a_responses_stream_keeps_no_text_when_told_and_bounds_what_it_keeps() {
    let parts = responses_parts(true);
    let mut s = responses(&parts);
    s.keep_text(false);
    assert_eq!(s.by_ref().filter(Result::is_ok).count(), 3);
    assert_eq!(s.text_so_far(), "");
    let mut s = responses(&parts);
    s.max_kept_bytes(3);
    let e = s.find_map(Result::err).expect("the limit ends the stream");
    assert_eq!(e.kind(), ErrorKind::LimitExceeded, "{e:?}");
    assert_eq!(e.partial_text(), "abc");
}

#[test]
fn a_history_stream_counts_events_keeps_no_text_and_shows_itself() {
    use openclaw_client::HistoryStream;
    let parts = [
        "event: history\ndata: {\"messages\":[]}\n\n",
        "event: message\ndata: {\"role\":\"user\"}\n\n",
        "event: message\ndata: {not json\n\n",
    ];
    let mut s = HistoryStream::from_reader(Parts::new(&parts), Limits::default());
    assert!(format!("{s:?}").starts_with("HistoryStream"), "{s:?}");
    s.next().unwrap().unwrap();
    s.next().unwrap().unwrap();
    let t = s.timing();
    assert_eq!((t.events, t.content_bytes), (2, 0), "{t:?}");
    let e = s.next().unwrap().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Protocol, "{e:?}");
    assert_eq!(e.partial_text(), "", "a history stream keeps no text");
}

#[test]
fn after_a_cancel_no_buffered_event_is_handed_out() {
    // Everything arrives in one write and sits in the buffer; the cancel fires between two
    // events: the next read is Cancelled, not the next buffered event.
    let mut body = String::from(ROLE_CHUNK);
    for w in ["one ", "two ", "three"] {
        body.push_str(&content_chunk(w));
    }
    let gw = MockGateway::start(move |_| {
        Reply::sse_timed(vec![
            (Duration::ZERO, body.clone().into_bytes()),
            (Duration::from_secs(30), DONE.as_bytes().to_vec()),
        ])
    });
    let token = openclaw_client::CancelToken::new();
    let c = Client::builder().base_url(&gw.url).build().unwrap();
    let mut s = c
        .chat_stream(
            &ChatRequest::user_message("x")
                .options(openclaw_client::CallOptions::new().cancel_token(token.clone())),
        )
        .unwrap();
    assert!(matches!(s.next(), Some(Ok(ChatEvent::Role(_)))));
    assert!(matches!(s.next(), Some(Ok(ChatEvent::Content(_)))));
    token.cancel();
    let e = s.next().unwrap().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Cancelled, "{e:?}");
    assert_eq!(e.partial_text(), "one ");
    assert!(s.next().is_none());
    assert!(
        format!("{s:?}").starts_with("ChatStream { finished: true"),
        "{s:?}"
    );
}

// ---- base URL rules (client::transport) ----

#[test]
fn base_url_rules_refuse_what_they_name_and_take_the_rest() {
    let refused = |url: &str, why: &str| {
        let e = Client::builder().base_url(url).build().unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput, "{url}: {e}");
        assert!(e.to_string().contains(why), "{url}: {e}");
    };
    // DEL and other control characters anywhere, also in the path.
    refused("http://gw.local/p\u{7f}", "spaces or control characters");
    refused("http://gw.local/a\u{1}b", "spaces or control characters");
    refused("http://[::1]x", "unexpected text after the IPv6 host");
    refused("ws://gw:18789", "use http:// or https://");
    refused("wss://gw:18789", "use http:// or https://");
    refused("ftp://gw", "it must start with http:// or https://");
    refused("http://a!b", "characters that are not allowed");
    refused(
        "http://gw:0000080",
        "the port must be a number from 1 to 65535",
    );
    refused("http://gw:", "the port must be a number from 1 to 65535");
    refused(
        "http://gw:65536",
        "the port must be a number from 1 to 65535",
    );
    refused("http://gw:0", "the port must be a number from 1 to 65535");
    for ok in [
        "http://my_gw.local:18789",
        "http://[::1]",
        "http://[::1]:8080/prefix",
        "http://gw:65535",
        "http://gw:1",
    ] {
        assert!(Client::builder().base_url(ok).build().is_ok(), "{ok}");
    }
}

#[test]
fn a_json_body_over_64_mib_is_refused_and_one_of_exactly_64_mib_is_read() {
    const LIMIT: usize = 64 * 1024 * 1024;
    let padded = |json: &str, size: usize| {
        let mut b = vec![b' '; size - json.len()];
        b.extend_from_slice(json.as_bytes());
        b
    };
    // The list at exactly the limit; one model one byte over it.
    let list = padded(r#"{"object":"list","data":[{"id":"openclaw"}]}"#, LIMIT);
    let one = padded(r#"{"id":"openclaw","object":"model"}"#, LIMIT + 1);
    let gw = MockGateway::start(move |r| {
        let b = if r.path == "/v1/models" { &list } else { &one };
        Reply::new(200, "application/json", b.clone())
    });
    let c = Client::builder().base_url(&gw.url).build().unwrap();
    assert_eq!(c.models().unwrap()[0].id, "openclaw");
    let e = c.model("openclaw").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::LimitExceeded, "{e}");
}

#[test]
fn a_success_status_with_the_wrong_content_type_is_named_by_endpoint_kind() {
    let gw = MockGateway::start(|r| {
        if r.path == "/tools/invoke" {
            Reply::html(200, "<html>portal</html>")
        } else {
            Reply::json(200, r#"{"id":"c","choices":[]}"#)
        }
    });
    let c = Client::builder().base_url(&gw.url).build().unwrap();
    // A /v1 stream answered with JSON: the API, but not a stream: a protocol error.
    let e = c.chat_stream(&ChatRequest::user_message("x")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Protocol, "{e}");
    // Not a /v1 endpoint: an HTML page is a protocol error, never "endpoint disabled".
    let e = c
        .invoke_tool(&ToolInvocation::new("sessions_list", json!({})))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Protocol, "{e}");
}

#[test]
fn a_long_error_text_is_cut_at_2000_characters_with_an_ellipsis() {
    let long = "x".repeat(3000);
    let gw = MockGateway::start(move |r| {
        if r.path == "/v1/models" {
            Reply::text(500, &long)
        } else {
            Reply::text(500, "short failure")
        }
    });
    let c = Client::builder()
        .base_url(&gw.url)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let e = c.models().unwrap_err().to_string();
    assert!(e.contains(&format!("{}…", "x".repeat(2000))), "{e}");
    assert!(!e.contains(&"x".repeat(2001)), "{e}");
    let e = c.model("openclaw").unwrap_err().to_string();
    assert!(e.contains("short failure") && !e.contains('…'), "{e}");
}

#[test]
fn a_plain_404_says_the_path_is_not_served_here_and_a_json_404_keeps_the_gateways_words() {
    let gw = MockGateway::start(|r| {
        if r.path == "/tools/invoke" {
            Reply::text(404, "Not Found")
        } else {
            Reply::json(
                404,
                r#"{"error":{"message":"Session not found","type":"not_found"}}"#,
            )
        }
    });
    let c = Client::builder().base_url(&gw.url).build().unwrap();
    let e = c
        .invoke_tool(&ToolInvocation::new("sessions_list", json!({})))
        .unwrap_err();
    assert_eq!(e.http_status(), Some(404));
    assert!(e.to_string().contains("is not served here"), "{e}");
    let e = c
        .session_history("agent:main:nope", None, None)
        .unwrap_err();
    assert_eq!(e.http_status(), Some(404));
    assert_eq!(e.gateway_message(), Some("Session not found"));
    assert!(!e.to_string().contains("is not served here"), "{e}");
}
