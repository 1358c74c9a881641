//! Delta latency through a real gateway: the fake provider writes its CLOCK_MONOTONIC time
//! into each word (`[[stamp:N]]`), the client reads the clock when a delta arrives; the same
//! gateway, the same message, over the HTTP stream and over WebSocket.
//!
//! Usage: eval "$(scripts/real-gateway.sh start)"; cargo run --release --bin ws_latency [RUNS]
//! (needs the provider from this branch: scripts/fake_provider.py with [[stamp:N]]).

use std::time::Duration;

use openclaw_client::ws::{RunEvent, WsOptions};
use openclaw_client::{ChatEvent, ChatRequest, Client};

const WORDS: usize = 50;

fn now_ns() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: a valid timespec out-pointer.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

/// Latency of the newest stamp in a delta (the gateway may merge words).
fn sample(text: &str, out: &mut Vec<f64>, seen: &mut usize) {
    let now = now_ns();
    let stamps: Vec<u64> = text
        .split_whitespace()
        .filter_map(|w| w.strip_prefix('t')?.parse().ok())
        .collect();
    *seen += stamps.len();
    if let Some(&last) = stamps.last() {
        out.push(now.saturating_sub(last) as f64 / 1e6);
    }
}

fn pct(v: &mut [f64], p: f64) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[((v.len() as f64 - 1.0) * p).round() as usize]
}

fn main() {
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(5);
    let url = std::env::var("OPENCLAW_REAL_GATEWAY_URL").expect("OPENCLAW_REAL_GATEWAY_URL");
    let token = std::env::var("OPENCLAW_REAL_GATEWAY_TOKEN").expect("OPENCLAW_REAL_GATEWAY_TOKEN");
    let client = Client::builder().base_url(url).token(token).build().unwrap();
    let ws = client.ws_connect(WsOptions::new()).unwrap();
    // The `agent` assistant stream, sampled on the connection thread as it arrives.
    let agent = std::sync::Arc::new(std::sync::Mutex::new((Vec::new(), 0usize, 0usize)));
    let a2 = agent.clone();
    ws.set_event_callback(Some(Box::new(move |e| {
        if let openclaw_client::ws::EventKind::Agent(a) = &e.kind
            && let openclaw_client::ws::AgentKind::AssistantDelta { delta, .. } = &a.kind
            && a.session_key.contains("lat-ws-")
        {
            let mut g = a2.lock().unwrap();
            let (v, n, w) = &mut *g;
            *n += 1;
            sample(delta, v, w);
        }
    })));
    let msg = format!("[[stamp:{WORDS}]]");
    let (mut http, mut wsl) = (Vec::new(), Vec::new());
    let (mut http_events, mut ws_events, mut http_words, mut ws_words) = (0, 0, 0, 0);
    for i in 0..runs {
        let req = ChatRequest::user_message(msg.as_str()).session_key(format!("lat-http-{i}-{}", now_ns()));
        for ev in client.chat_stream(&req).unwrap() {
            if let ChatEvent::Content(t) = ev.unwrap() {
                http_events += 1;
                sample(&t, &mut http, &mut http_words);
            }
        }
        let mut run = ws.chat_run(&format!("lat-ws-{i}-{}", now_ns()), &msg).unwrap();
        run.set_idle_timeout(Some(Duration::from_secs(60)));
        for ev in run {
            if let RunEvent::Delta { text, replace: false } = ev.unwrap() {
                ws_events += 1;
                sample(&text, &mut wsl, &mut ws_words);
            }
        }
    }
    let (mut agent_v, agent_n, agent_w) = std::mem::take(&mut *agent.lock().unwrap());
    println!("| path | deltas | words | p50 | p90 | max |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: |");
    for (name, v, n, w) in [
        ("HTTP stream (SSE)", &mut http, http_events, http_words),
        ("WebSocket chat run (`chat` deltas)", &mut wsl, ws_events, ws_words),
        ("WebSocket `agent` assistant events", &mut agent_v, agent_n, agent_w),
    ] {
        if v.is_empty() {
            continue;
        }
        let max = v.iter().cloned().fold(0.0, f64::max);
        println!(
            "| {name} | {n} | {w} | {:.1} ms | {:.1} ms | {:.1} ms |",
            pct(v, 0.5),
            pct(v, 0.9),
            max
        );
    }
    println!(
        "\n{runs} runs of {WORDS} words 20 ms apart; latency = client clock at the delta minus the provider's write time of the newest word in it."
    );
}
