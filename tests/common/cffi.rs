//! Helpers for tests that call the C API directly: C strings, the last error, a built client.
#![allow(dead_code)]

use std::ffi::{CStr, CString};
use std::ptr;

use ::openclaw_client::ffi::client::*;
use ::openclaw_client::ffi::error::*;

/// A C string (panics on an interior NUL: test input only).
pub fn cs(s: &str) -> CString {
    CString::new(s).unwrap()
}

/// The last error message of this thread.
pub fn last_message() -> String {
    // SAFETY: the library returns a NUL-terminated string valid until the next call here.
    unsafe { CStr::from_ptr(openclaw_last_error_message()) }
        .to_string_lossy()
        .into_owned()
}

/// A C client for `url`, with `secret` (None: none) and `max_retries` (None: the default
/// policy); asserts that every step succeeds. Free it with `openclaw_client_free`.
pub fn c_client(
    url: &str,
    secret: Option<&str>,
    max_retries: Option<u32>,
) -> *const openclaw_client {
    // SAFETY: a fresh builder, consumed by build; the strings outlive the calls.
    unsafe {
        let b = openclaw_client_builder_new();
        assert_eq!(
            openclaw_client_builder_set_base_url(b, cs(url).as_ptr()),
            OPENCLAW_RESULT_OK
        );
        if let Some(s) = secret {
            assert_eq!(
                openclaw_client_builder_set_secret(b, cs(s).as_ptr()),
                OPENCLAW_RESULT_OK
            );
        }
        if let Some(n) = max_retries {
            assert_eq!(
                openclaw_client_builder_set_max_retries(b, n),
                OPENCLAW_RESULT_OK
            );
        }
        let mut c = ptr::null();
        assert_eq!(
            openclaw_client_builder_build(b, &mut c),
            OPENCLAW_RESULT_OK,
            "{}",
            last_message()
        );
        c
    }
}
