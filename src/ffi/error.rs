//! Result codes and the thread-local last error.

use std::cell::RefCell;
use std::ffi::{CString, c_char};

use crate::error::{Error, ErrorKind};

/// A result code. 0 is success; the numbers are stable and never reused, grouped in ranges:
/// usage 1–19, transport 20–39, HTTP/API 40–59, control 60–79, internal 90–99, WebSocket control
/// plane 100–119.
pub type openclaw_result = u32;

/// Success.
pub const OPENCLAW_RESULT_OK: openclaw_result = 0;
/// A required pointer argument was NULL.
pub const OPENCLAW_RESULT_NULL_ARGUMENT: openclaw_result = 1;
/// A string argument was not valid UTF-8.
pub const OPENCLAW_RESULT_INVALID_UTF8: openclaw_result = 2;
/// An argument was invalid (bad URL, CR/LF/NUL in a header value, reserved session key, bad
/// agent id, bad JSON, PEM without certificate…). Nothing was sent.
pub const OPENCLAW_RESULT_INVALID_ARGUMENT: openclaw_result = 3;
/// The gateway could not be reached (refused, DNS, closed before answering, proxy).
pub const OPENCLAW_RESULT_CONNECT: openclaw_result = 20;
/// TLS handshake or certificate verification failed.
pub const OPENCLAW_RESULT_TLS: openclaw_result = 21;
/// A timeout fired (the message names which: connect, response, idle, total).
pub const OPENCLAW_RESULT_TIMEOUT: openclaw_result = 22;
/// Another transport failure.
pub const OPENCLAW_RESULT_IO: openclaw_result = 23;
/// The connection broke after the request was sent: the gateway may have run the agent turn
/// (never retried automatically; check the session before sending the turn again). Text that
/// arrived is in `openclaw_last_error_partial_text`.
pub const OPENCLAW_RESULT_CONNECTION_LOST: openclaw_result = 24;
/// HTTP 401: missing or wrong token/password.
pub const OPENCLAW_RESULT_UNAUTHORIZED: openclaw_result = 40;
/// HTTP 403.
pub const OPENCLAW_RESULT_FORBIDDEN: openclaw_result = 41;
/// HTTP 429 (see `openclaw_last_error_retry_after_ms`).
pub const OPENCLAW_RESULT_RATE_LIMITED: openclaw_result = 42;
/// The endpoint is disabled on the gateway; the message names the config key.
pub const OPENCLAW_RESULT_NOT_ENABLED: openclaw_result = 43;
/// HTTP 404 with a JSON body (unknown model, tool not available…).
pub const OPENCLAW_RESULT_NOT_FOUND: openclaw_result = 44;
/// Any other HTTP error status, with the gateway's message.
pub const OPENCLAW_RESULT_API_ERROR: openclaw_result = 45;
/// The gateway reported an error inside the stream.
pub const OPENCLAW_RESULT_STREAM_ERROR: openclaw_result = 46;
/// The stream ended before `[DONE]` (text that arrived is kept).
pub const OPENCLAW_RESULT_TRUNCATED: openclaw_result = 47;
/// The answer did not follow the protocol.
pub const OPENCLAW_RESULT_PROTOCOL: openclaw_result = 48;
/// A size limit was exceeded.
pub const OPENCLAW_RESULT_LIMIT_EXCEEDED: openclaw_result = 49;
/// Cancelled by a cancel token or by the callback returning non-zero.
pub const OPENCLAW_RESULT_CANCELLED: openclaw_result = 60;
/// The pull stream has no more events.
pub const OPENCLAW_RESULT_END: openclaw_result = 61;
/// WebSocket handshake: the gateway refused the credentials (token mismatch or missing, device
/// signature or device token rejected); `openclaw_last_error_type` gives `details.code` and the
/// message the recommended next step.
pub const OPENCLAW_RESULT_WS_AUTH: openclaw_result = 100;
/// A WebSocket method needs a scope the connection lacks; the message names it.
pub const OPENCLAW_RESULT_WS_MISSING_SCOPE: openclaw_result = 101;
/// WebSocket handshake: no common protocol version; the message names both.
pub const OPENCLAW_RESULT_WS_PROTOCOL_MISMATCH: openclaw_result = 102;
/// WebSocket handshake: pairing (or a device identity) is required; the message says what next.
pub const OPENCLAW_RESULT_WS_PAIRING_REQUIRED: openclaw_result = 103;
/// A WebSocket request answered `ok:false` (`openclaw_last_error_type` gives the code).
pub const OPENCLAW_RESULT_WS_RPC_ERROR: openclaw_result = 104;
/// The WebSocket connection is closed or was lost; a request in flight may have run (never
/// replayed).
pub const OPENCLAW_RESULT_WS_DISCONNECTED: openclaw_result = 105;
/// A Rust panic was caught at the boundary (a bug: please report it).
pub const OPENCLAW_RESULT_PANIC: openclaw_result = 90;
/// An internal error.
pub const OPENCLAW_RESULT_INTERNAL: openclaw_result = 91;

/// The result code of a library error.
pub fn code_of(e: &Error) -> openclaw_result {
    match e.kind() {
        ErrorKind::InvalidInput => OPENCLAW_RESULT_INVALID_ARGUMENT,
        ErrorKind::Connect => OPENCLAW_RESULT_CONNECT,
        ErrorKind::Tls => OPENCLAW_RESULT_TLS,
        ErrorKind::Timeout => OPENCLAW_RESULT_TIMEOUT,
        ErrorKind::Io => OPENCLAW_RESULT_IO,
        ErrorKind::Unauthorized => OPENCLAW_RESULT_UNAUTHORIZED,
        ErrorKind::Forbidden => OPENCLAW_RESULT_FORBIDDEN,
        ErrorKind::RateLimited => OPENCLAW_RESULT_RATE_LIMITED,
        ErrorKind::NotEnabled => OPENCLAW_RESULT_NOT_ENABLED,
        ErrorKind::NotFound => OPENCLAW_RESULT_NOT_FOUND,
        ErrorKind::Api => OPENCLAW_RESULT_API_ERROR,
        ErrorKind::Stream => OPENCLAW_RESULT_STREAM_ERROR,
        ErrorKind::Truncated => OPENCLAW_RESULT_TRUNCATED,
        ErrorKind::Protocol => OPENCLAW_RESULT_PROTOCOL,
        ErrorKind::LimitExceeded => OPENCLAW_RESULT_LIMIT_EXCEEDED,
        ErrorKind::Cancelled => OPENCLAW_RESULT_CANCELLED,
        ErrorKind::ConnectionLost => OPENCLAW_RESULT_CONNECTION_LOST,
        ErrorKind::WsAuth => OPENCLAW_RESULT_WS_AUTH,
        ErrorKind::MissingScope => OPENCLAW_RESULT_WS_MISSING_SCOPE,
        ErrorKind::ProtocolMismatch => OPENCLAW_RESULT_WS_PROTOCOL_MISMATCH,
        ErrorKind::PairingRequired => OPENCLAW_RESULT_WS_PAIRING_REQUIRED,
        ErrorKind::Rpc => OPENCLAW_RESULT_WS_RPC_ERROR,
        ErrorKind::Disconnected => OPENCLAW_RESULT_WS_DISCONNECTED,
    }
}

/// A failure on its way to C: the code, our message, and the library error it came from (its
/// details fill the last-error getters).
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) code: openclaw_result,
    pub(crate) message: String,
    pub(crate) error: Option<Box<Error>>,
}

impl Failure {
    pub(crate) fn new(code: openclaw_result, message: String) -> Self {
        Failure {
            code,
            message,
            error: None,
        }
    }
    pub(crate) fn null(name: &str) -> Self {
        Self::new(
            OPENCLAW_RESULT_NULL_ARGUMENT,
            format!("argument `{name}` is NULL"),
        )
    }
    /// A NULL handle argument, naming its C type.
    pub(crate) fn null_handle(name: &str, c_type: &str) -> Self {
        Self::new(
            OPENCLAW_RESULT_NULL_ARGUMENT,
            format!("argument `{name}` is NULL (expected a {c_type} *)"),
        )
    }
    pub(crate) fn utf8(name: &str) -> Self {
        Self::new(
            OPENCLAW_RESULT_INVALID_UTF8,
            format!("argument `{name}` is not valid UTF-8"),
        )
    }
    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Self::new(OPENCLAW_RESULT_INVALID_ARGUMENT, message.into())
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure {
            code: code_of(&e),
            message: e.to_string(),
            error: Some(Box::new(e)),
        }
    }
}

#[derive(Default)]
struct LastError {
    code: openclaw_result,
    message: CString,
    status: u16,
    error_type: CString,
    retry_after_ms: i64,
    partial: CString,
    partial_len: usize,
    gateway_message: CString,
    gateway_code: CString,
}

thread_local! {
    static LAST: RefCell<LastError> = RefCell::new(LastError { retry_after_ms: -1, ..Default::default() });
}

pub(crate) fn set_failure(f: &Failure) {
    let e = f.error.as_deref();
    let text = |v: Option<&str>| super::cstring(v.unwrap_or(""));
    LAST.with(|l| {
        let mut l = l.borrow_mut();
        l.code = f.code;
        l.message = super::cstring(&f.message);
        l.status = e.and_then(Error::http_status).unwrap_or(0);
        l.error_type = text(e.and_then(Error::error_type));
        // A hostile or broken server can send any Retry-After: saturate, never wrap.
        l.retry_after_ms = e
            .and_then(Error::retry_after)
            .map_or(-1, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
        let partial = e.map_or("", Error::partial_text);
        l.partial = super::cstring(partial);
        l.partial_len = partial.len();
        l.gateway_message = text(e.and_then(Error::gateway_message));
        l.gateway_code = text(e.and_then(Error::error_code));
    });
}

pub(crate) fn clear_failure() {
    LAST.with(|l| {
        let mut l = l.borrow_mut();
        if l.code != OPENCLAW_RESULT_OK {
            *l = LastError {
                retry_after_ms: -1,
                ..Default::default()
            };
        }
    });
}

fn last_ptr(f: impl FnOnce(&LastError) -> *const c_char) -> *const c_char {
    LAST.with(|l| f(&l.borrow()))
}

/// The message of the last failed call on this thread (the gateway's own message is kept), or
/// `""` when the last call succeeded. Never NULL. Owned by the library: valid until the next
/// failing or succeeding fallible call on this thread; copy it to keep it.
///
/// Thread-safety: each thread has its own last error.
#[unsafe(no_mangle)]
pub extern "C" fn openclaw_last_error_message() -> *const c_char {
    super::guard(c"".as_ptr(), || last_ptr(|l| l.message.as_ptr()))
}

/// The result code of the last failed call on this thread (`OPENCLAW_RESULT_OK` when none).
#[unsafe(no_mangle)]
pub extern "C" fn openclaw_last_error_code() -> openclaw_result {
    super::guard(OPENCLAW_RESULT_PANIC, || LAST.with(|l| l.borrow().code))
}

/// The HTTP status behind the last failure on this thread, or 0 when there was none.
#[unsafe(no_mangle)]
pub extern "C" fn openclaw_last_error_http_status() -> u16 {
    super::guard(0, || LAST.with(|l| l.borrow().status))
}

/// The gateway's error type of the last failure (`"unauthorized"`, `"invalid_request_error"`,
/// `"tool_call_blocked"`…), or `""`. Never NULL; same lifetime as
/// `openclaw_last_error_message`.
///
/// Thread-safety: any thread.
#[unsafe(no_mangle)]
pub extern "C" fn openclaw_last_error_type() -> *const c_char {
    super::guard(c"".as_ptr(), || last_ptr(|l| l.error_type.as_ptr()))
}

/// The gateway's own message of the last failure, verbatim (an HTTP error answer or an error
/// inside a stream), or `""` when the failure was not the gateway's (transport, timeout, limit,
/// invalid input). `openclaw_last_error_message` wraps it with the cause and the fix. Never
/// NULL; same lifetime as `openclaw_last_error_message`.
///
/// Thread-safety: each thread has its own last error.
#[unsafe(no_mangle)]
pub extern "C" fn openclaw_last_error_gateway_message() -> *const c_char {
    super::guard(c"".as_ptr(), || last_ptr(|l| l.gateway_message.as_ptr()))
}

/// The gateway's machine-readable error code of the last failure (`error.code`, e.g.
/// `"model_not_found"`), or `""` when it sent none. Never NULL; same lifetime as
/// `openclaw_last_error_message`.
///
/// Thread-safety: each thread has its own last error.
#[unsafe(no_mangle)]
pub extern "C" fn openclaw_last_error_gateway_code() -> *const c_char {
    super::guard(c"".as_ptr(), || last_ptr(|l| l.gateway_code.as_ptr()))
}

/// `Retry-After` of the last failure in milliseconds, or -1 when the gateway sent none. A value
/// too large for `int64_t` milliseconds is reported as `INT64_MAX`.
///
/// Thread-safety: any thread.
#[unsafe(no_mangle)]
pub extern "C" fn openclaw_last_error_retry_after_ms() -> i64 {
    super::guard(-1, || LAST.with(|l| l.borrow().retry_after_ms))
}

/// The text that arrived on a stream before the last failure (truncation, timeout, stream
/// error, cancellation), NUL-terminated, or `""`. `len_out` (nullable) receives its length in
/// bytes. Same lifetime as `openclaw_last_error_message`.
///
/// Thread-safety: any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_last_error_partial_text(len_out: *mut usize) -> *const c_char {
    super::guard(c"".as_ptr(), || {
        LAST.with(|l| {
            let l = l.borrow();
            if !len_out.is_null() {
                // SAFETY: checked non-NULL; the caller passes a writable size_t.
                unsafe { *len_out = l.partial_len };
            }
            l.partial.as_ptr()
        })
    })
}

/// The symbolic name of a result code, e.g. `"OPENCLAW_RESULT_TIMEOUT"`; `"OPENCLAW_RESULT_UNKNOWN"`
/// for numbers that are not defined. Static; never NULL; never free it.
///
/// Thread-safety: any thread.
#[unsafe(no_mangle)]
pub extern "C" fn openclaw_result_name(code: openclaw_result) -> *const c_char {
    let s: &'static std::ffi::CStr = match code {
        OPENCLAW_RESULT_OK => c"OPENCLAW_RESULT_OK",
        OPENCLAW_RESULT_NULL_ARGUMENT => c"OPENCLAW_RESULT_NULL_ARGUMENT",
        OPENCLAW_RESULT_INVALID_UTF8 => c"OPENCLAW_RESULT_INVALID_UTF8",
        OPENCLAW_RESULT_INVALID_ARGUMENT => c"OPENCLAW_RESULT_INVALID_ARGUMENT",
        OPENCLAW_RESULT_CONNECT => c"OPENCLAW_RESULT_CONNECT",
        OPENCLAW_RESULT_TLS => c"OPENCLAW_RESULT_TLS",
        OPENCLAW_RESULT_TIMEOUT => c"OPENCLAW_RESULT_TIMEOUT",
        OPENCLAW_RESULT_IO => c"OPENCLAW_RESULT_IO",
        OPENCLAW_RESULT_CONNECTION_LOST => c"OPENCLAW_RESULT_CONNECTION_LOST",
        OPENCLAW_RESULT_UNAUTHORIZED => c"OPENCLAW_RESULT_UNAUTHORIZED",
        OPENCLAW_RESULT_FORBIDDEN => c"OPENCLAW_RESULT_FORBIDDEN",
        OPENCLAW_RESULT_RATE_LIMITED => c"OPENCLAW_RESULT_RATE_LIMITED",
        OPENCLAW_RESULT_NOT_ENABLED => c"OPENCLAW_RESULT_NOT_ENABLED",
        OPENCLAW_RESULT_NOT_FOUND => c"OPENCLAW_RESULT_NOT_FOUND",
        OPENCLAW_RESULT_API_ERROR => c"OPENCLAW_RESULT_API_ERROR",
        OPENCLAW_RESULT_STREAM_ERROR => c"OPENCLAW_RESULT_STREAM_ERROR",
        OPENCLAW_RESULT_TRUNCATED => c"OPENCLAW_RESULT_TRUNCATED",
        OPENCLAW_RESULT_PROTOCOL => c"OPENCLAW_RESULT_PROTOCOL",
        OPENCLAW_RESULT_LIMIT_EXCEEDED => c"OPENCLAW_RESULT_LIMIT_EXCEEDED",
        OPENCLAW_RESULT_CANCELLED => c"OPENCLAW_RESULT_CANCELLED",
        OPENCLAW_RESULT_END => c"OPENCLAW_RESULT_END",
        super::log::OPENCLAW_RESULT_LOG_ALREADY_SET => c"OPENCLAW_RESULT_LOG_ALREADY_SET",
        super::log::OPENCLAW_RESULT_LOGGER_IN_USE => c"OPENCLAW_RESULT_LOGGER_IN_USE",
        OPENCLAW_RESULT_WS_AUTH => c"OPENCLAW_RESULT_WS_AUTH",
        OPENCLAW_RESULT_WS_MISSING_SCOPE => c"OPENCLAW_RESULT_WS_MISSING_SCOPE",
        OPENCLAW_RESULT_WS_PROTOCOL_MISMATCH => c"OPENCLAW_RESULT_WS_PROTOCOL_MISMATCH",
        OPENCLAW_RESULT_WS_PAIRING_REQUIRED => c"OPENCLAW_RESULT_WS_PAIRING_REQUIRED",
        OPENCLAW_RESULT_WS_RPC_ERROR => c"OPENCLAW_RESULT_WS_RPC_ERROR",
        OPENCLAW_RESULT_WS_DISCONNECTED => c"OPENCLAW_RESULT_WS_DISCONNECTED",
        OPENCLAW_RESULT_PANIC => c"OPENCLAW_RESULT_PANIC",
        OPENCLAW_RESULT_INTERNAL => c"OPENCLAW_RESULT_INTERNAL",
        _ => c"OPENCLAW_RESULT_UNKNOWN",
    };
    s.as_ptr()
}
