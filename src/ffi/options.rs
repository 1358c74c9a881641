//! Per-call options for the calls that take no request object (model list, embeddings, hooks):
//! `openclaw_call_options`, with the same setters as every request kind (four timeouts, cancel
//! token, retries off, trace context), passed to the `_with` variants of those calls.

use std::ffi::c_char;

use super::cancel::openclaw_cancel_token;
use super::error::openclaw_result;
use super::handle::{Handle, handles, new_handle};
use super::request::{self, Request, Timeout};
use crate::options::CallOptions;

/// Options of one call (opaque, mutable, single-owner): timeouts, cancel token, retries off,
/// trace context. Create with `openclaw_call_options_new`, free with
/// `openclaw_call_options_free`; pass it (or NULL for the client's defaults) to
/// `openclaw_models_with`, `openclaw_embeddings_create_with`, `openclaw_hook_wake_with` and
/// `openclaw_hook_agent_with`. The calls copy what they need: it may be reused or freed after.
pub struct openclaw_call_options {
    options: CallOptions,
}

handles! {
    Boxed: openclaw_call_options;
}

impl Request for openclaw_call_options {
    fn options(&mut self) -> &mut CallOptions {
        &mut self.options
    }
}

/// The options of an optional `openclaw_call_options` argument (NULL = the client's defaults).
///
/// # Safety
/// `opts` is NULL or a live options handle not being changed by another thread.
pub(crate) unsafe fn or_default(opts: *const openclaw_call_options) -> CallOptions {
    // SAFETY: forwarded contract.
    unsafe { opts.as_ref() }.map_or_else(CallOptions::default, |o| o.options.clone())
}

/// New call options with every value unset (the client's defaults). Never NULL (aborts only
/// on out-of-memory, like every allocation).
///
/// Ownership: the caller frees it with `openclaw_call_options_free`. Thread-safety: any thread.
#[unsafe(no_mangle)]
pub extern "C" fn openclaw_call_options_new() -> *mut openclaw_call_options {
    new_handle(|| openclaw_call_options {
        options: CallOptions::default(),
    })
}

/// Overrides the connect timeout for calls made with these options (ms, 0 = no limit).
///
/// Thread-safety: change options from one thread at a time.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_call_options_set_connect_timeout_ms(
    opts: *mut openclaw_call_options,
    ms: u64,
) -> openclaw_result {
    // SAFETY: live options or NULL.
    unsafe { request::set_timeout(opts, Timeout::Connect, ms) }
}

/// Overrides the response-headers timeout (ms, 0 = no limit).
///
/// Thread-safety: change options from one thread at a time.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_call_options_set_response_timeout_ms(
    opts: *mut openclaw_call_options,
    ms: u64,
) -> openclaw_result {
    // SAFETY: live options or NULL.
    unsafe { request::set_timeout(opts, Timeout::Response, ms) }
}

/// Overrides the idle (per-read) timeout (ms, 0 = no limit).
///
/// Thread-safety: change options from one thread at a time.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_call_options_set_idle_timeout_ms(
    opts: *mut openclaw_call_options,
    ms: u64,
) -> openclaw_result {
    // SAFETY: live options or NULL.
    unsafe { request::set_timeout(opts, Timeout::Idle, ms) }
}

/// Overrides the total timeout of the call (ms, 0 = no limit).
///
/// Thread-safety: change options from one thread at a time.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_call_options_set_total_timeout_ms(
    opts: *mut openclaw_call_options,
    ms: u64,
) -> openclaw_result {
    // SAFETY: live options or NULL.
    unsafe { request::set_timeout(opts, Timeout::Total, ms) }
}

/// Attaches a cancel token (the options keep their own reference; NULL is an error).
///
/// Thread-safety: change options from one thread at a time; cancel the token from any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_call_options_set_cancel_token(
    opts: *mut openclaw_call_options,
    token: *const openclaw_cancel_token,
) -> openclaw_result {
    // SAFETY: live options or NULL; a live token or NULL.
    unsafe { request::set_cancel(opts, token) }
}

/// Turns the client's retry policy off (`no_retry` true) or back on for these calls.
///
/// Thread-safety: change options from one thread at a time.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_call_options_set_no_retry(
    opts: *mut openclaw_call_options,
    no_retry: bool,
) -> openclaw_result {
    // SAFETY: live options or NULL.
    unsafe { request::set_no_retry(opts, no_retry) }
}

/// Sends a W3C trace context (`traceparent`, and `tracestate` when not NULL) with these calls;
/// NULL `traceparent` clears it. A malformed value gives `OPENCLAW_RESULT_INVALID_ARGUMENT`.
///
/// Inputs are copied. Thread-safety: change options from one thread at a time.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_call_options_set_trace_context(
    opts: *mut openclaw_call_options,
    traceparent: *const c_char,
    tracestate: *const c_char,
) -> openclaw_result {
    // SAFETY: live options or NULL; NUL-terminated strings or NULL.
    unsafe { request::set_trace(opts, traceparent, tracestate) }
}

/// Frees call options. NULL is accepted.
///
/// Thread-safety: free them once, after every call using them has returned.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_call_options_free(opts: *mut openclaw_call_options) {
    // SAFETY: a handle from this library or NULL, freed once.
    unsafe { openclaw_call_options::free(opts) }
}
