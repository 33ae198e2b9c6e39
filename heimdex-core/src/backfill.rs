//! Backfill of `processing_finished_at` for rows written before timing existed: the options,
//! progress and report every store's backfill shares.
//!
//! READY and FAILED rows without `processing_finished_at` get it from `updated_at`, in batches.
//! Nothing else is touched: start times, durations and queue times are never invented.

use serde::{Deserialize, Serialize};

/// How to run a backfill.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackfillOptions {
    /// Count what would change, change nothing.
    pub dry_run: bool,
    /// Rows per transaction (at least 1).
    pub batch_size: u32,
}

impl Default for BackfillOptions {
    fn default() -> Self {
        Self {
            dry_run: false,
            batch_size: 1_000,
        }
    }
}

/// Progress after each batch, for a progress bar.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackfillProgress {
    /// Rows that needed the backfill when it started.
    pub total: u64,
    /// Rows done so far.
    pub done: u64,
}

/// What a backfill did (or, on a dry run, would do).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackfillReport {
    /// READY/FAILED rows lacking `processing_finished_at` when it started.
    pub candidates: u64,
    /// Rows changed (0 on a dry run).
    pub updated: u64,
    /// Batches run (0 on a dry run).
    pub batches: u64,
    /// Whether this was a dry run.
    pub dry_run: bool,
}

/// A store that can backfill: two statements of its own, one loop for every store
/// ([`Backfill::backfill`]).
#[async_trait::async_trait]
pub trait Backfill: Send + Sync {
    /// READY and FAILED rows lacking `processing_finished_at`.
    async fn backfill_candidates(&self) -> crate::Result<u64>;

    /// Sets `processing_finished_at` from `updated_at` on at most `limit` candidates, in one
    /// transaction, without touching `updated_at`; returns how many rows changed.
    async fn backfill_batch(&self, limit: u32) -> crate::Result<u64>;

    /// Runs the backfill (or, with `dry_run`, only counts), batch after batch until no candidate
    /// is left, reporting progress after each batch. A second run finds nothing to do.
    async fn backfill(
        &self,
        options: BackfillOptions,
        progress: &(dyn Fn(BackfillProgress) + Send + Sync),
    ) -> crate::Result<BackfillReport> {
        let candidates = self.backfill_candidates().await?;
        let mut report = BackfillReport {
            candidates,
            updated: 0,
            batches: 0,
            dry_run: options.dry_run,
        };
        if options.dry_run || candidates == 0 {
            return Ok(report);
        }
        loop {
            let done = self.backfill_batch(options.batch_size.max(1)).await?;
            if done == 0 {
                return Ok(report);
            }
            report.updated += done;
            report.batches += 1;
            progress(BackfillProgress {
                total: candidates,
                done: report.updated,
            });
        }
    }
}
