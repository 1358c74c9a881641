//! Many open streams in one process: N threads on one client, each with a stream open against
//! a slow (paced) server. A counting global allocator measures the heap: after the N threads
//! exist (waiting) and again when every stream is open and has delivered its first content,
//! so the difference is what the library holds per open stream. Then every stream is drained,
//! the threads joined and the client dropped; heap and open descriptors are compared with the
//! start. Prints one JSON line.
//!
//! Usage: many_streams URL N PACE_US DELTAS

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Barrier};
use std::time::Instant;

use openclaw_client::{ChatEventRef, ChatRequest, Client};

struct Counting;

static LIVE: AtomicI64 = AtomicI64::new(0);
static PEAK: AtomicI64 = AtomicI64::new(0);

// SAFETY: forwards to the system allocator; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let p = unsafe { System.alloc(l) };
        if !p.is_null() {
            let now = LIVE.fetch_add(l.size() as i64, Ordering::Relaxed) + l.size() as i64;
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        LIVE.fetch_sub(l.size() as i64, Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let q = unsafe { System.realloc(p, l, new) };
        if !q.is_null() {
            let now = LIVE.fetch_add(new as i64 - l.size() as i64, Ordering::Relaxed) + new as i64
                - l.size() as i64;
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        q
    }
}

#[global_allocator]
static A: Counting = Counting;

fn fds() -> usize {
    std::fs::read_dir("/proc/self/fd").map_or(0, |d| d.count())
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

fn main() {
    let a: Vec<String> = std::env::args().collect();
    let url = a[1].clone();
    let n: usize = a[2].parse().unwrap();
    let pace: String = a[3].clone();
    let deltas: String = a[4].clone();
    // SAFETY: plain getrlimit/setrlimit on this process.
    unsafe {
        let mut r = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        libc::getrlimit(libc::RLIMIT_NOFILE, &mut r);
        r.rlim_cur = r.rlim_max.min(1 << 16).max(r.rlim_cur);
        libc::setrlimit(libc::RLIMIT_NOFILE, &r);
    }
    let fd0 = fds();
    let heap0 = LIVE.load(Ordering::SeqCst);
    let client = Client::builder()
        .base_url(&url)
        .token("bench")
        .build()
        .unwrap();
    let spawned = Arc::new(Barrier::new(n + 1));
    let go = Arc::new(Barrier::new(n + 1));
    let open = Arc::new(Barrier::new(n + 1));
    let measured = Arc::new(Barrier::new(n + 1));
    let t = Instant::now();
    let hs: Vec<_> = (0..n)
        .map(|_| {
            let (c, spawned, go, open, measured) = (
                client.clone(),
                spawned.clone(),
                go.clone(),
                open.clone(),
                measured.clone(),
            );
            let req = ChatRequest::user_message("bench")
                .header("x-bench-deltas", deltas.clone())
                .header("x-bench-paced-us", pace.clone());
            std::thread::Builder::new()
                .stack_size(128 * 1024)
                .spawn(move || {
                    spawned.wait();
                    go.wait();
                    let mut s = c.chat_stream(&req).unwrap();
                    let mut count = 0usize;
                    let mut done = false;
                    // Open and one content delivered: the stream is in its steady state.
                    while let Some(ev) = s.next_ref() {
                        match ev.unwrap() {
                            ChatEventRef::Content(_) => {
                                count += 1;
                                break;
                            }
                            ChatEventRef::Done { .. } => done = true,
                            _ => {}
                        }
                    }
                    open.wait();
                    measured.wait();
                    while let Some(ev) = s.next_ref() {
                        match ev.unwrap() {
                            ChatEventRef::Content(_) => count += 1,
                            ChatEventRef::Done { .. } => done = true,
                            _ => {}
                        }
                    }
                    (count, done)
                })
                .unwrap()
        })
        .collect();
    spawned.wait();
    let heap_threads = LIVE.load(Ordering::SeqCst);
    let fd_threads = fds();
    go.wait();
    open.wait();
    let open_secs = t.elapsed().as_secs_f64();
    let heap_open = LIVE.load(Ordering::SeqCst);
    let fd_open = fds();
    let rss_open = rss("VmRSS");
    measured.wait();
    let mut complete = 0;
    let mut total = 0;
    for h in hs {
        let (count, done) = h.join().unwrap();
        total += count;
        complete += done as usize;
    }
    let secs = t.elapsed().as_secs_f64();
    drop(client);
    let heap_after = LIVE.load(Ordering::SeqCst);
    let fd_after = fds();
    let per_stream = (heap_open - heap_threads) as f64 / n as f64;
    println!(
        "{{\"mode\":\"many\",\"streams\":{n},\"complete\":{complete},\"deltas\":{total},\"open_secs\":{open_secs:.3},\"secs\":{secs:.3},\"heap_per_stream\":{per_stream:.0},\"heap_start\":{heap0},\"heap_threads\":{heap_threads},\"heap_open\":{heap_open},\"heap_after\":{heap_after},\"heap_peak\":{},\"fd_start\":{fd0},\"fd_threads\":{fd_threads},\"fd_open\":{fd_open},\"fd_after\":{fd_after},\"rss_open_kib\":{rss_open},\"max_rss_kib\":{}}}",
        PEAK.load(Ordering::SeqCst),
        rss("VmHWM")
    );
}
