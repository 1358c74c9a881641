//! The connection check.

use std::ffi::{CString, c_char};

use super::client::openclaw_client;
use super::error::openclaw_result;
use super::handle::{Handle, handles, read};
use super::{cstring, out_arg, run};

/// Diagnosis: reachable, authorized, chat completions enabled.
pub const OPENCLAW_DIAGNOSIS_OK: u32 = 0;
/// Diagnosis: nothing answers at the address.
pub const OPENCLAW_DIAGNOSIS_UNREACHABLE: u32 = 1;
/// Diagnosis: TLS failed (often a self-signed certificate).
pub const OPENCLAW_DIAGNOSIS_TLS: u32 = 2;
/// Diagnosis: no answer in time.
pub const OPENCLAW_DIAGNOSIS_TIMEOUT: u32 = 3;
/// Diagnosis: something answers, but nothing identifies it as an OpenClaw gateway; it got GET
/// requests only (never a POST, which a model provider would bill).
pub const OPENCLAW_DIAGNOSIS_NOT_OPENCLAW: u32 = 4;
/// Diagnosis: chat completions is disabled (the summary names the config key).
pub const OPENCLAW_DIAGNOSIS_ENDPOINT_DISABLED: u32 = 5;
/// Diagnosis: missing or wrong token/password.
pub const OPENCLAW_DIAGNOSIS_UNAUTHORIZED: u32 = 6;
/// Diagnosis: locked out after failed attempts.
pub const OPENCLAW_DIAGNOSIS_RATE_LIMITED: u32 = 7;
/// Diagnosis: the gateway refused the caller.
pub const OPENCLAW_DIAGNOSIS_FORBIDDEN: u32 = 8;
/// Diagnosis: another error.
pub const OPENCLAW_DIAGNOSIS_ERROR: u32 = 9;

/// The outcome of `openclaw_check_connection` (opaque, owned by the caller, read-only).
pub struct openclaw_diagnosis {
    code: u32,
    summary: CString,
    text: CString,
    version: Option<CString>,
    chat: i32,
    responses: i32,
}

handles! {
    Boxed: openclaw_diagnosis;
}

/// Checks the connection without ever starting an agent run, and without sending anything
/// but GET requests to a server that does not answer like an OpenClaw gateway (then
/// `OPENCLAW_DIAGNOSIS_NOT_OPENCLAW`), and writes the diagnosis to
/// `*out` (free with `openclaw_diagnosis_free`). Returns `OPENCLAW_RESULT_OK` whenever a
/// diagnosis was made, also when the gateway is unreachable: read its code. Thread-safety: any
/// thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_check_connection(
    client: *const openclaw_client,
    out: *mut *mut openclaw_diagnosis,
) -> openclaw_result {
    run(|| {
        // SAFETY: a live client or NULL.
        let c = unsafe { openclaw_client::arg(client, "client") }?;
        out_arg(out, "out")?;
        let d = c.client.check_connection();
        let tri = |x: Option<bool>| match x {
            Some(true) => 1,
            Some(false) => 0,
            None => -1,
        };
        let text = d.to_string();
        let diag = openclaw_diagnosis {
            code: d.code as u32,
            summary: cstring(&d.summary),
            text: cstring(&text),
            version: d.version.as_deref().map(cstring),
            chat: tri(d.chat_completions),
            responses: tri(d.responses),
        };
        openclaw_diagnosis::give(out, diag)
    })
}

/// The diagnosis code (`OPENCLAW_DIAGNOSIS_*`); `OPENCLAW_DIAGNOSIS_ERROR` for NULL.
///
/// Thread-safety: read-only, any thread, as long as no thread frees it meanwhile.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_diagnosis_code(d: *const openclaw_diagnosis) -> u32 {
    // SAFETY: a live diagnosis or NULL.
    unsafe { read(d, OPENCLAW_DIAGNOSIS_ERROR, |d| d.code) }
}

/// One line saying what is wrong (or right) and what to do. Owned by the diagnosis; NULL for NULL.
///
/// Thread-safety: read-only, any thread, as long as no thread frees it meanwhile.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_diagnosis_summary(d: *const openclaw_diagnosis) -> *const c_char {
    // SAFETY: a live diagnosis or NULL.
    unsafe { read(d, std::ptr::null(), |d| d.summary.as_ptr()) }
}

/// The full multi-line report (summary, URL, version, endpoints, agents, and where discovery
/// found each setting — never the secret). Owned by the diagnosis; NULL for NULL.
///
/// Thread-safety: read-only, any thread, as long as no thread frees it meanwhile.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_diagnosis_text(d: *const openclaw_diagnosis) -> *const c_char {
    // SAFETY: a live diagnosis or NULL.
    unsafe { read(d, std::ptr::null(), |d| d.text.as_ptr()) }
}

/// The gateway version, or NULL when unknown. Owned by the diagnosis.
///
/// Thread-safety: read-only, any thread, as long as no thread frees it meanwhile.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_diagnosis_version(d: *const openclaw_diagnosis) -> *const c_char {
    // SAFETY: a live diagnosis or NULL.
    unsafe {
        read(d, std::ptr::null(), |d| {
            d.version.as_ref().map_or(std::ptr::null(), |v| v.as_ptr())
        })
    }
}

/// Whether chat completions is enabled: 1 yes, 0 no, -1 unknown (also for NULL).
///
/// Thread-safety: read-only, any thread, as long as no thread frees it meanwhile.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_diagnosis_chat_enabled(d: *const openclaw_diagnosis) -> i32 {
    // SAFETY: a live diagnosis or NULL.
    unsafe { read(d, -1, |d| d.chat) }
}

/// Whether `/v1/responses` is enabled: 1 yes, 0 no, -1 unknown (also for NULL).
///
/// Thread-safety: read-only, any thread, as long as no thread frees it meanwhile.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_diagnosis_responses_enabled(d: *const openclaw_diagnosis) -> i32 {
    // SAFETY: a live diagnosis or NULL.
    unsafe { read(d, -1, |d| d.responses) }
}

/// Frees a diagnosis. NULL is accepted.
///
/// Thread-safety: free it once, from one thread, after every use of it (on any thread) has returned.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_diagnosis_free(d: *mut openclaw_diagnosis) {
    // SAFETY: a handle from this library or NULL, freed once.
    unsafe { openclaw_diagnosis::free(d) }
}

#[cfg(test)]
mod tests {
    use crate::client::DiagnosisCode as D;

    #[test]
    fn c_constants_match_the_rust_codes() {
        let pairs = [
            (super::OPENCLAW_DIAGNOSIS_OK, D::Ok),
            (super::OPENCLAW_DIAGNOSIS_UNREACHABLE, D::Unreachable),
            (super::OPENCLAW_DIAGNOSIS_TLS, D::Tls),
            (super::OPENCLAW_DIAGNOSIS_TIMEOUT, D::Timeout),
            (super::OPENCLAW_DIAGNOSIS_NOT_OPENCLAW, D::NotOpenClaw),
            (
                super::OPENCLAW_DIAGNOSIS_ENDPOINT_DISABLED,
                D::EndpointDisabled,
            ),
            (super::OPENCLAW_DIAGNOSIS_UNAUTHORIZED, D::Unauthorized),
            (super::OPENCLAW_DIAGNOSIS_RATE_LIMITED, D::RateLimited),
            (super::OPENCLAW_DIAGNOSIS_FORBIDDEN, D::Forbidden),
            (super::OPENCLAW_DIAGNOSIS_ERROR, D::Error),
        ];
        for (c, r) in pairs {
            assert_eq!(c, r as u32);
        }
    }
}
