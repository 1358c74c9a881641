//! What every request kind shares at the C boundary: the call-option setters (four timeouts,
//! cancel token, retries off) and the routing setters (target, agent, session key, channel,
//! model override, extra headers), each written once here and called in one line by the
//! `openclaw_<kind>_set_*` functions of chat requests, responses requests and tool calls.
//!
//! Routing values are checked **when set**, by the one rule of
//! [`crate::validate::validate_route`] (and [`crate::validate::validate_extra_header`]) — the
//! same rule the Rust request types apply before sending — so every request kind refuses the
//! same values at the same moment.

use std::ffi::c_char;
use std::time::Duration;

use super::cancel::openclaw_cancel_token;
use super::error::{Failure, openclaw_result};
use super::handle::{Boxed, Handle, with_mut};
use super::{opt_str_arg, str_arg};
use crate::options::CallOptions;
use crate::validate::{RouteField, agent_session_key, validate_extra_header, validate_route};

/// A request kind that carries [`CallOptions`].
pub(crate) trait Request: Handle<Owner = Boxed> {
    /// The per-call options.
    fn options(&mut self) -> &mut CallOptions;
}

/// A request kind that carries routing values.
pub(crate) trait Routed: Request {
    /// The slot of `field`, or `None` when this kind has no such field (its C setter is then
    /// not exported).
    fn route(&mut self, field: RouteField) -> Option<&mut Option<String>>;
    /// The extra headers, or `None` when this kind sends none.
    fn headers(&mut self) -> Option<&mut Vec<(String, String)>>;
}

/// Implements [`Request`] and [`Routed`] for a request handle whose `req` has the routing
/// fields every agent request carries (`target`, `agent_id`, `session_key`, `channel`,
/// `model_override`, `extra_headers`) and `options`: chat and responses requests.
macro_rules! routed_request {
    ($handle:ty) => {
        impl $crate::ffi::request::Request for $handle {
            fn options(&mut self) -> &mut $crate::options::CallOptions {
                &mut self.req.options
            }
        }

        impl $crate::ffi::request::Routed for $handle {
            fn route(
                &mut self,
                field: $crate::validate::RouteField,
            ) -> Option<&mut Option<String>> {
                use $crate::validate::RouteField;
                let r = &mut self.req;
                Some(match field {
                    RouteField::Target => &mut r.target,
                    RouteField::Agent => &mut r.agent_id,
                    RouteField::SessionKey => &mut r.session_key,
                    RouteField::Channel => &mut r.channel,
                    RouteField::ModelOverride => &mut r.model_override,
                })
            }
            fn headers(&mut self) -> Option<&mut Vec<(String, String)>> {
                Some(&mut self.req.extra_headers)
            }
        }
    };
}
pub(crate) use routed_request;

/// Which timeout a setter overrides.
#[derive(Clone, Copy)]
pub(crate) enum Timeout {
    Connect,
    Response,
    Idle,
    Total,
}

/// A millisecond count from C: 0 means no limit.
pub(crate) fn ms(v: u64) -> Option<Duration> {
    (v > 0).then(|| Duration::from_millis(v))
}

/// Body of `openclaw_<kind>_set_<which>_timeout_ms` (0 = no limit).
///
/// # Safety
/// `req` is NULL or a live request of this kind, changed by one thread at a time.
pub(crate) unsafe fn set_timeout<T: Request>(
    req: *mut T,
    which: Timeout,
    v: u64,
) -> openclaw_result {
    // SAFETY: forwarded contract.
    unsafe {
        with_mut(req, "req", |r| {
            let o = std::mem::take(r.options());
            *r.options() = match which {
                Timeout::Connect => o.connect_timeout(ms(v)),
                Timeout::Response => o.response_timeout(ms(v)),
                Timeout::Idle => o.idle_timeout(ms(v)),
                Timeout::Total => o.total_timeout(ms(v)),
            };
            Ok(())
        })
    }
}

/// Body of `openclaw_<kind>_set_cancel_token` (the request keeps its own reference).
///
/// # Safety
/// `req` as [`set_timeout`]; `token` is NULL or a live cancel token.
pub(crate) unsafe fn set_cancel<T: Request>(
    req: *mut T,
    token: *const openclaw_cancel_token,
) -> openclaw_result {
    // SAFETY: forwarded contract.
    unsafe {
        with_mut(req, "req", |r| {
            let t = openclaw_cancel_token::arg(token, "token")?;
            *r.options() = std::mem::take(r.options()).cancel_token(t.token.clone());
            Ok(())
        })
    }
}

/// Body of `openclaw_<kind>_set_no_retry`.
///
/// # Safety
/// As [`set_timeout`].
pub(crate) unsafe fn set_no_retry<T: Request>(req: *mut T, no_retry: bool) -> openclaw_result {
    // SAFETY: forwarded contract.
    unsafe {
        with_mut(req, "req", |r| {
            r.options().no_retry = no_retry;
            Ok(())
        })
    }
}

/// Body of `openclaw_<kind>_set_trace_context`: a W3C `traceparent` (and an optional
/// `tracestate`) sent with the calls of this request; NULL `traceparent` clears it (each call
/// then sends a fresh one).
///
/// # Safety
/// As [`set_timeout`]; the strings are NULL or NUL-terminated.
pub(crate) unsafe fn set_trace<T: Request>(
    req: *mut T,
    traceparent: *const c_char,
    tracestate: *const c_char,
) -> openclaw_result {
    // SAFETY: forwarded contract.
    unsafe {
        with_mut(req, "req", |r| {
            let tp = opt_str_arg(traceparent, "traceparent")?;
            let ts = opt_str_arg(tracestate, "tracestate")?;
            let options = std::mem::take(r.options());
            *r.options() = match tp {
                Some(tp) => options.trace_context(crate::trace::TraceParent::parse(tp)?, ts)?,
                None => options.without_trace(),
            };
            Ok(())
        })
    }
}

/// Body of a routing setter: NULL clears the value; a value is checked by the one rule of its
/// field now.
///
/// # Safety
/// As [`set_timeout`]; `value` is NULL or NUL-terminated.
pub(crate) unsafe fn set_route<T: Routed>(
    req: *mut T,
    field: RouteField,
    value: *const c_char,
) -> openclaw_result {
    // SAFETY: forwarded contract.
    unsafe {
        with_mut(req, "req", |r| {
            let v = opt_str_arg(value, "value")?;
            if let Some(v) = v {
                validate_route(field, v)?;
            }
            *slot(r, field)? = v.map(str::to_owned);
            Ok(())
        })
    }
}

/// Body of `openclaw_<kind>_set_agent_session_key`: `agent:<agent_id>:<key>`, checked now.
///
/// # Safety
/// As [`set_timeout`]; both strings NUL-terminated.
pub(crate) unsafe fn set_agent_session_key<T: Routed>(
    req: *mut T,
    agent_id: *const c_char,
    key: *const c_char,
) -> openclaw_result {
    // SAFETY: forwarded contract.
    unsafe {
        with_mut(req, "req", |r| {
            let (a, k) = (str_arg(agent_id, "agent_id")?, str_arg(key, "key")?);
            *slot(r, RouteField::SessionKey)? = Some(agent_session_key(a, k)?);
            Ok(())
        })
    }
}

/// Body of `openclaw_<kind>_add_header`: name and value checked now.
///
/// # Safety
/// As [`set_timeout`]; both strings NUL-terminated.
pub(crate) unsafe fn add_header<T: Routed>(
    req: *mut T,
    name: *const c_char,
    value: *const c_char,
) -> openclaw_result {
    // SAFETY: forwarded contract.
    unsafe {
        with_mut(req, "req", |r| {
            let (n, v) = (str_arg(name, "name")?, str_arg(value, "value")?);
            validate_extra_header(n, v)?;
            r.headers()
                .ok_or_else(|| Failure::invalid("this request kind sends no extra headers"))?
                .push((n.into(), v.into()));
            Ok(())
        })
    }
}

fn slot<T: Routed>(r: &mut T, field: RouteField) -> Result<&mut Option<String>, Failure> {
    r.route(field)
        .ok_or_else(|| Failure::invalid(format!("this request kind has no {}", field.describe())))
}
