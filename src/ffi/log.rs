//! The library's log records, delivered to a C callback.
//!
//! The library logs through the `log` crate (connect failures and call outcomes at debug, TLS
//! verification disabled at warn, WebSocket reconnects at info…). A C program has no `log`
//! backend: `openclaw_set_log_callback` installs one that forwards each record.

use std::cell::Cell;
use std::ffi::{c_char, c_void};
use std::sync::atomic::{AtomicBool, Ordering};

use super::error::{Failure, openclaw_result};

/// Log level: errors.
pub const OPENCLAW_LOG_ERROR: u32 = 1;
/// Log level: warnings.
pub const OPENCLAW_LOG_WARN: u32 = 2;
/// Log level: information.
pub const OPENCLAW_LOG_INFO: u32 = 3;
/// Log level: debugging (one record per HTTP call, connect failures…).
pub const OPENCLAW_LOG_DEBUG: u32 = 4;
/// Log level: tracing.
pub const OPENCLAW_LOG_TRACE: u32 = 5;

/// `openclaw_set_log_callback` was already called successfully in this process: the callback
/// can be set once.
pub const OPENCLAW_RESULT_LOG_ALREADY_SET: openclaw_result = 62;
/// The program already installed another logger of the Rust `log` crate (the library is
/// linked into a Rust program that set its own): records go there, not to C.
pub const OPENCLAW_RESULT_LOGGER_IN_USE: openclaw_result = 63;

/// Receives one log record: `level` is `OPENCLAW_LOG_*`, `target` the module that logged
/// (e.g. `openclaw_client::client::transport`), `message` the text with secrets redacted;
/// both NUL-terminated and **borrowed** for the duration of the call.
///
/// Called on whichever thread logged (any thread, possibly several at once): it must be
/// thread-safe. It may call into the library; records logged on the same thread while it runs
/// are dropped (no recursion), and no library lock is held while it runs.
pub type openclaw_log_callback = Option<
    unsafe extern "C" fn(
        userdata: *mut c_void,
        level: u32,
        target: *const c_char,
        message: *const c_char,
    ),
>;

struct CLogger {
    callback: unsafe extern "C" fn(*mut c_void, u32, *const c_char, *const c_char),
    /// The caller's pointer, passed back untouched (the caller vouches for its thread-safety).
    userdata: usize,
    max: log::LevelFilter,
}

static CLAIMED: AtomicBool = AtomicBool::new(false);

thread_local! {
    static IN_CALLBACK: Cell<bool> = const { Cell::new(false) };
}

/// Hides what [`crate::redact::url`] hides in every URL-looking word of a message. The library
/// already redacts what it logs; this is a second guard for records of other crates.
fn redact_message(msg: &str) -> String {
    msg.split(' ')
        .map(|w| {
            if w.contains("://") || w.contains('@') && w.contains(':') {
                crate::redact::url(w)
            } else {
                w.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

impl log::Log for CLogger {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        metadata.level() <= self.max
    }

    fn log(&self, record: &log::Record<'_>) {
        if !self.enabled(record.metadata()) || IN_CALLBACK.with(Cell::get) {
            return;
        }
        let _ = std::panic::catch_unwind(|| {
            let message = super::cstring(&redact_message(&record.args().to_string()));
            let target = super::cstring(record.target());
            IN_CALLBACK.with(|f| f.set(true));
            // SAFETY: the caller's callback with its userdata; both strings live for the call.
            unsafe {
                (self.callback)(
                    self.userdata as *mut c_void,
                    record.level() as u32,
                    target.as_ptr(),
                    message.as_ptr(),
                )
            };
            IN_CALLBACK.with(|f| f.set(false));
        });
    }

    fn flush(&self) {}
}

/// Sends the library's log records at `max_level` and more severe (`OPENCLAW_LOG_ERROR` …
/// `OPENCLAW_LOG_TRACE`) to `callback(userdata, level, target, message)` for the rest of the
/// process. See `openclaw_log_callback` for what the callback receives and must allow.
///
/// Settable **once per process**: a second call returns `OPENCLAW_RESULT_LOG_ALREADY_SET` and
/// changes nothing (the first callback, userdata and level stay). When the program already
/// installed a logger of the Rust `log` crate, returns `OPENCLAW_RESULT_LOGGER_IN_USE` and
/// changes nothing. Other errors: `OPENCLAW_RESULT_NULL_ARGUMENT` (callback),
/// `OPENCLAW_RESULT_INVALID_ARGUMENT` (level not 1–5).
///
/// Ownership: `userdata` must stay valid for the rest of the process. Thread-safety: any
/// thread; concurrent calls are safe (one wins).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_set_log_callback(
    callback: openclaw_log_callback,
    userdata: *mut c_void,
    max_level: u32,
) -> openclaw_result {
    super::run(|| {
        let Some(callback) = callback else {
            return Err(Failure::null("callback"));
        };
        let max = match max_level {
            OPENCLAW_LOG_ERROR => log::LevelFilter::Error,
            OPENCLAW_LOG_WARN => log::LevelFilter::Warn,
            OPENCLAW_LOG_INFO => log::LevelFilter::Info,
            OPENCLAW_LOG_DEBUG => log::LevelFilter::Debug,
            OPENCLAW_LOG_TRACE => log::LevelFilter::Trace,
            l => {
                return Err(Failure::invalid(format!(
                    "log level {l} is not one of OPENCLAW_LOG_ERROR (1) to OPENCLAW_LOG_TRACE (5)"
                )));
            }
        };
        if CLAIMED.swap(true, Ordering::SeqCst) {
            return Err(Failure::new(
                OPENCLAW_RESULT_LOG_ALREADY_SET,
                "the log callback is already set; it can be set once per process".into(),
            ));
        }
        let logger = Box::new(CLogger {
            callback,
            userdata: userdata as usize,
            max,
        });
        let logger: &'static CLogger = Box::leak(logger);
        if log::set_logger(logger).is_err() {
            // SAFETY: `logger` came from Box::leak above and was not installed.
            drop(unsafe { Box::from_raw(logger as *const CLogger as *mut CLogger) });
            CLAIMED.store(false, Ordering::SeqCst);
            return Err(Failure::new(
                OPENCLAW_RESULT_LOGGER_IN_USE,
                "another logger of the Rust `log` crate is installed in this program; its \
                 records go there"
                    .into(),
            ));
        }
        log::set_max_level(max);
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn urls_in_messages_lose_their_secrets() {
        let m = super::redact_message(
            "GET http://user:pw@gw:1/x?token=abc failed; ws://h/?k=v too, plain words stay",
        );
        assert!(!m.contains("pw") && !m.contains("abc"), "{m}");
        assert!(m.contains("http://***@gw:1/x?token=***"), "{m}");
        assert!(m.contains("ws://h/?k=***"), "{m}");
        assert!(m.ends_with("too, plain words stay"), "{m}");
    }
}
