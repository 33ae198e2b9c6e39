//! What a pipeline run returns: [`RunReport`] and one [`StageReport`] per stage that ran.

use std::time::Duration;

use crate::job::{JobContext, JobOutcome};
use crate::stage::{Outcome, StageName};
use crate::time::Timestamp;

/// How one stage of a run went. Its times are the ones sent in
/// [`TimingEvent::StageFinished`](crate::TimingEvent::StageFinished).
#[derive(Clone, Debug, PartialEq)]
pub struct StageReport {
    /// The stage.
    pub stage: StageName,
    /// When it started (wall clock).
    pub started_at: Timestamp,
    /// When it ended (wall clock, never before `started_at`).
    pub finished_at: Timestamp,
    /// How long it ran, from a monotonic clock.
    pub elapsed: Duration,
    /// How it ended.
    pub outcome: Outcome,
    /// Whether the stage was optional (its failure did not fail the job).
    pub optional: bool,
}

/// How a whole run went. A failed job is data here, not an error: `outcome` says which stage
/// failed and why.
#[derive(Debug)]
pub struct RunReport {
    /// How the job ended (the outcome sent in [`TimingEvent::JobFinished`](crate::TimingEvent::JobFinished)).
    pub outcome: JobOutcome,
    /// Duration of the whole attempt, from a monotonic clock.
    pub elapsed: Duration,
    /// The stages that ran, in order; stages after a failed required stage are absent.
    pub stages: Vec<StageReport>,
    /// The job's context as the stages left it (transcripts, scenes…).
    pub context: JobContext,
}

impl RunReport {
    /// The report of `stage`, if it ran.
    pub fn stage(&self, stage: &StageName) -> Option<&StageReport> {
        self.stages.iter().find(|s| &s.stage == stage)
    }
}
