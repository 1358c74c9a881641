//! Builds the C/C++ examples once per test binary, against the staticlib cargo built.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

pub const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The link line documented in the README and used by examples-c/Makefile.
pub const NATIVE_LIBS: &[&str] = &[
    "-lgcc_s",
    "-lutil",
    "-lrt",
    "-lpthread",
    "-lm",
    "-ldl",
    "-lc",
];

pub fn target_dir() -> PathBuf {
    // tests run from target/<profile>/deps/<test>
    let exe = std::env::current_exe().unwrap();
    exe.parent().unwrap().parent().unwrap().to_path_buf()
}

pub fn out_dir() -> PathBuf {
    let d = target_dir().join("c-examples");
    std::fs::create_dir_all(&d).unwrap();
    d
}

pub fn run_ok(cmd: &mut Command) -> Output {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// A `cargo` command that does not inherit the outer cargo's CARGO_* variables (with
/// CARGO_MANIFEST_DIR and friends set, the nested build fingerprints differently and rebuilds
/// ring, rustls and ureq from scratch).
pub fn cargo() -> Command {
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    for (k, _) in std::env::vars() {
        if k.starts_with("CARGO_") && k != "CARGO_HOME" {
            cmd.env_remove(k);
        }
    }
    cmd
}

/// Builds all examples once per test process.
pub fn examples() -> &'static PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(|| {
        // `cargo test` builds only the rlib: build (or refresh) the static and shared
        // libraries of this very source tree, in the same profile and target directory.
        let mut build = cargo();
        build
            .args(["build", "--lib", "--quiet", "--manifest-path"])
            .arg(format!("{ROOT}/Cargo.toml"));
        if target_dir().file_name().is_some_and(|p| p == "release") {
            build.arg("--release");
        }
        build.env("CARGO_TARGET_DIR", target_dir().parent().unwrap());
        run_ok(&mut build);
        let lib = target_dir().join("libopenclaw_client.a");
        assert!(
            lib.exists(),
            "{} missing after cargo build --lib",
            lib.display()
        );
        let out = out_dir();
        for name in [
            "chat",
            "stream",
            "tools",
            "cancel",
            "check",
            "responses",
            "ws_chat",
            "ws_abort",
            "approvals",
        ] {
            compile_strict(
                &format!("{ROOT}/examples-c/{name}.c"),
                &out.join(name),
                &lib,
            );
        }
        for (source, name) in [("stream.cpp", "stream_cpp"), ("ws_chat.cpp", "ws_chat_cpp")] {
            compile_strict(
                &format!("{ROOT}/examples-c/{source}"),
                &out.join(name),
                &lib,
            );
        }
        out
    })
}

/// Compiles one C (`.c`, C11) or C++ (`.cpp`, C++17) source against `lib` with every warning
/// an error, as the Makefile does, into `bin`.
pub fn compile_strict(source: &str, bin: &Path, lib: &Path) {
    let (compiler, std) = if source.ends_with(".cpp") {
        ("c++", "-std=c++17")
    } else {
        ("cc", "-std=c11")
    };
    run_ok(
        Command::new(compiler)
            .args([
                std,
                "-Wall",
                "-Wextra",
                "-Werror",
                "-pedantic",
                "-g",
                "-pthread",
            ])
            .arg(format!("-I{ROOT}/include"))
            .arg(source)
            .arg("-o")
            .arg(bin)
            .arg(lib)
            .args(NATIVE_LIBS),
    );
}

pub fn example(name: &str) -> PathBuf {
    examples().join(name)
}

/// A command that runs `program` under valgrind memcheck (exit 99 on a memory error or a
/// definite/indirect leak), or `None` when valgrind is not installed on this machine — which
/// fails in CI, where `.ci/run` installs it.
pub fn memcheck(program: &std::path::Path) -> Option<Command> {
    if Command::new("valgrind").arg("--version").output().is_err() {
        assert!(
            std::env::var_os("CI").is_none(),
            "valgrind must be installed in CI"
        );
        eprintln!(
            "valgrind not installed: memcheck of {} skipped on this machine",
            program.display()
        );
        return None;
    }
    let mut cmd = Command::new("valgrind");
    cmd.args([
        "--error-exitcode=99",
        "--leak-check=full",
        "--errors-for-leak-kinds=definite,indirect",
        "--quiet",
    ])
    .arg(program);
    Some(cmd)
}
