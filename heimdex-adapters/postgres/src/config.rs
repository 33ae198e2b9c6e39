//! [`PgOptions`]: pool and timing-writer settings of the PostgreSQL store.

use std::time::Duration;

use heimdex_core::retry::Backoff;

/// Settings of a [`PgStore`](super::PgStore). The defaults suit a shared server with a few
/// workers; every field has a `with_*` setter.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PgOptions {
    /// Connections in the pool (at least 1).
    pub max_connections: u32,
    /// How long a query waits for a pooled connection (or for the server to accept one) before
    /// failing with `Unavailable`. Kept short so a server that is down is noticed quickly.
    pub acquire_timeout: Duration,
    /// Timing events buffered between `record` and the writer; beyond this they are dropped
    /// (and counted) rather than blocking the pipeline.
    pub sink_capacity: usize,
    /// Most events the writer applies in one transaction.
    pub sink_batch: usize,
    /// Tries of a batch that fails because the server is unreachable, before it is dropped
    /// (and counted). The pauses between tries double from `retry_backoff` up to `max_backoff`.
    pub write_attempts: u32,
    /// Pause before the first retry.
    pub retry_backoff: Duration,
    /// Longest pause between two retries.
    pub max_backoff: Duration,
}

impl Default for PgOptions {
    fn default() -> Self {
        Self {
            max_connections: 10,
            acquire_timeout: Duration::from_secs(5),
            sink_capacity: 10_000,
            sink_batch: 500,
            write_attempts: 8,
            retry_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(5),
        }
    }
}

impl PgOptions {
    /// Sets [`max_connections`](Self::max_connections) (at least 1).
    pub fn with_max_connections(mut self, n: u32) -> Self {
        self.max_connections = n.max(1);
        self
    }

    /// Sets [`acquire_timeout`](Self::acquire_timeout).
    pub fn with_acquire_timeout(mut self, timeout: Duration) -> Self {
        self.acquire_timeout = timeout;
        self
    }

    /// Sets [`sink_capacity`](Self::sink_capacity) (at least 1).
    pub fn with_sink_capacity(mut self, capacity: usize) -> Self {
        self.sink_capacity = capacity.max(1);
        self
    }

    /// Sets [`sink_batch`](Self::sink_batch) (at least 1).
    pub fn with_sink_batch(mut self, batch: usize) -> Self {
        self.sink_batch = batch.max(1);
        self
    }

    /// Sets [`write_attempts`](Self::write_attempts) (at least 1) and the backoff bounds.
    pub fn with_retries(mut self, attempts: u32, backoff: Duration, max_backoff: Duration) -> Self {
        self.write_attempts = attempts.max(1);
        self.retry_backoff = backoff;
        self.max_backoff = max_backoff.max(backoff);
        self
    }

    /// The writer's retry schedule: [`write_attempts`](Self::write_attempts) tries, pauses
    /// doubling from [`retry_backoff`](Self::retry_backoff) up to
    /// [`max_backoff`](Self::max_backoff).
    pub fn backoff(&self) -> Backoff {
        Backoff::new(self.write_attempts, self.retry_backoff, self.max_backoff)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_retry_settings_are_the_writers_backoff() {
        let (first, max) = (Duration::from_millis(100), Duration::from_millis(350));
        let o = PgOptions::default().with_retries(5, first, max);
        assert_eq!(o.backoff(), Backoff::new(5, first, max));
        let o = PgOptions::default().with_retries(0, max, first);
        assert_eq!(
            o.backoff(),
            Backoff::new(1, max, max),
            "one try at least; cap ≥ first"
        );
    }

    #[test]
    fn setters_keep_values_usable() {
        let o = PgOptions::default()
            .with_sink_capacity(0)
            .with_sink_batch(0)
            .with_max_connections(0);
        assert_eq!(
            (o.sink_capacity, o.sink_batch, o.max_connections),
            (1, 1, 1)
        );
    }
}
