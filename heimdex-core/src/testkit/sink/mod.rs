//! The sink conformance suite: rows created through the [`Catalog`](crate::Catalog), timing
//! events through the [`TimingSink`](crate::TimingSink), and the rows checked against
//! docs/spec.md#timing-events and [`timing::apply`](crate::timing::apply).

mod events;

use chrono::TimeDelta;

use crate::catalog::Store;
use crate::ids::{UserId, VideoId};
use crate::job::JobOutcome;
use crate::record::{clip_error_message, NewProfile};
use crate::stage::{FailureKind, Outcome, StageName};
use crate::status::VideoStatus;
use crate::time::{self, truncate_micros};
use crate::timing::TimingEvent;

use events::{create, failure, feed, finished, history, new_video, queued, row, stage, started};

/// Drives four videos through the sink of `store` (any store; it only adds rows) and checks each
/// row and its stage history after a flush:
///
/// 1. success: READY, `completed`, queue/start/finish times and the duration, two `ok` stages;
/// 2. failure at a stage: FAILED, `processing_stage` = the failed stage, `error_message` clipped to
///    500 characters, a `failed` stage row with the clipped error;
/// 3. an optional stage that fails: its `failed` row is kept and the video still ends READY;
/// 4. a retry with a late attempt: attempt 2 clears the failure, attempt 1's late job events change
///    nothing while its late stage event still writes attempt 1's stage row; an event that cannot
///    be stored (a duration that does not fit) changes nothing.
///
/// Also: `create_video` for an owner without a profile gives the owner a profile with an empty
/// name (an existing profile keeps its name), and an event for an unknown video is dropped
/// without creating anything. Event times carry nanoseconds; rows keep whole
/// microseconds.
pub async fn sink_conformance(store: &dyn Store) {
    let owner = UserId::new_v4();
    let profile = NewProfile {
        user_id: owner,
        full_name: "Sink Tester".into(),
    };
    store.upsert_profile(profile).await.expect("profile");
    let newcomer = UserId::new_v4();
    let first = store.create_video(new_video(newcomer)).await;
    assert!(
        first.is_ok(),
        "a video whose owner has no profile yet: {first:?}"
    );
    let named = |user| async move {
        let detail = store.user_detail(user).await.expect("the owner's profile");
        (detail.summary.full_name, detail.summary.videos_total)
    };
    assert_eq!(named(newcomer).await, (String::new(), 1), "a bare profile");
    let base = truncate_micros(time::now()) - TimeDelta::hours(1);
    let at = |s: i64| base + TimeDelta::seconds(s) + TimeDelta::nanoseconds(789);
    let us = |s: i64| truncate_micros(at(s));

    // 1. Success.
    let v = create(store, owner).await;
    assert_eq!(
        named(owner).await.0,
        "Sink Tester",
        "an existing profile keeps its name"
    );
    feed(store, [queued(v, at(0)), started(v, 1, at(5))]).await;
    feed(
        store,
        stage(v, 1, StageName::DOWNLOADING, at(5), 2_000, Outcome::Ok),
    )
    .await;
    feed(
        store,
        stage(v, 1, StageName::TRANSCRIPTION, at(7), 13_000, Outcome::Ok),
    )
    .await;
    feed(
        store,
        [finished(v, 1, at(20), 15_000, JobOutcome::Succeeded)],
    )
    .await;
    let got = row(store, v).await;
    assert_eq!(
        (got.status, got.processing_stage.as_deref()),
        (VideoStatus::Ready, Some("completed")),
        "success"
    );
    assert_eq!(
        (
            got.queued_at,
            got.processing_started_at,
            got.processing_finished_at
        ),
        (Some(us(0)), Some(us(5)), Some(us(20))),
        "success times"
    );
    assert_eq!(
        (
            got.processing_duration_ms,
            got.processing_attempt,
            got.error_message.as_deref()
        ),
        (Some(15_000), Some(1), None),
        "success"
    );
    assert!(got.updated_at >= got.created_at, "updated_at moves forward");
    let stages = history(store, v).await;
    assert_eq!(
        stages,
        ["downloading/1/2000/ok", "transcription/1/13000/ok"],
        "success stages"
    );
    let first = &store.stage_timings(v).await.expect("stage timings")[0];
    assert_eq!(
        (first.started_at, first.finished_at, first.error.as_deref()),
        (us(5), Some(us(7)), None)
    );

    // 2. Failure at a stage, with a message longer than 500 characters.
    let message = format!("decoder error: {}", "ü".repeat(600));
    let failed = Outcome::Failed {
        kind: FailureKind::Decode,
        message: message.clone(),
    };
    let v = create(store, owner).await;
    feed(store, [queued(v, at(0)), started(v, 1, at(1))]).await;
    feed(
        store,
        stage(v, 1, StageName::TRANSCRIPTION, at(1), 4_000, failed),
    )
    .await;
    feed(
        store,
        [finished(
            v,
            1,
            at(5),
            4_100,
            failure(StageName::TRANSCRIPTION, &message),
        )],
    )
    .await;
    let got = row(store, v).await;
    assert_eq!(
        (got.status, got.processing_stage.as_deref()),
        (VideoStatus::Failed, Some("transcription")),
        "failure keeps its stage"
    );
    assert_eq!(
        got.error_message,
        Some(clip_error_message(&message)),
        "error clipped to 500 characters"
    );
    assert_eq!(
        (got.processing_finished_at, got.processing_duration_ms),
        (Some(us(5)), Some(4_100)),
        "failure times"
    );
    let rows = store.stage_timings(v).await.expect("stage timings");
    assert_eq!(
        (rows.len(), rows[0].outcome.as_deref()),
        (1, Some("failed")),
        "failed stage row"
    );
    assert_eq!(
        rows[0].error,
        Some(clip_error_message(&message)),
        "stage error clipped"
    );

    // 3. An optional stage fails, the run goes on and succeeds.
    let optional = Outcome::Failed {
        kind: FailureKind::Model,
        message: "no face model".into(),
    };
    let v = create(store, owner).await;
    feed(store, [queued(v, at(0)), started(v, 1, at(1))]).await;
    feed(
        store,
        stage(v, 1, StageName::SCENE_PROCESSING, at(1), 1_000, optional),
    )
    .await;
    feed(
        store,
        stage(v, 1, StageName::INDEXING, at(2), 500, Outcome::Ok),
    )
    .await;
    feed(store, [finished(v, 1, at(3), 2_000, JobOutcome::Succeeded)]).await;
    let got = row(store, v).await;
    assert_eq!(
        (
            got.status,
            got.processing_stage.as_deref(),
            got.error_message.as_deref()
        ),
        (VideoStatus::Ready, Some("completed"), None),
        "optional failure"
    );
    let stages = history(store, v).await;
    assert_eq!(
        stages,
        ["scene_processing/1/1000/failed", "indexing/1/500/ok"],
        "optional stages"
    );

    // 4. Retry after a failure, with late events of the dead attempt.
    let v = create(store, owner).await;
    feed(store, [queued(v, at(0)), started(v, 1, at(1))]).await;
    feed(
        store,
        [finished(
            v,
            1,
            at(2),
            1_000,
            failure(StageName::METADATA, "truncated file"),
        )],
    )
    .await;
    feed(store, [queued(v, at(10)), started(v, 2, at(11))]).await;
    let retried = row(store, v).await;
    assert_eq!(
        (
            retried.status,
            retried.processing_attempt,
            retried.processing_started_at
        ),
        (VideoStatus::Processing, Some(2), Some(us(11))),
        "retry"
    );
    assert_eq!(
        (
            retried.error_message.as_deref(),
            retried.processing_finished_at,
            retried.processing_duration_ms
        ),
        (None, None, None),
        "a new attempt clears the last one's end"
    );
    assert_eq!(
        (retried.queued_at, retried.processing_stage.as_deref()),
        (Some(us(10)), Some("queued")),
        "requeued"
    );
    let late_start = TimingEvent::StageStarted {
        video: v,
        attempt: 1,
        stage: StageName::INDEXING,
        at: at(12),
    };
    let late_end = finished(
        v,
        1,
        at(13),
        9_000,
        failure(StageName::INDEXING, "worker lost its lease"),
    );
    let too_long = finished(v, 2, at(14), u64::from(u32::MAX), JobOutcome::Succeeded);
    feed(
        store,
        [late_start, started(v, 1, at(12)), late_end, too_long],
    )
    .await;
    assert_eq!(
        row(store, v).await,
        retried,
        "late attempt-1 events and an unstorable duration change nothing"
    );
    let late = history(store, v).await;
    assert_eq!(
        late,
        ["indexing/1/-/-"],
        "a late stage event still records its own attempt's stage"
    );
    feed(
        store,
        stage(v, 2, StageName::METADATA, at(15), 700, Outcome::Ok),
    )
    .await;
    assert_eq!(
        row(store, v).await.processing_stage.as_deref(),
        Some("metadata"),
        "attempt 2 stage"
    );
    feed(
        store,
        [finished(v, 2, at(16), 5_000, JobOutcome::Succeeded)],
    )
    .await;
    let done = row(store, v).await;
    assert_eq!(
        (
            done.status,
            done.processing_attempt,
            done.processing_duration_ms
        ),
        (VideoStatus::Ready, Some(2), Some(5_000)),
        "attempt 2 succeeds"
    );

    // An event for a video that does not exist is dropped.
    let ghost = VideoId::new_v4();
    feed(store, [queued(ghost, at(0))]).await;
    assert_eq!(
        store.video(ghost).await.expect("video"),
        None,
        "no row for an unknown video"
    );
}
