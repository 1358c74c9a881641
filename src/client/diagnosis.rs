//! `check_connection`: what works and what does not, without ever starting an agent run.
//!
//! Steps (PROTOCOL §12): `GET /health` (reachability, TLS), `GET /startupz` (version),
//! `GET /v1/models` (auth, compat surface), then requests the gateway rejects before running
//! anything: `POST /v1/chat/completions` with `"messages": []` ("Missing user message", 400),
//! `POST /v1/responses` without `input` (400), and, when `/v1` is off, `POST /tools/invoke`
//! with `{}` (400) to check the credential.

use std::fmt;
use std::time::Duration;

use super::transport::Call;
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
    /// Something answers, but it is not an OpenClaw gateway API.
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

impl Client {
    /// Checks the connection and says precisely what is wrong. Never starts an agent run or
    /// creates a session on a current gateway. Uses short timeouts (5 s connect, 15 s answer).
    pub fn check_connection(&self) -> Diagnosis {
        let opts = CallOptions::new()
            .connect_timeout(Some(Duration::from_secs(5)))
            .response_timeout(Some(Duration::from_secs(15)))
            .idle_timeout(Some(Duration::from_secs(15)))
            .total_timeout(Some(Duration::from_secs(30)))
            .no_retry();
        let url = self.base_url().to_owned();
        let mut d = Diagnosis {
            code: DiagnosisCode::Ok,
            summary: String::new(),
            url: url.clone(),
            version: None,
            chat_completions: None,
            responses: None,
            models: Vec::new(),
            error: None,
            discovery: self.discovered().cloned(),
        };
        let fail = |mut d: Diagnosis, e: Error, summary: String| {
            d.code = code_of(&e);
            d.summary = summary;
            d.error = Some(e);
            d
        };

        // 1. Reachability.
        let mut has_probes = true;
        if let Err(e) = self.health_with(&opts) {
            match &e {
                Error::Connect {
                    failure: ConnectFailure::Closed,
                    message,
                    ..
                } if url.starts_with("https://") => {
                    let s = format!(
                        "TLS failure at {url}: the server closed the connection during the TLS handshake ({message}). Is it serving plain HTTP (then use http://), or a different TLS setup?"
                    );
                    let mut d = fail(d, e, s);
                    d.code = DiagnosisCode::Tls;
                    return d;
                }
                Error::Connect {
                    failure, message, ..
                } => {
                    let s = match failure {
                        ConnectFailure::Dns => format!(
                            "unreachable: the host of {url} does not resolve ({message}); check the URL"
                        ),
                        _ => format!(
                            "unreachable: nothing answers at {url} ({message}). Start a gateway (`openclaw gateway run`) or point the client at one (OPENCLAW_GATEWAY_URL, or the base URL)"
                        ),
                    };
                    return fail(d, e, s);
                }
                Error::Tls { message, .. } => {
                    let s = format!(
                        "TLS failure at {url}: {message}. For a self-signed gateway certificate pass its CA bundle (ca_bundle_pem / openclaw_client_builder_set_ca_pem)"
                    );
                    return fail(d, e, s);
                }
                Error::Timeout { .. } => {
                    let s = format!("timeout: {url} did not answer /health in time ({e})");
                    return fail(d, e, s);
                }
                // Older gateways have no probes; keep going.
                _ => has_probes = false,
            }
        }

        // 2. Version.
        if has_probes && let Ok(s) = self.startup_with(&opts) {
            d.version = s.version;
        }

        // 3. Auth and the compat surface.
        match self.models_with(&opts) {
            Ok(models) => d.models = models.into_iter().map(|m| m.id).collect(),
            Err(Error::NotEnabled { .. }) => {
                d.chat_completions = Some(false);
                d.responses = Some(false);
            }
            Err(e @ Error::Unauthorized { .. }) => {
                let s = format!(
                    "unauthorized: the gateway at {url} refused the {} (HTTP 401). Set the right token/password (OPENCLAW_GATEWAY_TOKEN / gateway.auth.token)",
                    if self.has_secret() {
                        "token/password"
                    } else {
                        "request without a token"
                    }
                );
                return fail(d, e, s);
            }
            Err(e @ Error::RateLimited { .. }) => {
                let s = format!("rate limited: {e}. Wait, then retry with the right token");
                return fail(d, e, s);
            }
            Err(e @ Error::Forbidden { .. }) => {
                let s = format!("forbidden: {e}");
                return fail(d, e, s);
            }
            Err(e) => {
                let code = code_of(&e);
                let s = if has_probes {
                    format!("error: /v1/models failed: {e}")
                } else {
                    format!(
                        "not an OpenClaw gateway API at {url}: no /health probe and /v1/models failed ({e})"
                    )
                };
                let mut d = fail(d, e, s);
                if !has_probes && code == DiagnosisCode::Error {
                    d.code = DiagnosisCode::NotOpenClaw;
                }
                return d;
            }
        }

        // 4. Which endpoint is on (requests rejected before any run).
        if d.chat_completions.is_none() {
            d.chat_completions = self.probe(
                Endpoint::ChatCompletions,
                br#"{"model":"openclaw","messages":[]}"#,
                &opts,
            );
            d.responses = self.probe(Endpoint::Responses, br#"{"model":"openclaw"}"#, &opts);
        } else {
            // /v1 is off: check the credential on the always-on /tools/invoke.
            match self.probe_status("/tools/invoke", Endpoint::ToolsInvoke, b"{}", &opts) {
                Ok(_) => {}
                Err(e @ Error::Unauthorized { .. }) => {
                    let s = format!(
                        "unauthorized: the gateway at {url} refused the token/password (HTTP 401), and chat completions is disabled too"
                    );
                    return fail(d, e, s);
                }
                Err(
                    e
                    @ (Error::NotFound { .. } | Error::Protocol { .. } | Error::NotEnabled { .. }),
                ) => {
                    // /tools/invoke is always on and answers JSON on every OpenClaw gateway.
                    let s = format!(
                        "not an OpenClaw gateway API at {url}: something answers HTTP, but {}; check the URL and port",
                        if has_probes {
                            "/tools/invoke is not a JSON API"
                        } else {
                            "neither /health nor /tools/invoke is an OpenClaw API"
                        }
                    );
                    let mut d = fail(d, e, s);
                    d.code = DiagnosisCode::NotOpenClaw;
                    d.chat_completions = None;
                    d.responses = None;
                    return d;
                }
                Err(_) => {}
            }
        }

        let version = d
            .version
            .as_deref()
            .map(|v| format!(" {v}"))
            .unwrap_or_default();
        match d.chat_completions {
            Some(true) => {
                d.summary = format!(
                    "ok: OpenClaw gateway{version} at {url}: chat completions enabled, responses {}",
                    if d.responses == Some(true) {
                        "enabled"
                    } else {
                        "disabled"
                    }
                );
            }
            _ => {
                d.code = DiagnosisCode::EndpointDisabled;
                d.summary = format!(
                    "endpoint disabled: chat completions is off on the gateway{version} at {url}: set gateway.http.endpoints.chatCompletions.enabled = true in its config and restart it"
                );
            }
        }
        d
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
        if (sent.status == 400 || (200..300).contains(&sent.status))
            && super::transport::is_json(&ct)
        {
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
