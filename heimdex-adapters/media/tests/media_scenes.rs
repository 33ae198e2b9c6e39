//! The `scene_detection` stage on clips made with the ffmpeg CLI: hard cuts at known times are
//! found within a frame, fades and static shots are not cut, and broken clips fail clearly.

use heimdex_testsupport::media as media_support;

use std::path::Path;

use heimdex_core::{FailureKind, Job, JobContext, Stage, VideoId};
use heimdex_media::{
    detect_scenes, MediaFacts, Metadata, SceneDetection, SceneDetectionConfig, Scenes,
};
use media_support::{failure, run_stage, store_with_video, Clips, FPS};

/// Runs `metadata` then `scene_detection` on `path` and returns the context.
async fn metadata_then_scenes(path: &Path, config: SceneDetectionConfig) -> JobContext {
    let (store, video) = store_with_video(path).await;
    let mut ctx = JobContext::new(Job::new(video, path.display().to_string()));
    Metadata::new(store).run(&mut ctx).await.unwrap();
    SceneDetection::new(config).run(&mut ctx).await.unwrap();
    ctx
}

/// The defaults, but with every frame decoded exactly (deblocking on).
fn exact_decoding() -> SceneDetectionConfig {
    SceneDetectionConfig {
        skip_deblocking: false,
        ..SceneDetectionConfig::default()
    }
}

fn assert_cuts_match(found: &[f64], expected: &[f64]) {
    assert_eq!(
        found.len(),
        expected.len(),
        "cuts {found:?}, expected {expected:?}"
    );
    for (f, e) in found.iter().zip(expected) {
        assert!(
            (f - e).abs() <= 1.0 / FPS + 1e-6,
            "cut at {f}, expected {e} (±1 frame)"
        );
    }
}

fn assert_one_scene(scenes: &Scenes, duration_s: f64) {
    assert_eq!(scenes.0.len(), 1, "{scenes:?}");
    assert_eq!((scenes.0[0].start_s, scenes.0[0].end_s), (0.0, duration_s));
}

#[tokio::test]
async fn five_segments_with_hard_cuts_are_five_scenes_cut_within_a_frame() {
    let clips = Clips::new("scenes-cuts");
    let (path, expected) = clips.hard_cuts(
        "cuts.mp4",
        &[
            ("testsrc", 2.0),
            ("smptehdbars", 1.6),
            ("color=c=navy", 3.0),
            ("testsrc2", 2.4),
            ("rgbtestsrc", 1.8),
        ],
    );
    let ctx = metadata_then_scenes(&path, SceneDetectionConfig::default()).await;
    let duration = ctx.get::<MediaFacts>().unwrap().duration_s;
    let scenes = ctx.get::<Scenes>().expect("scene_detection leaves Scenes");
    assert_cuts_match(&scenes.cuts(), &expected);
    let indices: Vec<u32> = scenes.0.iter().map(|s| s.index).collect();
    assert_eq!(indices, vec![0, 1, 2, 3, 4]);
    assert_eq!(scenes.0[0].start_s, 0.0);
    assert_eq!(scenes.0[4].end_s, duration);
    for pair in scenes.0.windows(2) {
        assert_eq!(pair[0].end_s, pair[1].start_s, "no gap between scenes");
    }

    // Without the metadata stage's facts the stage probes the file itself and agrees, and so
    // does decoding every frame exactly (deblocking on).
    let alone = tokio::task::spawn_blocking(move || detect_scenes(&path, &exact_decoding()))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(&alone.scenes, scenes);
    assert_eq!(alone.frames, (duration * FPS).round() as usize);
}

#[tokio::test]
async fn a_raw_h264_stream_without_timestamps_is_cut_where_its_mp4_is() {
    let clips = Clips::new("scenes-raw");
    let (mp4, expected) = clips.hard_cuts(
        "cuts.mp4",
        &[("testsrc", 1.6), ("smptehdbars", 1.2), ("testsrc2", 1.4)],
    );
    let raw = clips.ffmpeg("cuts.h264", &["-i", mp4.to_str().unwrap(), "-c", "copy"]);
    let ctx = metadata_then_scenes(&raw, SceneDetectionConfig::default()).await;
    let duration = ctx.get::<MediaFacts>().unwrap().duration_s;
    assert!((duration - 4.2).abs() < 1e-9, "duration {duration}");
    let scenes = ctx.get::<Scenes>().unwrap();
    assert_cuts_match(&scenes.cuts(), &expected);
    assert_eq!(scenes.0.last().unwrap().end_s, duration);
}

#[tokio::test]
async fn a_10_bit_clip_is_cut_where_its_8_bit_source_is() {
    // 10-bit frames take their own path through the scorer (rows binned in 16-bit samples).
    let clips = Clips::new("scenes-10-bit");
    let (mp4, expected) = clips.hard_cuts(
        "cuts.mp4",
        &[("testsrc", 1.6), ("smptehdbars", 1.2), ("testsrc2", 1.4)],
    );
    let high_10 = [
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        "-pix_fmt",
        "yuv420p10le",
    ];
    let source = ["-i", mp4.to_str().unwrap()];
    let ten_bit = clips.ffmpeg("cuts10.mp4", &[&source[..], &high_10[..]].concat());
    let found = tokio::task::spawn_blocking(move || {
        detect_scenes(&ten_bit, &SceneDetectionConfig::default())
    })
    .await
    .unwrap()
    .unwrap();
    assert_eq!(found.frames, (4.2 * FPS).round() as usize);
    assert_cuts_match(&found.scenes.cuts(), &expected);
}

#[tokio::test]
async fn a_shot_fading_in_and_out_of_black_is_one_scene() {
    let clips = Clips::new("scenes-fade");
    let path = clips.shot(
        "fade.mp4",
        "testsrc2",
        6.0,
        "fade=t=in:st=0:d=1,fade=t=out:st=5:d=1",
    );
    for config in [SceneDetectionConfig::default(), exact_decoding()] {
        let ctx = metadata_then_scenes(&path, config).await;
        let duration = ctx.get::<MediaFacts>().unwrap().duration_s;
        assert_one_scene(ctx.get::<Scenes>().unwrap(), duration);
    }
}

#[tokio::test]
async fn a_static_shot_is_one_scene_spanning_the_video() {
    let clips = Clips::new("scenes-static");
    let path = clips.shot("static.mp4", "smptebars", 5.0, "null");
    let ctx = metadata_then_scenes(&path, SceneDetectionConfig::default()).await;
    let duration = ctx.get::<MediaFacts>().unwrap().duration_s;
    assert!((duration - 5.0).abs() < 0.05, "{duration}");
    assert_one_scene(ctx.get::<Scenes>().unwrap(), duration);
}

#[tokio::test]
async fn with_both_tests_disabled_the_video_falls_back_to_one_scene() {
    let clips = Clips::new("scenes-off");
    let (path, _) = clips.hard_cuts("two.mp4", &[("testsrc", 1.2), ("smptehdbars", 1.2)]);
    let off = SceneDetectionConfig {
        content_threshold: f64::INFINITY,
        adaptive_threshold: f64::INFINITY,
        ..SceneDetectionConfig::default()
    };
    let ctx = metadata_then_scenes(&path, off).await;
    let duration = ctx.get::<MediaFacts>().unwrap().duration_s;
    assert_one_scene(ctx.get::<Scenes>().unwrap(), duration);
    // The same clip with the defaults has its cut.
    let ctx = metadata_then_scenes(&path, SceneDetectionConfig::default()).await;
    assert_cuts_match(&ctx.get::<Scenes>().unwrap().cuts(), &[1.2]);
}

#[tokio::test]
async fn a_one_frame_video_fails_here_too_when_run_without_metadata() {
    let clips = Clips::new("scenes-one");
    let path = clips.one_frame("one.mp4");
    let mut ctx = JobContext::new(Job::new(VideoId::new_v4(), path.display().to_string()));
    let err = failure(SceneDetection::default().run(&mut ctx).await, "one frame");
    assert_eq!(err.kind, FailureKind::Input, "{}", err.message);
    assert!(
        err.message.contains("single video frame"),
        "{}",
        err.message
    );
    assert!(ctx.get::<Scenes>().is_none());
}

#[tokio::test]
async fn a_file_cut_off_after_an_intact_header_fails_here_as_truncated() {
    let clips = Clips::new("scenes-cut");
    let whole = clips.known_clip("whole.mp4", true);
    let path = clips.truncated(&whole, "cut.mp4", 0.5);
    let (store, video) = store_with_video(&path).await;
    let mut ctx = JobContext::new(Job::new(video, path.display().to_string()));
    // The index at the front survived: metadata still reads the whole clip's facts.
    Metadata::new(store).run(&mut ctx).await.unwrap();
    let err = failure(SceneDetection::default().run(&mut ctx).await, "truncated");
    assert_eq!(err.kind, FailureKind::Input, "{}", err.message);
    assert!(err.message.contains("truncated"), "{}", err.message);
    assert!(
        err.message.contains("of the 100 video frames"),
        "{}",
        err.message
    );
    assert!(ctx.get::<Scenes>().is_none());
}

#[tokio::test]
async fn sources_that_are_not_video_fail_as_input_without_metadata_first() {
    let clips = Clips::new("scenes-broken");
    let cases = [
        (clips.random_bytes("noise.mp4", 4096), "not a media file"),
        (clips.audio_only("tone.mp4"), "has no video stream"),
    ];
    let stage = SceneDetection::default();
    for (path, expected) in cases {
        let (result, _) = run_stage(&stage, VideoId::new_v4(), &path).await;
        let err = failure(result, &path.display().to_string());
        assert_eq!(err.kind, FailureKind::Input, "{}", err.message);
        assert!(err.message.contains(expected), "{}", err.message);
    }
}
