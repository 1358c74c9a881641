//! The header pipeline: `build.rs` writes nothing into the source tree (a read-only copy
//! builds), `scripts/header.sh --check` passes on the committed header and fails once a doc
//! comment in `src/ffi` changes without regenerating.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let dest = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &dest);
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

fn set_read_only(dir: &Path, ro: bool) {
    let status = Command::new("chmod")
        .args(["-R", if ro { "a-w" } else { "u+w" }])
        .arg(dir)
        .status()
        .unwrap();
    assert!(status.success());
}

/// Runs `scripts/header.sh --check` in `dir`, building into this test's target directory
/// (so dependencies are not built again) with no CARGO_* variables inherited from the outer
/// cargo (they would make the nested build look different and rebuild everything).
fn check(dir: &Path) -> Output {
    let exe = std::env::current_exe().unwrap();
    let target = exe.parent().unwrap().parent().unwrap().parent().unwrap();
    let mut cmd = Command::new("bash");
    cmd.arg(dir.join("scripts/header.sh")).arg("--check");
    for (k, _) in std::env::vars() {
        if k.starts_with("CARGO_") && k != "CARGO_HOME" {
            cmd.env_remove(k);
        }
    }
    cmd.env("CARGO_TARGET_DIR", target.join("header-check"))
        .current_dir(dir)
        .output()
        .unwrap()
}

#[test]
fn header_check_passes_on_a_read_only_copy_and_fails_on_drift() {
    let work = std::env::temp_dir().join(format!("openclaw-header-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    let copy: PathBuf = work.join("src-tree");
    std::fs::create_dir_all(&copy).unwrap();
    for f in [
        "Cargo.toml",
        "Cargo.lock",
        "build.rs",
        "cbindgen.toml",
        "README.md",
    ] {
        std::fs::copy(Path::new(ROOT).join(f), copy.join(f)).unwrap();
    }
    for d in ["src", "include", "scripts"] {
        copy_tree(&Path::new(ROOT).join(d), &copy.join(d));
    }
    let committed = std::fs::read(copy.join("include/openclaw_client.h")).unwrap();

    // 1. A read-only copy builds, the check passes, and nothing in the tree was written.
    set_read_only(&copy, true);
    let out = check(&copy);
    set_read_only(&copy, false);
    assert!(
        out.status.success(),
        "check on a read-only copy failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read(copy.join("include/openclaw_client.h")).unwrap(),
        committed,
        "the build wrote into the source tree"
    );

    // 2. A changed doc comment in src/ffi without regenerating: the check fails and says so.
    let chat = copy.join("src/ffi/chat.rs");
    let text = std::fs::read_to_string(&chat).unwrap();
    let needle = "/// Adds an extra header.";
    assert!(
        text.contains(needle),
        "src/ffi/chat.rs no longer has {needle:?}"
    );
    std::fs::write(
        &chat,
        text.replacen(needle, "/// Adds one extra header (doc changed).", 1),
    )
    .unwrap();
    let out = check(&copy);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "drift not detected:\n{stderr}");
    assert!(stderr.contains("out of date"), "{stderr}");
    assert!(
        stderr.contains("doc changed"),
        "the diff is shown:\n{stderr}"
    );
    std::fs::remove_dir_all(&work).unwrap();
}
