//! Shared pieces of the benchmark suite: the gateway-shaped chunk generator and clocks.

/// Tokens of a few characters, some multi-byte.
pub const TOKENS: &[&str] = &[
    " Hello", " wörld", " the", " quick", " 🎉", " brown", " fox", " jumps", " naïve", " …",
];

/// One gateway-shaped `data:` event (≈209 bytes, like the real gateway's chunks).
pub fn event(i: usize) -> String {
    content_event(TOKENS[i % TOKENS.len()])
}

/// A `data:` event carrying `content`.
pub fn content_event(content: &str) -> String {
    format!(
        "data: {{\"id\":\"chatcmpl_4625fa06-7db4-4e1f-8bb3-97a3d7f3fc31\",\"object\":\"chat.completion.chunk\",\"created\":1795623042,\"model\":\"openclaw\",\"choices\":[{{\"index\":0,\"delta\":{{\"content\":{}}},\"finish_reason\":null}}]}}\n\n",
        serde_json::to_string(content).unwrap()
    )
}

/// The role chunk, the finish chunk and the terminator.
pub const ROLE: &str = "data: {\"id\":\"chatcmpl_4625fa06-7db4-4e1f-8bb3-97a3d7f3fc31\",\"object\":\"chat.completion.chunk\",\"created\":1795623042,\"model\":\"openclaw\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\"},\"finish_reason\":null}]}\n\n";
/// Finish chunk.
pub const FINISH: &str = "data: {\"id\":\"chatcmpl_4625fa06-7db4-4e1f-8bb3-97a3d7f3fc31\",\"object\":\"chat.completion.chunk\",\"created\":1795623042,\"model\":\"openclaw\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n";
/// Terminator.
pub const DONE: &str = "data: [DONE]\n\n";

/// CLOCK_MONOTONIC in nanoseconds (comparable across processes).
pub fn monotonic_ns() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: valid pointer to a timespec.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}
