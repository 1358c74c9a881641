//! # openclaw-client
//!
//! A blocking client for the [OpenClaw](https://www.npmjs.com/package/openclaw) gateway's HTTP
//! API, for Rust and (through [`ffi`]) for C, C++ and any runtime with a C FFI.
//!
//! - [`sse`]: a WHATWG-exact event-stream parser over any `BufRead` (no HTTP).
//! - [`stream`]: chat-completion stream decoding into typed events.
//! - [`client`]: configuration, transport, endpoints and connection diagnosis.
//! - [`error`]: one error type with stable categories.
//! - [`options`] and [`validate`]: per-call settings and input rules shared by every request.
//! - [`ws`]: the WebSocket control plane (live events, abort, approvals, sessions).
//! - [`speech`]: sentence chunks of a text stream, for text-to-speech.
//! - [`trace`]: W3C trace context (`traceparent`, `tracestate`).
//!
//! ```no_run
//! use openclaw_client::{Client, ChatRequest, ChatEvent};
//!
//! let client = Client::builder()
//!     .base_url("http://127.0.0.1:18789")
//!     .token("my-gateway-token")
//!     .build()?;
//! let mut stream = client.chat_stream(&ChatRequest::user_message("Hello!").include_usage(true))?;
//! for event in &mut stream {
//!     match event? {
//!         ChatEvent::Content(text) => print!("{text}"),
//!         ChatEvent::Usage(u) => eprintln!("\n{} tokens", u.total_tokens),
//!         _ => {}
//!     }
//! }
//! # Ok::<(), openclaw_client::Error>(())
//! ```
#![deny(missing_docs)]

pub mod cancel;
pub mod chat;
pub mod client;
pub mod error;
pub mod ffi;
mod json;
pub mod options;
mod redact;
pub mod responses;
pub mod speech;
mod speech_sources;
pub mod sse;
pub mod stream;
pub mod timing;
pub mod trace;
pub mod validate;
pub mod ws;

pub use cancel::CancelToken;
pub use chat::{
    ChatCompletion, ChatRequest, Content, ContentPart, FinishReason, Message, Role, Tool, ToolCall,
    ToolChoice, Usage,
};
pub use client::{
    CallOptions, Capabilities, Client, ClientBuilder, Diagnosis, DiagnosisCode, Discovered,
    Embeddings, EmbeddingsRequest, Health, HistoryEvent, HistoryStream, HookAgentRequest,
    HookAgentResult, Model, ProxySetting, Readiness, RetryPolicy, SettingSource, Startup, Timeouts,
    ToolInvocation, WakeRequest, WakeResult,
};
pub use error::{ConnectFailure, Endpoint, Error, ErrorKind, Result, TimeoutPhase};
pub use responses::{
    Input, InputItem, InputPart, OutputItem, Response, ResponseUsage, ResponsesRequest, Source,
};
pub use stream::responses::{ResponseEvent, ResponseStream};
pub use stream::{ChatEvent, ChatEventRef, ChatStream, ToolCallDelta};
pub use timing::StreamTiming;

/// The crate version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
