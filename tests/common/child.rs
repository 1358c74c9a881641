//! Runs one test of the current test binary again in a child process with its own
//! environment, so that a test about environment variables never changes the environment of
//! the test process (where other tests run in parallel).

use std::process::Command;

/// Marks the child: its value is the name of the test the child runs.
const MARK: &str = "OPENCLAW_TEST_CHILD";

/// Whether this process is the child started by [`rerun`] for test `name`.
pub fn is_child(name: &str) -> bool {
    std::env::var(MARK).is_ok_and(|v| v == name)
}

/// Runs test `name` of this binary in a child with the variables in `remove` removed, then
/// those in `set` set, and returns the child's stdout. Panics (showing the child's output) unless
/// the child ran exactly that one test and it passed.
pub fn rerun(name: &str, set: &[(&str, &str)], remove: &[&str]) -> String {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args([name, "--exact", "--nocapture", "--test-threads=1"])
        .env(MARK, name);
    for k in remove {
        cmd.env_remove(k);
    }
    for (k, v) in set {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stdout.contains("test result: ok. 1 passed"),
        "child run of {name} failed ({}):\n{stdout}\n{stderr}",
        out.status
    );
    stdout
}
