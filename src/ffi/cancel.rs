//! Cancel tokens.

use super::handle::{Handle, handles, new_handle, read};
use crate::cancel::CancelToken;

/// A cancel token (opaque, reference-counted, thread-safe). Create with `openclaw_cancel_token_new`, attach to a request with
/// `openclaw_chat_request_set_cancel_token`, `openclaw_responses_request_set_cancel_token`
/// or `openclaw_tool_call_set_cancel_token`, fire
/// with `openclaw_cancel_token_cancel` from any thread. Thread-safe.
pub struct openclaw_cancel_token {
    pub(crate) token: CancelToken,
}

handles! {
    Shared: openclaw_cancel_token;
}

/// A new, un-cancelled token; NULL only on allocation failure or panic.
///
/// Ownership: the caller owns it; free with `openclaw_cancel_token_free` after every call using
/// it has returned. Thread-safety: the token may be used from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn openclaw_cancel_token_new() -> *mut openclaw_cancel_token {
    new_handle(|| openclaw_cancel_token {
        token: CancelToken::new(),
    })
}

/// Cancels every call using this token: a call blocked on a silent server returns
/// `OPENCLAW_RESULT_CANCELLED` at once. Idempotent; callable from any thread at any time, also
/// from inside a stream callback and after the calls ended. A cancelled token stays cancelled.
/// NULL is ignored.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_cancel_token_cancel(token: *const openclaw_cancel_token) {
    // SAFETY: a live token from this library or NULL.
    unsafe { read(token, (), |t| t.token.cancel()) }
}

/// Whether the token was cancelled. NULL gives false.
///
/// Thread-safety: any thread, at any time.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_cancel_token_is_cancelled(
    token: *const openclaw_cancel_token,
) -> bool {
    // SAFETY: a live token from this library or NULL.
    unsafe { read(token, false, |t| t.token.is_cancelled()) }
}

/// Frees a token. NULL is accepted. Requests it was attached to keep their own reference, so
/// freeing the token before the request is allowed (the request can still be cancelled only
/// through other references; none remain).
///
/// Thread-safety: free it once, from one thread, after every use of it (on any thread) has returned.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_cancel_token_free(token: *mut openclaw_cancel_token) {
    // SAFETY: a handle from this library or NULL, freed once.
    unsafe { openclaw_cancel_token::free(token) }
}
