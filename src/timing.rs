//! Where the time of a streamed call goes: connect, response headers, first content, events
//! and content bytes per second, the gaps between events. A leaf module: the transport stamps
//! the start, the connect and the headers; the stream engine counts what follows.

use std::time::{Duration, Instant};

/// Timing of one streamed call, as of the last event (during the stream) or its end. Durations
/// count from the start of the call (the first attempt's request, retries included).
///
/// Read it from [`crate::ChatStream::timing`], [`crate::ResponseStream::timing`] or
/// [`crate::HistoryStream::timing`]; in C from `openclaw_stream_timing_get` or an event's
/// `timing`. The debug log gets one line with these figures when a stream ends.
///
/// A WebSocket chat run (`ws::ChatRun::timing`, C `openclaw_ws_run_timing` or a run event's
/// `timing`) fills it the same way, counted from the `chat.send` request: `connect` is `None`
/// (the connection was already open), `headers` is the time until the gateway acknowledged
/// `chat.send`, `events` counts the run's `chat` and `agent` events as the caller receives
/// them, and content is the delta text.
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
    /// Time until the latest event (or the end of the stream). Events that arrived in the same
    /// read of the connection share its time (the time the first of them was parsed).
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

/// The running clock of one stream. Per event it reads the clock once and does integer
/// arithmetic on nanoseconds since the start; [`Clock::timing`] builds the durations on demand.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Clock {
    started: Instant,
    /// `u64::MAX`: a reused connection.
    connect_ns: u64,
    headers_ns: u64,
    /// Nanoseconds since `started`: the latest event (or end), the one before, the first
    /// content (`u64::MAX` before any), the longest gap.
    elapsed_ns: u64,
    last_ns: u64,
    first_content_ns: u64,
    max_gap_ns: u64,
    events: u64,
    content_bytes: u64,
    /// The reader refill the latest event came from (see [`Clock::event`]).
    read: Option<u64>,
}

/// Nanoseconds in a duration, saturating (584 years).
fn ns(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

/// A raw snapshot of a clock: nanoseconds, `u64::MAX` for "none" (no connect: reused; no
/// content yet). What the C API converts per event without building durations.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct RawTiming {
    pub(crate) connect_ns: u64,
    pub(crate) headers_ns: u64,
    pub(crate) first_content_ns: u64,
    pub(crate) elapsed_ns: u64,
    pub(crate) events: u64,
    pub(crate) content_bytes: u64,
    pub(crate) max_gap_ns: u64,
}

impl Clock {
    /// A clock for a call that started at `started`, was connected at `connected` (`None`:
    /// reused connection) and got its headers at `headers`.
    pub(crate) fn new(started: Instant, connected: Option<Instant>, headers: Instant) -> Clock {
        let headers_ns = ns(headers.saturating_duration_since(started));
        Clock {
            started,
            connect_ns: connected.map_or(u64::MAX, |c| ns(c.saturating_duration_since(started))),
            headers_ns,
            elapsed_ns: headers_ns,
            last_ns: headers_ns,
            first_content_ns: u64::MAX,
            max_gap_ns: 0,
            events: 0,
            content_bytes: 0,
            read: None,
        }
    }

    /// A clock for a stream over any reader (no call): everything counts from now.
    pub(crate) fn now() -> Clock {
        let now = Instant::now();
        Clock::new(now, None, now)
    }

    /// Counts one event carrying `content_bytes` of content. `read` numbers the reader refill
    /// the event was parsed from (`None`: unknown): events of the same refill arrived together
    /// and share its time, so the clock is read once per refill, not per event (a clock read
    /// costs as much as 5 % of decoding an event).
    pub(crate) fn event(&mut self, content_bytes: usize, read: Option<u64>) {
        let now = if read.is_some() && read == self.read {
            self.last_ns
        } else {
            self.read = read;
            ns(self.started.elapsed())
        };
        self.max_gap_ns = self.max_gap_ns.max(now.saturating_sub(self.last_ns));
        self.elapsed_ns = now;
        self.last_ns = now;
        self.events += 1;
        if content_bytes > 0 {
            self.content_bytes += content_bytes as u64;
            if self.first_content_ns == u64::MAX {
                self.first_content_ns = now;
            }
        }
    }

    /// Marks the end of the stream.
    pub(crate) fn end(&mut self) {
        self.elapsed_ns = ns(self.started.elapsed());
    }

    /// Marks the end of the stream and writes its figures to the debug log, as one line
    /// starting with `what` (`stream`, `websocket run`).
    pub(crate) fn end_and_log(&mut self, what: &str) {
        self.end();
        let t = self.timing();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        log::debug!(
            "{what} ended: connect {}, headers {:.1} ms, first content {}, {} events, {} content bytes ({:.0} B/s), longest gap {:.1} ms, {:.1} ms in all",
            t.connect
                .map_or("reused".to_owned(), |d| format!("{:.1} ms", ms(d))),
            ms(t.headers),
            t.first_content
                .map_or("none".to_owned(), |d| format!("{:.1} ms", ms(d))),
            t.events,
            t.content_bytes,
            t.content_bytes_per_second(),
            ms(t.max_gap),
            ms(t.elapsed)
        );
    }

    pub(crate) fn timing(&self) -> StreamTiming {
        StreamTiming {
            connect: (self.connect_ns != u64::MAX).then(|| Duration::from_nanos(self.connect_ns)),
            headers: Duration::from_nanos(self.headers_ns),
            first_content: (self.first_content_ns != u64::MAX)
                .then(|| Duration::from_nanos(self.first_content_ns)),
            elapsed: Duration::from_nanos(self.elapsed_ns),
            events: self.events,
            content_bytes: self.content_bytes,
            max_gap: Duration::from_nanos(self.max_gap_ns),
        }
    }

    /// The same as [`Clock::timing`] in nanoseconds, with no conversion.
    pub(crate) fn raw(&self) -> RawTiming {
        RawTiming {
            connect_ns: self.connect_ns,
            headers_ns: self.headers_ns,
            first_content_ns: self.first_content_ns,
            elapsed_ns: self.elapsed_ns,
            events: self.events,
            content_bytes: self.content_bytes,
            max_gap_ns: self.max_gap_ns,
        }
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
        c.event(0, None);
        std::thread::sleep(Duration::from_millis(20));
        c.event(5, None);
        c.event(3, None);
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

    #[test]
    fn events_of_one_read_share_its_time() {
        let start = Instant::now();
        let mut c = Clock::new(start, None, start);
        c.event(1, Some(1));
        let first = c.timing().elapsed;
        std::thread::sleep(Duration::from_millis(5));
        c.event(1, Some(1));
        assert_eq!(c.timing().elapsed, first);
        assert_eq!(c.timing().events, 2);
        c.event(1, Some(2));
        assert!(c.timing().elapsed >= first + Duration::from_millis(5));
        assert!(c.timing().max_gap >= Duration::from_millis(5));
    }
}
