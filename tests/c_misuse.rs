//! The C misuse program (tests/c/misuse.c) under valgrind memcheck and in an
//! `-fsanitize=address,undefined` build.

mod common;

use std::process::Command;

use common::cbuild::*;
use common::*;

fn mock() -> MockGateway {
    MockGateway::start(|r| {
        let b = r.json();
        let text = b["messages"]
            .as_array()
            .and_then(|m| m.last())
            .and_then(|m| m["content"].as_str())
            .unwrap_or("")
            .to_owned();
        if r.path != "/v1/chat/completions" {
            return match r.path.as_str() {
                "/health" => Reply::json(200, r#"{"ok":true,"status":"live"}"#),
                "/v1/models" => Reply::json(200, r#"{"object":"list","data":[{"id":"openclaw"}]}"#),
                _ => Reply::json(
                    400,
                    r#"{"error":{"message":"bad","type":"invalid_request_error"}}"#,
                ),
            };
        }
        if b["stream"] == true {
            Reply::sse(&gateway_stream(&["echo: ", &text], false))
        } else {
            Reply::json(200, &serde_json::json!({"choices":[{"message":{"role":"assistant","content":format!("echo: {text}")},"finish_reason":"stop"}]}).to_string())
        }
    })
}

fn compile(name: &str, extra: &[&str]) -> std::path::PathBuf {
    examples(); // builds the library
    let out = out_dir().join(name);
    run_ok(
        Command::new("cc")
            .args(["-std=c11", "-Wall", "-Wextra", "-Werror", "-pedantic", "-g"])
            .args(extra)
            .arg(format!("-I{ROOT}/include"))
            .arg(format!("{ROOT}/tests/c/misuse.c"))
            .arg("-o")
            .arg(&out)
            .arg(target_dir().join("libopenclaw_client.a"))
            .args(NATIVE_LIBS),
    );
    out
}

#[test]
fn misuse_program_passes_under_valgrind() {
    let bin = compile("misuse", &[]);
    let gw = mock();
    let plain = run_ok(Command::new(&bin).arg(&gw.url));
    assert_eq!(
        String::from_utf8_lossy(&plain.stdout),
        "misuse: all checks passed\n"
    );
    let Some(mut valgrind) = memcheck(&bin) else {
        return;
    };
    let o = valgrind.arg(&gw.url).output().unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn misuse_program_passes_with_address_and_undefined_sanitizers() {
    let bin = compile(
        "misuse_asan",
        &[
            "-fsanitize=address,undefined",
            "-fno-omit-frame-pointer",
            "-fno-sanitize-recover=undefined",
        ],
    );
    let gw = mock();
    let o = Command::new(&bin)
        .arg(&gw.url)
        .env(
            "ASAN_OPTIONS",
            "detect_leaks=1:abort_on_error=0:exitcode=98",
        )
        .env("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1")
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "misuse: all checks passed\n"
    );
}
