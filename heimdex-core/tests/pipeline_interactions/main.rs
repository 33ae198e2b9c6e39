//! SequentialPipeline's interactions with its stages and its sink, checked with mockall: exactly
//! which events, in which order, which stages run (and which never do) — docs/spec.md#stages.
//!
//! The pipeline swallows panics from its sink (timing never breaks work), and mockall reports a
//! broken expectation by panicking, so every mock sink sits inside [`Checked`], which keeps those
//! panics for the test to assert on.

mod expect;

use std::sync::Arc;
use std::time::Duration;

use expect::*;
use heimdex_core::timing::MockTimingSink;
use heimdex_core::{
    CancelReason, Cancellation, FailureKind, JobOutcome, Pipeline, SequentialPipeline, StageError,
    StageName,
};
use mockall::Sequence;

#[tokio::test]
async fn success_runs_each_stage_between_its_start_and_finish_events() {
    let (mut sink, mut seq) = (MockTimingSink::new(), Sequence::new());
    expect(&mut sink, &mut seq, job_started());
    let mut pipeline = SequentialPipeline::builder();
    for name in &NAMES {
        expect(&mut sink, &mut seq, stage_started(name));
        let mut s = stage(name);
        s.expect_run()
            .times(1)
            .in_sequence(&mut seq)
            .returning(|_| Ok(()));
        expect(&mut sink, &mut seq, stage_ok(name));
        pipeline = pipeline.with_stage(Arc::new(s));
    }
    expect(&mut sink, &mut seq, job_finished(JobOutcome::Succeeded));
    let sink = checked(sink);
    let report = pipeline
        .build()
        .run(job(), &sink, &Cancellation::new())
        .await;
    assert_eq!(report.outcome, JobOutcome::Succeeded);
    verify(sink);
}

#[tokio::test]
async fn a_failure_in_each_position_fails_the_job_there_and_no_later_stage_runs() {
    for (failing, failing_name) in NAMES.iter().enumerate() {
        let (mut sink, mut seq) = (MockTimingSink::new(), Sequence::new());
        expect(&mut sink, &mut seq, job_started());
        let mut pipeline = SequentialPipeline::builder();
        for (i, name) in NAMES.iter().enumerate() {
            let mut s = stage(name);
            if i < failing {
                expect(&mut sink, &mut seq, stage_started(name));
                s.expect_run().times(1).returning(|_| Ok(()));
                expect(&mut sink, &mut seq, stage_ok(name));
            } else if i == failing {
                expect(&mut sink, &mut seq, stage_started(name));
                s.expect_run()
                    .times(1)
                    .returning(|_| Err(StageError::new(FailureKind::Decode, "corrupt stream")));
                expect(&mut sink, &mut seq, stage_failed(name, FailureKind::Decode));
            } else {
                s.expect_run().times(0);
            }
            pipeline = pipeline.with_stage(Arc::new(s));
        }
        let name = failing_name;
        expect(
            &mut sink,
            &mut seq,
            job_failed(name, FailureKind::Decode, "corrupt stream"),
        );
        let sink = checked(sink);
        let report = pipeline
            .build()
            .run(job(), &sink, &Cancellation::new())
            .await;
        assert!(
            matches!(&report.outcome, JobOutcome::Failed { stage, .. } if stage == name),
            "position {failing}: {:?}",
            report.outcome
        );
        assert_eq!(report.stages.len(), failing + 1, "stages that ran");
        verify(sink);
    }
}

#[tokio::test]
async fn an_optional_failure_is_recorded_and_the_next_stage_still_runs() {
    let (a, b) = (StageName::new("ocr").unwrap(), StageName::INDEXING);
    let (mut sink, mut seq) = (MockTimingSink::new(), Sequence::new());
    for pred in [
        job_started(),
        stage_started(&a),
        stage_failed(&a, FailureKind::Model),
        stage_started(&b),
        stage_ok(&b),
        job_finished(JobOutcome::Succeeded),
    ] {
        expect(&mut sink, &mut seq, pred);
    }
    let mut optional = stage(&a);
    optional
        .expect_run()
        .times(1)
        .returning(|_| Err(StageError::new(FailureKind::Model, "no model")));
    let mut next = stage(&b);
    next.expect_run().times(1).returning(|_| Ok(()));
    let pipeline = SequentialPipeline::builder()
        .with_optional_stage(Arc::new(optional))
        .with_stage(Arc::new(next))
        .build();
    let sink = checked(sink);
    assert!(pipeline
        .run(job(), &sink, &Cancellation::new())
        .await
        .outcome
        .is_success());
    verify(sink);
}

/// Cancels the run during the second stage; the attempt ends with `last`.
async fn cancel_during_second_stage(reason: CancelReason, kind: FailureKind, last: Pred) {
    let (a, b, c) = (&NAMES[0], &NAMES[1], &NAMES[2]);
    let (mut sink, mut seq) = (MockTimingSink::new(), Sequence::new());
    for pred in [
        job_started(),
        stage_started(a),
        stage_ok(a),
        stage_started(b),
        stage_failed(b, kind),
        last,
    ] {
        expect(&mut sink, &mut seq, pred);
    }
    let mut first = stage(a);
    first.expect_run().times(1).returning(|_| Ok(()));
    let mut last = stage(c);
    last.expect_run().times(0);
    let pipeline = SequentialPipeline::new()
        .stage(Arc::new(first))
        .stage(Arc::new(Hang(b.clone())))
        .stage(Arc::new(last));
    let (sink, cancel) = (checked(sink), Cancellation::new());
    let signal = cancel.clone();
    let fire = async move {
        tokio::time::sleep(Duration::from_millis(20)).await;
        signal.cancel(reason);
    };
    let (report, ()) = tokio::join!(pipeline.run(job(), &sink, &cancel), fire);
    assert!(!report.outcome.is_success());
    verify(sink);
}

#[tokio::test]
async fn a_time_limit_fails_the_running_stage_as_timed_out() {
    let b = &NAMES[1];
    cancel_during_second_stage(
        CancelReason::TimeLimit,
        FailureKind::TimedOut,
        job_failed(
            b,
            FailureKind::TimedOut,
            "time limit reached during transcription",
        ),
    )
    .await;
}

#[tokio::test]
async fn a_shutdown_cancels_the_running_stage_and_interrupts_the_attempt() {
    cancel_during_second_stage(
        CancelReason::Shutdown,
        FailureKind::Cancelled,
        job_interrupted(),
    )
    .await;
}

#[tokio::test]
async fn a_panicking_stage_is_an_internal_failure_and_stops_the_run() {
    let (a, b) = (&NAMES[0], &NAMES[1]);
    let (mut sink, mut seq) = (MockTimingSink::new(), Sequence::new());
    for pred in [
        job_started(),
        stage_started(a),
        stage_failed(a, FailureKind::Internal),
        job_failed(
            a,
            FailureKind::Internal,
            "stage metadata panicked: probe crashed",
        ),
    ] {
        expect(&mut sink, &mut seq, pred);
    }
    let mut boom = stage(a);
    boom.expect_run()
        .times(1)
        .returning(|_| panic!("probe crashed"));
    let mut later = stage(b);
    later.expect_run().times(0);
    let pipeline = SequentialPipeline::new()
        .stage(Arc::new(boom))
        .stage(Arc::new(later));
    let sink = checked(sink);
    pipeline.run(job(), &sink, &Cancellation::new()).await;
    verify(sink);
}

#[tokio::test]
async fn a_panicking_sink_never_fails_the_job() {
    let mut sink = MockTimingSink::new();
    sink.expect_record()
        .times(2 + 2 * NAMES.len())
        .returning(|_| panic!("sink is down"));
    let mut pipeline = SequentialPipeline::builder();
    for name in &NAMES {
        let mut s = stage(name);
        s.expect_run().times(1).returning(|_| Ok(()));
        pipeline = pipeline.with_stage(Arc::new(s));
    }
    let report = pipeline
        .build()
        .run(job(), &sink, &Cancellation::new())
        .await;
    assert_eq!(report.outcome, JobOutcome::Succeeded);
    assert_eq!(report.stages.len(), NAMES.len());
    sink.checkpoint();
}

#[tokio::test]
async fn dropping_the_run_mid_stage_finishes_the_stage_and_the_job_as_cancelled() {
    let (a, b, c) = (&NAMES[0], &NAMES[1], &NAMES[2]);
    let (mut sink, mut seq) = (MockTimingSink::new(), Sequence::new());
    for pred in [
        job_started(),
        stage_started(a),
        stage_ok(a),
        stage_started(b),
        stage_failed(b, FailureKind::Cancelled),
        job_failed(b, FailureKind::Cancelled, ""),
    ] {
        expect(&mut sink, &mut seq, pred);
    }
    let mut first = stage(a);
    first.expect_run().times(1).returning(|_| Ok(()));
    let mut last = stage(c);
    last.expect_run().times(0);
    let pipeline = SequentialPipeline::new()
        .stage(Arc::new(first))
        .stage(Arc::new(Hang(b.clone())))
        .stage(Arc::new(last));
    let (sink, cancel) = (checked(sink), Cancellation::new());
    let run = pipeline.run(job(), &sink, &cancel);
    assert!(
        tokio::time::timeout(Duration::from_millis(20), run)
            .await
            .is_err(),
        "the stage hangs"
    );
    verify(sink);
}
