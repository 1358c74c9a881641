//! Sentence chunks for speech (src/speech.rs): a table of tricky texts in several languages,
//! each checked under every split into two deltas and under many random chunkings (down to
//! one-character deltas); the min/max rules; when a sentence is handed over; the adapters.

use openclaw_client::speech::{
    CodeBlocks, Sentence, SentenceChunker, SentencesExt, TextUpdate, sentences,
};
use openclaw_client::stream::responses::ResponseEvent;
use openclaw_client::ws::RunEvent;
use openclaw_client::{ChatEvent, Error};

/// Runs `chunks` through a fresh copy of `proto` and returns every chunk handed over.
fn run(proto: &SentenceChunker, chunks: &[&str]) -> Vec<Sentence> {
    let mut c = proto.clone();
    let mut out = Vec::new();
    for d in chunks {
        out.extend(c.push(d));
    }
    out.extend(c.finish());
    out
}

fn texts(v: &[Sentence]) -> Vec<&str> {
    v.iter().map(|s| s.text.as_str()).collect()
}

/// A small deterministic generator (xorshift64*), so that failures reproduce.
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

/// Splits `text` at the given char boundaries.
fn split_at<'a>(text: &'a str, cuts: &[usize]) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut last = 0;
    for &c in cuts {
        out.push(&text[last..c]);
        last = c;
    }
    out.push(&text[last..]);
    out
}

/// Checks `text` yields `expected` under the whole text, every 2-way split, 1-char deltas and
/// 200 random chunkings.
fn check(proto: &SentenceChunker, text: &str, expected: &[Sentence]) {
    let whole = run(proto, &[text]);
    assert_eq!(whole, expected, "whole text {text:?}");
    let bounds: Vec<usize> = text.char_indices().map(|(i, _)| i).skip(1).collect();
    for &b in &bounds {
        let got = run(proto, &[&text[..b], &text[b..]]);
        assert_eq!(got, expected, "split at byte {b} of {text:?}");
    }
    let ones = run(proto, &split_at(text, &bounds));
    assert_eq!(ones, expected, "1-char deltas of {text:?}");
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ text.len() as u64);
    for round in 0..200 {
        let mut cuts: Vec<usize> = bounds
            .iter()
            .copied()
            .filter(|_| rng.below(4 + round % 7) == 0)
            .collect();
        cuts.dedup();
        let got = run(proto, &split_at(text, &cuts));
        assert_eq!(got, expected, "chunking {cuts:?} of {text:?}");
    }
}

fn plain(v: &[&str]) -> Vec<Sentence> {
    v.iter()
        .map(|t| Sentence {
            text: t.to_string(),
            code: false,
        })
        .collect()
}

#[test]
fn tricky_texts_give_the_same_sentences_under_every_chunking() {
    let table: &[(&str, &[&str])] = &[
        // English: abbreviations, initials, decimals, versions, times.
        (
            "Dr. Smith met Mr. J. Doe at St. Mary's. They talked, e.g. about pi being 3.14 and v1.2.3 shipping at 10:30! Was it fun? Yes.",
            &[
                "Dr. Smith met Mr. J. Doe at St. Mary's.",
                "They talked, e.g. about pi being 3.14 and v1.2.3 shipping at 10:30!",
                "Was it fun?",
                "Yes.",
            ],
        ),
        // Quotes, brackets and ellipses stay with their sentence.
        (
            "He said \"Stop.\" Then he left (quietly.) Wait... what? Well... I think so.",
            &[
                "He said \"Stop.\"",
                "Then he left (quietly.)",
                "Wait... what?",
                "Well...",
                "I think so.",
            ],
        ),
        // German.
        (
            "Das kostet z.B. 3,50 €. Dr. Müller kommt um 10:30 Uhr, d.h. gleich. Wirklich?",
            &[
                "Das kostet z.B. 3,50 €.",
                "Dr. Müller kommt um 10:30 Uhr, d.h. gleich.",
                "Wirklich?",
            ],
        ),
        // French: spaces before ? and !, guillemets.
        (
            "Il a dit « Bonjour ! » puis il est parti. Quoi ? Vraiment !",
            &[
                "Il a dit « Bonjour ! » puis il est parti.",
                "Quoi ?",
                "Vraiment !",
            ],
        ),
        // Spanish ¿ ¡.
        (
            "¿Cómo estás? ¡Muy bien! Gracias, Sra. López.",
            &["¿Cómo estás?", "¡Muy bien!", "Gracias, Sra. López."],
        ),
        // Japanese and Chinese: full-width stops, no spaces.
        (
            "今日は晴れです。明日は雨でしょう！本当？「はい。」你好。我是小明！",
            &[
                "今日は晴れです。",
                "明日は雨でしょう！",
                "本当？",
                "「はい。」",
                "你好。",
                "我是小明！",
            ],
        ),
        // URLs are never split.
        (
            "See https://example.com/a?b=1!x.html for more. Or www.test.org/x.y! Ok.",
            &[
                "See https://example.com/a?b=1!x.html for more.",
                "Or www.test.org/x.y!",
                "Ok.",
            ],
        ),
        // Line breaks and list items.
        (
            "Steps:\n1. Install Rust.\n2. Run the build\n- apples\n* pears\r\nDone",
            &[
                "Steps:",
                "1. Install Rust.",
                "2. Run the build",
                "- apples",
                "* pears",
                "Done",
            ],
        ),
        // Inline code is never cut.
        (
            "Call `foo.bar()`. Then `x! Y` works. Use `a`.",
            &["Call `foo.bar()`.", "Then `x! Y` works.", "Use `a`."],
        ),
        // Fenced code is skipped by default; text before a fence ends there.
        (
            "Run this:\n```sh\ncargo build. Then test!\n```\nDone. Bye",
            &["Run this:", "Done.", "Bye"],
        ),
        (
            "Here ```x. Y``` and more. End",
            &["Here", "and more.", "End"],
        ),
        // Emoji.
        (
            "Great job! 🎉 See you soon 👋. Bye 👍",
            &["Great job!", "🎉 See you soon 👋.", "Bye 👍"],
        ),
        // A stray backtick is plain text.
        ("It's 5` long. Next.", &["It's 5` long.", "Next."]),
        // An unterminated fence at the end is dropped.
        ("Look:\n```py\nprint(1. 2)", &["Look:"]),
    ];
    let proto = SentenceChunker::new();
    for (text, expected) in table {
        check(&proto, text, &plain(expected));
    }
}

#[test]
fn code_blocks_can_be_emitted_whole_and_flagged() {
    let proto = SentenceChunker::new().code_blocks(CodeBlocks::Emit);
    let text = "Run this:\n```sh\ncargo build. Then test!\n```\nDone.";
    let mut expected = plain(&["Run this:"]);
    expected.push(Sentence {
        text: "```sh\ncargo build. Then test!\n```".into(),
        code: true,
    });
    expected.extend(plain(&["Done."]));
    check(&proto, text, &expected);
    // A longer closing fence closes it too; a block is never cut by max_chars.
    let proto = proto.max_chars(10);
    let text = "````\nlong long long line of code\n`````\nOk.";
    let expected = vec![
        Sentence {
            text: "````\nlong long long line of code\n`````".into(),
            code: true,
        },
        Sentence {
            text: "Ok.".into(),
            code: false,
        },
    ];
    check(&proto, text, &expected);
}

#[test]
fn abbreviations_are_configurable() {
    let text = "Call Dr. Who now. Meet Cpt. Kirk.";
    check(
        &SentenceChunker::new(),
        text,
        &plain(&["Call Dr. Who now.", "Meet Cpt.", "Kirk."]),
    );
    check(
        &SentenceChunker::new().abbreviations(["cpt."]),
        text,
        &plain(&["Call Dr.", "Who now.", "Meet Cpt. Kirk."]),
    );
}

#[test]
fn short_sentences_are_joined_up_to_min_chars() {
    let proto = SentenceChunker::new().min_chars(12);
    check(
        &proto,
        "Hi. Ok. This one is long enough. Yes.",
        &plain(&["Hi. Ok. This one is long enough.", "Yes."]),
    );
    check(
        &proto,
        "Hi.\nOk.\n```\ncode\n```\nNo.",
        &plain(&["Hi.\nOk.", "No."]),
    );
}

#[test]
fn long_sentences_are_cut_at_clauses_then_spaces_never_mid_word() {
    let proto = SentenceChunker::new().max_chars(40);
    let text = "This sentence runs on and on, with a clause here; and another one there, until it ends. Short.";
    let got = run(&proto, &[text]);
    for s in &got {
        assert!(s.text.chars().count() <= 40, "{:?}", s.text);
    }
    assert_eq!(
        texts(&got),
        [
            "This sentence runs on and on,",
            "with a clause here; and another one",
            "there, until it ends.",
            "Short.",
        ]
    );
    check(&proto, text, &got);
    // No clause boundary: cut at the last space; a word longer than max is kept whole.
    let text = "aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk. Then Supercalifragilisticexpialidociouslyextraordinarywords here.";
    let proto = SentenceChunker::new().max_chars(20);
    let expected = plain(&[
        "aaaa bbbb cccc dddd",
        "eeee ffff gggg hhhh",
        "iiii jjjj kkkk.",
        "Then",
        "Supercalifragilisticexpialidociouslyextraordinarywords",
        "here.",
    ]);
    check(&proto, text, &expected);
    // A URL is one word: never cut.
    let proto = SentenceChunker::new().max_chars(15);
    check(
        &proto,
        "Open https://example.com/a/very/long/path?q=1 now.",
        &plain(&["Open", "https://example.com/a/very/long/path?q=1", "now."]),
    );
}

#[test]
fn a_sentence_is_handed_over_when_the_next_one_starts_or_the_line_ends() {
    let mut c = SentenceChunker::new();
    assert_eq!(c.push("Hello there.").count(), 0);
    assert_eq!(c.push(" ").count(), 0, "\"there. how\" would continue it");
    let got: Vec<_> = c.push("H").collect();
    assert_eq!(texts(&got), ["Hello there."]);
    assert_eq!(c.pending(), "H");
    assert_eq!(c.push("ow are").count(), 0);
    let got: Vec<_> = c.push(" you?\n").collect();
    assert_eq!(
        texts(&got),
        ["How are you?"],
        "a line break ends it at once"
    );
    let got: Vec<_> = c.push("Ok!").collect();
    assert!(got.is_empty());
    let got: Vec<_> = c.push(" 42 is it").collect();
    assert_eq!(texts(&got), ["Ok!"]);
    assert_eq!(c.push("costs 3.").count(), 0, "a digit may follow");
    let got: Vec<_> = c.finish().collect();
    assert_eq!(texts(&got), ["42 is itcosts 3."]);
    assert_eq!(c.pending(), "");
    // "\r" waits for a possible "\n".
    assert_eq!(c.push("Line\r").count(), 0);
    assert_eq!(texts(&c.push("\n").collect::<Vec<_>>()), ["Line"]);
}

#[test]
fn the_generic_adapter_flushes_the_tail_before_an_error() {
    let deltas: Vec<Result<String, Error>> = vec![
        Ok("One. Tw".into()),
        Ok("o is".into()),
        Err(Error::Cancelled {
            partial: "One. Two is".into(),
        }),
        Ok("never read".into()),
    ];
    let out: Vec<_> = sentences(deltas).collect();
    assert_eq!(out.len(), 3);
    assert_eq!(out[0].as_ref().unwrap().text, "One.");
    assert_eq!(out[1].as_ref().unwrap().text, "Two is");
    assert!(matches!(out[2], Err(Error::Cancelled { .. })));
}

#[test]
fn chat_response_and_ws_run_events_feed_their_text_deltas() {
    let chat = vec![
        Ok(ChatEvent::Role("assistant".into())),
        Ok(ChatEvent::Reasoning("Think. Hard.".into())),
        Ok(ChatEvent::Content("Hi there. ".into())),
        Ok(ChatEvent::Content("Bye".into())),
        Ok(ChatEvent::Done { empty: false }),
    ];
    let got: Vec<String> = chat
        .into_iter()
        .sentences()
        .map(|s| s.unwrap().text)
        .collect();
    assert_eq!(got, ["Hi there.", "Bye"]);

    let resp = vec![
        Ok(ResponseEvent::Created {
            id: "resp_1".into(),
        }),
        Ok(ResponseEvent::TextDelta("One. Tw".into())),
        Ok(ResponseEvent::TextDelta("o".into())),
        Ok(ResponseEvent::TextDone("One. Two".into())),
    ];
    let got: Vec<String> = resp
        .into_iter()
        .sentences()
        .map(|s| s.unwrap().text)
        .collect();
    assert_eq!(got, ["One.", "Two"]);

    let delta = |t: &str, replace| {
        Ok(RunEvent::Delta {
            text: t.into(),
            replace,
        })
    };
    let run = vec![
        delta("Let me check", false),
        delta("Let me check. The", true),
        delta("", true),
        delta("It is sunny. Enjoy", false),
        Ok(RunEvent::Final {
            text: "It is sunny. Enjoy it!".into(),
            stop_reason: None,
        }),
        delta("late", false),
    ];
    let got: Vec<String> = run
        .into_iter()
        .sentences()
        .map(|s| s.unwrap().text)
        .collect();
    assert_eq!(
        got,
        ["Let me check.", "The", "It is sunny.", "Enjoy it!"],
        "a replacement that extends is spoken as the extension; one that does not starts anew"
    );
    assert_eq!(
        RunEvent::Status { phase: "x".into() }.text_update_for_test(),
        TextUpdate::Nothing
    );
}

trait ForTest {
    fn text_update_for_test(&self) -> TextUpdate<'_>;
}
impl ForTest for RunEvent {
    fn text_update_for_test(&self) -> TextUpdate<'_> {
        openclaw_client::speech::SpeechSource::text_update(self)
    }
}
