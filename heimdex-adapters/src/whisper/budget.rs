//! [`ThreadBudget`]: the cores that whisper.cpp runs in this process may use at once.
//!
//! whisper.cpp's threads meet at a spinning barrier after every step of the model's graph. When
//! more of them run than there are cores, a thread spins on while the one it waits for is not
//! running, and a run slows down many times over: two 2-thread runs side by side on 2 cores
//! took 74 s each, where one alone takes 3.7 s (benches/README.md, "Whisper runs side by
//! side"). So every run takes its threads from one budget of a thread per core, and waits its
//! turn when the budget is spent.

use std::sync::{Arc, LazyLock};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Threads handed out against a fixed number of cores.
#[derive(Debug)]
pub(crate) struct ThreadBudget {
    cores: usize,
    free: Arc<Semaphore>,
}

/// The threads a run holds; they go back to the budget when it is dropped.
#[derive(Debug)]
pub(crate) struct Threads {
    /// How many: what was asked for, at least 1 and at most the budget's cores.
    pub count: usize,
    _permit: OwnedSemaphorePermit,
}

impl ThreadBudget {
    /// A budget of `cores` threads (at least 1).
    pub(crate) fn new(cores: usize) -> Self {
        let cores = cores.max(1);
        Self {
            cores,
            free: Arc::new(Semaphore::new(cores)),
        }
    }

    /// The process's budget: one thread per core this process may use.
    pub(crate) fn global() -> &'static ThreadBudget {
        static GLOBAL: LazyLock<ThreadBudget> = LazyLock::new(|| {
            ThreadBudget::new(std::thread::available_parallelism().map_or(1, usize::from))
        });
        &GLOBAL
    }

    /// Waits until `wanted` threads (at least 1, at most the budget's cores) are free, and
    /// takes them.
    pub(crate) async fn take(&self, wanted: usize) -> Threads {
        let count = wanted.clamp(1, self.cores);
        let permit = self
            .free
            .clone()
            .acquire_many_owned(u32::try_from(count).unwrap_or(u32::MAX))
            .await
            .expect("the budget's semaphore is never closed");
        Threads {
            count,
            _permit: permit,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ThreadBudget;

    #[tokio::test]
    async fn a_run_gets_at_least_one_thread_and_at_most_one_per_core() {
        let budget = ThreadBudget::new(2);
        assert_eq!(budget.take(0).await.count, 1);
        assert_eq!(budget.take(8).await.count, 2);
        assert_eq!(ThreadBudget::new(0).take(3).await.count, 1);
    }

    #[tokio::test]
    async fn a_run_waits_until_the_threads_it_wants_are_given_back() {
        let budget = ThreadBudget::new(2);
        let first = budget.take(1).await;
        // One core is free: a one-thread run starts; a two-thread run has to wait.
        let second = budget.take(1).await;
        drop(second);
        let waiting = budget.take(2);
        tokio::pin!(waiting);
        assert!(futures_poll_once(waiting.as_mut()).await.is_none());
        drop(first);
        assert_eq!(waiting.await.count, 2);
    }

    /// Polls `future` once: its output if it was ready.
    async fn futures_poll_once<F: std::future::Future + Unpin>(future: F) -> Option<F::Output> {
        let mut future = future;
        std::future::poll_fn(|cx| {
            std::task::Poll::Ready(match std::pin::Pin::new(&mut future).poll(cx) {
                std::task::Poll::Ready(out) => Some(out),
                std::task::Poll::Pending => None,
            })
        })
        .await
    }
}
