//! Input validation shared by every request kind and the C layer: header names and values,
//! agent ids, session keys. One rule each; a leaf module (it imports only the error type).

use crate::error::{Error, Result};

/// Reserved session-key namespaces the gateway refuses (`subagent:`, `cron:`, `acp:`).
pub const RESERVED_SESSION_PREFIXES: [&str; 3] = ["subagent:", "cron:", "acp:"];

/// Checks an agent id against the gateway's syntax `[a-z0-9][a-z0-9_-]{0,63}` (case-insensitive).
pub fn validate_agent_id(id: &str) -> Result<()> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && id.as_bytes()[0].is_ascii_alphanumeric()
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(format!(
            "agent id {id:?} is not valid: use 1-64 characters [a-z0-9_-], starting with a letter or digit"
        )))
    }
}

/// Checks that a value can go into an HTTP header: no CR, LF or NUL (or other control bytes
/// except tab).
pub fn validate_header_value(what: &str, value: &str) -> Result<()> {
    if value.bytes().any(|b| (b < 0x20 && b != b'\t') || b == 0x7f) {
        return Err(Error::invalid(format!(
            "{what} contains a control character (CR, LF, NUL…), which cannot be sent in an HTTP header"
        )));
    }
    Ok(())
}

/// Checks an extra header name: an HTTP token, and not one of the headers the library writes
/// itself (`Authorization`, `Accept`, `Content-Type`, `User-Agent`…), which cannot be added.
pub fn validate_header_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
    if !ok {
        return Err(Error::invalid(format!(
            "header name {name:?} is not a valid HTTP token"
        )));
    }
    if RESERVED_HEADERS
        .iter()
        .any(|r| r.eq_ignore_ascii_case(name))
    {
        return Err(Error::invalid(format!(
            "header {name} is set by the library and cannot be added (the credential: \
             ClientBuilder::secret / Client::update_secret; User-Agent: ClientBuilder::user_agent; \
             traceparent/tracestate: CallOptions::trace_context)"
        )));
    }
    Ok(())
}

/// Headers the library writes itself (credential, content negotiation, framing); extra
/// headers with these names are rejected so that each is sent once, with the library's value.
const RESERVED_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "accept",
    "accept-encoding",
    "content-type",
    "content-length",
    "content-encoding",
    "transfer-encoding",
    "host",
    "connection",
    "keep-alive",
    "te",
    "trailer",
    "upgrade",
    "expect",
    "user-agent",
    "traceparent",
    "tracestate",
];

/// Checks a session key: a header-safe value outside the reserved namespaces.
pub fn validate_session_key(key: &str) -> Result<()> {
    validate_header_value("the session key", key)?;
    if key.trim().is_empty() {
        return Err(Error::invalid("the session key is empty"));
    }
    let lower = key.to_ascii_lowercase();
    // Agent-scoped form: agent:<id>:<rest>
    let rest = match lower.strip_prefix("agent:") {
        Some(r) => r.split_once(':').map(|(_, rest)| rest).unwrap_or(""),
        None => &lower,
    };
    if let Some(p) = RESERVED_SESSION_PREFIXES
        .iter()
        .find(|p| rest.starts_with(*p) || lower.starts_with(*p))
    {
        return Err(Error::invalid(format!(
            "the session key uses the reserved namespace {p:?} (subagent:, cron: and acp: belong to the gateway)"
        )));
    }
    Ok(())
}

/// One routing value every agent request kind carries (chat, responses, tool calls): the one
/// rule for each is [`validate_route`], which the request types apply before sending and the C
/// setters apply when the value is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouteField {
    /// The `model` agent target (`openclaw`, `openclaw/<agent>`): a header-safe value.
    Target,
    /// The agent id (`x-openclaw-agent-id`): [`validate_agent_id`].
    Agent,
    /// The session key (`x-openclaw-session-key`): [`validate_session_key`].
    SessionKey,
    /// The message channel (`x-openclaw-message-channel`): a header-safe value.
    Channel,
    /// The backend model override (`x-openclaw-model`): a header-safe value.
    ModelOverride,
}

impl RouteField {
    /// How error messages name the field.
    pub fn describe(self) -> &'static str {
        match self {
            RouteField::Target => "the model target",
            RouteField::Agent => "the agent id",
            RouteField::SessionKey => "the session key",
            RouteField::Channel => "the message channel",
            RouteField::ModelOverride => "the x-openclaw-model override",
        }
    }
}

/// Checks one routing value by the rule of its field (see [`RouteField`]).
pub fn validate_route(field: RouteField, value: &str) -> Result<()> {
    match field {
        RouteField::Agent => validate_agent_id(value),
        RouteField::SessionKey => validate_session_key(value),
        RouteField::Target | RouteField::Channel | RouteField::ModelOverride => {
            validate_header_value(field.describe(), value)
        }
    }
}

/// Checks an extra header: its name ([`validate_header_name`]) and its value.
pub fn validate_extra_header(name: &str, value: &str) -> Result<()> {
    validate_header_name(name)?;
    validate_header_value(&format!("header {name}"), value)
}

/// Builds a session key scoped to an agent: `agent:<agent_id>:<key>`, validated.
pub fn agent_session_key(agent_id: &str, key: &str) -> Result<String> {
    validate_agent_id(agent_id)?;
    let scoped = format!("agent:{}:{key}", agent_id.to_ascii_lowercase());
    validate_session_key(key)?;
    validate_session_key(&scoped)?;
    Ok(scoped)
}
