//! Decode-only against scene-detection speed on a generated 60 s 720p H.264 clip. Ignored by
//! default (it measures, it asserts nothing about time); run it in release:
//!
//! `cargo test --release -p heimdex-adapters --features media --test media_speed -- --ignored --nocapture`

use heimdex_testsupport::media as media_support;

use std::time::Instant;

use heimdex_media::{decode_only, detect_scenes, SceneDetectionConfig};
use media_support::Clips;

#[test]
#[ignore = "a measurement: run in release with --ignored --nocapture"]
fn decode_only_against_scene_detection_frames_per_second() {
    let clips = Clips::new("speed");
    // Twelve 5 s shots of four patterns, x264 `veryfast` (B-frames, CABAC: a typical stream).
    let sources = ["testsrc2", "smptehdbars", "testsrc", "rgbtestsrc"];
    let segments: Vec<(&str, f64)> = (0..12).map(|i| (sources[i % 4], 5.0)).collect();
    let (path, cuts) = clips.hard_cuts_with("sixty.mp4", &segments, "veryfast");

    let mut best = (f64::MAX, f64::MAX);
    let mut frames = 0;
    let mut found = Vec::new();
    for _ in 0..3 {
        let start = Instant::now();
        // Decoded as scene detection decodes it (deblocking skipped): the work it adds is scoring.
        frames = decode_only(&path, &SceneDetectionConfig::default()).unwrap();
        best.0 = best.0.min(start.elapsed().as_secs_f64());
        let start = Instant::now();
        let detected = detect_scenes(&path, &SceneDetectionConfig::default()).unwrap();
        best.1 = best.1.min(start.elapsed().as_secs_f64());
        assert_eq!(detected.frames, frames);
        found = detected.scenes.cuts();
    }
    let (decode_fps, detect_fps) = (frames as f64 / best.0, frames as f64 / best.1);
    println!(
        "frames: {frames}, cores: {}",
        std::thread::available_parallelism().unwrap()
    );
    println!(
        "decode only:     {decode_fps:.0} frames/s (best of 3, {:.2} s)",
        best.0
    );
    println!(
        "scene detection: {detect_fps:.0} frames/s (best of 3, {:.2} s)",
        best.1
    );
    println!("ratio: {:.1} %", 100.0 * detect_fps / decode_fps);
    println!("cuts: {} found, {} made", found.len(), cuts.len());
}
