//! SequentialPipeline with fake stages, checked through `MemorySink::snapshot()`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;

use super::*;
use crate::ids::VideoId;
use crate::job::{JobContext, JobOutcome};
use crate::memory::MemorySink;
use crate::stage::{FailureKind, Outcome, Stage, StageError, StageName};
use crate::timing::TimingEvent;

#[derive(Debug, Clone, Copy)]
pub(super) enum Act {
    /// Sleeps, then succeeds.
    Sleep(Duration),
    /// Fails with this kind.
    Fail(FailureKind),
    /// Panics while being polled.
    Panic,
    /// Never finishes.
    Hang,
}

#[derive(Debug)]
pub(super) struct Fake {
    name: StageName,
    act: Act,
    pub(super) runs: AtomicUsize,
}

/// A counter a stage leaves in the context for the next one.
#[derive(Debug, PartialEq)]
struct Seen(usize);

fn fake(name: &str, act: Act) -> Arc<Fake> {
    Arc::new(Fake {
        name: StageName::new(name).unwrap(),
        act,
        runs: AtomicUsize::new(0),
    })
}

#[async_trait]
impl Stage for Fake {
    fn name(&self) -> StageName {
        self.name.clone()
    }

    async fn run(&self, ctx: &mut JobContext) -> Result<(), StageError> {
        self.runs.fetch_add(1, Ordering::SeqCst);
        let seen = ctx.get::<Seen>().map_or(0, |s| s.0);
        ctx.insert(Seen(seen + 1));
        match self.act {
            Act::Sleep(d) => tokio::time::sleep(d).await,
            Act::Fail(kind) => return Err(StageError::new(kind, format!("{} broke", self.name))),
            Act::Panic => panic!("{} exploded", self.name),
            Act::Hang => std::future::pending::<()>().await,
        }
        Ok(())
    }
}

fn job() -> Job {
    Job {
        attempt: 2,
        ..Job::new(VideoId::new_v4(), "talk.mp4")
    }
}

const MS: Duration = Duration::from_millis(1);

#[tokio::test]
async fn a_successful_run_emits_every_boundary_with_consistent_times() {
    let (a, b) = (
        fake("metadata", Act::Sleep(5 * MS)),
        fake("indexing", Act::Sleep(MS)),
    );
    let pipeline = SequentialPipeline::builder()
        .with_stage(a.clone())
        .with_stage(b.clone())
        .build();
    let sink = MemorySink::default();
    let job = job();
    let report = pipeline.run(job.clone(), &sink, &Cancellation::new()).await;

    assert_eq!(report.outcome, JobOutcome::Succeeded);
    assert_eq!(
        report.context.get::<Seen>(),
        Some(&Seen(2)),
        "the context is shared"
    );
    let events = sink.snapshot();
    assert_eq!(events.len(), 6, "{events:#?}");
    let TimingEvent::JobStarted {
        video,
        attempt,
        at: job_at,
    } = events[0]
    else {
        panic!("first event: {:?}", events[0]);
    };
    assert_eq!((video, attempt), (job.video, 2));
    for (i, stage) in report.stages.iter().enumerate() {
        assert_eq!(
            events[1 + 2 * i],
            TimingEvent::StageStarted {
                video: job.video,
                attempt: 2,
                stage: stage.stage.clone(),
                at: stage.started_at,
            }
        );
        assert_eq!(
            events[2 + 2 * i],
            TimingEvent::StageFinished {
                video: job.video,
                attempt: 2,
                stage: stage.stage.clone(),
                started_at: stage.started_at,
                finished_at: stage.finished_at,
                elapsed: stage.elapsed,
                outcome: Outcome::Ok,
            }
        );
        assert!(stage.started_at >= job_at && stage.finished_at >= stage.started_at);
    }
    assert!(report.stages[0].elapsed >= 5 * MS, "monotonic stage time");
    assert!(report.stages[1].started_at >= report.stages[0].finished_at);
    let TimingEvent::JobFinished {
        at,
        elapsed,
        ref outcome,
        ..
    } = events[5]
    else {
        panic!("last event: {:?}", events[5]);
    };
    assert_eq!((elapsed, outcome), (report.elapsed, &JobOutcome::Succeeded));
    assert!(elapsed >= report.stages[0].elapsed + report.stages[1].elapsed);
    assert!(at >= report.stages[1].finished_at);
    // Wall-clock ends are the start plus the monotonic duration, so stored rows agree exactly.
    assert_eq!((at - job_at).to_std().unwrap(), elapsed);
    for stage in &report.stages {
        let wall = stage.finished_at - stage.started_at;
        assert_eq!(wall.to_std().unwrap(), stage.elapsed);
    }
}

#[tokio::test]
async fn a_required_failure_stops_the_run_at_that_stage() {
    let (a, b, c) = (
        fake("metadata", Act::Sleep(MS)),
        fake("transcription", Act::Fail(FailureKind::Decode)),
        fake("indexing", Act::Sleep(MS)),
    );
    let pipeline = SequentialPipeline::new()
        .stage(a.clone())
        .stage(b.clone())
        .stage(c.clone());
    let sink = MemorySink::default();
    let report = pipeline.run(job(), &sink, &Cancellation::new()).await;

    let expected = JobOutcome::Failed {
        stage: StageName::TRANSCRIPTION,
        kind: FailureKind::Decode,
        message: "transcription broke".into(),
    };
    assert_eq!(report.outcome, expected);
    assert_eq!(c.runs.load(Ordering::SeqCst), 0, "no later stage runs");
    assert_eq!(report.stages.len(), 2);
    let events = sink.snapshot();
    assert_eq!(events.len(), 6, "{events:#?}");
    assert!(
        matches!(&events[4], TimingEvent::StageFinished { stage, outcome: Outcome::Failed { kind: FailureKind::Decode, .. }, .. } if *stage == StageName::TRANSCRIPTION)
    );
    assert!(matches!(&events[5], TimingEvent::JobFinished { outcome, .. } if *outcome == expected));
}

#[tokio::test]
async fn an_optional_failure_is_recorded_and_the_run_goes_on() {
    let (a, b) = (
        fake("ocr", Act::Fail(FailureKind::Model)),
        fake("indexing", Act::Sleep(MS)),
    );
    let pipeline = SequentialPipeline::new().optional_stage(a).stage(b.clone());
    assert_eq!(
        pipeline.stages().map(|(_, opt)| opt).collect::<Vec<_>>(),
        [true, false]
    );
    let sink = MemorySink::default();
    let report = pipeline.run(job(), &sink, &Cancellation::new()).await;
    assert_eq!(report.outcome, JobOutcome::Succeeded);
    assert_eq!(b.runs.load(Ordering::SeqCst), 1);
    assert!(report.stages[0].optional && !report.stages[0].outcome.is_ok());
    assert!(matches!(
        &sink.snapshot()[2],
        TimingEvent::StageFinished {
            outcome: Outcome::Failed {
                kind: FailureKind::Model,
                ..
            },
            ..
        }
    ));
}

#[tokio::test]
async fn an_empty_pipeline_succeeds_with_start_and_finish_only() {
    let sink = MemorySink::default();
    let report = SequentialPipeline::new()
        .run(job(), &sink, &Cancellation::new())
        .await;
    assert!(report.outcome.is_success() && report.stages.is_empty());
    let events = sink.snapshot();
    assert!(matches!(
        events.as_slice(),
        [
            TimingEvent::JobStarted { .. },
            TimingEvent::JobFinished {
                outcome: JobOutcome::Succeeded,
                ..
            }
        ]
    ));
}

mod stops;
