//! The WHATWG event-stream rules, one table row per rule, plus a chunking-invariance property.

mod common;

use std::io::{BufReader, Read};
use std::sync::Arc;

use common::within;
use openclaw_client::sse::{Event, EventReader, Limits, LineReader, SseError};

/// A reader that hands out the input in the given pieces, one per `read`.
struct Pieces {
    parts: Vec<Vec<u8>>,
    i: usize,
    off: usize,
}

impl Read for Pieces {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.i < self.parts.len() && self.off == self.parts[self.i].len() {
            self.i += 1;
            self.off = 0;
        }
        if self.i == self.parts.len() {
            return Ok(0);
        }
        let p = &self.parts[self.i];
        let n = buf.len().min(p.len() - self.off);
        buf[..n].copy_from_slice(&p[self.off..self.off + n]);
        self.off += n;
        Ok(n)
    }
}

fn events_split(parts: Vec<Vec<u8>>) -> Vec<Event> {
    let r = BufReader::with_capacity(
        64 * 1024,
        Pieces {
            parts,
            i: 0,
            off: 0,
        },
    );
    EventReader::new(r).collect::<Result<Vec<_>, _>>().unwrap()
}

fn events(input: &[u8]) -> Vec<Event> {
    events_split(vec![input.to_vec()])
}

fn ev(t: &str, data: &str, id: &str) -> Event {
    Event {
        event_type: t.into(),
        data: data.into(),
        id: id.into(),
        retry: None,
    }
}

#[test]
fn rule_table() {
    // (rule, input, expected (type, data, id) list)
    type Row = (
        &'static str,
        &'static [u8],
        &'static [(&'static str, &'static str, &'static str)],
    );
    let table: &[Row] = &[
        ("LF line ends", b"data: a\n\n", &[("message", "a", "")]),
        (
            "CRLF line ends",
            b"data: a\r\n\r\n",
            &[("message", "a", "")],
        ),
        ("CR line ends", b"data: a\r\r", &[("message", "a", "")]),
        (
            "mixed line ends",
            b"data: a\r\ndata: b\rdata: c\n\r\n",
            &[("message", "a\nb\nc", "")],
        ),
        (
            "BOM stripped at start",
            b"\xEF\xBB\xBFdata: a\n\n",
            &[("message", "a", "")],
        ),
        (
            "BOM only at start: second BOM makes an unknown field",
            b"\xEF\xBB\xBFdata: a\n\n\xEF\xBB\xBFdata: b\n\n",
            &[("message", "a", "")],
        ),
        (
            "comment lines ignored",
            b": keepalive\ndata: a\n:x\n\n",
            &[("message", "a", "")],
        ),
        (
            "field with no colon has an empty value",
            b"data\n\n",
            &[("message", "", "")],
        ),
        (
            "exactly one leading space removed",
            b"data:  two\n\n",
            &[("message", " two", "")],
        ),
        (
            "no space after colon",
            b"data:x\n\n",
            &[("message", "x", "")],
        ),
        (
            "data lines joined with LF",
            b"data: a\ndata: b\ndata\n\n",
            &[("message", "a\nb\n", "")],
        ),
        (
            "event sets the type",
            b"event: ping\ndata: a\n\n",
            &[("ping", "a", "")],
        ),
        (
            "type resets after dispatch",
            b"event: ping\ndata: a\n\ndata: b\n\n",
            &[("ping", "a", ""), ("message", "b", "")],
        ),
        (
            "type resets even without dispatch",
            b"event: ping\n\ndata: b\n\n",
            &[("message", "b", "")],
        ),
        ("no data means no event", b"event: x\nid: 1\n\n", &[]),
        (
            "id persists across events",
            b"id: 7\ndata: a\n\ndata: b\n\n",
            &[("message", "a", "7"), ("message", "b", "7")],
        ),
        (
            "id set without dispatch persists",
            b"id: 9\n\ndata: b\n\n",
            &[("message", "b", "9")],
        ),
        (
            "empty id resets",
            b"id: 7\ndata: a\n\nid\ndata: b\n\n",
            &[("message", "a", "7"), ("message", "b", "")],
        ),
        (
            "id with NUL ignored",
            b"id: 3\ndata: a\n\nid: 4\x005\ndata: b\n\n",
            &[("message", "a", "3"), ("message", "b", "3")],
        ),
        (
            "unknown fields ignored",
            b"foo: bar\ndata: a\n\n",
            &[("message", "a", "")],
        ),
        (
            "field names are case-sensitive",
            b"Data: a\ndata: b\n\n",
            &[("message", "b", "")],
        ),
        (
            "unterminated final block discarded",
            b"data: a\n\ndata: b\n",
            &[("message", "a", "")],
        ),
        (
            "unterminated final line discarded",
            b"data: a\n\ndata: b",
            &[("message", "a", "")],
        ),
        (
            "invalid UTF-8 replaced",
            b"data: a\xFFb\n\n",
            &[("message", "a\u{FFFD}b", "")],
        ),
        (
            "NUL in data kept",
            b"data: a\x00b\n\n",
            &[("message", "a\u{0}b", "")],
        ),
        (
            "colon in value kept",
            b"data: a: b\n\n",
            &[("message", "a: b", "")],
        ),
        (
            "blank lines between events",
            b"\n\n\ndata: a\n\n\n\n",
            &[("message", "a", "")],
        ),
    ];
    for (rule, input, expected) in table {
        let got = events(input);
        let want: Vec<Event> = expected.iter().map(|(t, d, i)| ev(t, d, i)).collect();
        assert_eq!(got, want, "rule: {rule}");
    }
}

#[test]
fn retry_only_ascii_digits() {
    let got = events(b"retry: 1000\ndata: a\n\nretry: 12a\ndata: b\n\nretry: -1\ndata: c\n\nretry:\ndata: d\n\nretry: 5\ndata: e\n\n");
    let retries: Vec<_> = got.iter().map(|e| e.retry).collect();
    assert_eq!(
        retries,
        vec![Some(1000), Some(1000), Some(1000), Some(1000), Some(5)]
    );
}

#[test]
fn cr_at_end_of_one_read_and_lf_at_start_of_next() {
    let got = events_split(vec![
        b"data: a\r".to_vec(),
        b"\ndata: b\r".to_vec(),
        b"\n\r".to_vec(),
        b"\n".to_vec(),
    ]);
    assert_eq!(got, vec![ev("message", "a\nb", "")]);
}

#[test]
fn bom_split_across_reads() {
    let got = events_split(vec![
        b"\xEF".to_vec(),
        b"\xBB".to_vec(),
        b"\xBFdata: a\n\n".to_vec(),
    ]);
    assert_eq!(got, vec![ev("message", "a", "")]);
}

#[test]
fn multibyte_utf8_split_across_reads() {
    let text = "héllo 世界 🎉";
    let input = format!("data: {text}\n\n").into_bytes();
    for cut in 1..input.len() {
        let got = events_split(vec![input[..cut].to_vec(), input[cut..].to_vec()]);
        assert_eq!(got, vec![ev("message", text, "")], "cut at {cut}");
    }
}

#[test]
fn event_is_yielded_before_more_input_arrives() {
    // A reader that panics if asked for more than the first event: the event must be yielded
    // without waiting for a buffer to fill.
    struct OneShot(Option<Vec<u8>>);
    impl Read for OneShot {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let data = self.0.take().expect("the parser read past the first event");
            buf[..data.len()].copy_from_slice(&data);
            Ok(data.len())
        }
    }
    let mut r = EventReader::new(BufReader::new(OneShot(Some(b"data: first\n\n".to_vec()))));
    let e = r.next_event().unwrap().unwrap();
    assert_eq!(e.data, "first");
}

#[test]
fn line_limit_is_an_error_with_bounded_memory() {
    let limits = Limits {
        max_line_bytes: 1024,
        max_event_bytes: 1 << 20,
        ..Limits::default()
    };
    // 10 MiB with no line end: must fail once the limit is passed, not buffer everything.
    struct Endless(usize);
    impl Read for Endless {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            assert!(self.0 < 1 << 20, "read far past the line limit");
            buf.fill(b'x');
            Ok(buf.len())
        }
    }
    let mut r = EventReader::with_limits(BufReader::with_capacity(256, Endless(0)), limits);
    match r.next_event() {
        Err(SseError::LineTooLong { limit }) => assert_eq!(limit, 1024),
        other => panic!("expected LineTooLong, got {other:?}"),
    }
}

#[test]
fn event_limit_is_an_error() {
    let limits = Limits {
        max_line_bytes: 100,
        max_event_bytes: 250,
        ..Limits::default()
    };
    let input = "data: 0123456789012345678901234567890123456789012345678901234567890123456789\n"
        .repeat(5)
        + "\n";
    let mut r = EventReader::with_limits(input.as_bytes(), limits);
    assert!(matches!(
        r.next_event(),
        Err(SseError::EventTooLarge { limit: 250 })
    ));
}

#[test]
fn line_reader_splits_all_line_ends() {
    let mut lr = LineReader::new(&b"a\rb\nc\r\nd"[..], 100);
    let mut lines = Vec::new();
    while let Some(l) = lr.next_line().unwrap() {
        lines.push(l.to_vec());
    }
    assert_eq!(lines, vec![b"a".to_vec(), b"b".to_vec(), b"c".to_vec()]);
}

/// xorshift64*: deterministic pseudo-random numbers for the property tests.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn random_stream(rng: &mut Rng) -> Vec<u8> {
    let atoms: &[&[u8]] = &[
        b"data: ",
        b"data:",
        b"data",
        b"event: x",
        b"id: 1",
        b"id: \x00",
        b"retry: 10",
        b"retry: x",
        b": c",
        b"\n",
        b"\r",
        b"\r\n",
        b"\n\n",
        b"hello",
        b"\xE4\xB8\x96",
        b"\xFF",
        b"\xEF\xBB\xBF",
        b" ",
        b":",
        b"[DONE]",
        b"{\"a\":1}",
    ];
    let n = rng.below(40);
    let mut out = Vec::new();
    for _ in 0..n {
        out.extend_from_slice(atoms[rng.below(atoms.len())]);
    }
    out
}

#[test]
fn property_every_split_yields_the_same_events() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for case in 0..2000 {
        let input = random_stream(&mut rng);
        let whole = events(&input);
        // Byte-by-byte.
        let bytes: Vec<Vec<u8>> = input.iter().map(|b| vec![*b]).collect();
        assert_eq!(
            events_split(bytes),
            whole,
            "case {case}: byte-by-byte split of {input:?}"
        );
        // Random splits.
        for _ in 0..5 {
            let mut parts = Vec::new();
            let mut i = 0;
            while i < input.len() {
                let n = 1 + rng.below(8);
                let j = (i + n).min(input.len());
                parts.push(input[i..j].to_vec());
                i = j;
            }
            assert_eq!(
                events_split(parts),
                whole,
                "case {case}: random split of {input:?}"
            );
        }
    }
}

#[test]
fn property_arbitrary_bytes_never_panic() {
    let mut rng = Rng(42);
    for _ in 0..3000 {
        let n = rng.below(300);
        let input: Vec<u8> = (0..n).map(|_| (rng.next() & 0xFF) as u8).collect();
        let limits = Limits {
            max_line_bytes: 64,
            max_event_bytes: 128,
            ..Limits::default()
        };
        let mut r = EventReader::with_limits(&input[..], limits);
        for _ in 0..1000 {
            match r.next_event() {
                Ok(Some(_)) => {}
                Ok(None) | Err(_) => break,
            }
        }
    }
}

/// Found by the fuzzer: invalid bytes become U+FFFD (3 bytes each), so the text of an event can
/// be longer than its raw bytes; the limit applies to the text handed out.
#[test]
fn event_limit_holds_after_replacement_characters() {
    let limits = Limits {
        max_line_bytes: 100,
        max_event_bytes: 20,
        ..Limits::default()
    };
    let input = b"data: \xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\n\n";
    let mut r = EventReader::with_limits(&input[..], limits);
    assert!(matches!(
        r.next_event(),
        Err(SseError::EventTooLarge { limit: 20 })
    ));
    let ok = b"data: \xff\xff\xff\xff\xff\xff\n\n";
    let mut r = EventReader::with_limits(&ok[..], limits);
    assert_eq!(r.next_event().unwrap().unwrap().data.len(), 18);
}

/// An 8 MiB invalid-UTF-8 `id` followed by 1,000 tiny events: the id is decoded once, when its
/// line arrives, not once per event (which cost 34 s of CPU). Every event carries it, and the
/// owned events of the iterator share it instead of copying it.
#[test]
fn a_huge_invalid_id_costs_nothing_per_event() {
    const ID_BYTES: usize = 8 * 1024 * 1024;
    let mut input = b"id: ".to_vec();
    input.resize(4 + ID_BYTES, 0xFF);
    input.push(b'\n');
    for i in 0..1000 {
        input.extend_from_slice(format!("data: {i}\n\n").as_bytes());
    }
    input.extend_from_slice(b"id: last\ndata: end\n\n");
    let (count, last_id) = within(10, move || {
        let mut r = EventReader::new(BufReader::with_capacity(32 * 1024, &input[..]));
        let mut n = 0;
        while let Some(e) = r.next_event().unwrap() {
            if n < 1000 {
                assert_eq!(e.data, n.to_string());
                // Each invalid byte is one U+FFFD (3 bytes).
                assert_eq!(e.id.len(), 3 * ID_BYTES);
                assert!(e.id.starts_with('\u{FFFD}') && e.id.ends_with('\u{FFFD}'));
            } else {
                assert_eq!((e.data, e.id), ("end", "last"));
            }
            n += 1;
        }
        (n, r.last_event_id().to_owned())
    });
    assert_eq!(count, 1001);
    assert_eq!(last_id, "last");

    let owned: Vec<Event> = EventReader::new(&b"id: 7\ndata: a\n\ndata: b\n\n"[..])
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(&*owned[1].id, "7");
    assert!(
        Arc::ptr_eq(&owned[0].id, &owned[1].id),
        "the id is shared, not copied"
    );
}

/// The last event ID changes only when a blank line dispatches: the id of a block cut by the
/// end of the stream never counts; an id-only block that is dispatched does.
#[test]
fn last_event_id_changes_only_on_dispatch() {
    let mut r = EventReader::new(&b"id: 1\ndata: a\n\nid: 2\ndata: b\n"[..]);
    assert_eq!(r.last_event_id(), "");
    let e = r.next_event().unwrap().unwrap();
    assert_eq!((e.data, e.id), ("a", "1"));
    assert_eq!(r.last_event_id(), "1");
    assert!(r.next_event().unwrap().is_none());
    assert_eq!(r.last_event_id(), "1", "an undispatched block's id counted");

    let mut r = EventReader::new(&b"id: 5\n\nid: 6\n"[..]);
    assert!(r.next_event().unwrap().is_none());
    assert_eq!(r.last_event_id(), "5");
}

/// `retry:` is readable: the latest valid value, in force at once (dispatched or not).
#[test]
fn retry_is_readable_from_the_reader() {
    let mut r = EventReader::new(&b"retry: 2500\ndata: a\n\nretry: x\nretry: 300\n"[..]);
    assert_eq!(r.retry(), None);
    assert_eq!(r.next_event().unwrap().unwrap().retry, Some(2500));
    assert_eq!(r.retry(), Some(2500));
    assert!(r.next_event().unwrap().is_none());
    assert_eq!(r.retry(), Some(300));
}
