//! Keyframes' perceptual hashes on clips made with the ffmpeg CLI: the same shot hashes alike
//! after re-encoding at another size, different shots do not, the hash is that of the JPEG
//! written, and a scene carries its best keyframe's hash.

use heimdex_testsupport::media as media_support;
use heimdex_testsupport::media::keyframes as keyframes_support;

use std::path::{Path, PathBuf};

use heimdex_core::{PerceptualHash, SceneRecord, VideoId};
use heimdex_media::{KeyframeConfig, KeyframeExtractor, SceneKeyframes};
use keyframes_support::image_gray;
use media_support::Clips;

/// Three still test patterns, 2 s each, cut hard.
const SHOTS: [(&str, f64); 3] = [("smptehdbars", 2.0), ("testsrc", 2.0), ("testsrc2", 2.0)];

/// The keyframes of `spans` in `path`, written under the clips' folder.
async fn keyframes(clips: &Clips, path: &Path, spans: &[(f64, f64)]) -> Vec<SceneKeyframes> {
    let frames = KeyframeExtractor::new(KeyframeConfig::with_root(clips.dir.join("keyframes")));
    let scenes: Vec<SceneRecord> = (0u32..)
        .zip(spans)
        .map(|(i, &(start, end))| SceneRecord::new(i, start, end))
        .collect();
    let path = path.to_owned();
    tokio::task::spawn_blocking(move || frames.extract(&path, VideoId::new_v4(), &scenes))
        .await
        .unwrap()
        .unwrap()
}

/// The hash of each scene's first keyframe.
fn first_hashes(found: &[SceneKeyframes]) -> Vec<PerceptualHash> {
    found
        .iter()
        .map(|s| s.frames[0].perceptual_hash.expect("a picture has a hash"))
        .collect()
}

/// The hash of the image file at `path`, decoded to gray by the ffmpeg CLI.
fn file_hash(path: &Path, width: usize, height: usize) -> PerceptualHash {
    let gray = image_gray(path);
    assert_eq!(gray.len(), width * height, "{}", path.display());
    PerceptualHash::of_gray(&gray, width, height, width).unwrap()
}

fn spans() -> Vec<(f64, f64)> {
    vec![(0.0, 2.0), (2.0, 4.0), (4.0, 6.0)]
}

#[tokio::test]
async fn a_shot_hashes_alike_at_half_size_and_heavy_compression_and_other_shots_do_not() {
    let clips = Clips::new("phash-shots");
    let (full, _) = clips.hard_cuts("shots.mp4", &SHOTS);
    let full_arg = full.display().to_string();
    let small: PathBuf = clips.ffmpeg(
        "small.mp4",
        &[
            "-i",
            &full_arg,
            "-vf",
            "scale=640:360",
            "-c:v",
            "libx264",
            "-crf",
            "40",
        ],
    );
    let full = first_hashes(&keyframes(&clips, &full, &spans()).await);
    let small = first_hashes(&keyframes(&clips, &small, &spans()).await);
    for (i, (a, b)) in full.iter().zip(&small).enumerate() {
        assert!(a.distance(*b) <= 4, "shot {i}: {a} at 720p, {b} at 360p");
    }
    for i in 0..full.len() {
        for j in i + 1..full.len() {
            let (a, b) = (full[i], full[j]);
            assert!(a.distance(b) >= 16, "shots {i} and {j}: {a} and {b}");
        }
    }
}

#[tokio::test]
async fn the_hash_is_that_of_the_keyframe_written() {
    let clips = Clips::new("phash-written");
    let (path, _) = clips.hard_cuts("shots.mp4", &SHOTS);
    for scene in keyframes(&clips, &path, &spans()).await {
        for frame in &scene.frames {
            let kept = frame.perceptual_hash.unwrap();
            let written = file_hash(&frame.path, 1280, 720);
            assert!(
                kept.distance(written) <= 2,
                "{}: {kept} kept, {written} in the file",
                frame.path.display()
            );
        }
    }
}

#[tokio::test]
async fn a_scene_carries_the_hash_of_its_best_keyframe() {
    let clips = Clips::new("phash-best");
    // One 4 s scene, black then a pattern: its keyframes are at 1.33 s (black) and 2.67 s
    // (pattern), and the pattern ranks first.
    let (path, _) = clips.hard_cuts("rank.mp4", &[("color=c=black", 2.0), ("testsrc", 2.0)]);
    let found = keyframes(&clips, &path, &[(0.0, 4.0)]).await;
    let (black, pattern) = (&found[0].frames[0], &found[0].frames[1]);
    assert_eq!(found[0].ranked()[0], pattern);
    assert_ne!(black.perceptual_hash, pattern.perceptual_hash);
    let mut scene = SceneRecord::new(0, 0.0, 4.0);
    found[0].apply_to(&mut scene);
    assert_eq!(scene.perceptual_hash, pattern.perceptual_hash);
}
