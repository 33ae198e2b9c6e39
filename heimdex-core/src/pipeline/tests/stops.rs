//! Runs that stop early: cancellation, panics, and a dropped run future.

use std::sync::atomic::Ordering;

use super::{fake, job, Act, MS};
use crate::cancel::{CancelReason, Cancellation};
use crate::job::JobOutcome;
use crate::memory::MemorySink;
use crate::pipeline::{Pipeline, RunReport, SequentialPipeline};
use crate::stage::{FailureKind, Outcome, StageName};
use crate::timing::TimingEvent;

async fn cancelled_run(reason: CancelReason, optional: bool) -> (RunReport, Vec<TimingEvent>) {
    let hang = fake("transcription", Act::Hang);
    let after = fake("indexing", Act::Sleep(MS));
    let pipeline = if optional {
        SequentialPipeline::new().optional_stage(hang)
    } else {
        SequentialPipeline::new().stage(hang)
    }
    .stage(after.clone());
    let (sink, cancel) = (MemorySink::default(), Cancellation::new());
    let signal = cancel.clone();
    let fire = async move {
        tokio::time::sleep(20 * MS).await;
        signal.cancel(reason);
    };
    let (report, ()) = tokio::join!(pipeline.run(job(), &sink, &cancel), fire);
    assert_eq!(
        after.runs.load(Ordering::SeqCst),
        0,
        "nothing runs after a cancellation"
    );
    (report, sink.snapshot())
}

#[tokio::test]
async fn a_time_limit_fails_the_running_stage_as_timed_out() {
    let (report, events) = cancelled_run(CancelReason::TimeLimit, false).await;
    let JobOutcome::Failed {
        stage,
        kind,
        message,
    } = &report.outcome
    else {
        panic!("{:?}", report.outcome);
    };
    assert_eq!(
        (stage, *kind),
        (&StageName::TRANSCRIPTION, FailureKind::TimedOut)
    );
    assert_eq!(message, "time limit reached during transcription");
    assert!(report.stages[0].elapsed >= 20 * MS);
    assert_eq!(events.len(), 4, "{events:#?}");
    assert!(
        matches!(&events[3], TimingEvent::JobFinished { outcome, .. } if *outcome == report.outcome)
    );
}

#[tokio::test]
async fn a_shutdown_records_the_running_stage_as_cancelled_and_interrupts_the_attempt() {
    let (report, events) = cancelled_run(CancelReason::Shutdown, true).await;
    assert!(
        matches!(&report.outcome, JobOutcome::Failed { kind: FailureKind::Cancelled, stage, .. } if *stage == StageName::TRANSCRIPTION)
    );
    let TimingEvent::StageFinished { outcome, .. } = &events[2] else {
        panic!("{events:#?}");
    };
    assert_eq!(outcome.as_str(), "cancelled");
    assert_eq!(events.len(), 4, "{events:#?}");
    assert!(
        matches!(&events[3], TimingEvent::JobInterrupted { attempt, .. } if *attempt == job().attempt),
        "a shutdown ends the attempt as interrupted, never as a failed JobFinished: {:?}",
        events[3]
    );
}

#[tokio::test]
async fn a_signal_fired_before_a_stage_fails_it_without_calling_it() {
    let a = fake("metadata", Act::Sleep(MS));
    let pipeline = SequentialPipeline::new().stage(a.clone());
    let (sink, cancel) = (MemorySink::default(), Cancellation::new());
    cancel.cancel(CancelReason::TimeLimit);
    let report = pipeline.run(job(), &sink, &cancel).await;
    assert_eq!(a.runs.load(Ordering::SeqCst), 0);
    assert!(
        matches!(&report.outcome, JobOutcome::Failed { kind: FailureKind::TimedOut, message, .. } if message == "time limit reached before metadata started")
    );
    assert_eq!(sink.snapshot().len(), 4);
}

#[tokio::test]
async fn a_panicking_stage_is_an_internal_failure_and_optional_panics_go_on() {
    let pipeline = SequentialPipeline::new()
        .optional_stage(fake("thumbnails", Act::Panic))
        .stage(fake("scene_detection", Act::Panic))
        .stage(fake("indexing", Act::Sleep(MS)));
    let sink = MemorySink::default();
    let report = pipeline.run(job(), &sink, &Cancellation::new()).await;
    assert_eq!(report.stages.len(), 2);
    assert!(matches!(
        &report.stages[0].outcome,
        Outcome::Failed {
            kind: FailureKind::Internal,
            ..
        }
    ));
    let JobOutcome::Failed {
        stage,
        kind,
        message,
    } = &report.outcome
    else {
        panic!("{:?}", report.outcome);
    };
    assert_eq!(
        (stage, *kind),
        (&StageName::SCENE_DETECTION, FailureKind::Internal)
    );
    assert_eq!(
        message,
        "stage scene_detection panicked: scene_detection exploded"
    );
    assert_eq!(sink.snapshot().len(), 6);
}

#[tokio::test]
async fn dropping_the_run_mid_stage_records_it_as_cancelled_at_that_stage() {
    let pipeline = SequentialPipeline::new()
        .stage(fake("metadata", Act::Sleep(MS)))
        .stage(fake("transcription", Act::Hang));
    let (sink, cancel) = (MemorySink::default(), Cancellation::new());
    let run = pipeline.run(job(), &sink, &cancel);
    assert!(
        tokio::time::timeout(20 * MS, run).await.is_err(),
        "the stage hangs"
    );
    let events = sink.snapshot();
    assert_eq!(events.len(), 6, "{events:#?}");
    assert!(
        matches!(&events[4], TimingEvent::StageFinished { stage, outcome: Outcome::Failed { kind: FailureKind::Cancelled, .. }, elapsed, .. } if *stage == StageName::TRANSCRIPTION && *elapsed >= 15 * MS)
    );
    assert!(
        matches!(&events[5], TimingEvent::JobFinished { outcome: JobOutcome::Failed { stage, kind: FailureKind::Cancelled, .. }, .. } if *stage == StageName::TRANSCRIPTION)
    );
}
