//! Keyframes from video as encoders and recorders write it, checked frame by frame against the
//! ffmpeg CLI: with B-frames (the grabber skips the non-reference frames it does not need on the
//! way to a target), in MPEG-TS (no index, so a seek can land between keyframes) and as a raw
//! H.264 stream (no timestamps, no seeking).

use heimdex_testsupport::media as media_support;
use heimdex_testsupport::media::keyframes as keyframes_support;

use std::path::{Path, PathBuf};
use std::process::Command;

use heimdex_core::{SceneRecord, VideoId};
use heimdex_media::{KeyframeConfig, KeyframeExtractor};
use keyframes_support::{frame_gray, image_gray, mean_abs_diff};
use media_support::{Clips, FPS};

/// Seconds of [`textured_clip`].
const SECONDS: f64 = 8.0;

/// An 8 s, 25 fps clip of a moving test pattern whose every frame is also brightened by its own
/// offset (37 levels per frame, modulo 101), so neighbouring frames differ by tens of levels.
/// x264 puts three B-frames between references, the middle one a reference itself
/// (`b-pyramid`), and a keyframe every `keyint` frames.
fn textured_clip(clips: &Clips, name: &str, keyint: u32) -> PathBuf {
    let source = format!(
        "testsrc2=s=320x180:r=25:d={SECONDS},\
         geq=lum='clip(lum(X\\,Y)+mod(N*37\\,101)-50\\,0\\,255)':cb='cb(X\\,Y)':cr='cr(X\\,Y)'"
    );
    let x264 = format!("bframes=3:b-adapt=0:b-pyramid=normal:keyint={keyint}:scenecut=0");
    let encode = [
        "-c:v",
        "libx264",
        "-preset",
        "veryfast",
        "-x264-params",
        &x264,
    ];
    let args = ["-f", "lavfi", "-i", &source, "-pix_fmt", "yuv420p"];
    clips.ffmpeg(name, &[&args[..], &encode[..]].concat())
}

/// The keyframes of `spans` (as scenes) taken from `path` are the first frames at or after their
/// targets (the last frame for targets past it), with the pictures the CLI decodes from
/// `reference` (the same video) at those times. Returns how many were checked.
fn check_keyframes(clips: &Clips, path: &Path, reference: &Path, spans: &[(f64, f64)]) -> usize {
    let last_frame = (SECONDS * FPS - 1.0) / FPS;
    let scenes: Vec<SceneRecord> = spans
        .iter()
        .zip(0u32..)
        .map(|(&(start, end), i)| SceneRecord::new(i, start, end))
        .collect();
    let extractor = KeyframeExtractor::new(KeyframeConfig::with_root(clips.dir.join("kf")));
    let found = extractor.extract(path, VideoId::new_v4(), &scenes).unwrap();
    let mut checked = 0;
    for keyframe in found.iter().flat_map(|scene| &scene.frames) {
        let target = keyframe.target_s;
        let expected = ((target * FPS - 1e-9).ceil() / FPS).min(last_frame);
        assert!(
            (keyframe.time_s - expected).abs() < 1e-6,
            "{}: for {target:.3} s took the frame at {:.3} s, expected {expected:.3} s",
            path.display(),
            keyframe.time_s
        );
        // Up to JPEG's loss; a neighbouring frame is tens of levels off, a frame decoded
        // from a missing reference as much.
        let cli = frame_gray(reference, Some(expected));
        let diff = mean_abs_diff(&image_gray(&keyframe.path), &cli);
        assert!(
            diff < 2.0,
            "frame at {expected:.3} s: mean difference {diff:.2}"
        );
        checked += 1;
    }
    checked
}

/// The picture types of `path`'s frames in presentation order, as ffprobe reports them.
fn picture_types(path: &Path) -> String {
    let out = Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-select_streams",
            "v:0",
            "-show_entries",
            "frame=pict_type",
        ])
        .args(["-of", "default=noprint_wrappers=1:nokey=1"])
        .arg(path)
        .output()
        .expect("ffprobe is installed with the ffmpeg CLI");
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .collect()
}

#[test]
fn keyframes_of_b_frame_video_are_the_frames_the_cli_shows_at_their_times() {
    let clips = Clips::new("keyframes-bframes");
    let path = textured_clip(&clips, "bframes.mp4", 250);
    let types = picture_types(&path);
    assert_eq!(types.len(), (SECONDS * FPS) as usize, "{types}");
    assert_eq!(types.matches('I').count(), 1, "one keyframe: {types}");
    assert!(
        types.matches('B').count() >= types.len() / 2,
        "mostly B-frames: {types}"
    );

    // Targets reached by seeking back to the start and by decoding on, landing on frames of
    // every picture type, out of order, and past the end (the last frame is taken).
    let spans = [(0.0, 8.0), (0.5, 3.3), (2.9, 7.7), (6.1, 7.3), (7.0, 12.0)];
    assert_eq!(
        check_keyframes(&clips, &path, &path, &spans),
        3 + 1 + 2 + 1 + 2
    );
}

#[test]
fn keyframes_of_mpeg_ts_are_exact_though_its_seeks_land_between_keyframes() {
    let clips = Clips::new("keyframes-ts");
    // A keyframe every second (a seek lands between two and would overshoot), and one at the
    // start only (a seek lands where nothing after it decodes).
    for (keyint, name) in [(25, "dense"), (250, "sparse")] {
        let mp4 = textured_clip(&clips, &format!("{name}.mp4"), keyint);
        let ts = clips.ffmpeg(
            &format!("{name}.ts"),
            &["-i", mp4.to_str().unwrap(), "-c", "copy"],
        );
        let spans = [(0.0, 1.2), (1.3, 3.3), (3.3, 7.9), (0.4, 1.0)];
        assert_eq!(
            check_keyframes(&clips, &ts, &mp4, &spans),
            1 + 1 + 2 + 1,
            "{name}"
        );
    }
}

#[test]
fn keyframes_of_a_raw_h264_stream_are_counted_from_its_start() {
    let clips = Clips::new("keyframes-raw");
    let mp4 = textured_clip(&clips, "raw.mp4", 50);
    let raw = clips.ffmpeg(
        "raw.h264",
        &["-i", mp4.to_str().unwrap(), "-c", "copy", "-f", "h264"],
    );
    // Forward by decoding on (near and far), back by reading from the start again, and past
    // the end.
    let spans = [(0.0, 1.2), (1.3, 3.3), (3.3, 7.9), (0.4, 1.0), (7.5, 9.0)];
    assert_eq!(
        check_keyframes(&clips, &raw, &mp4, &spans),
        1 + 1 + 2 + 1 + 1
    );
}
