//! [`EmbeddedOptions`]: connection and timing-writer settings of the embedded store.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use derive_setters::Setters;
use heimdex_core::retry::Backoff;
use heimdex_core::time::Timestamp;
use heimdex_core::timing::buffered::BufferOptions;

use super::Clock;

/// Settings of an [`EmbeddedStore`](super::EmbeddedStore). The defaults suit a laptop.
#[derive(Clone, Setters)]
#[setters(prefix = "with_")]
#[non_exhaustive]
pub struct EmbeddedOptions {
    /// Connections in the pool (0 is taken as 1; SQLite still has one writer at a time).
    pub max_connections: u32,
    /// How long a statement waits for another connection's write lock before failing.
    pub busy_timeout: Duration,
    /// The timing writer: events buffered between `record` and the writer (beyond that they
    /// are dropped and counted rather than blocking the pipeline), events per transaction, and
    /// the tries of a batch while the database is busy or locked.
    #[setters(skip)]
    pub sink: BufferOptions,
    #[setters(skip)]
    pub(crate) clock: Clock,
}

impl Default for EmbeddedOptions {
    fn default() -> Self {
        Self {
            max_connections: 4,
            busy_timeout: Duration::from_secs(5),
            sink: BufferOptions::new(
                10_000,
                512,
                Backoff::new(4, Duration::from_millis(25), Duration::from_secs(1)),
            ),
            clock: Arc::new(heimdex_core::time::now),
        }
    }
}

impl EmbeddedOptions {
    /// Changes the timing writer's settings, e.g. `|s| s.with_batch(64)`.
    pub fn with_sink(mut self, change: impl FnOnce(BufferOptions) -> BufferOptions) -> Self {
        self.sink = change(self.sink);
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
            .field("sink", &self.sink)
            .finish_non_exhaustive()
    }
}
