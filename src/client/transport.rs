//! URL handling, sending requests, and turning non-success answers into typed errors.

use std::time::{Duration, Instant};

use ureq::http;

use super::{CallOptions, Client, Timeouts};
use crate::cancel::{CancelToken, Registration};
use crate::trace::TraceParent;
use std::fmt;

use crate::error::{ConnectFailure, Endpoint, Error, Result, TimeoutPhase};

/// Maximum bytes of an error body read to build the message.
pub(crate) const MAX_ERROR_BODY: u64 = 64 * 1024;
/// Maximum bytes of a JSON success body.
pub(crate) const MAX_JSON_BODY: u64 = 64 * 1024 * 1024;

/// A parsed, normalized base URL.
#[derive(Debug, Clone)]
pub(crate) struct BaseUrl {
    /// `scheme://host[:port][/prefix]`, no trailing slash.
    pub(crate) full: String,
    pub(crate) host: String,
}

impl BaseUrl {
    pub(crate) fn parse(input: &str) -> Result<BaseUrl> {
        // Long on purpose (~85 lines): every rule a base URL must meet, in the order of its parts
        // (scheme, credentials, host, port, path), each with its own error text.
        // The input may carry a password or a token: only its redacted form is shown.
        let bad = |why: &str| {
            Error::invalid(format!(
                "gateway URL {:?} is not valid: {why}",
                crate::redact::url(input)
            ))
        };
        let s = input.trim_matches(' ');
        if s.bytes().any(|b| b <= b' ' || b == 0x7f) {
            return Err(bad("it contains spaces or control characters"));
        }
        let lower = s.to_ascii_lowercase();
        let (scheme, rest) = if lower.starts_with("http://") {
            ("http", &s[7..])
        } else if lower.starts_with("https://") {
            ("https", &s[8..])
        } else if lower.starts_with("ws://") || lower.starts_with("wss://") {
            return Err(bad(
                "use http:// or https:// (the HTTP API shares the WebSocket port)",
            ));
        } else {
            return Err(bad("it must start with http:// or https://"));
        };
        if rest.contains(['?', '#']) {
            return Err(bad(
                "no query string or fragment is allowed; set the token or password with the token setting (OPENCLAW_GATEWAY_TOKEN), never in the URL",
            ));
        }
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, ""),
        };
        if authority.contains('@') {
            return Err(bad(
                "credentials in the URL are not allowed; set the token or password instead",
            ));
        }
        let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
            let end = v6
                .find(']')
                .ok_or_else(|| bad("unclosed [ in the IPv6 host"))?;
            let after = &v6[end + 1..];
            let port = match after.strip_prefix(':') {
                Some(p) => Some(p),
                None if after.is_empty() => None,
                None => return Err(bad("unexpected text after the IPv6 host")),
            };
            (&authority[..end + 2], port)
        } else {
            match authority.rsplit_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (authority, None),
            }
        };
        if host.is_empty() || host == "[]" {
            return Err(bad("the host is missing"));
        }
        if !host.starts_with('[')
            && !host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-' || b == b'_')
        {
            return Err(bad("the host contains characters that are not allowed"));
        }
        if let Some(p) = port
            && (p.is_empty()
                || p.len() > 5
                || !p.bytes().all(|b| b.is_ascii_digit())
                || p.parse::<u32>().unwrap_or(0) > 65535
                || p.parse::<u32>().unwrap_or(0) == 0)
        {
            return Err(bad("the port must be a number from 1 to 65535"));
        }
        let prefix = path.trim_end_matches('/');
        let mut full = format!("{scheme}://{}", host.to_ascii_lowercase());
        if let Some(p) = port {
            full.push(':');
            full.push_str(p);
        }
        full.push_str(prefix);
        Ok(BaseUrl {
            full,
            host: host.to_ascii_lowercase(),
        })
    }

    /// Whether the host is this machine, decided from the parsed address, never from its
    /// spelling: `localhost` and `*.localhost` (with or without the root dot); every IPv4
    /// spelling that resolvers and URL parsers accept (`127.1`, `0x7f.0.0.1`, `0177.0.0.1`,
    /// `2130706433`, a trailing dot) of an address in 127.0.0.0/8 or of 0.0.0.0; IPv6 `::1` and
    /// `::` in any spelling, with or without a zone, and IPv4-mapped `::ffff:127.x.y.z`.
    pub(crate) fn is_loopback(&self) -> bool {
        use std::net::{Ipv4Addr, Ipv6Addr};

        /// An IPv4 address as `inet_aton` and the WHATWG URL parser read it: one to four
        /// dot-separated numbers, each decimal, `0x` hex or `0` octal; the last one fills the
        /// remaining bytes.
        fn ipv4(s: &str) -> Option<Ipv4Addr> {
            let s = s.strip_suffix('.').unwrap_or(s);
            let mut nums = Vec::with_capacity(4);
            for part in s.split('.') {
                let (digits, radix) = match part.strip_prefix("0x").or(part.strip_prefix("0X")) {
                    Some(hex) => (hex, 16),
                    None if part.len() > 1 && part.starts_with('0') => (&part[1..], 8),
                    None => (part, 10),
                };
                if (digits.is_empty() && radix != 16)
                    || !digits.chars().all(|c| c.is_digit(radix))
                    || nums.len() == 4
                {
                    return None;
                }
                let n = if digits.is_empty() {
                    0
                } else {
                    u64::from_str_radix(digits, radix).ok()?
                };
                nums.push(n);
            }
            let (last, init) = nums.split_last()?;
            if init.iter().any(|&n| n > 255) || *last >> (8 * (4 - init.len())) != 0 {
                return None;
            }
            let v = init
                .iter()
                .enumerate()
                .fold(*last, |v, (i, &n)| v | n << (24 - 8 * i));
            Some(Ipv4Addr::from(u32::try_from(v).ok()?))
        }
        let this_host = |a: Ipv4Addr| a.is_loopback() || a.is_unspecified();

        let h = self.host.as_str();
        if let Some(inner) = h.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
            let addr = inner.split('%').next().unwrap_or(inner);
            return addr.parse::<Ipv6Addr>().is_ok_and(|a| {
                a.is_loopback() || a.is_unspecified() || a.to_ipv4_mapped().is_some_and(this_host)
            });
        }
        let name = h.strip_suffix('.').unwrap_or(h);
        name == "localhost" || name.ends_with(".localhost") || ipv4(h).is_some_and(this_host)
    }
}

/// Percent-encodes one path segment.
pub(crate) fn encode_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Which credential a call carries.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Auth {
    /// None (probes).
    None,
    /// The gateway token/password.
    Gateway,
    /// The webhooks token.
    Hooks,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Method {
    Get,
    Post,
}

/// One request to send.
pub(crate) struct Call<'a> {
    pub(crate) method: Method,
    pub(crate) path: &'a str,
    pub(crate) endpoint: Endpoint,
    pub(crate) body: Option<&'a [u8]>,
    pub(crate) headers: Vec<(&'a str, &'a str)>,
    pub(crate) auth: Auth,
    pub(crate) streaming: bool,
    /// The gateway deduplicates this request by the idempotency key it carries (only
    /// `/hooks/agent` does), so it may be sent again after a connection loss.
    pub(crate) idempotent: bool,
    pub(crate) options: &'a CallOptions,
}

impl<'a> Call<'a> {
    /// A POST with a JSON body, the gateway credential, no extra header, not streaming.
    pub(crate) fn post(
        path: &'a str,
        endpoint: Endpoint,
        body: &'a [u8],
        options: &'a CallOptions,
    ) -> Self {
        Call {
            method: Method::Post,
            path,
            endpoint,
            body: Some(body),
            headers: Vec::new(),
            auth: Auth::Gateway,
            streaming: false,
            idempotent: false,
            options,
        }
    }
    /// A GET with the gateway credential, not streaming.
    pub(crate) fn get(path: &'a str, endpoint: Endpoint, options: &'a CallOptions) -> Self {
        Call {
            method: Method::Get,
            path,
            endpoint,
            body: None,
            headers: Vec::new(),
            auth: Auth::Gateway,
            streaming: false,
            idempotent: false,
            options,
        }
    }
    /// Adds headers.
    pub(crate) fn headers(mut self, h: Vec<(&'a str, &'a str)>) -> Self {
        self.headers = h;
        self
    }
    /// Uses another credential.
    pub(crate) fn auth(mut self, a: Auth) -> Self {
        self.auth = a;
        self
    }
    /// Asks for an event stream.
    pub(crate) fn streaming(mut self) -> Self {
        self.streaming = true;
        self
    }
    /// Marks the request as deduplicated by the gateway (see [`Call::idempotent`]).
    pub(crate) fn idempotent(mut self) -> Self {
        self.idempotent = true;
        self
    }
    /// Whether sending this request twice cannot run anything twice: reads, and requests
    /// the gateway deduplicates.
    fn replay_safe(&self) -> bool {
        self.method == Method::Get || self.idempotent
    }
}

/// A response with a success status (or any status, for `send_raw`).
pub(crate) struct Sent {
    pub(crate) response: http::Response<ureq::Body>,
    pub(crate) registration: Option<Registration>,
    pub(crate) timeouts: Timeouts,
    pub(crate) status: u16,
    /// When the call started (its first attempt), opened its connection (`None`: reused), and
    /// got the response headers.
    pub(crate) started: Instant,
    pub(crate) connected: Option<Instant>,
    pub(crate) headers_at: Instant,
    /// The W3C `traceparent` the call carried.
    pub(crate) traceparent: TraceParent,
}

impl Sent {
    pub(crate) fn content_type(&self) -> String {
        header(&self.response, "content-type").unwrap_or_default()
    }
}

pub(crate) fn header(r: &http::Response<ureq::Body>, name: &str) -> Option<String> {
    r.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// The media type of a Content-Type header, lower-cased, without parameters.
pub(crate) fn media_type(ct: &str) -> String {
    ct.split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

pub(crate) fn is_json(ct: &str) -> bool {
    let m = media_type(ct);
    m == "application/json" || m.ends_with("+json")
}

impl Client {
    /// Sends a call and returns the response whatever its status.
    pub(crate) fn send_raw(&self, call: &Call<'_>) -> Result<Sent> {
        let inner = &self.inner;
        let timeouts = call.options.apply(inner.timeouts);
        let cancel = call.options.cancel();
        if cancel.is_some_and(|c| c.is_cancelled()) {
            return Err(Error::Cancelled {
                partial: String::new(),
            });
        }
        // The caller's trace context, or a fresh one for this call.
        let traceparent = call
            .options
            .trace()
            .map_or_else(TraceParent::generate, |(tp, _)| *tp);
        let request = self.request_head(call, &traceparent)?;
        let (agent, registration) = self.agent_for(cancel);
        let started = Instant::now();
        log::debug!(
            "{} {} agent={} (stream={}) traceparent={traceparent}",
            if call.method == Method::Get {
                "GET"
            } else {
                "POST"
            },
            call.path,
            inner.agent_id,
            call.streaming
        );
        let built = |e: http::Error| Error::invalid(format!("cannot build the request: {e}"));
        super::net::clear_connected();
        let result = match call.body {
            Some(body) => {
                let req = request.body(body).map_err(built)?;
                agent.run(configure(&agent, req, &timeouts, call.streaming))
            }
            None => {
                let req = request.body(()).map_err(built)?;
                agent.run(configure(&agent, req, &timeouts, call.streaming))
            }
        };
        let response = match result {
            Ok(r) => r,
            Err(_) if cancel.is_some_and(|c| c.is_cancelled()) => {
                return Err(Error::Cancelled {
                    partial: String::new(),
                });
            }
            Err(e) => {
                let err = map_ureq(e, &inner.base.full, &timeouts);
                log::debug!("{} failed after {:?}: {err}", call.path, started.elapsed());
                return Err(err);
            }
        };
        let status = response.status().as_u16();
        log::debug!("{} -> {status} in {:?}", call.path, started.elapsed());
        Ok(Sent {
            response,
            registration,
            timeouts,
            status,
            started,
            connected: super::net::connected_at(),
            headers_at: Instant::now(),
            traceparent,
        })
    }

    /// The request line and headers of a call: the credential, content negotiation, and the
    /// call's own headers, each sent once.
    fn request_head(
        &self,
        call: &Call<'_>,
        traceparent: &TraceParent,
    ) -> Result<http::request::Builder> {
        let inner = &self.inner;
        let mut b = http::Request::builder()
            .method(match call.method {
                Method::Get => http::Method::GET,
                Method::Post => http::Method::POST,
            })
            .uri(format!("{}{}", inner.base.full, call.path));
        let secret = match call.auth {
            Auth::None => None,
            Auth::Gateway => inner
                .secret
                .read()
                .unwrap_or_else(|p| p.into_inner())
                .clone(),
            Auth::Hooks => inner.hooks_token.clone(),
        };
        if let Some(s) = secret.as_ref() {
            let mut v =
                http::HeaderValue::from_str(&format!("Bearer {}", s.expose())).map_err(|_| {
                    Error::invalid("the gateway token/password cannot be sent in a header")
                })?;
            v.set_sensitive(true);
            b = b.header(http::header::AUTHORIZATION, v);
        }
        b = b.header(
            http::header::ACCEPT,
            if call.streaming {
                "text/event-stream"
            } else {
                "application/json"
            },
        );
        if call.streaming {
            // A compressing proxy would buffer a compressed stream.
            b = b.header(http::header::ACCEPT_ENCODING, "identity");
        }
        if call.body.is_some() {
            b = b.header(http::header::CONTENT_TYPE, "application/json");
        }
        b = b.header("traceparent", traceparent.to_string());
        if let Some((_, Some(state))) = call.options.trace() {
            b = b.header("tracestate", state);
        }
        // One precedence rule, each header sent once: the library's own headers above cannot
        // be overridden (`validate_header_name` rejects their names), and among the call's
        // headers the first of each name wins; calls list their typed settings (agent,
        // session, channel, model override) before the caller's extra headers.
        let mut sent_names: Vec<&str> = Vec::with_capacity(call.headers.len());
        for (n, v) in &call.headers {
            if sent_names.iter().any(|s| s.eq_ignore_ascii_case(n)) {
                continue;
            }
            crate::validate::validate_header_name(n)?;
            crate::validate::validate_header_value(&format!("header {n}"), v)?;
            sent_names.push(n);
            b = b.header(*n, *v);
        }
        Ok(b)
    }

    /// The agent a call runs on: the shared pool, or for a call with a cancel token an agent
    /// (own connection) of its own, registered with the token so that cancelling can close it
    /// and its connect and resolve steps watch the token's flag.
    fn agent_for(&self, cancel: Option<&CancelToken>) -> (ureq::Agent, Option<Registration>) {
        let inner = &self.inner;
        match cancel {
            Some(token) => {
                let flag = Some(token.flag());
                let agent = ureq::Agent::with_parts(
                    inner.config.clone(),
                    super::net::connector(&inner.tls, flag.clone()),
                    super::net::resolver(flag),
                );
                let reg = token.register(&agent);
                (agent, Some(reg))
            }
            None => (inner.agent.clone(), None),
        }
    }

    /// Sends a call, retrying per the client's [`super::RetryPolicy`] (only before any response
    /// body is handed out); non-success answers become typed errors.
    pub(crate) fn send(&self, call: &Call<'_>) -> Result<Sent> {
        self.send_accepting(call, &[])
    }

    /// [`Client::send`], also returning answers whose status is in `accept` (e.g. a probe's
    /// 503 "not ready") as they are, without retrying them.
    pub(crate) fn send_accepting(&self, call: &Call<'_>, accept: &[u16]) -> Result<Sent> {
        let policy = if call.options.no_retry {
            super::RetryPolicy::none()
        } else {
            self.inner.retry
        };
        let mut attempt = 0;
        let started = Instant::now();
        loop {
            let (failure, err) = match self.send_raw(call) {
                Ok(mut sent)
                    if (200..300).contains(&sent.status) || accept.contains(&sent.status) =>
                {
                    sent.started = started;
                    return Ok(sent);
                }
                Ok(mut sent) => {
                    let err = self.error_of(call.endpoint, &mut sent);
                    if !matches!(sent.status, 429 | 503) {
                        return Err(err);
                    }
                    (
                        super::retry::Failure::Status {
                            retry_after: err.retry_after(),
                        },
                        err,
                    )
                }
                Err(e) if super::retry::transport_retryable(&e, call.replay_safe()) => {
                    (super::retry::Failure::Transport, e)
                }
                Err(e) => return Err(e),
            };
            let Some(delay) = policy.delay_for(attempt, &failure) else {
                return Err(err);
            };
            attempt += 1;
            log::debug!(
                "retrying {} in {delay:?} (retry {attempt} of {}): {err}",
                call.path,
                policy.max_retries
            );
            super::retry::wait(delay, call.options.cancel())?;
        }
    }

    /// Turns a success answer into a buffered event-stream reader (checking the content type)
    /// and the context a stream needs for cancellation and error mapping.
    pub(crate) fn event_stream(
        &self,
        endpoint: Endpoint,
        sent: Sent,
    ) -> Result<(crate::stream::Body, crate::stream::ReadContext)> {
        let ct = sent.content_type();
        if media_type(&ct) != "text/event-stream" {
            return Err(unexpected_content(endpoint, sent.status, &ct));
        }
        let body = crate::stream::Body::new(std::io::BufReader::with_capacity(
            16 * 1024,
            sent.response.into_body().into_reader(),
        ));
        let ctx = crate::stream::ReadContext {
            registration: sent.registration,
            timeouts: sent.timeouts,
            url: self.inner.base.full.clone(),
            map_io: Some(|e, url, t| map_ureq(ureq::Error::from(e), url, t)),
            clock: crate::timing::Clock::new(sent.started, sent.connected, sent.headers_at),
            traceparent: Some(sent.traceparent),
            refills: Some(body.refills()),
        };
        Ok((body, ctx))
    }

    /// Reads a (bounded) error body and classifies it.
    pub(crate) fn error_of(&self, endpoint: Endpoint, sent: &mut Sent) -> Error {
        let ct = sent.content_type();
        let retry_after = header(&sent.response, "retry-after");
        let location = header(&sent.response, "location");
        let body = read_error_body(sent, MAX_ERROR_BODY);
        classify(
            endpoint,
            sent.status,
            &ct,
            retry_after.as_deref(),
            location.as_deref(),
            &body,
        )
    }

    /// Reads a JSON success body (checking the content type).
    pub(crate) fn json_body(&self, endpoint: Endpoint, mut sent: Sent) -> Result<Vec<u8>> {
        let ct = sent.content_type();
        if !is_json(&ct) {
            return Err(unexpected_content(endpoint, sent.status, &ct));
        }
        let base = self.inner.base.full.clone();
        read_limited(&mut sent, MAX_JSON_BODY).map_err(|e| match e {
            Error::Connect { message, .. } | Error::ConnectionLost { message, .. } => {
                Error::Truncated {
                    partial: String::new(),
                    reason: format!(
                        "the connection broke while reading the response from {base}: {message}"
                    ),
                }
            }
            other => other,
        })
    }
}

fn configure<S: ureq::AsSendBody>(
    agent: &ureq::Agent,
    req: http::Request<S>,
    t: &Timeouts,
    streaming: bool,
) -> http::Request<S> {
    let c = agent
        .configure_request(req)
        .timeout_connect(t.connect)
        .timeout_recv_response(t.response)
        .timeout_global(t.total);
    if streaming {
        // Idle applies to every read of the open-ended body.
        c.timeout_per_read(t.idle).build()
    } else {
        // The headers of a non-stream call come after the whole agent turn: only the response
        // limit applies there; the idle limit bounds the body read.
        c.timeout_per_read(None).timeout_recv_body(t.idle).build()
    }
}

/// Reads at most `limit + 1` bytes of the (decoded) body into `out`, which keeps what arrived
/// before a failure.
fn read_body_into(sent: &mut Sent, limit: u64, out: &mut Vec<u8>) -> std::io::Result<()> {
    use std::io::Read;
    // Room for the whole body up front (its Content-Length, else 8 KiB; at most 64 KiB
    // before any byte arrived): each read goes through ureq's reader chain (about 900
    // instructions), and `read_to_end` into an empty Vec reads a small body in 5 pieces
    // instead of 2.
    let hint = sent.response.body().content_length().unwrap_or(8 * 1024);
    out.reserve(usize::try_from(hint.min(limit + 1).min(64 * 1024)).unwrap_or(0) + 1);
    let reader = sent.response.body_mut().as_reader();
    reader.take(limit + 1).read_to_end(out).map(drop)
}

/// The start of an error body: its first `limit` bytes, also when it is longer (a large or
/// highly compressed page) or the read broke off, so the message still shows what the server
/// said.
fn read_error_body(sent: &mut Sent, limit: u64) -> Vec<u8> {
    let mut out = Vec::new();
    let _ = read_body_into(sent, limit, &mut out);
    out.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    out
}

fn read_limited(sent: &mut Sent, limit: u64) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    read_body_into(sent, limit, &mut out)
        .map_err(|e| map_ureq(ureq::Error::from(e), "the gateway", &sent.timeouts))?;
    if out.len() as u64 > limit {
        return Err(Error::LimitExceeded {
            what: "the response body",
            limit,
            partial: String::new(),
        });
    }
    Ok(out)
}

/// The error for a success status whose content type is not the expected one.
pub(crate) fn unexpected_content(endpoint: Endpoint, status: u16, ct: &str) -> Error {
    let m = media_type(ct);
    if endpoint.is_v1() && !is_json(ct) && m != "text/event-stream" {
        return Error::NotEnabled {
            endpoint,
            status,
            detail: format!(
                "HTTP {status} with {} instead of an API answer",
                show_ct(ct)
            ),
        };
    }
    Error::protocol(format!(
        "{} answered HTTP {status} with {}, which is not what the API sends",
        endpoint.describe(),
        show_ct(ct)
    ))
}

fn show_ct(ct: &str) -> String {
    if ct.is_empty() {
        "no Content-Type".into()
    } else {
        format!("Content-Type {ct}")
    }
}

/// The fields of any of the gateway's error envelopes.
pub(crate) type Envelope = crate::json::ErrorFields;

/// Parses `{error:{message,type,code}}`, `{ok:false,error:{type,message,requiresApproval}}`,
/// `{ok:false,error:"…"}` and a failed response resource `{object:"response",error:{code,message}}`,
/// borrowed, every text capped.
pub(crate) fn parse_envelope(body: &[u8]) -> Option<Envelope> {
    let text = std::str::from_utf8(body).ok()?;
    crate::json::error_member(text).map(crate::json::error_fields)
}

fn body_text(ct: &str, body: &[u8]) -> String {
    let m = media_type(ct);
    if m == "text/html" {
        return format!("an HTML page ({} bytes), not an API answer", body.len());
    }
    let text = String::from_utf8_lossy(body);
    let t = text.trim();
    if t.is_empty() {
        return "(empty body)".into();
    }
    let mut s: String = t.chars().take(2000).collect();
    if s.len() < t.len() {
        s.push('…');
    }
    s
}

fn parse_retry_after(v: Option<&str>) -> Option<Duration> {
    v?.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// Turns a non-success answer into the typed error. The Content-Type decides how the body is
/// read.
pub(crate) fn classify(
    endpoint: Endpoint,
    status: u16,
    ct: &str,
    retry_after: Option<&str>,
    location: Option<&str>,
    body: &[u8],
) -> Error {
    let env = if is_json(ct) {
        parse_envelope(body)
    } else {
        None
    };
    classify_parsed(endpoint, status, ct, retry_after, location, env, body)
}

/// [`classify`] with the envelope already read (`None`: the body is not an error envelope).
pub(crate) fn classify_parsed(
    endpoint: Endpoint,
    status: u16,
    ct: &str,
    retry_after: Option<&str>,
    location: Option<&str>,
    env: Option<Envelope>,
    body: &[u8],
) -> Error {
    let json = is_json(ct);
    let message = env
        .as_ref()
        .and_then(|e| e.message.clone())
        .unwrap_or_else(|| body_text(ct, body));
    let retry = parse_retry_after(retry_after);
    if (300..400).contains(&status) {
        return Error::Redirect {
            status,
            location: location.unwrap_or("").to_owned(),
        };
    }
    if endpoint.has_switch() && !json && matches!(status, 404 | 405) {
        return Error::NotEnabled {
            endpoint,
            status,
            detail: format!("HTTP {status} {}", show_ct(ct)),
        };
    }
    let error_type = env.as_ref().and_then(|e| e.error_type.clone());
    match status {
        401 => Error::Unauthorized { message, endpoint },
        403 => Error::Forbidden {
            error_type: error_type.unwrap_or_else(|| "forbidden".into()),
            requires_approval: env.as_ref().is_some_and(|e| e.requires_approval),
            message,
        },
        429 => Error::RateLimited {
            retry_after: retry,
            message,
        },
        404 if json => Error::NotFound {
            error_type,
            message,
        },
        404 => Error::NotFound {
            error_type: None,
            message: format!(
                "{message} ({} is not served here: is this an OpenClaw gateway, and is the URL path prefix right?)",
                endpoint.describe()
            ),
        },
        _ => Error::Api {
            status,
            error_type,
            code: env.and_then(|e| e.code),
            message,
            retry_after: retry,
        },
    }
}
/// Maps a ureq error, given the base URL and the timeouts in force for the call. The only place
/// that knows ureq's and rustls' error types.
pub(crate) fn map_ureq(e: ureq::Error, url: &str, t: &Timeouts) -> Error {
    let connect = |failure, message: String| Error::Connect {
        url: url.to_owned(),
        failure,
        message,
    };
    match e {
        ureq::Error::Timeout(which) => Error::Timeout {
            phase: phase_of(which),
            limit: match phase_of(which) {
                TimeoutPhase::Connect => t.connect,
                TimeoutPhase::Response => t.response,
                TimeoutPhase::Idle => t.idle,
                TimeoutPhase::Total => t.total,
            },
            partial: String::new(),
        },
        ureq::Error::HostNotFound => {
            connect(ConnectFailure::Dns, "the host name did not resolve".into())
        }
        ureq::Error::ConnectionFailed => {
            connect(ConnectFailure::Refused, "the connection failed".into())
        }
        ureq::Error::ConnectProxyFailed(m) => connect(ConnectFailure::Proxy, m),
        ureq::Error::InvalidProxyUrl => Error::invalid("the proxy URL is not valid"),
        ureq::Error::Io(io) => map_io(io, url),
        ureq::Error::Tls(m) => Error::Tls {
            url: url.to_owned(),
            message: m.to_owned(),
            plain_http: false,
        },
        ureq::Error::Rustls(r) => Error::Tls {
            url: url.to_owned(),
            message: r.to_string(),
            plain_http: false,
        },
        ureq::Error::Pem(p) => Error::Tls {
            url: url.to_owned(),
            message: format!("bad PEM: {p}"),
            plain_http: false,
        },
        ureq::Error::TlsRequired => Error::Tls {
            url: url.to_owned(),
            message: "TLS is required".into(),
            plain_http: false,
        },
        ureq::Error::BadUri(m) => Error::invalid(format!("bad URL: {m}")),
        ureq::Error::Http(h) => Error::invalid(format!("bad request: {h}")),
        ureq::Error::BodyExceedsLimit(n) => Error::LimitExceeded {
            what: "the response body",
            limit: n,
            partial: String::new(),
        },
        ureq::Error::LargeResponseHeader(_, limit) => Error::LimitExceeded {
            what: "the response header",
            limit: limit as u64,
            partial: String::new(),
        },
        ureq::Error::Protocol(p) => {
            Error::protocol(format!("malformed HTTP from the gateway: {p}"))
        }
        ureq::Error::Decompress(alg, io) => {
            Error::protocol(format!("cannot decode the {alg} response body: {io}"))
        }
        other => Error::Io {
            message: other.to_string(),
        },
    }
}

/// Which timeout phase a ureq timeout belongs to.
fn phase_of(which: ureq::Timeout) -> TimeoutPhase {
    use ureq::Timeout as T;
    match which {
        T::Resolve | T::Connect => TimeoutPhase::Connect,
        T::SendRequest | T::Await100 | T::SendBody | T::RecvResponse => TimeoutPhase::Response,
        T::PerRead | T::PerWrite | T::RecvBody => TimeoutPhase::Idle,
        _ => TimeoutPhase::Total,
    }
}

/// Maps an I/O error: TLS failures (rustls reports them through io::Error), failures marked
/// [`NotSent`] (resolve, connect, handshake), and breaks after the request left.
fn map_io(io: std::io::Error, url: &str) -> Error {
    let connect = |failure, message: String| Error::Connect {
        url: url.to_owned(),
        failure,
        message,
    };
    match io {
        io if io
            .get_ref()
            .is_some_and(|inner| inner.is::<rustls::Error>()) =>
        {
            // rustls reports handshake and certificate failures through io::Error. A first
            // record that is not TLS at all is a plain-text (HTTP) answer.
            let plain_http = io
                .get_ref()
                .and_then(|i| i.downcast_ref::<rustls::Error>())
                .is_some_and(|r| {
                    matches!(
                        r,
                        rustls::Error::InvalidMessage(
                            rustls::InvalidMessage::InvalidContentType
                                | rustls::InvalidMessage::UnknownProtocolVersion
                        )
                    )
                });
            let message = if plain_http {
                format!("the server answered in plain text, not TLS ({io})")
            } else {
                io.to_string()
            };
            Error::Tls {
                url: url.to_owned(),
                message,
                plain_http,
            }
        }
        io if io.get_ref().is_some_and(|i| i.is::<NotSent>()) => {
            let failure = failure_of(io.kind());
            match io.into_inner().and_then(|i| i.downcast::<NotSent>().ok()) {
                Some(b) => match *b {
                    NotSent::Connect(message) => connect(failure, message),
                    NotSent::Handshake(message) => Error::Tls {
                        url: url.to_owned(),
                        message,
                        plain_http: true,
                    },
                    NotSent::Cancelled => Error::Cancelled {
                        partial: String::new(),
                    },
                },
                None => connect(failure, "the connection failed".into()),
            }
        }
        io => match failure_of(io.kind()) {
            // After the connect step every break may have come after the request left.
            ConnectFailure::Closed => Error::ConnectionLost {
                url: url.to_owned(),
                message: io.to_string(),
                partial: String::new(),
            },
            failure => connect(failure, io.to_string()),
        },
    }
}

fn failure_of(kind: std::io::ErrorKind) -> ConnectFailure {
    use std::io::ErrorKind as K;
    match kind {
        K::ConnectionRefused => ConnectFailure::Refused,
        K::ConnectionReset | K::ConnectionAborted | K::UnexpectedEof | K::BrokenPipe => {
            ConnectFailure::Closed
        }
        K::NotFound => ConnectFailure::Dns,
        _ => ConnectFailure::Other,
    }
}

/// Marks a transport error raised before any byte of the request was written (resolve,
/// connect, TLS handshake): such a failure is a connect or TLS error, safe to retry, and never
/// a [`Error::ConnectionLost`].
#[derive(Debug)]
pub(crate) enum NotSent {
    /// The TCP connect failed (the OS error text).
    Connect(String),
    /// The server closed or reset the connection during the TLS handshake.
    Handshake(String),
    /// The call was cancelled before the request was sent.
    Cancelled,
}

impl fmt::Display for NotSent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NotSent::Connect(m) | NotSent::Handshake(m) => f.write_str(m),
            NotSent::Cancelled => f.write_str("cancelled"),
        }
    }
}

impl std::error::Error for NotSent {}

#[cfg(test)]
mod map_tests {
    use super::*;
    use crate::error::*;
    use std::io;
    use std::time::Duration;

    fn timeouts() -> Timeouts {
        Timeouts {
            connect: Some(Duration::from_millis(1)),
            response: Some(Duration::from_millis(2)),
            idle: Some(Duration::from_millis(3)),
            total: Some(Duration::from_millis(4)),
        }
    }

    fn map(e: ureq::Error) -> Error {
        map_ureq(e, "http://gw", &timeouts())
    }

    /// Each ureq timeout is reported as the phase it belongs to, with that phase's limit.
    #[test]
    fn timeouts_name_their_phase_and_limit() {
        use ureq::Timeout as T;
        let cases = [
            (T::Resolve, TimeoutPhase::Connect, 1),
            (T::Connect, TimeoutPhase::Connect, 1),
            (T::SendRequest, TimeoutPhase::Response, 2),
            (T::SendBody, TimeoutPhase::Response, 2),
            (T::RecvResponse, TimeoutPhase::Response, 2),
            (T::PerRead, TimeoutPhase::Idle, 3),
            (T::RecvBody, TimeoutPhase::Idle, 3),
            (T::Global, TimeoutPhase::Total, 4),
        ];
        for (which, phase, ms) in cases {
            match map(ureq::Error::Timeout(which)) {
                Error::Timeout {
                    phase: p, limit, ..
                } => {
                    assert_eq!(
                        (p, limit),
                        (phase, Some(Duration::from_millis(ms))),
                        "{which:?}"
                    )
                }
                other => panic!("{which:?}: {other:?}"),
            }
        }
    }

    fn connect_failure(e: &Error) -> Option<ConnectFailure> {
        match e {
            Error::Connect { failure, .. } => Some(*failure),
            _ => None,
        }
    }

    /// OS errors: not found is DNS, refused is refused; a reset or EOF after the connect step
    /// is a lost connection, but the same error marked as raised before sending is a connect
    /// failure (safe to retry).
    #[test]
    fn io_errors_map_to_connect_failures_or_a_lost_connection() {
        use io::ErrorKind as K;
        let io = |k: K| ureq::Error::Io(io::Error::new(k, "os"));
        assert_eq!(
            connect_failure(&map(io(K::NotFound))),
            Some(ConnectFailure::Dns)
        );
        assert_eq!(
            connect_failure(&map(io(K::ConnectionRefused))),
            Some(ConnectFailure::Refused)
        );
        assert_eq!(
            connect_failure(&map(io(K::Other))),
            Some(ConnectFailure::Other)
        );
        for k in [
            K::ConnectionReset,
            K::ConnectionAborted,
            K::UnexpectedEof,
            K::BrokenPipe,
        ] {
            assert!(
                matches!(map(io(k)), Error::ConnectionLost { .. }),
                "{k:?} after the connect"
            );
            let before = ureq::Error::Io(io::Error::new(k, NotSent::Connect("reset".into())));
            assert_eq!(
                connect_failure(&map(before)),
                Some(ConnectFailure::Closed),
                "{k:?} before sending"
            );
        }
        assert_eq!(
            connect_failure(&map(ureq::Error::HostNotFound)),
            Some(ConnectFailure::Dns)
        );
        assert_eq!(
            connect_failure(&map(ureq::Error::ConnectionFailed)),
            Some(ConnectFailure::Refused)
        );
        let handshake = ureq::Error::Io(io::Error::new(
            K::ConnectionReset,
            NotSent::Handshake("closed".into()),
        ));
        assert!(matches!(
            map(handshake),
            Error::Tls {
                plain_http: true,
                ..
            }
        ));
        let cancelled = ureq::Error::Io(io::Error::new(K::Interrupted, NotSent::Cancelled));
        assert!(matches!(map(cancelled), Error::Cancelled { .. }));
    }

    /// Partial text is attached once: an error that already carries text keeps it.
    #[test]
    fn with_partial_fills_only_an_empty_partial_text() {
        let e = Error::Cancelled {
            partial: String::new(),
        }
        .with_partial("abc");
        assert_eq!(e.partial_text(), "abc");
        assert_eq!(e.with_partial("xyz").partial_text(), "abc");
        // Errors without partial text are left alone.
        let e = Error::invalid("x").with_partial("abc");
        assert_eq!(e.partial_text(), "");
    }

    /// The marker's text is the OS error text it carries (what an `io::Error` wrapping it shows).
    #[test]
    fn not_sent_displays_its_text() {
        let io = io::Error::new(
            io::ErrorKind::ConnectionRefused,
            NotSent::Connect("refused".into()),
        );
        assert_eq!(io.to_string(), "refused");
        assert_eq!(NotSent::Handshake("reset".into()).to_string(), "reset");
        assert_eq!(NotSent::Cancelled.to_string(), "cancelled");
    }

    /// Runs `f` on a thread; a hang guard (the work takes microseconds).
    fn within<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || tx.send(f()));
        rx.recv_timeout(Duration::from_secs(10))
            .expect("still running after 10 s (hang guard)")
    }

    /// Texts up to 8 KiB are kept whole; longer ones are cut at a character boundary, never
    /// inside a character, with the full length noted.
    #[test]
    fn error_texts_are_capped_at_8_kib_on_a_character_boundary() {
        assert_eq!(MAX_ERROR_TEXT_BYTES, 8 * 1024);
        let max = MAX_ERROR_TEXT_BYTES;
        let exact = "a".repeat(max);
        assert_eq!(capped_text(&exact), exact);
        assert_eq!(capped_bytes(exact.as_bytes()), exact);
        // `é` (2 bytes) straddles the limit: the cut falls before it.
        let text = format!("{}é{}", "a".repeat(max - 1), "b".repeat(10));
        let want = format!(
            "{}… [cut: {} bytes in all, the first {} shown]",
            "a".repeat(max - 1),
            max + 11,
            max - 1
        );
        let t = text.clone();
        assert_eq!(within(move || capped_text(&t)), want);
        let t = text.clone();
        assert_eq!(within(move || capped_bytes(t.as_bytes())), want);
        // Invalid bytes before the limit are replaced, not cut at.
        let mut bytes = vec![0xFF];
        bytes.extend(std::iter::repeat_n(b'a', max));
        let shown = capped_bytes(&bytes);
        assert!(
            shown.starts_with('\u{FFFD}')
                && shown.ends_with(&format!(
                    "[cut: {} bytes in all, the first {} shown]",
                    max + 1,
                    max + 2
                )),
            "{shown}"
        );
    }

    #[test]
    fn partial_text_is_counted_in_the_message() {
        let t = |partial: &str| {
            Error::Truncated {
                partial: partial.into(),
                reason: "r".into(),
            }
            .to_string()
        };
        assert_eq!(t(""), "stream truncated: r");
        assert_eq!(t("a"), "stream truncated: r (1 byte of text had arrived)");
        assert_eq!(
            t("abc"),
            "stream truncated: r (3 bytes of text had arrived)"
        );
    }
}
