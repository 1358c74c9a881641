//! The retry policy.
//!
//! On by default (2 retries), because gateways restart often and a restart is exactly the
//! failure a retry fixes: connection refused, or the gateway's own "suspending or restarting"
//! 503 with `Retry-After: 1`. An agent turn is not a read: a request that may have reached the
//! gateway is never sent again. Retried: a connection refused or closed during the connect
//! (the request never left); 429 and 503 when their `Retry-After` is at most
//! [`RetryPolicy::max_retry_after`] (the gateway says it did not run it); a connection lost
//! after sending only for reads (GET) and for `/hooks/agent` with its idempotency key, which
//! the gateway deduplicates. Never retried: a connection lost after a POST was sent
//! ([`crate::Error::ConnectionLost`]: chat, responses, tool calls — the gateway's tool
//! `idempotencyKey` only names the tool call, it does not deduplicate it), auth errors
//! (401/403), TLS, DNS and timeouts, anything after a response stream has started (a
//! [`crate::ChatStream`] is never replayed), other statuses. Delays grow exponentially from
//! `base_delay` with jitter, capped at `max_delay`; `Retry-After` wins when sent. Each retry is
//! logged at debug level; a cancel token interrupts the wait.

use std::time::Duration;

use crate::cancel::CancelToken;
use crate::error::{ConnectFailure, Error, Result};

/// When and how often to retry. `RetryPolicy::none()` turns retries off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (default 2).
    pub max_retries: u32,
    /// First backoff delay (default 250 ms), doubled each retry.
    pub base_delay: Duration,
    /// Longest backoff delay (default 4 s).
    pub max_delay: Duration,
    /// A longer `Retry-After` is not waited for: the error is returned (default 10 s; auth
    /// lockouts ask for minutes).
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 2,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(4),
            max_retry_after: Duration::from_secs(10),
        }
    }
}

impl RetryPolicy {
    /// No retries.
    pub fn none() -> Self {
        RetryPolicy {
            max_retries: 0,
            ..Self::default()
        }
    }

    /// The wait before retry `attempt` (0-based) of a failure, or `None` when it is not retried.
    pub(crate) fn delay_for(&self, attempt: u32, failure: &Failure) -> Option<Duration> {
        if attempt >= self.max_retries {
            return None;
        }
        let backoff = || {
            let exp = self
                .base_delay
                .saturating_mul(1 << attempt.min(16))
                .min(self.max_delay);
            // Jitter: 50–100% of the delay.
            let frac = 0.5 + (jitter() % 1000) as f64 / 2000.0;
            exp.mul_f64(frac)
        };
        match failure {
            Failure::Transport => Some(backoff()),
            Failure::Status { retry_after } => match retry_after {
                Some(ra) if *ra > self.max_retry_after => None,
                Some(ra) => Some(*ra),
                None => Some(backoff()),
            },
        }
    }
}

/// A retryable failure.
pub(crate) enum Failure {
    /// Refused, or closed before any response byte.
    Transport,
    /// 429 or 503.
    Status { retry_after: Option<Duration> },
}

/// Classifies a transport error as retryable: the request never left (refused, or closed
/// during the connect), or it may have arrived but sending it again cannot run anything twice
/// (`replay_safe`: a read, or a request the gateway deduplicates by its idempotency key).
pub(crate) fn transport_retryable(e: &Error, replay_safe: bool) -> bool {
    match e {
        Error::Connect {
            failure: ConnectFailure::Refused | ConnectFailure::Closed,
            ..
        } => true,
        Error::ConnectionLost { .. } => replay_safe,
        _ => false,
    }
}

fn jitter() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static STATE: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos() as u64)
        .unwrap_or(7);
    let mut x = STATE.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed) ^ nanos;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    x
}

/// A fresh idempotency key.
pub(crate) fn idempotency_key() -> String {
    format!("openclaw-client-{:016x}{:016x}", jitter(), jitter())
}

/// Sleeps `d`, waking every 10 ms to check the cancel token.
pub(crate) fn wait(d: Duration, cancel: Option<&CancelToken>) -> Result<()> {
    let end = std::time::Instant::now() + d;
    loop {
        if cancel.is_some_and(|c| c.is_cancelled()) {
            return Err(Error::Cancelled {
                partial: String::new(),
            });
        }
        let now = std::time::Instant::now();
        if now >= end {
            return Ok(());
        }
        std::thread::sleep((end - now).min(Duration::from_millis(10)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::TimeoutPhase;

    fn policy(max_retries: u32, base_ms: u64, max_ms: u64) -> RetryPolicy {
        RetryPolicy {
            max_retries,
            base_delay: Duration::from_millis(base_ms),
            max_delay: Duration::from_millis(max_ms),
            max_retry_after: Duration::from_secs(10),
        }
    }

    /// Retry `n` waits 50–100% of `min(base · 2ⁿ, max)`, spread over that range.
    #[test]
    fn backoff_doubles_from_the_base_up_to_the_cap_with_jitter_of_50_to_100_percent() {
        let p = policy(30, 100, 1_000);
        for attempt in 0..30 {
            let full = Duration::from_millis((100u64 << attempt.min(20)).min(1_000));
            let delays: Vec<Duration> = (0..300)
                .map(|_| p.delay_for(attempt, &Failure::Transport).unwrap())
                .collect();
            for d in &delays {
                assert!(
                    *d >= full / 2 && *d <= full,
                    "retry {attempt}: {d:?} outside [{:?}, {full:?}]",
                    full / 2
                );
            }
            let (lo, hi) = (delays.iter().min().unwrap(), delays.iter().max().unwrap());
            assert!(
                *lo < full.mul_f64(0.6) && *hi > full.mul_f64(0.9),
                "retry {attempt}: jitter spans only {lo:?}..{hi:?} of {full:?}"
            );
        }
        // A status without Retry-After backs off the same way.
        let d = p
            .delay_for(1, &Failure::Status { retry_after: None })
            .unwrap();
        assert!(d >= Duration::from_millis(100) && d <= Duration::from_millis(200));
    }

    #[test]
    fn retries_stop_after_max_retries() {
        let p = policy(2, 1, 1);
        assert!(p.delay_for(1, &Failure::Transport).is_some());
        assert!(p.delay_for(2, &Failure::Transport).is_none());
        assert!(
            RetryPolicy::none()
                .delay_for(0, &Failure::Transport)
                .is_none()
        );
    }

    #[test]
    fn retry_after_is_waited_up_to_and_including_the_cap() {
        let p = policy(2, 1, 1);
        let status = |s| Failure::Status {
            retry_after: Some(Duration::from_secs(s)),
        };
        assert_eq!(p.delay_for(0, &status(0)), Some(Duration::ZERO));
        assert_eq!(p.delay_for(0, &status(7)), Some(Duration::from_secs(7)));
        assert_eq!(p.delay_for(0, &status(10)), Some(Duration::from_secs(10)));
        assert_eq!(p.delay_for(0, &status(11)), None);
        assert_eq!(p.delay_for(2, &status(1)), None, "no retries left");
    }

    #[test]
    fn only_failures_before_the_request_left_or_replay_safe_losses_are_retried() {
        let connect = |failure| Error::Connect {
            url: "u".into(),
            failure,
            message: "m".into(),
        };
        for safe in [false, true] {
            assert!(transport_retryable(&connect(ConnectFailure::Refused), safe));
            assert!(transport_retryable(&connect(ConnectFailure::Closed), safe));
            for f in [
                ConnectFailure::Dns,
                ConnectFailure::Proxy,
                ConnectFailure::Other,
            ] {
                assert!(!transport_retryable(&connect(f), safe), "{f:?}");
            }
            let lost = Error::ConnectionLost {
                url: "u".into(),
                message: "m".into(),
                partial: String::new(),
            };
            assert_eq!(transport_retryable(&lost, safe), safe);
            let tls = Error::Tls {
                url: "u".into(),
                message: "m".into(),
                plain_http: false,
            };
            assert!(!transport_retryable(&tls, safe));
            let timeout = Error::Timeout {
                phase: TimeoutPhase::Connect,
                limit: None,
                partial: String::new(),
            };
            assert!(!transport_retryable(&timeout, safe));
        }
    }

    #[test]
    fn idempotency_keys_are_non_empty_and_fresh() {
        let keys: std::collections::HashSet<String> = (0..100).map(|_| idempotency_key()).collect();
        assert_eq!(keys.len(), 100);
        assert!(keys.iter().all(|k| k.len() > "openclaw-client-".len()));
    }

    /// Runs `f` on its own thread; if it has not returned within `secs`, the test process
    /// ends with a failure (a hang is the failure here, and must not wait for a harness
    /// timeout).
    fn within<T: Send + 'static>(secs: u64, f: impl FnOnce() -> T + Send + 'static) -> T {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(f());
        });
        match rx.recv_timeout(Duration::from_secs(secs)) {
            Ok(v) => v,
            Err(_) => {
                eprintln!("a wait did not return within {secs} s: ending the test process");
                std::process::exit(101);
            }
        }
    }

    #[test]
    fn a_cancelled_wait_ends_at_once_and_a_zero_wait_returns() {
        within(10, || wait(Duration::ZERO, None).unwrap());
        let token = CancelToken::new();
        token.cancel();
        // A day-long wait: only the cancel can end it.
        let e = within(10, move || {
            wait(Duration::from_secs(86_400), Some(&token)).unwrap_err()
        });
        assert!(matches!(e, Error::Cancelled { .. }), "{e:?}");
        let start = std::time::Instant::now();
        within(10, || {
            wait(Duration::from_millis(30), Some(&CancelToken::new())).unwrap()
        });
        assert!(
            start.elapsed() >= Duration::from_millis(30),
            "waited the delay"
        );
    }
}
