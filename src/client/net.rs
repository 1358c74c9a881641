//! The network layer under ureq: name resolution, TCP connect and the TLS step, each of which
//! a cancel token can interrupt, and which tell "the request never left" apart from "the
//! request may have reached the gateway".
//!
//! ureq's own connector blocks in `connect(2)` until the connect timeout (a cancel 300 ms into
//! an unanswered SYN used to return after 20 s), and its resolver spawns a thread for every
//! lookup with a timeout. Here:
//!
//! - **Resolution**: IP literals and `localhost` (with or without a trailing dot, and
//!   `*.localhost`) are resolved without any system call and without a thread. Other host names
//!   go through the system resolver (`getaddrinfo`) on one short-lived helper thread, because
//!   `getaddrinfo` cannot be interrupted; the caller waits for it in slices of at most 10 ms
//!   and gives up at the connect deadline or on cancel (the helper then finishes on its own
//!   and is never joined). This is the only thread the library ever starts.
//! - **Connect**: a non-blocking `connect(2)` polled in slices of at most 10 ms, so that a
//!   cancel ends it at once; with several addresses the first gets half the remaining budget.
//! - **TLS**: ureq's rustls step, shared by every connection of a client (the root store is
//!   parsed once); a server that closes or resets during the handshake is reported as a TLS
//!   failure that suggests `http://`.
//!
//! Every failure in these steps is marked `NotSent`: the request had not been written yet,
//! so it is safe to retry and is never reported as a lost connection.

use std::fmt;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use super::transport::NotSent;
use ureq::config::Config;
use ureq::http::Uri;
use ureq::unversioned::resolver::{ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, Either, NextTimeout, RustlsConnector, ShutdownHandle,
    Transport,
};

thread_local! {
    /// When the connection of the call running on this thread was opened (TCP, then TLS).
    /// ureq runs a call's connect on the caller's thread; `send_raw` clears it before and reads
    /// it after, so a call that reused a pooled connection finds `None`.
    static CONNECTED: std::cell::Cell<Option<Instant>> = const { std::cell::Cell::new(None) };
}

/// Clears the connect stamp of this thread (before a call).
pub(crate) fn clear_connected() {
    CONNECTED.with(|c| c.set(None));
}

/// When this thread's last call opened its connection, `None` when it opened none.
pub(crate) fn connected_at() -> Option<Instant> {
    CONNECTED.with(|c| c.get())
}

fn stamp_connected() {
    CONNECTED.with(|c| c.set(Some(Instant::now())));
}

/// How often a blocked connect or lookup looks at the cancel flag.
const SLICE: Duration = Duration::from_millis(10);

fn not_sent(kind: io::ErrorKind, why: NotSent) -> ureq::Error {
    ureq::Error::Io(io::Error::new(kind, why))
}

/// The cancel flag a connector or resolver watches (`None`: the call has no cancel token).
pub(crate) type CancelFlag = Option<Arc<AtomicBool>>;

fn cancelled(flag: &CancelFlag) -> bool {
    flag.as_ref().is_some_and(|f| f.load(Ordering::SeqCst))
}

/// The deadline of a connect-phase step.
fn deadline_of(timeout: &NextTimeout) -> Option<Instant> {
    if timeout.after.is_not_happening() {
        None
    } else {
        Some(Instant::now() + *timeout.after)
    }
}

/// The transport stack of one client: cancellable TCP, then TLS shared by the client.
pub(crate) fn connector(tls: &Arc<RustlsConnector>, cancel: CancelFlag) -> impl Connector {
    ().chain(ureq::unversioned::transport::ConnectProxyConnector::default())
        .chain(TcpStep { cancel })
        .chain(TlsStep(tls.clone()))
}

/// The resolver of one client (or of one cancellable call).
pub(crate) fn resolver(cancel: CancelFlag) -> impl Resolver {
    Resolve { cancel }
}

// ---- resolution ----

struct Resolve {
    cancel: CancelFlag,
}

impl fmt::Debug for Resolve {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("openclaw Resolve")
    }
}

/// Addresses known without asking the system: IP literals and the loopback names.
pub(crate) fn literal_addrs(host: &str, port: u16) -> Option<Vec<SocketAddr>> {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = bare.parse::<IpAddr>() {
        return Some(vec![SocketAddr::new(ip, port)]);
    }
    let name = bare.trim_end_matches('.').to_ascii_lowercase();
    if name == "localhost" || name.ends_with(".localhost") {
        return Some(vec![
            SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port),
            SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), port),
        ]);
    }
    None
}

impl Resolver for Resolve {
    fn resolve(
        &self,
        uri: &Uri,
        _config: &Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let host = uri
            .host()
            .ok_or_else(|| ureq::Error::BadUri("the URL has no host".into()))?;
        let port = uri
            .port_u16()
            .unwrap_or(if uri.scheme_str() == Some("https") {
                443
            } else {
                80
            });
        let addrs = match literal_addrs(host, port) {
            Some(a) => a,
            None => lookup(host, port, deadline_of(&timeout), &self.cancel)?,
        };
        let mut out = self.empty();
        for a in addrs.into_iter().take(16) {
            out.push(a);
        }
        if out.is_empty() {
            return Err(ureq::Error::HostNotFound);
        }
        Ok(out)
    }
}

/// `getaddrinfo` on a helper thread, waited for in slices so that cancel and the deadline hold.
fn lookup(
    host: &str,
    port: u16,
    deadline: Option<Instant>,
    cancel: &CancelFlag,
) -> Result<Vec<SocketAddr>, ureq::Error> {
    let (tx, rx) = mpsc::sync_channel(1);
    let target = format!("{host}:{port}");
    std::thread::Builder::new()
        .name("openclaw-dns".into())
        .spawn(move || {
            let r = target.to_socket_addrs().map(|i| i.collect::<Vec<_>>());
            let _ = tx.send(r);
        })
        .map_err(ureq::Error::Io)?;
    loop {
        if cancelled(cancel) {
            return Err(not_sent(io::ErrorKind::Interrupted, NotSent::Cancelled));
        }
        let wait = match deadline {
            Some(d) => {
                let left = d.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    return Err(ureq::Error::Timeout(ureq::Timeout::Resolve));
                }
                left.min(SLICE)
            }
            None => SLICE,
        };
        match rx.recv_timeout(wait) {
            Ok(Ok(v)) => return Ok(v),
            Ok(Err(_)) => return Err(ureq::Error::HostNotFound),
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => return Err(ureq::Error::HostNotFound),
        }
    }
}

// ---- TCP ----

struct TcpStep {
    cancel: CancelFlag,
}

impl fmt::Debug for TcpStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("openclaw TcpStep")
    }
}

/// A TCP connection. Reads and writes block with the socket timeouts of the phase ureq is in;
/// a cancel (ureq's pool shutdown) shuts the socket down, which wakes a blocked read at once.
///
/// Per request it costs one `send` (the request head is held back and written together with
/// the body, or before the first read), one `recv` per read, and one non-blocking `MSG_PEEK`
/// when ureq takes the connection from its pool (see [`Tcp::is_open`]); the socket timeouts
/// are set only when they change by more than half (see [`Tcp::arm_read`]).
struct Tcp {
    stream: Arc<TcpStream>,
    buffers: TcpBuffers,
    /// The socket timeouts last set, so that each is set only when it must change.
    read_timeout: Option<Duration>,
    write_timeout: Option<Duration>,
    /// A small write held back to go out with the next one (the head before the body) or
    /// before the next read; the timeout reason it was given.
    held: Vec<u8>,
    held_reason: ureq::Timeout,
    /// A read happened since the last liveness probe.
    read_since_probe: bool,
}

/// The buffers of one connection, sized by use: the input starts at [`INPUT_MIN`] and doubles
/// (up to ureq's `input_buffer_size`) when a read fills it or a response head does not fit,
/// so that a slow stream holds 8 KiB and a fast one reads 128 KiB per system call; the output
/// buffer (at most [`OUTPUT_MAX`], for the request) is released once the connection has read
/// twice since its last write (a stream), and allocated again for the next request.
struct TcpBuffers {
    input: Vec<u8>,
    start: usize,
    end: usize,
    input_max: usize,
    /// The last read filled the free space: more was waiting.
    filled: bool,
    output: Vec<u8>,
    output_size: usize,
    /// Reads since the last write.
    reads: u32,
    progress: bool,
}

/// The first size of a connection's input buffer.
const INPUT_MIN: usize = 8 * 1024;
/// The output buffer: ureq writes the request head into it line by line (a single header line
/// must fit; the gateway, a Node server, refuses heads over 16 KiB anyway) and the body in
/// pieces of this size.
const OUTPUT_MAX: usize = 16 * 1024;
/// ureq's request-body path wants this much free input space as scratch.
const TMP_MIN: usize = 10 * 1024;
/// Reads after a write after which the output buffer is released.
const RELEASE_OUTPUT_AFTER: u32 = 2;

impl TcpBuffers {
    fn new(input_max: usize, output_size: usize) -> Self {
        TcpBuffers {
            input: Vec::new(),
            start: 0,
            end: 0,
            input_max: input_max.max(INPUT_MIN),
            filled: false,
            output: Vec::new(),
            output_size: output_size.clamp(1, OUTPUT_MAX),
            reads: 0,
            progress: false,
        }
    }

    /// Makes room for at least `want` bytes after the unconsumed input (within the maximum,
    /// or the unconsumed input itself when it fills the maximum).
    fn room(&mut self, want: usize) {
        if self.start == self.end {
            self.start = 0;
            self.end = 0;
        }
        if self.input.len() - self.end >= want {
            return;
        }
        if self.start > 0 {
            self.input.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        let mut len = self.input.len().max(INPUT_MIN.min(self.input_max));
        while len - self.end < want && len < self.input_max {
            len = (len * 2).min(self.input_max);
        }
        if len > self.input.len() {
            self.input.resize(len, 0);
        }
    }
}

impl Buffers for TcpBuffers {
    fn output(&mut self) -> &mut [u8] {
        if self.output.len() < self.output_size {
            self.output.resize(self.output_size, 0);
        }
        &mut self.output
    }

    fn input(&self) -> &[u8] {
        &self.input[self.start..self.end]
    }

    fn input_append_buf(&mut self) -> &mut [u8] {
        // A full buffer (a response head larger than it) or a read that filled it: grow.
        let want = if self.filled || self.end - self.start == self.input.len() {
            self.input.len() + 1
        } else {
            1
        };
        self.room(want.min(self.input_max));
        &mut self.input[self.end..]
    }

    fn input_appended(&mut self, amount: usize) {
        self.filled = amount > 0 && self.end + amount == self.input.len();
        self.end += amount;
    }

    fn input_consume(&mut self, amount: usize) {
        self.progress = amount > 0;
        self.start += amount;
        if self.start >= self.end {
            self.start = 0;
            self.end = 0;
        }
    }

    fn tmp_and_output(&mut self) -> (&mut [u8], &mut [u8]) {
        self.room(TMP_MIN);
        if self.input.len() - self.end < TMP_MIN {
            let len = self.end + TMP_MIN;
            self.input.resize(len, 0);
        }
        if self.output.len() < self.output_size {
            self.output.resize(self.output_size, 0);
        }
        (&mut self.input[self.end..], &mut self.output)
    }

    fn can_use_input(&self) -> bool {
        self.start < self.end && self.progress
    }
}

impl fmt::Debug for Tcp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tcp")
            .field("peer", &self.stream.peer_addr().ok())
            .finish()
    }
}

/// The socket timeout for ureq's next deadline (`None`: block), and the reason it reports.
fn socket_timeout(t: NextTimeout) -> Result<(Option<Duration>, ureq::Timeout), ureq::Error> {
    if t.after.is_not_happening() {
        return Ok((None, t.reason));
    }
    if t.after.is_zero() {
        return Err(ureq::Error::Timeout(t.reason));
    }
    Ok((Some(*t.after), t.reason))
}

fn timed_out(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock
    )
}

/// Held-back writes up to this size wait for the next write or read.
const HOLD_MAX: usize = 4096;

impl Tcp {
    /// Writes what is held back and `out` (either may be empty) with one system call when
    /// both are there.
    fn send(&mut self, out: &[u8], reason: ureq::Timeout) -> Result<(), ureq::Error> {
        use std::io::{IoSlice, Write};
        let mut held = std::mem::take(&mut self.held);
        let reason = if held.is_empty() {
            reason
        } else {
            self.held_reason
        };
        let mut bufs = [IoSlice::new(&held), IoSlice::new(out)];
        let mut slices: &mut [IoSlice<'_>] = &mut bufs;
        IoSlice::advance_slices(&mut slices, 0);
        let r = loop {
            if slices.is_empty() {
                break Ok(());
            }
            match (&*self.stream).write_vectored(slices) {
                Ok(0) => break Err(io::Error::from(io::ErrorKind::WriteZero)),
                Ok(n) => IoSlice::advance_slices(&mut slices, n),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => break Err(e),
            }
        };
        held.clear();
        self.held = held;
        match r {
            Ok(()) => Ok(()),
            Err(e) if timed_out(&e) => Err(ureq::Error::Timeout(reason)),
            Err(e) => Err(ureq::Error::Io(e)),
        }
    }

    /// Sets the read timeout for a read that must end within `limit`. The socket keeps its
    /// timeout when that lies within `[limit / 2, limit]` (ureq's deadlines shrink by a few
    /// microseconds on every call, and the response and idle limits alternate): a read that
    /// times out before `limit` is re-armed with what is left. Returns the timeout in force.
    fn arm_read(&mut self, limit: Option<Duration>) -> io::Result<()> {
        let keep = match (self.read_timeout, limit) {
            (None, None) => true,
            (Some(cur), Some(l)) => cur <= l && cur >= l / 2,
            _ => false,
        };
        if !keep {
            self.stream.set_read_timeout(limit)?;
            self.read_timeout = limit;
        }
        Ok(())
    }
}

impl Transport for Tcp {
    fn buffers(&mut self) -> &mut dyn Buffers {
        &mut self.buffers
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        let (limit, reason) = socket_timeout(timeout.for_write())?;
        if limit != self.write_timeout {
            self.stream.set_write_timeout(limit)?;
            self.write_timeout = limit;
        }
        self.buffers.reads = 0;
        if self.held.is_empty() && amount <= HOLD_MAX {
            // Possibly the head of a request whose body follows: send both at once.
            let out = &self.buffers.output[..amount];
            self.held.extend_from_slice(out);
            self.held_reason = reason;
            return Ok(());
        }
        let out = std::mem::take(&mut self.buffers.output);
        let r = self.send(&out[..amount], reason);
        self.buffers.output = out;
        r
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        use std::io::Read;
        if !self.held.is_empty() {
            self.send(&[], self.held_reason)?;
        }
        let (limit, reason) = socket_timeout(timeout.for_read())?;
        self.arm_read(limit)?;
        self.buffers.reads = self.buffers.reads.saturating_add(1);
        if self.buffers.reads == RELEASE_OUTPUT_AFTER {
            // Reading for a while (a stream): the request buffer is not needed until the next.
            self.buffers.output = Vec::new();
        }
        let started = Instant::now();
        let n = loop {
            match (&*self.stream).read(self.buffers.input_append_buf()) {
                Ok(n) => break n,
                // A signal, or a socket timeout shorter than the limit: read again with what
                // is left of the limit.
                Err(e) if e.kind() == io::ErrorKind::Interrupted || timed_out(&e) => {
                    let Some(l) = limit else {
                        if timed_out(&e) {
                            return Err(ureq::Error::Timeout(reason));
                        }
                        continue;
                    };
                    let left = l.saturating_sub(started.elapsed());
                    if left.is_zero() {
                        return Err(ureq::Error::Timeout(reason));
                    }
                    if timed_out(&e) && self.read_timeout.is_some_and(|cur| cur >= left) {
                        // The full timeout in force passed and it covered what was left.
                        return Err(ureq::Error::Timeout(reason));
                    }
                    self.stream.set_read_timeout(Some(left))?;
                    self.read_timeout = Some(left);
                }
                Err(e) => return Err(ureq::Error::Io(e)),
            }
        };
        self.buffers.input_appended(n);
        self.read_since_probe = true;
        Ok(n > 0)
    }

    /// A pooled connection is reusable when a non-blocking peek finds nothing: no stray bytes,
    /// no end of stream, no error. One `recv(MSG_PEEK | MSG_DONTWAIT)`: the socket stays in
    /// blocking mode.
    ///
    /// ureq asks twice per request: when the connection goes back to the pool right after its
    /// last read, and when it is taken for the next request. Only the second looks: whatever
    /// the first would find (bytes after the body, the server's close) is still there for
    /// the second, which discards the connection the same way, one system call later.
    fn is_open(&mut self) -> bool {
        if !self.held.is_empty() {
            return false;
        }
        if std::mem::take(&mut self.read_since_probe) {
            return true;
        }
        peek_idle(&self.stream)
    }
}

#[cfg(unix)]
fn peek_idle(stream: &TcpStream) -> bool {
    use std::os::fd::AsRawFd;
    let mut byte = 0u8;
    loop {
        // SAFETY: a one-byte buffer we own, on a descriptor the stream owns.
        let rc = unsafe {
            libc::recv(
                stream.as_raw_fd(),
                (&mut byte as *mut u8).cast(),
                1,
                libc::MSG_PEEK | libc::MSG_DONTWAIT,
            )
        };
        if rc >= 0 {
            return false;
        }
        let e = io::Error::last_os_error();
        if e.kind() == io::ErrorKind::Interrupted {
            continue;
        }
        return e.kind() == io::ErrorKind::WouldBlock;
    }
}

#[cfg(not(unix))]
fn peek_idle(stream: &TcpStream) -> bool {
    let mut byte = [0u8; 1];
    if stream.set_nonblocking(true).is_err() {
        return false;
    }
    let open = matches!(stream.peek(&mut byte), Err(e) if e.kind() == io::ErrorKind::WouldBlock);
    open && stream.set_nonblocking(false).is_ok()
}

impl<In: Transport> Connector<In> for TcpStep {
    type Out = Either<In, Tcp>;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<In>,
    ) -> Result<Option<Self::Out>, ureq::Error> {
        if let Some(proxied) = chained {
            return Ok(Some(Either::A(proxied)));
        }
        let addrs: Vec<SocketAddr> = details.addrs.iter().copied().collect();
        let stream = connect_addrs(&addrs, deadline_of(&details.timeout), &self.cancel)?;
        stamp_connected();
        if details.config.no_delay() {
            let _ = stream.set_nodelay(true);
        }
        let tcp = Tcp {
            stream: Arc::new(stream),
            buffers: TcpBuffers::new(
                details.config.input_buffer_size(),
                details.config.output_buffer_size(),
            ),
            read_timeout: None,
            write_timeout: None,
            held: Vec::new(),
            held_reason: ureq::Timeout::SendRequest,
            read_since_probe: false,
        };
        // Only a cancellable call's agent is ever shut down.
        if self.cancel.is_some() {
            let weak: Weak<dyn ShutdownHandle> =
                Arc::downgrade(&tcp.stream) as Weak<dyn ShutdownHandle>;
            (details.register_shutdown)(weak)?;
        }
        Ok(Some(Either::B(tcp)))
    }
}

/// Resolves `host` and connects to it within the deadline, watching the cancel flag: the same
/// steps as an HTTP call, for the WebSocket client. Errors map with `Error::from_ureq`.
pub(crate) fn connect_host(
    host: &str,
    port: u16,
    deadline: Option<Instant>,
    cancel: &CancelFlag,
) -> Result<TcpStream, ureq::Error> {
    let addrs = match literal_addrs(host, port) {
        Some(a) => a,
        None => lookup(host, port, deadline, cancel)?,
    };
    connect_addrs(&addrs, deadline, cancel)
}

/// Connects to the first address that answers; each address but the last gets half of what is
/// left of the budget.
fn connect_addrs(
    addrs: &[SocketAddr],
    deadline: Option<Instant>,
    cancel: &CancelFlag,
) -> Result<TcpStream, ureq::Error> {
    let mut last = None;
    for (i, addr) in addrs.iter().enumerate() {
        let step_deadline = match deadline {
            Some(d) if i + 1 < addrs.len() => {
                Some(Instant::now() + d.saturating_duration_since(Instant::now()) / 2)
            }
            other => other,
        };
        match connect_one(*addr, step_deadline, cancel) {
            Ok(stream) => return Ok(stream),
            Err(_) if cancelled(cancel) => {
                return Err(not_sent(io::ErrorKind::Interrupted, NotSent::Cancelled));
            }
            Err(e) if e.kind() == io::ErrorKind::TimedOut => {
                last = Some(ureq::Error::Timeout(ureq::Timeout::Connect));
                if deadline.is_some_and(|d| Instant::now() >= d) {
                    break;
                }
            }
            Err(e) => {
                let text = format!("{e} ({addr})");
                last = Some(not_sent(e.kind(), NotSent::Connect(text)));
            }
        }
    }
    Err(last.unwrap_or_else(|| {
        not_sent(
            io::ErrorKind::ConnectionRefused,
            NotSent::Connect("no address to connect to".into()),
        )
    }))
}

/// Connects to one address, giving up at the deadline or when the flag is set.
#[cfg(unix)]
fn connect_one(
    addr: SocketAddr,
    deadline: Option<Instant>,
    cancel: &CancelFlag,
) -> io::Result<TcpStream> {
    use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

    let family = match addr {
        SocketAddr::V4(_) => libc::AF_INET,
        SocketAddr::V6(_) => libc::AF_INET6,
    };
    // SAFETY: plain socket(2); the descriptor is owned at once.
    let raw = unsafe { libc::socket(family, libc::SOCK_STREAM, 0) };
    if raw < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `raw` is a fresh descriptor nobody else owns.
    let fd = unsafe { OwnedFd::from_raw_fd(raw) };
    set_flags(fd.as_raw_fd(), true)?;

    let (storage, len) = sockaddr_of(addr);
    // SAFETY: `storage` holds a valid sockaddr of `len` bytes for this family.
    let rc = unsafe {
        libc::connect(
            fd.as_raw_fd(),
            &storage as *const libc::sockaddr_storage as *const libc::sockaddr,
            len,
        )
    };
    if rc != 0 {
        let err = io::Error::last_os_error();
        if err.raw_os_error() != Some(libc::EINPROGRESS) {
            return Err(err);
        }
        wait_writable(fd.as_raw_fd(), deadline, cancel)?;
        let mut so_error: libc::c_int = 0;
        let mut so_len = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
        // SAFETY: valid descriptor and out-pointers of the right size.
        let rc = unsafe {
            libc::getsockopt(
                fd.as_raw_fd(),
                libc::SOL_SOCKET,
                libc::SO_ERROR,
                &mut so_error as *mut libc::c_int as *mut libc::c_void,
                &mut so_len,
            )
        };
        if rc != 0 {
            return Err(io::Error::last_os_error());
        }
        if so_error != 0 {
            return Err(io::Error::from_raw_os_error(so_error));
        }
    }
    set_flags(fd.as_raw_fd(), false)?;
    Ok(TcpStream::from(fd))
}

#[cfg(not(unix))]
fn connect_one(
    addr: SocketAddr,
    deadline: Option<Instant>,
    _cancel: &CancelFlag,
) -> io::Result<TcpStream> {
    // Elsewhere the connect is bounded by the connect timeout only.
    match deadline {
        Some(d) => TcpStream::connect_timeout(&addr, d.saturating_duration_since(Instant::now())),
        None => TcpStream::connect(addr),
    }
}

/// Sets close-on-exec, and non-blocking mode on or off.
#[cfg(unix)]
fn set_flags(fd: std::os::fd::RawFd, nonblocking: bool) -> io::Result<()> {
    // SAFETY: fcntl on a descriptor we own.
    unsafe {
        if libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC) != 0 {
            return Err(io::Error::last_os_error());
        }
        let flags = libc::fcntl(fd, libc::F_GETFL);
        if flags < 0 {
            return Err(io::Error::last_os_error());
        }
        let flags = if nonblocking {
            flags | libc::O_NONBLOCK
        } else {
            flags & !libc::O_NONBLOCK
        };
        if libc::fcntl(fd, libc::F_SETFL, flags) != 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}

#[cfg(unix)]
fn sockaddr_of(addr: SocketAddr) -> (libc::sockaddr_storage, libc::socklen_t) {
    // SAFETY: an all-zero sockaddr_storage is valid.
    let mut storage: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
    let len = match addr {
        SocketAddr::V4(a) => {
            // SAFETY: sockaddr_storage is large enough and aligned for sockaddr_in.
            let sin = unsafe {
                &mut *(&mut storage as *mut libc::sockaddr_storage as *mut libc::sockaddr_in)
            };
            sin.sin_family = libc::AF_INET as libc::sa_family_t;
            sin.sin_port = a.port().to_be();
            sin.sin_addr = libc::in_addr {
                s_addr: u32::from_ne_bytes(a.ip().octets()),
            };
            std::mem::size_of::<libc::sockaddr_in>()
        }
        SocketAddr::V6(a) => {
            // SAFETY: sockaddr_storage is large enough and aligned for sockaddr_in6.
            let sin6 = unsafe {
                &mut *(&mut storage as *mut libc::sockaddr_storage as *mut libc::sockaddr_in6)
            };
            sin6.sin6_family = libc::AF_INET6 as libc::sa_family_t;
            sin6.sin6_port = a.port().to_be();
            sin6.sin6_flowinfo = a.flowinfo();
            sin6.sin6_addr = libc::in6_addr {
                s6_addr: a.ip().octets(),
            };
            sin6.sin6_scope_id = a.scope_id();
            std::mem::size_of::<libc::sockaddr_in6>()
        }
    };
    (storage, len as libc::socklen_t)
}

/// Polls until the socket is writable (connected or failed), the deadline, or a cancel.
#[cfg(unix)]
fn wait_writable(
    fd: std::os::fd::RawFd,
    deadline: Option<Instant>,
    cancel: &CancelFlag,
) -> io::Result<()> {
    loop {
        if cancelled(cancel) {
            return Err(io::Error::new(io::ErrorKind::Interrupted, "cancelled"));
        }
        let slice = match deadline {
            Some(d) => {
                let left = d.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    return Err(io::ErrorKind::TimedOut.into());
                }
                if cancel.is_some() {
                    left.min(SLICE)
                } else {
                    left
                }
            }
            None if cancel.is_some() => SLICE,
            None => Duration::from_secs(3600),
        };
        let mut pfd = libc::pollfd {
            fd,
            events: libc::POLLOUT,
            revents: 0,
        };
        let ms = slice.as_millis().clamp(1, i32::MAX as u128) as libc::c_int;
        // SAFETY: one valid pollfd.
        let rc = unsafe { libc::poll(&mut pfd, 1, ms) };
        if rc < 0 {
            let e = io::Error::last_os_error();
            if e.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            return Err(e);
        }
        if rc > 0 {
            return Ok(());
        }
    }
}

// ---- TLS ----

/// ureq's rustls step, shared by the connections of one client; handshake failures that are
/// plain I/O (a close, a reset) are marked as not sent and named as TLS problems.
struct TlsStep(Arc<RustlsConnector>);

impl fmt::Debug for TlsStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("openclaw TlsStep")
    }
}

impl<In: Transport> Connector<In> for TlsStep {
    type Out = <RustlsConnector as Connector<In>>::Out;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<In>,
    ) -> Result<Option<Self::Out>, ureq::Error> {
        let tls = details.needs_tls();
        let result = self.0.connect(details, chained);
        if tls && result.is_ok() {
            stamp_connected();
        }
        match result {
            Err(ureq::Error::Io(io))
                if tls
                    && !io
                        .get_ref()
                        .is_some_and(|inner| inner.is::<rustls::Error>()) =>
            {
                let text = match io.kind() {
                    io::ErrorKind::UnexpectedEof => {
                        "the server closed the connection during the TLS handshake".to_owned()
                    }
                    io::ErrorKind::ConnectionReset => {
                        "the server reset the connection during the TLS handshake".to_owned()
                    }
                    _ => format!("the TLS handshake failed: {io}"),
                };
                Err(not_sent(io.kind(), NotSent::Handshake(text)))
            }
            other => other,
        }
    }
}
