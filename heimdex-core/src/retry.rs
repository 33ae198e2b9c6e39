//! [`Backoff`]: the one retry policy of Heimdex's retry loops (a store's timing writer, the
//! queue's schedule of failed jobs): doubling pauses from `first`, capped at `max`, for at most
//! `attempts` tries. [`Backoff::retry`] runs an operation under it with `backon`.

use std::future::Future;
use std::time::Duration;

use backon::{ExponentialBuilder, Retryable};

/// Doubling pauses between tries, capped; see the [module docs](self).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backoff {
    /// Tries in all, the first included (at least 1).
    pub attempts: u32,
    /// Pause before the first retry.
    pub first: Duration,
    /// Longest pause between two tries.
    pub max: Duration,
}

impl Backoff {
    /// `attempts` tries (at least 1), pausing `first`, then twice as long each time, at most `max`.
    pub fn new(attempts: u32, first: Duration, max: Duration) -> Self {
        Self {
            attempts: attempts.max(1),
            first,
            max: max.max(first),
        }
    }

    /// The pause before retry number `retry` (1-based): `first · 2^(retry-1)`, at most `max`.
    pub fn delay(&self, retry: u32) -> Duration {
        let factor = 2u32.saturating_pow(retry.saturating_sub(1).min(31));
        self.first.saturating_mul(factor).min(self.max)
    }

    /// Runs `op` until it succeeds, fails with an error `retryable` refuses (returned at once),
    /// or has been tried [`attempts`](Self::attempts) times (the last error is returned).
    /// `notify` hears each error that is retried and the pause before the next try.
    pub async fn retry<T, E, F, Fut>(
        &self,
        op: F,
        retryable: impl FnMut(&E) -> bool,
        notify: impl FnMut(&E, Duration),
    ) -> Result<T, E>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        let schedule = ExponentialBuilder::default()
            .with_min_delay(self.first)
            .with_max_delay(self.max)
            .with_factor(2.0)
            .with_max_times(self.attempts.saturating_sub(1) as usize);
        op.retry(schedule)
            .sleep(tokio::time::sleep)
            .when(retryable)
            .notify(notify)
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[test]
    fn pauses_double_up_to_the_cap() {
        let backoff = Backoff::new(5, Duration::from_millis(100), Duration::from_millis(350));
        let pauses: Vec<u128> = (1..=5).map(|r| backoff.delay(r).as_millis()).collect();
        assert_eq!(pauses, [100, 200, 350, 350, 350]);
        assert_eq!(backoff.delay(1000), Duration::from_millis(350));
    }

    #[tokio::test(start_paused = true)]
    async fn a_retryable_error_is_tried_attempts_times_with_the_doubling_pauses() {
        let backoff = Backoff::new(4, Duration::from_millis(10), Duration::from_millis(25));
        let tries = AtomicU32::new(0);
        let mut pauses = Vec::new();
        let result: Result<(), &str> = backoff
            .retry(
                || async {
                    tries.fetch_add(1, Ordering::SeqCst);
                    Err("down")
                },
                |_| true,
                |_, pause| pauses.push(pause.as_millis()),
            )
            .await;
        assert_eq!(result, Err("down"));
        assert_eq!(tries.load(Ordering::SeqCst), 4);
        assert_eq!(pauses, [10, 20, 25]);
    }

    #[tokio::test(start_paused = true)]
    async fn an_error_that_is_not_retryable_returns_at_once_and_success_ends_the_tries() {
        let backoff = Backoff::new(5, Duration::from_millis(10), Duration::from_millis(10));
        let tries = AtomicU32::new(0);
        let refused: Result<(), &str> = backoff
            .retry(
                || async {
                    tries.fetch_add(1, Ordering::SeqCst);
                    Err("refused")
                },
                |e| *e != "refused",
                |_, _| {},
            )
            .await;
        assert_eq!(
            (refused, tries.swap(0, Ordering::SeqCst)),
            (Err("refused"), 1)
        );
        let third: Result<u32, &str> = backoff
            .retry(
                || async {
                    let n = tries.fetch_add(1, Ordering::SeqCst) + 1;
                    if n < 3 {
                        Err("down")
                    } else {
                        Ok(n)
                    }
                },
                |_| true,
                |_, _| {},
            )
            .await;
        assert_eq!(third, Ok(3));
    }
}
