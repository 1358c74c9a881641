//! Cancellation from any thread.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// A token that cancels the calls it is attached to, from any thread, at any time.
///
/// A call with a token uses its own connection (not the shared pool), so that
/// [`CancelToken::cancel`] can close it: a call blocked on a silent server returns
/// [`crate::Error::Cancelled`] at once, not at the next timeout. Once cancelled, a token stays
/// cancelled; every call using it (now or later) ends with `Cancelled`. Cloning is cheap and the
/// clones share the state.
#[derive(Clone, Default)]
pub struct CancelToken {
    inner: Arc<Inner>,
}

#[derive(Default)]
struct Inner {
    /// Shared with the connector and resolver of each call, which poll it while blocked.
    cancelled: Arc<AtomicBool>,
    next_id: AtomicU64,
    agents: Mutex<Vec<(u64, ureq::Agent)>>,
}

impl std::fmt::Debug for CancelToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CancelToken")
            .field("cancelled", &self.is_cancelled())
            .finish()
    }
}

impl CancelToken {
    /// A fresh, un-cancelled token.
    pub fn new() -> Self {
        Self::default()
    }

    /// Cancels every call using this token. Idempotent; safe from any thread, also after the
    /// calls have ended.
    pub fn cancel(&self) {
        self.inner.cancelled.store(true, Ordering::SeqCst);
        let agents = std::mem::take(&mut *lock(&self.inner.agents));
        for (_, agent) in agents {
            agent.shutdown();
        }
    }

    /// Whether [`CancelToken::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.inner.cancelled.load(Ordering::SeqCst)
    }

    /// The flag that the connect and resolve steps of a call poll while they block.
    pub(crate) fn flag(&self) -> Arc<AtomicBool> {
        self.inner.cancelled.clone()
    }

    /// Attaches the agent of one call; cancelling shuts it down (interrupting blocked reads).
    pub(crate) fn register(&self, agent: &ureq::Agent) -> Registration {
        let id = self.inner.next_id.fetch_add(1, Ordering::Relaxed);
        lock(&self.inner.agents).push((id, agent.clone()));
        // Cancelled between the caller's check and the push: shut down now.
        if self.is_cancelled() {
            self.cancel();
        }
        Registration {
            token: self.clone(),
            id,
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Detaches a call's agent from its token when the call ends.
pub(crate) struct Registration {
    token: CancelToken,
    id: u64,
}

impl Registration {
    /// Whether the call's token was cancelled.
    pub(crate) fn is_cancelled(&self) -> bool {
        self.token.is_cancelled()
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        lock(&self.token.inner.agents).retain(|(id, _)| *id != self.id);
    }
}
