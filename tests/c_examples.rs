//! Compiles every C/C++ example with strict flags, compiles the header alone as C and C++,
//! runs each example (and the Python ctypes one) against the mock gateway and checks its output,
//! and runs the C examples under valgrind memcheck when valgrind is installed.

mod common;

use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

use common::cbuild::*;
use common::wsmock::{Mock, Side, mock};
use common::*;
use serde_json::{Value, json};

/// Runs an example with a clean discovery environment.
fn run_example(path: &Path, args: &[&str]) -> Output {
    Command::new(path)
        .args(args)
        .env_remove("OPENCLAW_GATEWAY_URL")
        .env_remove("OPENCLAW_GATEWAY_TOKEN")
        .env_remove("OPENCLAW_GATEWAY_PASSWORD")
        .env("OPENCLAW_CONFIG_PATH", "/nonexistent/openclaw.json")
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn echo_gateway() -> MockGateway {
    MockGateway::start(echo_reply)
}

/// The echo gateway behind token auth (`Bearer tok`), as a real gateway: 401 with the JSON
/// envelope on the API routes, probes open.
fn auth_gateway() -> MockGateway {
    MockGateway::start(|r| {
        let api = r.path.starts_with("/v1/") || r.path == "/tools/invoke";
        if api && r.header("authorization") != Some("Bearer tok") {
            return Reply::json(
                401,
                r#"{"error":{"message":"Unauthorized","type":"unauthorized"}}"#,
            );
        }
        echo_reply(r)
    })
}

/// A gateway with the /v1 endpoints disabled: plain-text 404 there, as the real one.
fn disabled_gateway() -> MockGateway {
    MockGateway::start(|r| {
        if r.path.starts_with("/v1/") {
            return Reply::text(404, "Not Found");
        }
        echo_reply(r)
    })
}

/// The echo gateway's answers (no auth check): probes, models, responses, embeddings, tools,
/// chat (`stall` streams "thinking..." then stays silent for 20 s).
fn echo_reply(r: &Recorded) -> Reply {
    let body = r.json();
    match r.path.as_str() {
        "/health" => Reply::json(200, r#"{"ok":true,"status":"live"}"#),
        "/startupz" => Reply::json(
            200,
            r#"{"ok":true,"status":"started","version":"2026.9.6"}"#,
        ),
        "/v1/models" => Reply::json(
            200,
            r#"{"object":"list","data":[{"id":"openclaw"},{"id":"openclaw/main"}]}"#,
        ),
        "/v1/responses" if body["stream"] == true => {
            let text = format!(
                "echo: {}",
                body["input"][0]["content"][0]["text"]
                    .as_str()
                    .unwrap_or("")
            );
            let done = serde_json::json!({"type":"response.completed","response":{"id":"resp_1","object":"response","status":"completed","output":[{"type":"message","content":[{"type":"output_text","text":text}]}],"usage":{"input_tokens":7,"output_tokens":2,"total_tokens":9}}});
            Reply::sse(&[
                    "event: response.created\ndata: {\"type\":\"response.created\",\"response\":{\"id\":\"resp_1\",\"object\":\"response\",\"output\":[]}}\n\n".to_string(),
                    format!("event: response.output_text.delta\ndata: {}\n\n", serde_json::json!({"type":"response.output_text.delta","delta":text})),
                    format!("event: response.completed\ndata: {done}\n\n"),
                    "data: [DONE]\n\n".to_string(),
                ])
        }
        "/v1/embeddings" => Reply::json(
            200,
            r#"{"object":"list","data":[{"object":"embedding","index":0,"embedding":"AADAPwAAAMA="}],"model":"openclaw/main"}"#,
        ),
        "/v1/responses" => Reply::text(404, "Not Found"),
        "/tools/invoke" => Reply::json(
            200,
            r#"{"ok":true,"result":{"content":[{"type":"text","text":"[]"}]}}"#,
        ),
        "/v1/chat/completions" => {
            let msgs = body["messages"].as_array().cloned().unwrap_or_default();
            let Some(text) = msgs
                .last()
                .and_then(|m| m["content"].as_str())
                .map(str::to_owned)
            else {
                return Reply::json(
                    400,
                    r#"{"error":{"message":"Missing user message in `messages`.","type":"invalid_request_error"}}"#,
                );
            };
            if text == "use a tool" && body["stream"] != true {
                assert_eq!(body["tools"][0]["function"]["name"], "get_weather");
                return Reply::json(
                    200,
                    r#"{"id":"c","object":"chat.completion","model":"openclaw","choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},"finish_reason":"tool_calls"}]}"#,
                );
            }
            if text == "stall" {
                return Reply::sse_timed(vec![
                    (Duration::ZERO, ROLE_CHUNK.as_bytes().to_vec()),
                    (Duration::ZERO, content_chunk("thinking...").into_bytes()),
                    (Duration::from_secs(20), DONE.as_bytes().to_vec()),
                ]);
            }
            if body["stream"] == true {
                let words: Vec<String> = format!("echo: {text}")
                    .split_inclusive(' ')
                    .map(str::to_owned)
                    .collect();
                let refs: Vec<&str> = words.iter().map(String::as_str).collect();
                Reply::sse(&gateway_stream(
                    &refs,
                    body["stream_options"]["include_usage"] == true,
                ))
            } else {
                Reply::json(200, &serde_json::json!({"id":"c","object":"chat.completion","model":"openclaw/main","choices":[{"index":0,"message":{"role":"assistant","content":format!("echo: {text}")},"finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":3,"total_tokens":15}}).to_string())
            }
        }
        _ => Reply::text(404, "Not Found"),
    }
}

/// The WebSocket mock for the C++ header's WebSocket classes and the C++ WebSocket example. The
/// connect request picks the handshake's outcome: token "tok" → hello-ok (with a device token
/// issued when a device identity was presented), device token "dt-1" → hello-ok, "unpaired" →
/// pairing required, "old" → protocol mismatch, no credential → token missing, any other token
/// → token mismatch. The hello's snapshot tells which credential was used and the device id.
fn ws_gateway() -> Mock {
    mock(|_, s| {
        let Some(req) = s.challenge() else { return };
        let p = &req["params"];
        let device = p["device"]["id"].clone();
        let token = p["auth"]["token"].as_str();
        let refusal = match (token, p["auth"]["deviceToken"].as_str()) {
            (Some("tok"), _) | (None, Some("dt-1")) => None,
            (Some("unpaired"), _) => Some(
                json!({"code":"NOT_PAIRED","message":"pairing required","details":{"code":"PAIRING_REQUIRED","recommendedNextStep":"wait_then_retry"}}),
            ),
            (Some("old"), _) => Some(
                json!({"code":"INVALID_REQUEST","message":"protocol mismatch","details":{"code":"PROTOCOL_MISMATCH","clientMinProtocol":4,"clientMaxProtocol":4,"expectedProtocol":5}}),
            ),
            (None, None) => Some(
                json!({"code":"INVALID_REQUEST","message":"unauthorized: gateway token missing","details":{"code":"AUTH_TOKEN_MISSING"}}),
            ),
            _ => Some(
                json!({"code":"INVALID_REQUEST","message":"unauthorized: gateway token mismatch","details":{"code":"AUTH_TOKEN_MISMATCH","recommendedNextStep":"update_auth_credentials"}}),
            ),
        };
        if let Some(error) = refusal {
            s.fail(&req, error);
            let _ = s.ws.close(None);
            return;
        }
        let (used, issued) = match token {
            Some(_) if device.is_string() => ("token", json!({"deviceToken": "dt-1"})),
            Some(_) => ("token", json!({})),
            None => ("device-token", json!({})),
        };
        s.hello(
            &req,
            json!({}),
            json!({"auth": used, "device": device}),
            issued,
        );
        ws_serve(s);
    })
}

/// The mock's methods after the handshake, until the client leaves: `echo` answers its params;
/// `boom` fails (code BOOM_CODE, retryAfterMs 1500); `admin.only` lacks a scope; `silent`
/// never answers; `hang.up` drops the connection; `chat.send` streams a run (status, delta
/// "echo:", a tool start, delta " MESSAGE", final "echo: MESSAGE"; message "slow": only the
/// status, "fail": delta "par" then an error); `chat.abort` aborts a named run;
/// `sessions.messages.subscribe` sends one session.message; `exec.approval.resolve` knows only
/// ap-1; anything else answers {"method", "params"}.
fn ws_serve(s: &mut Side) {
    let mut seq = 0;
    let mut event = |s: &mut Side, name: &str, payload: Value| {
        seq += 1;
        s.event(name, seq, payload);
    };
    while let Some(r) = s.recv() {
        let method = r["method"].as_str().unwrap_or("").to_owned();
        let params = r["params"].clone();
        match method.as_str() {
            "echo" => s.reply(&r, json!({"echo": params})),
            "boom" => s.fail(
                &r,
                json!({"code":"INVALID_REQUEST","message":"boom failed","details":{"code":"BOOM_CODE"},"retryAfterMs":1500}),
            ),
            "admin.only" => s.fail(
                &r,
                json!({"code":"FORBIDDEN","message":"missing scope: operator.admin","details":{"code":"MISSING_SCOPE","missingScope":"operator.admin","requiredScopes":["operator.admin"]}}),
            ),
            "silent" => {}
            "hang.up" => return,
            "chat.send" => {
                let run = params["idempotencyKey"].as_str().unwrap_or("").to_owned();
                let key = format!("agent:main:{}", params["sessionKey"].as_str().unwrap_or(""));
                let msg = params["message"].as_str().unwrap_or("").to_owned();
                let chat = |state: &str, extra: Value| {
                    let mut p = json!({"runId": run, "sessionKey": key, "state": state});
                    for (k, v) in extra.as_object().unwrap() {
                        p[k] = v.clone();
                    }
                    p
                };
                event(s, "chat", chat("status", json!({"phase": "starting_model"})));
                s.reply(&r, json!({"runId": run, "status": "started"}));
                match msg.as_str() {
                    "slow" => {}
                    "fail" => {
                        event(s, "chat", chat("delta", json!({"deltaText": "par"})));
                        event(
                            s,
                            "chat",
                            chat("error", json!({"errorMessage": "model failed"})),
                        );
                    }
                    _ => {
                        event(s, "chat", chat("delta", json!({"deltaText": "echo:"})));
                        event(
                            s,
                            "agent",
                            json!({"runId": run, "sessionKey": key, "stream": "tool", "data": {"phase": "start", "name": "exec", "toolCallId": "t1", "args": {}}}),
                        );
                        event(
                            s,
                            "chat",
                            chat("delta", json!({"deltaText": format!(" {msg}")})),
                        );
                        event(
                            s,
                            "chat",
                            chat(
                                "final",
                                json!({"stopReason": "stop", "message": {"role": "assistant", "content": [{"type": "text", "text": format!("echo: {msg}")}]}}),
                            ),
                        );
                    }
                }
            }
            "chat.abort" => {
                let run = params["runId"].clone();
                if run.is_string() {
                    event(
                        s,
                        "chat",
                        json!({"runId": run, "sessionKey": format!("agent:main:{}", params["sessionKey"].as_str().unwrap_or("")), "state": "aborted", "stopReason": "rpc"}),
                    );
                }
                let ids = if run.is_string() { json!([run]) } else { json!([]) };
                s.reply(
                    &r,
                    json!({"ok": true, "aborted": run.is_string(), "runIds": ids}),
                );
            }
            "sessions.messages.subscribe" => {
                s.reply(&r, json!({"subscribed": true}));
                event(
                    s,
                    "session.message",
                    json!({"sessionKey": params["key"], "message": {"role": "user", "content": "hello from elsewhere"}}),
                );
            }
            "exec.approval.resolve" if params != json!({"id": "ap-1", "decision": "deny"}) => s
                .fail(
                    &r,
                    json!({"code":"INVALID_REQUEST","message":"unknown approval","details":{"code":"UNKNOWN_APPROVAL"}}),
                ),
            _ => s.reply(&r, json!({"method": method, "params": params})),
        }
    }
}

#[test]
fn header_compiles_alone_as_c_and_cpp() {
    let h = format!("{ROOT}/include/openclaw_client.h");
    run_ok(Command::new("cc").args([
        "-std=c99",
        "-Wall",
        "-Wextra",
        "-Werror",
        "-pedantic",
        "-fsyntax-only",
        "-x",
        "c",
        &h,
    ]));
    run_ok(Command::new("cc").args([
        "-std=c11",
        "-Wall",
        "-Wextra",
        "-Werror",
        "-pedantic",
        "-fsyntax-only",
        "-x",
        "c",
        &h,
    ]));
    run_ok(Command::new("c++").args([
        "-std=c++17",
        "-Wall",
        "-Wextra",
        "-Werror",
        "-fsyntax-only",
        "-x",
        "c++",
        &h,
    ]));
}

#[test]
fn readme_and_makefile_state_the_verified_link_line() {
    let line = NATIVE_LIBS.join(" ");
    let readme = std::fs::read_to_string(format!("{ROOT}/README.md")).unwrap();
    let makefile = std::fs::read_to_string(format!("{ROOT}/examples-c/Makefile")).unwrap();
    assert!(
        readme.contains(&line),
        "README must show the static link line `{line}`"
    );
    assert!(
        makefile.contains(&line),
        "examples-c/Makefile must use `{line}`"
    );
    // The examples were linked with exactly this line.
    assert!(example("chat").exists());
}

#[test]
fn chat_example_prints_the_answer() {
    let gw = echo_gateway();
    let o = run_example(
        &example("chat"),
        &["-u", &gw.url, "-t", "tok", "hello gateway"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "echo: hello gateway\n");
    assert!(
        stderr(&o).contains("[finish: stop] [usage: 12 prompt + 3 completion = 15]"),
        "{}",
        stderr(&o)
    );
    assert_eq!(gw.last().header("authorization"), Some("Bearer tok"));
}

#[test]
fn stream_example_prints_deltas_finish_and_usage() {
    let gw = echo_gateway();
    let o = run_example(
        &example("stream"),
        &["-u", &gw.url, "-t", "tok", "stream me please"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "echo: stream me please\n[usage: 12 prompt + 3 completion = 15]\n[finish: stop]\n"
    );
}

#[test]
fn stream_example_without_gateway_prints_the_diagnosis_and_fails() {
    let url = dead_url();
    let o = run_example(&example("stream"), &["-u", &url, "hi"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("OPENCLAW_RESULT_CONNECT"), "{err}");
    assert!(
        err.contains(&format!("unreachable: nothing answers at {url}")),
        "{err}"
    );
    assert!(
        err.contains("gateway URL:") && err.contains("set by the application"),
        "{err}"
    );
}

#[test]
fn cpp_example_streams_through_the_pull_api() {
    let gw = echo_gateway();
    let o = run_example(
        &example("stream_cpp"),
        &["-u", &gw.url, "-t", "tok", "from c++"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "echo: from c++\n[usage: 12 prompt + 3 completion = 15]\n[finish: stop]\n"
    );
}

#[test]
fn responses_example_streams_and_embeds() {
    let gw = echo_gateway();
    let o = run_example(
        &example("responses"),
        &["-u", &gw.url, "-t", "tok", "via responses", "embed me"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "echo: via responses\n[status: completed] [usage: 7 in + 2 out = 9]\n[embedding: 2 dimensions, first 1.5000]\n"
    );
    assert_eq!(gw.last().json()["encoding_format"], "base64");
}

#[test]
fn tools_example_prints_json() {
    let gw = echo_gateway();
    let o = run_example(
        &example("tools"),
        &["-u", &gw.url, "-t", "tok", "sessions_list", "{\"limit\":2}"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        // The result's JSON text as the gateway sent it.
        "{\"content\":[{\"type\":\"text\",\"text\":\"[]\"}]}\n"
    );
    assert_eq!(gw.last().json()["args"]["limit"], 2);
}

#[test]
fn cancel_example_cancels_a_silent_stream_quickly() {
    let gw = echo_gateway();
    let o = run_example(
        &example("cancel"),
        &["-u", &gw.url, "-t", "tok", "stall", "1000"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.starts_with("thinking...\n[cancelled "), "{out}");
    let ms: f64 = out
        .split("[cancelled ")
        .nth(1)
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    // The cancel, not the mock's silence, ended the stream.
    assert!(ms < 1000.0, "cancellation took {ms} ms");
}

#[test]
fn check_example_prints_the_diagnosis() {
    let gw = echo_gateway();
    let o = run_example(&example("check"), &["-u", &gw.url, "-t", "tok"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.starts_with("ok: OpenClaw gateway 2026.9.6 at"), "{out}");
    assert!(
        out.contains("chat completions: enabled") && out.contains("responses: disabled"),
        "{out}"
    );
    assert!(!out.contains("tok\n"));
}

#[test]
fn python_ctypes_example_streams_through_the_pull_api() {
    let gw = echo_gateway();
    let so = target_dir().join("libopenclaw_client.so");
    let o = Command::new("python3")
        .arg(format!("{ROOT}/examples-c/stream_ctypes.py"))
        .args(["-u", &gw.url, "-t", "tok", "from python"])
        .env("OPENCLAW_CLIENT_LIB", &so)
        .env("OPENCLAW_CONFIG_PATH", "/nonexistent/openclaw.json")
        .output()
        .expect("python3 is needed for the ctypes example");
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "echo: from python\n[usage: 12 prompt + 3 completion = 15]\n[finish: stop]\n"
    );
}

#[test]
fn examples_are_clean_under_valgrind() {
    let gw = echo_gateway();
    let ws = ws_gateway();
    let dead = dead_url();
    let cases: Vec<(&str, Vec<&str>)> = vec![
        ("chat", vec!["-u", &gw.url, "-t", "tok", "valgrind chat"]),
        (
            "stream",
            vec!["-u", &gw.url, "-t", "tok", "valgrind stream"],
        ),
        ("stream", vec!["-u", &dead, "unreachable"]),
        ("tools", vec!["-u", &gw.url, "-t", "tok"]),
        ("cancel", vec!["-u", &gw.url, "-t", "tok", "stall", "1000"]),
        ("check", vec!["-u", &gw.url, "-t", "tok"]),
        (
            "responses",
            vec!["-u", &gw.url, "-t", "tok", "valgrind responses", "embed"],
        ),
        (
            "stream_cpp",
            vec!["-u", &gw.url, "-t", "tok", "valgrind c++"],
        ),
        (
            "ws_chat_cpp",
            vec!["-u", &ws.url, "-t", "tok", "valgrind websocket"],
        ),
    ];
    for (name, args) in cases {
        let Some(mut valgrind) = memcheck(&example(name)) else {
            return;
        };
        let o = valgrind
            .args(&args)
            .env("OPENCLAW_CONFIG_PATH", "/nonexistent/openclaw.json")
            .env_remove("OPENCLAW_GATEWAY_URL")
            .env_remove("OPENCLAW_GATEWAY_TOKEN")
            .output()
            .unwrap();
        assert_ne!(
            o.status.code(),
            Some(99),
            "valgrind found errors in {name} {args:?}:\n{}",
            stderr(&o)
        );
    }
}

#[test]
fn pkg_config_install_builds_and_links_an_example() {
    examples(); // builds the library
    let dest = out_dir().join("destdir");
    let _ = std::fs::remove_dir_all(&dest);
    let profile = target_dir()
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    run_ok(
        Command::new("bash")
            .arg(format!("{ROOT}/scripts/install.sh"))
            .arg("/opt/openclaw")
            .env("DESTDIR", &dest)
            .env("PROFILE", &profile)
            .env("CARGO_TARGET_DIR", target_dir().parent().unwrap()),
    );
    let pc_dir = dest.join("opt/openclaw/lib/pkgconfig");
    let pkg = |args: &[&str]| {
        let o = run_ok(
            Command::new("pkg-config")
                .args(args)
                .arg("openclaw-client")
                .env("PKG_CONFIG_PATH", &pc_dir)
                .env("PKG_CONFIG_SYSROOT_DIR", &dest),
        );
        String::from_utf8(o.stdout).unwrap()
    };
    assert_eq!(pkg(&["--modversion"]).trim(), env!("CARGO_PKG_VERSION"));
    let flags = pkg(&["--cflags", "--libs"]);
    assert!(flags.contains("-lopenclaw_client"), "{flags}");
    let lib = dest.join("opt/openclaw/lib");
    let gw = echo_gateway();
    let run = |bin: &std::path::Path, ld_path: bool| {
        let mut cmd = Command::new(bin);
        cmd.args(["-u", &gw.url, "-t", "tok", "shared lib"])
            .env("OPENCLAW_CONFIG_PATH", "/nonexistent/openclaw.json")
            .env_remove("LD_LIBRARY_PATH");
        if ld_path {
            cmd.env("LD_LIBRARY_PATH", &lib);
        }
        cmd.output().unwrap()
    };
    let build = |name: &str, flags: &str| {
        let bin = out_dir().join(name);
        let mut cc = Command::new("cc");
        cc.args(["-std=c11", "-Wall", "-Wextra", "-Werror", "-pedantic"])
            .arg(format!("{ROOT}/examples-c/chat.c"))
            .arg("-o")
            .arg(&bin);
        cc.args(flags.split_whitespace());
        run_ok(&mut cc);
        bin
    };

    // Dynamic: the installed .so carries the SONAME libopenclaw_client.so.0 and the program
    // records that name.
    let dynamic = build("chat_pkgconfig", &flags);
    let soname = run_ok(
        Command::new("readelf")
            .arg("-d")
            .arg(lib.join("libopenclaw_client.so")),
    );
    assert!(
        stdout(&soname).contains("Library soname: [libopenclaw_client.so.0]"),
        "{}",
        stdout(&soname)
    );
    let needed = run_ok(Command::new("readelf").arg("-d").arg(&dynamic));
    assert!(
        stdout(&needed).contains("Shared library: [libopenclaw_client.so.0]"),
        "{}",
        stdout(&needed)
    );
    let o = run(&dynamic, true);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "echo: shared lib\n");

    // Static: the -static file links the archive; the program runs with every .so removed.
    let static_flags = {
        let o = run_ok(
            Command::new("pkg-config")
                .args(["--cflags", "--libs", "openclaw-client-static"])
                .env("PKG_CONFIG_PATH", &pc_dir)
                .env("PKG_CONFIG_SYSROOT_DIR", &dest),
        );
        String::from_utf8(o.stdout).unwrap()
    };
    assert!(
        static_flags.contains("libopenclaw_client.a"),
        "{static_flags}"
    );
    assert!(
        static_flags.contains(&NATIVE_LIBS.join(" ")),
        "{static_flags}"
    );
    let stat = build("chat_pkgconfig_static", &static_flags);
    for f in std::fs::read_dir(&lib).unwrap() {
        let p = f.unwrap().path();
        if p.file_name().unwrap().to_string_lossy().contains(".so") {
            std::fs::remove_file(p).unwrap();
        }
    }
    let needed = run_ok(Command::new("readelf").arg("-d").arg(&stat));
    assert!(
        !stdout(&needed).contains("openclaw_client"),
        "{}",
        stdout(&needed)
    );
    let o = run(&stat, true);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "echo: shared lib\n");
    // And the dynamic one no longer starts: the .so really was what it used.
    assert!(!run(&dynamic, true).status.success());
}

#[test]
fn cpp_header_compiles_alone_with_pedantic_warnings_as_errors() {
    run_ok(Command::new("c++").args([
        "-std=c++17",
        "-Wall",
        "-Wextra",
        "-Werror",
        "-pedantic",
        "-fsyntax-only",
        &format!("-I{ROOT}/include"),
        "-x",
        "c++",
        &format!("{ROOT}/include/openclaw_client.hpp"),
    ]));
}

/// Builds tests/cpp/hpp_test.cpp against the static library with strict flags.
fn hpp_test_binary() -> std::path::PathBuf {
    examples(); // builds the library
    let bin = out_dir().join("hpp_test");
    compile_strict(
        &format!("{ROOT}/tests/cpp/hpp_test.cpp"),
        &bin,
        &target_dir().join("libopenclaw_client.a"),
    );
    bin
}

/// A fresh, empty directory for the device key of hpp_test's WebSocket part.
fn fresh_device_dir(tag: &str) -> String {
    let dir = out_dir().join(format!("hpp-device-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir.to_str().unwrap().to_owned()
}

#[test]
fn cpp_header_exceptions_moves_cancellation_and_streams_pass_under_valgrind() {
    let bin = hpp_test_binary();
    let gw = auth_gateway();
    let off = disabled_gateway();
    let dead = dead_url();
    let ws = ws_gateway();
    let args = vec![
        gw.url.clone(),
        off.url.clone(),
        dead,
        ws.url.clone(),
        fresh_device_dir("plain"),
    ];
    let (b, a) = (bin.clone(), args.clone());
    // A hang guard, not a timing assertion: every wait in hpp_test is bounded well below it.
    let o = within(300, move || {
        run_example(&b, &a.iter().map(String::as_str).collect::<Vec<_>>())
    });
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o).ends_with(" checks, 0 failed\n"),
        "{}",
        stdout(&o)
    );
    // The cancelled stream was really cancelled: its partial text came from the stall reply.
    assert!(
        gw.requests()
            .iter()
            .any(|r| r.path == "/v1/chat/completions"
                && r.json()["messages"][0]["content"] == "stall")
    );
    // What the WebSocket classes sent, as the mock saw it.
    let log: Vec<Value> = ws
        .log
        .lock()
        .unwrap()
        .iter()
        .map(|(_, v)| v.clone())
        .collect();
    let sent = |f: &dyn Fn(&Value) -> bool| log.iter().any(f);
    assert!(sent(&|v| v["method"] == "connect"
        && v["params"]["scopes"]
            == json!(["operator.read", "operator.write"])));
    assert!(sent(&|v| v["method"] == "connect"
        && v["params"]["auth"] == json!({"deviceToken": "dt-1"})
        && v["params"]["device"]["id"].is_string()));
    assert!(sent(&|v| v["method"] == "exec.approval.resolve"
        && v["params"] == json!({"id": "ap-1", "decision": "deny"})));
    assert!(sent(&|v| v["method"] == "chat.abort"
        && v["params"]["sessionKey"] == "s"
        && v["params"]["runId"].is_string()));
    assert!(sent(&|v| v["method"] == "sessions.subscribe"));
    assert!(!sent(
        &|v| v["method"] == "echo" && v["params"] == json!("{nope")
    ));

    let Some(mut valgrind) = memcheck(&bin) else {
        return;
    };
    let mut args = args;
    args[4] = fresh_device_dir("valgrind");
    let o = within(900, move || {
        valgrind
            .args(&args)
            .env("OPENCLAW_CONFIG_PATH", "/nonexistent/openclaw.json")
            .output()
            .unwrap()
    });
    assert_eq!(
        o.status.code(),
        Some(0),
        "hpp_test under valgrind (99 = memcheck errors):\n{}{}",
        stdout(&o),
        stderr(&o)
    );
}

#[test]
fn cpp_ws_example_streams_a_reply_over_websocket() {
    let ws = ws_gateway();
    let url = ws.url.clone();
    let o = within(120, move || {
        run_example(
            &example("ws_chat_cpp"),
            &["-u", &url, "-t", "tok", "over the websocket"],
        )
    });
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "echo: over the websocket\n");
    let send = ws
        .log
        .lock()
        .unwrap()
        .iter()
        .find(|(_, v)| v["method"] == "chat.send")
        .map(|(_, v)| v["params"].clone())
        .unwrap();
    assert_eq!(send["sessionKey"], "main");
    assert_eq!(send["message"], "over the websocket");

    // A failed run: exit 1, the error on stderr (with the text that arrived on stdout).
    let url = ws.url.clone();
    let o = within(120, move || {
        run_example(&example("ws_chat_cpp"), &["-u", &url, "-t", "tok", "fail"])
    });
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stdout(&o).starts_with("par"), "{}", stdout(&o));
    assert!(
        stderr(&o).contains("OPENCLAW_RESULT_STREAM_ERROR") && stderr(&o).contains("model failed"),
        "{}",
        stderr(&o)
    );
    // A refused handshake: exit 1, the typed error, never the secret.
    let url = ws.url.clone();
    let o = within(120, move || {
        run_example(
            &example("ws_chat_cpp"),
            &["-u", &url, "-t", "not-the-token", "hi"],
        )
    });
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("OPENCLAW_RESULT_WS_AUTH") && !stderr(&o).contains("not-the-token"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn every_example_answers_help_without_contacting_a_gateway() {
    for name in [
        "chat",
        "stream",
        "tools",
        "cancel",
        "check",
        "responses",
        "stream_cpp",
        "ws_chat_cpp",
    ] {
        for flag in ["-h", "--help"] {
            // A URL that would fail if anything were sent: help must not get that far.
            let o = Command::new(example(name))
                .args(["-u", "http://127.0.0.1:9", flag])
                .output()
                .unwrap();
            assert_eq!(o.status.code(), Some(0), "{name} {flag}: {}", stderr(&o));
            let out = stdout(&o);
            assert!(
                out.starts_with("usage: ") && out.contains("-u URL"),
                "{name}: {out}"
            );
        }
    }
}
