//! The SSE parser on arbitrary bytes: never panics, never exceeds its limits, and yields the
//! same events whatever the read boundaries (the first byte picks a split size).
#![no_main]

use std::io::{BufReader, Read};

use libfuzzer_sys::fuzz_target;
use openclaw_client::sse::{Event, EventReader, Limits};

struct Chunks<'a>(&'a [u8], usize);

impl Read for Chunks<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.0.len().min(self.1).min(buf.len());
        buf[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        Ok(n)
    }
}

fn run(r: impl std::io::BufRead, limits: Limits) -> Vec<Result<Event, String>> {
    let mut out = Vec::new();
    let mut er = EventReader::with_limits(r, limits);
    loop {
        match er.next_event() {
            Ok(Some(e)) => {
                assert!(e.data.len() <= limits.max_event_bytes);
                out.push(Ok(e.to_owned_event()));
            }
            Ok(None) => break,
            Err(e) => {
                out.push(Err(e.to_string()));
                break;
            }
        }
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let Some((&split, input)) = data.split_first() else { return };
    let limits = Limits { max_line_bytes: 256, max_event_bytes: 1024, ..Limits::default() };
    let whole = run(input, limits);
    let split = usize::from(split % 16) + 1;
    let parts = run(BufReader::with_capacity(split.max(8), Chunks(input, split)), limits);
    assert_eq!(whole, parts);
});
