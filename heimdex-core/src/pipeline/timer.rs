//! [`StageTimer`]: times one stage and records its end even when the run is dropped mid-stage
//! (OpenDAL's `ExecutingGuard`).

use std::time::Instant;

use super::StageReport;
use crate::ids::VideoId;
use crate::job::{Job, JobOutcome};
use crate::stage::{FailureKind, Outcome, StageName};
use crate::time::{self, Timestamp};
use crate::timing::{record_quietly, wall_after, TimingEvent, TimingSink};

/// A guard created when a stage starts: [`StageTimer::start`] records
/// [`TimingEvent::StageStarted`], and [`StageTimer::complete`] records
/// [`TimingEvent::StageFinished`] with the stage's outcome.
///
/// If the guard is dropped without `complete` — the run's future was dropped while the stage ran,
/// say because the caller's `tokio::time::timeout` fired — it records the stage as failed with
/// [`FailureKind::Cancelled`] and the whole attempt as failed *at this stage*
/// ([`TimingEvent::JobFinished`]), so the video is never left `PROCESSING`
/// (docs/spec.md#stages; the origin's time-limit case left such rows behind).
///
/// Wall-clock times come from [`crate::time::now`], durations from [`Instant`]. Every event goes to
/// the sink inside `catch_unwind`: a panicking sink is ignored.
///
/// # Examples
///
/// ```
/// use std::time::Instant;
/// use heimdex_core::memory::MemorySink;
/// use heimdex_core::pipeline::StageTimer;
/// use heimdex_core::{Job, JobOutcome, Outcome, StageName, TimingEvent, VideoId};
///
/// let sink = MemorySink::default();
/// let job = Job::new(VideoId::new_v4(), "talk.mp4");
/// let timer = StageTimer::start(&sink, &job, StageName::METADATA, Instant::now());
/// drop(timer); // e.g. the run was cancelled from outside
/// let events = sink.snapshot();
/// assert!(matches!(&events[1], TimingEvent::StageFinished { outcome: Outcome::Failed { .. }, .. }));
/// assert!(matches!(&events[2], TimingEvent::JobFinished { outcome: JobOutcome::Failed { .. }, .. }));
/// ```
#[derive(Debug)]
#[must_use = "dropping the timer records the stage as cancelled"]
pub struct StageTimer<'a> {
    sink: &'a dyn TimingSink,
    video: VideoId,
    attempt: u32,
    stage: StageName,
    started_at: Timestamp,
    started: Instant,
    job_started: Instant,
    completed: bool,
}

impl<'a> StageTimer<'a> {
    /// Records [`TimingEvent::StageStarted`] for `stage` of `job` and starts the clocks.
    /// `job_started` is the monotonic start of the attempt, used for the attempt's duration if the
    /// guard is dropped.
    pub fn start(
        sink: &'a dyn TimingSink,
        job: &Job,
        stage: StageName,
        job_started: Instant,
    ) -> Self {
        let started_at = time::now();
        let started = Instant::now();
        record_quietly(
            sink,
            TimingEvent::StageStarted {
                video: job.video,
                attempt: job.attempt,
                stage: stage.clone(),
                at: started_at,
            },
        );
        Self {
            sink,
            video: job.video,
            attempt: job.attempt,
            stage,
            started_at,
            started,
            job_started,
            completed: false,
        }
    }

    /// The stage being timed.
    pub fn stage(&self) -> &StageName {
        &self.stage
    }

    /// When the stage started (wall clock).
    pub fn started_at(&self) -> Timestamp {
        self.started_at
    }

    /// Records [`TimingEvent::StageFinished`] with `outcome` and returns the stage's report
    /// (`optional` is `false`; the pipeline sets it).
    pub fn complete(mut self, outcome: Outcome) -> StageReport {
        self.completed = true;
        let report = self.finish(outcome);
        record_quietly(self.sink, self.finished_event(&report));
        report
    }

    fn finish(&self, outcome: Outcome) -> StageReport {
        let elapsed = self.started.elapsed();
        StageReport {
            stage: self.stage.clone(),
            started_at: self.started_at,
            finished_at: wall_after(self.started_at, elapsed),
            elapsed,
            outcome,
            optional: false,
        }
    }

    fn finished_event(&self, report: &StageReport) -> TimingEvent {
        TimingEvent::StageFinished {
            video: self.video,
            attempt: self.attempt,
            stage: report.stage.clone(),
            started_at: report.started_at,
            finished_at: report.finished_at,
            elapsed: report.elapsed,
            outcome: report.outcome.clone(),
        }
    }
}

impl Drop for StageTimer<'_> {
    fn drop(&mut self) {
        if self.completed {
            return;
        }
        let message = format!("the run was dropped while {} was running", self.stage);
        let report = self.finish(Outcome::Failed {
            kind: FailureKind::Cancelled,
            message: message.clone(),
        });
        record_quietly(self.sink, self.finished_event(&report));
        record_quietly(
            self.sink,
            TimingEvent::JobFinished {
                video: self.video,
                attempt: self.attempt,
                at: report.finished_at,
                elapsed: self.job_started.elapsed(),
                outcome: JobOutcome::Failed {
                    stage: self.stage.clone(),
                    kind: FailureKind::Cancelled,
                    message,
                },
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::memory::MemorySink;

    fn job() -> Job {
        Job {
            attempt: 3,
            ..Job::new(VideoId::new_v4(), "a.mp4")
        }
    }

    #[test]
    fn complete_records_one_finished_event_with_the_started_time_and_nothing_on_drop() {
        let sink = MemorySink::default();
        let job = job();
        let timer = StageTimer::start(&sink, &job, StageName::INDEXING, Instant::now());
        let started_at = timer.started_at();
        std::thread::sleep(std::time::Duration::from_millis(5));
        let report = timer.complete(Outcome::Ok);
        assert!(report.elapsed >= std::time::Duration::from_millis(5));
        // The end is the start plus the monotonic duration, exactly.
        let wall = report.finished_at - report.started_at;
        assert_eq!(wall.to_std().unwrap(), report.elapsed);
        let events = sink.snapshot();
        assert_eq!(events.len(), 2, "{events:?}");
        assert_eq!(
            events[0],
            TimingEvent::StageStarted {
                video: job.video,
                attempt: 3,
                stage: StageName::INDEXING,
                at: started_at,
            }
        );
        assert_eq!(
            events[1],
            TimingEvent::StageFinished {
                video: job.video,
                attempt: 3,
                stage: StageName::INDEXING,
                started_at,
                finished_at: report.finished_at,
                elapsed: report.elapsed,
                outcome: Outcome::Ok,
            }
        );
    }

    #[test]
    fn dropping_records_the_stage_and_the_job_as_cancelled_at_that_stage() {
        let sink = MemorySink::default();
        let job = job();
        let job_started = Instant::now();
        std::thread::sleep(std::time::Duration::from_millis(3));
        drop(StageTimer::start(
            &sink,
            &job,
            StageName::TRANSCRIPTION,
            job_started,
        ));
        let events = sink.snapshot();
        assert_eq!(events.len(), 3, "{events:?}");
        let TimingEvent::StageFinished {
            outcome,
            elapsed: stage_elapsed,
            ..
        } = &events[1]
        else {
            panic!("expected StageFinished, got {:?}", events[1]);
        };
        assert!(matches!(
            outcome,
            Outcome::Failed {
                kind: FailureKind::Cancelled,
                ..
            }
        ));
        let TimingEvent::JobFinished {
            outcome,
            elapsed,
            attempt,
            ..
        } = &events[2]
        else {
            panic!("expected JobFinished, got {:?}", events[2]);
        };
        assert_eq!(*attempt, 3);
        assert!(
            elapsed >= stage_elapsed,
            "the attempt started before the stage"
        );
        assert!(*elapsed >= std::time::Duration::from_millis(3));
        match outcome {
            JobOutcome::Failed {
                stage,
                kind,
                message,
            } => {
                assert_eq!(stage, &StageName::TRANSCRIPTION);
                assert_eq!(*kind, FailureKind::Cancelled);
                assert!(message.contains("transcription"), "{message}");
            }
            other => panic!("expected a failure, got {other:?}"),
        }
    }

    #[derive(Debug)]
    struct Panicking;
    impl TimingSink for Panicking {
        fn record(&self, _event: TimingEvent) {
            panic!("sink broke");
        }
    }

    #[test]
    fn a_panicking_sink_is_ignored_even_while_dropping() {
        let job = job();
        let timer = StageTimer::start(&Panicking, &job, StageName::METADATA, Instant::now());
        drop(timer);
        let timer = StageTimer::start(&Panicking, &job, StageName::METADATA, Instant::now());
        assert!(timer.complete(Outcome::Ok).outcome.is_ok());
    }
}
