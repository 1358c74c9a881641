//! Hostile and foreign servers on loopback: absurd `Retry-After` values through the C face,
//! oversized (gzip) error bodies, and servers that are not OpenClaw.

mod common;

use std::ffi::{CStr, CString};
use std::ptr;

use ::openclaw_client::ffi::chat::*;
use ::openclaw_client::ffi::client::*;
use ::openclaw_client::ffi::error::*;
use common::*;

fn cs(s: &str) -> CString {
    CString::new(s).unwrap()
}

fn last_message() -> String {
    unsafe { CStr::from_ptr(openclaw_last_error_message()) }
        .to_string_lossy()
        .into_owned()
}

/// A C client for `url` with retries off.
fn c_client(url: &str) -> *const openclaw_client {
    unsafe {
        let b = openclaw_client_builder_new();
        assert_eq!(
            openclaw_client_builder_set_base_url(b, cs(url).as_ptr()),
            OPENCLAW_RESULT_OK
        );
        assert_eq!(
            openclaw_client_builder_set_max_retries(b, 0),
            OPENCLAW_RESULT_OK
        );
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

#[test]
fn retry_after_ms_saturates_in_the_c_getter() {
    // (Retry-After in seconds, what the getter must report)
    let cases: [(&str, i64); 4] = [
        ("18446744073709551615", i64::MAX), // u64::MAX s: wrapped to -1000 before
        ("9223372036854776", i64::MAX),     // just over i64::MAX ms: wrapped negative before
        ("9223372036854775", 9_223_372_036_854_775_000), // the largest that fits, exact
        ("86400", 86_400_000),
    ];
    for (header, want) in cases {
        let gw = MockGateway::start(move |_| {
            Reply::json(
                429,
                r#"{"error":{"message":"Too many requests","type":"rate_limited"}}"#,
            )
            .header("Retry-After", header)
        });
        let c = c_client(&gw.url);
        let req = openclaw_chat_request_new();
        unsafe {
            assert_eq!(
                openclaw_chat_request_add_message(req, OPENCLAW_ROLE_USER, cs("x").as_ptr()),
                OPENCLAW_RESULT_OK
            );
            let mut res = ptr::null_mut();
            assert_eq!(
                openclaw_chat(c, req, &mut res),
                OPENCLAW_RESULT_RATE_LIMITED,
                "{}",
                last_message()
            );
            assert_eq!(
                openclaw_last_error_retry_after_ms(),
                want,
                "Retry-After: {header}"
            );
            openclaw_chat_request_free(req);
            openclaw_client_free(c);
        }
    }
}
