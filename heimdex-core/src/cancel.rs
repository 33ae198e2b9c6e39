//! A runtime-agnostic cancellation signal for pipeline runs (time limit, shutdown).
//!
//! The core has no async runtime, so the worker that owns the timer calls
//! [`Cancellation::cancel`]; the pipeline races each stage against [`Cancellation::cancelled`].

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

/// Why a run was cancelled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CancelReason {
    /// The job's time limit ran out.
    TimeLimit,
    /// The worker is shutting down.
    Shutdown,
}

#[derive(Debug, Default)]
struct State {
    reason: Option<CancelReason>,
    wakers: Vec<Waker>,
}

/// A cloneable cancel signal; every clone sees the same state. The first reason given wins.
#[derive(Clone, Debug, Default)]
pub struct Cancellation {
    state: Arc<Mutex<State>>,
}

impl Cancellation {
    /// A signal that has not fired.
    pub fn new() -> Self {
        Self::default()
    }

    /// Fires the signal (the first call's reason is kept) and wakes every waiter.
    pub fn cancel(&self, reason: CancelReason) {
        let wakers = {
            let mut state = self.lock();
            state.reason.get_or_insert(reason);
            std::mem::take(&mut state.wakers)
        };
        wakers.into_iter().for_each(Waker::wake);
    }

    /// The reason, once fired.
    pub fn reason(&self) -> Option<CancelReason> {
        self.lock().reason
    }

    /// Resolves with the reason once the signal fires.
    pub fn cancelled(&self) -> Cancelled<'_> {
        Cancelled { signal: self }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic while holding this lock cannot leave `State` inconsistent.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Future returned by [`Cancellation::cancelled`].
#[derive(Debug)]
pub struct Cancelled<'a> {
    signal: &'a Cancellation,
}

impl Future for Cancelled<'_> {
    type Output = CancelReason;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<CancelReason> {
        let mut state = self.signal.lock();
        match state.reason {
            Some(reason) => Poll::Ready(reason),
            None => {
                if !state.wakers.iter().any(|w| w.will_wake(cx.waker())) {
                    state.wakers.push(cx.waker().clone());
                }
                Poll::Pending
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn cancelled_resolves_with_the_first_reason() {
        let signal = Cancellation::new();
        let clone = signal.clone();
        let waiter = tokio::spawn(async move { clone.cancelled().await });
        tokio::task::yield_now().await;
        signal.cancel(CancelReason::TimeLimit);
        signal.cancel(CancelReason::Shutdown);
        assert_eq!(waiter.await.unwrap(), CancelReason::TimeLimit);
        assert_eq!(signal.reason(), Some(CancelReason::TimeLimit));
    }

    #[test]
    fn an_unfired_signal_has_no_reason() {
        assert_eq!(Cancellation::new().reason(), None);
    }
}
