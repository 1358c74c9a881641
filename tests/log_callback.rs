//! `openclaw_set_log_callback` called from Rust through its extern function (the logger is
//! process-global, hence a test binary of its own with one test).

mod common;

use std::ffi::{CStr, c_char, c_void};
use std::sync::Mutex;

use openclaw_client::ffi::error::OPENCLAW_RESULT_OK;
use openclaw_client::ffi::log::{
    OPENCLAW_LOG_DEBUG, OPENCLAW_LOG_TRACE, OPENCLAW_RESULT_LOG_ALREADY_SET,
    openclaw_set_log_callback,
};
use openclaw_client::{ChatRequest, Client, ErrorKind};

static RECORDS: Mutex<Vec<(u32, String, String)>> = Mutex::new(Vec::new());
static OTHER: Mutex<usize> = Mutex::new(0);

unsafe extern "C" fn collect(
    _: *mut c_void,
    level: u32,
    target: *const c_char,
    msg: *const c_char,
) {
    // SAFETY: the library passes NUL-terminated strings valid for the call.
    let (t, m) = unsafe { (CStr::from_ptr(target), CStr::from_ptr(msg)) };
    RECORDS.lock().unwrap().push((
        level,
        t.to_string_lossy().into_owned(),
        m.to_string_lossy().into_owned(),
    ));
}

unsafe extern "C" fn other(_: *mut c_void, _: u32, _: *const c_char, _: *const c_char) {
    *OTHER.lock().unwrap() += 1;
}

#[test]
fn records_of_a_failing_call_reach_the_callback_redacted_and_it_is_set_once() {
    let rc = unsafe {
        openclaw_set_log_callback(Some(collect), std::ptr::null_mut(), OPENCLAW_LOG_DEBUG)
    };
    assert_eq!(rc, OPENCLAW_RESULT_OK);
    let rc =
        unsafe { openclaw_set_log_callback(Some(other), std::ptr::null_mut(), OPENCLAW_LOG_TRACE) };
    assert_eq!(rc, OPENCLAW_RESULT_LOG_ALREADY_SET);
    assert_eq!(
        log::max_level(),
        log::LevelFilter::Debug,
        "the second call changed nothing"
    );

    let client = Client::builder()
        .base_url(common::dead_url())
        .token("hunter2-secret")
        .build()
        .unwrap();
    let e = client.chat(&ChatRequest::user_message("hi")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Connect);

    let records = RECORDS.lock().unwrap().clone();
    assert!(
        records
            .iter()
            .any(|(level, target, msg)| *level == OPENCLAW_LOG_DEBUG
                && target.starts_with("openclaw_client")
                && msg.contains("failed")),
        "{records:?}"
    );
    assert!(
        records.iter().all(|(_, _, m)| !m.contains("hunter2")),
        "{records:?}"
    );
    log::trace!("below the level");
    assert!(
        !RECORDS
            .lock()
            .unwrap()
            .iter()
            .any(|r| r.2 == "below the level")
    );
    assert_eq!(*OTHER.lock().unwrap(), 0);
}
