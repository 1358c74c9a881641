//! `check_connection`: what works and what does not, without ever starting an agent run, and
//! without sending anything but a GET to a server that has not shown it is an OpenClaw
//! gateway.
//!
//! The check is the table [`STEPS`], run in order (PROTOCOL §9 and §12); any step can end it:
//!
//! 1. `GET /health` (no credential): reachability and TLS; the gateway's liveness answer
//!    `{"ok":true,"status":"live"}` identifies it.
//! 2. `GET /startupz` (the credential only once identified): the version; the gateway's startup
//!    answer `{"ok":…,"status":"started"|"starting"|"draining"}` identifies it.
//! 3. `GET /readyz` (no credential, only while unidentified): `{"ready":…}` with 200 when ready
//!    and 503 when not identifies it.
//! 4. `GET /v1/models`: the credential, the compat surface, the agent targets; a list of
//!    `openclaw` targets, or the gateway's own 401/403/429 envelope, identifies it.
//! 5. Only for an identified gateway, requests it rejects before running anything:
//!    `POST /v1/chat/completions` with `"messages": []` ("Missing user message", 400),
//!    `POST /v1/responses` without `input` (400), and, when `/v1` is off, `POST /tools/invoke`
//!    with `{}` (400) to check the credential.
//!
//! A server that nothing identifies is [`DiagnosisCode::NotOpenClaw`], and gets no POST: an
//! OpenAI-compatible model provider would bill one.

use std::fmt;
use std::time::Duration;

use serde_json::Value;

use super::transport::{Auth, Call, classify, is_json, media_type};
use super::{CallOptions, Client};
use crate::error::{ConnectFailure, Endpoint, Error};

/// The outcome category of a connection check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u32)]
pub enum DiagnosisCode {
    /// Reachable, authorized, chat completions enabled.
    Ok = 0,
    /// Nothing answers at the address (refused, DNS, closed).
    Unreachable = 1,
    /// TLS failed (often a self-signed certificate).
    Tls = 2,
    /// The gateway did not answer in time.
    Timeout = 3,
    /// Something answers, but nothing identifies it as an OpenClaw gateway (not its probe
    /// answers, not its agent targets, not its error envelopes); it got GET requests only.
    NotOpenClaw = 4,
    /// Chat completions is switched off.
    EndpointDisabled = 5,
    /// The token/password is missing or wrong.
    Unauthorized = 6,
    /// Locked out after failed attempts.
    RateLimited = 7,
    /// The gateway refused the caller.
    Forbidden = 8,
    /// Another error.
    Error = 9,
}

/// The result of [`Client::check_connection`].
#[derive(Debug)]
#[non_exhaustive]
pub struct Diagnosis {
    /// The category.
    pub code: DiagnosisCode,
    /// One line saying what is wrong (or right) and what to do.
    pub summary: String,
    /// The base URL checked.
    pub url: String,
    /// The gateway version, when reported (`/startupz`).
    pub version: Option<String>,
    /// Whether `/v1/chat/completions` is enabled (`None` = unknown).
    pub chat_completions: Option<bool>,
    /// Whether `/v1/responses` is enabled (`None` = unknown).
    pub responses: Option<bool>,
    /// Agent targets listed by `/v1/models`.
    pub models: Vec<String>,
    /// The error behind a failed check.
    pub error: Option<Error>,
    /// Where discovery found each setting, for a client made by [`Client::from_env`] (never
    /// the secret).
    pub discovery: Option<super::Discovered>,
}

impl Diagnosis {
    /// Whether the gateway is ready for chat.
    pub fn is_ok(&self) -> bool {
        self.code == DiagnosisCode::Ok
    }
}

impl fmt::Display for Diagnosis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.summary)?;
        writeln!(f, "  gateway: {}", self.url)?;
        if let Some(v) = &self.version {
            writeln!(f, "  version: {v}")?;
        }
        let on = |x: Option<bool>| match x {
            Some(true) => "enabled",
            Some(false) => "disabled",
            None => "unknown",
        };
        writeln!(f, "  chat completions: {}", on(self.chat_completions))?;
        write!(f, "  responses: {}", on(self.responses))?;
        if !self.models.is_empty() {
            write!(f, "\n  agents: {}", self.models.join(", "))?;
        }
        if let Some(d) = &self.discovery {
            write!(f, "\n  discovery:")?;
            for line in d.to_string().lines() {
                write!(f, "\n    {line}")?;
            }
        }
        Ok(())
    }
}

fn code_of(e: &Error) -> DiagnosisCode {
    match e {
        Error::Connect { .. } => DiagnosisCode::Unreachable,
        Error::Tls { .. } => DiagnosisCode::Tls,
        Error::Timeout { .. } => DiagnosisCode::Timeout,
        Error::Unauthorized { .. } => DiagnosisCode::Unauthorized,
        Error::RateLimited { .. } => DiagnosisCode::RateLimited,
        Error::Forbidden { .. } => DiagnosisCode::Forbidden,
        Error::NotEnabled { .. } => DiagnosisCode::EndpointDisabled,
        _ => DiagnosisCode::Error,
    }
}

/// The largest probe answer read (a long `/v1/models` list included).
const MAX_PROBE_BODY: u64 = 4 * 1024 * 1024;

/// One answer to a GET probe, its body read (bounded).
struct Answer {
    status: u16,
    content_type: String,
    retry_after: Option<String>,
    location: Option<String>,
    body: Vec<u8>,
}

impl Answer {
    /// The body as JSON, when it is JSON.
    fn json(&self) -> Option<Value> {
        if !is_json(&self.content_type) {
            return None;
        }
        serde_json::from_slice(&self.body).ok()
    }

    fn success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The typed error of a non-success answer.
    fn error(&self, endpoint: Endpoint) -> Error {
        classify(
            endpoint,
            self.status,
            &self.content_type,
            self.retry_after.as_deref(),
            self.location.as_deref(),
            &self.body,
        )
    }

    /// `HTTP 404 text/html`, for the not-OpenClaw summary.
    fn describe(&self) -> String {
        let m = media_type(&self.content_type);
        if m.is_empty() {
            format!("HTTP {} without Content-Type", self.status)
        } else {
            format!("HTTP {} {m}", self.status)
        }
    }
}

/// `v` has `key` equal to the string `want`.
fn has_str(v: &Value, key: &str, want: &str) -> bool {
    v.get(key).and_then(Value::as_str) == Some(want)
}

/// The gateway's liveness answer: `200 {"ok":true,"status":"live"}`.
fn is_gateway_health(a: &Answer) -> bool {
    a.status == 200
        && a.json().is_some_and(|v| {
            v.get("ok").and_then(Value::as_bool) == Some(true) && has_str(&v, "status", "live")
        })
}

/// The gateway's startup answer: 200 or 503 with `{"ok":bool,"status":started|starting|draining}`.
fn is_gateway_startup(a: &Answer) -> bool {
    matches!(a.status, 200 | 503)
        && a.json().is_some_and(|v| {
            v.get("ok").is_some_and(Value::is_boolean)
                && v.get("status")
                    .and_then(Value::as_str)
                    .is_some_and(|s| matches!(s, "started" | "starting" | "draining"))
        })
}

/// The gateway's readiness answer: `{"ready":true,…}` with 200 or `{"ready":false,…}` with 503,
/// `failing` (when present) a list.
fn is_gateway_readiness(a: &Answer) -> bool {
    a.json().is_some_and(|v| {
        let ready = v.get("ready").and_then(Value::as_bool);
        let failing_ok = v.get("failing").is_none_or(Value::is_array);
        failing_ok && matches!((a.status, ready), (200, Some(true)) | (503, Some(false)))
    })
}

/// The agent ids of a `/v1/models` list (`None` when it is not a model list).
fn model_ids(v: &Value) -> Option<Vec<String>> {
    let data = v.get("data")?.as_array()?;
    Some(
        data.iter()
            .filter_map(|m| m.get("id").and_then(Value::as_str).map(str::to_owned))
            .collect(),
    )
}

/// Whether a model list is the gateway's: it lists its `openclaw` agent targets.
fn is_gateway_model_list(ids: &[String]) -> bool {
    ids.iter()
        .any(|id| id == "openclaw" || id.starts_with("openclaw/"))
}

/// Whether a refusal carries one of the gateway's own envelopes (PROTOCOL §1, §2.2): the 401
/// `{"error":{"message":"Unauthorized","type":"unauthorized"}}`, the auth limiter's 429, the
/// 403s `proxy_attribution_required` and `{ok:false,error:{type:"forbidden"}}`, the restart 503.
fn is_gateway_refusal(a: &Answer) -> bool {
    let Some(v) = a.json() else { return false };
    let Some(e) = v.get("error").filter(|e| e.is_object()) else {
        return false;
    };
    match a.status {
        401 => has_str(e, "message", "Unauthorized") && has_str(e, "type", "unauthorized"),
        429 => {
            has_str(e, "type", "rate_limited")
                && e.get("message")
                    .and_then(Value::as_str)
                    .is_some_and(|m| m.starts_with("Too many failed authentication attempts"))
        }
        403 => {
            has_str(e, "type", "proxy_attribution_required")
                || (v.get("ok").and_then(Value::as_bool) == Some(false)
                    && has_str(e, "type", "forbidden"))
        }
        503 => has_str(e, "code", "gateway_unavailable"),
        _ => false,
    }
}

/// Whether the check goes on after a step.
enum Flow {
    Next,
    Done,
}

/// One probe step of the connection check.
struct Step {
    /// What it sends and what it finds out (logged at debug level).
    what: &'static str,
    /// Whether it sends anything but a GET: then it runs only on an identified gateway.
    posts: bool,
    run: fn(&mut Check<'_>) -> Flow,
}

/// The connection check, in order (see the module docs). A step that POSTs is reached only
/// after a GET step identified the server as an OpenClaw gateway; otherwise the check ends
/// there as [`DiagnosisCode::NotOpenClaw`].
const STEPS: &[Step] = &[
    Step {
        what: "GET /health: reachable, TLS, the gateway's liveness answer",
        posts: false,
        run: |c| c.health(),
    },
    Step {
        what: "GET /startupz: the version, the gateway's startup answer",
        posts: false,
        run: |c| c.startup(),
    },
    Step {
        what: "GET /readyz (while unidentified): the gateway's readiness answer",
        posts: false,
        run: |c| c.readiness(),
    },
    Step {
        what: "GET /v1/models: the credential, the compat surface, the agent targets",
        posts: false,
        run: |c| c.models(),
    },
    Step {
        what: "POST /v1/chat/completions with no message (rejected before any run): enabled?",
        posts: true,
        run: |c| c.chat_completions(),
    },
    Step {
        what: "POST /v1/responses without input (rejected before any run): enabled?",
        posts: true,
        run: |c| c.responses(),
    },
    Step {
        what: "POST /tools/invoke {} (rejected before any run), when /v1 is off: the credential",
        posts: true,
        run: |c| c.tools_invoke(),
    },
];

/// The state of one connection check.
struct Check<'c> {
    client: &'c Client,
    opts: CallOptions,
    url: String,
    d: Diagnosis,
    /// What showed the server is an OpenClaw gateway, once something did.
    identified_by: Option<&'static str>,
    /// `/v1/models` said both `/v1` endpoints are off.
    v1_off: bool,
    /// What the probes of a not (yet) identified server saw.
    seen: Vec<String>,
    /// The last HTTP error of a not (yet) identified server.
    foreign_error: Option<Error>,
}

impl Check<'_> {
    /// Ends the check with an error.
    fn fail(&mut self, e: Error, summary: String) -> Flow {
        self.d.code = code_of(&e);
        self.d.summary = summary;
        self.d.error = Some(e);
        Flow::Done
    }

    fn identify(&mut self, by: &'static str) {
        if self.identified_by.is_none() {
            log::debug!(
                "check_connection: {} is an OpenClaw gateway ({by})",
                self.url
            );
            self.identified_by = Some(by);
        }
    }

    /// Records what a probe of a not (yet) identified server saw.
    fn saw(&mut self, what: String) {
        self.seen.push(what);
    }

    /// GETs `path`; a failure before the response headers is an error, every HTTP answer is
    /// an [`Answer`].
    fn get(&self, path: &str, endpoint: Endpoint, auth: Auth) -> Result<Answer, Error> {
        use std::io::Read;
        let mut sent = self
            .client
            .send_raw(&Call::get(path, endpoint, &self.opts).auth(auth))?;
        let content_type = sent.content_type();
        let retry_after = super::transport::header(&sent.response, "retry-after");
        let location = super::transport::header(&sent.response, "location");
        // Only what can identify the gateway or explain a refusal is read: a JSON body, or
        // the start of an error body. A success in another format (a web page, an event
        // stream that may never end) is judged by its status and type alone.
        let limit = if !(200..300).contains(&sent.status) {
            super::transport::MAX_ERROR_BODY
        } else if is_json(&content_type) {
            MAX_PROBE_BODY
        } else {
            0
        };
        // A body cut short keeps what arrived: a cut JSON answer identifies nothing, a cut
        // error body still shows its start.
        let mut body = Vec::new();
        let _ = sent
            .response
            .body_mut()
            .as_reader()
            .take(limit)
            .read_to_end(&mut body);
        Ok(Answer {
            status: sent.status,
            content_type,
            retry_after,
            location,
            body,
        })
    }

    fn health(&mut self) -> Flow {
        let url = self.url.clone();
        let e = match self.get("/health", Endpoint::Probe, Auth::None) {
            Ok(a) => {
                if is_gateway_health(&a) {
                    self.identify("GET /health");
                } else {
                    self.saw(format!("GET /health: {}", a.describe()));
                }
                return Flow::Next;
            }
            Err(e) => e,
        };
        let summary = match &e {
            Error::Connect {
                failure: ConnectFailure::Dns,
                message,
                ..
            } => format!(
                "unreachable: the host of {url} does not resolve ({message}); check the URL"
            ),
            Error::Connect { message, .. } => format!(
                "unreachable: nothing answers at {url} ({message}). Start a gateway (`openclaw gateway run`, or `make -C examples-c demo` in this repository for a throwaway local one) or point the client at one (OPENCLAW_GATEWAY_URL, or the base URL)"
            ),
            // The error names the cause and the fix (a CA bundle, or http:// for a plain-HTTP
            // server).
            Error::Tls { .. } => e.to_string(),
            Error::Timeout { .. } => {
                format!("timeout: {url} did not answer /health in time ({e})")
            }
            _ => format!("error: GET /health at {url} failed: {e}"),
        };
        self.fail(e, summary)
    }

    fn startup(&mut self) -> Flow {
        // The credential goes only to an identified gateway (it then also reports the version).
        let auth = if self.identified_by.is_some() {
            Auth::Gateway
        } else {
            Auth::None
        };
        match self.get("/startupz", Endpoint::Probe, auth) {
            Ok(a) if is_gateway_startup(&a) => {
                self.identify("GET /startupz");
                self.d.version = a
                    .json()
                    .and_then(|v| v.get("version").and_then(Value::as_str).map(str::to_owned));
            }
            Ok(a) => self.saw(format!("GET /startupz: {}", a.describe())),
            // Older gateways have no /startupz; the next steps say what is wrong.
            Err(_) => {}
        }
        Flow::Next
    }

    fn readiness(&mut self) -> Flow {
        if self.identified_by.is_some() {
            return Flow::Next;
        }
        match self.get("/readyz", Endpoint::Probe, Auth::None) {
            Ok(a) if is_gateway_readiness(&a) => self.identify("GET /readyz"),
            Ok(a) => self.saw(format!("GET /readyz: {}", a.describe())),
            Err(_) => {}
        }
        Flow::Next
    }

    fn models(&mut self) -> Flow {
        let url = self.url.clone();
        let a = match self.get("/v1/models", Endpoint::Models, Auth::Gateway) {
            Ok(a) => a,
            Err(e) => {
                let s = format!("error: GET /v1/models at {url} failed: {e}");
                return self.fail(e, s);
            }
        };
        if a.success() && is_json(&a.content_type) {
            match a.json().as_ref().and_then(model_ids) {
                Some(ids) if self.identified_by.is_some() || is_gateway_model_list(&ids) => {
                    self.identify("its agent targets on GET /v1/models");
                    self.d.models = ids;
                }
                Some(ids) => {
                    let shown: Vec<&str> = ids.iter().take(3).map(String::as_str).collect();
                    self.saw(format!(
                        "GET /v1/models: a model list with no OpenClaw agent target ({})",
                        shown.join(", ")
                    ));
                }
                None if self.identified_by.is_some() => {
                    let e =
                        Error::protocol("GET /v1/models answered JSON that is not a model list");
                    let s = format!("error: /v1/models at {url} failed: {e}");
                    return self.fail(e, s);
                }
                None => self.saw(format!(
                    "GET /v1/models: {} that is not a model list",
                    a.describe()
                )),
            }
            return Flow::Next;
        }
        let e = if a.success() {
            super::transport::unexpected_content(Endpoint::Models, a.status, &a.content_type)
        } else {
            a.error(Endpoint::Models)
        };
        if is_gateway_refusal(&a) {
            self.identify("its error envelope on GET /v1/models");
        }
        if self.identified_by.is_none() {
            self.saw(format!("GET /v1/models: {}", a.describe()));
            self.foreign_error = Some(e);
            return Flow::Next;
        }
        match e {
            Error::NotEnabled { .. } => {
                self.v1_off = true;
                self.d.chat_completions = Some(false);
                self.d.responses = Some(false);
                Flow::Next
            }
            e @ Error::Unauthorized { .. } => {
                let s = format!(
                    "unauthorized: the gateway at {url} refused the {} (HTTP 401). Set the right token/password (OPENCLAW_GATEWAY_TOKEN / gateway.auth.token)",
                    if self.client.has_secret() {
                        "token/password"
                    } else {
                        "request without a token"
                    }
                );
                self.fail(e, s)
            }
            e @ Error::RateLimited { .. } => {
                let s = format!("rate limited: {e}. Wait, then retry with the right token");
                self.fail(e, s)
            }
            e @ Error::Forbidden { .. } => {
                let s = format!("forbidden: {e}");
                self.fail(e, s)
            }
            e => {
                let s = format!("error: /v1/models failed: {e}");
                self.fail(e, s)
            }
        }
    }

    fn chat_completions(&mut self) -> Flow {
        if !self.v1_off {
            self.d.chat_completions = self.client.probe(
                Endpoint::ChatCompletions,
                br#"{"model":"openclaw","messages":[]}"#,
                &self.opts,
            );
        }
        Flow::Next
    }

    fn responses(&mut self) -> Flow {
        if !self.v1_off {
            self.d.responses =
                self.client
                    .probe(Endpoint::Responses, br#"{"model":"openclaw"}"#, &self.opts);
        }
        Flow::Next
    }

    fn tools_invoke(&mut self) -> Flow {
        if !self.v1_off {
            return Flow::Next;
        }
        let url = self.url.clone();
        match self
            .client
            .probe_status("/tools/invoke", Endpoint::ToolsInvoke, b"{}", &self.opts)
        {
            Ok(_) => Flow::Next,
            Err(e @ Error::Unauthorized { .. }) => {
                let s = format!(
                    "unauthorized: the gateway at {url} refused the token/password (HTTP 401), and chat completions is disabled too"
                );
                self.fail(e, s)
            }
            Err(
                e @ (Error::NotFound { .. } | Error::Protocol { .. } | Error::NotEnabled { .. }),
            ) => {
                // /tools/invoke is always on and answers JSON on every OpenClaw gateway.
                let s = format!(
                    "not an OpenClaw gateway API at {url}: something answers HTTP, but /tools/invoke is not a JSON API; check the URL and port"
                );
                self.fail(e, s);
                self.d.code = DiagnosisCode::NotOpenClaw;
                self.d.chat_completions = None;
                self.d.responses = None;
                Flow::Done
            }
            Err(_) => Flow::Next,
        }
    }

    /// Ends the check of a server that nothing identified as OpenClaw (before any POST).
    fn not_openclaw(mut self) -> Diagnosis {
        let url = &self.url;
        let seen = if self.seen.is_empty() {
            String::new()
        } else {
            format!(" ({})", self.seen.join("; "))
        };
        self.d.code = DiagnosisCode::NotOpenClaw;
        self.d.summary = format!(
            "not an OpenClaw gateway API at {url}: something answers HTTP, but not like an OpenClaw gateway{seen}; nothing but GET requests was sent to it. Check the URL and port (the gateway listens on 18789 by default); a gateway older than 2026.3.13 has no /health probe: upgrade it"
        );
        self.d.error = Some(self.foreign_error.take().unwrap_or_else(|| {
            Error::protocol(format!(
                "{url} does not answer like an OpenClaw gateway{seen}"
            ))
        }));
        self.d.chat_completions = None;
        self.d.responses = None;
        self.d.models.clear();
        self.d
    }

    /// The summary of a check that ran every step.
    fn finish(mut self) -> Diagnosis {
        let url = &self.url;
        let version = self
            .d
            .version
            .as_deref()
            .map(|v| format!(" {v}"))
            .unwrap_or_default();
        if self.d.chat_completions == Some(true) {
            self.d.summary = format!(
                "ok: OpenClaw gateway{version} at {url}: chat completions enabled, responses {}",
                if self.d.responses == Some(true) {
                    "enabled"
                } else {
                    "disabled"
                }
            );
        } else {
            self.d.code = DiagnosisCode::EndpointDisabled;
            self.d.summary = format!(
                "endpoint disabled: chat completions is off on the gateway{version} at {url}: set gateway.http.endpoints.chatCompletions.enabled = true in its config and restart it"
            );
        }
        self.d
    }
}

impl Client {
    /// Checks the connection and says precisely what is wrong. Never starts an agent run or
    /// creates a session on a current gateway, and sends nothing but GET requests to a server
    /// that does not answer like an OpenClaw gateway (reported as
    /// [`DiagnosisCode::NotOpenClaw`]). Uses short timeouts (5 s connect, 15 s answer).
    pub fn check_connection(&self) -> Diagnosis {
        let opts = CallOptions::new()
            .connect_timeout(Some(Duration::from_secs(5)))
            .response_timeout(Some(Duration::from_secs(15)))
            .idle_timeout(Some(Duration::from_secs(15)))
            .total_timeout(Some(Duration::from_secs(30)))
            .no_retry();
        let url = self.base_url().to_owned();
        let mut check = Check {
            client: self,
            opts,
            d: Diagnosis {
                code: DiagnosisCode::Ok,
                summary: String::new(),
                url: url.clone(),
                version: None,
                chat_completions: None,
                responses: None,
                models: Vec::new(),
                error: None,
                discovery: self.discovered().cloned(),
            },
            url,
            identified_by: None,
            v1_off: false,
            seen: Vec::new(),
            foreign_error: None,
        };
        for step in STEPS {
            if step.posts && check.identified_by.is_none() {
                return check.not_openclaw();
            }
            log::debug!("check_connection: {}", step.what);
            if let Flow::Done = (step.run)(&mut check) {
                return check.d;
            }
        }
        check.finish()
    }

    /// Posts a body the gateway rejects before running anything; `Some(true)` when the
    /// endpoint answered like an enabled one, `Some(false)` when disabled.
    fn probe(&self, endpoint: Endpoint, body: &[u8], opts: &CallOptions) -> Option<bool> {
        let path = match endpoint {
            Endpoint::Responses => "/v1/responses",
            _ => "/v1/chat/completions",
        };
        match self.probe_status(path, endpoint, body, opts) {
            Ok(_) => Some(true),
            Err(Error::NotEnabled { .. }) => Some(false),
            Err(_) => None,
        }
    }

    /// Ok(status) for 2xx and 400 (the expected rejection); the typed error otherwise.
    fn probe_status(
        &self,
        path: &str,
        endpoint: Endpoint,
        body: &[u8],
        opts: &CallOptions,
    ) -> Result<u16, Error> {
        let mut sent = self.send_raw(&Call::post(path, endpoint, body, opts))?;
        let ct = sent.content_type();
        if (sent.status == 400 || (200..300).contains(&sent.status)) && is_json(&ct) {
            return Ok(sent.status);
        }
        if (200..300).contains(&sent.status) {
            return Err(super::transport::unexpected_content(
                endpoint,
                sent.status,
                &ct,
            ));
        }
        Err(self.error_of(endpoint, &mut sent))
    }
}
