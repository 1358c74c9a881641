//! Per-call settings shared by every request kind: the four timeouts and their defaults, and
//! [`CallOptions`] (timeout overrides, a cancel token, retries off). A leaf module: it knows no
//! transport.

use std::time::Duration;

use crate::cancel::CancelToken;
use crate::trace::TraceParent;

/// The four timeouts of a call. `None` means no limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// DNS, TCP connect and TLS handshake (default 10 s).
    pub connect: Option<Duration>,
    /// Sending the request and waiting for the response headers (default 600 s).
    pub response: Option<Duration>,
    /// Longest silence between reads of a body (default 300 s).
    pub idle: Option<Duration>,
    /// The whole call including the body (default none).
    pub total: Option<Duration>,
}

/// Default connect timeout.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default response-headers timeout.
pub const DEFAULT_RESPONSE_TIMEOUT: Duration = Duration::from_secs(600);
/// Default idle (per-read) timeout.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(300);

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Some(DEFAULT_CONNECT_TIMEOUT),
            response: Some(DEFAULT_RESPONSE_TIMEOUT),
            idle: Some(DEFAULT_IDLE_TIMEOUT),
            total: None,
        }
    }
}

/// Per-call settings: timeout overrides and a cancel token.
#[derive(Debug, Clone, Default)]
pub struct CallOptions {
    connect: Option<Option<Duration>>,
    response: Option<Option<Duration>>,
    idle: Option<Option<Duration>>,
    total: Option<Option<Duration>>,
    cancel: Option<CancelToken>,
    pub(crate) no_retry: bool,
    trace: Option<(TraceParent, Option<String>)>,
}

impl CallOptions {
    /// No overrides.
    pub fn new() -> Self {
        Self::default()
    }
    /// Overrides the connect timeout for this call (`None` = no limit).
    pub fn connect_timeout(mut self, t: Option<Duration>) -> Self {
        self.connect = Some(t);
        self
    }
    /// Overrides the response-headers timeout for this call (`None` = no limit).
    pub fn response_timeout(mut self, t: Option<Duration>) -> Self {
        self.response = Some(t);
        self
    }
    /// Overrides the idle (per-read) timeout for this call (`None` = no limit).
    pub fn idle_timeout(mut self, t: Option<Duration>) -> Self {
        self.idle = Some(t);
        self
    }
    /// Overrides the total timeout for this call (`None` = no limit).
    pub fn total_timeout(mut self, t: Option<Duration>) -> Self {
        self.total = Some(t);
        self
    }
    /// Attaches a cancel token: [`CancelToken::cancel`] from any thread ends the call at once.
    pub fn cancel_token(mut self, token: CancelToken) -> Self {
        self.cancel = Some(token);
        self
    }
    /// Turns the client's retry policy off for this call.
    pub fn no_retry(mut self) -> Self {
        self.no_retry = true;
        self
    }
    /// Sends this W3C trace context (`traceparent`, and `tracestate` when given) with the call,
    /// so that the gateway's logs can be joined with the caller's. Without it each call sends
    /// a fresh `traceparent` of its own (readable from a stream with `traceparent()`). A
    /// malformed `tracestate` is [`crate::Error::InvalidInput`].
    pub fn trace_context(
        mut self,
        traceparent: TraceParent,
        tracestate: Option<&str>,
    ) -> crate::error::Result<Self> {
        if let Some(ts) = tracestate {
            crate::trace::validate_tracestate(ts)?;
        }
        self.trace = Some((traceparent, tracestate.map(str::to_owned)));
        Ok(self)
    }
    /// Drops the trace context: each call sends a fresh `traceparent`.
    pub fn without_trace(mut self) -> Self {
        self.trace = None;
        self
    }
    /// The trace context set with [`CallOptions::trace_context`].
    pub fn trace(&self) -> Option<(&TraceParent, Option<&str>)> {
        self.trace.as_ref().map(|(tp, ts)| (tp, ts.as_deref()))
    }
    /// The attached cancel token.
    pub fn cancel(&self) -> Option<&CancelToken> {
        self.cancel.as_ref()
    }
    /// The timeouts in force when applied over `base`.
    pub fn apply(&self, base: Timeouts) -> Timeouts {
        Timeouts {
            connect: self.connect.unwrap_or(base.connect),
            response: self.response.unwrap_or(base.response),
            idle: self.idle.unwrap_or(base.idle),
            total: self.total.unwrap_or(base.total),
        }
    }
}
