//! tests/c/speech_log.c: the C log callback (redacted debug record of a failing call) and the
//! C sentence chunker fed from a mock gateway's stream, plain and under valgrind memcheck.

mod common;

use std::process::Command;

use common::cbuild::*;
use common::*;

#[test]
fn speech_and_log_program_passes_under_valgrind() {
    examples(); // builds the library
    let bin = out_dir().join("speech_log");
    run_ok(
        Command::new("cc")
            .args(["-std=c11", "-Wall", "-Wextra", "-Werror", "-pedantic", "-g"])
            .arg(format!("-I{ROOT}/include"))
            .arg(format!("{ROOT}/tests/c/speech_log.c"))
            .arg("-o")
            .arg(&bin)
            .arg(target_dir().join("libopenclaw_client.a"))
            .args(NATIVE_LIBS),
    );
    let gw = MockGateway::start(|_| {
        Reply::sse(&gateway_stream(
            &[
                "Hello the",
                "re, Dr. Smi",
                "th. It is 3.",
                "14 today! B",
                "ye",
            ],
            false,
        ))
    });
    let dead = dead_url();
    let plain = run_ok(Command::new(&bin).arg(&gw.url).arg(&dead));
    assert_eq!(
        String::from_utf8_lossy(&plain.stdout),
        "speech_log: all checks passed\n"
    );
    let Some(mut valgrind) = memcheck(&bin) else {
        return;
    };
    let o = valgrind.arg(&gw.url).arg(&dead).output().unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}
