//! [`ThreadBudget`]: the cores that whisper.cpp runs (and scene detections, a core each) in this
//! process may use at once.
//!
//! whisper.cpp's threads meet at a spinning barrier after every step of the model's graph. When
//! more of them run than there are cores, a thread spins on while the one it waits for is not
//! running, and a run slows down many times over: two 2-thread runs side by side on 2 cores
//! took 74 s each, where one alone takes 3.7 s (benches/README.md, "Whisper runs side by
//! side"). So every run takes its threads from one budget of a thread per core, and waits its
//! turn when the budget is spent. The process's budget also takes them from the host's
//! ([`HostCores`]), which the runs of other Heimdex processes share.

use std::sync::{Arc, LazyLock};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::host_cores::{HeldCores, HostCores};

/// Threads handed out against a fixed number of cores.
#[derive(Debug)]
pub struct ThreadBudget {
    cores: usize,
    free: Arc<Semaphore>,
    host: Option<&'static HostCores>,
}

/// The threads a run holds; they go back to the budget when it is dropped.
#[derive(Debug)]
pub struct Threads {
    permit: OwnedSemaphorePermit,
    /// The host's cores, and those of them the run holds.
    host: Option<(&'static HostCores, HeldCores)>,
}

impl Threads {
    /// How many: what was asked for, at least 1 and at most the budget's cores, or fewer when
    /// the host's cores are in use by other processes.
    pub fn count(&self) -> usize {
        match &self.host {
            Some((_, held)) => held.count,
            None => self.permit.num_permits(),
        }
    }

    /// Takes the host's cores that other processes have given back since the run started,
    /// without waiting, up to the threads its process budget gave it; returns the new count.
    /// A run that started beside another process's scene detection with one thread gets its
    /// second for its next stretch of audio once that detection is over.
    pub fn top_up(&mut self) -> usize {
        let permitted = self.permit.num_permits();
        if let Some((host, held)) = self.host.as_mut() {
            host.take_more(held, permitted);
        }
        self.count()
    }
}

impl ThreadBudget {
    /// A budget of `cores` threads (at least 1), for this process alone.
    pub fn new(cores: usize) -> Self {
        let cores = cores.max(1);
        Self {
            cores,
            free: Arc::new(Semaphore::new(cores)),
            host: None,
        }
    }

    /// A budget of `cores` threads (at least 1) whose runs also take `host`'s cores.
    pub(crate) fn with_host(cores: usize, host: &'static HostCores) -> Self {
        Self {
            host: Some(host),
            ..Self::new(cores)
        }
    }

    /// The process's budget: one thread per core this process may use, each also taken from
    /// the host's cores.
    pub fn global() -> &'static ThreadBudget {
        static GLOBAL: LazyLock<ThreadBudget> = LazyLock::new(|| {
            let host = HostCores::global();
            ThreadBudget::with_host(host.cores(), host)
        });
        &GLOBAL
    }

    /// Waits until `wanted` threads (at least 1, at most the budget's cores) are free, and
    /// takes them; then, with the host's cores, takes the free ones up to that many, waiting
    /// while none is.
    pub async fn take(&self, wanted: usize) -> Threads {
        let count = wanted.clamp(1, self.cores);
        let permit = self
            .free
            .clone()
            .acquire_many_owned(u32::try_from(count).unwrap_or(u32::MAX))
            .await
            .expect("the budget's semaphore is never closed");
        let host = match self.host {
            Some(host) => Some((host, host.take(count).await)),
            None => None,
        };
        Threads { permit, host }
    }
}

#[cfg(test)]
mod tests {
    use super::{HostCores, ThreadBudget};

    #[tokio::test]
    async fn a_run_gets_at_least_one_thread_and_at_most_one_per_core() {
        let budget = ThreadBudget::new(2);
        assert_eq!(budget.take(0).await.count(), 1);
        assert_eq!(budget.take(8).await.count(), 2);
        assert_eq!(ThreadBudget::new(0).take(3).await.count(), 1);
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
        assert_eq!(waiting.await.count(), 2);
    }

    #[tokio::test]
    async fn a_run_gets_fewer_threads_while_another_process_holds_host_cores() {
        let dir = std::env::temp_dir().join(format!("heimdex-budget-{}", uuid::Uuid::new_v4()));
        let host = Box::leak(Box::new(HostCores::new(&dir, 2)));
        let budget = ThreadBudget::with_host(2, host);
        // Another instance on the same folder locks as another process would.
        let other = HostCores::new(&dir, 2).take(1).await;
        assert_eq!(budget.take(2).await.count(), 1);
        drop(other);
        assert_eq!(budget.take(2).await.count(), 2);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[tokio::test]
    async fn a_run_tops_up_with_the_host_cores_given_back_since_it_started() {
        let dir = std::env::temp_dir().join(format!("heimdex-budget-{}", uuid::Uuid::new_v4()));
        let host = Box::leak(Box::new(HostCores::new(&dir, 3)));
        let budget = ThreadBudget::with_host(3, host);
        let other = HostCores::new(&dir, 3);
        let held_elsewhere = other.take(2).await;
        let mut run = budget.take(2).await;
        assert_eq!(run.count(), 1, "one host core was free");
        assert_eq!(run.top_up(), 1, "nothing was given back yet");
        drop(held_elsewhere);
        assert_eq!(
            run.top_up(),
            2,
            "the freed core, up to what the run was given"
        );
        assert_eq!(run.top_up(), 2, "never more than that");
        // The cores it topped up with are its own: another process finds one free core left.
        assert_eq!(other.take(3).await.count, 1);
        std::fs::remove_dir_all(&dir).unwrap();
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
