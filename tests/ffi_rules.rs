//! Rules of the C boundary checked on the sources and the committed header, so that they hold
//! structurally rather than by review:
//! - every `extern "C"` function body starts with a guard entry point (panic guard, and the
//!   typed NULL check where it takes a handle);
//! - every macro, constant, type and function in `include/openclaw_client.h` carries the
//!   `OPENCLAW_` / `openclaw_` prefix;
//! - the header's numeric defaults equal the Rust constants they mirror.

use std::fs;
use std::path::Path;

/// Calls that open a guarded body (see `src/ffi/handle.rs` and `src/ffi/request.rs`).
const ENTRY_POINTS: &[&str] = &[
    "run(",
    "guard(",
    "new_handle(",
    "with_mut(",
    "with_ref(",
    "with_req(",
    "read(",
    "request::",
    "::free(",
    // The older helper of modules not yet moved to `Handle` (it guards too).
    "free_box(",
];

/// Functions whose body cannot panic (a constant), allowed without a guard.
const NO_GUARD_NEEDED: &[&str] = &["openclaw_version", "openclaw_result_name"];

/// `(name, first code line of the body)` for every `extern "C" fn` in `text`.
fn extern_bodies(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("extern \"C\" fn ") {
        let after = &rest[i + "extern \"C\" fn ".len()..];
        let name: String = after
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        // The body starts at the first line ending in `{` after the parameter list.
        let sig_end = after.find(')').expect("a parameter list");
        let open = sig_end + after[sig_end..].find("{\n").expect("a body");
        let body = &after[open + 2..];
        let first = body
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty() && !l.starts_with("//"))
            .unwrap_or("")
            .to_owned();
        // `unsafe {` on its own line: the entry point is on the next code line.
        let first = if first == "unsafe {" {
            body.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with("//"))
                .nth(1)
                .unwrap_or("")
                .to_owned()
        } else {
            first
        };
        out.push((name, first));
        rest = &after[open..];
    }
    out
}

#[test]
fn every_extern_body_starts_with_a_guard_entry_point() {
    let mut checked = 0;
    let mut bad = Vec::new();
    for entry in fs::read_dir("src/ffi").unwrap() {
        let path = entry.unwrap().path();
        let text = fs::read_to_string(&path).unwrap();
        for (name, first) in extern_bodies(&text) {
            checked += 1;
            let line = first.trim_start_matches("unsafe { ");
            let guarded = ENTRY_POINTS.iter().any(|e| {
                line.starts_with(e)
                    || line.starts_with(&format!("super::{e}"))
                    || (e.starts_with("::") && line.contains(e))
            });
            if !guarded && !NO_GUARD_NEEDED.contains(&name.as_str()) {
                bad.push(format!("{}: {name}: `{first}`", path.display()));
            }
        }
    }
    assert!(
        checked > 150,
        "only {checked} extern functions found: the scanner is broken"
    );
    assert!(
        bad.is_empty(),
        "extern \"C\" bodies that do not start with a guard entry point ({ENTRY_POINTS:?}):\n{}",
        bad.join("\n")
    );
}

#[test]
fn the_scanner_sees_an_unguarded_body() {
    let unguarded = "pub unsafe extern \"C\" fn openclaw_x(p: *const u8) -> bool {\n    \
                     // SAFETY: none\n    unsafe { *p == 0 }\n}\n";
    let bodies = extern_bodies(unguarded);
    assert_eq!(
        bodies,
        vec![("openclaw_x".to_owned(), "unsafe { *p == 0 }".to_owned())]
    );
    let line = bodies[0].1.trim_start_matches("unsafe { ");
    assert!(!ENTRY_POINTS.iter().any(|e| line.starts_with(e)));
}

/// Names the header declares: macros, typedefs, struct/enum tags, constants and functions.
fn declared_names(header: &str) -> Vec<String> {
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    let mut names = Vec::new();
    for line in header.lines() {
        let l = line.trim_start();
        if let Some(r) = l.strip_prefix("#define ") {
            names.push(ident(r));
        } else if let Some(r) = l.strip_prefix("typedef struct ") {
            names.push(ident(r));
        } else if l.starts_with("typedef ") && l.ends_with(';') {
            // `typedef <type> name;` or a function pointer `typedef r (*name)(…);`
            let inner = l.trim_end_matches(';');
            let name = match inner.find("(*") {
                Some(i) => ident(&inner[i + 2..]),
                None => ident(inner.rsplit(' ').next().unwrap_or("")),
            };
            names.push(name);
        } else if let Some(r) = l
            .strip_prefix("struct ")
            .or_else(|| l.strip_prefix("enum "))
        {
            names.push(ident(r));
        }
        // Function declarations start at column 0: `<type> [*]openclaw_x(…`.
        if !line.starts_with([' ', '*', '/', '#', '}', '\t'])
            && !line.starts_with("typedef")
            && line.contains('(')
        {
            let head = line.split('(').next().unwrap_or("");
            names.push(ident(head.rsplit([' ', '*']).next().unwrap_or("")));
        }
    }
    names.retain(|n| !n.is_empty());
    names
}

#[test]
fn every_name_in_the_header_is_prefixed() {
    let header = fs::read_to_string(Path::new("include/openclaw_client.h")).unwrap();
    let names = declared_names(&header);
    assert!(
        names.len() > 200,
        "only {} names found: the scanner is broken",
        names.len()
    );
    assert!(names.iter().any(|n| n == "openclaw_chat_request_new"));
    assert!(names.iter().any(|n| n == "OPENCLAW_RESULT_OK"));
    let allowed = |n: &str| {
        n.starts_with("openclaw_") || n.starts_with("OPENCLAW_") || n == "OPENCLAW_CLIENT_H"
    };
    let bad: Vec<_> = names.iter().filter(|n| !allowed(n)).collect();
    assert!(
        bad.is_empty(),
        "names without the OPENCLAW_/openclaw_ prefix: {bad:?}"
    );
    // The scanner itself: an unprefixed macro is caught.
    assert!(
        declared_names("#define DEFAULT_X 1\n")
            .iter()
            .any(|n| !allowed(n))
    );
}

#[test]
fn header_defaults_equal_the_rust_constants() {
    use ::openclaw_client::ffi::client::{
        OPENCLAW_DEFAULT_MAX_EVENT_BYTES, OPENCLAW_DEFAULT_MAX_LINE_BYTES,
        OPENCLAW_WS_PROTOCOL_VERSION,
    };
    assert_eq!(
        OPENCLAW_DEFAULT_MAX_LINE_BYTES,
        ::openclaw_client::sse::DEFAULT_MAX_LINE_BYTES
    );
    assert_eq!(
        OPENCLAW_DEFAULT_MAX_EVENT_BYTES,
        ::openclaw_client::sse::DEFAULT_MAX_EVENT_BYTES
    );
    assert_eq!(
        OPENCLAW_WS_PROTOCOL_VERSION,
        ::openclaw_client::ws::PROTOCOL_VERSION
    );
}
