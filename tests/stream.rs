//! Chat-stream decoding on in-memory input (no HTTP): events, tool calls, errors, truncation.

mod common;

use common::*;
use openclaw_client::sse::Limits;
use openclaw_client::{ChatEvent, ChatStream, Error, FinishReason};

fn stream(parts: &[String]) -> ChatStream<&'static [u8]> {
    let joined: String = parts.concat();
    ChatStream::from_reader(
        Box::leak(joined.into_bytes().into_boxed_slice()),
        Limits::default(),
    )
}

#[test]
fn gateway_stream_yields_role_deltas_finish_usage_done() {
    let s = stream(&gateway_stream(&["echo:", " hello", " wörld 🎉"], true));
    let evs: Vec<ChatEvent> = s.map(Result::unwrap).collect();
    assert_eq!(evs[0], ChatEvent::Role("assistant".into()));
    assert_eq!(evs[1], ChatEvent::Content("echo:".into()));
    assert_eq!(evs[2], ChatEvent::Content(" hello".into()));
    assert_eq!(evs[3], ChatEvent::Content(" wörld 🎉".into()));
    assert_eq!(evs[4], ChatEvent::Finish(FinishReason::Stop));
    match &evs[5] {
        ChatEvent::Usage(u) => assert_eq!(
            (u.prompt_tokens, u.completion_tokens, u.total_tokens),
            (12, 3, 15)
        ),
        e => panic!("expected usage, got {e:?}"),
    }
    assert_eq!(evs[6], ChatEvent::Done { empty: false });
    assert_eq!(evs.len(), 7);
}

#[test]
fn collect_reply_assembles_everything() {
    let r = stream(&gateway_stream(&["a", "b", "c"], true))
        .collect_reply()
        .unwrap();
    assert_eq!(r.content, "abc");
    assert_eq!(r.role, "assistant");
    assert_eq!(r.id, "chatcmpl_1");
    assert_eq!(r.finish_reason, Some(FinishReason::Stop));
    assert_eq!(r.usage.unwrap().total_tokens, 15);
    assert!(!r.empty);
}

#[test]
fn empty_reply_is_distinguishable() {
    let r = stream(&gateway_stream(&[], false)).collect_reply().unwrap();
    assert!(r.empty);
    assert_eq!(r.content, "");
    let evs: Vec<_> = stream(&gateway_stream(&[], false))
        .map(Result::unwrap)
        .collect();
    assert_eq!(evs.last(), Some(&ChatEvent::Done { empty: true }));
}

#[test]
fn missing_done_is_truncated_after_all_deltas() {
    let mut parts = gateway_stream(&["one", " two"], false);
    parts.pop(); // no [DONE]
    parts.pop(); // no finish
    let items: Vec<_> = stream(&parts).collect();
    assert_eq!(items.len(), 4);
    assert!(matches!(items[1], Ok(ChatEvent::Content(ref t)) if t == "one"));
    assert!(matches!(items[2], Ok(ChatEvent::Content(ref t)) if t == " two"));
    match &items[3] {
        Err(e @ Error::Truncated { partial, .. }) => {
            assert_eq!(partial, "one two");
            assert_eq!(e.partial_text(), "one two");
        }
        other => panic!("expected Truncated, got {other:?}"),
    }
}

#[test]
fn error_frame_ends_with_stream_error_keeping_text() {
    let parts = vec![
        ROLE_CHUNK.to_string(),
        content_chunk("partial"),
        "data: {\"error\":{\"message\":\"400 fake upstream failure 400\",\"type\":\"invalid_request_error\",\"code\":\"bad\"}}\n\n".into(),
        DONE.into(),
    ];
    let err = stream(&parts).collect_reply().unwrap_err();
    match err {
        Error::Stream {
            error_type,
            code,
            message,
            partial,
        } => {
            assert_eq!(message, "400 fake upstream failure 400");
            assert_eq!(error_type.as_deref(), Some("invalid_request_error"));
            assert_eq!(code.as_deref(), Some("bad"));
            assert_eq!(partial, "partial");
        }
        e => panic!("expected Stream error, got {e:?}"),
    }
}

#[test]
fn event_error_ends_with_stream_error() {
    let parts = vec![
        ROLE_CHUNK.to_string(),
        "event: error\ndata: {\"message\":\"boom\",\"type\":\"api_error\"}\n\n".into(),
    ];
    let err = stream(&parts).collect_reply().unwrap_err();
    assert!(
        matches!(&err, Error::Stream { message, error_type, .. } if message == "boom" && error_type.as_deref() == Some("api_error")),
        "{err:?}"
    );
    let parts = vec!["event: error\ndata: plain text failure\n\n".to_string()];
    let err = stream(&parts).collect_reply().unwrap_err();
    assert!(
        matches!(&err, Error::Stream { message, .. } if message == "plain text failure"),
        "{err:?}"
    );
}

#[test]
fn tool_calls_stream_as_fragments_and_assemble() {
    let parts = vec![
        ROLE_CHUNK.to_string(),
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]},\"finish_reason\":null}]}\n\n".into(),
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"city\\\":\"}}]},\"finish_reason\":null}]}\n\n".into(),
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"\\\"Paris\\\"}\"}}]},\"finish_reason\":null}]}\n\n".into(),
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":1,\"id\":\"call_2\",\"type\":\"function\",\"function\":{\"name\":\"noop\",\"arguments\":\"{}\"}}]},\"finish_reason\":null}]}\n\n".into(),
        "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}\n\n".into(),
        DONE.into(),
    ];
    let evs: Vec<_> = stream(&parts).map(Result::unwrap).collect();
    let frags: Vec<_> = evs
        .iter()
        .filter_map(|e| match e {
            ChatEvent::ToolCall(d) => Some(d.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(frags.len(), 4);
    assert_eq!(frags[0].id.as_deref(), Some("call_1"));
    assert_eq!(frags[0].name.as_deref(), Some("get_weather"));
    assert_eq!(frags[1].arguments, "{\"city\":");
    let r = stream(&parts).collect_reply().unwrap();
    assert_eq!(r.tool_calls.len(), 2);
    assert_eq!(r.tool_calls[0].id, "call_1");
    assert_eq!(r.tool_calls[0].arguments, "{\"city\":\"Paris\"}");
    assert_eq!(r.tool_calls[1].name, "noop");
    assert_eq!(r.finish_reason, Some(FinishReason::ToolCalls));
    assert!(!r.empty, "a tool-call reply is not empty");
}

#[test]
fn reasoning_fields_become_reasoning_deltas() {
    let parts = vec![
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"reasoning_content\":\"think 1\"}}]}\n\n".to_string(),
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"thinking\":\" think 2\"}}]}\n\n".into(),
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"reasoning\":\" 3\",\"content\":\"answer\"}}]}\n\n".into(),
        DONE.into(),
    ];
    let evs: Vec<_> = stream(&parts).map(Result::unwrap).collect();
    assert_eq!(evs[0], ChatEvent::Reasoning("think 1".into()));
    assert_eq!(evs[1], ChatEvent::Reasoning(" think 2".into()));
    assert_eq!(evs[2], ChatEvent::Reasoning(" 3".into()));
    assert_eq!(evs[3], ChatEvent::Content("answer".into()));
    let r = stream(&parts).collect_reply().unwrap();
    assert_eq!(r.reasoning, "think 1 think 2 3");
}

#[test]
fn escaped_json_and_unknown_fields_decode() {
    let parts = vec![
        "data: {\"x\":[1,{\"y\":null}],\"choices\":[{\"index\":0,\"delta\":{\"content\":\"line\\nnext \\u00e9 \\\"q\\\"\"},\"logprobs\":null},{\"index\":1,\"delta\":{\"content\":\"ignored\"}}]}\n\n".to_string(),
        DONE.into(),
    ];
    let r = stream(&parts).collect_reply().unwrap();
    assert_eq!(r.content, "line\nnext é \"q\"");
}

#[test]
fn non_json_data_line_is_a_protocol_error_keeping_text() {
    let parts = vec![
        content_chunk("kept"),
        "data: this is not json\n\n".into(),
        DONE.into(),
    ];
    let err = stream(&parts).collect_reply().unwrap_err();
    assert!(
        matches!(&err, Error::Protocol { partial, message } if partial == "kept" && message.contains("not a JSON chunk")),
        "{err:?}"
    );
}

#[test]
fn invalid_utf8_in_content_becomes_replacement_char() {
    let mut bytes = content_chunk("ok").into_bytes();
    bytes.extend_from_slice(
        b"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\xFFb\"}}]}\n\n",
    );
    bytes.extend_from_slice(DONE.as_bytes());
    let s = ChatStream::from_reader(&bytes[..], Limits::default());
    let r = s.collect_reply().unwrap();
    assert_eq!(r.content, "oka\u{FFFD}b");
}

#[test]
fn keep_text_off_still_reports_empty_correctly() {
    let joined = gateway_stream(&["x"], false).concat();
    let mut s = ChatStream::from_reader(joined.as_bytes(), Limits::default());
    s.keep_text(false);
    let mut last = None;
    while let Some(e) = s.next_ref() {
        last = Some(e.unwrap().to_owned_event());
    }
    assert_eq!(last, Some(ChatEvent::Done { empty: false }));
    assert_eq!(s.reply().content, "");
    assert_eq!(s.reply().received_bytes, 1);
}

#[test]
fn after_the_end_the_iterator_stays_exhausted() {
    let mut s = stream(&gateway_stream(&["x"], false));
    while s.next().is_some() {}
    assert!(s.next().is_none());
    assert!(s.next().is_none());
}

fn loopback_client(url: &str) -> openclaw_client::Client {
    openclaw_client::Client::builder()
        .base_url(url)
        .token("t")
        .retry(openclaw_client::RetryPolicy::none())
        .build()
        .unwrap()
}

fn chunk_with_choices(choices: &str) -> String {
    format!(
        "data: {{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"openclaw\",\"choices\":{choices}}}\n\n"
    )
}

/// Choices are routed by `index`: only choice 0 makes the events and the reply, whether its
/// `index` comes before or after its delta; the text, reasoning, tool calls and finish reason
/// of any other choice are skipped.
#[test]
fn choices_are_routed_by_index_and_only_choice_0_is_kept() {
    let parts = vec![
        ROLE_CHUNK.to_string(),
        content_chunk("mine"),
        // The only choice is choice 1 (index first, the gateway's key order).
        chunk_with_choices(
            r#"[{"index":1,"delta":{"content":"OTHER","reasoning_content":"R","tool_calls":[{"index":0,"id":"x","type":"function","function":{"name":"f","arguments":"{}"}}]},"finish_reason":"length"}]"#,
        ),
        // The only choice is choice 2, its index after the delta.
        chunk_with_choices(r#"[{"delta":{"content":"LATE"},"finish_reason":"length","index":2}]"#),
        // Choice 1 then choice 0.
        chunk_with_choices(
            r#"[{"index":1,"delta":{"content":"OTHER"}},{"index":0,"delta":{"content":" too"}}]"#,
        ),
        // Choice 0 with its index after the delta; a choice without index counts as 0.
        chunk_with_choices(r#"[{"delta":{"content":"!"},"index":0},{"delta":{"content":"?"}}]"#),
        FINISH_CHUNK.into(),
        DONE.into(),
    ];
    let gw = MockGateway::start(move |_| Reply::sse(&parts));
    let evs: Vec<ChatEvent> = loopback_client(&gw.url)
        .chat_stream(&openclaw_client::ChatRequest::user_message("hi"))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        evs,
        vec![
            ChatEvent::Role("assistant".into()),
            ChatEvent::Content("mine".into()),
            ChatEvent::Content(" too".into()),
            ChatEvent::Content("!?".into()),
            ChatEvent::Finish(FinishReason::Stop),
            ChatEvent::Done { empty: false },
        ]
    );
    let r = loopback_client(&gw.url)
        .chat_stream(&openclaw_client::ChatRequest::user_message("hi"))
        .unwrap()
        .collect_reply()
        .unwrap();
    assert_eq!(r.content, "mine too!?");
    assert_eq!((r.reasoning.as_str(), r.tool_calls.len()), ("", 0));
    assert_eq!(r.finish_reason, Some(FinishReason::Stop));
}

/// A chat stream whose first line is an 8 MiB invalid-UTF-8 `id:`, then 1,000 tiny deltas,
/// completes with every delta (the id is not converted again for each event).
#[test]
fn a_huge_invalid_id_line_does_not_cost_per_event() {
    let mut first = b"id: ".to_vec();
    first.resize(4 + 8 * 1024 * 1024, 0xFF);
    first.extend_from_slice(b"\n");
    first.extend_from_slice(ROLE_CHUNK.as_bytes());
    let mut parts = vec![(std::time::Duration::ZERO, first)];
    for _ in 0..1000 {
        parts.push((std::time::Duration::ZERO, content_chunk("x").into_bytes()));
    }
    parts.push((std::time::Duration::ZERO, DONE.as_bytes().to_vec()));
    let gw = MockGateway::start(move |_| Reply::sse_timed(parts.clone()));
    let url = gw.url.clone();
    let reply = within(10, move || {
        loopback_client(&url)
            .chat_stream(&openclaw_client::ChatRequest::user_message("hi"))
            .unwrap()
            .collect_reply()
            .unwrap()
    });
    assert_eq!(reply.content, "x".repeat(1000));
}
