//! [`HeldRow`] and [`Unapplied::apply`]: what a store's batch writer does with each event of a
//! batch, written once. The writer loads the batch's video rows, hands each event here with its
//! row (or `None` for an unknown video), writes back the rows an event changed and the stage
//! rows returned, and reports the [`Unapplied`] counts.

use super::Unapplied;
use crate::record::{StageTimingRecord, VideoRecord};
use crate::time::Timestamp;
use crate::timing::apply::{apply_fenced, stage_timing_row, Applied};
use crate::TimingEvent;

/// A video row a batch writer holds while applying events to it.
#[derive(Clone, Debug)]
pub struct HeldRow {
    /// The row, as events change it.
    pub row: VideoRecord,
    /// The queue's latest claim of the video (`jobs.attempt`), which fences older attempts.
    pub newest_claim: Option<i32>,
    /// Whether an event changed the row, so it must be written back.
    pub dirty: bool,
}

impl HeldRow {
    /// `row` as loaded, unchanged so far.
    pub fn new(row: VideoRecord, newest_claim: Option<i32>) -> Self {
        Self {
            row,
            newest_claim,
            dirty: false,
        }
    }
}

impl Unapplied {
    /// Applies `event` to `held` at `now` by the core's rules (`apply_fenced`), counting it when
    /// it is not applied: no row (an unknown video), refused, or a job event of an older attempt.
    /// Returns the stage history row to write, if the event has one; a stage event of an older
    /// attempt still has its own attempt's row.
    pub fn apply(
        &mut self,
        held: Option<&mut HeldRow>,
        event: &TimingEvent,
        now: Timestamp,
    ) -> Option<StageTimingRecord> {
        let video = event.video();
        let Some(held) = held else {
            tracing::warn!(%video, "timing event for an unknown video dropped");
            self.unknown_video += 1;
            return None;
        };
        // On `Err` and `Stale` the row is left exactly as it was.
        let applied = match apply_fenced(&mut held.row, event, now, held.newest_claim) {
            Ok(applied) => applied,
            Err(reason) => {
                tracing::warn!(%video, %reason, "timing event rejected");
                self.rejected += 1;
                return None;
            }
        };
        held.dirty |= applied == Applied::Updated;
        let stage = stage_timing_row(event);
        if stage.is_none() && applied == Applied::Stale {
            tracing::debug!(%video, "timing event of an older attempt left out");
            self.stale += 1;
        }
        stage
    }
}
