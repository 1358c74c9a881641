//! A fast local SSE server sending gateway-shaped chunks, one HTTP chunk per event.
//!
//! POST /v1/chat/completions with `"stream": true` streams; otherwise a small JSON completion.
//! Headers select the stream: `x-bench-deltas: N` (default 200000), `x-bench-bytes: B` (stream
//! until B bytes of events), `x-bench-paced-us: U` (flush each event U µs apart, content =
//! the CLOCK_MONOTONIC ns at write time), `x-bench-close: 1` (answer with `Connection: close`
//! and close: the next request needs a new connection).
//!
//! Also serves the same on a TLS port (rustls, a CA and leaf made with rcgen at start, the CA
//! written to `CA_PEM`; session resumption off, so every new connection is a full handshake)
//! and counts connections: `GET /stats` on the plain port answers
//! `{"plain_accepts":N,"tls_accepts":N,"tls_handshakes":N}`.
//!
//! Usage: sse_server PORT [CA_PEM] — prints the plain port, then the TLS port when CA_PEM is given.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use openclaw_bench::*;

fn chunk(out: &mut Vec<u8>, ev: &[u8]) {
    out.extend_from_slice(format!("{:x}\r\n", ev.len()).as_bytes());
    out.extend_from_slice(ev);
    out.extend_from_slice(b"\r\n");
}

type Block = (&'static [u8], usize, u64);

static PLAIN_ACCEPTS: AtomicU64 = AtomicU64::new(0);
static TLS_ACCEPTS: AtomicU64 = AtomicU64::new(0);
static TLS_HANDSHAKES: AtomicU64 = AtomicU64::new(0);

/// One connection: its buffered reader half and its writer half.
fn handle<S: Read + Write>(conn: S, events: &[Vec<u8>], block: Block) -> std::io::Result<()> {
    // One object reads and writes (a TLS stream cannot be split): reads go through a BufReader
    // over it, writes through `get_mut`.
    let mut r = BufReader::with_capacity(16 * 1024, conn);
    loop {
        let mut line = String::new();
        if r.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let mut len = 0usize;
        let mut close = false;
        let (mut deltas, mut bytes, mut paced) = (200_000usize, 0u64, 0u64);
        loop {
            let mut h = String::new();
            r.read_line(&mut h)?;
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            let (k, v) = h.split_once(':').unwrap_or((h, ""));
            let v = v.trim();
            match k.to_ascii_lowercase().as_str() {
                "content-length" => len = v.parse().unwrap_or(0),
                "x-bench-deltas" => deltas = v.parse().unwrap_or(deltas),
                "x-bench-bytes" => bytes = v.parse().unwrap_or(0),
                "x-bench-paced-us" => paced = v.parse().unwrap_or(0),
                "x-bench-close" => close = v == "1",
                _ => {}
            }
        }
        let mut body = vec![0; len];
        r.read_exact(&mut body)?;
        let w = r.get_mut();
        if line.starts_with("GET /stats") {
            let b = format!(
                "{{\"plain_accepts\":{},\"tls_accepts\":{},\"tls_handshakes\":{}}}",
                PLAIN_ACCEPTS.load(Ordering::SeqCst),
                TLS_ACCEPTS.load(Ordering::SeqCst),
                TLS_HANDSHAKES.load(Ordering::SeqCst)
            );
            write!(
                w,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{b}",
                b.len()
            )?;
            w.flush()?;
            return Ok(());
        }
        let text = String::from_utf8_lossy(&body);
        let stream = text.contains("\"stream\":true") || text.contains("\"stream\": true");
        if !stream {
            let b = br#"{"id":"chatcmpl_1","object":"chat.completion","created":1,"model":"openclaw","choices":[{"index":0,"message":{"role":"assistant","content":"pong"},"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}"#;
            // One write for head and body (as a real server's buffered writer does).
            let mut out = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\nConnection: {}\r\n\r\n",
                b.len(),
                if close { "close" } else { "keep-alive" }
            )
            .into_bytes();
            out.extend_from_slice(b);
            w.write_all(&out)?;
            w.flush()?;
            if close {
                return Ok(());
            }
            continue;
        }
        w.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\nCache-Control: no-cache\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n")?;
        let mut out = Vec::with_capacity(1 << 17);
        chunk(&mut out, ROLE.as_bytes());
        w.write_all(&out)?;
        out.clear();
        if paced > 0 {
            for _ in 0..deltas {
                std::thread::sleep(Duration::from_micros(paced));
                out.clear();
                chunk(
                    &mut out,
                    content_event(&format!("t={}", monotonic_ns())).as_bytes(),
                );
                w.write_all(&out)?;
                w.flush()?;
            }
        } else {
            // Pre-framed blocks of events, written with large writes: the server costs little
            // more than the kernel copy, so the client is what is measured.
            let (block, block_events, block_bytes) = block;
            let mut left = if bytes > 0 {
                (bytes / (block_bytes / block_events as u64)) as usize
            } else {
                deltas
            };
            while left >= block_events {
                w.write_all(block)?;
                left -= block_events;
            }
            for ev in events.iter().cycle().take(left) {
                chunk(&mut out, ev);
            }
        }
        chunk(&mut out, FINISH.as_bytes());
        chunk(&mut out, DONE.as_bytes());
        out.extend_from_slice(b"0\r\n\r\n");
        w.write_all(&out)?;
        w.flush()?;
    }
}

/// A CA and a leaf for 127.0.0.1 (rcgen); writes the CA to `ca_path`, returns the TLS config.
fn tls_config(ca_path: &str) -> Arc<rustls::ServerConfig> {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
    use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_p = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_p.distinguished_name.push(DnType::CommonName, "bench CA");
    ca_p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca_cert = ca_p.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_p, ca_key);
    let leaf_key = KeyPair::generate().unwrap();
    let mut lp = CertificateParams::new(vec!["127.0.0.1".to_string()]).unwrap();
    lp.distinguished_name.push(DnType::CommonName, "127.0.0.1");
    let leaf = lp.signed_by(&leaf_key, &issuer).unwrap();
    std::fs::write(ca_path, ca_cert.pem()).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut cfg = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![leaf.der().clone(), ca_cert.der().clone()],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der())),
        )
        .unwrap();
    // Every new connection is a full handshake: no resumption for either client.
    cfg.session_storage = Arc::new(rustls::server::NoServerSessionStorage {});
    cfg.send_tls13_tickets = 0;
    Arc::new(cfg)
}

fn main() {
    let port: u16 = std::env::args()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    let ca_path = std::env::args().nth(2);
    let l = TcpListener::bind(("127.0.0.1", port)).unwrap();
    println!("{}", l.local_addr().unwrap().port());
    let events: Vec<Vec<u8>> = (0..TOKENS.len()).map(|i| event(i).into_bytes()).collect();
    let events: &'static [Vec<u8>] = Box::leak(events.into_boxed_slice());
    let mut block = Vec::new();
    let mut raw = 0u64;
    let per_block = 1000;
    for ev in events.iter().cycle().take(per_block) {
        chunk(&mut block, ev);
        raw += ev.len() as u64;
    }
    let block: Block = (Box::leak(block.into_boxed_slice()), per_block, raw);
    if let Some(ca_path) = ca_path {
        let cfg = tls_config(&ca_path);
        let tl = TcpListener::bind(("127.0.0.1", 0)).unwrap();
        println!("{}", tl.local_addr().unwrap().port());
        std::thread::spawn(move || {
            for c in tl.incoming() {
                let Ok(c) = c else { continue };
                TLS_ACCEPTS.fetch_add(1, Ordering::SeqCst);
                let cfg = cfg.clone();
                std::thread::spawn(move || {
                    let _ = c.set_nodelay(true);
                    let mut conn = rustls::ServerConnection::new(cfg).unwrap();
                    let mut c = c;
                    if conn.complete_io(&mut c).is_err() {
                        return;
                    }
                    TLS_HANDSHAKES.fetch_add(1, Ordering::SeqCst);
                    let _ = handle(rustls::StreamOwned::new(conn, c), events, block);
                });
            }
        });
    }
    use std::io::Write as _;
    std::io::stdout().flush().unwrap();
    for c in l.incoming() {
        let Ok(c) = c else { continue };
        PLAIN_ACCEPTS.fetch_add(1, Ordering::SeqCst);
        std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(move || {
                let _ = c.set_nodelay(true);
                let _ = handle(c, events, block);
            })
            .unwrap();
    }
}
