//! Sentence chunks for speech: turn a stream of text deltas into complete sentences, each handed
//! over as soon as its end is known, for a text-to-speech engine.
//!
//! [`SentenceChunker`] is the engine (push deltas, take sentences, [`finish`] for the tail);
//! [`SentenceStream`] adapts any iterator of `Result<text>` items, and [`SentencesExt`] adds
//! `.sentences()` to [`ChatStream`](crate::stream::ChatStream), the responses stream and the
//! WebSocket chat run (their items implement [`SpeechSource`]).
//!
//! # The rules
//! Boundaries are the Unicode sentence boundaries of UAX #29 (the `unicode-segmentation`
//! crate), refined for speech:
//! - **abbreviations** never end a sentence (`Dr.`, `e.g.`, `z.B.`, `etc.`…: see
//!   [`DEFAULT_ABBREVIATIONS`], configurable with [`SentenceChunker::abbreviations`]), nor a
//!   single capital initial (`J. Smith`) nor a list number (`1.` alone at the start of a line);
//! - a boundary inside a word (no space before it) is ignored, so decimals, versions, times and
//!   URLs (`3.14`, `v1.2.3`, `10:30`, `https://x.org/a?b!c`) are never split; the exception is
//!   a full-width terminator (`。！？`), after which CJK text needs no space;
//! - closing quotes and brackets after the terminator stay with the sentence (`"Stop." Then`),
//!   and so do ellipses (`Wait... what?` is one sentence; `Well... I` breaks after `...` as
//!   UAX #29 does before a capital); a boundary right before a closing guillemet or bracket
//!   (French `« Bonjour ! »`) is ignored;
//! - every line break ends a chunk, so list items (`- `, `* `, `1. `) and headings are chunks;
//! - **code**: a fenced block (```` ``` ```` … ```` ``` ````) is never split nor spoken half-way:
//!   it is skipped ([`CodeBlocks::Skip`], the default) or handed over whole, fences included,
//!   as one chunk with [`Sentence::code`] set ([`CodeBlocks::Emit`]); text before a fence ends
//!   there. Inline code (`` `a.b()` ``, on one line) stays inside its sentence and is never cut;
//! - **min_chars**: a sentence shorter than this is joined with the next (the original text
//!   between them kept); at the end of the text, before a code block and at [`finish`], the
//!   short rest is handed over anyway;
//! - **max_chars**: a longer sentence is cut at the last clause boundary (`,` `;` `:` or a
//!   spaced dash, followed by a space) that leaves at least half of `max_chars`, else at the
//!   last space; a single word longer than that is kept whole up to the next space. Code blocks
//!   are never cut.
//!
//! Lengths are counted in Unicode scalar values (`char`s) of the trimmed chunk. Chunks are
//! trimmed of surrounding white space; chunks that are only white space are dropped.
//!
//! # When a sentence is handed over
//! A sentence is handed over by the [`push`] that delivers the **first character after its
//! trailing spaces and closing punctuation**, or the line break that ends it: `"Hello there. "`
//! yields nothing yet (`"Hello there. how"` is one sentence under UAX #29), and the push that
//! adds `"H"` (`"Hello there. H"`) yields `"Hello there."`. A line break yields the line at once
//! (except a `\r`, which waits for a possible `\n`). Inside a word, a decimal or a URL nothing
//! can end; after `"costs 3."` the chunker waits to see whether a digit follows. Pending text
//! is handed over by [`finish`]. The result never depends on how the text was split into
//! deltas: every boundary is decided only when no later text can change it.
//!
//! [`push`]: SentenceChunker::push
//! [`finish`]: SentenceChunker::finish

use std::borrow::Cow;
use std::collections::VecDeque;

use unicode_segmentation::UnicodeSegmentation;

use crate::error::{Error, Result};

/// Abbreviations that never end a sentence (compared ignoring ASCII case), English, German,
/// French and Spanish: the default of [`SentenceChunker::abbreviations`].
pub const DEFAULT_ABBREVIATIONS: &[&str] = &[
    "Mr.", "Mrs.", "Ms.", "Dr.", "Prof.", "Sr.", "Jr.", "St.", "Mt.", "vs.", "etc.", "e.g.",
    "i.e.", "cf.", "approx.", "Inc.", "Ltd.", "Corp.", "Fig.", "Vol.", "z.B.", "d.h.", "u.a.",
    "bzw.", "ca.", "usw.", "vgl.", "Nr.", "Hr.", "Fr.", "Mme.", "Mlle.", "env.", "p.ex.", "Sra.",
    "Srta.", "Dra.", "Ud.", "Uds.", "p.ej.",
];

/// What the chunker does with a fenced code block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CodeBlocks {
    /// Drop it (nothing of it is spoken). The default.
    #[default]
    Skip,
    /// Hand it over whole, fences included, as one chunk with [`Sentence::code`] set.
    Emit,
}

/// One chunk to speak.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    /// The text, trimmed of surrounding white space.
    pub text: String,
    /// True for a fenced code block ([`CodeBlocks::Emit`]).
    pub code: bool,
}

impl Sentence {
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl std::fmt::Display for Sentence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

/// Turns text deltas into sentences; see the [module docs](self) for the rules.
///
/// ```
/// use openclaw_client::speech::SentenceChunker;
/// let mut c = SentenceChunker::new();
/// let mut out: Vec<String> = Vec::new();
/// for delta in ["Dr. Smith is ", "here. He ", "says hi"] {
///     out.extend(c.push(delta).map(|s| s.text));
/// }
/// assert_eq!(out, ["Dr. Smith is here."]);
/// out.extend(c.finish().map(|s| s.text));
/// assert_eq!(out, ["Dr. Smith is here.", "He says hi"]);
/// ```
#[derive(Debug, Clone)]
pub struct SentenceChunker {
    min_chars: usize,
    max_chars: usize,
    code_blocks: CodeBlocks,
    abbreviations: Vec<String>,
    pending: String,
    ready: VecDeque<Sentence>,
}

impl Default for SentenceChunker {
    fn default() -> Self {
        Self::new()
    }
}

/// Where the first chunk of the pending text ends.
enum Cut {
    /// A decided boundary (byte offset).
    At(usize),
    /// Nothing decided before this offset.
    Undecided(usize),
}

/// The pending text with inline code masked, and where plain text ends.
struct Layout {
    /// The text with every inline code span (backticks included) replaced by `X` bytes.
    masked: String,
    /// End of the plain region (a fence, an undecided backtick, or the end).
    end: usize,
    /// Whether nothing after `end` can change the region (a fence follows, or the text ended).
    complete: bool,
    /// A fence at `end`: its end when closed (or the text ended).
    fence: Option<Option<usize>>,
}

const PARA_SEPS: [char; 5] = ['\n', '\r', '\u{85}', '\u{2028}', '\u{2029}'];
const FULLWIDTH_TERMS: [char; 7] = ['。', '！', '？', '｡', '．', '︒', '﹒'];

fn is_close(c: char) -> bool {
    matches!(
        c,
        '"' | '\''
            | ')'
            | ']'
            | '}'
            | '»'
            | '«'
            | '”'
            | '’'
            | '“'
            | '‘'
            | '」'
            | '』'
            | '）'
            | '】'
            | '〉'
            | '》'
            | '„'
    )
}

fn is_open(c: char) -> bool {
    matches!(
        c,
        '(' | '[' | '{' | '"' | '\'' | '«' | '“' | '‘' | '„' | '¿' | '¡' | '「' | '『' | '（'
    )
}

/// Closing marks that cannot start a sentence.
fn is_only_close(c: char) -> bool {
    matches!(
        c,
        ')' | ']' | '}' | '»' | '”' | '」' | '』' | '）' | '】' | '〉' | '》'
    )
}

/// Opening brackets and quotes that never end a sentence.
fn is_open_only(c: char) -> bool {
    matches!(
        c,
        '「' | '『' | '（' | '(' | '[' | '{' | '“' | '„' | '【' | '〈' | '《'
    )
}

/// Whether `p` stays a boundary whatever follows `text`: only a later lowercase letter can undo
/// a boundary before the end (UAX #29 rule SB8), so the text plus one is probed.
fn probe_has(probe: &mut Option<Vec<usize>>, text: &str, p: usize) -> bool {
    probe
        .get_or_insert_with(|| boundaries(&format!("{text}a")))
        .binary_search(&p)
        .is_ok()
}

fn run_len(b: &[u8], k: usize) -> usize {
    b[k..].iter().take_while(|&&c| c == b'`').count()
}

fn layout(s: &str, last: bool) -> Layout {
    let b = s.as_bytes();
    let mut masked = b.to_vec();
    let mut i = 0;
    let mut result = None;
    while let Some(off) = memchr::memchr(b'`', &b[i..]) {
        let k = i + off;
        let n = run_len(b, k);
        if k + n == b.len() && !last {
            result = Some((k, false, None));
            break;
        }
        if n >= 3 {
            let mut j = k + n;
            let mut close = if last { Some(b.len()) } else { None };
            while let Some(o) = memchr::memchr(b'`', &b[j..]) {
                let c = j + o;
                let m = run_len(b, c);
                if c + m == b.len() && !last {
                    break;
                }
                if m >= n {
                    close = Some(c + m);
                    break;
                }
                j = c + m;
            }
            result = Some((k, true, Some(close)));
            break;
        }
        let limit = memchr::memchr(b'\n', &b[k + n..]).map_or(b.len(), |o| k + n + o);
        let mut j = k + n;
        let mut found = None;
        let mut undecided = limit == b.len() && !last;
        while let Some(o) = memchr::memchr(b'`', &b[j..limit]) {
            let c = j + o;
            let m = run_len(b, c);
            if c + m == b.len() && !last {
                undecided = true;
                break;
            }
            if m == n {
                found = Some(c + m);
                break;
            }
            j = c + m;
        }
        match found {
            Some(e) => {
                masked[k..e].fill(b'X');
                i = e;
            }
            None if undecided => {
                result = Some((k, false, None));
                break;
            }
            None => i = k + n,
        }
    }
    let (end, complete, fence) = result.unwrap_or((b.len(), last, None));
    // Only ASCII bytes of whole spans (delimited by ASCII backticks) were replaced.
    let masked = String::from_utf8(masked).unwrap_or_else(|_| s.to_owned());
    Layout {
        masked,
        end,
        complete,
        fence,
    }
}

fn boundaries(text: &str) -> Vec<usize> {
    let mut v: Vec<usize> = text
        .split_sentence_bound_indices()
        .map(|(i, _)| i)
        .filter(|&i| i > 0)
        .collect();
    v.push(text.len());
    v
}

fn trimmed_chars(s: &str) -> usize {
    s.trim().chars().count()
}

impl SentenceChunker {
    /// A chunker with the defaults: no minimum, at most 400 characters, code blocks skipped,
    /// [`DEFAULT_ABBREVIATIONS`].
    pub fn new() -> Self {
        SentenceChunker {
            min_chars: 0,
            max_chars: 400,
            code_blocks: CodeBlocks::Skip,
            abbreviations: DEFAULT_ABBREVIATIONS
                .iter()
                .map(|s| s.to_string())
                .collect(),
            pending: String::new(),
            ready: VecDeque::new(),
        }
    }

    /// Sentences shorter than `n` characters are joined with the next one (0: never).
    pub fn min_chars(mut self, n: usize) -> Self {
        self.set_min_chars(n);
        self
    }

    /// Longer sentences are cut at a clause boundary or a space (0: no limit). A limit below
    /// `min_chars` acts as `min_chars`.
    pub fn max_chars(mut self, n: usize) -> Self {
        self.set_max_chars(n);
        self
    }

    /// What to do with fenced code blocks.
    pub fn code_blocks(mut self, mode: CodeBlocks) -> Self {
        self.set_code_blocks(mode);
        self
    }

    /// Replaces the abbreviation list (each with its final period, e.g. `"Dr."`; compared
    /// ignoring ASCII case).
    pub fn abbreviations<S: Into<String>>(mut self, list: impl IntoIterator<Item = S>) -> Self {
        self.abbreviations = list.into_iter().map(Into::into).collect();
        self
    }

    /// Setter form of [`min_chars`](Self::min_chars); applies to text not yet handed over.
    pub fn set_min_chars(&mut self, n: usize) {
        self.min_chars = n;
    }

    /// Setter form of [`max_chars`](Self::max_chars); applies to text not yet handed over.
    pub fn set_max_chars(&mut self, n: usize) {
        self.max_chars = n;
    }

    /// Setter form of [`code_blocks`](Self::code_blocks).
    pub fn set_code_blocks(&mut self, mode: CodeBlocks) {
        self.code_blocks = mode;
    }

    /// The text received and not yet handed over.
    pub fn pending(&self) -> &str {
        &self.pending
    }

    /// Adds a delta; the returned iterator holds the sentences it completed (dropping it
    /// discards them).
    pub fn push(&mut self, delta: &str) -> std::collections::vec_deque::Drain<'_, Sentence> {
        self.pending.push_str(delta);
        self.process(false);
        self.ready.drain(..)
    }

    /// Ends the text (the stream ended or was cancelled): hands over everything pending. The
    /// chunker is then empty and can take a new text.
    pub fn finish(&mut self) -> std::collections::vec_deque::Drain<'_, Sentence> {
        self.process(true);
        let rest = std::mem::take(&mut self.pending);
        self.emit(rest.trim(), false);
        self.ready.drain(..)
    }

    fn emit(&mut self, text: &str, code: bool) {
        if !text.trim().is_empty() {
            self.ready.push_back(Sentence {
                text: text.to_owned(),
                code,
            });
        }
    }

    fn process(&mut self, last: bool) {
        while let Some((consumed, chunk)) = self.step(last) {
            if consumed == 0 {
                break;
            }
            if let Some((a, b, code)) = chunk {
                let text = self.pending[a..b].trim().to_owned();
                self.emit(&text, code);
            }
            self.pending.drain(..consumed);
        }
    }

    fn max(&self) -> usize {
        if self.max_chars == 0 {
            usize::MAX
        } else {
            self.max_chars.max(self.min_chars)
        }
    }

    /// The next chunk: bytes to consume, and the byte range to hand over (with the code flag).
    #[allow(clippy::type_complexity)]
    fn step(&self, last: bool) -> Option<(usize, Option<(usize, usize, bool)>)> {
        let s = self.pending.as_str();
        if s.is_empty() {
            return None;
        }
        let lay = layout(s, last);
        let region = &lay.masked[..lay.end];
        if region.trim().is_empty() {
            return match lay.fence {
                Some(Some(close)) => {
                    let emit = self.code_blocks == CodeBlocks::Emit;
                    Some((close, emit.then_some((lay.end, close, true))))
                }
                Some(None) => None,
                None if lay.complete && !region.is_empty() => Some((region.len(), None)),
                None => None,
            };
        }
        let cut = self.first_cut(region, &s[..lay.end], lay.complete);
        let (limit, decided) = match cut {
            Cut::At(b) => (b, true),
            Cut::Undecided(u) => (u, false),
        };
        let raw = &s[..limit];
        if trimmed_chars(raw) > self.max() {
            let lead = raw.len() - raw.trim_start().len();
            if let Some(c) = self.max_cut(&lay.masked[..limit], lead) {
                return Some((c, Some((0, c, false))));
            }
        }
        decided.then_some((limit, Some((0, limit, false))))
    }

    /// The first boundary of the plain region, or where the decision stops.
    fn first_cut(&self, masked: &str, raw: &str, complete: bool) -> Cut {
        let mut probe: Option<Vec<usize>> = None;
        for p in boundaries(masked) {
            if p == masked.len() && complete {
                return Cut::At(p);
            }
            // UAX #29 keeps opening brackets right after a terminator with the sentence before
            // ("本当？「はい。」"): they open the next one.
            let q = p - (masked[..p].len() - masked[..p].trim_end_matches(is_open_only).len());
            if q == 0 || q < p && self.vetoed(masked, q) {
                continue;
            }
            if q < p {
                if complete || probe_has(&mut probe, masked, p) {
                    if trimmed_chars(&raw[..q]) < self.min_chars {
                        continue;
                    }
                    return Cut::At(q);
                }
                return Cut::Undecided(q);
            }
            if self.vetoed(masked, p) {
                continue;
            }
            if p == masked.len() {
                let ends_line = masked.ends_with(|c: char| PARA_SEPS.contains(&c) && c != '\r');
                if !ends_line {
                    return Cut::Undecided(p);
                }
            } else if !complete {
                // Only a later lowercase letter can undo a boundary (UAX #29 rule SB8).
                if !probe_has(&mut probe, masked, p) {
                    return Cut::Undecided(p);
                }
            }
            if trimmed_chars(&raw[..p]) < self.min_chars {
                continue;
            }
            return Cut::At(p);
        }
        Cut::Undecided(masked.len())
    }

    /// Whether the speech rules reject the UAX #29 boundary at `p`.
    fn vetoed(&self, text: &str, p: usize) -> bool {
        let before = &text[..p];
        if before
            .trim_end_matches([' ', '\t'])
            .ends_with(|c: char| PARA_SEPS.contains(&c))
        {
            return false;
        }
        if text[p..].starts_with(is_only_close) {
            return true;
        }
        if !before.ends_with(char::is_whitespace) {
            return !before
                .trim_end_matches(is_close)
                .ends_with(FULLWIDTH_TERMS.as_slice());
        }
        let t = before.trim_end().trim_end_matches(is_close);
        let word_start = t
            .char_indices()
            .rev()
            .find(|(_, c)| c.is_whitespace())
            .map_or(0, |(i, c)| i + c.len_utf8());
        let word = t[word_start..].trim_start_matches(is_open);
        if !word.ends_with('.') || word.ends_with("..") {
            return false;
        }
        if self
            .abbreviations
            .iter()
            .any(|a| a.eq_ignore_ascii_case(word))
        {
            return true;
        }
        let mut cs = word.chars();
        if let (Some(c), Some('.'), None) = (cs.next(), cs.next(), cs.next())
            && c.is_uppercase()
        {
            return true;
        }
        // A list number alone at the start of a line (or of the chunk).
        let line_start = t
            .char_indices()
            .rev()
            .find(|(_, c)| PARA_SEPS.contains(c))
            .map_or(0, |(i, c)| i + c.len_utf8());
        let digits = &word[..word.len() - 1];
        t[line_start..].trim() == word
            && (1..=3).contains(&digits.len())
            && digits.bytes().all(|b| b.is_ascii_digit())
    }

    /// Where to cut a chunk longer than the maximum (`masked` starts at the chunk, `lead` bytes
    /// of white space first); None when the cut is not known yet.
    fn max_cut(&self, masked: &str, lead: usize) -> Option<usize> {
        let max = self.max();
        let (mut clause, mut space) = (None, None);
        let mut prev = [' ', ' '];
        for (j, (off, c)) in masked[lead..].char_indices().enumerate() {
            if j > max {
                break;
            }
            if c.is_whitespace() && j > 0 {
                space = Some(lead + off);
                let dash = matches!(prev[1], '-' | '–' | '—') && prev[0].is_whitespace();
                if (matches!(prev[1], ',' | ';' | ':' | '，' | '、' | '；') || dash) && j >= max / 2
                {
                    clause = Some(lead + off);
                }
            }
            prev = [prev[1], c];
        }
        clause.or(space).or_else(|| {
            masked[lead..]
                .char_indices()
                .skip(max + 1)
                .find(|(_, c)| c.is_whitespace())
                .map(|(i, _)| lead + i)
        })
    }
}

/// What one stream item adds to the text to speak.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextUpdate<'a> {
    /// Nothing (another kind of event).
    Nothing,
    /// More text.
    Append(&'a str),
    /// The text so far is replaced by this (a WebSocket run after a tool call): when it
    /// extends the text already fed, only the extension is spoken; otherwise the pending
    /// rest of the old text is handed over and this text starts anew.
    Replace(&'a str),
    /// The final text, when the source sends one: spoken only as far as it extends the text
    /// fed from deltas.
    Final(&'a str),
}

/// A stream item that may carry text to speak. Implemented for plain strings and for
/// [`ChatEvent`](crate::stream::ChatEvent) (content deltas),
/// [`ResponseEvent`](crate::stream::responses::ResponseEvent) (output-text deltas) and
/// [`RunEvent`](crate::ws::RunEvent) (deltas, replacements and the final text).
pub trait SpeechSource {
    /// What this item adds.
    fn text_update(&self) -> TextUpdate<'_>;
}

impl SpeechSource for String {
    fn text_update(&self) -> TextUpdate<'_> {
        TextUpdate::Append(self)
    }
}

impl SpeechSource for &str {
    fn text_update(&self) -> TextUpdate<'_> {
        TextUpdate::Append(self)
    }
}

impl SpeechSource for Box<str> {
    fn text_update(&self) -> TextUpdate<'_> {
        TextUpdate::Append(self)
    }
}

impl SpeechSource for Cow<'_, str> {
    fn text_update(&self) -> TextUpdate<'_> {
        TextUpdate::Append(self)
    }
}

/// An iterator of sentences over an iterator of `Result` items carrying text
/// ([`SpeechSource`]).
///
/// Each sentence is yielded as soon as the item that completes it has been read. When the
/// source ends, the pending tail is yielded; when it yields an error (a failed, cancelled or
/// timed-out stream), the pending tail is yielded first and then the error, and the iterator
/// ends. Memory: the pending sentence, plus the text fed so far (kept to apply
/// [`TextUpdate::Replace`] and [`TextUpdate::Final`]).
pub struct SentenceStream<I> {
    inner: I,
    chunker: SentenceChunker,
    ready: VecDeque<Sentence>,
    fed: String,
    error: Option<Error>,
    done: bool,
}

impl<I> SentenceStream<I> {
    /// Sentences of `inner`, cut by `chunker`.
    pub fn new(inner: I, chunker: SentenceChunker) -> Self {
        SentenceStream {
            inner,
            chunker,
            ready: VecDeque::new(),
            fed: String::new(),
            error: None,
            done: false,
        }
    }

    /// The source (e.g. to read a [`ChatStream`](crate::stream::ChatStream)'s reply after
    /// the end).
    pub fn get_ref(&self) -> &I {
        &self.inner
    }

    /// The source, mutably.
    pub fn get_mut(&mut self) -> &mut I {
        &mut self.inner
    }

    /// The source back (sentences not yet yielded are dropped).
    pub fn into_inner(self) -> I {
        self.inner
    }

    fn feed(&mut self, text: &str) {
        self.fed.push_str(text);
        self.ready.extend(self.chunker.push(text));
    }

    fn end(&mut self) {
        self.done = true;
        self.ready.extend(self.chunker.finish());
    }
}

impl<I, T> Iterator for SentenceStream<I>
where
    I: Iterator<Item = Result<T>>,
    T: SpeechSource,
{
    type Item = Result<Sentence>;

    fn next(&mut self) -> Option<Result<Sentence>> {
        loop {
            if let Some(s) = self.ready.pop_front() {
                return Some(Ok(s));
            }
            if let Some(e) = self.error.take() {
                return Some(Err(e));
            }
            if self.done {
                return None;
            }
            match self.inner.next() {
                None => self.end(),
                Some(Err(e)) => {
                    self.end();
                    self.error = Some(e);
                }
                Some(Ok(item)) => match item.text_update() {
                    TextUpdate::Nothing => {}
                    TextUpdate::Append(t) => self.feed(t),
                    TextUpdate::Replace(t) => match t.strip_prefix(self.fed.as_str()) {
                        Some(rest) => {
                            let rest = rest.to_owned();
                            self.feed(&rest);
                        }
                        None => {
                            self.ready.extend(self.chunker.finish());
                            self.fed.clear();
                            self.feed(t);
                        }
                    },
                    TextUpdate::Final(t) => {
                        if let Some(rest) = t.strip_prefix(self.fed.as_str()) {
                            let rest = rest.to_owned();
                            self.feed(&rest);
                        }
                        self.end();
                    }
                },
            }
        }
    }
}

/// `.sentences()` on any iterator of `Result` items carrying text: a
/// [`ChatStream`](crate::stream::ChatStream), a
/// [`ResponseStream`](crate::stream::responses::ResponseStream), a
/// [`ChatRun`](crate::ws::ChatRun), or an iterator of `Result<String>`.
///
/// ```no_run
/// use openclaw_client::{ChatRequest, Client, speech::SentencesExt};
/// let client = Client::builder().base_url("http://127.0.0.1:18789").build()?;
/// for sentence in client.chat_stream(&ChatRequest::user_message("Tell a story"))?.sentences() {
///     println!("speak: {}", sentence?);
/// }
/// # Ok::<(), openclaw_client::Error>(())
/// ```
pub trait SentencesExt: Sized {
    /// Sentences with the default [`SentenceChunker`].
    fn sentences(self) -> SentenceStream<Self> {
        self.sentences_with(SentenceChunker::new())
    }
    /// Sentences cut by `chunker` (its settings; text it already holds comes first).
    fn sentences_with(self, chunker: SentenceChunker) -> SentenceStream<Self>;
}

impl<I, T> SentencesExt for I
where
    I: Iterator<Item = Result<T>>,
    T: SpeechSource,
{
    fn sentences_with(self, chunker: SentenceChunker) -> SentenceStream<Self> {
        SentenceStream::new(self, chunker)
    }
}

/// Sentences of an iterator of text deltas (`Result<String>`, `Result<&str>`… or stream
/// events), with the default [`SentenceChunker`].
pub fn sentences<I, T>(deltas: I) -> SentenceStream<I::IntoIter>
where
    I: IntoIterator<Item = Result<T>>,
    T: SpeechSource,
{
    SentenceStream::new(deltas.into_iter(), SentenceChunker::new())
}
