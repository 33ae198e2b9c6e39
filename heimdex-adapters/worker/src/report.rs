//! [`WorkerReport`]: what a worker did between start and shutdown.

use heimdex_core::queue::FinishOutcome;
use serde::{Deserialize, Serialize};

use super::job::JobEnd;

/// Counts of what happened to the jobs a worker claimed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct WorkerReport {
    /// Jobs claimed.
    pub claimed: u64,
    /// Attempts that succeeded (the job is done).
    pub succeeded: u64,
    /// Attempts that failed with a retry scheduled.
    pub retried: u64,
    /// Attempts that failed with no retry left (the job is dead).
    pub dead: u64,
    /// Jobs given back at shutdown.
    pub released: u64,
    /// Jobs whose lease was lost to another claim (outcome not recorded).
    pub lease_lost: u64,
    /// Jobs whose end the queue could not record (redelivered after the lease).
    pub queue_errors: u64,
    /// Claims that failed (the worker retried after `poll_interval`).
    pub claim_errors: u64,
}

impl WorkerReport {
    pub(super) fn claimed(&mut self) {
        self.claimed += 1;
    }

    pub(super) fn claim_error(&mut self) {
        self.claim_errors += 1;
    }

    pub(super) fn count(&mut self, end: JobEnd) {
        match end {
            JobEnd::Finished(FinishOutcome::Done) => self.succeeded += 1,
            JobEnd::Finished(FinishOutcome::RetryScheduled { .. }) => self.retried += 1,
            JobEnd::Finished(FinishOutcome::Dead) => self.dead += 1,
            JobEnd::Released => self.released += 1,
            JobEnd::LeaseLost => self.lease_lost += 1,
            JobEnd::QueueError => self.queue_errors += 1,
        }
    }
}
