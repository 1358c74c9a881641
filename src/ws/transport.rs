//! The byte stream under the WebSocket: TCP, or TLS over TCP with the HTTP client's TLS
//! settings (CA bundle, verification switch, Mozilla roots by default).

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rustls::pki_types::{CertificateDer, ServerName};

use crate::client::Client;
use crate::error::{Error, Result, TimeoutPhase};

/// TCP or TLS.
pub(crate) enum Stream {
    Plain(TcpStream),
    Tls(Box<rustls::StreamOwned<rustls::ClientConnection, TcpStream>>),
}

impl Stream {
    pub(crate) fn tcp(&self) -> &TcpStream {
        match self {
            Stream::Plain(s) => s,
            Stream::Tls(s) => s.get_ref(),
        }
    }
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Plain(s) => s.read(buf),
            Stream::Tls(s) => s.read(buf),
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Stream::Plain(s) => s.write(buf),
            Stream::Tls(s) => s.write(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Stream::Plain(s) => s.flush(),
            Stream::Tls(s) => s.flush(),
        }
    }
}

/// Where to connect, derived from the client's base URL.
#[derive(Debug, Clone)]
pub(crate) struct Target {
    /// `ws://…` or `wss://…` with the base URL's path prefix and a trailing `/`.
    pub(crate) url: String,
    pub(crate) host: String,
    pub(crate) port: u16,
    pub(crate) tls: bool,
}

impl Target {
    pub(crate) fn from_base(base: &str) -> Result<Target> {
        let (tls, rest) = if let Some(r) = base.strip_prefix("https://") {
            (true, r)
        } else if let Some(r) = base.strip_prefix("http://") {
            (false, r)
        } else {
            return Err(Error::invalid(format!("base URL {base:?} is not http(s)")));
        };
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, ""),
        };
        let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
            let end = v6.find(']').unwrap_or(v6.len());
            let port = v6[end..].strip_prefix("]:").and_then(|p| p.parse().ok());
            (v6[..end].to_owned(), port)
        } else {
            match authority.rsplit_once(':') {
                Some((h, p)) => (h.to_owned(), p.parse().ok()),
                None => (authority.to_owned(), None),
            }
        };
        let port = port.unwrap_or(if tls { 443 } else { 80 });
        Ok(Target {
            url: format!("{}://{authority}{path}/", if tls { "wss" } else { "ws" }),
            host,
            port,
            tls,
        })
    }
}

/// Opens TCP (and TLS) to the target within `deadline`, with blocking reads/writes bounded by
/// the remaining time.
pub(crate) fn open(client: &Client, t: &Target, deadline: Instant) -> Result<Stream> {
    let base = client.base_url().to_owned();
    // The same resolve and connect steps as an HTTP call (no thread for IP literals and
    // localhost, a non-blocking connect bounded by the deadline).
    let tcp =
        crate::client::net::connect_host(&t.host, t.port, Some(deadline), &None).map_err(|e| {
            match crate::client::transport::map_ureq(e, &base, &client.timeouts()) {
                Error::Timeout { .. } => timeout(client),
                other => other,
            }
        })?;
    let _ = tcp.set_nodelay(true);
    set_deadline(&tcp, deadline)?;
    if !t.tls {
        return Ok(Stream::Plain(tcp));
    }
    let config = tls_config(client)?;
    let name = ServerName::try_from(t.host.clone())
        .map_err(|e| Error::invalid(format!("{:?} is not a valid TLS server name: {e}", t.host)))?;
    let conn = rustls::ClientConnection::new(config, name).map_err(|e| Error::Tls {
        url: base.clone(),
        message: e.to_string(),
        plain_http: false,
    })?;
    Ok(Stream::Tls(Box::new(rustls::StreamOwned::new(conn, tcp))))
}

/// The timeout error of the handshake.
pub(crate) fn timeout(client: &Client) -> Error {
    Error::Timeout {
        phase: TimeoutPhase::Connect,
        limit: client.timeouts().connect,
        partial: String::new(),
    }
}

pub(crate) fn remaining(deadline: Instant) -> Result<Duration> {
    let left = deadline.saturating_duration_since(Instant::now());
    if left.is_zero() {
        Err(Error::Timeout {
            phase: TimeoutPhase::Connect,
            limit: None,
            partial: String::new(),
        })
    } else {
        Ok(left)
    }
}

/// Bounds blocking reads and writes by the time left.
pub(crate) fn set_deadline(tcp: &TcpStream, deadline: Instant) -> Result<()> {
    let left = remaining(deadline)?;
    tcp.set_read_timeout(Some(left))
        .and_then(|_| tcp.set_write_timeout(Some(left)))
        .map_err(|e| Error::Io {
            message: e.to_string(),
        })
}

/// The rustls configuration equivalent to the HTTP client's TLS settings.
fn tls_config(client: &Client) -> Result<Arc<rustls::ClientConfig>> {
    let tc = client.inner.config.tls_config();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::invalid(format!("TLS setup: {e}")))?;
    let builder = if tc.disable_verification() {
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(NoVerify))
    } else {
        let mut roots = rustls::RootCertStore::empty();
        match tc.root_certs() {
            ureq::tls::RootCerts::Specific(certs) => {
                roots.add_parsable_certificates(
                    certs.iter().map(|c| CertificateDer::from(c.der().to_vec())),
                );
            }
            _ => roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
        }
        builder.with_root_certificates(roots)
    };
    Ok(Arc::new(builder.with_no_client_auth()))
}

/// Accepts any certificate (`danger_accept_invalid_certs`), like the HTTP client.
#[derive(Debug)]
struct NoVerify;

impl rustls::client::danger::ServerCertVerifier for NoVerify {
    fn verify_server_cert(
        &self,
        _: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: rustls::pki_types::UnixTime,
    ) -> std::result::Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        Ok(rustls::client::danger::ServerCertVerified::assertion())
    }
    fn verify_tls12_signature(
        &self,
        _: &[u8],
        _: &CertificateDer<'_>,
        _: &rustls::DigitallySignedStruct,
    ) -> std::result::Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        Ok(rustls::client::danger::HandshakeSignatureValid::assertion())
    }
    fn verify_tls13_signature(
        &self,
        _: &[u8],
        _: &CertificateDer<'_>,
        _: &rustls::DigitallySignedStruct,
    ) -> std::result::Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        Ok(rustls::client::danger::HandshakeSignatureValid::assertion())
    }
    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        rustls::crypto::ring::default_provider()
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// Waits until `fd` is readable (or writable, with `write`) or `wake` is readable, at most
/// `timeout`.
#[cfg(unix)]
pub(crate) fn wait(
    fd: std::os::fd::RawFd,
    write: bool,
    wake: std::os::fd::RawFd,
    timeout: Duration,
) {
    let mut fds = [
        libc::pollfd {
            fd,
            events: libc::POLLIN | if write { libc::POLLOUT } else { 0 },
            revents: 0,
        },
        libc::pollfd {
            fd: wake,
            events: libc::POLLIN,
            revents: 0,
        },
    ];
    let ms = timeout.as_millis().clamp(1, i32::MAX as u128) as i32;
    // SAFETY: two valid pollfd entries; poll only writes their revents.
    unsafe { libc::poll(fds.as_mut_ptr(), 2, ms) };
}
