//! The chat-stream decoder on arbitrary bytes: never panics; errors keep the text that arrived.
#![no_main]

use libfuzzer_sys::fuzz_target;
use openclaw_client::ChatStream;
use openclaw_client::sse::Limits;

fuzz_target!(|data: &[u8]| {
    let limits = Limits { max_line_bytes: 4096, max_event_bytes: 8192, ..Limits::default() };
    let mut s = ChatStream::from_reader(data, limits);
    let mut n = 0;
    while let Some(ev) = s.next_ref() {
        n += 1;
        if n > 100_000 {
            break;
        }
        if let Err(e) = ev {
            let _ = e.to_string();
            break;
        }
    }
    assert!(s.next().is_none());
});
