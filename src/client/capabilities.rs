//! Capability detection, cached on the client.

use std::time::Instant;

use super::{Client, DiagnosisCode};
use crate::error::{Error, Result};

/// What the connected gateway supports.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Capabilities {
    /// The gateway version (2026.8 and later report it).
    pub version: Option<String>,
    /// `/v1/chat/completions` enabled (`None` = could not tell).
    pub chat_completions: Option<bool>,
    /// `/v1/responses` enabled (`None` = could not tell).
    pub responses: Option<bool>,
    /// `/v1/models` and `/v1/embeddings` available (either `/v1` switch on).
    pub models: bool,
    /// When it was detected.
    pub detected_at: Instant,
}

impl Client {
    /// What the gateway supports, detected once (without running an agent) and cached on this
    /// client and its clones. Unreachable, TLS, timeout and auth failures are errors (and not
    /// cached).
    pub fn capabilities(&self) -> Result<Capabilities> {
        if let Some(c) = self
            .inner
            .capabilities
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
        {
            return Ok(c);
        }
        self.refresh_capabilities()
    }

    /// Detects the capabilities again (e.g. after the gateway's config changed).
    pub fn refresh_capabilities(&self) -> Result<Capabilities> {
        let d = self.check_connection();
        match d.code {
            DiagnosisCode::Unreachable
            | DiagnosisCode::Tls
            | DiagnosisCode::Timeout
            | DiagnosisCode::Unauthorized
            | DiagnosisCode::RateLimited
            | DiagnosisCode::Forbidden => {
                return Err(d.error.unwrap_or_else(|| Error::protocol(d.summary)));
            }
            _ => {}
        }
        let caps = Capabilities {
            version: d.version,
            chat_completions: d.chat_completions,
            responses: d.responses,
            models: !d.models.is_empty(),
            detected_at: Instant::now(),
        };
        *self
            .inner
            .capabilities
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = Some(caps.clone());
        Ok(caps)
    }
}
