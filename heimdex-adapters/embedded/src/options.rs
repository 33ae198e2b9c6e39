//! [`EmbeddedOptions`]: connection and timing-writer settings of the embedded store.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use heimdex_core::time::Timestamp;

use super::Clock;

/// Settings of an [`EmbeddedStore`](super::EmbeddedStore). The defaults suit a laptop.
#[derive(Clone)]
#[non_exhaustive]
pub struct EmbeddedOptions {
    /// Connections in the pool (at least 1; SQLite still has one writer at a time).
    pub max_connections: u32,
    /// How long a statement waits for another connection's write lock before failing.
    pub busy_timeout: Duration,
    /// Timing events buffered between `record` and the writer; beyond this they are dropped
    /// (and counted) rather than blocking the pipeline.
    pub sink_capacity: usize,
    /// Most events the writer applies in one transaction.
    pub sink_batch: usize,
    /// Tries of a failing batch before it is written event by event (and what still fails dropped).
    pub write_attempts: u32,
    /// Pause before the first retry; doubled for each further one.
    pub retry_backoff: Duration,
    pub(crate) clock: Clock,
}

impl Default for EmbeddedOptions {
    fn default() -> Self {
        Self {
            max_connections: 4,
            busy_timeout: Duration::from_secs(5),
            sink_capacity: 10_000,
            sink_batch: 512,
            write_attempts: 4,
            retry_backoff: Duration::from_millis(25),
            clock: Arc::new(heimdex_core::time::now),
        }
    }
}

impl EmbeddedOptions {
    /// Sets [`max_connections`](Self::max_connections).
    pub fn with_max_connections(mut self, n: u32) -> Self {
        self.max_connections = n;
        self
    }

    /// Sets [`busy_timeout`](Self::busy_timeout).
    pub fn with_busy_timeout(mut self, timeout: Duration) -> Self {
        self.busy_timeout = timeout;
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

    /// Sets [`write_attempts`](Self::write_attempts) and [`retry_backoff`](Self::retry_backoff).
    pub fn with_retries(mut self, attempts: u32, backoff: Duration) -> Self {
        self.write_attempts = attempts.max(1);
        self.retry_backoff = backoff;
        self
    }

    /// Reads "now" from `clock` instead of the system clock: the metric windows, the times the
    /// catalog writes and the sink's `updated_at`. For tests that compare stores at one instant.
    pub fn with_clock(mut self, clock: impl Fn() -> Timestamp + Send + Sync + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }
}

impl fmt::Debug for EmbeddedOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EmbeddedOptions")
            .field("max_connections", &self.max_connections)
            .field("busy_timeout", &self.busy_timeout)
            .field("sink_capacity", &self.sink_capacity)
            .field("sink_batch", &self.sink_batch)
            .field("write_attempts", &self.write_attempts)
            .field("retry_backoff", &self.retry_backoff)
            .finish_non_exhaustive()
    }
}
