//! Bounded memory for every response: what a stream keeps across events (`max_kept_bytes`,
//! `keep_text`), gateway JSON read without a `serde_json::Value` tree, and capped error texts.
//!
//! The memory bounds are checked where they matter, in a child process under an address-space
//! limit (`tests/c/limits.c` calls `setrlimit(RLIMIT_AS)` first): unbounded growth there is a
//! failed allocation, which aborts the process, instead of a passing test on a big machine.

mod common;

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

use common::cbuild::*;
use common::*;
use openclaw_client::*;

const MIB: usize = 1024 * 1024;

fn limits_program() -> &'static PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        examples(); // builds the static library
        let out = out_dir().join("limits");
        run_ok(
            Command::new("cc")
                .args(["-std=c11", "-Wall", "-Wextra", "-Werror", "-pedantic", "-g"])
                .arg(format!("-I{ROOT}/include"))
                .arg(format!("{ROOT}/tests/c/limits.c"))
                .arg("-o")
                .arg(&out)
                .arg(target_dir().join("libopenclaw_client.a"))
                .args(NATIVE_LIBS),
        );
        out
    })
}

/// What `limits.c` printed.
#[derive(Debug)]
struct Outcome {
    rc: String,
    events: usize,
    bytes: usize,
    partial: usize,
    maxrss_kib: usize,
    vmpeak_kib: usize,
    message: String,
}

/// Runs `limits URL MODE LIMIT_MIB`: the process must exit normally (an abort is a failure).
fn run_limited(url: &str, mode: &str, limit_mib: usize) -> Outcome {
    let out = Command::new(limits_program())
        .args([url, mode, &limit_mib.to_string()])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{mode}: the process did not exit normally ({:?}; a signal means an abort)\nstdout: {}\nstderr: {}",
        out.status,
        stdout.chars().take(2000).collect::<String>(),
        String::from_utf8_lossy(&out.stderr)
    );
    let (first, message) = stdout
        .split_once("\nmessage=")
        .unwrap_or_else(|| panic!("unexpected output: {stdout}"));
    let field = |k: &str| {
        first
            .split(' ')
            .find_map(|f| f.strip_prefix(&format!("{k}=")))
            .unwrap_or_else(|| panic!("no {k} in {first}"))
            .to_owned()
    };
    let num = |k: &str| field(k).parse::<usize>().unwrap();
    let o = Outcome {
        rc: field("rc"),
        events: num("events"),
        bytes: num("bytes"),
        partial: num("partial"),
        maxrss_kib: num("maxrss_kib"),
        vmpeak_kib: num("vmpeak_kib"),
        message: message.trim_end().to_owned(),
    };
    eprintln!(
        "{mode} under {limit_mib} MiB: {} events={} bytes={} partial={} peak RSS={} KiB peak VM={} KiB message={} bytes",
        o.rc,
        o.events,
        o.bytes,
        o.partial,
        o.maxrss_kib,
        o.vmpeak_kib,
        o.message.len()
    );
    o
}

/// A JSON array of zeros about `bytes` long: the input that inflates ~18× as a `Value`.
fn zeros(bytes: usize) -> String {
    let mut s = String::with_capacity(bytes + 2);
    s.push('[');
    s.push_str(&"0,".repeat(bytes / 2));
    s.push_str("0]");
    s
}

/// The gateway's exact content chunk with `text` as the delta.
fn gateway_chunk(text: &str) -> String {
    format!(
        "data: {{\"id\":\"chatcmpl_1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"openclaw\",\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\"{text}\"}},\"finish_reason\":null}}]}}\n\n"
    )
}

const DELTA: usize = 64 * 1024;
/// 512 MiB of reply text in 64 KiB deltas.
const DELTAS: usize = 512 * MIB / DELTA;

/// A gateway streaming 512 MiB of reply text.
fn big_stream_gateway() -> MockGateway {
    let part = gateway_chunk(&"x".repeat(DELTA));
    MockGateway::start(move |_| {
        Reply::sse_repeated(ROLE_CHUNK, &part, DELTAS, &format!("{FINISH_CHUNK}{DONE}"))
    })
}

// ---- item 2: what a stream keeps ----

/// Flat mode from C: a 512 MiB stream under a 64 MiB address-space limit completes, every
/// byte reaches the callback, and the peak RSS stays small.
#[test]
fn c_flat_stream_far_beyond_the_address_space_limit_completes() {
    let gw = big_stream_gateway();
    let o = run_limited(&gw.url, "flat", 64);
    assert_eq!(o.rc, "OPENCLAW_RESULT_OK", "{o:?}");
    // role, the deltas, finish, done
    assert_eq!(o.events, 1 + DELTAS + 2, "{o:?}");
    assert_eq!(o.bytes, "assistant".len() + DELTAS * DELTA + "stop".len());
    assert!(
        o.maxrss_kib < 32 * 1024,
        "peak RSS {} KiB while streaming 512 MiB with keep_text off",
        o.maxrss_kib
    );
}

/// Keep mode from C with the defaults: the stream keeps 64 MiB, hands out the delta that
/// reached the limit, then ends with LIMIT_EXCEEDED and the kept text as partial text — never
/// an allocation failure and abort under an address-space limit below the stream's size.
#[test]
fn c_keep_stream_ends_with_limit_exceeded_not_abort() {
    let gw = big_stream_gateway();
    let o = run_limited(&gw.url, "keep", 384);
    assert_eq!(o.rc, "OPENCLAW_RESULT_LIMIT_EXCEEDED", "{o:?}");
    let kept_deltas = sse::DEFAULT_MAX_KEPT_BYTES / DELTA;
    assert_eq!(o.partial, sse::DEFAULT_MAX_KEPT_BYTES);
    // The role, the deltas that fitted, and the one that did not (delivered, not kept).
    assert_eq!(o.events, 1 + kept_deltas + 1, "{o:?}");
    assert_eq!(o.bytes, "assistant".len() + (kept_deltas + 1) * DELTA);
    assert!(o.message.contains("max_kept_bytes"), "{}", o.message);
    assert!(o.message.contains("keep_text"), "{}", o.message);
}

fn tool_call_chunk(index: u32, id: Option<&str>, args: &str) -> String {
    let mut call = serde_json::json!({"index": index, "function": {"arguments": args}});
    if let Some(id) = id {
        call["id"] = id.into();
        call["type"] = "function".into();
        call["function"]["name"] = "lookup".into();
    }
    format!(
        "data: {}\n\n",
        serde_json::json!({"id":"c","object":"chat.completion.chunk","created":1,"model":"openclaw",
            "choices":[{"index":0,"delta":{"tool_calls":[call]},"finish_reason":null}]})
    )
}

fn reasoning_chunk(text: &str) -> String {
    format!(
        "data: {}\n\n",
        serde_json::json!({"id":"c","object":"chat.completion.chunk","created":1,"model":"openclaw",
            "choices":[{"index":0,"delta":{"reasoning_content":text},"finish_reason":null}]})
    )
}

/// `keep_text(false)` keeps no text at all: not the content, not the reasoning, not the
/// tool-call arguments (which it used to keep whole); every fragment still arrives as an event
/// and the calls keep their id and name.
#[test]
fn keep_text_off_keeps_no_text_reasoning_or_tool_arguments() {
    let args = "a".repeat(1000);
    let gw = MockGateway::start(move |_| {
        let mut parts = vec![ROLE_CHUNK.to_string(), reasoning_chunk("thinking")];
        parts.push(tool_call_chunk(0, Some("call_1"), ""));
        for _ in 0..500 {
            parts.push(tool_call_chunk(0, None, &args));
        }
        parts.push(content_chunk("text"));
        parts.push(FINISH_CHUNK.into());
        parts.push(DONE.into());
        Reply::sse(&parts)
    });
    let c = Client::builder()
        .base_url(&gw.url)
        .token("t")
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let mut s = c
        .chat_stream(&ChatRequest::user_message("hi").keep_text(false))
        .unwrap();
    let (mut arg_bytes, mut reasoning, mut content) = (0, 0, 0);
    while let Some(ev) = s.next_ref() {
        match ev.unwrap() {
            ChatEventRef::ToolCall(d) => arg_bytes += d.arguments.len(),
            ChatEventRef::Reasoning(t) => reasoning += t.len(),
            ChatEventRef::Content(t) => content += t.len(),
            _ => {}
        }
    }
    assert_eq!((arg_bytes, reasoning, content), (500 * 1000, 8, 4));
    let r = s.reply();
    assert_eq!(r.tool_calls.len(), 1);
    assert_eq!(r.tool_calls[0].id, "call_1");
    assert_eq!(r.tool_calls[0].name, "lookup");
    assert_eq!(
        r.tool_calls[0].arguments, "",
        "arguments kept with keep_text off"
    );
    assert_eq!((r.content.as_str(), r.reasoning.as_str()), ("", ""));
    assert_eq!(r.received_bytes, 4);
}

/// The per-request bound: the text that fits is kept (cut at a character boundary), the events
/// of the chunk that reached the bound are still handed out, then the stream ends with
/// `LimitExceeded` carrying exactly the kept text; nothing is read after it.
#[test]
fn kept_bytes_limit_ends_the_stream_after_the_chunk_that_reached_it() {
    let delta = "é".repeat(300); // 600 bytes
    let gw = MockGateway::start(move |_| {
        let deltas: Vec<&str> = std::iter::repeat_n(delta.as_str(), 40).collect();
        Reply::sse(&gateway_stream(&deltas, false))
    });
    let c = Client::builder()
        .base_url(&gw.url)
        .token("t")
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let mut s = c
        .chat_stream(&ChatRequest::user_message("hi").max_kept_bytes(10_001))
        .unwrap();
    let mut handed_out = String::new();
    let err = loop {
        match s.next() {
            Some(Ok(ChatEvent::Content(t))) => handed_out.push_str(&t),
            Some(Ok(_)) => {}
            Some(Err(e)) => break e,
            None => panic!("the stream ended without the limit error"),
        }
    };
    // 16 deltas (9600 bytes) fit, the 17th is cut at 400 bytes (401 is inside a character).
    assert_eq!(handed_out.len(), 17 * 600);
    match &err {
        Error::LimitExceeded { limit, partial, .. } => {
            assert_eq!(*limit, 10_001);
            assert_eq!(partial.len(), 10_000);
            assert_eq!(partial.as_str(), &handed_out[..10_000]);
        }
        other => panic!("expected LimitExceeded, got {other:?}"),
    }
    assert!(err.to_string().contains("max_kept_bytes"), "{err}");
    assert!(s.next().is_none());
}

fn responses_events(deltas: usize, delta: &str) -> Vec<String> {
    let mut v = vec![
        "event: response.created\ndata: {\"type\":\"response.created\",\"response\":{\"id\":\"resp_1\",\"object\":\"response\",\"status\":\"in_progress\",\"output\":[]}}\n\n".to_string(),
    ];
    for _ in 0..deltas {
        v.push(format!(
            "event: response.output_text.delta\ndata: {}\n\n",
            serde_json::json!({"type":"response.output_text.delta","delta":delta})
        ));
    }
    v.push("event: response.completed\ndata: {\"type\":\"response.completed\",\"response\":{\"id\":\"resp_1\",\"object\":\"response\",\"status\":\"completed\",\"model\":\"openclaw\",\"output\":[]}}\n\n".into());
    v.push("data: [DONE]\n\n".into());
    v
}

/// Responses streams used to keep their whole text: the client's `max_kept_bytes` bounds it,
/// and `keep_text(false)` keeps none.
#[test]
fn responses_streams_keep_bounded_text_or_none() {
    let gw = MockGateway::start(|_| Reply::sse(&responses_events(100, &"r".repeat(1000))));
    let c = Client::builder()
        .base_url(&gw.url)
        .token("t")
        .retry(RetryPolicy::none())
        .max_kept_bytes(50_000)
        .build()
        .unwrap();
    let mut deltas = 0;
    let err = c
        .responses_stream(&ResponsesRequest::text("hi"))
        .unwrap()
        .find_map(|ev| match ev {
            Ok(ResponseEvent::TextDelta(_)) => {
                deltas += 1;
                None
            }
            Ok(_) => None,
            Err(e) => Some(e),
        })
        .expect("the stream ended without the limit error");
    assert_eq!(
        deltas, 51,
        "50 deltas fit, the 51st is handed out, then the error"
    );
    assert!(
        matches!(&err, Error::LimitExceeded { limit: 50_000, partial, .. } if partial.len() == 50_000),
        "{err:?}"
    );

    let mut s = c
        .responses_stream(&ResponsesRequest::text("hi").keep_text(false))
        .unwrap();
    let mut text = 0;
    for ev in &mut s {
        if let ResponseEvent::TextDelta(t) = ev.unwrap() {
            text += t.len();
        }
    }
    assert_eq!(text, 100 * 1000);
    assert_eq!(s.text_so_far(), "");
    assert_eq!(s.response().unwrap().status, "completed");
}

// ---- item 3: gateway JSON without a Value tree, capped error texts ----

const SIXTY_MIB: usize = 60 * MIB;
/// The child's address-space limit for 60 MiB bodies: room for a few copies of the text, far
/// below the ~1 GiB a `serde_json::Value` of 60 MiB of `[0,0,…]` takes.
const JSON_LIMIT_MIB: usize = 400;

#[test]
fn c_tool_result_of_60_mib_zeros_comes_back_whole_in_bounded_memory() {
    let body = format!(
        "{{\"ok\":true,\"result\":{{\"rows\":{}}}}}",
        zeros(SIXTY_MIB)
    );
    let result_len = body.len() - "{\"ok\":true,\"result\":}".len();
    let gw = MockGateway::start(move |_| Reply::json(200, &body));
    let o = run_limited(&gw.url, "tool", JSON_LIMIT_MIB);
    assert_eq!(o.rc, "OPENCLAW_RESULT_OK", "{o:?}");
    assert_eq!(o.bytes, result_len);
}

#[test]
fn c_session_history_of_60_mib_zeros_comes_back_whole_in_bounded_memory() {
    let body = format!(
        "{{\"sessionKey\":\"agent:main:k\",\"messages\":{}}}",
        zeros(SIXTY_MIB)
    );
    let len = body.len();
    let gw = MockGateway::start(move |_| Reply::json(200, &body));
    let o = run_limited(&gw.url, "history", JSON_LIMIT_MIB);
    assert_eq!(o.rc, "OPENCLAW_RESULT_OK", "{o:?}");
    assert_eq!(o.bytes, len);
}

#[test]
fn c_history_stream_event_of_60_mib_zeros_is_handed_out_in_bounded_memory() {
    let data = format!("{{\"messages\":{}}}", zeros(SIXTY_MIB));
    let len = data.len();
    let gw =
        MockGateway::start(move |_| Reply::sse(&[format!("event: history\ndata: {data}\n\n")]));
    let o = run_limited(&gw.url, "history_stream", JSON_LIMIT_MIB);
    assert_eq!(o.rc, "OPENCLAW_RESULT_END", "{o:?}");
    assert_eq!((o.events, o.bytes), (1, len));
}

#[test]
fn c_responses_stream_events_of_60_mib_zeros_are_decoded_in_bounded_memory() {
    let z = zeros(SIXTY_MIB);
    let parts = vec![
        "event: response.created\ndata: {\"type\":\"response.created\",\"response\":{\"id\":\"resp_1\",\"object\":\"response\",\"status\":\"in_progress\",\"output\":[]}}\n\n".to_string(),
        format!(
            "event: response.output_item.done\ndata: {{\"type\":\"response.output_item.done\",\"item\":{{\"type\":\"reasoning\",\"summary\":{z}}}}}\n\n"
        ),
        format!(
            "event: response.completed\ndata: {{\"type\":\"response.completed\",\"response\":{{\"id\":\"resp_1\",\"object\":\"response\",\"status\":\"completed\",\"model\":\"openclaw\",\"output\":[{{\"type\":\"message\",\"id\":\"m\",\"content\":[{{\"type\":\"output_text\",\"text\":\"hi\"}},{}]}}],\"usage\":{{\"input_tokens\":1,\"output_tokens\":2,\"total_tokens\":3}}}}}}\n\n",
            &z[1..z.len() - 1]
        ),
        "data: [DONE]\n\n".to_string(),
    ];
    let gw = MockGateway::start(move |_| Reply::sse(&parts));
    let o = run_limited(&gw.url, "responses_stream", JSON_LIMIT_MIB);
    assert_eq!(o.rc, "OPENCLAW_RESULT_END", "{o:?}");
    // created, output_item.done (LIFECYCLE), DONE with the status
    assert_eq!(o.events, 3, "{o:?}");
    assert_eq!(
        o.bytes,
        "response.created".len() + "response.output_item.done".len() + "completed".len()
    );
}

#[test]
fn c_stream_error_payload_of_60_mib_zeros_is_read_in_bounded_memory() {
    let z = zeros(SIXTY_MIB);
    let gw = MockGateway::start(move |_| {
        Reply::sse(&[
            ROLE_CHUNK.to_string(),
            content_chunk("partial "),
            format!(
                "event: error\ndata: {{\"error\":{{\"message\":\"boom\",\"type\":\"server_error\",\"details\":{z}}}}}\n\n"
            ),
        ])
    });
    let o = run_limited(&gw.url, "chat_error", JSON_LIMIT_MIB);
    assert_eq!(o.rc, "OPENCLAW_RESULT_STREAM_ERROR", "{o:?}");
    assert_eq!(o.partial, "partial ".len());
    assert!(o.message.contains("server_error"), "{}", o.message);
    assert!(o.message.contains(": boom"), "{}", o.message);
    assert!(o.message.len() < 1000, "{}", o.message.len());
}

const CUT_NOTE: &str = "… [cut: 62914560 bytes in all, the first 8192 shown]";

/// A 60 MiB gateway error message is cut to 8 KiB in the error, and so in the C last-error
/// text, with its full length noted.
#[test]
fn c_60_mib_error_message_is_cut_in_the_last_error_text() {
    let message = "m".repeat(SIXTY_MIB);
    let gw = MockGateway::start(move |_| {
        Reply::sse(&[format!(
            "event: error\ndata: {{\"error\":{{\"message\":\"{message}\",\"type\":\"server_error\"}}}}\n\n"
        )])
    });
    let o = run_limited(&gw.url, "chat_error", JSON_LIMIT_MIB);
    assert_eq!(o.rc, "OPENCLAW_RESULT_STREAM_ERROR", "{o:?}");
    assert!(o.message.len() < 9 * 1024, "{}", o.message.len());
    assert!(
        o.message
            .contains(&format!("{}{CUT_NOTE}", "m".repeat(8192))),
        "{}",
        &o.message[o.message.len() - 200..]
    );
}

fn big_line_client(url: &str) -> Client {
    Client::builder()
        .base_url(url)
        .token("t")
        .retry(RetryPolicy::none())
        .max_line_bytes(64 * MIB)
        .build()
        .unwrap()
}

/// The same cut for the other places a gateway message lands in an error: a failed tool call
/// answered with 200 `{ok:false}` and a `response.failed` event.
#[test]
fn tool_and_responses_error_messages_are_cut_to_8_kib() {
    let message = "m".repeat(SIXTY_MIB);
    let gw = MockGateway::start(move |r| {
        if r.path == "/tools/invoke" {
            Reply::json(
                200,
                &format!(
                    "{{\"ok\":false,\"error\":{{\"type\":\"tool_error\",\"message\":\"{message}\"}}}}"
                ),
            )
        } else {
            Reply::sse(&[format!(
                "event: response.failed\ndata: {{\"type\":\"response.failed\",\"response\":{{\"id\":\"r\",\"object\":\"response\",\"status\":\"failed\",\"output\":[],\"error\":{{\"code\":\"api_error\",\"message\":\"{message}\"}}}}}}\n\n"
            )])
        }
    });
    let c = big_line_client(&gw.url);
    let expected = format!("{}{CUT_NOTE}", "m".repeat(8192));
    let e = c
        .invoke_tool(&ToolInvocation::new("t", serde_json::json!({})))
        .unwrap_err();
    assert!(
        matches!(&e, Error::Api { status: 500, error_type: Some(t), message, .. } if t == "tool_error" && *message == expected),
        "{}",
        e.to_string().len()
    );
    let e = c
        .responses_stream(&ResponsesRequest::text("hi"))
        .unwrap()
        .find_map(Result::err)
        .unwrap();
    assert!(
        matches!(&e, Error::Stream { code: Some(code), message, .. } if code == "api_error" && *message == expected),
        "{}",
        e.to_string().len()
    );
}

/// Typed results: the raw JSON text of a tool result and a history comes back byte for byte.
#[test]
fn tool_result_and_history_are_returned_as_raw_json() {
    let gw = MockGateway::start(|r| {
        if r.path == "/tools/invoke" {
            Reply::json(200, r#"{"ok":true,"result":{"a": [1, 2.5, "x\n"]}}"#)
        } else {
            Reply::json(200, r#"{"sessionKey":"k","messages":[]}"#)
        }
    });
    let c = big_line_client(&gw.url);
    let r = c
        .invoke_tool(&ToolInvocation::new("t", serde_json::json!({})))
        .unwrap();
    assert_eq!(r.get(), r#"{"a": [1, 2.5, "x\n"]}"#);
    let h = c.session_history("k", None, None).unwrap();
    assert_eq!(h.get(), r#"{"sessionKey":"k","messages":[]}"#);
}
