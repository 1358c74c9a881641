//! A fast local SSE server sending gateway-shaped chunks, one HTTP chunk per event.
//!
//! POST /v1/chat/completions with `"stream": true` streams; otherwise a small JSON completion.
//! Headers select the stream: `x-bench-deltas: N` (default 200000), `x-bench-bytes: B` (stream
//! until B bytes of events), `x-bench-paced-us: U` (flush each event U µs apart, content =
//! the CLOCK_MONOTONIC ns at write time). Usage: sse_server PORT

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::Duration;

use openclaw_bench::*;

fn chunk(out: &mut Vec<u8>, ev: &[u8]) {
    out.extend_from_slice(format!("{:x}\r\n", ev.len()).as_bytes());
    out.extend_from_slice(ev);
    out.extend_from_slice(b"\r\n");
}

type Block = (&'static [u8], usize, u64);

fn handle(conn: TcpStream, events: &[Vec<u8>], block: Block) -> std::io::Result<()> {
    conn.set_nodelay(true)?;
    let mut r = BufReader::new(conn.try_clone()?);
    let mut w = conn;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let mut len = 0usize;
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
                _ => {}
            }
        }
        let mut body = vec![0; len];
        r.read_exact(&mut body)?;
        let text = String::from_utf8_lossy(&body);
        let stream = text.contains("\"stream\":true") || text.contains("\"stream\": true");
        if !stream {
            let b = br#"{"id":"chatcmpl_1","object":"chat.completion","created":1,"model":"openclaw","choices":[{"index":0,"message":{"role":"assistant","content":"pong"},"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}"#;
            write!(
                w,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\nConnection: keep-alive\r\n\r\n",
                b.len()
            )?;
            w.write_all(b)?;
            w.flush()?;
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

fn main() {
    let port: u16 = std::env::args()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
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
    for c in l.incoming() {
        let Ok(c) = c else { continue };
        std::thread::spawn(move || {
            let _ = handle(c, events, block);
        });
    }
}
