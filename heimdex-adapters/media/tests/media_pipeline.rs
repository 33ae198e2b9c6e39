//! `media_pipeline` end to end on the memory store: a good clip passes every stage, and each
//! broken source fails at the stage that should catch it while the next job still runs.

use heimdex_testsupport::media as media_support;

use std::sync::Arc;
use std::time::Duration;

use heimdex_core::{Cancellation, FailureKind, Job, JobOutcome, Pipeline, StageName, Store};
use heimdex_media::{media_pipeline, MediaFacts, Scenes};
use media_support::{store_with_video, Clips};

#[tokio::test]
async fn a_clip_passes_every_stage_and_its_row_gets_the_facts() {
    let clips = Clips::new("pipe-ok");
    let (path, _) = clips.hard_cuts("two.mp4", &[("testsrc", 1.6), ("smptehdbars", 1.6)]);
    let (store, video) = store_with_video(&path).await;
    // As the worker holds it: the whole store, upcast to its catalog.
    let whole: Arc<dyn Store> = store.clone();
    let pipeline = media_pipeline(whole, Duration::ZERO);
    let names: Vec<&str> = pipeline.stages().map(|(name, _)| name.as_str()).collect();
    assert_eq!(names, ["downloading", "metadata", "scene_detection"]);

    let job = Job::new(video, path.display().to_string());
    let report = pipeline
        .run(job, store.as_ref(), &Cancellation::new())
        .await;
    assert_eq!(report.outcome, JobOutcome::Succeeded);
    assert_eq!(report.stages.len(), 3);
    let scenes = report.context.get::<Scenes>().unwrap();
    assert_eq!(scenes.0.len(), 2, "{scenes:?}");
    let facts = report.context.get::<MediaFacts>().unwrap();
    use heimdex_core::Catalog;
    let row = store.video(video).await.unwrap().unwrap();
    assert_eq!(row.duration_s, Some(facts.duration_s));
}

#[tokio::test]
async fn each_broken_source_fails_at_its_stage_and_the_next_job_still_runs() {
    let clips = Clips::new("pipe-broken");
    let whole = clips.known_clip("whole.mp4", false);
    let whole_fast = clips.known_clip("whole-fast.mp4", true);
    let cases = [
        (
            clips.random_bytes("noise.mp4", 64 * 1024),
            Some(StageName::METADATA),
        ),
        (
            clips.truncated(&whole, "cut.mp4", 0.5),
            Some(StageName::METADATA),
        ),
        (clips.audio_only("tone.mp4"), Some(StageName::METADATA)),
        (clips.empty("empty.mp4"), Some(StageName::DOWNLOADING)),
        (
            clips.truncated(&whole_fast, "cut-fast.mp4", 0.5),
            Some(StageName::SCENE_DETECTION),
        ),
        (clips.one_frame("one.mp4"), Some(StageName::METADATA)),
        (whole, None),
    ];
    for (path, failing) in cases {
        let (store, video) = store_with_video(&path).await;
        let pipeline = media_pipeline(store.clone(), Duration::ZERO);
        let job = Job::new(video, path.display().to_string());
        let report = pipeline
            .run(job, store.as_ref(), &Cancellation::new())
            .await;
        let shown = path.display();
        match (failing, report.outcome) {
            (None, JobOutcome::Succeeded) => {}
            (
                Some(expected),
                JobOutcome::Failed {
                    stage,
                    kind,
                    message,
                },
            ) => {
                eprintln!("{stage} ({kind}): {message}");
                assert_eq!(stage, expected, "{shown}: {message}");
                assert_eq!(kind, FailureKind::Input, "{shown}: {message}");
                assert!(message.contains(&*shown.to_string()), "{shown}: {message}");
            }
            (expected, outcome) => {
                panic!("{shown}: expected failure at {expected:?}, got {outcome:?}")
            }
        }
    }
}
