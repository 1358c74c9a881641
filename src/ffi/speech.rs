//! Sentence chunks for speech from C: an opaque chunker fed with text deltas that calls back
//! with each complete sentence (see the Rust `speech` module for the rules).

use std::collections::VecDeque;
use std::ffi::{c_char, c_int, c_void};

use super::error::{Failure, OPENCLAW_RESULT_CANCELLED, openclaw_result};
use super::handle::{Handle, handles, new_handle, with_mut};
use crate::speech::{CodeBlocks, Sentence, SentenceChunker};

/// Fenced code blocks are dropped (the default).
pub const OPENCLAW_CODE_BLOCKS_SKIP: u32 = 0;
/// Fenced code blocks are handed over whole, fences included, with `code` true.
pub const OPENCLAW_CODE_BLOCKS_EMIT: u32 = 1;

/// A sentence chunker (opaque): turns text deltas into sentences for a text-to-speech engine.
/// Create with `openclaw_sentence_chunker_new`, free with `openclaw_sentence_chunker_free`.
///
/// Thread-safety: not synchronized; use one chunker from one thread at a time (it may move
/// between threads).
pub struct openclaw_sentence_chunker {
    chunker: SentenceChunker,
    /// Sentences found but not delivered yet (a callback stopped delivery), NUL-terminated.
    queue: VecDeque<(Vec<u8>, bool)>,
    /// The bytes of a UTF-8 sequence cut by the end of the last push.
    partial: Vec<u8>,
}

handles! {
    Boxed: openclaw_sentence_chunker;
}

/// Called with each complete sentence: `text` points to `len` bytes of UTF-8 (also
/// NUL-terminated), **borrowed** for the duration of the call; `code` is true for a fenced
/// code block (`OPENCLAW_CODE_BLOCKS_EMIT`). Return 0 to continue, non-zero to stop delivery:
/// the push or finish then returns `OPENCLAW_RESULT_CANCELLED` and the sentences not yet
/// delivered are kept, delivered first by the next push or finish. The callback runs on the
/// calling thread and must not call into the same chunker.
pub type openclaw_sentence_callback = Option<
    unsafe extern "C" fn(
        userdata: *mut c_void,
        text: *const c_char,
        len: usize,
        code: bool,
    ) -> c_int,
>;

/// A new chunker with the defaults: no minimum length, at most 400 characters per sentence,
/// code blocks skipped. NULL only on allocation failure or panic.
///
/// Ownership: the caller owns it; free with `openclaw_sentence_chunker_free`.
/// Thread-safety: any thread.
#[unsafe(no_mangle)]
pub extern "C" fn openclaw_sentence_chunker_new() -> *mut openclaw_sentence_chunker {
    new_handle(|| openclaw_sentence_chunker {
        chunker: SentenceChunker::new(),
        queue: VecDeque::new(),
        partial: Vec::new(),
    })
}

/// Sentences shorter than `n` characters (Unicode scalar values) are joined with the next
/// one; 0 (the default) never joins. Applies to text not yet handed over.
///
/// Errors: `OPENCLAW_RESULT_NULL_ARGUMENT`. Thread-safety: as the chunker.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_sentence_chunker_set_min_chars(
    chunker: *mut openclaw_sentence_chunker,
    n: usize,
) -> openclaw_result {
    // SAFETY: a live chunker from this library or NULL.
    unsafe {
        with_mut(chunker, "chunker", |c| {
            c.chunker.set_min_chars(n);
            Ok(())
        })
    }
}

/// Sentences longer than `n` characters are cut at a clause boundary, else at a space, never
/// inside a word, URL or code; 0 means no limit; the default is 400.
///
/// Errors: `OPENCLAW_RESULT_NULL_ARGUMENT`. Thread-safety: as the chunker.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_sentence_chunker_set_max_chars(
    chunker: *mut openclaw_sentence_chunker,
    n: usize,
) -> openclaw_result {
    // SAFETY: a live chunker from this library or NULL.
    unsafe {
        with_mut(chunker, "chunker", |c| {
            c.chunker.set_max_chars(n);
            Ok(())
        })
    }
}

/// What to do with fenced code blocks: `OPENCLAW_CODE_BLOCKS_SKIP` (default) or
/// `OPENCLAW_CODE_BLOCKS_EMIT`.
///
/// Errors: `OPENCLAW_RESULT_NULL_ARGUMENT`, `OPENCLAW_RESULT_INVALID_ARGUMENT` for another
/// value. Thread-safety: as the chunker.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_sentence_chunker_set_code_blocks(
    chunker: *mut openclaw_sentence_chunker,
    mode: u32,
) -> openclaw_result {
    // SAFETY: a live chunker from this library or NULL.
    unsafe {
        with_mut(chunker, "chunker", |c| {
            let mode = match mode {
                OPENCLAW_CODE_BLOCKS_SKIP => CodeBlocks::Skip,
                OPENCLAW_CODE_BLOCKS_EMIT => CodeBlocks::Emit,
                m => return Err(Failure::invalid(format!("unknown code block mode {m}"))),
            };
            c.chunker.set_code_blocks(mode);
            Ok(())
        })
    }
}

impl openclaw_sentence_chunker {
    fn enqueue(&mut self, found: impl Iterator<Item = Sentence>) {
        for s in found {
            let mut bytes = s.text.into_bytes();
            bytes.push(0);
            self.queue.push_back((bytes, s.code));
        }
    }

    fn deliver(
        &mut self,
        cb: unsafe extern "C" fn(*mut c_void, *const c_char, usize, bool) -> c_int,
        userdata: *mut c_void,
    ) -> Result<(), Failure> {
        while let Some((bytes, code)) = self.queue.pop_front() {
            // SAFETY: the caller's callback with its userdata; the text lives during the call.
            let stop = unsafe { cb(userdata, bytes.as_ptr().cast(), bytes.len() - 1, code) };
            if stop != 0 {
                return Err(Failure::new(
                    OPENCLAW_RESULT_CANCELLED,
                    "the sentence callback stopped delivery".into(),
                ));
            }
        }
        Ok(())
    }
}

/// Adds `len` bytes of UTF-8 text and calls `callback(userdata, …)` for each sentence that is
/// now complete (first those a stopped callback left undelivered). A multi-byte character may
/// be split between two pushes; `text` may be NULL when `len` is 0.
///
/// Returns `OPENCLAW_RESULT_OK`, `OPENCLAW_RESULT_CANCELLED` when the callback returned
/// non-zero, `OPENCLAW_RESULT_NULL_ARGUMENT`, or `OPENCLAW_RESULT_INVALID_UTF8` (nothing of this
/// push is taken). Ownership: `text` and `userdata` are borrowed for the call; sentences are
/// borrowed for one callback. Thread-safety: as the chunker.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_sentence_chunker_push(
    chunker: *mut openclaw_sentence_chunker,
    text: *const c_char,
    len: usize,
    callback: openclaw_sentence_callback,
    userdata: *mut c_void,
) -> openclaw_result {
    // SAFETY: a live chunker from this library or NULL; the caller's text contract.
    unsafe {
        with_mut(chunker, "chunker", |c| {
            push_text(c, text, len, callback, userdata)
        })
    }
}

/// The body of `openclaw_sentence_chunker_push`.
///
/// # Safety
/// `text` points to `len` readable bytes (or is NULL with `len` 0).
unsafe fn push_text(
    c: &mut openclaw_sentence_chunker,
    text: *const c_char,
    len: usize,
    callback: openclaw_sentence_callback,
    userdata: *mut c_void,
) -> Result<(), Failure> {
    let Some(cb) = callback else {
        return Err(Failure::null("callback"));
    };
    // SAFETY: the caller guarantees `len` readable bytes.
    let bytes = unsafe { super::bytes_arg(text.cast(), len, "text") }?;
    let mut all = c.partial.clone();
    all.extend_from_slice(bytes);
    let (valid, rest) = match std::str::from_utf8(&all) {
        Ok(_) => (all.len(), 0),
        // A sequence cut by the end of the buffer: keep its bytes for the next push.
        Err(e) if e.error_len().is_none() => (e.valid_up_to(), all.len() - e.valid_up_to()),
        Err(_) => return Err(Failure::utf8("text")),
    };
    let s = std::str::from_utf8(&all[..valid]).map_err(|_| Failure::utf8("text"))?;
    let found: Vec<Sentence> = c.chunker.push(s).collect();
    c.partial = all[all.len() - rest..].to_vec();
    c.enqueue(found.into_iter());
    c.deliver(cb, userdata)
}

/// Ends the text (the stream ended or was cancelled) and calls back with every sentence left,
/// the incomplete tail included. The chunker is then empty and can take a new text.
///
/// Returns `OPENCLAW_RESULT_OK`, `OPENCLAW_RESULT_CANCELLED` (callback returned non-zero; the
/// rest stays queued for the next push or finish), `OPENCLAW_RESULT_NULL_ARGUMENT`, or
/// `OPENCLAW_RESULT_INVALID_UTF8` when the text ended inside a multi-byte character (those
/// bytes are dropped; the sentences are still delivered first). Ownership and thread-safety:
/// as `openclaw_sentence_chunker_push`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_sentence_chunker_finish(
    chunker: *mut openclaw_sentence_chunker,
    callback: openclaw_sentence_callback,
    userdata: *mut c_void,
) -> openclaw_result {
    // SAFETY: a live chunker from this library or NULL.
    unsafe {
        with_mut(chunker, "chunker", |c| {
            let Some(cb) = callback else {
                return Err(Failure::null("callback"));
            };
            let found: Vec<Sentence> = c.chunker.finish().collect();
            c.enqueue(found.into_iter());
            c.deliver(cb, userdata)?;
            if !std::mem::take(&mut c.partial).is_empty() {
                return Err(Failure::utf8("text (ends inside a character)"));
            }
            Ok(())
        })
    }
}

/// Frees a chunker (undelivered text is dropped). NULL is accepted.
///
/// Thread-safety: once, after every other call on it has returned.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_sentence_chunker_free(chunker: *mut openclaw_sentence_chunker) {
    // SAFETY: a handle from this library or NULL, freed once.
    unsafe { openclaw_sentence_chunker::free(chunker) }
}
