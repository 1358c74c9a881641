//! Rust-side measurements: our iterator (owned and lending), a reqwest-blocking peer with
//! line-based SSE, the in-memory floor, request rate, threads and memory. Prints one JSON line.
//!
//! Usage: rust_clients MODE URL ARGS…
//!   iter URL N | iter-ref URL N | reqwest URL N | floor N | rate URL N | threads URL T N | memory URL BYTES
//!   rate-floor URL N (raw socket keep-alive loop) | tls-fresh URL CA_PEM N | tls-pooled URL CA_PEM N

use std::borrow::Cow;
use std::io::BufRead;
use std::time::Instant;

use openclaw_client::{ChatEvent, ChatEventRef, ChatRequest, Client};

fn client(url: &str) -> Client {
    Client::builder()
        .base_url(url)
        .token("bench")
        .build()
        .unwrap()
}

fn req(n: usize) -> ChatRequest {
    ChatRequest::user_message("bench").header("x-bench-deltas", n.to_string())
}

fn report(mode: &str, deltas: usize, secs: f64) {
    println!(
        "{{\"mode\":\"{mode}\",\"deltas\":{deltas},\"secs\":{secs:.6},\"ns_per_delta\":{:.1},\"deltas_per_s\":{:.0},\"max_rss_kib\":{}}}",
        secs * 1e9 / deltas.max(1) as f64,
        deltas as f64 / secs,
        rss("VmHWM")
    );
}

fn rss(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

#[derive(serde::Deserialize)]
struct Chunk<'a> {
    #[serde(borrow)]
    choices: Vec<Choice<'a>>,
}
#[derive(serde::Deserialize)]
struct Choice<'a> {
    #[serde(borrow)]
    delta: Delta<'a>,
}
#[derive(serde::Deserialize)]
struct Delta<'a> {
    #[serde(borrow, default)]
    content: Option<Cow<'a, str>>,
}

fn main() {
    let a: Vec<String> = std::env::args().collect();
    let mode = a[1].as_str();
    match mode {
        "iter" => {
            let n: usize = a[3].parse().unwrap();
            let c = client(&a[2]);
            let t = Instant::now();
            let mut count = 0;
            for ev in c.chat_stream(&req(n)).unwrap() {
                if let ChatEvent::Content(_) = ev.unwrap() {
                    count += 1;
                }
            }
            report(mode, count, t.elapsed().as_secs_f64());
        }
        "iter-ref" => {
            let n: usize = a[3].parse().unwrap();
            let c = client(&a[2]);
            let t = Instant::now();
            let mut s = c.chat_stream(&req(n)).unwrap();
            s.keep_text(false);
            let mut count = 0;
            while let Some(ev) = s.next_ref() {
                if let ChatEventRef::Content(_) = ev.unwrap() {
                    count += 1;
                }
            }
            report(mode, count, t.elapsed().as_secs_f64());
        }
        "reqwest" => {
            let n: usize = a[3].parse().unwrap();
            let http = reqwest::blocking::Client::new();
            let t = Instant::now();
            let resp = http
                .post(format!("{}/v1/chat/completions", a[2]))
                .header("x-bench-deltas", n.to_string())
                .header("content-type", "application/json")
                .body(r#"{"model":"openclaw","stream":true,"messages":[{"role":"user","content":"bench"}]}"#)
                .send()
                .unwrap();
            let mut count = 0;
            for line in std::io::BufReader::new(resp).lines() {
                let line = line.unwrap();
                let Some(data) = line.strip_prefix("data: ") else {
                    continue;
                };
                if data == "[DONE]" {
                    break;
                }
                let c: Chunk = serde_json::from_str(data).unwrap();
                if c.choices
                    .first()
                    .and_then(|c| c.delta.content.as_ref())
                    .is_some()
                {
                    count += 1;
                }
            }
            report(mode, count, t.elapsed().as_secs_f64());
        }
        "floor" => {
            let n: usize = a[2].parse().unwrap();
            let mut bytes = String::new();
            for i in 0..n {
                bytes.push_str(&openclaw_bench::event(i));
            }
            let t = Instant::now();
            let mut count = 0;
            for line in bytes.as_bytes().split(|b| *b == b'\n') {
                let Some(data) = line.strip_prefix(b"data: ") else {
                    continue;
                };
                let c: Chunk = serde_json::from_slice(data).unwrap();
                if c.choices
                    .first()
                    .and_then(|c| c.delta.content.as_ref())
                    .is_some()
                {
                    count += 1;
                }
            }
            report(mode, count, t.elapsed().as_secs_f64());
        }
        "rate" => {
            let n: usize = a[3].parse().unwrap();
            let c = client(&a[2]);
            let r = ChatRequest::user_message("ping");
            c.chat(&r).unwrap();
            let t = Instant::now();
            for _ in 0..n {
                assert_eq!(c.chat(&r).unwrap().content, "pong");
            }
            let secs = t.elapsed().as_secs_f64();
            println!(
                "{{\"mode\":\"rate\",\"requests\":{n},\"secs\":{secs:.6},\"per_s\":{:.0},\"max_rss_kib\":{}}}",
                n as f64 / secs,
                rss("VmHWM")
            );
        }
        "threads" => {
            let threads: usize = a[3].parse().unwrap();
            let n: usize = a[4].parse().unwrap();
            let c = client(&a[2]);
            let per = n / threads;
            let t = Instant::now();
            let hs: Vec<_> = (0..threads)
                .map(|_| {
                    let c = c.clone();
                    std::thread::spawn(move || {
                        let mut s = c.chat_stream(&req(per)).unwrap();
                        s.keep_text(false);
                        let mut count = 0;
                        while let Some(ev) = s.next_ref() {
                            if let ChatEventRef::Content(_) = ev.unwrap() {
                                count += 1;
                            }
                        }
                        count
                    })
                })
                .collect();
            let total: usize = hs.into_iter().map(|h| h.join().unwrap()).sum();
            report(
                &format!("threads-{threads}"),
                total,
                t.elapsed().as_secs_f64(),
            );
        }
        "memory" => {
            let bytes: u64 = a[3].parse().unwrap();
            let c = client(&a[2]);
            let t = Instant::now();
            let mut s = c
                .chat_stream(
                    &ChatRequest::user_message("bench").header("x-bench-bytes", bytes.to_string()),
                )
                .unwrap();
            s.keep_text(false);
            let mut count = 0usize;
            let mut samples = Vec::new();
            let approx_events = (bytes / 209) as usize;
            while let Some(ev) = s.next_ref() {
                if let ChatEventRef::Content(_) = ev.unwrap() {
                    count += 1;
                    if count.is_multiple_of((approx_events / 10).max(1)) {
                        samples.push(rss("VmRSS"));
                    }
                }
            }
            let secs = t.elapsed().as_secs_f64();
            println!(
                "{{\"mode\":\"memory\",\"bytes\":{bytes},\"deltas\":{count},\"secs\":{secs:.3},\"rss_samples_kib\":{samples:?},\"max_rss_kib\":{}}}",
                rss("VmHWM")
            );
        }
        "rate-floor" => {
            // The floor of a small request: the same request bytes written on one keep-alive
            // socket, the answer read up to its Content-Length; no HTTP library, no JSON.
            use std::io::{Read, Write};
            let n: usize = a[3].parse().unwrap();
            let addr = a[2].trim_start_matches("http://");
            let mut s = std::net::TcpStream::connect(addr).unwrap();
            s.set_nodelay(true).unwrap();
            let body = r#"{"model":"openclaw","messages":[{"role":"user","content":"ping"}]}"#;
            let head = format!(
                "POST /v1/chat/completions HTTP/1.1\r\nhost: {addr}\r\nauthorization: Bearer bench\r\naccept: application/json\r\ncontent-type: application/json\r\nuser-agent: openclaw-client\r\ncontent-length: {}\r\n\r\n{body}",
                body.len()
            );
            let mut buf = vec![0u8; 16 * 1024];
            let mut one = |s: &mut std::net::TcpStream| {
                s.write_all(head.as_bytes()).unwrap();
                let mut have = 0;
                loop {
                    let k = s.read(&mut buf[have..]).unwrap();
                    assert!(k > 0, "closed");
                    have += k;
                    let got = &buf[..have];
                    if let Some(end) = got.windows(4).position(|w| w == b"\r\n\r\n") {
                        let h = std::str::from_utf8(&got[..end]).unwrap();
                        let len: usize = h
                            .lines()
                            .find_map(|l| {
                                let (k, v) = l.split_once(':')?;
                                k.eq_ignore_ascii_case("content-length")
                                    .then(|| v.trim().parse().ok())?
                            })
                            .unwrap();
                        if have >= end + 4 + len {
                            assert!(got[end + 4..].windows(4).any(|w| w == b"pong"));
                            break;
                        }
                    }
                }
            };
            one(&mut s);
            let t = Instant::now();
            for _ in 0..n {
                one(&mut s);
            }
            let secs = t.elapsed().as_secs_f64();
            println!(
                "{{\"mode\":\"rate-floor\",\"requests\":{n},\"secs\":{secs:.6},\"per_s\":{:.0},\"max_rss_kib\":{}}}",
                n as f64 / secs,
                rss("VmHWM")
            );
        }
        "tls-fresh" | "tls-pooled" => {
            // One client trusting the bench CA. tls-fresh: every request asks the server to
            // close, so each one opens a new connection (full handshake, the server has no
            // resumption); tls-pooled: keep-alive, one connection for all.
            let n: usize = a[4].parse().unwrap();
            let ca = std::fs::read(&a[3]).unwrap();
            let c = Client::builder()
                .base_url(&a[2])
                .token("bench")
                .ca_bundle_pem(ca)
                .build()
                .unwrap();
            let mut r = ChatRequest::user_message("ping");
            if mode == "tls-fresh" {
                r = r.header("x-bench-close", "1");
            }
            c.chat(&r).unwrap();
            let t = Instant::now();
            for _ in 0..n {
                assert_eq!(c.chat(&r).unwrap().content, "pong");
            }
            let secs = t.elapsed().as_secs_f64();
            println!(
                "{{\"mode\":\"{mode}\",\"requests\":{n},\"secs\":{secs:.6},\"per_s\":{:.0},\"us_per_request\":{:.1},\"max_rss_kib\":{}}}",
                n as f64 / secs,
                secs * 1e6 / n as f64,
                rss("VmHWM")
            );
        }
        "latency-floor" => {
            // The floor: a raw socket read loop (no HTTP parsing beyond finding `t=`).
            use std::io::{Read, Write};
            let n: usize = a[3].parse().unwrap();
            let addr = a[2].trim_start_matches("http://");
            let mut s = std::net::TcpStream::connect(addr).unwrap();
            s.set_nodelay(true).unwrap();
            let body = r#"{"stream":true}"#;
            write!(s, "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nx-bench-deltas: {n}\r\nx-bench-paced-us: {}\r\nContent-Length: {}\r\n\r\n{body}", a[4], body.len()).unwrap();
            let mut buf = vec![0u8; 65536];
            let mut lat = Vec::new();
            let mut done = false;
            while !done {
                let k = s.read(&mut buf).unwrap();
                if k == 0 {
                    break;
                }
                let now = openclaw_bench::monotonic_ns();
                let chunk = &buf[..k];
                let mut i = 0;
                while let Some(p) = chunk[i..].windows(3).position(|w| w == b"\"t=") {
                    let start = i + p + 3;
                    let end = start
                        + chunk[start..]
                            .iter()
                            .take_while(|c| c.is_ascii_digit())
                            .count();
                    if let Ok(t) = std::str::from_utf8(&chunk[start..end])
                        .unwrap()
                        .parse::<u64>()
                    {
                        lat.push(now.saturating_sub(t));
                    }
                    i = end;
                }
                done = chunk.windows(5).any(|w| w == b"0\r\n\r\n");
            }
            lat.sort_unstable();
            let pct = |q: f64| lat[((lat.len() as f64 - 1.0) * q) as usize] as f64 / 1e3;
            println!(
                "{{\"mode\":\"latency-floor\",\"samples\":{},\"p50_us\":{:.1},\"p99_us\":{:.1},\"max_us\":{:.1}}}",
                lat.len(),
                pct(0.5),
                pct(0.99),
                pct(1.0)
            );
        }
        _ => panic!("unknown mode {mode}"),
    }
}
