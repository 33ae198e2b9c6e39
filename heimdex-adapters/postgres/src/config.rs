//! [`PgOptions`]: pool and timing-writer settings of the PostgreSQL store.

use std::time::Duration;

use heimdex_core::retry::Backoff;
use heimdex_core::timing::buffered::BufferOptions;

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
    /// The timing writer: events buffered between `record` and the writer (beyond that they
    /// are dropped and counted rather than blocking the pipeline), events per transaction, and
    /// the tries of a batch that fails because the server is unreachable.
    pub sink: BufferOptions,
}

impl Default for PgOptions {
    fn default() -> Self {
        Self {
            max_connections: 10,
            acquire_timeout: Duration::from_secs(5),
            sink: BufferOptions::new(
                10_000,
                500,
                Backoff::new(8, Duration::from_millis(100), Duration::from_secs(5)),
            ),
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

    /// Changes the timing writer's settings, e.g. `|s| s.with_batch(64)`.
    pub fn with_sink(mut self, change: impl FnOnce(BufferOptions) -> BufferOptions) -> Self {
        self.sink = change(self.sink);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn setters_keep_values_usable() {
        let o = PgOptions::default()
            .with_sink(|s| s.with_capacity(0).with_batch(0))
            .with_max_connections(0);
        assert_eq!(
            (o.sink.capacity, o.sink.batch, o.max_connections),
            (1, 1, 1)
        );
    }
}
