//! Hostile servers on loopback against the transport: a request that may have reached the
//! gateway is never sent again, a cancel ends a call in every phase, each header goes out once,
//! streams ask for no compression.

mod common;

use std::ffi::{CStr, CString};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::ptr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use ::openclaw_client::ffi::chat::*;
use ::openclaw_client::ffi::client::*;
use ::openclaw_client::ffi::error::*;
use ::openclaw_client::{
    CallOptions, CancelToken, ChatRequest, Client, Error, ErrorKind, HookAgentRequest,
    ResponsesRequest, ToolInvocation,
};
use common::cffi::c_client;
use common::*;

const TOKEN: &str = "hardening-token";

/// How a hostile server treats a connection after reading one whole request.
#[derive(Clone, Copy, PartialEq)]
enum Fate {
    /// Closes it (FIN) without a response byte.
    Close,
    /// Resets it (RST, via SO_LINGER 0) without a response byte.
    Reset,
    /// Answers with this canned response.
    Answer(&'static str),
}

/// Reads one request head plus its Content-Length body; returns the raw head.
fn read_request(c: &mut TcpStream) -> Option<String> {
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let n = c.read(&mut buf).ok()?;
        if n == 0 {
            return None;
        }
        data.extend_from_slice(&buf[..n]);
        if let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&data[..end]).into_owned();
            let len = head
                .lines()
                .find_map(|l| {
                    let (k, v) = l.split_once(':')?;
                    k.eq_ignore_ascii_case("content-length")
                        .then(|| v.trim().parse::<usize>().ok())?
                })
                .unwrap_or(0);
            while data.len() < end + 4 + len {
                let n = c.read(&mut buf).ok()?;
                if n == 0 {
                    return None;
                }
                data.extend_from_slice(&buf[..n]);
            }
            return Some(head);
        }
    }
}

fn reset(c: TcpStream) {
    let l = libc::linger {
        l_onoff: 1,
        l_linger: 0,
    };
    use std::os::fd::AsRawFd;
    // SAFETY: setsockopt on a live socket with a linger struct of the right size.
    unsafe {
        libc::setsockopt(
            c.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_LINGER,
            &l as *const libc::linger as *const libc::c_void,
            std::mem::size_of::<libc::linger>() as libc::socklen_t,
        );
    }
    drop(c);
}

/// A server that reads whole requests and treats the n-th connection per `fates[n]` (the last
/// fate repeats); records every request head.
struct Hostile {
    url: String,
    heads: Arc<Mutex<Vec<String>>>,
}

impl Hostile {
    fn start(fates: Vec<Fate>) -> Hostile {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", l.local_addr().unwrap());
        let heads = Arc::new(Mutex::new(Vec::new()));
        let rec = heads.clone();
        thread::spawn(move || {
            for (i, c) in l.incoming().enumerate() {
                let Ok(mut c) = c else { return };
                let Some(head) = read_request(&mut c) else {
                    continue;
                };
                rec.lock().unwrap().push(head);
                match fates[i.min(fates.len() - 1)] {
                    Fate::Close => drop(c),
                    Fate::Reset => reset(c),
                    Fate::Answer(r) => {
                        let _ = c.write_all(r.as_bytes());
                    }
                }
            }
        });
        Hostile { url, heads }
    }
    fn count(&self) -> usize {
        self.heads.lock().unwrap().len()
    }
}

/// A client with the default retry policy (retries on).
fn retrying(url: &str) -> Client {
    Client::builder()
        .base_url(url)
        .token(TOKEN)
        .hooks_token("hooks-secret")
        .build()
        .unwrap()
}

fn assert_lost(err: &Error, what: &str) {
    assert_eq!(err.kind(), ErrorKind::ConnectionLost, "{what}: {err:?}");
    let text = err.to_string();
    assert!(
        text.contains("may have received it and run the agent turn"),
        "{what}: {text}"
    );
}

#[test]
fn a_post_that_reached_the_server_is_never_sent_again() {
    for fate in [Fate::Close, Fate::Reset] {
        // Chat (non-streaming).
        let s = Hostile::start(vec![fate]);
        let err = retrying(&s.url)
            .chat(&ChatRequest::user_message("unlock the door"))
            .unwrap_err();
        assert_lost(&err, "chat");
        assert_eq!(s.count(), 1, "chat was sent {} times", s.count());

        // Chat stream.
        let s = Hostile::start(vec![fate]);
        let err = retrying(&s.url)
            .chat_stream(&ChatRequest::user_message("unlock the door"))
            .map(|_| ())
            .unwrap_err();
        assert_lost(&err, "chat stream");
        assert_eq!(s.count(), 1, "chat stream was sent {} times", s.count());

        // Responses, streaming and not.
        let s = Hostile::start(vec![fate]);
        let c = retrying(&s.url);
        assert_lost(
            &c.responses(&ResponsesRequest::text("send the mail"))
                .unwrap_err(),
            "responses",
        );
        assert_lost(
            &c.responses_stream(&ResponsesRequest::text("send the mail"))
                .map(|_| ())
                .unwrap_err(),
            "responses stream",
        );
        assert_eq!(s.count(), 2, "responses were sent {} times", s.count());

        // A tool call: the gateway's idempotencyKey only names the tool call, so no replay.
        let s = Hostile::start(vec![fate]);
        let err = retrying(&s.url)
            .invoke_tool(&ToolInvocation::new("exec", serde_json::json!({})))
            .unwrap_err();
        assert_lost(&err, "tool call");
        assert_eq!(s.count(), 1, "the tool call was sent {} times", s.count());
    }
}

const MODELS_OK: &str = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 27\r\nConnection: close\r\n\r\n{\"object\":\"list\",\"data\":[]}";
const HOOK_OK: &str = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 26\r\nConnection: close\r\n\r\n{\"ok\":true,\"runId\":\"r-42\"}";

#[test]
fn reads_and_deduplicated_hooks_are_retried_after_a_lost_connection() {
    // A GET runs nothing: sent again.
    let s = Hostile::start(vec![Fate::Close, Fate::Answer(MODELS_OK)]);
    let models = retrying(&s.url).models().unwrap();
    assert!(models.is_empty());
    assert_eq!(s.count(), 2);

    // /hooks/agent with its idempotency key: the gateway answers a replay with the same run.
    let s = Hostile::start(vec![Fate::Reset, Fate::Answer(HOOK_OK)]);
    let r = retrying(&s.url).hook_agent(&HookAgentRequest::new("water the plants"));
    let r = r.unwrap_or_else(|e| panic!("{e:?} after {} requests", s.count()));
    assert_eq!(r.run_id, "r-42");
    let heads = s.heads.lock().unwrap().clone();
    assert_eq!(heads.len(), 2);
    let key = |h: &str| {
        h.lines()
            .find_map(|l| {
                l.strip_prefix("Idempotency-Key: ")
                    .or(l.strip_prefix("idempotency-key: "))
            })
            .map(str::to_owned)
    };
    let k0 = key(&heads[0]).expect("first attempt carries a key");
    assert!(k0.len() >= 16, "{k0}");
    assert_eq!(key(&heads[1]), Some(k0), "the retry carries the same key");
}

#[test]
fn c_chat_against_a_server_that_drops_the_request_is_connection_lost() {
    let s = Hostile::start(vec![Fate::Close]);
    let url = CString::new(s.url.clone()).unwrap();
    unsafe {
        let c = c_client(url.to_str().unwrap(), None, None);
        let r = openclaw_chat_request_new();
        let msg = CString::new("unlock the door").unwrap();
        openclaw_chat_request_add_message(r, OPENCLAW_ROLE_USER, msg.as_ptr());
        let mut res = ptr::null_mut();
        let rc = openclaw_chat(c, r, &mut res);
        let text = CStr::from_ptr(openclaw_last_error_message())
            .to_string_lossy()
            .into_owned();
        assert_eq!(rc, OPENCLAW_RESULT_CONNECTION_LOST, "{text}");
        assert!(text.contains("may have received it"), "{text}");
        assert!(res.is_null());
        openclaw_chat_request_free(r);
        openclaw_client_free(c);
    }
    assert_eq!(s.count(), 1);
}

/// A listener whose accept queue is full: further SYNs go unanswered, so a connect hangs.
struct Blackhole {
    _listener: TcpListener,
    _fillers: Vec<TcpStream>,
    url: String,
}

fn blackhole(scheme: &str) -> Blackhole {
    use std::os::fd::FromRawFd;
    // SAFETY: plain socket calls; the descriptor is owned by the TcpListener at once.
    let listener = unsafe {
        let fd = libc::socket(libc::AF_INET, libc::SOCK_STREAM, 0);
        assert!(fd >= 0);
        let listener = TcpListener::from_raw_fd(fd);
        let mut addr: libc::sockaddr_in = std::mem::zeroed();
        addr.sin_family = libc::AF_INET as libc::sa_family_t;
        addr.sin_addr.s_addr = u32::from_ne_bytes([127, 0, 0, 1]);
        assert_eq!(
            libc::bind(
                fd,
                &addr as *const libc::sockaddr_in as *const libc::sockaddr,
                std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t,
            ),
            0
        );
        assert_eq!(libc::listen(fd, 0), 0);
        listener
    };
    let addr = listener.local_addr().unwrap();
    // Fill the queue until a connect times out: from then on SYNs are dropped.
    let mut fillers = Vec::new();
    loop {
        match TcpStream::connect_timeout(&addr, Duration::from_millis(300)) {
            Ok(s) => fillers.push(s),
            Err(_) => break,
        }
        assert!(fillers.len() < 64, "the accept queue never filled");
    }
    Blackhole {
        _listener: listener,
        _fillers: fillers,
        url: format!("{scheme}://{addr}"),
    }
}

/// Starts `call` on another thread with `token`, cancels after 300 ms, and returns the error
/// and how long the call took to return after the cancel.
fn cancel_after_300ms(
    call: impl FnOnce(CancelToken) -> Result<(), Error> + Send + 'static,
) -> (Error, Duration) {
    let token = CancelToken::new();
    let t2 = token.clone();
    let (tx, rx) = std::sync::mpsc::channel();
    thread::spawn(move || {
        let r = call(t2);
        let _ = tx.send((r, Instant::now()));
    });
    thread::sleep(Duration::from_millis(300));
    let cancelled_at = Instant::now();
    token.cancel();
    let (r, returned_at) = rx
        .recv_timeout(Duration::from_secs(30))
        .expect("the call did not return within 30 s of the cancel");
    let err = r.expect_err("the call cannot succeed");
    (err, returned_at.saturating_duration_since(cancelled_at))
}

/// A cancel must end the call at once in every phase. The bound asserted is generous (this
/// machine is shared); the figure is printed.
fn assert_prompt(phase: &str, err: &Error, after: Duration) {
    assert_eq!(err.kind(), ErrorKind::Cancelled, "{phase}: {err:?}");
    println!(
        "{phase}: returned {} ms after the cancel",
        after.as_millis()
    );
    assert!(
        after < Duration::from_millis(500),
        "{phase}: returned {after:?} after the cancel"
    );
}

#[test]
fn cancel_ends_a_hanging_connect_with_or_without_a_connect_timeout() {
    let hole = blackhole("http");
    for connect in [Some(Duration::from_secs(20)), None] {
        let c = Client::builder()
            .base_url(&hole.url)
            .connect_timeout(connect)
            .build()
            .unwrap();
        let (err, after) = cancel_after_300ms(move |t| {
            c.chat(
                &ChatRequest::user_message("x")
                    .options(CallOptions::new().cancel_token(t).no_retry()),
            )
            .map(|_| ())
        });
        assert_prompt(&format!("connect (timeout {connect:?})"), &err, after);
    }
}

#[test]
fn a_hanging_connect_times_out_at_the_connect_limit_as_a_connect_timeout() {
    let hole = blackhole("http");
    let c = Client::builder()
        .base_url(&hole.url)
        .connect_timeout(Some(Duration::from_millis(400)))
        .build()
        .unwrap();
    let err = c.health().unwrap_err();
    assert!(
        matches!(
            err,
            Error::Timeout {
                phase: ::openclaw_client::TimeoutPhase::Connect,
                ..
            }
        ),
        "{err:?}"
    );
}

/// Accepts connections and says nothing, forever.
fn silent_server() -> String {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    thread::spawn(move || {
        let mut keep = Vec::new();
        for c in l.incoming() {
            keep.push(c);
        }
    });
    addr.to_string()
}

#[test]
fn cancel_ends_a_stalled_tls_handshake_and_a_wait_for_headers() {
    let addr = silent_server();
    for (phase, url) in [
        ("TLS handshake", format!("https://{addr}")),
        ("waiting for headers", format!("http://{addr}")),
    ] {
        let c = Client::builder().base_url(&url).build().unwrap();
        let (err, after) = cancel_after_300ms(move |t| {
            c.chat_stream(
                &ChatRequest::user_message("x")
                    .options(CallOptions::new().cancel_token(t).no_retry()),
            )
            .map(|_| ())
        });
        assert_prompt(phase, &err, after);
    }
}

#[test]
fn cancel_ends_a_host_name_lookup_or_connect_to_a_named_host() {
    // `localhost.` (trailing dot) is answered without the system resolver; the connect then
    // hangs on the full queue.
    let hole = blackhole("http");
    let named = hole.url.replace("127.0.0.1", "localhost.");
    let c = Client::builder().base_url(&named).build().unwrap();
    let (err, after) = cancel_after_300ms(move |t| {
        c.chat(
            &ChatRequest::user_message("x").options(CallOptions::new().cancel_token(t).no_retry()),
        )
        .map(|_| ())
    });
    assert_prompt("named host", &err, after);
}

#[test]
fn https_to_a_plain_http_server_that_closes_says_use_http() {
    // A server that reads the ClientHello and closes, as a plain-HTTP server may.
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("https://{}", l.local_addr().unwrap());
    let n = Arc::new(AtomicUsize::new(0));
    let n2 = n.clone();
    thread::spawn(move || {
        for c in l.incoming() {
            let Ok(mut c) = c else { return };
            n2.fetch_add(1, Ordering::SeqCst);
            let mut buf = [0u8; 1024];
            let _ = c.read(&mut buf);
        }
    });
    let err = retrying(&url)
        .chat(&ChatRequest::user_message("x"))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Tls, "{err:?}");
    let text = err.to_string();
    assert!(text.contains("during the TLS handshake"), "{text}");
    assert!(text.contains("use an http:// URL"), "{text}");
}

fn raw_heads(gw: &MockGateway) -> Vec<String> {
    gw.requests().iter().map(|r| r.raw_head()).collect()
}

fn occurrences(head: &str, name: &str) -> usize {
    head.lines()
        .filter(|l| {
            l.split_once(':')
                .is_some_and(|(k, _)| k.trim().eq_ignore_ascii_case(name))
        })
        .count()
}

#[test]
fn each_header_goes_out_once_typed_setters_win_and_library_headers_cannot_be_added() {
    let gw = MockGateway::start(|_| Reply::sse(&gateway_stream(&["ok"], false)));
    let c = Client::builder()
        .base_url(&gw.url)
        .token(TOKEN)
        .build()
        .unwrap();
    let req = ChatRequest::user_message("x")
        .agent("ops")
        .header("X-OpenClaw-Agent-Id", "intruder")
        .header("x-trace", "one")
        .header("X-Trace", "two");
    c.chat_stream(&req).unwrap().collect_reply().unwrap();
    let head = raw_heads(&gw).pop().unwrap();
    for name in [
        "x-openclaw-agent-id",
        "x-trace",
        "accept",
        "authorization",
        "content-type",
        "accept-encoding",
        "user-agent",
    ] {
        assert_eq!(occurrences(&head, name), 1, "{name} in\n{head}");
    }
    assert!(
        head.to_ascii_lowercase()
            .contains("x-openclaw-agent-id: ops"),
        "{head}"
    );
    assert!(head.contains("x-trace: one"), "{head}");

    // The library's own headers cannot be added: rejected before anything is sent.
    for name in [
        "Accept",
        "authorization",
        "Content-Type",
        "User-Agent",
        "Host",
    ] {
        let before = gw.requests().len();
        let err = c
            .chat(&ChatRequest::user_message("x").header(name, "evil"))
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{name}: {err:?}");
        assert!(err.to_string().contains("set by the library"), "{err}");
        assert_eq!(gw.requests().len(), before, "{name}: nothing sent");
    }
}

#[test]
fn streams_ask_for_identity_encoding_and_other_calls_accept_gzip() {
    let gw = MockGateway::start(|r| {
        if r.path.contains("chat") && r.json()["stream"] == true {
            Reply::sse(&gateway_stream(&["ok"], false))
        } else {
            Reply::json(200, r#"{"object":"list","data":[]}"#)
        }
    });
    let c = Client::builder().base_url(&gw.url).build().unwrap();
    c.chat_stream(&ChatRequest::user_message("x"))
        .unwrap()
        .collect_reply()
        .unwrap();
    c.models().unwrap();
    let heads = raw_heads(&gw);
    let enc = |h: &str| {
        h.lines()
            .find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.eq_ignore_ascii_case("accept-encoding")
                    .then(|| v.trim().to_owned())
            })
            .unwrap_or_default()
    };
    assert_eq!(enc(&heads[0]), "identity", "{}", heads[0]);
    assert!(enc(&heads[1]).contains("gzip"), "{}", heads[1]);
}

#[test]
fn https_to_a_plain_http_gateway_says_use_http_not_a_certificate_problem() {
    let gw = MockGateway::start(|_| Reply::json(200, "{}"));
    let url = gw.url.replace("http://", "https://");
    let err = retrying(&url).models().unwrap_err();
    assert!(
        matches!(
            err,
            Error::Tls {
                plain_http: true,
                ..
            }
        ),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(text.contains("use an http:// URL"), "{text}");
    assert!(!text.contains("self-signed"), "{text}");
    // The diagnosis says the same, once.
    let d = retrying(&url).check_connection();
    assert_eq!(d.code, ::openclaw_client::DiagnosisCode::Tls, "{d}");
    assert_eq!(
        d.to_string().matches("use an http:// URL").count(),
        1,
        "{d}"
    );
}
