//! Codecs other than H.264, made with the ffmpeg CLI: HEVC Main 10 in MP4 (what phones record)
//! and VP9 in WebM each go through `metadata`, scene detection (the cut found on its frame) and
//! keyframes (upright JPEGs with a quality and a perceptual hash).

use heimdex_testsupport::media as media_support;
use heimdex_testsupport::media::keyframes as keyframes_support;

use std::path::PathBuf;

use heimdex_core::{SceneRecord, VideoId};
use heimdex_media::{
    detect_scenes, KeyframeConfig, KeyframeExtractor, MediaFacts, Metadata, SceneDetectionConfig,
};
use keyframes_support::is_jpeg;
use media_support::{run_stage, store_with_video, Clips, FPS};

/// 2 s of `testsrc2`, a hard cut, 2 s of `smptehdbars`, 320×240 at 25 fps, encoded with
/// `encode` into `name`.
fn two_shots(clips: &Clips, name: &str, encode: &[&str]) -> PathBuf {
    let shot = |source: &str| format!("{source}=d=2:s=320x240:r=25");
    let (first, second) = (shot("testsrc2"), shot("smptehdbars"));
    let inputs = ["-f", "lavfi", "-i", &first, "-f", "lavfi", "-i", &second];
    let join = [
        "-filter_complex",
        "[0:v][1:v]concat=n=2:v=1:a=0[v]",
        "-map",
        "[v]",
    ];
    clips.ffmpeg(name, &[&inputs[..], &join[..], encode].concat())
}

async fn assert_goes_through_every_media_stage(clips: &Clips, path: PathBuf, codec: &str) {
    let (store, video) = store_with_video(&path).await;
    let (result, ctx) = run_stage(&Metadata::new(store.clone()), video, &path).await;
    result.unwrap_or_else(|err| panic!("{codec}: {err}"));
    let facts = ctx.get::<MediaFacts>().unwrap();
    assert_eq!(facts.video_codec, codec);
    assert_eq!((facts.width, facts.height, facts.rotation), (320, 240, 0));
    assert!((facts.duration_s - 4.0).abs() < 0.1, "{codec}: {facts:?}");

    let found = detect_scenes(&path, &SceneDetectionConfig::default()).unwrap();
    assert_eq!(found.frames, 100, "{codec}: every frame decodes");
    let cuts = found.scenes.cuts();
    assert_eq!(cuts.len(), 1, "{codec}: {cuts:?}");
    assert!(
        (cuts[0] - 2.0).abs() < 0.5 / FPS,
        "{codec}: cut at {}",
        cuts[0]
    );

    let extractor = KeyframeExtractor::new(KeyframeConfig::with_root(clips.dir.join(codec)));
    let scenes: Vec<SceneRecord> = found
        .scenes
        .0
        .iter()
        .map(|s| SceneRecord::new(s.index, s.start_s, s.end_s))
        .collect();
    let keyframes = extractor
        .extract(&path, VideoId::new_v4(), &scenes)
        .unwrap();
    assert_eq!(keyframes.len(), 2);
    let hashes: Vec<_> = keyframes
        .iter()
        .map(|scene| {
            let best = &scene.frames[0];
            assert!(is_jpeg(&best.path), "{codec}: {best:?}");
            assert!(
                (0.0..=1.0).contains(&best.quality.score),
                "{codec}: {best:?}"
            );
            best.perceptual_hash.expect("a hash")
        })
        .collect();
    assert!(
        hashes[0].distance(hashes[1]) >= 16,
        "{codec}: two different shots"
    );
}

#[tokio::test]
async fn hevc_main_10_in_mp4_goes_through_every_media_stage() {
    let clips = Clips::new("codec-hevc");
    let encode = [
        "-c:v",
        "libx265",
        "-preset",
        "ultrafast",
        "-x265-params",
        "log-level=error",
        "-pix_fmt",
        "yuv420p10le",
        "-tag:v",
        "hvc1",
    ];
    let path = two_shots(&clips, "hevc10.mp4", &encode);
    assert_goes_through_every_media_stage(&clips, path, "hevc").await;
}

#[tokio::test]
async fn vp9_in_webm_goes_through_every_media_stage() {
    let clips = Clips::new("codec-vp9");
    let encode = [
        "-c:v",
        "libvpx-vp9",
        "-deadline",
        "realtime",
        "-cpu-used",
        "8",
        "-pix_fmt",
        "yuv420p",
    ];
    let path = two_shots(&clips, "vp9.webm", &encode);
    assert_goes_through_every_media_stage(&clips, path, "vp9").await;
}
