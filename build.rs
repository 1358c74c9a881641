//! Generates the C header with cbindgen into OUT_DIR only: a build never writes into the
//! source tree (a vendored or read-only copy builds as well). `scripts/header.sh` copies the
//! generated header to the committed `include/openclaw_client.h`; `scripts/header.sh --check`
//! fails when the committed header differs from what the sources generate.

use std::path::PathBuf;

const PREAMBLE: &str = r#"/*
 * openclaw_client.h — C API of openclaw-client, a blocking client for the OpenClaw gateway.
 *
 * OWNERSHIP
 *   - A _new / _build / _open function returns an owned pointer; free it exactly once with the
 *     matching _free. Every _free accepts NULL.
 *   - openclaw_client_builder_build consumes the builder in every case.
 *   - The library copies every input (strings, PEM, JSON) before returning and never keeps a
 *     caller pointer, except `userdata`, borrowed until openclaw_chat_stream returns.
 *   - Events passed to callbacks or returned by openclaw_stream_next are borrowed: valid during
 *     the callback / until the next openclaw_stream_next or openclaw_stream_free.
 *   - Strings returned through `char **` out-parameters are freed with openclaw_string_free;
 *     `const char *` getters return strings owned by their handle.
 *   - Out-parameters are written only on success.
 *
 * THREADS
 *   - openclaw_client is immutable after build: one `const openclaw_client *` may be used by
 *     any number of threads at once (one shared connection pool).
 *   - Builders, requests, tool calls and pull streams: one thread at a time.
 *   - openclaw_cancel_token_cancel may be called from any thread at any time.
 *   - Callbacks run synchronously on the thread that called openclaw_chat_stream.
 *   - The last error (openclaw_last_error_*) is per thread.
 *   - Threads the library starts: none for HTTP calls to a gateway named by an IP address or
 *     localhost; for another host name, the system resolver runs on one short-lived helper
 *     thread per new connection (so that the connect timeout and a cancel hold during DNS);
 *     one thread per WebSocket connection (openclaw_ws_connect), until it is freed.
 *
 * ERRORS
 *   Functions return openclaw_result (0 = OPENCLAW_RESULT_OK). On failure,
 *   openclaw_last_error_message() gives the cause and the fix (the gateway's own message is
 *   kept), openclaw_last_error_http_status(), _type(), _retry_after_ms() and
 *   _partial_text() give details. No message ever contains the token or password.
 *   A Rust panic never crosses into C: it becomes OPENCLAW_RESULT_PANIC.
 *   Callbacks must not unwind (no C++ exceptions, no longjmp).
 */"#;

fn main() {
    let dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    // The shared library's SONAME carries the major version (scripts/install.sh makes the links).
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        let major = std::env::var("CARGO_PKG_VERSION_MAJOR").unwrap_or_else(|_| "0".into());
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libopenclaw_client.so.{major}");
    }
    println!("cargo:rerun-if-changed=src/ffi");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-changed=build.rs");
    let version = std::env::var("CARGO_PKG_VERSION").unwrap();
    let mut parts = version.split(['.', '-']);
    let mut next = || {
        parts
            .next()
            .and_then(|p| p.parse::<u32>().ok())
            .unwrap_or(0)
    };
    let (major, minor, patch) = (next(), next(), next());
    let after = format!(
        "\n/** Library version as a string (same as openclaw_version()). */\n#define OPENCLAW_VERSION \"{version}\"\n\
         /** Major version. */\n#define OPENCLAW_VERSION_MAJOR {major}\n\
         /** Minor version. */\n#define OPENCLAW_VERSION_MINOR {minor}\n\
         /** Patch version. */\n#define OPENCLAW_VERSION_PATCH {patch}\n"
    );
    let config = match cbindgen::Config::from_file(dir.join("cbindgen.toml")) {
        Ok(c) => c,
        Err(e) => {
            println!("cargo:warning=cbindgen.toml: {e}; no header generated");
            return;
        }
    };
    let generated = cbindgen::Builder::new()
        .with_crate(&dir)
        .with_config(config)
        .with_header(PREAMBLE)
        .with_after_include(after)
        .generate();
    match generated {
        Ok(bindings) => {
            let out = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("openclaw_client.h");
            bindings.write_to_file(&out);
        }
        Err(e) => println!("cargo:warning=cbindgen failed ({e}); no header generated"),
    }
}
