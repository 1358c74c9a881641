//! `openclaw_set_log_callback` in a Rust program that installed its own `log` logger: a clear
//! error code, and the program's logger keeps the records (own test binary: loggers are
//! process-global).

use std::ffi::{c_char, c_void};
use std::sync::atomic::{AtomicUsize, Ordering};

use openclaw_client::ffi::log::{
    OPENCLAW_LOG_INFO, OPENCLAW_RESULT_LOGGER_IN_USE, openclaw_set_log_callback,
};

static HOST_RECORDS: AtomicUsize = AtomicUsize::new(0);
static C_RECORDS: AtomicUsize = AtomicUsize::new(0);

struct Host;
impl log::Log for Host {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }
    fn log(&self, _: &log::Record<'_>) {
        HOST_RECORDS.fetch_add(1, Ordering::SeqCst);
    }
    fn flush(&self) {}
}

unsafe extern "C" fn never(_: *mut c_void, _: u32, _: *const c_char, _: *const c_char) {
    C_RECORDS.fetch_add(1, Ordering::SeqCst);
}

#[test]
fn a_host_logger_makes_the_call_fail_with_logger_in_use() {
    log::set_logger(&Host).unwrap();
    log::set_max_level(log::LevelFilter::Info);
    for _ in 0..2 {
        let rc = unsafe {
            openclaw_set_log_callback(Some(never), std::ptr::null_mut(), OPENCLAW_LOG_INFO)
        };
        assert_eq!(rc, OPENCLAW_RESULT_LOGGER_IN_USE);
    }
    log::info!("still the host's");
    assert_eq!(HOST_RECORDS.load(Ordering::SeqCst), 1);
    assert_eq!(C_RECORDS.load(Ordering::SeqCst), 0);
}
