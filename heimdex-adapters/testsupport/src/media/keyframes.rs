//! Helpers of the keyframe tests: clips whose gray level tells the second, jobs with given
//! scenes, and reading back a JPEG's pixels with the ffmpeg CLI.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use heimdex_core::{Job, JobContext, VideoId};
use heimdex_stages::{Scene, Scenes};

use super::Clips;

/// The gray level (0–255) of second `s` of [`seconds_clip`]: 20, 35, 50, … (15 apart).
pub fn level_of_second(s: usize) -> f64 {
    20.0 + 15.0 * s as f64
}

/// A 720p, 25 fps clip of `seconds` one-second solid gray shots, second `s` at
/// [`level_of_second`]`(s)`: which second a frame comes from shows in its brightness.
pub fn seconds_clip(clips: &Clips, name: &str, seconds: usize) -> PathBuf {
    let sources: Vec<String> = (0..seconds)
        .map(|s| {
            let v = level_of_second(s) as u8;
            format!("color=c=0x{v:02x}{v:02x}{v:02x}")
        })
        .collect();
    let segments: Vec<(&str, f64)> = sources.iter().map(|s| (s.as_str(), 1.0)).collect();
    clips.hard_cuts(name, &segments).0
}

/// The second of [`seconds_clip`] whose level is nearest `gray`.
pub fn second_of_level(gray: f64) -> usize {
    ((gray - 20.0) / 15.0).round().max(0.0) as usize
}

/// A job for `video` reading `path`, with `spans` (start, end) as `scene_detection`'s scenes.
pub fn job_with_scenes(video: VideoId, path: &Path, spans: &[(f64, f64)]) -> JobContext {
    let mut ctx = JobContext::new(Job::new(video, path.display().to_string()));
    ctx.insert(scenes(spans));
    ctx
}

/// `spans` as [`Scenes`], indexed from 0.
pub fn scenes(spans: &[(f64, f64)]) -> Scenes {
    Scenes(
        spans
            .iter()
            .zip(0u32..)
            .map(|(&(start_s, end_s), index)| Scene {
                index,
                start_s,
                end_s,
            })
            .collect(),
    )
}

/// The pixels of the image file at `path` as 8-bit gray, row by row, decoded by the ffmpeg CLI.
pub fn image_gray(path: &Path) -> Vec<u8> {
    frame_gray(path, None)
}

/// The first frame of `path` (from `seek_s` seconds on, when given) as 8-bit gray, row by row,
/// decoded by the ffmpeg CLI with its defaults (a video's display rotation applied).
pub fn frame_gray(path: &Path, seek_s: Option<f64>) -> Vec<u8> {
    let seek = seek_s.map(|t| format!("{t:.3}"));
    let seek: Vec<&str> = seek.iter().flat_map(|t| ["-ss", t.as_str()]).collect();
    let out = Command::new("ffmpeg")
        .args(["-hide_banner", "-nostdin", "-loglevel", "error"])
        .args(&seek)
        .arg("-i")
        .arg(path)
        .args(["-frames:v", "1", "-pix_fmt", "gray", "-f", "rawvideo", "-"])
        .output()
        .expect("the ffmpeg CLI is installed");
    assert!(
        out.status.success(),
        "ffmpeg cannot decode {}",
        path.display()
    );
    assert!(!out.stdout.is_empty());
    out.stdout
}

/// The mean absolute difference of two gray pictures of the same size, in levels.
pub fn mean_abs_diff(a: &[u8], b: &[u8]) -> f64 {
    assert_eq!(a.len(), b.len(), "same size");
    let total: u64 = a
        .iter()
        .zip(b)
        .map(|(&x, &y)| u64::from(x.abs_diff(y)))
        .sum();
    total as f64 / a.len() as f64
}

/// The mean gray level of the image file at `path`, decoded by the ffmpeg CLI.
pub fn image_mean_gray(path: &Path) -> f64 {
    let gray = image_gray(path);
    gray.iter().map(|&b| f64::from(b)).sum::<f64>() / gray.len() as f64
}

/// Whether the file at `path` starts with JPEG's SOI marker (FF D8).
pub fn is_jpeg(path: &Path) -> bool {
    std::fs::read(path).is_ok_and(|bytes| bytes.starts_with(&[0xFF, 0xD8]))
}

/// The names of the files in `dir`, sorted.
pub fn file_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}
