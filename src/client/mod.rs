//! The blocking gateway client: configuration, transport, endpoints and diagnosis.
//!
//! Build a [`Client`] once with [`ClientBuilder`] and share it (it is `Send + Sync`, cloning is
//! cheap and clones share one connection pool).
//!
//! # Timeouts and their defaults
//!
//! | limit | default | meaning |
//! | --- | --- | --- |
//! | connect | 10 s | DNS, TCP connect and TLS handshake |
//! | response | 600 s | sending the request and waiting for the response headers; a non-streaming chat waits here for the whole agent turn (the gateway's own upstream retries can take ~90 s) |
//! | idle | 300 s | the longest silence between two reads of a body; the gateway sends nothing while a tool runs, so keep it generous |
//! | total | none | the whole call, body included; unsuitable for open-ended streams |
//!
//! `None` (or 0 in C) means no limit. Each can be overridden per call with [`CallOptions`].

mod capabilities;
mod diagnosis;
mod discovery;
mod embeddings;
mod endpoints;
mod hooks;
pub(crate) mod net;
mod responses;
mod retry;
mod sessions;
pub(crate) mod transport;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

pub use capabilities::Capabilities;
pub use diagnosis::{Diagnosis, DiagnosisCode};
pub use discovery::{Discovered, SettingSource};
pub use embeddings::{Embeddings, EmbeddingsRequest};
pub use endpoints::{Health, Model, Readiness, Startup, ToolInvocation};
pub use hooks::{HookAgentRequest, HookAgentResult, WakeRequest, WakeResult};
pub use retry::RetryPolicy;
pub use sessions::{HistoryEvent, HistoryStream};

pub use crate::options::{
    CallOptions, DEFAULT_CONNECT_TIMEOUT, DEFAULT_IDLE_TIMEOUT, DEFAULT_RESPONSE_TIMEOUT, Timeouts,
};

use crate::error::{Error, Result};
use crate::sse::Limits;

/// How the client chooses a proxy. Its `Debug` output hides the user-info and query values of
/// a proxy URL.
#[derive(Clone, Default, PartialEq, Eq)]
pub enum ProxySetting {
    /// No proxy (the default): environment variables are ignored.
    #[default]
    None,
    /// This proxy URL (`http://…`, `socks5://…` is not supported).
    Url(String),
    /// `HTTPS_PROXY`/`HTTP_PROXY`/`ALL_PROXY` from the environment, except for gateways on this
    /// host, which are always reached directly (the token never goes to the proxy). "On this
    /// host" is decided from the parsed address, whatever its spelling: 127.0.0.0/8 (also
    /// `127.1`, `0x7f.0.0.1`, `2130706433`), 0.0.0.0, `::1` and `::` (also
    /// `[0:0:0:0:0:0:0:1]`, `[::ffff:127.0.0.1]`), `localhost` and `*.localhost` (also with the
    /// root dot, `localhost.`).
    FromEnv,
}

impl std::fmt::Debug for ProxySetting {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProxySetting::None => f.write_str("None"),
            ProxySetting::Url(u) => f.debug_tuple("Url").field(&crate::redact::url(u)).finish(),
            ProxySetting::FromEnv => f.write_str("FromEnv"),
        }
    }
}

/// A secret that never shows in `Debug` output.
#[derive(Clone)]
pub(crate) struct Secret(Arc<str>);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

impl Secret {
    pub(crate) fn new(s: &str) -> Result<Option<Secret>> {
        if s.is_empty() {
            return Ok(None);
        }
        crate::chat::validate_header_value("the gateway token/password", s)?;
        Ok(Some(Secret(Arc::from(s.trim()))))
    }
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

/// Builds a [`Client`]. Its `Debug` output never shows the secret.
#[derive(Clone)]
pub struct ClientBuilder {
    base_url: String,
    secret: Option<String>,
    agent: String,
    timeouts: Timeouts,
    ca_pem: Option<Vec<u8>>,
    danger_accept_invalid_certs: bool,
    proxy: ProxySetting,
    user_agent: String,
    limits: Limits,
    discovered: Option<Discovered>,
    retry: RetryPolicy,
    hooks_token: Option<String>,
    hooks_path: String,
}

impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &crate::redact::url(&self.base_url))
            .field("secret", &self.secret.as_ref().map(|_| "<redacted>"))
            .field("agent", &self.agent)
            .field("timeouts", &self.timeouts)
            .field("ca_pem", &self.ca_pem.as_ref().map(Vec::len))
            .field(
                "danger_accept_invalid_certs",
                &self.danger_accept_invalid_certs,
            )
            .field("proxy", &self.proxy)
            .field("user_agent", &self.user_agent)
            .field("limits", &self.limits)
            .field("retry", &self.retry)
            .field(
                "hooks_token",
                &self.hooks_token.as_ref().map(|_| "<redacted>"),
            )
            .field("hooks_path", &self.hooks_path)
            .finish()
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            base_url: discovery::DEFAULT_URL.to_owned(),
            secret: None,
            agent: "main".to_owned(),
            timeouts: Timeouts::default(),
            ca_pem: None,
            danger_accept_invalid_certs: false,
            proxy: ProxySetting::None,
            user_agent: concat!("openclaw-client/", env!("CARGO_PKG_VERSION")).to_owned(),
            limits: Limits::default(),
            discovered: None,
            retry: RetryPolicy::default(),
            hooks_token: None,
            hooks_path: "/hooks".to_owned(),
        }
    }
}

impl ClientBuilder {
    /// A builder with the defaults: `http://127.0.0.1:18789`, no secret, agent `main`.
    pub fn new() -> Self {
        Self::default()
    }

    /// The gateway's base URL: `http[s]://host[:port][/path-prefix]` (a prefix for gateways
    /// behind a reverse proxy). No query, fragment or credentials.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        if let Some(d) = &mut self.discovered {
            d.url.clone_from(&self.base_url);
            d.url_source = SettingSource::Explicit;
            d.port_source = SettingSource::Explicit;
        }
        self
    }

    /// The gateway token (token mode) or password (password mode); sent as
    /// `Authorization: Bearer …`. An empty string means none.
    pub fn secret(mut self, secret: impl Into<String>) -> Self {
        let s = secret.into();
        if let Some(d) = &mut self.discovered {
            d.secret_source = (!s.is_empty()).then_some(SettingSource::Explicit);
        }
        self.secret = Some(s);
        self
    }

    /// A plain alias of [`ClientBuilder::secret`] (reads better in token mode); the secret is
    /// one setting whatever its mode.
    pub fn token(self, token: impl Into<String>) -> Self {
        self.secret(token)
    }

    /// A plain alias of [`ClientBuilder::secret`] (reads better in password mode); the secret
    /// is one setting whatever its mode.
    pub fn password(self, password: impl Into<String>) -> Self {
        self.secret(password)
    }

    /// The default agent id (default `main`); an empty string targets the gateway's default
    /// agent (`model: "openclaw"`).
    pub fn agent(mut self, agent_id: impl Into<String>) -> Self {
        self.agent = agent_id.into();
        self
    }

    /// All four timeouts at once.
    pub fn timeouts(mut self, t: Timeouts) -> Self {
        self.timeouts = t;
        self
    }
    /// Connect timeout (`None` = no limit).
    pub fn connect_timeout(mut self, t: Option<Duration>) -> Self {
        self.timeouts.connect = t;
        self
    }
    /// Response-headers timeout (`None` = no limit).
    pub fn response_timeout(mut self, t: Option<Duration>) -> Self {
        self.timeouts.response = t;
        self
    }
    /// Idle (per-read) timeout (`None` = no limit).
    pub fn idle_timeout(mut self, t: Option<Duration>) -> Self {
        self.timeouts.idle = t;
        self
    }
    /// Total timeout (`None` = no limit).
    pub fn total_timeout(mut self, t: Option<Duration>) -> Self {
        self.timeouts.total = t;
        self
    }

    /// Trust exactly the CA certificates in this PEM bundle. This **replaces** the built-in
    /// Mozilla roots (it does not add to them): use it for a gateway with a self-signed or
    /// private-CA certificate. A PEM with no certificate is an error at `build()`.
    pub fn ca_bundle_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.ca_pem = Some(pem.into());
        self
    }

    /// Turns TLS certificate verification off. **Dangerous**: anyone on the path can read and
    /// change the traffic, token included. For throwaway tests only.
    pub fn danger_accept_invalid_certs(mut self, on: bool) -> Self {
        self.danger_accept_invalid_certs = on;
        self
    }

    /// The proxy choice (default: none, environment ignored).
    pub fn proxy(mut self, p: ProxySetting) -> Self {
        self.proxy = p;
        self
    }

    /// The `User-Agent` header.
    pub fn user_agent(mut self, ua: impl Into<String>) -> Self {
        self.user_agent = ua.into();
        self
    }

    /// SSE line and event size limits for streams.
    pub fn stream_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Maximum bytes of one SSE line (default 32 MiB).
    pub fn max_line_bytes(mut self, max: usize) -> Self {
        self.limits.max_line_bytes = max;
        self
    }

    /// Maximum bytes of one SSE event's data (default 64 MiB).
    pub fn max_event_bytes(mut self, max: usize) -> Self {
        self.limits.max_event_bytes = max;
        self
    }

    /// Maximum bytes a stream keeps across events: its text, reasoning and tool calls
    /// (default 64 MiB; per request with `ChatRequest::max_kept_bytes`). Reaching it ends the
    /// stream with [`Error::LimitExceeded`] carrying the text kept.
    pub fn max_kept_bytes(mut self, max: usize) -> Self {
        self.limits.max_kept_bytes = max;
        self
    }

    /// The retry policy (default: 2 retries; see [`RetryPolicy`]).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The retry policy set so far (what [`ClientBuilder::retry`] replaces).
    pub(crate) fn retry_policy(&self) -> RetryPolicy {
        self.retry
    }

    /// The webhooks token (`hooks.token` in the gateway config; separate from the gateway token).
    pub fn hooks_token(mut self, token: impl Into<String>) -> Self {
        self.hooks_token = Some(token.into());
        self
    }

    /// The webhooks base path (`hooks.path`, default `/hooks`).
    pub fn hooks_path(mut self, path: impl Into<String>) -> Self {
        self.hooks_path = path.into();
        self
    }

    pub(crate) fn with_discovery(mut self, d: Discovered) -> Self {
        self.discovered = Some(d);
        self
    }

    /// Builds the client. Fails with [`Error::InvalidInput`] on a bad URL, agent id, secret,
    /// proxy or CA bundle.
    pub fn build(self) -> Result<Client> {
        // Long on purpose (~100 lines): every setting is validated here, in one pass, before the
        // client exists (TLS roots, proxy, limits, hooks path), so a built client is always valid.
        let base = transport::BaseUrl::parse(&self.base_url)?;
        let secret = match &self.secret {
            Some(s) => Secret::new(s)?,
            None => None,
        };
        if !self.agent.is_empty() {
            crate::chat::validate_agent_id(&self.agent)?;
        }
        crate::chat::validate_header_value("the user agent", &self.user_agent)?;
        if self.limits.max_line_bytes == 0 || self.limits.max_event_bytes == 0 {
            return Err(Error::invalid("stream limits must be greater than zero"));
        }

        let mut tls = ureq::tls::TlsConfig::builder();
        if let Some(pem) = &self.ca_pem {
            let mut certs = Vec::new();
            for item in ureq::tls::parse_pem(pem) {
                match item {
                    Ok(ureq::tls::PemItem::Certificate(c)) => certs.push(c),
                    Ok(_) => {}
                    Err(e) => {
                        return Err(Error::invalid(format!(
                            "the CA bundle is not valid PEM: {e}"
                        )));
                    }
                }
            }
            if certs.is_empty() {
                return Err(Error::invalid(
                    "the CA bundle contains no certificate (expected -----BEGIN CERTIFICATE----- blocks)",
                ));
            }
            tls = tls.root_certs(ureq::tls::RootCerts::new_with_certs(&certs));
        }
        if self.danger_accept_invalid_certs {
            log::warn!("TLS certificate verification is disabled for {}", base.full);
            tls = tls.disable_verification(true);
        }
        let proxy = match &self.proxy {
            ProxySetting::None => None,
            ProxySetting::Url(u) => Some(ureq::Proxy::new(u).map_err(|e| {
                Error::invalid(format!(
                    "the proxy URL {:?} is not valid: {e}",
                    crate::redact::url(u)
                ))
            })?),
            ProxySetting::FromEnv if base.is_loopback() => None,
            ProxySetting::FromEnv => ureq::Proxy::try_from_env(),
        };
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .user_agent(self.user_agent.as_str())
            .accept("")
            .proxy(proxy)
            .no_delay(true)
            // The gateway closes idle keep-alive connections after ~5 s.
            .max_idle_age(Duration::from_secs(4))
            .timeout_connect(self.timeouts.connect)
            .tls_config(tls.build())
            .build();
        let tls = Arc::new(ureq::unversioned::transport::RustlsConnector::default());
        let agent = ureq::Agent::with_parts(
            config.clone(),
            net::connector(&tls, None),
            net::resolver(None),
        );
        let hooks_token = match &self.hooks_token {
            Some(t) => Secret::new(t)?,
            None => None,
        };
        let hooks_path = format!("/{}", self.hooks_path.trim_matches('/'));
        if hooks_path == "/"
            || hooks_path
                .bytes()
                .any(|b| b <= b' ' || b == b'?' || b == b'#')
        {
            return Err(Error::invalid(format!(
                "hooks path {:?} is not valid (the gateway rejects `/`)",
                crate::redact::url(&self.hooks_path)
            )));
        }
        let client = Client {
            inner: Arc::new(Inner {
                agent,
                config,
                tls,
                base,
                secret: RwLock::new(secret),
                agent_id: self.agent,
                timeouts: self.timeouts,
                limits: self.limits,
                discovered: self.discovered,
                retry: self.retry,
                hooks_token,
                hooks_path,
                capabilities: Mutex::new(None),
                warned_cleartext: AtomicBool::new(false),
            }),
        };
        client.warn_if_secret_in_clear();
        Ok(client)
    }
}

pub(crate) struct Inner {
    pub(crate) agent: ureq::Agent,
    pub(crate) config: ureq::config::Config,
    /// The TLS step, shared by every connection of this client (roots parsed once).
    pub(crate) tls: Arc<ureq::unversioned::transport::RustlsConnector>,
    pub(crate) base: transport::BaseUrl,
    pub(crate) secret: RwLock<Option<Secret>>,
    pub(crate) agent_id: String,
    pub(crate) timeouts: Timeouts,
    pub(crate) limits: Limits,
    pub(crate) discovered: Option<Discovered>,
    pub(crate) retry: RetryPolicy,
    pub(crate) hooks_token: Option<Secret>,
    pub(crate) hooks_path: String,
    pub(crate) capabilities: Mutex<Option<Capabilities>>,
    /// Whether the warning about a secret sent in clear was logged (once per client).
    warned_cleartext: AtomicBool,
}

/// A gateway client. `Send + Sync`; clone it freely (clones share the connection pool and the
/// secret).
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base.full)
            .field("agent", &self.inner.agent_id)
            .field("has_secret", &self.has_secret())
            .field("timeouts", &self.inner.timeouts)
            .finish()
    }
}

impl Client {
    /// A builder.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// Replaces the secret (token or password, as [`ClientBuilder::secret`]) used by later
    /// requests (calls in flight keep the old one). Thread-safe. An empty string removes it.
    pub fn update_secret(&self, secret: &str) -> Result<()> {
        let s = Secret::new(secret)?;
        *self.inner.secret.write().unwrap_or_else(|p| p.into_inner()) = s;
        self.warn_if_secret_in_clear();
        Ok(())
    }

    /// Logs a warning, once per client (clones included), when a secret will travel in clear:
    /// a token, password or webhooks token over plain `http://` to a host that is not this
    /// machine.
    fn warn_if_secret_in_clear(&self) {
        let inner = &self.inner;
        if !inner.base.full.starts_with("http://")
            || inner.base.is_loopback()
            || !(self.has_secret() || inner.hooks_token.is_some())
            || inner.warned_cleartext.swap(true, Ordering::Relaxed)
        {
            return;
        }
        log::warn!(
            "the gateway token/password is sent in clear over plain http:// to {}, which is not this machine: anyone on the network path can read it and use it. Use https:// (gateway.tls.enabled on the gateway), or reach the gateway through an SSH tunnel or a private network you trust",
            inner.base.full
        );
    }

    /// Whether a secret is set.
    pub fn has_secret(&self) -> bool {
        self.inner
            .secret
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .is_some()
    }

    /// The normalized base URL.
    pub fn base_url(&self) -> &str {
        &self.inner.base.full
    }

    /// The default agent id.
    pub fn agent_id(&self) -> &str {
        &self.inner.agent_id
    }

    /// The client's default timeouts.
    pub fn timeouts(&self) -> Timeouts {
        self.inner.timeouts
    }

    pub(crate) fn retries_enabled(&self) -> bool {
        self.inner.retry.max_retries > 0
    }

    /// Where each setting came from, for a client made by [`Client::from_env`].
    pub fn discovered(&self) -> Option<&Discovered> {
        self.inner.discovered.as_ref()
    }
}
