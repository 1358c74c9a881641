//! Where the time of a streamed call goes: connect, response headers, first content, events
//! and content bytes per second, the gaps between events. A leaf module: the transport stamps
//! the start, the connect and the headers; the stream engine counts what follows.

use std::time::{Duration, Instant};

/// Timing of one streamed call, as of the last event (during the stream) or its end. Durations
/// count from the start of the call (the first attempt's request, retries included).
///
/// Read it from [`crate::ChatStream::timing`], [`crate::ResponseStream::timing`] or
/// [`crate::HistoryStream::timing`]; in C from `openclaw_stream_timing` or an event's
/// `timing`. The debug log gets one line with these figures when a stream ends.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
#[non_exhaustive]
pub struct StreamTiming {
    /// Time to open the connection (DNS, TCP, TLS); `None` when a pooled connection was
    /// reused (nothing was opened).
    pub connect: Option<Duration>,
    /// Time until the response headers arrived.
    pub headers: Duration,
    /// Time until the first content (reply text) arrived; `None` before any.
    pub first_content: Option<Duration>,
    /// Time until the latest event (or the end of the stream).
    pub elapsed: Duration,
    /// Events received (SSE events: one per gateway chunk).
    pub events: u64,
    /// Bytes of content (reply text) received.
    pub content_bytes: u64,
    /// The longest silence between two events (from the headers to the first event included).
    pub max_gap: Duration,
}

impl StreamTiming {
    /// The time spent streaming: from the headers to the latest event.
    pub fn streaming(&self) -> Duration {
        self.elapsed.saturating_sub(self.headers)
    }

    /// Events per second while streaming (0 before any time has passed).
    pub fn events_per_second(&self) -> f64 {
        per_second(self.events, self.streaming())
    }

    /// Content bytes per second while streaming (0 before any time has passed).
    pub fn content_bytes_per_second(&self) -> f64 {
        per_second(self.content_bytes, self.streaming())
    }

    /// The mean gap between events, once there is one.
    pub fn mean_gap(&self) -> Option<Duration> {
        (self.events > 0).then(|| self.streaming() / self.events.min(u32::MAX as u64) as u32)
    }
}

fn per_second(n: u64, d: Duration) -> f64 {
    let s = d.as_secs_f64();
    if s > 0.0 { n as f64 / s } else { 0.0 }
}

/// The running clock of one stream.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Clock {
    started: Instant,
    last: Instant,
    timing: StreamTiming,
}

impl Clock {
    /// A clock for a call that started at `started`, was connected at `connected` (`None`:
    /// reused connection) and got its headers at `headers`.
    pub(crate) fn new(started: Instant, connected: Option<Instant>, headers: Instant) -> Clock {
        Clock {
            started,
            last: headers,
            timing: StreamTiming {
                connect: connected.map(|c| c.saturating_duration_since(started)),
                headers: headers.saturating_duration_since(started),
                elapsed: headers.saturating_duration_since(started),
                ..StreamTiming::default()
            },
        }
    }

    /// A clock for a stream over any reader (no call): everything counts from now.
    pub(crate) fn now() -> Clock {
        let now = Instant::now();
        Clock::new(now, None, now)
    }

    /// Counts one event carrying `content_bytes` of content.
    pub(crate) fn event(&mut self, content_bytes: usize) {
        let now = Instant::now();
        let t = &mut self.timing;
        t.max_gap = t.max_gap.max(now.saturating_duration_since(self.last));
        t.elapsed = now.saturating_duration_since(self.started);
        t.events += 1;
        if content_bytes > 0 {
            t.content_bytes += content_bytes as u64;
            t.first_content.get_or_insert(t.elapsed);
        }
        self.last = now;
    }

    /// Marks the end of the stream.
    pub(crate) fn end(&mut self) {
        self.timing.elapsed = Instant::now().saturating_duration_since(self.started);
    }

    pub(crate) fn timing(&self) -> StreamTiming {
        self.timing
    }
}

impl Default for Clock {
    fn default() -> Self {
        Clock::now()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_events_content_and_gaps() {
        let start = Instant::now();
        let mut c = Clock::new(start, Some(start), start);
        c.event(0);
        std::thread::sleep(Duration::from_millis(20));
        c.event(5);
        c.event(3);
        let t = c.timing();
        assert_eq!(t.events, 3);
        assert_eq!(t.content_bytes, 8);
        assert_eq!(t.connect, Some(Duration::ZERO));
        assert!(t.max_gap >= Duration::from_millis(20));
        let first = t.first_content.unwrap();
        assert!(first >= Duration::from_millis(20) && first <= t.elapsed);
        assert!(t.events_per_second() > 0.0 && t.content_bytes_per_second() > 0.0);
        assert!(t.mean_gap().unwrap() <= t.max_gap);
    }
}
