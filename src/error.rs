//! The one error type of the library, with stable, matchable categories.
//!
//! Every message names the cause and, where there is one, the fix. No message ever contains the
//! gateway token or password: they are never put into URLs, and the gateway's own messages are
//! kept verbatim but never echo the secret.

use std::fmt;
use std::time::Duration;

/// The gateway endpoint a request was for; used in errors and the connection diagnosis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Endpoint {
    /// `POST /v1/chat/completions`
    ChatCompletions,
    /// `POST /v1/responses`
    Responses,
    /// `GET /v1/models` and `GET /v1/models/{id}`
    Models,
    /// `POST /v1/embeddings`
    Embeddings,
    /// `POST /tools/invoke`
    ToolsInvoke,
    /// `/health`, `/readyz`, `/startupz`
    Probe,
    /// `POST /hooks/wake`, `/hooks/agent` (webhooks, with their own token)
    Hooks,
    /// `GET /sessions/{key}/history`
    SessionHistory,
}

impl Endpoint {
    /// Method and path, e.g. `POST /v1/chat/completions`.
    pub fn describe(self) -> &'static str {
        match self {
            Endpoint::ChatCompletions => "POST /v1/chat/completions",
            Endpoint::Responses => "POST /v1/responses",
            Endpoint::Models => "GET /v1/models",
            Endpoint::Embeddings => "POST /v1/embeddings",
            Endpoint::ToolsInvoke => "POST /tools/invoke",
            Endpoint::Probe => "GET probe",
            Endpoint::Hooks => "POST /hooks/*",
            Endpoint::SessionHistory => "GET /sessions/{key}/history",
        }
    }

    /// The gateway config key that enables this endpoint, when it has one.
    pub fn config_key(self) -> Option<&'static str> {
        match self {
            Endpoint::ChatCompletions => Some("gateway.http.endpoints.chatCompletions.enabled"),
            Endpoint::Responses => Some("gateway.http.endpoints.responses.enabled"),
            Endpoint::Models | Endpoint::Embeddings => Some(
                "gateway.http.endpoints.chatCompletions.enabled (or gateway.http.endpoints.responses.enabled)",
            ),
            Endpoint::Hooks => Some("hooks.enabled (with a non-empty hooks.token)"),
            Endpoint::ToolsInvoke | Endpoint::Probe | Endpoint::SessionHistory => None,
        }
    }

    /// Whether a plain-text 404/405 means "switched off" for this endpoint (`/v1` and hooks).
    pub fn has_switch(self) -> bool {
        self.is_v1() || self == Endpoint::Hooks
    }

    /// Whether this endpoint lives under `/v1` (where a non-JSON answer means "not enabled").
    pub fn is_v1(self) -> bool {
        matches!(
            self,
            Endpoint::ChatCompletions
                | Endpoint::Responses
                | Endpoint::Models
                | Endpoint::Embeddings
        )
    }
}

/// Which timeout fired.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimeoutPhase {
    /// Resolving the host and opening the TCP (and TLS) connection.
    Connect,
    /// Sending the request and waiting for the response headers.
    Response,
    /// No byte arrived for longer than the idle (per-read) limit while reading a body.
    Idle,
    /// The whole call took longer than the total limit.
    Total,
}

impl fmt::Display for TimeoutPhase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TimeoutPhase::Connect => "connect",
            TimeoutPhase::Response => "response headers",
            TimeoutPhase::Idle => "idle read",
            TimeoutPhase::Total => "total",
        })
    }
}

/// What kind of connection failure happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConnectFailure {
    /// The host name did not resolve.
    Dns,
    /// Nothing listens at the address (connection refused).
    Refused,
    /// The configured proxy failed.
    Proxy,
    /// The connection was closed or reset before a response arrived.
    Closed,
    /// Another OS-level failure.
    Other,
}

/// A fieldless summary of [`Error`], stable for matching and for the C result codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// [`Error::InvalidInput`]
    InvalidInput,
    /// [`Error::Connect`]
    Connect,
    /// [`Error::Tls`]
    Tls,
    /// [`Error::Timeout`]
    Timeout,
    /// [`Error::Unauthorized`]
    Unauthorized,
    /// [`Error::Forbidden`]
    Forbidden,
    /// [`Error::RateLimited`]
    RateLimited,
    /// [`Error::NotEnabled`]
    NotEnabled,
    /// [`Error::NotFound`]
    NotFound,
    /// [`Error::Api`]
    Api,
    /// [`Error::Stream`]
    Stream,
    /// [`Error::Truncated`]
    Truncated,
    /// [`Error::Protocol`]
    Protocol,
    /// [`Error::LimitExceeded`]
    LimitExceeded,
    /// [`Error::Cancelled`]
    Cancelled,
    /// [`Error::ConnectionLost`]
    ConnectionLost,
    /// [`Error::Io`]
    Io,
    /// [`Error::WsAuth`]
    WsAuth,
    /// [`Error::MissingScope`]
    MissingScope,
    /// [`Error::ProtocolMismatch`]
    ProtocolMismatch,
    /// [`Error::PairingRequired`]
    PairingRequired,
    /// [`Error::Rpc`]
    Rpc,
    /// [`Error::Disconnected`]
    Disconnected,
}

/// Every failure the library reports.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The caller passed something unusable (bad URL, CR/LF/NUL in a header value, a reserved
    /// session key, an invalid agent id…). Nothing was sent.
    #[error("invalid input: {0}")]
    InvalidInput(String),

    /// The gateway could not be reached.
    #[error("cannot reach the gateway at {url}: {message}{}", connect_hint(*.failure))]
    Connect {
        /// The base URL tried.
        url: String,
        /// What went wrong.
        failure: ConnectFailure,
        /// The OS or transport error text.
        message: String,
    },

    /// The TLS handshake or certificate verification failed.
    #[error("TLS failure talking to {url}: {message}{}", tls_hint(*.plain_http))]
    Tls {
        /// The base URL tried.
        url: String,
        /// The TLS error text.
        message: String,
        /// The server does not speak TLS on this port: it answered in plain text or closed the
        /// connection during the handshake (an `https://` URL for a plain-HTTP gateway).
        plain_http: bool,
    },

    /// The connection broke after the request had been sent and before the answer was
    /// complete: the gateway may have received the request and run the agent turn. It is never
    /// retried automatically (except reads and requests whose idempotency key the gateway
    /// honours); check the session before sending the turn again.
    #[error(
        "connection lost: the connection to {url} broke after the request was sent ({message}). \
         The gateway may have received it and run the agent turn: check the session (its history) \
         before sending it again{}",
        partial_note(.partial)
    )]
    ConnectionLost {
        /// The base URL.
        url: String,
        /// The transport error text.
        message: String,
        /// Text that had arrived before the connection broke.
        partial: String,
    },

    /// A timeout fired.
    #[error("timed out: {phase} limit{} exceeded{}{}", fmt_limit(*.limit), timeout_hint(*.phase), partial_note(.partial))]
    Timeout {
        /// Which timeout.
        phase: TimeoutPhase,
        /// The limit in force, when known.
        limit: Option<Duration>,
        /// Text that had arrived on a stream before the timeout.
        partial: String,
    },

    /// HTTP 401: the token or password is missing or wrong.
    #[error("unauthorized (HTTP 401): {message}. {}", auth_hint(*.endpoint))]
    Unauthorized {
        /// The gateway's message.
        message: String,
        /// The endpoint (webhooks have their own token).
        endpoint: Endpoint,
    },

    /// HTTP 403.
    #[error("forbidden (HTTP 403, {error_type}): {message}{}", if *.requires_approval { " (the call requires approval)" } else { "" })]
    Forbidden {
        /// The gateway's error type (`forbidden`, `tool_call_blocked`, `proxy_attribution_required`…).
        error_type: String,
        /// The gateway's message.
        message: String,
        /// `requiresApproval` from a `/tools/invoke` block.
        requires_approval: bool,
    },

    /// HTTP 429.
    #[error("rate limited (HTTP 429): {message}{}", retry_note(*.retry_after))]
    RateLimited {
        /// `Retry-After`, when sent.
        retry_after: Option<Duration>,
        /// The gateway's message.
        message: String,
    },

    /// The endpoint is switched off on the gateway (plain-text 404/405 or HTML on `/v1`).
    #[error("endpoint disabled: {} is not enabled on this gateway ({detail}){}", .endpoint.describe(), enable_hint(*.endpoint))]
    NotEnabled {
        /// Which endpoint.
        endpoint: Endpoint,
        /// HTTP status seen.
        status: u16,
        /// What was seen (status and content type).
        detail: String,
    },

    /// HTTP 404 with a JSON body: unknown model, tool not available (denied and unknown look
    /// the same), unknown session, or a path that is not an OpenClaw API.
    #[error("not found (HTTP 404): {message}")]
    NotFound {
        /// The gateway's error type, when sent.
        error_type: Option<String>,
        /// The gateway's message.
        message: String,
    },

    /// Any other non-success HTTP answer, with the gateway's envelope.
    #[error("gateway error (HTTP {status}{}): {message}{}", type_note(.error_type), retry_note(*.retry_after))]
    Api {
        /// The HTTP status.
        status: u16,
        /// `error.type`, when sent.
        error_type: Option<String>,
        /// `error.code`, when sent.
        code: Option<String>,
        /// The gateway's message (or the body text).
        message: String,
        /// `Retry-After`, when sent.
        retry_after: Option<Duration>,
    },

    /// The gateway reported an error inside a stream (`data: {"error":…}` or `event: error`).
    #[error("the gateway reported an error mid-stream{}: {message}{}", type_note(.error_type), partial_note(.partial))]
    Stream {
        /// `error.type`, when sent.
        error_type: Option<String>,
        /// `error.code`, when sent.
        code: Option<String>,
        /// The gateway's message.
        message: String,
        /// Text that had arrived before the error.
        partial: String,
    },

    /// The stream ended (or the connection broke) before `[DONE]`.
    #[error("stream truncated: {reason}{}", partial_note(.partial))]
    Truncated {
        /// Text that had arrived before the cut.
        partial: String,
        /// Why it ended.
        reason: String,
    },

    /// The gateway answered with a redirect, which is not followed (a redirected POST loses its
    /// body and the credential must not travel to another host).
    #[error(
        "the gateway answered HTTP {status} redirecting to {location:?}: point the base URL at the final address"
    )]
    Redirect {
        /// The HTTP status.
        status: u16,
        /// The `Location` header.
        location: String,
    },

    /// The answer did not follow the protocol (bad JSON, wrong framing, unexpected content type).
    #[error("protocol error: {message}{}", partial_note(.partial))]
    Protocol {
        /// What was wrong.
        message: String,
        /// Text that had arrived on a stream before the bad data.
        partial: String,
    },

    /// A configured size limit was exceeded.
    #[error("limit exceeded: {what} is larger than {limit} bytes; raise the limit if this is expected{}", partial_note(.partial))]
    LimitExceeded {
        /// What was too large.
        what: &'static str,
        /// The limit.
        limit: u64,
        /// Text that had arrived on a stream before the limit.
        partial: String,
    },

    /// Cancelled by a [`crate::CancelToken`] or by the caller.
    #[error("cancelled{}", partial_note(.partial))]
    Cancelled {
        /// Text that had arrived before cancellation.
        partial: String,
    },

    /// Another transport failure.
    #[error("I/O error talking to the gateway: {message}")]
    Io {
        /// The error text.
        message: String,
    },

    /// WebSocket handshake: the gateway refused the credentials (`AUTH_TOKEN_MISMATCH`,
    /// `AUTH_TOKEN_MISSING`, `AUTH_DEVICE_TOKEN_MISMATCH`, `DEVICE_AUTH_*`…).
    #[error("the gateway refused the WebSocket credentials ({detail_code}): {message}{}", next_step_note(.next_step))]
    WsAuth {
        /// `error.details.code`, e.g. `AUTH_TOKEN_MISMATCH`.
        detail_code: String,
        /// The gateway's message.
        message: String,
        /// `error.details.recommendedNextStep`, e.g. `update_auth_credentials`.
        next_step: Option<String>,
    },

    /// A WebSocket method needs an operator scope this connection was not granted.
    #[error(
        "missing scope {scope} for {method}: {message}. Request it in WsOptions::scopes (it must also be granted to the token or device)"
    )]
    MissingScope {
        /// The method called.
        method: String,
        /// The missing scope (`error.details.missingScope`).
        scope: String,
        /// Every scope the method needs (`error.details.requiredScopes`).
        required: Vec<String>,
        /// The gateway's message.
        message: String,
    },

    /// WebSocket handshake: no protocol version in common.
    #[error(
        "protocol mismatch: this client speaks {client_min}..={client_max}, the gateway expects {server}"
    )]
    ProtocolMismatch {
        /// The lowest version offered.
        client_min: u32,
        /// The highest version offered.
        client_max: u32,
        /// The version the gateway expects (`details.expectedProtocol`; 0 when not sent).
        server: u32,
    },

    /// WebSocket handshake: the device must be paired (or a device identity is required).
    #[error("pairing required ({detail_code}): {message}{}", next_step_note(.next_step))]
    PairingRequired {
        /// `error.details.code`, e.g. `DEVICE_IDENTITY_REQUIRED` or `PAIRING_REQUIRED`.
        detail_code: String,
        /// The gateway's message.
        message: String,
        /// What to do next (`recommendedNextStep`, or this library's advice).
        next_step: Option<String>,
    },

    /// A WebSocket request answered `ok:false` (any case without its own variant).
    #[error("{method} failed ({code}{}): {message}{}", type_note(.detail_code), retry_note(*.retry_after))]
    Rpc {
        /// The method called.
        method: Box<str>,
        /// `error.code`, e.g. `INVALID_REQUEST`, `UNAVAILABLE`.
        code: String,
        /// `error.details.code` or `error.details.reason`, when sent.
        detail_code: Option<String>,
        /// The gateway's message.
        message: String,
        /// `error.details` as JSON text (empty when absent).
        details: Box<str>,
        /// `retryAfterMs`, when sent.
        retry_after: Option<Duration>,
    },

    /// The WebSocket connection is closed or was lost. A request in flight when it broke may or
    /// may not have run on the gateway; it is never replayed.
    #[error("WebSocket connection lost: {reason}{}{}", close_note(*.close_code), partial_note(.partial))]
    Disconnected {
        /// Why (close reason, I/O error, tick watchdog…).
        reason: String,
        /// The WebSocket close code, when the gateway sent one (1008 policy, 1012 restart…).
        close_code: Option<u16>,
        /// A chat run's text that had arrived before the connection was lost.
        partial: String,
    },
}

fn next_step_note(s: &Option<String>) -> String {
    s.as_deref()
        .map(|s| format!(" (next step: {s})"))
        .unwrap_or_default()
}

fn close_note(c: Option<u16>) -> String {
    c.map(|c| format!(" (close code {c})")).unwrap_or_default()
}

fn connect_hint(f: ConnectFailure) -> &'static str {
    match f {
        ConnectFailure::Dns => ". Check the host name in the gateway URL",
        ConnectFailure::Refused => {
            ". Is the gateway running? Start it (`openclaw gateway run`; for a throwaway local \
             one, `make -C examples-c demo` in this repository), or point the client at it with \
             OPENCLAW_GATEWAY_URL / the base URL"
        }
        ConnectFailure::Proxy => ". Check the proxy setting",
        _ => "",
    }
}

fn tls_hint(plain_http: bool) -> &'static str {
    if plain_http {
        ". The server does not speak TLS on this port: if it is a plain-HTTP gateway, use an \
         http:// URL (or check the port)"
    } else {
        ". If the gateway uses a self-signed certificate, pass its CA with \
         ClientBuilder::ca_bundle_pem (C: openclaw_client_builder_set_ca_pem); check that the \
         URL's host name matches the certificate"
    }
}

fn auth_hint(e: Endpoint) -> &'static str {
    if e == Endpoint::Hooks {
        "Webhooks use their own token: it must equal hooks.token in the gateway config (not the gateway token)"
    } else {
        "Check the gateway token/password (gateway.auth.token / OPENCLAW_GATEWAY_TOKEN or \
         gateway.auth.password / OPENCLAW_GATEWAY_PASSWORD)"
    }
}

fn timeout_hint(p: TimeoutPhase) -> &'static str {
    match p {
        TimeoutPhase::Connect => ". Is the gateway address right and reachable?",
        TimeoutPhase::Response => {
            ". Agent turns can take minutes: raise the response timeout (0 = no limit)"
        }
        TimeoutPhase::Idle => {
            ". The gateway sends nothing while a tool runs: raise the idle timeout (0 = no limit)"
        }
        TimeoutPhase::Total => ". Raise the total timeout (0 = no limit)",
    }
}

fn enable_hint(e: Endpoint) -> String {
    match e.config_key() {
        Some(k) => format!(": set {k} = true in the gateway config and restart the gateway"),
        None => String::new(),
    }
}

fn fmt_limit(l: Option<Duration>) -> String {
    l.map(|d| format!(" of {} ms", d.as_millis()))
        .unwrap_or_default()
}

fn retry_note(r: Option<Duration>) -> String {
    r.map(|d| format!(" (retry after {} s)", d.as_secs()))
        .unwrap_or_default()
}

fn type_note(t: &Option<String>) -> String {
    t.as_deref().map(|t| format!(", {t}")).unwrap_or_default()
}

fn partial_note(p: &str) -> String {
    match p.len() {
        0 => String::new(),
        1 => " (1 byte of text had arrived)".to_owned(),
        n => format!(" ({n} bytes of text had arrived)"),
    }
}

impl Error {
    /// The fieldless category.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::InvalidInput(_) => ErrorKind::InvalidInput,
            Error::Connect { .. } => ErrorKind::Connect,
            Error::Tls { .. } => ErrorKind::Tls,
            Error::Timeout { .. } => ErrorKind::Timeout,
            Error::Unauthorized { .. } => ErrorKind::Unauthorized,
            Error::Forbidden { .. } => ErrorKind::Forbidden,
            Error::RateLimited { .. } => ErrorKind::RateLimited,
            Error::NotEnabled { .. } => ErrorKind::NotEnabled,
            Error::NotFound { .. } => ErrorKind::NotFound,
            Error::Api { .. } | Error::Redirect { .. } => ErrorKind::Api,
            Error::Stream { .. } => ErrorKind::Stream,
            Error::Truncated { .. } => ErrorKind::Truncated,
            Error::Protocol { .. } => ErrorKind::Protocol,
            Error::LimitExceeded { .. } => ErrorKind::LimitExceeded,
            Error::Cancelled { .. } => ErrorKind::Cancelled,
            Error::ConnectionLost { .. } => ErrorKind::ConnectionLost,
            Error::Io { .. } => ErrorKind::Io,
            Error::WsAuth { .. } => ErrorKind::WsAuth,
            Error::MissingScope { .. } => ErrorKind::MissingScope,
            Error::ProtocolMismatch { .. } => ErrorKind::ProtocolMismatch,
            Error::PairingRequired { .. } => ErrorKind::PairingRequired,
            Error::Rpc { .. } => ErrorKind::Rpc,
            Error::Disconnected { .. } => ErrorKind::Disconnected,
        }
    }

    /// The text that arrived on a stream before this error (empty when none).
    pub fn partial_text(&self) -> &str {
        match self {
            Error::Timeout { partial, .. }
            | Error::Stream { partial, .. }
            | Error::Truncated { partial, .. }
            | Error::LimitExceeded { partial, .. }
            | Error::Protocol { partial, .. }
            | Error::ConnectionLost { partial, .. }
            | Error::Disconnected { partial, .. }
            | Error::Cancelled { partial } => partial,
            _ => "",
        }
    }

    /// The HTTP status behind this error, when there was one.
    pub fn http_status(&self) -> Option<u16> {
        match self {
            Error::Unauthorized { .. } => Some(401),
            Error::Forbidden { .. } => Some(403),
            Error::RateLimited { .. } => Some(429),
            Error::NotEnabled { status, .. }
            | Error::Api { status, .. }
            | Error::Redirect { status, .. } => Some(*status),
            Error::NotFound { .. } => Some(404),
            _ => None,
        }
    }

    /// The gateway's error type (`error.type`), when it sent one.
    pub fn error_type(&self) -> Option<&str> {
        match self {
            Error::Forbidden { error_type, .. } => Some(error_type),
            Error::Api { error_type, .. }
            | Error::Stream { error_type, .. }
            | Error::NotFound { error_type, .. } => error_type.as_deref(),
            Error::Unauthorized { .. } => Some("unauthorized"),
            Error::RateLimited { .. } => Some("rate_limited"),
            Error::WsAuth { detail_code, .. } | Error::PairingRequired { detail_code, .. } => {
                Some(detail_code)
            }
            Error::MissingScope { .. } => Some("MISSING_SCOPE"),
            Error::ProtocolMismatch { .. } => Some("PROTOCOL_MISMATCH"),
            Error::Rpc {
                detail_code, code, ..
            } => Some(detail_code.as_deref().unwrap_or(code)),
            _ => None,
        }
    }

    /// The gateway's own message, verbatim, when the failure came from the gateway (an HTTP
    /// error answer or an error reported inside a stream); `None` for failures of our own
    /// (transport, timeouts, limits, invalid input). `Display` wraps it with the cause and fix.
    pub fn gateway_message(&self) -> Option<&str> {
        match self {
            Error::Unauthorized { message, .. }
            | Error::Forbidden { message, .. }
            | Error::RateLimited { message, .. }
            | Error::NotFound { message, .. }
            | Error::Api { message, .. }
            | Error::Stream { message, .. }
            | Error::WsAuth { message, .. }
            | Error::MissingScope { message, .. }
            | Error::PairingRequired { message, .. }
            | Error::Rpc { message, .. } => Some(message),
            _ => None,
        }
    }

    /// The gateway's machine-readable error code (`error.code`; for a WebSocket request the
    /// frame's `error.code`, e.g. `INVALID_REQUEST`), when it sent one.
    pub fn error_code(&self) -> Option<&str> {
        match self {
            Error::Api { code, .. } | Error::Stream { code, .. } => code.as_deref(),
            Error::Rpc { code, .. } => Some(code),
            _ => None,
        }
    }

    /// `Retry-After`, when the gateway sent one.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::RateLimited { retry_after, .. }
            | Error::Api { retry_after, .. }
            | Error::Rpc { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// Attaches stream text received so far to errors that carry partial text.
    pub(crate) fn with_partial(mut self, text: &str) -> Self {
        match &mut self {
            Error::Timeout { partial, .. }
            | Error::Stream { partial, .. }
            | Error::Truncated { partial, .. }
            | Error::LimitExceeded { partial, .. }
            | Error::Protocol { partial, .. }
            | Error::ConnectionLost { partial, .. }
            | Error::Disconnected { partial, .. }
            | Error::Cancelled { partial }
                if partial.is_empty() =>
            {
                partial.push_str(text);
            }
            _ => {}
        }
        self
    }

    pub(crate) fn invalid(msg: impl Into<String>) -> Self {
        Error::InvalidInput(msg.into())
    }

    pub(crate) fn protocol(msg: impl Into<String>) -> Self {
        Error::Protocol {
            message: msg.into(),
            partial: String::new(),
        }
    }
}

/// Shorthand for `Result<T, openclaw_client::Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The longest text of the gateway's that an error keeps, in bytes (8 KiB): longer messages
/// are cut (at a character boundary) with an ellipsis and their full length noted, so a
/// hostile or broken gateway cannot make an error (or the C last-error text) arbitrarily large.
pub const MAX_ERROR_TEXT_BYTES: usize = 8 * 1024;

/// `text` when it fits in [`MAX_ERROR_TEXT_BYTES`], else its start, an ellipsis and the
/// original length.
pub(crate) fn capped_text(text: &str) -> String {
    if text.len() <= MAX_ERROR_TEXT_BYTES {
        return text.to_owned();
    }
    let mut end = MAX_ERROR_TEXT_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    cut_note(&text[..end], text.len())
}

/// [`capped_text`] for bytes that may not be UTF-8 (only the start is converted).
pub(crate) fn capped_bytes(bytes: &[u8]) -> String {
    if bytes.len() <= MAX_ERROR_TEXT_BYTES {
        return String::from_utf8_lossy(bytes).into_owned();
    }
    let start = &bytes[..MAX_ERROR_TEXT_BYTES];
    // Drop a character cut in two by the limit rather than show U+FFFD for it.
    let valid = match std::str::from_utf8(start) {
        Ok(_) => start.len(),
        Err(e) if e.error_len().is_none() => e.valid_up_to(),
        Err(_) => start.len(),
    };
    cut_note(&String::from_utf8_lossy(&start[..valid]), bytes.len())
}

fn cut_note(shown: &str, total: usize) -> String {
    format!(
        "{shown}… [cut: {total} bytes in all, the first {} shown]",
        shown.len()
    )
}
