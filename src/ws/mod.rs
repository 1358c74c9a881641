//! The gateway's WebSocket control plane (protocol v4): live agent events, a real abort,
//! exec approvals, sessions — as a blocking client.
//!
//! Open a connection from the same [`Client`] (URL, secret, TLS settings, timeouts, discovery)
//! with [`Client::ws_connect`]. The WebSocket lives on the HTTP port (`http://` → `ws://`,
//! `https://` → `wss://`); the client's proxy setting does not apply (the WebSocket connects
//! directly).
//!
//! ```no_run
//! use openclaw_client::{Client, ws::{WsOptions, RunEvent}};
//!
//! let client = Client::builder().base_url("http://127.0.0.1:18789").token("t").build()?;
//! let ws = client.ws_connect(WsOptions::new())?;
//! let mut run = ws.chat_run("main", "Hello!")?;
//! for ev in &mut run {
//!     match ev? {
//!         RunEvent::Delta { text, .. } => print!("{text}"),
//!         RunEvent::Final { .. } => println!(),
//!         _ => {}
//!     }
//! }
//! # Ok::<(), openclaw_client::Error>(())
//! ```
//!
//! # Threads
//!
//! [`Client::ws_connect`] starts **one thread per connection** (named `openclaw-ws`). It is the
//! only code that touches the socket: it reads frames, writes queued requests, answers pings,
//! runs the tick watchdog and, when enabled, reconnects. It is needed because a caller may block
//! in [`WsConnection::call`] on one thread while events for a running chat arrive and another
//! thread sends `chat.abort`. The thread ends when the connection is closed
//! ([`WsConnection::close`] or drop, which waits for it) or lost without reconnect. Every method
//! of [`WsConnection`] may be called from any thread at the same time; answers are matched to
//! requests by id.
//!
//! # Events and the queue
//!
//! Events go to a bounded queue (default 1024, [`WsOptions::event_queue_capacity`]) that
//! [`WsConnection::next_event`] pulls from, or, after [`WsConnection::set_event_callback`], to
//! the callback instead (run on the connection thread). When the queue is full the **oldest**
//! event is discarded; the next pull then returns an [`EventKind::Dropped`] notice with the
//! count before the newer events. A chat run's events also go to its [`ChatRun`] (its own
//! queue, not affected by the connection queue).
//!
//! # Liveness
//!
//! With no frame (event, answer, ping) for 2 × `policy.tickIntervalMs` the connection counts as
//! lost. Every request in flight then fails with [`Error::Disconnected`] — it may or may not
//! have run on the gateway and is **never replayed**. With [`WsOptions::reconnect`] the thread
//! reconnects with jittered exponential back-off (1 s doubling to 30 s), renews the session
//! subscriptions made with [`WsConnection::sessions_subscribe`] and
//! [`WsConnection::sessions_messages_subscribe`], and queues [`EventKind::Disconnected`] and
//! [`EventKind::Reconnected`] notices. A jump in the frame `seq` is reported as
//! [`EventKind::Gap`] (the gateway drops events for slow consumers).

pub mod events;
pub mod identity;
pub mod protocol;
mod run;
mod transport;

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::io;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock};
use std::thread::{self, JoinHandle, ThreadId};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tungstenite::protocol::WebSocketConfig;
use tungstenite::{Message, WebSocket};

use crate::client::Client;
use crate::error::{Error, Result, TimeoutPhase};
pub use events::{
    AgentEvent, AgentKind, ApprovalRequest, ApprovalResolved, ChatEvent, ChatState, Event,
    EventKind, SessionMessage,
};
pub use identity::DeviceIdentity;
pub use protocol::{Hello, PROTOCOL_VERSION};
pub use run::{ChatRun, RunAbort, RunEvent};
use transport::{Stream, Target};

/// Scopes requested by default.
pub const DEFAULT_SCOPES: [&str; 3] = ["operator.read", "operator.write", "operator.approvals"];

/// Settings of one WebSocket connection (everything else comes from the [`Client`]).
#[derive(Debug, Clone)]
pub struct WsOptions {
    pub(crate) role: String,
    pub(crate) scopes: Vec<String>,
    pub(crate) caps: Option<Vec<String>>,
    pub(crate) client_id: String,
    pub(crate) client_mode: String,
    pub(crate) platform: String,
    pub(crate) device_family: Option<String>,
    pub(crate) identity: Option<DeviceIdentity>,
    pub(crate) token_path: Option<PathBuf>,
    pub(crate) request_timeout: Option<Duration>,
    pub(crate) connect_timeout: Option<Duration>,
    pub(crate) queue_capacity: usize,
    pub(crate) max_frame: usize,
    pub(crate) reconnect: bool,
    pub(crate) protocol: (u32, u32),
    pub(crate) use_shared_secret: bool,
}

impl Default for WsOptions {
    fn default() -> Self {
        WsOptions {
            role: "operator".into(),
            scopes: DEFAULT_SCOPES.iter().map(|s| (*s).to_owned()).collect(),
            caps: None,
            client_id: "cli".into(),
            client_mode: "cli".into(),
            platform: std::env::consts::OS.into(),
            device_family: None,
            identity: None,
            token_path: None,
            request_timeout: Some(Duration::from_secs(30)),
            connect_timeout: None,
            queue_capacity: 1024,
            max_frame: 64 << 20,
            reconnect: false,
            protocol: (PROTOCOL_VERSION, PROTOCOL_VERSION),
            use_shared_secret: true,
        }
    }
}

impl WsOptions {
    /// Operator role, scopes [`DEFAULT_SCOPES`], client id and mode `cli`, 30 s request
    /// timeout, 1024 queued events, 64 MiB incoming frames, no reconnect.
    pub fn new() -> Self {
        Self::default()
    }
    /// The scopes to request (`operator.read`, `operator.write`, `operator.admin`,
    /// `operator.approvals`, `operator.pairing`…). The gateway grants at most what the token
    /// or device allows; [`Hello::scopes`] says what was granted.
    pub fn scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }
    /// Client caps (default: `tool-events`, plus `exec-approvals` when `operator.approvals` is
    /// requested: the gateway sends `exec.approval.*` events only to connections with both).
    pub fn caps<S: Into<String>>(mut self, caps: impl IntoIterator<Item = S>) -> Self {
        self.caps = Some(caps.into_iter().map(Into::into).collect());
        self
    }
    /// `client.id` and `client.mode` (one of the gateway's known ids/modes; default `cli`).
    pub fn client(mut self, id: impl Into<String>, mode: impl Into<String>) -> Self {
        self.client_id = id.into();
        self.client_mode = mode.into();
        self
    }
    /// `client.deviceFamily` (part of the signed payload).
    pub fn device_family(mut self, family: impl Into<String>) -> Self {
        self.device_family = Some(family.into());
        self
    }
    /// Presents this device identity: the challenge is signed (v3 payload) and, on loopback,
    /// the gateway pairs the device automatically and issues a device token.
    pub fn device_identity(mut self, id: DeviceIdentity) -> Self {
        self.identity = Some(id);
        self
    }
    /// Where to keep the device token (with a device identity): written (mode 0600) when the
    /// gateway issues a new one, and sent on later connects when the client has no secret.
    pub fn device_token_path(mut self, path: impl Into<PathBuf>) -> Self {
        self.token_path = Some(path.into());
        self
    }
    /// Whether to send the client's gateway token/password (default true). Turn it off to
    /// authenticate with the stored device token only.
    pub fn use_shared_secret(mut self, on: bool) -> Self {
        self.use_shared_secret = on;
        self
    }
    /// The default deadline of each request (`None` = wait until the connection ends).
    pub fn request_timeout(mut self, t: Option<Duration>) -> Self {
        self.request_timeout = t;
        self
    }
    /// The budget for connecting and the handshake, retries of a starting gateway
    /// (`UNAVAILABLE` + `retryAfterMs`) included. Default: the client's connect timeout, at
    /// least 15 s.
    pub fn connect_timeout(mut self, t: Duration) -> Self {
        self.connect_timeout = Some(t);
        self
    }
    /// Capacity of the event queue (default 1024, at least 1); see the module docs for the
    /// policy when it is full.
    pub fn event_queue_capacity(mut self, n: usize) -> Self {
        self.queue_capacity = n.max(1);
        self
    }
    /// The largest incoming message accepted, in bytes (default 64 MiB); a larger one ends the
    /// connection with [`Error::LimitExceeded`] as reason.
    pub fn max_incoming_frame(mut self, bytes: usize) -> Self {
        self.max_frame = bytes.max(1024);
        self
    }
    /// Reconnect automatically after the connection is lost (default off).
    pub fn reconnect(mut self, on: bool) -> Self {
        self.reconnect = on;
        self
    }
    /// The protocol range offered (default 4..=4; for tests of mismatch handling).
    pub fn protocol_range(mut self, min: u32, max: u32) -> Self {
        self.protocol = (min, max);
        self
    }

    fn effective_caps(&self) -> Vec<String> {
        self.caps.clone().unwrap_or_else(|| {
            let mut c = vec!["tool-events".to_owned()];
            if self.scopes.iter().any(|s| s == "operator.approvals") {
                c.push("exec-approvals".to_owned());
            }
            c
        })
    }
}

/// The answer to `chat.send`.
#[derive(Debug, Clone, PartialEq)]
pub struct ChatSendAck {
    /// The run id (equal to the idempotency key on openclaw 2026.9.6).
    pub run_id: String,
    /// `started`, or `ok` when the same key already ran (nothing new runs).
    pub status: String,
    /// The idempotency key sent.
    pub idempotency_key: String,
}

/// The answer to `chat.abort`.
#[derive(Debug, Clone, PartialEq)]
pub struct AbortResult {
    /// Whether a run was aborted.
    pub aborted: bool,
    /// The runs aborted.
    pub run_ids: Vec<String>,
}

/// An exec approval decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// `allow-once`
    AllowOnce,
    /// `allow-always` (not offered for every command: see `allowed_decisions`)
    AllowAlways,
    /// `deny`
    Deny,
}

impl Decision {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::AllowOnce => "allow-once",
            Decision::AllowAlways => "allow-always",
            Decision::Deny => "deny",
        }
    }
}

type Callback = Arc<dyn Fn(&Event) + Send + Sync>;

/// An event callback for [`WsConnection::set_event_callback`].
pub type EventCallback = Box<dyn Fn(&Event) + Send + Sync>;

pub(crate) struct RunSlot {
    pub(crate) queue: VecDeque<Event>,
    pub(crate) gap: Option<(u64, u64)>,
    pub(crate) ended: Option<(String, Option<u16>)>,
}

#[derive(Default)]
struct Subscriptions {
    sessions: Option<Value>,
    messages: BTreeSet<String>,
}

struct State {
    hello: Arc<Hello>,
    /// `Some` once the connection is closed for good.
    closed: Option<(String, Option<u16>)>,
    reconnecting: bool,
    close_requested: bool,
    out: VecDeque<String>,
    pending: HashMap<String, String>,
    done: HashMap<String, Result<Value>>,
    events: VecDeque<Event>,
    dropped: u64,
    runs: HashMap<String, RunSlot>,
    callback: Option<Callback>,
    /// The connection thread is running the callback (it was taken under the lock).
    in_callback: bool,
    subs: Subscriptions,
    last_seq: Option<u64>,
}

pub(crate) struct Shared {
    st: Mutex<State>,
    cv: Condvar,
    #[cfg(unix)]
    wake_tx: std::os::unix::net::UnixStream,
    #[cfg(unix)]
    wake_rx: std::os::unix::net::UnixStream,
    client: Client,
    opts: WsOptions,
    next_id: AtomicU64,
    io_thread: OnceLock<ThreadId>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.st.lock().unwrap_or_else(|p| p.into_inner())
    }
    fn wake(&self) {
        #[cfg(unix)]
        {
            use std::io::Write;
            let _ = (&self.wake_tx).write(&[1]);
        }
    }
    fn disconnected(reason: &(String, Option<u16>)) -> Error {
        Error::Disconnected {
            reason: reason.0.clone(),
            close_code: reason.1,
            partial: String::new(),
        }
    }
    fn id(&self, prefix: &str) -> String {
        format!(
            "{prefix}{}",
            self.next_id.fetch_add(1, Ordering::Relaxed) + 1
        )
    }
}

/// A WebSocket connection to the gateway. `Send + Sync`: share it (e.g. in an `Arc`) between
/// threads. Dropping it closes the connection and waits for its thread.
pub struct WsConnection {
    shared: Arc<Shared>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl std::fmt::Debug for WsConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let h = self.hello();
        f.debug_struct("WsConnection")
            .field("server", &h.server_version)
            .field("conn_id", &h.conn_id)
            .finish_non_exhaustive()
    }
}

pub(crate) fn clip(s: &str, n: usize) -> String {
    if s.len() <= n {
        return s.to_owned();
    }
    let mut end = n;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// A random hex string (for idempotency keys).
pub(crate) fn random_hex(bytes: usize) -> String {
    use ring::rand::SecureRandom;
    let mut b = vec![0u8; bytes];
    if ring::rand::SystemRandom::new().fill(&mut b).is_err() {
        // No system randomness: time and a counter still make keys unique in this process.
        static N: AtomicU64 = AtomicU64::new(0);
        let v = now_ms() ^ (N.fetch_add(1, Ordering::Relaxed) << 40);
        b = v.to_le_bytes().to_vec();
    }
    identity::hex(&b)
}

type Ws = WebSocket<Stream>;

fn ws_io(e: tungstenite::Error) -> Option<io::Error> {
    match e {
        tungstenite::Error::Io(io) => Some(io),
        _ => None,
    }
}

fn would_block(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut | io::ErrorKind::Interrupted
    )
}

/// Maps a transport error during the handshake.
fn handshake_error(client: &Client, e: tungstenite::Error) -> Error {
    let url = client.base_url().to_owned();
    match e {
        tungstenite::Error::Io(io) if would_block(&io) => transport::timeout(client),
        tungstenite::Error::Io(io) if io.get_ref().is_some_and(|i| i.is::<rustls::Error>()) => {
            Error::Tls {
                url,
                message: io.to_string(),
                plain_http: false,
            }
        }
        tungstenite::Error::Tls(t) => Error::Tls {
            url,
            message: t.to_string(),
            plain_http: false,
        },
        tungstenite::Error::Http(resp) => Error::Protocol {
            message: format!(
                "the server at {url} refused the WebSocket upgrade with HTTP {} (is it an OpenClaw gateway?)",
                resp.status().as_u16()
            ),
            partial: String::new(),
        },
        tungstenite::Error::Io(io) => Error::Connect {
            url,
            failure: crate::error::ConnectFailure::Closed,
            message: format!("the connection broke during the WebSocket handshake ({io})"),
        },
        tungstenite::Error::ConnectionClosed | tungstenite::Error::AlreadyClosed => {
            Error::Disconnected {
                reason: "the gateway closed the connection during the handshake".into(),
                close_code: None,
                partial: String::new(),
            }
        }
        other => Error::protocol(format!("WebSocket handshake failed: {other}")),
    }
}

/// Reads the next text frame during the handshake (blocking, bounded by the socket timeout).
fn read_text(client: &Client, ws: &mut Ws) -> Result<String> {
    loop {
        match ws.read() {
            Ok(Message::Text(t)) => return Ok(t.as_str().to_owned()),
            Ok(Message::Close(f)) => {
                return Err(Error::Disconnected {
                    reason: f
                        .as_ref()
                        .map(|f| f.reason.as_str().to_owned())
                        .unwrap_or_else(|| "closed".into()),
                    close_code: f.map(|f| u16::from(f.code)),
                    partial: String::new(),
                });
            }
            Ok(_) => continue,
            Err(e) => return Err(handshake_error(client, e)),
        }
    }
}

/// One connect attempt: TCP/TLS, upgrade, challenge, `connect`, `hello-ok`.
fn connect_once(
    client: &Client,
    opts: &WsOptions,
    target: &Target,
    deadline: Instant,
) -> Result<(Ws, Hello)> {
    // Long on purpose (~140 lines): the handshake is one sequence (challenge, signed connect
    // request, answer or typed refusal, hello); split into steps it would thread the socket,
    // deadline and a dozen locals through every call.
    let stream = transport::open(client, target, deadline)?;
    let config = WebSocketConfig::default()
        .max_message_size(Some(opts.max_frame))
        .max_frame_size(Some(opts.max_frame))
        .write_buffer_size(0);
    let mut request =
        tungstenite::client::IntoClientRequest::into_client_request(target.url.as_str())
            .map_err(|e| Error::invalid(format!("WebSocket URL {}: {e}", target.url)))?;
    request.headers_mut().insert(
        "user-agent",
        tungstenite::http::HeaderValue::from_static(concat!(
            "openclaw-client/",
            env!("CARGO_PKG_VERSION")
        )),
    );
    let (mut ws, _) = match tungstenite::client::client_with_config(request, stream, Some(config)) {
        Ok(x) => x,
        Err(tungstenite::HandshakeError::Failure(e)) => return Err(handshake_error(client, e)),
        Err(tungstenite::HandshakeError::Interrupted(_)) => return Err(transport::timeout(client)),
    };
    // The server speaks first: connect.challenge {nonce, ts}.
    let challenge = loop {
        transport::set_deadline(ws.get_ref().tcp(), deadline)?;
        match protocol::parse_frame(&read_text(client, &mut ws)?)? {
            protocol::Frame::Event { event, payload, .. } if event == "connect.challenge" => {
                break payload;
            }
            _ => continue,
        }
    };
    let nonce = challenge
        .get("nonce")
        .and_then(Value::as_str)
        .ok_or_else(|| Error::protocol("connect.challenge without a nonce"))?
        .to_owned();
    let ts = challenge
        .get("ts")
        .and_then(Value::as_u64)
        .ok_or_else(|| Error::protocol("connect.challenge without a valid ts"))?;

    let secret = if opts.use_shared_secret {
        client
            .inner
            .secret
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
            .map(|s| s.expose().to_owned())
    } else {
        None
    };
    let stored = match (&opts.identity, &opts.token_path) {
        (Some(id), Some(p)) => identity::load_token(p, id.device_id(), &opts.role)?,
        _ => None,
    };
    let (auth, signed_token) = match (&secret, &stored) {
        (Some(s), _) => (Some(json!({"token": s})), s.clone()),
        (None, Some(t)) => (Some(json!({"deviceToken": t.token})), t.token.clone()),
        (None, None) => (None, String::new()),
    };
    let mut client_info = json!({
        "id": opts.client_id,
        "version": env!("CARGO_PKG_VERSION"),
        "platform": opts.platform,
        "mode": opts.client_mode,
    });
    if let Some(f) = &opts.device_family {
        client_info["deviceFamily"] = json!(f);
    }
    let mut params = json!({
        "minProtocol": opts.protocol.0,
        "maxProtocol": opts.protocol.1,
        "client": client_info,
        "role": opts.role,
        "scopes": opts.scopes,
        "caps": opts.effective_caps(),
        "userAgent": concat!("openclaw-client/", env!("CARGO_PKG_VERSION")),
    });
    if let Some(a) = auth {
        params["auth"] = a;
    }
    if let Some(id) = &opts.identity {
        let payload = id.payload_v3(
            &opts.client_id,
            &opts.client_mode,
            &opts.role,
            &opts.scopes,
            ts,
            &signed_token,
            &nonce,
            &opts.platform,
            opts.device_family.as_deref().unwrap_or(""),
        );
        params["device"] = json!({
            "id": id.device_id(),
            "publicKey": id.public_key(),
            "signature": id.sign(&payload),
            "signedAt": ts,
            "nonce": nonce,
        });
    }
    let id = "connect-1";
    ws.send(Message::text(protocol::request_text(
        id, "connect", &params,
    )))
    .map_err(|e| handshake_error(client, e))?;
    let hello = loop {
        transport::set_deadline(ws.get_ref().tcp(), deadline)?;
        match protocol::parse_frame(&read_text(client, &mut ws)?)? {
            protocol::Frame::Res {
                id: rid,
                ok,
                payload,
                error,
            } if rid == id => {
                if !ok {
                    return Err(protocol::error_from("connect", &error, true));
                }
                break Hello::from_payload(payload)?;
            }
            _ => continue,
        }
    };
    if let (Some(idn), Some(p), Some(tok)) = (&opts.identity, &opts.token_path, &hello.device_token)
        && stored.as_ref().map(|s| &s.token) != Some(tok)
    {
        identity::save_token(
            p,
            &identity::StoredToken {
                device_id: idn.device_id().to_owned(),
                role: opts.role.clone(),
                token: tok.clone(),
                scopes: hello.scopes.clone(),
            },
        )?;
    }
    Ok((ws, hello))
}

/// Connects within the budget, retrying a starting gateway's `UNAVAILABLE` + `retryAfterMs`.
fn connect_with_retry(client: &Client, opts: &WsOptions) -> Result<(Ws, Hello)> {
    let target = Target::from_base(client.base_url())?;
    let budget = opts.connect_timeout.unwrap_or_else(|| {
        client
            .timeouts()
            .connect
            .unwrap_or(Duration::from_secs(15))
            .max(Duration::from_secs(15))
    });
    let deadline = Instant::now() + budget;
    loop {
        match connect_once(client, opts, &target, deadline) {
            Err(Error::Rpc {
                code,
                retry_after: Some(wait),
                ..
            }) if code == "UNAVAILABLE" && Instant::now() + wait < deadline => {
                log::info!("gateway starting; retrying the WebSocket connect in {wait:?}");
                thread::sleep(wait);
            }
            other => return other,
        }
    }
}

impl Client {
    /// Opens a WebSocket connection to the gateway's control plane (protocol v4) with this
    /// client's URL, secret, TLS settings and timeouts, and completes the handshake. Starts one
    /// thread for the connection (see [`crate::ws`]).
    ///
    /// Errors: [`Error::WsAuth`] (token mismatch or missing, device auth),
    /// [`Error::PairingRequired`], [`Error::ProtocolMismatch`], [`Error::Connect`],
    /// [`Error::Tls`], [`Error::Timeout`], or [`Error::Rpc`] (e.g. `UNAVAILABLE` when the
    /// gateway is still starting after the connect budget).
    pub fn ws_connect(&self, options: WsOptions) -> Result<WsConnection> {
        WsConnection::open(self.clone(), options)
    }
}

impl WsConnection {
    fn open(client: Client, opts: WsOptions) -> Result<WsConnection> {
        let (ws, hello) = connect_with_retry(&client, &opts)?;
        #[cfg(unix)]
        let (wake_tx, wake_rx) = {
            let (a, b) = std::os::unix::net::UnixStream::pair().map_err(|e| Error::Io {
                message: e.to_string(),
            })?;
            a.set_nonblocking(true)
                .and_then(|_| b.set_nonblocking(true))
                .map_err(|e| Error::Io {
                    message: e.to_string(),
                })?;
            (a, b)
        };
        let shared = Arc::new(Shared {
            st: Mutex::new(State {
                hello: Arc::new(hello),
                closed: None,
                reconnecting: false,
                close_requested: false,
                out: VecDeque::new(),
                pending: HashMap::new(),
                done: HashMap::new(),
                events: VecDeque::new(),
                dropped: 0,
                runs: HashMap::new(),
                callback: None,
                in_callback: false,
                subs: Subscriptions::default(),
                last_seq: None,
            }),
            cv: Condvar::new(),
            wake_tx,
            wake_rx,
            client,
            opts,
            next_id: AtomicU64::new(0),
            io_thread: OnceLock::new(),
        });
        let s2 = shared.clone();
        let handle = thread::Builder::new()
            .name("openclaw-ws".into())
            .spawn(move || io_main(s2, ws))
            .map_err(|e| Error::Io {
                message: format!("cannot start the WebSocket thread: {e}"),
            })?;
        let _ = shared.io_thread.set(handle.thread().id());
        Ok(WsConnection {
            shared,
            thread: Mutex::new(Some(handle)),
        })
    }

    /// The current `hello-ok` (a new one after a reconnect).
    pub fn hello(&self) -> Arc<Hello> {
        self.shared.lock().hello.clone()
    }

    /// Whether the connection is closed for good (closed by the caller, or lost without
    /// reconnect, or reconnect gave up on a credential error).
    pub fn is_closed(&self) -> bool {
        self.shared.lock().closed.is_some()
    }

    /// Sends a request and waits for its answer, at most the default request timeout.
    /// `params` `Null` is sent as `{}`. Any method the gateway serves can be called this way.
    pub fn call(&self, method: &str, params: Value) -> Result<Value> {
        self.call_timeout(method, params, self.shared.opts.request_timeout)
    }

    /// [`WsConnection::call`] with its own deadline (`None` = until the connection ends). On
    /// timeout the answer is ignored when it comes; the request may still run.
    pub fn call_timeout(
        &self,
        method: &str,
        params: Value,
        timeout: Option<Duration>,
    ) -> Result<Value> {
        call_shared(&self.shared, method, params, timeout)
    }

    /// `chat.send` with a fresh idempotency key. The run's events then arrive as `chat` and
    /// `agent` events; use [`WsConnection::chat_run`] to follow one run as a stream.
    pub fn chat_send(&self, session_key: &str, message: &str) -> Result<ChatSendAck> {
        self.chat_send_with_key(session_key, message, &random_hex(16))
    }

    /// `chat.send` with the caller's idempotency key (the same key and message never run
    /// twice: the gateway answers `status:"ok"`; the same key with another message is an
    /// error).
    pub fn chat_send_with_key(
        &self,
        session_key: &str,
        message: &str,
        idempotency_key: &str,
    ) -> Result<ChatSendAck> {
        if idempotency_key.is_empty() {
            return Err(Error::invalid("the idempotency key must not be empty"));
        }
        let r = self.call(
            "chat.send",
            json!({"sessionKey": session_key, "message": message, "idempotencyKey": idempotency_key}),
        )?;
        Ok(ChatSendAck {
            run_id: r
                .get("runId")
                .and_then(Value::as_str)
                .unwrap_or(idempotency_key)
                .to_owned(),
            status: r
                .get("status")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            idempotency_key: idempotency_key.to_owned(),
        })
    }

    /// Sends a message and follows the run as a stream of [`RunEvent`]s (see [`ChatRun`]).
    pub fn chat_run(&self, session_key: &str, message: &str) -> Result<ChatRun> {
        ChatRun::start(self.shared.clone(), session_key, message)
    }

    /// `chat.abort` for a session (all its active runs, or only `run_id`).
    pub fn chat_abort(&self, session_key: &str, run_id: Option<&str>) -> Result<AbortResult> {
        abort_shared(&self.shared, session_key, run_id)
    }

    /// `chat.history` (the last `limit` messages).
    pub fn chat_history(&self, session_key: &str, limit: Option<u32>) -> Result<Value> {
        let mut p = json!({"sessionKey": session_key});
        if let Some(l) = limit {
            p["limit"] = json!(l);
        }
        self.call("chat.history", p)
    }

    /// `sessions.list` with the given params (`{}`, `{"limit":5}`, `{"search":"x"}`…).
    pub fn sessions_list(&self, params: Value) -> Result<Value> {
        self.call("sessions.list", params)
    }

    /// `sessions.subscribe`: `sessions.changed` and `session.message` events for this
    /// connection; renewed after a reconnect. `params` as for `sessions.list` also returns the
    /// list (`{}` only acknowledges).
    pub fn sessions_subscribe(&self, params: Value) -> Result<Value> {
        let r = self.call("sessions.subscribe", params)?;
        self.shared.lock().subs.sessions = Some(json!({}));
        Ok(r)
    }

    /// `sessions.messages.subscribe {key}`: `session.message` events of one session; renewed
    /// after a reconnect.
    pub fn sessions_messages_subscribe(&self, session_key: &str) -> Result<Value> {
        let r = self.call("sessions.messages.subscribe", json!({"key": session_key}))?;
        self.shared
            .lock()
            .subs
            .messages
            .insert(session_key.to_owned());
        Ok(r)
    }

    /// `exec.approval.list`: the pending exec approvals.
    pub fn exec_approval_list(&self) -> Result<Vec<ApprovalRequest>> {
        let r = self.exec_approval_list_json()?;
        Ok(r.as_array()
            .map(|a| a.iter().map(events::approval_request).collect())
            .unwrap_or_default())
    }

    /// `exec.approval.list` as the gateway sent it (a JSON array), for callers that want
    /// fields [`ApprovalRequest`] does not carry.
    pub fn exec_approval_list_json(&self) -> Result<Value> {
        self.call("exec.approval.list", json!({}))
    }

    /// `exec.approval.resolve`.
    pub fn exec_approval_resolve(&self, id: &str, decision: Decision) -> Result<()> {
        self.call(
            "exec.approval.resolve",
            json!({"id": id, "decision": decision.as_str()}),
        )
        .map(|_| ())
    }

    /// `agents.list`.
    pub fn agents_list(&self) -> Result<Value> {
        self.call("agents.list", json!({}))
    }

    /// `models.list`.
    pub fn models_list(&self) -> Result<Value> {
        self.call("models.list", json!({}))
    }

    /// `health`.
    pub fn health(&self) -> Result<Value> {
        self.call("health", json!({}))
    }

    /// The next event, waiting at most `timeout` (`None` = until one comes). `Ok(None)` on
    /// timeout; [`Error::Disconnected`] once the connection is closed and the queue is empty.
    /// Not useful after [`WsConnection::set_event_callback`] (events go to the callback).
    pub fn next_event(&self, timeout: Option<Duration>) -> Result<Option<Event>> {
        let deadline = timeout.map(|t| Instant::now() + t);
        let mut st = self.shared.lock();
        loop {
            if st.dropped > 0 {
                let count = std::mem::take(&mut st.dropped);
                return Ok(Some(events::notice(
                    "openclaw.dropped",
                    EventKind::Dropped { count },
                )));
            }
            if let Some(e) = st.events.pop_front() {
                return Ok(Some(e));
            }
            if let Some(c) = &st.closed {
                return Err(Shared::disconnected(c));
            }
            st = match deadline {
                None => self.shared.cv.wait(st).unwrap_or_else(|p| p.into_inner()),
                Some(d) => {
                    let left = d.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        return Ok(None);
                    }
                    self.shared
                        .cv
                        .wait_timeout(st, left)
                        .unwrap_or_else(|p| p.into_inner())
                        .0
                }
            };
        }
    }

    /// Delivers events to `callback` instead of the queue (`None` goes back to the queue).
    /// The callback runs on the connection thread: keep it short, and do not call blocking
    /// methods of this connection from it (they return [`Error::InvalidInput`]); hand work to
    /// another thread instead. When this returns (called from any other thread), the previous
    /// callback has returned and is not called again, so what it uses may be released.
    pub fn set_event_callback(&self, callback: Option<EventCallback>) {
        let mut st = self.shared.lock();
        st.callback = callback.map(Arc::from);
        if self.shared.io_thread.get() == Some(&thread::current().id()) {
            return; // from the callback itself: it is the one running.
        }
        while st.in_callback {
            st = self.shared.cv.wait(st).unwrap_or_else(|p| p.into_inner());
        }
    }

    /// Closes the connection (idempotent) and waits for its thread: when it returns (on any
    /// thread, also when several close at once) the connection is closed. Requests waiting for
    /// an answer fail with [`Error::Disconnected`]. From the event callback it only asks the
    /// thread to end (it cannot wait for itself).
    pub fn close(&self) {
        {
            let mut st = self.shared.lock();
            st.close_requested = true;
        }
        self.shared.wake();
        self.shared.cv.notify_all();
        if self.shared.io_thread.get() == Some(&thread::current().id()) {
            return;
        }
        // Joined while holding the slot: a concurrent close waits here until the thread ended.
        let mut slot = self.thread.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(h) = slot.take() {
            let _ = h.join();
        }
    }
}

impl Drop for WsConnection {
    fn drop(&mut self) {
        self.close();
    }
}

pub(crate) fn call_shared(
    shared: &Arc<Shared>,
    method: &str,
    params: Value,
    timeout: Option<Duration>,
) -> Result<Value> {
    if shared.io_thread.get() == Some(&thread::current().id()) {
        return Err(Error::invalid(
            "blocking WebSocket calls cannot be made from the event callback (it runs on the connection thread)",
        ));
    }
    if method.is_empty() {
        return Err(Error::invalid("the method name is empty"));
    }
    let params = if params.is_null() { json!({}) } else { params };
    let id = shared.id("r");
    let text = protocol::request_text(&id, method, &params);
    {
        let mut st = shared.lock();
        let max = st.hello.max_payload;
        if text.len() as u64 > max {
            return Err(Error::LimitExceeded {
                what: "the request frame (the gateway's policy.maxPayload)",
                limit: max,
                partial: String::new(),
            });
        }
        if let Some(c) = &st.closed {
            return Err(Shared::disconnected(c));
        }
        if st.reconnecting {
            return Err(Error::Disconnected {
                reason: "the connection is being re-established; nothing was sent".into(),
                close_code: None,
                partial: String::new(),
            });
        }
        st.pending.insert(id.clone(), method.to_owned());
        st.out.push_back(text);
    }
    shared.wake();
    let deadline = timeout.map(|t| Instant::now() + t);
    let mut st = shared.lock();
    loop {
        if let Some(r) = st.done.remove(&id) {
            return r;
        }
        if !st.pending.contains_key(&id) || st.closed.is_some() {
            st.pending.remove(&id);
            return Err(Error::Disconnected {
                reason: format!(
                    "the connection ended before the answer to {method} arrived; it may have run on the gateway and is not replayed"
                ),
                close_code: None,
                partial: String::new(),
            });
        }
        st = match deadline {
            None => shared.cv.wait(st).unwrap_or_else(|p| p.into_inner()),
            Some(d) => {
                let left = d.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    st.pending.remove(&id);
                    return Err(Error::Timeout {
                        phase: TimeoutPhase::Response,
                        limit: timeout,
                        partial: String::new(),
                    });
                }
                shared
                    .cv
                    .wait_timeout(st, left)
                    .unwrap_or_else(|p| p.into_inner())
                    .0
            }
        };
    }
}

pub(crate) fn abort_shared(
    shared: &Arc<Shared>,
    session_key: &str,
    run_id: Option<&str>,
) -> Result<AbortResult> {
    let mut p = json!({"sessionKey": session_key});
    if let Some(r) = run_id {
        p["runId"] = json!(r);
    }
    let r = call_shared(shared, "chat.abort", p, shared.opts.request_timeout)?;
    Ok(AbortResult {
        aborted: r.get("aborted").and_then(Value::as_bool).unwrap_or(false),
        run_ids: protocol::strings(r.get("runIds")).unwrap_or_default(),
    })
}

impl Shared {
    pub(crate) fn register_run(&self, key: &str) {
        self.lock().runs.insert(
            key.to_owned(),
            RunSlot {
                queue: VecDeque::new(),
                gap: None,
                ended: None,
            },
        );
    }
    pub(crate) fn rename_run(&self, from: &str, to: &str) {
        let mut st = self.lock();
        if let Some(slot) = st.runs.remove(from) {
            st.runs.insert(to.to_owned(), slot);
        }
    }
    pub(crate) fn unregister_run(&self, key: &str) {
        self.lock().runs.remove(key);
    }
    /// Waits for the next event of a run: `Ok(None)` on timeout.
    pub(crate) fn next_run_event(
        &self,
        key: &str,
        timeout: Option<Duration>,
    ) -> Result<Option<std::result::Result<Event, (u64, u64)>>> {
        let deadline = timeout.map(|t| Instant::now() + t);
        let mut st = self.lock();
        loop {
            let Some(slot) = st.runs.get_mut(key) else {
                return Err(Error::invalid("the run is not registered"));
            };
            if let Some(g) = slot.gap.take() {
                return Ok(Some(Err(g)));
            }
            if let Some(e) = slot.queue.pop_front() {
                return Ok(Some(Ok(e)));
            }
            if let Some(c) = &slot.ended {
                return Err(Shared::disconnected(c));
            }
            if let Some(c) = &st.closed {
                return Err(Shared::disconnected(c));
            }
            st = match deadline {
                None => self.cv.wait(st).unwrap_or_else(|p| p.into_inner()),
                Some(d) => {
                    let left = d.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        return Ok(None);
                    }
                    self.cv
                        .wait_timeout(st, left)
                        .unwrap_or_else(|p| p.into_inner())
                        .0
                }
            };
        }
    }
    pub(crate) fn opts(&self) -> &WsOptions {
        &self.opts
    }
}

/// Most events a run's own queue holds before the oldest are dropped (reported as a gap).
const RUN_QUEUE_MAX: usize = 65_536;

/// Routes one event: the run it belongs to, then the callback or the queue.
fn deliver(shared: &Shared, ev: Event) {
    let cb = {
        let mut st = shared.lock();
        if let EventKind::Gap { expected, received } = ev.kind {
            for slot in st.runs.values_mut() {
                slot.gap = Some((expected, received));
            }
        }
        if let Some(run) = ev.run_id()
            && let Some(slot) = st.runs.get_mut(run)
        {
            if slot.queue.len() >= RUN_QUEUE_MAX {
                slot.queue.pop_front();
                slot.gap = Some((0, 0));
            }
            slot.queue.push_back(ev.clone());
        }
        match st.callback.clone() {
            Some(cb) => {
                st.in_callback = true;
                Some(cb)
            }
            None => {
                if st.events.len() >= shared.opts.queue_capacity {
                    st.events.pop_front();
                    st.dropped += 1;
                }
                st.events.push_back(ev.clone());
                None
            }
        }
    };
    shared.cv.notify_all();
    if let Some(cb) = cb {
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| cb(&ev)));
        if r.is_err() {
            log::error!("the WebSocket event callback panicked; the event was dropped");
        }
        drop(cb);
        shared.lock().in_callback = false;
        shared.cv.notify_all();
    }
}

fn handle_text(shared: &Shared, text: &str) {
    let frame = match protocol::parse_frame(text) {
        Ok(f) => f,
        Err(e) => {
            log::warn!("ignoring a frame from the gateway: {e}");
            return;
        }
    };
    match frame {
        protocol::Frame::Res {
            id,
            ok,
            payload,
            error,
        } => {
            let mut st = shared.lock();
            if let Some(method) = st.pending.remove(&id) {
                let r = if ok {
                    Ok(payload)
                } else {
                    Err(protocol::error_from(&method, &error, false))
                };
                st.done.insert(id, r);
                drop(st);
                shared.cv.notify_all();
            } else if !ok {
                log::warn!(
                    "request {id} failed after its caller stopped waiting: {}",
                    clip(&error.to_string(), 300)
                );
            }
        }
        protocol::Frame::Event {
            event,
            payload,
            seq,
        } => {
            let gap = {
                let mut st = shared.lock();
                let gap = match (st.last_seq, seq) {
                    (Some(last), Some(s)) if s > last + 1 => Some((last + 1, s)),
                    _ => None,
                };
                if let Some(s) = seq {
                    st.last_seq = Some(s.max(st.last_seq.unwrap_or(0)));
                }
                gap
            };
            if let Some((expected, received)) = gap {
                deliver(
                    shared,
                    events::notice("openclaw.gap", EventKind::Gap { expected, received }),
                );
            }
            deliver(shared, events::decode(&event, seq, payload));
        }
    }
}

enum Ended {
    ByCaller,
    Lost(String, Option<u16>),
}

/// Runs one connection until it ends.
fn pump(shared: &Shared, ws: &mut Ws, tick: Duration) -> Ended {
    // Long on purpose (~110 lines): the connection thread's loop (poll, read frames, write
    // queued requests, watchdog, reconnect), kept in one place so the order of its steps is
    // visible.
    use std::os::fd::AsRawFd;
    let fd = ws.get_ref().tcp().as_raw_fd();
    let wake = shared.wake_rx.as_raw_fd();
    if let Err(e) = ws.get_ref().tcp().set_nonblocking(true) {
        return Ended::Lost(
            format!("cannot switch the socket to non-blocking: {e}"),
            None,
        );
    }
    let limit = tick * 2;
    let mut last_rx = Instant::now();
    let mut want_write;
    loop {
        loop {
            match ws.read() {
                Ok(msg) => {
                    last_rx = Instant::now();
                    match msg {
                        Message::Text(t) => handle_text(shared, t.as_str()),
                        Message::Close(f) => {
                            let _ = ws.flush();
                            return Ended::Lost(
                                f.as_ref()
                                    .map(|f| f.reason.as_str().to_owned())
                                    .filter(|r| !r.is_empty())
                                    .unwrap_or_else(|| "the gateway closed the connection".into()),
                                f.map(|f| u16::from(f.code)),
                            );
                        }
                        _ => {}
                    }
                }
                Err(tungstenite::Error::Capacity(c)) => {
                    return Ended::Lost(
                        format!(
                            "an incoming frame exceeded the limit of {} bytes ({c})",
                            shared.opts.max_frame
                        ),
                        None,
                    );
                }
                Err(e) => match ws_io(e) {
                    Some(io) if would_block(&io) => break,
                    Some(io) => return Ended::Lost(format!("read failed: {io}"), None),
                    None => return Ended::Lost("the connection was closed".into(), None),
                },
            }
        }
        let (batch, closing) = {
            let mut st = shared.lock();
            (std::mem::take(&mut st.out), st.close_requested)
        };
        if closing {
            let _ = ws.close(None);
            let _ = ws.flush();
            return Ended::ByCaller;
        }
        for text in batch {
            if let Err(e) = ws.write(Message::text(text)) {
                match ws_io(e) {
                    Some(io) if would_block(&io) => {}
                    other => {
                        return Ended::Lost(
                            format!(
                                "write failed: {}",
                                other.map(|e| e.to_string()).unwrap_or_default()
                            ),
                            None,
                        );
                    }
                }
            }
        }
        match ws.flush() {
            Ok(()) => want_write = false,
            Err(e) => match ws_io(e) {
                Some(io) if would_block(&io) => want_write = true,
                other => {
                    return Ended::Lost(
                        format!(
                            "write failed: {}",
                            other.map(|e| e.to_string()).unwrap_or_default()
                        ),
                        None,
                    );
                }
            },
        }
        let quiet = last_rx.elapsed();
        if quiet >= limit {
            return Ended::Lost(
                format!(
                    "no frame from the gateway for {} ms (2 × tickIntervalMs)",
                    quiet.as_millis()
                ),
                None,
            );
        }
        transport::wait(
            fd,
            want_write,
            wake,
            (limit - quiet).min(Duration::from_secs(1)),
        );
        let mut buf = [0u8; 64];
        while matches!(io::Read::read(&mut &shared.wake_rx, &mut buf), Ok(n) if n > 0) {}
    }
}

/// Fails every request in flight and ends every run stream. Under the same lock it marks the
/// connection closed when it will not be re-established (the caller closed it, or reconnecting
/// is off), else as reconnecting — so a caller woken by the failure already sees
/// [`WsConnection::is_closed`], and a call it makes at once is refused, never queued for a
/// socket that may not come. Returns whether it was marked closed.
fn fail_all(shared: &Shared, reason: &str, code: Option<u16>) -> bool {
    let mut st = shared.lock();
    let by_caller = st.close_requested;
    let final_ = by_caller || !shared.opts.reconnect;
    if final_ {
        st.closed = Some(if by_caller {
            ("closed by the caller".into(), None)
        } else {
            (reason.to_string(), code)
        });
    } else {
        // From now until the new socket is up, calls are refused ("nothing was sent").
        st.reconnecting = true;
        st.last_seq = None;
    }
    let ids: Vec<(String, String)> = st.pending.drain().collect();
    for (id, method) in ids {
        st.done.insert(
            id,
            Err(Error::Disconnected {
                reason: format!(
                    "{reason}; {method} may or may not have run on the gateway and is not replayed"
                ),
                close_code: code,
                partial: String::new(),
            }),
        );
    }
    st.out.clear();
    for slot in st.runs.values_mut() {
        slot.ended = Some((
            format!("{reason}; the run may still be going on the gateway"),
            code,
        ));
    }
    drop(st);
    shared.cv.notify_all();
    final_
}

/// Sleeps up to `d`, returning early (true) when the caller closes the connection.
fn sleep_unless_closed(shared: &Shared, d: Duration) -> bool {
    let end = Instant::now() + d;
    let mut st = shared.lock();
    loop {
        if st.close_requested {
            return true;
        }
        let left = end.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return false;
        }
        st = shared
            .cv
            .wait_timeout(st, left)
            .unwrap_or_else(|p| p.into_inner())
            .0;
    }
}

/// The back-off before reconnect attempt `n` (0-based): 1 s doubling to 30 s, with jitter
/// (a uniform pick between half and all of it).
pub fn backoff(n: u32) -> Duration {
    let full =
        Duration::from_millis(1000u64.saturating_mul(1 << n.min(5))).min(Duration::from_secs(30));
    let r = u64::from_str_radix(&random_hex(4), 16).unwrap_or(0) as f64 / f64::from(u32::MAX);
    full.mul_f64(0.5 + 0.5 * r)
}

fn io_main(shared: Arc<Shared>, ws: Ws) {
    let mut ws = ws;
    loop {
        let tick = shared.lock().hello.tick_interval;
        let ended = pump(&shared, &mut ws, tick);
        let (reason, code) = match ended {
            Ended::ByCaller => {
                fail_all(&shared, "the connection was closed by the caller", None);
                return;
            }
            Ended::Lost(r, c) => (r, c),
        };
        if fail_all(&shared, &reason, code) {
            return;
        }
        deliver(
            &shared,
            events::notice(
                "openclaw.disconnected",
                EventKind::Disconnected {
                    reason: reason.clone(),
                },
            ),
        );
        let mut attempt = 0;
        loop {
            if sleep_unless_closed(&shared, backoff(attempt)) {
                let mut st = shared.lock();
                st.closed = Some(("closed by the caller".into(), None));
                st.reconnecting = false;
                drop(st);
                shared.cv.notify_all();
                return;
            }
            attempt += 1;
            match connect_with_retry(&shared.client, &shared.opts) {
                Ok((mut new_ws, hello)) => {
                    let boot_id = hello.boot_id.clone();
                    resubscribe(&shared, &mut new_ws);
                    {
                        let mut st = shared.lock();
                        st.hello = Arc::new(hello);
                        st.reconnecting = false;
                    }
                    deliver(
                        &shared,
                        events::notice("openclaw.reconnected", EventKind::Reconnected { boot_id }),
                    );
                    ws = new_ws;
                    break;
                }
                Err(
                    e @ (Error::WsAuth { .. }
                    | Error::PairingRequired { .. }
                    | Error::ProtocolMismatch { .. }
                    | Error::InvalidInput(_)),
                ) => {
                    let mut st = shared.lock();
                    st.closed = Some((format!("reconnect stopped: {e}"), None));
                    st.reconnecting = false;
                    drop(st);
                    shared.cv.notify_all();
                    return;
                }
                Err(e) => log::info!("reconnect attempt {attempt} failed: {e}"),
            }
        }
    }
}

/// Renews the session subscriptions on a fresh socket (blocking, before the pump starts).
fn resubscribe(shared: &Shared, ws: &mut Ws) {
    let (sessions, messages) = {
        let st = shared.lock();
        (st.subs.sessions.clone(), st.subs.messages.clone())
    };
    let mut reqs = Vec::new();
    if let Some(p) = sessions {
        reqs.push(("sessions.subscribe", p));
    }
    for key in messages {
        reqs.push(("sessions.messages.subscribe", json!({"key": key})));
    }
    for (method, params) in reqs {
        let id = shared.id("resub-");
        if let Err(e) = ws.send(Message::text(protocol::request_text(&id, method, &params))) {
            log::warn!("could not renew {method}: {e}");
        }
    }
}
