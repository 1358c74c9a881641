//! Reading gateway JSON without building a `serde_json::Value` (which takes ~18 times the size
//! of the text for an array of small numbers): fields are read borrowed from the body, values
//! the library does not interpret stay raw text ([`RawValue`]), and texts that end up in errors
//! are capped ([`crate::error::MAX_ERROR_TEXT_BYTES`]).

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{self, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use crate::error::capped_text;

/// A JSON value read leniently as text: a string (borrowed when it has no escape), or `None`
/// for any other value, which is skipped without being built.
#[derive(Debug, Default)]
pub(crate) struct Text<'a>(pub(crate) Option<Cow<'a, str>>);

impl Text<'_> {
    /// The string, or `""`.
    pub(crate) fn or_empty(&self) -> &str {
        self.0.as_deref().unwrap_or("")
    }

    /// An owned copy of the string, if it was one.
    pub(crate) fn owned(&self) -> Option<String> {
        self.0.as_deref().map(str::to_owned)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Text<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Text<'a>, E> {
                Ok(Text(Some(Cow::Borrowed(v))))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text<'a>, E> {
                Ok(Text(Some(Cow::Owned(v.to_owned()))))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Text<'a>, E> {
                Ok(Text(Some(Cow::Owned(v))))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Text<'a>, E> {
                Ok(Text(None))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Text<'a>, E> {
                Ok(Text(None))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Text<'a>, E> {
                Ok(Text(None))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Text<'a>, E> {
                Ok(Text(None))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Text<'a>, E> {
                Ok(Text(None))
            }
            fn visit_none<E: de::Error>(self) -> Result<Text<'a>, E> {
                Ok(Text(None))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Text<'a>, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Text(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Text<'a>, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Text(None))
            }
        }
        d.deserialize_any(V(PhantomData))
    }
}

/// The text of a JSON value for an error message, capped: a string unescaped, `null` as
/// `None`, anything else as its JSON text.
pub(crate) fn error_text(raw: &RawValue) -> Option<String> {
    let s = raw.get();
    if s == "null" {
        return None;
    }
    if s.starts_with('"') {
        if let Ok(b) = serde_json::from_str::<&str>(s) {
            return Some(capped_text(b));
        }
        if let Ok(o) = serde_json::from_str::<String>(s) {
            return Some(capped_text(&o));
        }
    }
    Some(capped_text(s))
}

/// The texts of a gateway error, every one capped: from an object `{message, type, code,
/// requiresApproval}`; any other value (a string…) is the message itself.
#[derive(Debug, Default)]
pub(crate) struct ErrorFields {
    pub(crate) message: Option<String>,
    pub(crate) error_type: Option<String>,
    pub(crate) code: Option<String>,
    pub(crate) requires_approval: bool,
}

/// Reads the texts of a gateway error value, borrowed.
pub(crate) fn error_fields(raw: &RawValue) -> ErrorFields {
    #[derive(Deserialize)]
    struct Fields<'a> {
        #[serde(default, borrow)]
        message: Option<&'a RawValue>,
        #[serde(default, borrow, rename = "type")]
        error_type: Option<&'a RawValue>,
        #[serde(default, borrow)]
        code: Option<&'a RawValue>,
        #[serde(default, borrow, rename = "requiresApproval")]
        requires_approval: Option<&'a RawValue>,
    }
    if !is_object(raw) {
        return ErrorFields {
            message: error_text(raw),
            ..ErrorFields::default()
        };
    }
    match serde_json::from_str::<Fields<'_>>(raw.get()) {
        Ok(f) => ErrorFields {
            message: f.message.and_then(error_text),
            error_type: f.error_type.and_then(error_text),
            code: f.code.and_then(error_text),
            requires_approval: f.requires_approval.is_some_and(|r| r.get() == "true"),
        },
        Err(_) => ErrorFields::default(),
    }
}

/// The `error` member of a JSON object body, borrowed; `None` when the body is not a JSON
/// object or has no `error`.
pub(crate) fn error_member(body: &str) -> Option<&RawValue> {
    #[derive(Deserialize)]
    struct Envelope<'a> {
        #[serde(default, borrow)]
        error: Option<&'a RawValue>,
    }
    let raw = serde_json::from_str::<&RawValue>(body).ok()?;
    if !is_object(raw) {
        return None;
    }
    serde_json::from_str::<Envelope<'_>>(raw.get())
        .ok()?
        .error
        .filter(|e| e.get() != "null")
}

/// Whether a raw value is a JSON object.
pub(crate) fn is_object(raw: &RawValue) -> bool {
    raw.get().starts_with('{')
}

/// Whether a raw value is a JSON array.
pub(crate) fn is_array(raw: &RawValue) -> bool {
    raw.get().starts_with('[')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_borrows_plain_strings_and_skips_other_values() {
        #[derive(Deserialize)]
        struct T<'a> {
            #[serde(borrow, default)]
            a: Text<'a>,
            #[serde(borrow, default)]
            b: Text<'a>,
            #[serde(borrow, default)]
            c: Text<'a>,
        }
        let t: T<'_> = serde_json::from_str(r#"{"a":"x","b":"y\nz","c":[1,{"d":2}]}"#).unwrap();
        assert!(matches!(t.a.0, Some(Cow::Borrowed("x"))));
        assert_eq!(t.b.0.as_deref(), Some("y\nz"));
        assert!(t.c.0.is_none());
    }

    #[test]
    fn error_text_is_capped() {
        let long = format!("\"{}\"", "é".repeat(10_000));
        let raw: &RawValue = serde_json::from_str(&long).unwrap();
        let t = error_text(raw).unwrap();
        assert!(
            t.len() < crate::error::MAX_ERROR_TEXT_BYTES + 100,
            "{}",
            t.len()
        );
        assert!(
            t.ends_with("… [cut: 20000 bytes in all, the first 8192 shown]"),
            "{t}"
        );
        let raw: &RawValue = serde_json::from_str("{\"k\": 1}").unwrap();
        assert_eq!(error_text(raw).as_deref(), Some("{\"k\": 1}"));
        let raw: &RawValue = serde_json::from_str("null").unwrap();
        assert_eq!(error_text(raw), None);
    }

    #[test]
    fn capped_bytes_notes_the_full_length_and_never_splits_a_character() {
        use crate::error::{MAX_ERROR_TEXT_BYTES, capped_bytes};
        let mut b = vec![b'a'; MAX_ERROR_TEXT_BYTES - 1];
        b.extend_from_slice("é".as_bytes()); // straddles the limit
        b.extend_from_slice(&[b'z'; 100]);
        let t = capped_bytes(&b);
        let shown = MAX_ERROR_TEXT_BYTES - 1;
        assert_eq!(
            t,
            format!(
                "{}… [cut: {} bytes in all, the first {shown} shown]",
                "a".repeat(shown),
                b.len()
            )
        );
        assert_eq!(capped_bytes(b"short \xff"), "short \u{FFFD}");
    }
}
