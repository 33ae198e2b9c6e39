//! [`PgOptions`]: pool and timing-writer settings of the PostgreSQL store.

use std::time::Duration;

use derive_setters::Setters;
use heimdex_core::retry::Backoff;
use heimdex_core::timing::buffered::BufferOptions;

/// Settings of a [`PgStore`](super::PgStore). The defaults suit a shared server with a few
/// workers; every field has a `with_*` setter.
#[derive(Clone, Debug, PartialEq, Eq, Setters)]
#[setters(prefix = "with_")]
#[non_exhaustive]
pub struct PgOptions {
    /// Connections in the pool (0 is taken as 1).
    pub max_connections: u32,
    /// How long a query waits for a pooled connection (or for the server to accept one) before
    /// failing with `Unavailable`. Kept short so a server that is down is noticed quickly.
    pub acquire_timeout: Duration,
    /// The timing writer: events buffered between `record` and the writer (beyond that they
    /// are dropped and counted rather than blocking the pipeline), events per transaction, and
    /// the tries of a batch that fails because the server is unreachable.
    #[setters(skip)]
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
        let o = PgOptions::default().with_sink(|s| s.with_capacity(0).with_batch(0));
        assert_eq!((o.sink.capacity, o.sink.batch), (1, 1));
    }
}
