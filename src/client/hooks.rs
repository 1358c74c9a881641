//! Webhooks: `POST /hooks/wake` and `POST /hooks/agent`, with their own token
//! ([`crate::ClientBuilder::hooks_token`]) and base path (`hooks.path`, default `/hooks`).

use serde_json::Value;

use super::transport::{Auth, Call};
use super::{CallOptions, Client};
use crate::error::{Endpoint, Error, Result};

/// `POST /hooks/wake`.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct WakeRequest {
    /// The text (required).
    pub text: String,
    /// `now` (default) or `next-heartbeat`.
    pub mode: Option<String>,
    /// Target agent.
    pub agent_id: Option<String>,
    /// Session key (needs `hooks.allowRequestSessionKey`).
    pub session_key: Option<String>,
    /// Per-call options.
    pub options: CallOptions,
}

impl WakeRequest {
    /// A wake with `text` (mode `now`, default agent).
    pub fn new(text: impl Into<String>) -> Self {
        WakeRequest {
            text: text.into(),
            ..Self::default()
        }
    }
}

/// The answer of `/hooks/wake`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct WakeResult {
    /// `now` or `next-heartbeat`.
    pub mode: String,
    /// `queued` or `coalesced`.
    pub event_outcome: String,
}

/// `POST /hooks/agent`: run an agent turn from a webhook.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct HookAgentRequest {
    /// The message (required).
    pub message: String,
    /// Display name (default `Hook`).
    pub name: Option<String>,
    /// Target agent.
    pub agent_id: Option<String>,
    /// Session key (needs `hooks.allowRequestSessionKey`).
    pub session_key: Option<String>,
    /// `isolated` (default) or `persistent`.
    pub session_mode: Option<String>,
    /// `now` or `next-heartbeat`.
    pub wake_mode: Option<String>,
    /// Deliver the reply to a channel.
    pub deliver: Option<bool>,
    /// Channel, with `to`.
    pub channel: Option<String>,
    /// Recipient, with `channel`.
    pub to: Option<String>,
    /// Account id (needs channel and to).
    pub account_id: Option<String>,
    /// `provider/model`.
    pub model: Option<String>,
    /// Run timeout in seconds.
    pub timeout_seconds: Option<u64>,
    /// Keep the HTTP response open until the run ends (adds `completion`).
    pub wait_for_completion: bool,
    /// Replays with the same key return the same `runId` (sent as `Idempotency-Key`).
    pub idempotency_key: Option<String>,
    /// Per-call options.
    pub options: CallOptions,
}

impl HookAgentRequest {
    /// A request for `message`.
    pub fn new(message: impl Into<String>) -> Self {
        HookAgentRequest {
            message: message.into(),
            ..Self::default()
        }
    }

    /// A request from the JSON body `/hooks/agent` takes (`{"message", "name", "agentId",
    /// "sessionKey", "sessionMode", "wakeMode", "deliver", "channel", "to", "accountId",
    /// "model", "timeoutSeconds", "waitForCompletion"}`) plus `"idempotencyKey"` (sent as the
    /// `Idempotency-Key` header): what a webhook bridge receives, or what C passes. An unknown
    /// field or a value of the wrong type is [`Error::InvalidInput`] naming it; options stay
    /// the defaults.
    pub fn from_json(json: &str) -> Result<Self> {
        #[derive(serde::Deserialize)]
        #[serde(rename_all = "camelCase", deny_unknown_fields)]
        struct Body {
            message: String,
            name: Option<String>,
            agent_id: Option<String>,
            session_key: Option<String>,
            session_mode: Option<String>,
            wake_mode: Option<String>,
            deliver: Option<bool>,
            channel: Option<String>,
            to: Option<String>,
            account_id: Option<String>,
            model: Option<String>,
            timeout_seconds: Option<u64>,
            #[serde(default)]
            wait_for_completion: bool,
            idempotency_key: Option<String>,
        }
        let b: Body = serde_json::from_str(json)
            .map_err(|e| Error::invalid(format!("the /hooks/agent request JSON: {e}")))?;
        Ok(HookAgentRequest {
            message: b.message,
            name: b.name,
            agent_id: b.agent_id,
            session_key: b.session_key,
            session_mode: b.session_mode,
            wake_mode: b.wake_mode,
            deliver: b.deliver,
            channel: b.channel,
            to: b.to,
            account_id: b.account_id,
            model: b.model,
            timeout_seconds: b.timeout_seconds,
            wait_for_completion: b.wait_for_completion,
            idempotency_key: b.idempotency_key,
            options: CallOptions::default(),
        })
    }
}

/// The answer of `/hooks/agent`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct HookAgentResult {
    /// The run id.
    pub run_id: String,
    /// With `wait_for_completion`: `{status, replyDisposition, delivered?, …}`.
    pub completion: Option<Value>,
}

impl Client {
    fn hooks_post(
        &self,
        sub: &str,
        body: &Value,
        idem: Option<&str>,
        options: &CallOptions,
    ) -> Result<Value> {
        if self.inner.hooks_token.is_none() {
            return Err(Error::invalid(
                "no hooks token: set ClientBuilder::hooks_token (hooks.token in the gateway config)",
            ));
        }
        let path = format!("{}/{sub}", self.inner.hooks_path);
        let body = serde_json::to_vec(body).map_err(|e| Error::invalid(e.to_string()))?;
        let mut headers = Vec::new();
        if let Some(k) = idem {
            crate::chat::validate_header_value("the idempotency key", k)?;
            headers.push(("Idempotency-Key", k));
        }
        let mut call = Call::post(&path, Endpoint::Hooks, &body, options)
            .headers(headers)
            .auth(Auth::Hooks);
        // The gateway answers a replay of /hooks/agent with the same key with the same run.
        if sub == "agent" && idem.is_some() {
            call = call.idempotent();
        }
        let sent = self.send(&call)?;
        let bytes = self.json_body(Endpoint::Hooks, sent)?;
        let v: Value = serde_json::from_slice(&bytes)
            .map_err(|e| Error::protocol(format!("{path} answered invalid JSON: {e}")))?;
        if v.get("ok").and_then(Value::as_bool) != Some(true) {
            return Err(super::transport::classify(
                Endpoint::Hooks,
                500,
                "application/json",
                None,
                None,
                &bytes,
            ));
        }
        Ok(v)
    }

    /// Wakes the agent (`POST /hooks/wake`).
    pub fn hook_wake(&self, req: &WakeRequest) -> Result<WakeResult> {
        if req.text.trim().is_empty() {
            return Err(Error::invalid("the wake text is empty"));
        }
        let mut b = serde_json::json!({"text": req.text});
        for (k, v) in [
            ("mode", &req.mode),
            ("agentId", &req.agent_id),
            ("sessionKey", &req.session_key),
        ] {
            if let Some(v) = v {
                b[k] = Value::String(v.clone());
            }
        }
        let v = self.hooks_post("wake", &b, None, &req.options)?;
        let s = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
        Ok(WakeResult {
            mode: s("mode"),
            event_outcome: s("eventOutcome"),
        })
    }

    /// Runs an agent turn from a webhook (`POST /hooks/agent`). With retries on, an
    /// idempotency key is generated when none is set, so a retried call cannot start two runs.
    pub fn hook_agent(&self, req: &HookAgentRequest) -> Result<HookAgentResult> {
        if req.message.trim().is_empty() {
            return Err(Error::invalid("the hook message is empty"));
        }
        let mut b = serde_json::json!({"message": req.message});
        for (k, v) in [
            ("name", &req.name),
            ("agentId", &req.agent_id),
            ("sessionKey", &req.session_key),
            ("sessionMode", &req.session_mode),
            ("wakeMode", &req.wake_mode),
            ("channel", &req.channel),
            ("to", &req.to),
            ("accountId", &req.account_id),
            ("model", &req.model),
        ] {
            if let Some(v) = v {
                b[k] = Value::String(v.clone());
            }
        }
        if let Some(d) = req.deliver {
            b["deliver"] = Value::Bool(d);
        }
        if let Some(t) = req.timeout_seconds {
            b["timeoutSeconds"] = Value::from(t);
        }
        if req.wait_for_completion {
            b["waitForCompletion"] = Value::Bool(true);
        }
        let key = req
            .idempotency_key
            .clone()
            .or_else(|| self.retries_enabled().then(super::retry::idempotency_key));
        let v = self.hooks_post("agent", &b, key.as_deref(), &req.options)?;
        Ok(HookAgentResult {
            run_id: v
                .get("runId")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned(),
            completion: v.get("completion").cloned(),
        })
    }
}
