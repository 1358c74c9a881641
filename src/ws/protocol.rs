//! Gateway protocol v4 frames and the `hello-ok` model, and the mapping of `ok:false` answers to
//! [`Error`].
//!
//! Frames (from the gateway's `docs/gateway/protocol/transport.md`):
//! request `{type:"req", id, method, params}`, response `{type:"res", id, ok, payload|error}`,
//! event `{type:"event", event, payload, seq?}`. Errors are `{code, message, details?,
//! retryable?, retryAfterMs?}`; clients branch on `code` and `details.code`.

use std::time::Duration;

use serde_json::{Value, json};

use crate::error::Error;

/// The protocol version this client speaks (`minProtocol` = `maxProtocol` = 4).
pub const PROTOCOL_VERSION: u32 = 4;

/// One incoming frame.
#[derive(Debug, Clone)]
pub(crate) enum Frame {
    Res {
        id: String,
        ok: bool,
        payload: Value,
        error: Value,
    },
    Event {
        event: String,
        payload: Value,
        seq: Option<u64>,
    },
}

/// Parses a text frame. Unknown `type`s and non-objects are protocol errors.
pub(crate) fn parse_frame(text: &str) -> Result<Frame, Error> {
    let mut v: Value = serde_json::from_str(text)
        .map_err(|e| Error::protocol(format!("the gateway sent a frame that is not JSON: {e}")))?;
    let ty = v.get("type").and_then(Value::as_str).unwrap_or("");
    match ty {
        "res" => Ok(Frame::Res {
            id: v
                .get("id")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            ok: v.get("ok").and_then(Value::as_bool).unwrap_or(false),
            payload: v.get_mut("payload").map(Value::take).unwrap_or(Value::Null),
            error: v.get_mut("error").map(Value::take).unwrap_or(Value::Null),
        }),
        "event" => Ok(Frame::Event {
            event: v
                .get("event")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            seq: v.get("seq").and_then(Value::as_u64),
            payload: v.get_mut("payload").map(Value::take).unwrap_or(Value::Null),
        }),
        other => Err(Error::protocol(format!(
            "the gateway sent a frame of unknown type {other:?}"
        ))),
    }
}

/// A request frame's text.
pub(crate) fn request_text(id: &str, method: &str, params: &Value) -> String {
    json!({"type": "req", "id": id, "method": method, "params": params}).to_string()
}

/// What the gateway granted and advertised in `hello-ok`.
#[derive(Debug, Clone, Default)]
pub struct Hello {
    /// The negotiated protocol version.
    pub protocol: u32,
    /// `server.version`, e.g. `2026.9.6`.
    pub server_version: String,
    /// `server.connId`.
    pub conn_id: String,
    /// `server.bootId` (changes when the gateway restarts).
    pub boot_id: String,
    /// `features.methods`: every method this gateway serves.
    pub methods: Vec<String>,
    /// `features.events`: every event name it may send.
    pub events: Vec<String>,
    /// `auth.role`.
    pub role: String,
    /// `auth.scopes`: the scopes this socket really has.
    pub scopes: Vec<String>,
    /// `auth.method` (`token`, `device-token`…), when sent.
    pub auth_method: Option<String>,
    /// `auth.deviceToken`, when the gateway issued one (kept at the caller's token path).
    pub device_token: Option<String>,
    /// `policy.maxPayload`: the largest frame the client may send, in bytes.
    pub max_payload: u64,
    /// `policy.maxBufferedBytes`.
    pub max_buffered_bytes: u64,
    /// `policy.tickIntervalMs`: the gateway sends a `tick` event at least this often.
    pub tick_interval: Duration,
    /// The whole `hello-ok` payload.
    pub raw: Value,
}

impl Hello {
    pub(crate) fn from_payload(p: Value) -> Result<Hello, Error> {
        if p.get("type").and_then(Value::as_str) != Some("hello-ok") {
            return Err(Error::protocol(format!(
                "the connect answer is not hello-ok: {}",
                crate::ws::clip(&p.to_string(), 200)
            )));
        }
        let s = |v: Option<&Value>| v.and_then(Value::as_str).unwrap_or_default().to_owned();
        let list = |v: Option<&Value>| -> Vec<String> {
            v.and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default()
        };
        let policy = p.get("policy");
        let auth = p.get("auth");
        Ok(Hello {
            protocol: p.get("protocol").and_then(Value::as_u64).unwrap_or(0) as u32,
            server_version: s(p.pointer("/server/version")),
            conn_id: s(p.pointer("/server/connId")),
            boot_id: s(p.pointer("/server/bootId")),
            methods: list(p.pointer("/features/methods")),
            events: list(p.pointer("/features/events")),
            role: s(auth.and_then(|a| a.get("role"))),
            scopes: list(auth.and_then(|a| a.get("scopes"))),
            auth_method: auth
                .and_then(|a| a.get("method"))
                .and_then(Value::as_str)
                .map(str::to_owned),
            device_token: auth
                .and_then(|a| a.get("deviceToken"))
                .and_then(Value::as_str)
                .map(str::to_owned),
            max_payload: policy
                .and_then(|p| p.get("maxPayload"))
                .and_then(Value::as_u64)
                .unwrap_or(25 * 1024 * 1024),
            max_buffered_bytes: policy
                .and_then(|p| p.get("maxBufferedBytes"))
                .and_then(Value::as_u64)
                .unwrap_or(0),
            tick_interval: Duration::from_millis(
                policy
                    .and_then(|p| p.get("tickIntervalMs"))
                    .and_then(Value::as_u64)
                    .filter(|&t| t > 0)
                    .unwrap_or(30_000),
            ),
            raw: p,
        })
    }
}

/// The strings of a JSON array (other elements skipped); `None` when `v` is not an array.
pub(crate) fn strings(v: Option<&Value>) -> Option<Vec<String>> {
    v.and_then(Value::as_array).map(|a| {
        a.iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect()
    })
}

fn str_at<'a>(v: &'a Value, path: &str) -> Option<&'a str> {
    v.pointer(path).and_then(Value::as_str)
}

/// `retryAfterMs` at the top level or in `details`.
pub(crate) fn retry_after(err: &Value) -> Option<Duration> {
    err.get("retryAfterMs")
        .or_else(|| err.pointer("/details/retryAfterMs"))
        .and_then(Value::as_u64)
        .map(Duration::from_millis)
}

/// Maps the `error` object of an `ok:false` answer to `method`.
pub(crate) fn error_from(method: &str, err: &Value, connect: bool) -> Error {
    let code = str_at(err, "/code").unwrap_or("UNKNOWN").to_owned();
    let message = str_at(err, "/message").unwrap_or("").to_owned();
    let detail_code = str_at(err, "/details/code")
        .or_else(|| str_at(err, "/details/reason"))
        .map(str::to_owned);
    let next_step = str_at(err, "/details/recommendedNextStep").map(str::to_owned);
    let dc = detail_code.as_deref().unwrap_or("");
    if dc == "MISSING_SCOPE" || (code == "FORBIDDEN" && message.starts_with("missing scope: ")) {
        let scope = str_at(err, "/details/missingScope")
            .map(str::to_owned)
            .unwrap_or_else(|| message.trim_start_matches("missing scope: ").to_owned());
        let required =
            strings(err.pointer("/details/requiredScopes")).unwrap_or_else(|| vec![scope.clone()]);
        return Error::MissingScope {
            method: method.to_owned(),
            scope,
            required,
            message,
        };
    }
    if connect {
        if dc == "PROTOCOL_MISMATCH" || message == "protocol mismatch" {
            let n = |p: &str| err.pointer(p).and_then(Value::as_u64).unwrap_or(0) as u32;
            return Error::ProtocolMismatch {
                client_min: n("/details/clientMinProtocol"),
                client_max: n("/details/clientMaxProtocol"),
                server: n("/details/expectedProtocol"),
            };
        }
        if code == "NOT_PAIRED" || dc == "PAIRING_REQUIRED" || dc == "DEVICE_IDENTITY_REQUIRED" {
            let next = next_step.or_else(|| {
                Some(if dc == "DEVICE_IDENTITY_REQUIRED" {
                    "send the gateway token (ClientBuilder::token) or a device identity \
                     (WsOptions::device_identity)"
                        .to_owned()
                } else {
                    "approve this device on the gateway (openclaw devices approve), then reconnect"
                        .to_owned()
                })
            });
            return Error::PairingRequired {
                detail_code: if dc.is_empty() { code } else { dc.to_owned() },
                message,
                next_step: next,
            };
        }
        if dc.starts_with("AUTH_") || dc.starts_with("DEVICE_AUTH_") {
            return Error::WsAuth {
                detail_code: dc.to_owned(),
                message,
                next_step,
            };
        }
    }
    Error::Rpc {
        method: method.into(),
        code,
        detail_code,
        message,
        details: err
            .get("details")
            .map(Value::to_string)
            .unwrap_or_default()
            .into(),
        retry_after: retry_after(err),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_transcript_errors() {
        let e = error_from(
            "connect",
            &json!({"code":"INVALID_REQUEST","message":"unauthorized: gateway token mismatch","details":{"code":"AUTH_TOKEN_MISMATCH","recommendedNextStep":"update_auth_credentials"}}),
            true,
        );
        assert!(
            matches!(&e, Error::WsAuth { detail_code, next_step: Some(n), .. } if detail_code == "AUTH_TOKEN_MISMATCH" && n == "update_auth_credentials"),
            "{e:?}"
        );
        let e = error_from(
            "exec.approval.list",
            &json!({"code":"FORBIDDEN","message":"missing scope: operator.approvals","details":{"code":"MISSING_SCOPE","missingScope":"operator.approvals","requiredScopes":["operator.approvals"]}}),
            false,
        );
        assert!(
            matches!(&e, Error::MissingScope { scope, .. } if scope == "operator.approvals"),
            "{e:?}"
        );
        let e = error_from(
            "connect",
            &json!({"code":"INVALID_REQUEST","message":"protocol mismatch","details":{"code":"PROTOCOL_MISMATCH","clientMinProtocol":3,"clientMaxProtocol":3,"expectedProtocol":4}}),
            true,
        );
        assert!(
            matches!(
                e,
                Error::ProtocolMismatch {
                    client_min: 3,
                    client_max: 3,
                    server: 4
                }
            ),
            "{e:?}"
        );
        let e = error_from(
            "connect",
            &json!({"code":"NOT_PAIRED","message":"device identity required","details":{"code":"DEVICE_IDENTITY_REQUIRED"}}),
            true,
        );
        assert!(
            matches!(&e, Error::PairingRequired { detail_code, next_step: Some(_), .. } if detail_code == "DEVICE_IDENTITY_REQUIRED"),
            "{e:?}"
        );
        let e = error_from(
            "connect",
            &json!({"code":"UNAVAILABLE","message":"starting","retryAfterMs":250,"details":{"reason":"startup-sidecars"}}),
            true,
        );
        assert!(
            matches!(&e, Error::Rpc { code, retry_after: Some(d), .. } if code == "UNAVAILABLE" && d.as_millis() == 250),
            "{e:?}"
        );
    }
}
