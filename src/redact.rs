//! The one place that decides what of a URL may be shown in a text.
//!
//! A URL given to the library (the base URL, `OPENCLAW_GATEWAY_URL`, `gateway.remote.url`, a
//! proxy URL) can carry secrets: user-info (`http://user:password@host`) and query or fragment
//! values (`?token=…`, `#access_token=…`). Every error message, log line and `Debug` output
//! that echoes such a URL passes it through [`url`] first. This module imports nothing from
//! the crate.

/// What replaces a hidden part.
pub(crate) const HIDDEN: &str = "***";

/// `input` with its secrets replaced by `***`, for showing in a text. Works on any string,
/// whether or not it is a valid URL, and errs on the side of hiding:
///
/// - everything between `scheme://` (or the start, without a scheme) and the **last** `@` is
///   user-info and hidden whole, even when it contains `/`, `?` or `#` (a password often does);
/// - after the first `?` or `#` that follows, each `&`/`;`-separated item keeps its name up to
///   `=` and loses its value; an item without `=` is hidden whole (it may be a bare token).
///
/// ```text
/// http://user:pw@gw.example:18789/x?token=abc&v=1#k   →   http://***@gw.example:18789/x?token=***&v=***#***
/// ```
pub(crate) fn url(input: &str) -> String {
    let start = input.find("://").map_or(0, |i| i + 3);
    let mut out = String::with_capacity(input.len());
    out.push_str(&input[..start]);
    let rest = match input[start..].rfind('@') {
        Some(at) => {
            out.push_str(HIDDEN);
            out.push('@');
            &input[start + at + 1..]
        }
        None => &input[start..],
    };
    let Some(q) = rest.find(['?', '#']) else {
        out.push_str(rest);
        return out;
    };
    out.push_str(&rest[..q]);
    // Items run between delimiters; each delimiter is kept as it was.
    let tail = &rest[q..];
    let mut item_start = 1;
    out.push_str(&tail[..1]);
    for (i, c) in tail.char_indices().skip(1) {
        if matches!(c, '?' | '#' | '&' | ';') {
            push_item(&mut out, &tail[item_start..i]);
            out.push(c);
            item_start = i + 1;
        }
    }
    push_item(&mut out, &tail[item_start..]);
    out
}

/// One query/fragment item: `name=***`, or `***` when it has no `=`, or nothing when empty.
fn push_item(out: &mut String, item: &str) {
    match item.split_once('=') {
        Some((name, value)) => {
            out.push_str(name);
            out.push('=');
            if !value.is_empty() {
                out.push_str(HIDDEN);
            }
        }
        None if item.is_empty() => {}
        None => out.push_str(HIDDEN),
    }
}

#[cfg(test)]
mod tests {
    use super::url;

    #[test]
    fn hides_user_info_and_query_and_fragment_values() {
        let cases = [
            ("http://127.0.0.1:18789", "http://127.0.0.1:18789"),
            ("https://gw.example/base/", "https://gw.example/base/"),
            ("http://user:pw@host:1/p", "http://***@host:1/p"),
            ("http://user@host", "http://***@host"),
            ("http://u:p/ss@host/x", "http://***@host/x"),
            ("http://u:p?ss@host/x", "http://***@host/x"),
            ("http://u:a@b@host", "http://***@host"),
            ("user:pw@host:8000", "***@host:8000"),
            ("http://h/?token=abc&v=1", "http://h/?token=***&v=***"),
            ("http://h/?abc", "http://h/?***"),
            ("http://h/?a=&b", "http://h/?a=&***"),
            (
                "http://h/#access_token=x;y=2",
                "http://h/#access_token=***;y=***",
            ),
            ("http://h/?t=1#f", "http://h/?t=***#***"),
            ("http://h/?", "http://h/?"),
            ("ws://h:1/?token=é€", "ws://h:1/?token=***"),
            ("", ""),
            ("?", "?"),
            ("@", "***@"),
        ];
        for (input, want) in cases {
            assert_eq!(url(input), want, "{input}");
        }
    }

    #[test]
    fn no_part_of_a_secret_survives() {
        for input in [
            "http://alice:S3CRET@h/",
            "https://S3CRET@h",
            "http://h/?token=S3CRET",
            "http://h/?S3CRET",
            "http://h/#S3CRET",
            "http://x:S3C/RET@h",
            "http://x:S3C?RET@h",
            "http://x:S3C#RET@h",
            "wss://h/p?a=1&token=S3CRET&b",
        ] {
            let shown = url(input);
            for part in ["S3CRET", "S3C", "RET"] {
                assert!(!shown.contains(part), "{input} -> {shown}");
            }
        }
    }
}
