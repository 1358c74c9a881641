//! A scriptable mock gateway on 127.0.0.1 (std `TcpListener`), shared by the integration tests.
//!
//! A handler maps each recorded request to a [`Reply`]: status, headers, a body sent with
//! Content-Length or chunked (one chunk per part, with delays), a mid-stream close, or raw bytes.
#![allow(dead_code)]

pub mod cbuild;
pub mod cffi;
pub mod child;
pub mod wsmock;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{RecvTimeoutError, channel};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

/// A request as the mock saw it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }
    pub fn raw_head(&self) -> String {
        let mut s = format!("{} {}\n", self.method, self.path);
        for (k, v) in &self.headers {
            s.push_str(&format!("{k}: {v}\n"));
        }
        s
    }
}

#[derive(Debug, Clone)]
enum Body {
    Fixed(Vec<u8>),
    Chunked(Vec<(Duration, Vec<u8>)>),
    Raw(Vec<(Duration, Vec<u8>)>),
    /// Chunked: `head`, then `part` `times` times (written as it goes: no memory), then `tail`.
    Repeated {
        head: Vec<u8>,
        part: Vec<u8>,
        times: usize,
        tail: Vec<u8>,
    },
}

/// What the mock sends back.
#[derive(Debug, Clone)]
pub struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Body,
    /// Close the connection without finishing the body (no terminating chunk).
    cut: bool,
    /// Delay before the status line.
    delay: Duration,
    /// Close after the reply.
    close: bool,
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        307 => "Temporary Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        413 => "Payload Too Large",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}

impl Reply {
    pub fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
        Reply {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: Body::Fixed(body.into()),
            cut: false,
            delay: Duration::ZERO,
            close: false,
        }
    }
    pub fn json(status: u16, body: &str) -> Reply {
        Reply::new(status, "application/json; charset=utf-8", body)
    }
    pub fn text(status: u16, body: &str) -> Reply {
        Reply::new(status, "text/plain; charset=utf-8", body)
    }
    pub fn html(status: u16, body: &str) -> Reply {
        Reply::new(status, "text/html; charset=utf-8", body)
    }
    /// An SSE reply: one HTTP chunk per part, sent at once.
    pub fn sse<S: AsRef<str>>(parts: &[S]) -> Reply {
        Reply::sse_timed(
            parts
                .iter()
                .map(|p| (Duration::ZERO, p.as_ref().as_bytes().to_vec()))
                .collect(),
        )
    }
    /// An SSE reply with a delay before each chunk.
    pub fn sse_timed(parts: Vec<(Duration, Vec<u8>)>) -> Reply {
        Reply {
            status: 200,
            headers: vec![
                (
                    "Content-Type".into(),
                    "text/event-stream; charset=utf-8".into(),
                ),
                ("Cache-Control".into(), "no-cache".into()),
            ],
            body: Body::Chunked(parts),
            cut: false,
            delay: Duration::ZERO,
            close: false,
        }
    }
    /// An SSE reply of `head`, then `part` repeated `times` times, then `tail`, generated while
    /// it is sent (a gigabyte costs the test no memory). One HTTP chunk per piece.
    pub fn sse_repeated(head: &str, part: &str, times: usize, tail: &str) -> Reply {
        let mut r = Reply::sse(&[""]);
        r.body = Body::Repeated {
            head: head.as_bytes().to_vec(),
            part: part.as_bytes().to_vec(),
            times,
            tail: tail.as_bytes().to_vec(),
        };
        r
    }
    /// Raw bytes after the headers (no framing), then close.
    pub fn raw_body(mut self, parts: Vec<(Duration, Vec<u8>)>) -> Reply {
        self.body = Body::Raw(parts);
        self.close = true;
        self
    }
    pub fn header(mut self, k: &str, v: &str) -> Reply {
        self.headers.push((k.into(), v.into()));
        self
    }
    /// Close the connection mid-body (no final chunk / short body).
    pub fn cut(mut self) -> Reply {
        self.cut = true;
        self.close = true;
        self
    }
    pub fn delay(mut self, d: Duration) -> Reply {
        self.delay = d;
        self
    }
    pub fn close(mut self) -> Reply {
        self.close = true;
        self
    }
}

/// Shorthand for an OpenAI-style chunk with a content delta.
pub fn content_chunk(text: &str) -> String {
    format!(
        "data: {}\n\n",
        serde_json::json!({"id":"chatcmpl_1","object":"chat.completion.chunk","created":1,"model":"openclaw","choices":[{"index":0,"delta":{"content":text},"finish_reason":null}]})
    )
}

pub const ROLE_CHUNK: &str = "data: {\"id\":\"chatcmpl_1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"openclaw\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\"},\"finish_reason\":null}]}\n\n";
pub const FINISH_CHUNK: &str = "data: {\"id\":\"chatcmpl_1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"openclaw\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n";
pub const USAGE_CHUNK: &str = "data: {\"id\":\"chatcmpl_1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"openclaw\",\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":3,\"total_tokens\":15}}\n\n";
pub const DONE: &str = "data: [DONE]\n\n";

/// A full, gateway-shaped stream of the given deltas.
pub fn gateway_stream(deltas: &[&str], usage: bool) -> Vec<String> {
    let mut v = vec![ROLE_CHUNK.to_string()];
    v.extend(deltas.iter().map(|d| content_chunk(d)));
    v.push(FINISH_CHUNK.into());
    if usage {
        v.push(USAGE_CHUNK.into());
    }
    v.push(DONE.into());
    v
}

/// Runs `f` on another thread and returns its result. A hang guard, not a timing assertion:
/// it fails only when `f` is still running after `secs` seconds, for work that takes well
/// under a second.
pub fn within<T: Send + 'static>(secs: u64, f: impl FnOnce() -> T + Send + 'static) -> T {
    arm_watchdog();
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    match rx.recv_timeout(Duration::from_secs(secs)) {
        Ok(v) => v,
        Err(RecvTimeoutError::Timeout) => {
            // The work is stuck (it cannot be stopped): end the whole test process, so that a
            // hang is a failure now, not a timeout of the harness later.
            eprintln!("still running after {secs} s (hang guard): ending the test process");
            std::process::exit(101)
        }
        Err(RecvTimeoutError::Disconnected) => panic!("the work panicked (see above)"),
    }
}

/// With `OPENCLAW_TEST_WATCHDOG_SECS` set (scripts/mutants.sh sets it), ends the test process
/// with a failure once it has run that long: a test binary stuck in a loop fails fast instead
/// of running into the mutation tool's timeout. Armed once per process, by the first mock
/// gateway or hang guard.
pub fn arm_watchdog() {
    static ARMED: std::sync::Once = std::sync::Once::new();
    ARMED.call_once(|| {
        let Some(secs) = std::env::var("OPENCLAW_TEST_WATCHDOG_SECS")
            .ok()
            .and_then(|v| v.parse::<u64>().ok())
        else {
            return;
        };
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_secs(secs));
            eprintln!("test process still running after {secs} s (watchdog): failing");
            std::process::exit(101);
        });
    });
}

/// A loopback URL where nothing listens (a port bound and released at once).
pub fn dead_url() -> String {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    format!("http://127.0.0.1:{port}")
}

type Handler = dyn Fn(&Recorded) -> Reply + Send + Sync;

/// A running mock gateway.
pub struct MockGateway {
    pub url: String,
    pub port: u16,
    requests: Arc<Mutex<Vec<Recorded>>>,
    stop: Arc<AtomicBool>,
}

impl MockGateway {
    pub fn start(handler: impl Fn(&Recorded) -> Reply + Send + Sync + 'static) -> MockGateway {
        arm_watchdog();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let handler: Arc<Handler> = Arc::new(handler);
        {
            let requests = requests.clone();
            let stop = stop.clone();
            thread::spawn(move || {
                for conn in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(conn) = conn else { continue };
                    let handler = handler.clone();
                    let requests = requests.clone();
                    thread::spawn(move || serve(conn, &*handler, &requests));
                }
            });
        }
        MockGateway {
            url: format!("http://127.0.0.1:{port}"),
            port,
            requests,
            stop,
        }
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }

    /// The shared list of recorded requests, for a thread that waits for one to arrive.
    pub fn request_log(&self) -> Arc<Mutex<Vec<Recorded>>> {
        self.requests.clone()
    }

    pub fn last(&self) -> Recorded {
        self.requests()
            .last()
            .cloned()
            .expect("no request recorded")
    }
}

impl Drop for MockGateway {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn read_request(r: &mut BufReader<TcpStream>) -> Option<Recorded> {
    let mut line = String::new();
    if r.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_string();
    let path = parts.next()?.to_string();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        if r.read_line(&mut h).ok()? == 0 {
            return None;
        }
        let h = h.trim_end_matches(['\r', '\n']);
        if h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    let len = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0; len];
    r.read_exact(&mut body).ok()?;
    Some(Recorded {
        method,
        path,
        headers,
        body,
    })
}

fn serve(conn: TcpStream, handler: &Handler, requests: &Mutex<Vec<Recorded>>) {
    let _ = conn.set_nodelay(true);
    let mut reader = BufReader::new(conn.try_clone().unwrap());
    let mut w = conn;
    while let Some(req) = read_request(&mut reader) {
        requests.lock().unwrap().push(req.clone());
        let reply = handler(&req);
        if !reply.delay.is_zero() {
            thread::sleep(reply.delay);
        }
        if write_reply(&mut w, &reply).is_err() || reply.close {
            let _ = w.shutdown(Shutdown::Both);
            return;
        }
    }
}

fn write_reply(w: &mut TcpStream, reply: &Reply) -> std::io::Result<()> {
    let mut head = format!("HTTP/1.1 {} {}\r\n", reply.status, reason(reply.status));
    for (k, v) in &reply.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    match &reply.body {
        Body::Fixed(b) => {
            head.push_str(&format!("Content-Length: {}\r\n", b.len()));
            if reply.close {
                head.push_str("Connection: close\r\n");
            } else {
                head.push_str("Connection: keep-alive\r\n");
            }
            head.push_str("\r\n");
            w.write_all(head.as_bytes())?;
            let body: &[u8] = if reply.cut { &b[..b.len() / 2] } else { b };
            w.write_all(body)?;
        }
        Body::Chunked(parts) => {
            head.push_str("Transfer-Encoding: chunked\r\n");
            if reply.close {
                head.push_str("Connection: close\r\n");
            }
            head.push_str("\r\n");
            w.write_all(head.as_bytes())?;
            w.flush()?;
            for (delay, p) in parts {
                if !delay.is_zero() {
                    thread::sleep(*delay);
                }
                if p.is_empty() {
                    continue;
                }
                let mut chunk = format!("{:x}\r\n", p.len()).into_bytes();
                chunk.extend_from_slice(p);
                chunk.extend_from_slice(b"\r\n");
                w.write_all(&chunk)?;
                w.flush()?;
            }
            if !reply.cut {
                w.write_all(b"0\r\n\r\n")?;
            }
        }
        Body::Repeated {
            head: first,
            part,
            times,
            tail,
        } => {
            head.push_str("Transfer-Encoding: chunked\r\n\r\n");
            w.write_all(head.as_bytes())?;
            let chunk = |p: &[u8]| {
                let mut c = format!("{:x}\r\n", p.len()).into_bytes();
                c.extend_from_slice(p);
                c.extend_from_slice(b"\r\n");
                c
            };
            let framed = chunk(part);
            if !first.is_empty() {
                w.write_all(&chunk(first))?;
            }
            for _ in 0..*times {
                w.write_all(&framed)?;
            }
            if !tail.is_empty() {
                w.write_all(&chunk(tail))?;
            }
            if !reply.cut {
                w.write_all(b"0\r\n\r\n")?;
            }
        }
        Body::Raw(parts) => {
            head.push_str("Connection: close\r\n\r\n");
            w.write_all(head.as_bytes())?;
            for (delay, p) in parts {
                if !delay.is_zero() {
                    thread::sleep(*delay);
                }
                w.write_all(p)?;
                w.flush()?;
            }
        }
    }
    w.flush()
}

/// A content chunk in the gateway's exact byte shape (`JSON.stringify` key order, as in the
/// real gateway's stream): `{"id":…,"object":"chat.completion.chunk","created":N,"model":…,
/// "choices":[{"index":0,"delta":{"content":…},"finish_reason":null}]}`. [`content_chunk`]
/// builds its JSON with `json!`, which sorts the keys, so its chunks never have this shape.
pub fn gateway_content_chunk(id: &str, model: &str, text: &str) -> String {
    let s = |v: &str| serde_json::to_string(v).unwrap();
    format!(
        "data: {{\"id\":{},\"object\":\"chat.completion.chunk\",\"created\":1795623025,\"model\":{},\"choices\":[{{\"index\":0,\"delta\":{{\"content\":{}}},\"finish_reason\":null}}]}}\n\n",
        s(id),
        s(model),
        s(text)
    )
}
