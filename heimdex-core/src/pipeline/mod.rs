//! The [`Pipeline`] port and [`SequentialPipeline`], the implementation that times every stage.
//!
//! A run takes one [`Job`], reports every stage boundary to a [`TimingSink`] and returns a
//! [`RunReport`]. A failed job is data in the report, never an `Err`: the worker decides what to do
//! with it (finish, retry, release).
//!
//! See also [`StageTimer`], the guard that keeps the timing honest when a run is
//! dropped mid-stage.

mod race;
mod report;
mod sequential;
mod timer;

use std::fmt;

use async_trait::async_trait;

use crate::cancel::Cancellation;
use crate::job::Job;
use crate::timing::TimingSink;

pub use report::{RunReport, StageReport};
pub use sequential::{SequentialPipeline, SequentialPipelineBuilder};
pub use timer::StageTimer;

/// Runs a job's stages and reports their timing (docs/spec.md#timing-events).
///
/// Implementations emit `JobStarted`, `StageStarted`/`StageFinished` per stage and `JobFinished`
/// to `sink`, stop at the first failed required stage, stop the running stage when `cancel`
/// fires, and never leave a job without its `JobFinished`.
#[cfg_attr(any(test, feature = "mock"), mockall::automock)]
#[async_trait]
pub trait Pipeline: Send + Sync + fmt::Debug {
    /// Runs `job` to its end (success, failure or cancellation) and says how it went.
    ///
    /// The sink is `'static` (any owned sink, or one behind an `Arc`) because mockall cannot mock
    /// a method taking a trait object of a borrowed lifetime; implementations may accept any
    /// `&dyn TimingSink`.
    // mockall repeats the type where its parentheses are not needed.
    #[allow(unused_parens)]
    async fn run(
        &self,
        job: Job,
        sink: &(dyn TimingSink + 'static),
        cancel: &Cancellation,
    ) -> RunReport;
}

#[cfg(test)]
mod tests;
