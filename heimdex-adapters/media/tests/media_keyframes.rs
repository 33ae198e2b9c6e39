//! The keyframe part of `scene_processing` on clips made with the ffmpeg CLI: how many keyframes
//! a scene gets and from when, what they score, where they are written, and how a missing or
//! broken source fails.

use heimdex_testsupport::media as media_support;
use heimdex_testsupport::media::keyframes as keyframes_support;

use heimdex_core::{FailureKind, IndexedScenes, SceneRecord, Stage, VideoId};
use heimdex_media::{
    KeyframeConfig, KeyframeExtractor, SceneFrames, SceneKeyframes, MIN_BRIGHTNESS,
};
use keyframes_support::{
    file_names, image_mean_gray, is_jpeg, job_with_scenes, level_of_second, second_of_level,
    seconds_clip,
};
use media_support::{failure, Clips, FPS};

/// An extractor writing under the clips' folder (removed with it).
fn extractor(clips: &Clips) -> KeyframeExtractor {
    KeyframeExtractor::new(KeyframeConfig::with_root(clips.dir.join("keyframes")))
}

/// Runs `scene_processing` (keyframes only) on `path` with `spans` as the scenes.
async fn scene_frames(
    frames: &KeyframeExtractor,
    video: VideoId,
    path: &std::path::Path,
    spans: &[(f64, f64)],
) -> Result<Vec<SceneRecord>, heimdex_core::StageError> {
    let mut ctx = job_with_scenes(video, path, spans);
    SceneFrames::new(frames.clone()).run(&mut ctx).await?;
    Ok(ctx
        .get::<IndexedScenes>()
        .expect("IndexedScenes left")
        .0
        .clone())
}

/// The first frame at or after `t` in a 25 fps clip starting at 0.
fn first_frame_at_or_after(t: f64) -> f64 {
    (t * FPS - 1e-9).ceil() / FPS
}

#[tokio::test]
async fn scenes_of_1_3_and_10_seconds_get_1_1_and_3_keyframes_at_evenly_spaced_times() {
    let clips = Clips::new("keyframes-times");
    let path = seconds_clip(&clips, "seconds.mp4", 14);
    let frames = extractor(&clips);
    let video = VideoId::new_v4();
    let scenes: Vec<SceneRecord> = [(0.0, 1.0), (1.0, 4.0), (4.0, 14.0)]
        .iter()
        .zip(0u32..)
        .map(|(&(s, e), i)| SceneRecord::new(i, s, e))
        .collect();
    let (moved, source) = (frames.clone(), path.clone());
    let found: Vec<SceneKeyframes> =
        tokio::task::spawn_blocking(move || moved.extract(&source, video, &scenes))
            .await
            .unwrap()
            .unwrap();

    let targets: Vec<Vec<f64>> = found
        .iter()
        .map(|s| s.frames.iter().map(|k| k.target_s).collect())
        .collect();
    assert_eq!(targets, vec![vec![0.5], vec![2.5], vec![6.5, 9.0, 11.5]]);
    let dir = frames.config().dir_for(video, 1);
    for scene in &found {
        for (k, frame) in scene.frames.iter().enumerate() {
            let expected = first_frame_at_or_after(frame.target_s);
            assert!(
                (frame.time_s - expected).abs() < 1e-6,
                "scene {} frame {k}: took the frame at {} for {}, expected {expected}",
                scene.index,
                frame.time_s,
                frame.target_s
            );
            let name = format!("scene_{}_frame_{k}.jpg", scene.index);
            assert_eq!(frame.path, dir.join(&name));
            assert!(is_jpeg(&frame.path), "{name} is a JPEG");
            // The picture written is the one from that second (9.0 s is the first frame of
            // second 9, not the last of second 8).
            let second = frame.target_s.floor() as usize;
            let written = image_mean_gray(&frame.path);
            assert_eq!(second_of_level(written), second, "{name}: gray {written}");
            assert!(
                (frame.quality.brightness - level_of_second(second)).abs() < 3.0,
                "{name}: measured brightness {}",
                frame.quality.brightness
            );
        }
    }
}

#[tokio::test]
async fn a_black_scene_scores_below_a_sharp_pattern_and_is_not_informative() {
    let clips = Clips::new("keyframes-black");
    let (path, _) = clips.hard_cuts("black.mp4", &[("color=c=black", 2.0), ("testsrc", 2.0)]);
    let frames = extractor(&clips);
    let video = VideoId::new_v4();
    let records = vec![SceneRecord::new(0, 0.0, 2.0), SceneRecord::new(1, 2.0, 4.0)];
    let moved = frames.clone();
    let found = tokio::task::spawn_blocking(move || moved.extract(&path, video, &records))
        .await
        .unwrap()
        .unwrap();
    let black = found[0].frames[0].quality;
    let pattern = found[1].frames[0].quality;
    assert!(black.brightness < MIN_BRIGHTNESS, "{black:?}");
    assert!(!black.informative, "{black:?}");
    assert!(pattern.informative, "{pattern:?}");
    assert!(black.score < pattern.score, "{black:?} vs {pattern:?}");
    assert!(
        black.score < 0.05,
        "black and flat scores about 0: {black:?}"
    );
}

#[tokio::test]
async fn a_blurred_pattern_scores_below_the_sharp_one_and_the_stage_ranks_frames_best_first() {
    let clips = Clips::new("keyframes-blur");
    let sharp = clips.shot("sharp.mp4", "testsrc", 4.0, "null");
    let blurred = clips.shot("blurred.mp4", "testsrc", 4.0, "boxblur=10:2");
    let frames = extractor(&clips);
    let spans = [(0.0, 4.0)];
    let sharp = scene_frames(&frames, VideoId::new_v4(), &sharp, &spans)
        .await
        .unwrap();
    let blurred = scene_frames(&frames, VideoId::new_v4(), &blurred, &spans)
        .await
        .unwrap();
    let (sharp, blurred) = (&sharp[0], &blurred[0]);
    assert_eq!((sharp.keyframes.len(), blurred.keyframes.len()), (2, 2));
    let (q_sharp, q_blurred) = (sharp.quality.unwrap(), blurred.quality.unwrap());
    assert!(
        q_blurred < q_sharp,
        "blurred {q_blurred} vs sharp {q_sharp}"
    );
    for q in [q_sharp, q_blurred] {
        assert!((0.0..=1.0).contains(&q), "{q}");
    }
}

#[tokio::test]
async fn the_stage_keeps_earlier_scene_fields_and_puts_the_best_keyframe_first() {
    let clips = Clips::new("keyframes-rank");
    // One 4 s scene over 2 s of black then 2 s of pattern: its two keyframes (at 1.33 s and
    // 2.67 s) are black then pattern, so the later, sharper one must come first.
    let (path, _) = clips.hard_cuts("rank.mp4", &[("color=c=black", 2.0), ("testsrc", 2.0)]);
    let frames = extractor(&clips);
    let video = VideoId::new_v4();
    let mut ctx = job_with_scenes(video, &path, &[(0.0, 1.0), (1.0, 4.0)]);
    let mut spoken = SceneRecord::new(0, 0.0, 4.0);
    spoken.transcript = "hello there".into();
    ctx.insert(IndexedScenes(vec![spoken]));
    SceneFrames::new(frames.clone())
        .run(&mut ctx)
        .await
        .unwrap();
    let scenes = &ctx.get::<IndexedScenes>().unwrap().0;
    assert_eq!(scenes.len(), 1, "IndexedScenes win over Scenes");
    let scene = &scenes[0];
    assert_eq!(scene.transcript, "hello there", "earlier fields are kept");
    let dir = frames.config().dir_for(video, 1);
    let expected = [
        dir.join("scene_0_frame_1.jpg"),
        dir.join("scene_0_frame_0.jpg"),
    ];
    let expected: Vec<String> = expected.iter().map(|p| p.display().to_string()).collect();
    assert_eq!(scene.keyframes, expected, "the pattern frame first");
    let best = image_mean_gray(std::path::Path::new(&scene.keyframes[0]));
    assert!(
        best > 30.0,
        "the first keyframe is the pattern, not black: {best}"
    );
    assert!(scene.quality.unwrap() > 0.5, "{:?}", scene.quality);
}

#[tokio::test]
async fn processing_a_video_again_replaces_its_keyframes_instead_of_adding_more() {
    let clips = Clips::new("keyframes-rerun");
    let gray = seconds_clip(&clips, "gray.mp4", 6);
    let (pattern, _) = clips.hard_cuts("pattern.mp4", &[("testsrc", 4.0)]);
    let frames = extractor(&clips);
    let video = VideoId::new_v4();
    let dir = frames.config().dir_for(video, 1);

    let first = scene_frames(&frames, video, &gray, &[(0.0, 6.0)])
        .await
        .unwrap();
    assert_eq!(first[0].keyframes.len(), 3);
    let names = [
        "scene_0_frame_0.jpg",
        "scene_0_frame_1.jpg",
        "scene_0_frame_2.jpg",
    ];
    assert_eq!(file_names(&dir), names);
    let before = image_mean_gray(&dir.join("scene_0_frame_0.jpg"));

    let again = scene_frames(&frames, video, &gray, &[(0.0, 6.0)])
        .await
        .unwrap();
    assert_eq!(again, first, "the same input gives the same keyframes");
    assert_eq!(file_names(&dir), names, "no duplicates");

    // Another source for the same video: 4 s is two keyframes; the third file is gone and the
    // first now holds the new picture.
    let other = scene_frames(&frames, video, &pattern, &[(0.0, 4.0)])
        .await
        .unwrap();
    assert_eq!(other[0].keyframes.len(), 2);
    assert_eq!(file_names(&dir), names[..2]);
    let after = image_mean_gray(&dir.join("scene_0_frame_0.jpg"));
    assert!(
        (after - before).abs() > 10.0,
        "overwritten: {before} then {after}"
    );
}

#[tokio::test]
async fn a_vanished_source_fails_as_input_naming_the_file() {
    let clips = Clips::new("keyframes-gone");
    let path = clips.dir.join("gone.mp4");
    let err = failure(
        scene_frames(&extractor(&clips), VideoId::new_v4(), &path, &[(0.0, 2.0)])
            .await
            .map(drop),
        "a missing source",
    );
    assert_eq!(err.kind, FailureKind::Input, "{}", err.message);
    assert!(err.message.contains("keyframes"), "{}", err.message);
    assert!(err.message.contains("gone.mp4"), "{}", err.message);
    assert!(err.message.contains("not found"), "{}", err.message);
}

#[tokio::test]
async fn a_source_that_is_not_media_fails_as_input() {
    let clips = Clips::new("keyframes-junk");
    let path = clips.random_bytes("junk.mp4", 64 * 1024);
    let err = failure(
        scene_frames(&extractor(&clips), VideoId::new_v4(), &path, &[(0.0, 2.0)])
            .await
            .map(drop),
        "random bytes",
    );
    assert_eq!(err.kind, FailureKind::Input, "{}", err.message);
    assert!(err.message.contains("junk.mp4"), "{}", err.message);
}

#[tokio::test]
async fn without_scenes_the_stage_fails_as_internal() {
    let clips = Clips::new("keyframes-noscenes");
    let path = clips.shot("one.mp4", "testsrc", 1.0, "null");
    let mut ctx = heimdex_core::JobContext::new(heimdex_core::Job::new(
        VideoId::new_v4(),
        path.display().to_string(),
    ));
    let err = failure(
        SceneFrames::new(extractor(&clips)).run(&mut ctx).await,
        "no scenes",
    );
    assert_eq!(err.kind, FailureKind::Internal);
    assert!(err.message.contains("no scenes"), "{}", err.message);
}
