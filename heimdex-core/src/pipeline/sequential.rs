//! [`SequentialPipeline`]: runs stages one after another and times every one of them.

use std::fmt;
use std::sync::Arc;
use std::time::Instant;

use async_trait::async_trait;

use super::race::run_stage;
use super::StageTimer;
use super::{Pipeline, RunReport};
use crate::cancel::Cancellation;
use crate::job::{Job, JobContext, JobOutcome};
use crate::stage::{Outcome, Stage, StageName};
use crate::time;
use crate::timing::{record_quietly, wall_after, TimingEvent, TimingSink};

#[derive(Clone)]
struct Step {
    stage: Arc<dyn Stage>,
    name: StageName,
    optional: bool,
}

impl fmt::Debug for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Step")
            .field("name", &self.name)
            .field("optional", &self.optional)
            .finish()
    }
}

/// The pipeline: each stage in order, every boundary sent to the [`TimingSink`]
/// (docs/spec.md#timing-events).
///
/// One run emits `JobStarted`, then `StageStarted` / `StageFinished` around every stage, then
/// `JobFinished`:
///
/// - a **required** stage that fails stops the run; the job fails *at that stage* (its name is kept
///   as the failed stage, never `failed`) and no later stage runs;
/// - an **optional** stage that fails is recorded (`StageFinished` with the failure) and the run
///   goes on;
/// - a stage that **panics** is caught and recorded as failed with
///   [`FailureKind::Internal`](crate::FailureKind::Internal);
/// - when the [`Cancellation`] fires for the **time limit**, the running stage is stopped and
///   recorded as failed with `TimedOut`, and the job fails at that stage — also when the stage is
///   optional, since the whole run is being stopped;
/// - when it fires for **shutdown** (or a lost lease), the running stage is recorded with the
///   outcome `cancelled` and the attempt ends with [`TimingEvent::JobInterrupted`] instead of
///   `JobFinished`: the video goes back to the queue, and no failure metric counts it. The
///   report's outcome is still a failure of kind `Cancelled` at that stage, for the caller. A
///   signal that fired before a stage starts stops the run at that stage without calling it;
/// - if the run's future is **dropped** mid-stage, a [`StageTimer`] records the stage and the job
///   as cancelled at that stage. The video is never left `PROCESSING`.
///
/// Durations come from [`Instant`]; wall-clock times from [`crate::time::now`]. A sink that panics
/// is ignored. A stage's name is read once, when the stage is added.
///
/// # Examples
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// use std::sync::Arc;
/// use async_trait::async_trait;
/// use heimdex_core::memory::MemorySink;
/// use heimdex_core::{Cancellation, Job, JobContext, Pipeline, SequentialPipeline, Stage,
///     StageError, StageName, VideoId};
///
/// #[derive(Debug)]
/// struct Probe;
/// #[async_trait]
/// impl Stage for Probe {
///     fn name(&self) -> StageName { StageName::METADATA }
///     async fn run(&self, _ctx: &mut JobContext) -> Result<(), StageError> { Ok(()) }
/// }
///
/// let pipeline = SequentialPipeline::builder().with_stage(Arc::new(Probe)).build();
/// let sink = MemorySink::default();
/// let job = Job::new(VideoId::new_v4(), "talk.mp4");
/// let report = pipeline.run(job, &sink, &Cancellation::new()).await;
/// assert!(report.outcome.is_success());
/// assert_eq!(sink.snapshot().len(), 4); // JobStarted, StageStarted, StageFinished, JobFinished
/// # }
/// ```
#[derive(Clone, Debug, Default)]
pub struct SequentialPipeline {
    steps: Vec<Step>,
}

impl SequentialPipeline {
    /// A pipeline without stages (a run of it succeeds at once); add stages with
    /// [`SequentialPipeline::stage`].
    pub fn new() -> Self {
        Self::default()
    }

    /// A builder: [`SequentialPipelineBuilder::with_stage`], then
    /// [`SequentialPipelineBuilder::build`].
    pub fn builder() -> SequentialPipelineBuilder {
        SequentialPipelineBuilder::default()
    }

    /// Appends a required stage (shorthand for chains on [`SequentialPipeline::new`]).
    pub fn stage(mut self, stage: Arc<dyn Stage>) -> Self {
        self.push(stage, false);
        self
    }

    /// Appends an optional stage: its failure is recorded and the run goes on.
    pub fn optional_stage(mut self, stage: Arc<dyn Stage>) -> Self {
        self.push(stage, true);
        self
    }

    /// The stages' names and whether each is optional, in run order.
    pub fn stages(&self) -> impl Iterator<Item = (&StageName, bool)> + '_ {
        self.steps.iter().map(|s| (&s.name, s.optional))
    }

    fn push(&mut self, stage: Arc<dyn Stage>, optional: bool) {
        let name = stage.name();
        self.steps.push(Step {
            stage,
            name,
            optional,
        });
    }
}

/// Builds a [`SequentialPipeline`] with consuming `with_*` setters.
#[derive(Debug, Default)]
pub struct SequentialPipelineBuilder {
    pipeline: SequentialPipeline,
}

impl SequentialPipelineBuilder {
    /// Appends a required stage: its failure fails the job at that stage.
    pub fn with_stage(mut self, stage: Arc<dyn Stage>) -> Self {
        self.pipeline.push(stage, false);
        self
    }

    /// Appends an optional stage: its failure is recorded and the run goes on.
    pub fn with_optional_stage(mut self, stage: Arc<dyn Stage>) -> Self {
        self.pipeline.push(stage, true);
        self
    }

    /// The pipeline.
    pub fn build(self) -> SequentialPipeline {
        self.pipeline
    }
}

#[async_trait]
impl Pipeline for SequentialPipeline {
    async fn run(&self, job: Job, sink: &dyn TimingSink, cancel: &Cancellation) -> RunReport {
        let job_started = Instant::now();
        let (video, attempt) = (job.video, job.attempt);
        let started_at = time::now();
        record_quietly(
            sink,
            TimingEvent::JobStarted {
                video,
                attempt,
                at: started_at,
            },
        );
        let mut ctx = JobContext::new(job);
        let mut stages = Vec::with_capacity(self.steps.len());
        let mut outcome = JobOutcome::Succeeded;
        let mut interrupted = false;
        for step in &self.steps {
            let timer = StageTimer::start(sink, &ctx.job, step.name.clone(), job_started);
            let end = run_stage(&*step.stage, &mut ctx, cancel).await;
            let mut report = timer.complete(end.outcome(&step.name));
            report.optional = step.optional;
            let stop = match &report.outcome {
                Outcome::Ok => false,
                Outcome::Failed { kind, message } if !step.optional || end.is_cancelled() => {
                    interrupted = end.is_interrupted();
                    outcome = JobOutcome::Failed {
                        stage: step.name.clone(),
                        kind: *kind,
                        message: message.clone(),
                    };
                    true
                }
                Outcome::Failed { .. } => false,
            };
            stages.push(report);
            if stop {
                break;
            }
        }
        let elapsed = job_started.elapsed();
        let at = wall_after(started_at, elapsed);
        let last = if interrupted {
            TimingEvent::JobInterrupted { video, attempt, at }
        } else {
            TimingEvent::JobFinished {
                video,
                attempt,
                at,
                elapsed,
                outcome: outcome.clone(),
            }
        };
        record_quietly(sink, last);
        RunReport {
            outcome,
            elapsed,
            stages,
            context: ctx,
        }
    }
}
