//! Device identity: an Ed25519 key pair, the signature over the connect challenge (the docs'
//! v3 payload) and the device token the gateway issues after pairing.
//!
//! From the gateway's `auth.md` and `buildDeviceAuthPayloadV3` (`dist/device-auth-*.mjs`):
//! - `device.publicKey` = base64url (no padding) of the raw 32-byte public key;
//! - `device.id` = lower-case hex SHA-256 of those 32 bytes;
//! - `device.signature` = base64url Ed25519 signature over the UTF-8 text
//!   `v3|<device.id>|<client.id>|<client.mode>|<role>|<scopes joined by ",">|<signedAt>|<token>|<nonce>|<platform>|<deviceFamily>`
//!   where `signedAt` is the challenge `ts`, `nonce` the challenge nonce, `token` the token sent
//!   in `auth` (empty when none), and `platform`/`deviceFamily` trimmed and lower-cased.

use std::path::{Path, PathBuf};

use ring::rand::SystemRandom;
use ring::signature::{Ed25519KeyPair, KeyPair};
use serde_json::{Value, json};

use crate::error::{Error, Result};

/// An Ed25519 device key. `Send + Sync`; `Debug` never shows the private key.
pub struct DeviceIdentity {
    key: Ed25519KeyPair,
    pkcs8: Vec<u8>,
    id: String,
    public_b64: String,
}

impl std::fmt::Debug for DeviceIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeviceIdentity")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

impl Clone for DeviceIdentity {
    fn clone(&self) -> Self {
        DeviceIdentity::from_pkcs8(&self.pkcs8).expect("a key that parsed once parses again")
    }
}

impl DeviceIdentity {
    /// A new random key.
    pub fn generate() -> Result<DeviceIdentity> {
        let doc = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new())
            .map_err(|_| Error::invalid("cannot generate an Ed25519 key (no system randomness)"))?;
        DeviceIdentity::from_pkcs8(doc.as_ref())
    }

    /// A key from its PKCS#8 (v1 or v2) DER bytes.
    pub fn from_pkcs8(der: &[u8]) -> Result<DeviceIdentity> {
        let key = Ed25519KeyPair::from_pkcs8_maybe_unchecked(der)
            .map_err(|e| Error::invalid(format!("not an Ed25519 PKCS#8 key: {e}")))?;
        let public = key.public_key().as_ref().to_vec();
        let digest = ring::digest::digest(&ring::digest::SHA256, &public);
        Ok(DeviceIdentity {
            id: hex(digest.as_ref()),
            public_b64: b64url(&public),
            pkcs8: der.to_vec(),
            key,
        })
    }

    /// Loads the key kept at `path`, or generates one and writes it there (file mode 0600 on
    /// Unix). The file is JSON: `{"version":1,"deviceId","publicKey","privateKeyPkcs8"}` with
    /// base64url values.
    pub fn load_or_create(path: impl AsRef<Path>) -> Result<DeviceIdentity> {
        let path = path.as_ref();
        match std::fs::read(path) {
            Ok(bytes) => {
                let v: Value = serde_json::from_slice(&bytes).map_err(|e| {
                    Error::invalid(format!(
                        "device key file {} is not JSON: {e}",
                        path.display()
                    ))
                })?;
                let der = v
                    .get("privateKeyPkcs8")
                    .and_then(Value::as_str)
                    .and_then(b64url_decode)
                    .ok_or_else(|| {
                        Error::invalid(format!(
                            "device key file {} has no valid privateKeyPkcs8",
                            path.display()
                        ))
                    })?;
                DeviceIdentity::from_pkcs8(&der)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let id = DeviceIdentity::generate()?;
                let text = json!({
                    "version": 1,
                    "deviceId": id.id,
                    "publicKey": id.public_b64,
                    "privateKeyPkcs8": b64url(&id.pkcs8),
                })
                .to_string();
                write_private(path, text.as_bytes())?;
                Ok(id)
            }
            Err(e) => Err(Error::invalid(format!(
                "cannot read device key file {}: {e}",
                path.display()
            ))),
        }
    }

    /// The PKCS#8 DER bytes (secret: store them privately).
    pub fn pkcs8(&self) -> &[u8] {
        &self.pkcs8
    }

    /// `device.id`: hex SHA-256 of the raw public key.
    pub fn device_id(&self) -> &str {
        &self.id
    }

    /// `device.publicKey`: base64url of the raw public key.
    pub fn public_key(&self) -> &str {
        &self.public_b64
    }

    /// The v3 payload text for these fields.
    #[allow(clippy::too_many_arguments)]
    pub fn payload_v3(
        &self,
        client_id: &str,
        client_mode: &str,
        role: &str,
        scopes: &[String],
        signed_at_ms: u64,
        token: &str,
        nonce: &str,
        platform: &str,
        device_family: &str,
    ) -> String {
        let norm = |s: &str| s.trim().to_ascii_lowercase();
        [
            "v3".to_owned(),
            self.id.clone(),
            client_id.to_owned(),
            client_mode.to_owned(),
            role.to_owned(),
            scopes.join(","),
            signed_at_ms.to_string(),
            token.to_owned(),
            nonce.to_owned(),
            norm(platform),
            norm(device_family),
        ]
        .join("|")
    }

    /// Signs `payload`: base64url of the 64-byte Ed25519 signature.
    pub fn sign(&self, payload: &str) -> String {
        b64url(self.key.sign(payload.as_bytes()).as_ref())
    }
}

/// The device token kept for one device and role at a caller-chosen path.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct StoredToken {
    pub(crate) device_id: String,
    pub(crate) role: String,
    pub(crate) token: String,
    pub(crate) scopes: Vec<String>,
}

pub(crate) fn load_token(path: &Path, device_id: &str, role: &str) -> Result<Option<StoredToken>> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(Error::invalid(format!(
                "cannot read device token file {}: {e}",
                path.display()
            )));
        }
    };
    let v: Value = serde_json::from_slice(&bytes).map_err(|e| {
        Error::invalid(format!(
            "device token file {} is not JSON: {e}",
            path.display()
        ))
    })?;
    let get = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
    let t = StoredToken {
        device_id: get("deviceId"),
        role: get("role"),
        token: get("token"),
        scopes: crate::ws::protocol::strings(v.get("scopes")).unwrap_or_default(),
    };
    // A token for another key or role is not ours to use.
    Ok((t.device_id == device_id && t.role == role && !t.token.is_empty()).then_some(t))
}

pub(crate) fn save_token(path: &Path, t: &StoredToken) -> Result<()> {
    let text = json!({
        "version": 1,
        "deviceId": t.device_id,
        "role": t.role,
        "token": t.token,
        "scopes": t.scopes,
    })
    .to_string();
    write_private(path, text.as_bytes())
}

/// Writes a file readable by its owner only (via a temporary file and rename).
fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let tmp: PathBuf = {
        let mut p = path.as_os_str().to_owned();
        p.push(format!(".tmp{}", std::process::id()));
        p.into()
    };
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    let fail = |e: std::io::Error| Error::invalid(format!("cannot write {}: {e}", path.display()));
    let mut f = o.open(&tmp).map_err(fail)?;
    f.write_all(bytes).map_err(fail)?;
    f.sync_all().map_err(fail)?;
    std::fs::rename(&tmp, path).map_err(fail)
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// base64url without padding.
pub(crate) fn b64url(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(B64[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

/// Decodes base64url (padding and standard `+/` accepted).
pub(crate) fn b64url_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in s.bytes().filter(|&c| c != b'=') {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

pub(crate) fn hex(data: &[u8]) -> String {
    data.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_round_trip() {
        for n in 0..70u8 {
            let data: Vec<u8> = (0..n).map(|i| i.wrapping_mul(37)).collect();
            assert_eq!(b64url_decode(&b64url(&data)).unwrap(), data);
        }
        assert_eq!(b64url(b"\xfb\xff"), "-_8");
    }

    #[test]
    fn signature_verifies_and_id_is_the_key_hash() {
        let id = DeviceIdentity::generate().unwrap();
        let raw = b64url_decode(id.public_key()).unwrap();
        assert_eq!(raw.len(), 32);
        assert_eq!(
            id.device_id(),
            hex(ring::digest::digest(&ring::digest::SHA256, &raw).as_ref())
        );
        let p = id.payload_v3(
            "cli",
            "cli",
            "operator",
            &["operator.read".into(), "operator.write".into()],
            1795638126871,
            "ws-token",
            "n-1",
            "Linux",
            "",
        );
        assert_eq!(
            p,
            format!(
                "v3|{}|cli|cli|operator|operator.read,operator.write|1795638126871|ws-token|n-1|linux|",
                id.device_id()
            )
        );
        let sig = b64url_decode(&id.sign(&p)).unwrap();
        ring::signature::UnparsedPublicKey::new(&ring::signature::ED25519, &raw)
            .verify(p.as_bytes(), &sig)
            .unwrap();
    }
}
