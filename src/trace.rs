//! W3C Trace Context (<https://www.w3.org/TR/trace-context/>): a `traceparent` generated per
//! call or taken from the caller, and `tracestate` passed through after validation. No HTTP
//! here: the transport sends what this module builds.
//!
//! ```
//! use openclaw_client::trace::TraceParent;
//! let tp = TraceParent::generate();
//! assert!(tp.sampled());
//! let again: TraceParent = tp.to_string().parse()?;
//! assert_eq!(again, tp);
//! assert!(TraceParent::parse("00-00000000000000000000000000000000-00f067aa0ba902b7-01").is_err());
//! # Ok::<(), openclaw_client::Error>(())
//! ```

use std::fmt;
use std::str::FromStr;

use crate::error::{Error, Result};

/// The `sampled` bit of the trace flags.
pub const FLAG_SAMPLED: u8 = 0x01;

/// Most list members a `tracestate` may hold.
pub const MAX_TRACESTATE_MEMBERS: usize = 32;

/// A `traceparent`: trace id, parent (span) id and flags. Displayed in version `00` form,
/// `00-<32 hex>-<16 hex>-<2 hex>`, lowercase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TraceParent {
    trace_id: [u8; 16],
    parent_id: [u8; 8],
    flags: u8,
}

fn random_nonzero<const N: usize>() -> [u8; N] {
    use ring::rand::{SecureRandom, SystemRandom};
    let rng = SystemRandom::new();
    let mut b = [0u8; N];
    loop {
        if rng.fill(&mut b).is_err() {
            // The OS random source failed (it does not on supported systems): fall back to a
            // time- and address-derived value rather than sending an all-zero id.
            let t = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos());
            let seed = t ^ (&b as *const _ as usize as u128);
            for (i, x) in b.iter_mut().enumerate() {
                *x = (seed >> ((i % 16) * 8)) as u8 ^ (i as u8).wrapping_mul(151);
            }
        }
        if b.iter().any(|&x| x != 0) {
            return b;
        }
    }
}

fn parse_hex<const N: usize>(s: &str, what: &str) -> Result<[u8; N]> {
    let bytes = s.as_bytes();
    if bytes.len() != 2 * N {
        return Err(Error::invalid(format!(
            "traceparent: the {what} must be {} lowercase hex digits",
            2 * N
        )));
    }
    let digit = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    };
    let mut out = [0u8; N];
    for (i, o) in out.iter_mut().enumerate() {
        match (digit(bytes[2 * i]), digit(bytes[2 * i + 1])) {
            (Some(h), Some(l)) => *o = h << 4 | l,
            _ => {
                return Err(Error::invalid(format!(
                    "traceparent: the {what} must be lowercase hex digits"
                )));
            }
        }
    }
    Ok(out)
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

impl TraceParent {
    /// A new trace: random trace id and parent id (never all zero), sampled.
    pub fn generate() -> Self {
        TraceParent {
            trace_id: random_nonzero(),
            parent_id: random_nonzero(),
            flags: FLAG_SAMPLED,
        }
    }

    /// The same trace with a new random parent id (a new span of the caller's trace).
    pub fn child(&self) -> Self {
        TraceParent {
            parent_id: random_nonzero(),
            ..*self
        }
    }

    /// Parses and validates a caller-supplied `traceparent`.
    ///
    /// Version `00` must be exactly `00-<32 hex>-<16 hex>-<2 hex>`; a higher version (not
    /// `ff`) may carry more fields after a `-`, and its first four fields are read by the
    /// version `00` rules. Hex digits must be lowercase; an all-zero trace id or parent id
    /// is invalid. Errors: [`Error::InvalidInput`].
    pub fn parse(s: &str) -> Result<Self> {
        let bad = |why: &str| Error::invalid(format!("traceparent is malformed: {why}"));
        if !s.is_ascii() {
            return Err(bad("not ASCII"));
        }
        if s.len() < 55 {
            return Err(bad("too short"));
        }
        let version: [u8; 1] = parse_hex(&s[..2], "version")?;
        match version[0] {
            0xff => return Err(bad("version ff is invalid")),
            0 if s.len() != 55 => return Err(bad("version 00 has exactly 55 characters")),
            _ if s.len() > 55 && s.as_bytes()[55] != b'-' => {
                return Err(bad("fields of a later version must follow a '-'"));
            }
            _ => {}
        }
        let b = s.as_bytes();
        if b[2] != b'-' || b[35] != b'-' || b[52] != b'-' {
            return Err(bad("fields are separated by '-'"));
        }
        let trace_id: [u8; 16] = parse_hex(&s[3..35], "trace id")?;
        let parent_id: [u8; 8] = parse_hex(&s[36..52], "parent id")?;
        let flags: [u8; 1] = parse_hex(&s[53..55], "trace flags")?;
        if trace_id == [0; 16] {
            return Err(bad("the trace id is all zero"));
        }
        if parent_id == [0; 8] {
            return Err(bad("the parent id is all zero"));
        }
        Ok(TraceParent {
            trace_id,
            parent_id,
            flags: flags[0],
        })
    }

    /// The trace id (16 bytes).
    pub fn trace_id(&self) -> [u8; 16] {
        self.trace_id
    }

    /// The parent id (8 bytes).
    pub fn parent_id(&self) -> [u8; 8] {
        self.parent_id
    }

    /// The trace id as 32 lowercase hex digits (what to log to find the call in the gateway's
    /// logs).
    pub fn trace_id_hex(&self) -> String {
        hex(&self.trace_id)
    }

    /// The parent id as 16 lowercase hex digits.
    pub fn parent_id_hex(&self) -> String {
        hex(&self.parent_id)
    }

    /// The trace flags.
    pub fn flags(&self) -> u8 {
        self.flags
    }

    /// Whether the `sampled` flag is set.
    pub fn sampled(&self) -> bool {
        self.flags & FLAG_SAMPLED != 0
    }

    /// The same with the `sampled` flag set or cleared.
    pub fn with_sampled(self, sampled: bool) -> Self {
        let flags = if sampled {
            self.flags | FLAG_SAMPLED
        } else {
            self.flags & !FLAG_SAMPLED
        };
        TraceParent { flags, ..self }
    }
}

impl fmt::Display for TraceParent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "00-{}-{}-{:02x}",
            hex(&self.trace_id),
            hex(&self.parent_id),
            self.flags
        )
    }
}

impl FromStr for TraceParent {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Self::parse(s)
    }
}

fn valid_key(k: &str) -> bool {
    let tail = |c: u8| matches!(c, b'a'..=b'z' | b'0'..=b'9' | b'_' | b'-' | b'*' | b'/');
    match k.split_once('@') {
        None => {
            let b = k.as_bytes();
            !b.is_empty()
                && b.len() <= 256
                && b[0].is_ascii_lowercase()
                && b[1..].iter().all(|&c| tail(c))
        }
        Some((tenant, system)) => {
            let (t, s) = (tenant.as_bytes(), system.as_bytes());
            !t.is_empty()
                && t.len() <= 241
                && (t[0].is_ascii_lowercase() || t[0].is_ascii_digit())
                && t[1..].iter().all(|&c| tail(c))
                && !s.is_empty()
                && s.len() <= 14
                && s[0].is_ascii_lowercase()
                && s[1..].iter().all(|&c| tail(c))
        }
    }
}

fn valid_value(v: &str) -> bool {
    let b = v.as_bytes();
    let nblk = |c: u8| matches!(c, 0x21..=0x2b | 0x2d..=0x3c | 0x3e..=0x7e);
    !b.is_empty()
        && b.len() <= 256
        && nblk(b[b.len() - 1])
        && b.iter().all(|&c| c == b' ' || nblk(c))
}

/// Validates a caller-supplied `tracestate` for passing through unchanged: comma-separated
/// `key=value` members (empty members and spaces or tabs around members allowed), keys
/// `lcalpha *(lcalpha / digit / _ - * /)` up to 256 characters or `tenant@system`, values of
/// printable ASCII without `,` and `=` not ending in a space, at most
/// [`MAX_TRACESTATE_MEMBERS`] members, no key twice. Errors: [`Error::InvalidInput`].
pub fn validate_tracestate(s: &str) -> Result<()> {
    let bad = |why: String| Err(Error::invalid(format!("tracestate is malformed: {why}")));
    let mut keys: Vec<&str> = Vec::new();
    for member in s.split(',') {
        let member = member.trim_matches([' ', '\t']);
        if member.is_empty() {
            continue;
        }
        let Some((k, v)) = member.split_once('=') else {
            return bad(format!("member {member:?} has no '='"));
        };
        if !valid_key(k) {
            return bad(format!("key {k:?} is not a valid key"));
        }
        if !valid_value(v) {
            return bad(format!("the value of {k:?} is not a valid value"));
        }
        if keys.contains(&k) {
            return bad(format!("key {k:?} appears twice"));
        }
        keys.push(k);
        if keys.len() > MAX_TRACESTATE_MEMBERS {
            return bad(format!("more than {MAX_TRACESTATE_MEMBERS} members"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC_EXAMPLE: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    #[test]
    fn generated_ids_follow_the_version_00_format_and_differ() {
        let a = TraceParent::generate();
        let b = TraceParent::generate();
        let s = a.to_string();
        assert_eq!(s.len(), 55);
        assert!(s.starts_with("00-") && s.ends_with("-01"), "{s}");
        assert!(
            s.bytes()
                .all(|c| c == b'-' || matches!(c, b'0'..=b'9' | b'a'..=b'f'))
        );
        assert_ne!(a.trace_id(), [0; 16]);
        assert_ne!(a.parent_id(), [0; 8]);
        assert_ne!(a.trace_id(), b.trace_id());
        assert_eq!(TraceParent::parse(&s).unwrap(), a);
        let c = a.child();
        assert_eq!(c.trace_id(), a.trace_id());
        assert_ne!(c.parent_id(), a.parent_id());
    }

    #[test]
    fn the_spec_example_parses_and_prints_back() {
        let t = TraceParent::parse(SPEC_EXAMPLE).unwrap();
        assert_eq!(t.trace_id_hex(), "4bf92f3577b34da6a3ce929d0e0e4736");
        assert_eq!(t.parent_id_hex(), "00f067aa0ba902b7");
        assert!(t.sampled());
        assert_eq!(t.to_string(), SPEC_EXAMPLE);
        let u = t.with_sampled(false);
        assert!(!u.sampled());
        assert!(u.to_string().ends_with("-00"));
    }

    #[test]
    fn malformed_traceparents_are_rejected_as_invalid_input() {
        let cases = [
            "",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "0x-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0g",
            "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\u{e9}",
        ];
        for c in cases {
            let e = TraceParent::parse(c).expect_err(c);
            assert_eq!(e.kind(), crate::error::ErrorKind::InvalidInput, "{c}");
        }
    }

    #[test]
    fn a_later_version_is_read_by_the_00_rules_and_sent_as_00() {
        let t = TraceParent::parse(
            "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-the-future-holds",
        )
        .unwrap();
        assert_eq!(t.to_string(), SPEC_EXAMPLE);
        assert!(
            TraceParent::parse("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01").is_ok()
        );
    }

    #[test]
    fn tracestate_rules() {
        for ok in [
            "",
            "rojo=00f067aa0ba902b7",
            "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE",
            " rojo=1 ,\tcongo=2 ,, ",
            "tenant1@vendor=x y",
            "a_-*/9=!\"#$%&'()*+-./:;<>?@[]^_`{|}~",
        ] {
            validate_tracestate(ok).unwrap_or_else(|e| panic!("{ok:?}: {e}"));
        }
        let many: Vec<String> = (0..33).map(|i| format!("k{i}=v")).collect();
        validate_tracestate(&many[..32].join(",")).unwrap();
        for bad in [
            "rojo",
            "Rojo=1",
            "1rojo=1",
            "rojo=",
            "rojo=a,b",
            "rojo=a=b",
            "rojo=a\u{7f}b",
            "rojo=a\u{1}",
            "rojo=1,rojo=2",
            "@vendor=1",
            "tenant@=1",
            "tenant@Vendor=1",
            "tenant@vendorvendorvendor=1",
            "rojo=caf\u{e9}",
            &many.join(","),
        ] {
            let e = validate_tracestate(bad).expect_err(bad);
            assert_eq!(e.kind(), crate::error::ErrorKind::InvalidInput, "{bad}");
        }
    }
}
