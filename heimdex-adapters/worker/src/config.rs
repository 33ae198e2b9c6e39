//! [`WorkerConfig`]: how many jobs at once, and the timers around each one.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// How a [`super::Worker`] runs jobs. Every field has a default an operator can start with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct WorkerConfig {
    /// Jobs run at the same time (default 1: media stages use every core themselves).
    pub concurrency: usize,
    /// Lease taken on each claim (default 60 s). Heartbeats renew it every `lease / 3`, so a
    /// worker that dies leaves its job claimable again after at most this long.
    pub lease: Duration,
    /// Longest a job may run (default 1 h); then the running stage is cancelled and the attempt
    /// fails as `timed_out` at that stage.
    pub time_limit: Duration,
    /// On shutdown, how long running jobs may go on before they are cancelled and released
    /// (default 30 s).
    pub grace: Duration,
    /// How often an idle worker looks for work when no announcement wakes it (default 2 s). With
    /// PostgreSQL `LISTEN` this is only the fallback; retries that come due are found this way.
    pub poll_interval: Duration,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        Self {
            concurrency: 1,
            lease: Duration::from_secs(60),
            time_limit: Duration::from_secs(3600),
            grace: Duration::from_secs(30),
            poll_interval: Duration::from_secs(2),
        }
    }
}

impl WorkerConfig {
    /// Sets [`WorkerConfig::concurrency`] (at least 1).
    pub fn with_concurrency(mut self, concurrency: usize) -> Self {
        self.concurrency = concurrency.max(1);
        self
    }

    /// Sets [`WorkerConfig::lease`].
    pub fn with_lease(mut self, lease: Duration) -> Self {
        self.lease = lease;
        self
    }

    /// Sets [`WorkerConfig::time_limit`].
    pub fn with_time_limit(mut self, time_limit: Duration) -> Self {
        self.time_limit = time_limit;
        self
    }

    /// Sets [`WorkerConfig::grace`].
    pub fn with_grace(mut self, grace: Duration) -> Self {
        self.grace = grace;
        self
    }

    /// Sets [`WorkerConfig::poll_interval`].
    pub fn with_poll_interval(mut self, poll_interval: Duration) -> Self {
        self.poll_interval = poll_interval;
        self
    }

    /// How often a running job's lease is renewed: a third of the lease (at least 10 ms).
    pub fn heartbeat_interval(&self) -> Duration {
        (self.lease / 3).max(Duration::from_millis(10))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_documented_ones_and_heartbeats_come_at_a_third_of_the_lease() {
        let c = WorkerConfig::default();
        assert_eq!(c.concurrency, 1);
        assert_eq!(c.time_limit, Duration::from_secs(3600));
        assert_eq!(c.heartbeat_interval(), Duration::from_secs(20));
        assert_eq!(c.with_concurrency(0).concurrency, 1);
    }
}
