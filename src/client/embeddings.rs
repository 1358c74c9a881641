//! `POST /v1/embeddings`.

use serde_json::Value;

use super::transport::Call;
use super::{CallOptions, Client};
use crate::error::{Endpoint, Error, Result};

/// An embeddings request: one or many inputs (at most 128, 8192 characters each).
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct EmbeddingsRequest {
    /// The texts.
    pub inputs: Vec<String>,
    /// The `model` agent target; `None` = `openclaw/<agent>`.
    pub target: Option<String>,
    /// `x-openclaw-model`: the backend embedding model.
    pub model_override: Option<String>,
    /// Ask for base64 (smaller on the wire); the result is decoded to f32 either way.
    pub base64: bool,
    /// `dimensions`.
    pub dimensions: Option<u32>,
    /// Per-call options.
    pub options: CallOptions,
}

impl EmbeddingsRequest {
    /// A request for these inputs.
    pub fn new<S: Into<String>>(inputs: impl IntoIterator<Item = S>) -> Self {
        EmbeddingsRequest {
            inputs: inputs.into_iter().map(Into::into).collect(),
            ..Self::default()
        }
    }
    /// Sets `x-openclaw-model`.
    pub fn model_override(mut self, m: impl Into<String>) -> Self {
        self.model_override = Some(m.into());
        self
    }
    /// Requests base64 encoding.
    pub fn base64(mut self, on: bool) -> Self {
        self.base64 = on;
        self
    }
    /// Sets the `model` agent target.
    pub fn target(mut self, t: impl Into<String>) -> Self {
        self.target = Some(t.into());
        self
    }
}

/// The vectors, in input order.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct Embeddings {
    /// One vector per input.
    pub vectors: Vec<Vec<f32>>,
    /// The model target echoed.
    pub model: String,
}

/// Standard base64 (with or without padding) to bytes.
pub(crate) fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let val = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        } as u32)
    };
    let s = s.trim_end_matches('=').as_bytes();
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    for chunk in s.chunks(4) {
        let mut n = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            n |= val(c)? << (18 - 6 * i);
        }
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        match chunk.len() {
            4 => out.extend_from_slice(&bytes),
            3 => out.extend_from_slice(&bytes[..2]),
            2 => out.push(bytes[0]),
            _ => return None,
        }
    }
    Some(out)
}

impl Client {
    /// Embeds the inputs (`POST /v1/embeddings`).
    pub fn embeddings(&self, req: &EmbeddingsRequest) -> Result<Embeddings> {
        if req.inputs.is_empty() || req.inputs.iter().any(String::is_empty) {
            return Err(Error::invalid(
                "embeddings need at least one input and no empty string",
            ));
        }
        if req.inputs.len() > 128 {
            return Err(Error::invalid("at most 128 inputs per embeddings request"));
        }
        let model = req
            .target
            .clone()
            .unwrap_or_else(|| crate::chat::default_target(&self.inner.agent_id));
        let mut body = serde_json::json!({"model": model, "input": req.inputs});
        if req.base64 {
            body["encoding_format"] = Value::String("base64".into());
        }
        if let Some(d) = req.dimensions {
            body["dimensions"] = Value::from(d);
        }
        let body = serde_json::to_vec(&body).map_err(|e| Error::invalid(e.to_string()))?;
        let mut headers = Vec::new();
        if let Some(m) = &req.model_override {
            crate::chat::validate_header_value("the x-openclaw-model override", m)?;
            headers.push(("x-openclaw-model", m.as_str()));
        }
        let sent = self.send(
            &Call::post("/v1/embeddings", Endpoint::Embeddings, &body, &req.options)
                .headers(headers),
        )?;
        let bytes = self.json_body(Endpoint::Embeddings, sent)?;
        let v: Value = serde_json::from_slice(&bytes)
            .map_err(|e| Error::protocol(format!("/v1/embeddings answered invalid JSON: {e}")))?;
        let mut data: Vec<(u64, Vec<f32>)> = Vec::new();
        for d in v
            .get("data")
            .and_then(Value::as_array)
            .ok_or_else(|| Error::protocol("/v1/embeddings answered without data"))?
        {
            let index = d
                .get("index")
                .and_then(Value::as_u64)
                .unwrap_or(data.len() as u64);
            let vector = match d.get("embedding") {
                Some(Value::Array(a)) => {
                    a.iter().map(|x| x.as_f64().unwrap_or(0.0) as f32).collect()
                }
                Some(Value::String(b64)) => {
                    let raw = base64_decode(b64)
                        .ok_or_else(|| Error::protocol("an embedding is not valid base64"))?;
                    if raw.len() % 4 != 0 {
                        return Err(Error::protocol(
                            "a base64 embedding is not a whole number of f32",
                        ));
                    }
                    raw.chunks_exact(4)
                        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                        .collect()
                }
                _ => return Err(Error::protocol("an embedding has no vector")),
            };
            data.push((index, vector));
        }
        data.sort_by_key(|(i, _)| *i);
        Ok(Embeddings {
            vectors: data.into_iter().map(|(_, v)| v).collect(),
            model: v
                .get("model")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64_round_trip() {
        for n in 0..40u8 {
            let bytes: Vec<u8> = (0..n).map(|i| i.wrapping_mul(37)).collect();
            let enc = crate::chat::base64_encode(&bytes);
            assert_eq!(super::base64_decode(&enc), Some(bytes));
        }
        assert_eq!(super::base64_decode("!!"), None);
    }
}
