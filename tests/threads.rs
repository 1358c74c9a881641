//! "The library starts no threads" (for IP literals and localhost): the thread count of the
//! process does not change while calls run. One test in its own binary, so that no other test
//! starts threads meanwhile.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use ::openclaw_client::{CallOptions, CancelToken, ChatEvent, ChatRequest, Client};
use common::*;

fn threads() -> usize {
    std::fs::read_dir("/proc/self/task").unwrap().count()
}

#[test]
fn calls_to_ip_literals_and_localhost_start_no_thread() {
    // One server thread that serves connections one after the other (no thread per
    // connection, unlike the mock gateway), started before counting.
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let body = gateway_stream(&["one ", "two"], false).concat();
        for c in l.incoming() {
            let Ok(c) = c else { return };
            let mut r = BufReader::new(c);
            let mut len = 0usize;
            loop {
                let mut line = String::new();
                if r.read_line(&mut line).unwrap_or(0) == 0 {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    len = v.trim().parse().unwrap_or(0);
                }
                if line == "\r\n" {
                    let mut b = vec![0u8; len];
                    let _ = r.read_exact(&mut b);
                    let _ = r.get_mut().write_all(format!("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len()).as_bytes());
                    break;
                }
            }
        }
    });
    // A sampler thread watches the count the whole time (a short-lived helper thread, like a
    // resolver's, is seen even if it ends before the next event).
    let max_seen = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (max_seen, stop) = (max_seen.clone(), stop.clone());
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                max_seen.fetch_max(threads(), Ordering::Relaxed);
                std::thread::sleep(Duration::from_micros(50));
            }
        })
    };
    std::thread::sleep(Duration::from_millis(20));
    let before = threads();
    for url in [
        format!("http://127.0.0.1:{port}"),
        format!("http://localhost:{port}"),
        format!("http://localhost.:{port}"),
    ] {
        let c = Client::builder()
            .base_url(&url)
            .connect_timeout(Some(Duration::from_secs(5)))
            .build()
            .unwrap();
        // With and without a cancel token (its own connection), through a whole stream.
        for options in [
            CallOptions::new(),
            CallOptions::new().cancel_token(CancelToken::new()),
        ] {
            let mut during = Vec::new();
            let mut text = String::new();
            for ev in c
                .chat_stream(&ChatRequest::user_message("x").options(options))
                .unwrap()
            {
                during.push(threads());
                if let ChatEvent::Content(t) = ev.unwrap() {
                    text.push_str(&t);
                }
            }
            assert_eq!(text, "one two", "{url}");
            assert!(
                during.iter().all(|&n| n == before),
                "{url}: threads before {before}, during {during:?}"
            );
        }
    }
    stop.store(true, Ordering::Relaxed);
    sampler.join().unwrap();
    assert_eq!(
        max_seen.load(Ordering::Relaxed),
        before,
        "a thread was started during the calls"
    );
}
