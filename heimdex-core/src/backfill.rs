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
