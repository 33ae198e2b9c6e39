//! Videos with a display rotation (phones store portrait video as landscape pictures and a
//! matrix that says to turn them), made with the ffmpeg CLI: `metadata` reports the size as shown
//! and the quarter turn, and keyframes come out upright, as the CLI's own autorotation shows them.

use heimdex_testsupport::media as media_support;
use heimdex_testsupport::media::keyframes as keyframes_support;

use std::path::{Path, PathBuf};
use std::process::Command;

use heimdex_core::{Catalog, SceneRecord, VideoId};
use heimdex_media::{KeyframeConfig, KeyframeExtractor, MediaFacts, Metadata};
use keyframes_support::{frame_gray, image_gray, mean_abs_diff};
use media_support::{run_stage, store_with_video, Clips};

/// A 2 s, 320×240 `testsrc2` clip (asymmetric: any wrong turn shows) stored with the mov
/// muxer's `rotate` tag set to `rotate`, which the ffmpeg CLI turns into a display matrix when it
/// copies the stream (how the CLI of each FFmpeg version reads the tag's sign is its own; the
/// tests take the matrix as `ffprobe` reports it).
fn rotated_clip(clips: &Clips, rotate: u16) -> PathBuf {
    let base = clips.dir.join("upright.mp4");
    if !base.exists() {
        let source = ["-f", "lavfi", "-i", "testsrc2=s=320x240:r=25:d=2"];
        let encode = ["-c:v", "libx264", "-pix_fmt", "yuv420p"];
        clips.ffmpeg("upright.mp4", &[&source[..], &encode[..]].concat());
    }
    let tag = format!("rotate={rotate}");
    let base = base.to_str().unwrap();
    let copy = ["-i", base, "-c", "copy", "-metadata:s:v:0", &tag];
    clips.ffmpeg(&format!("rotated-{rotate}.mp4"), &copy)
}

/// Degrees clockwise the ffmpeg CLI turns `path`'s video to show it: the opposite of the
/// counter-clockwise rotation `ffprobe` reports for its display matrix (0 without one).
fn clockwise_by_ffprobe(path: &Path) -> u16 {
    let out = Command::new("ffprobe")
        .args(["-v", "error", "-select_streams", "v:0"])
        .args([
            "-show_entries",
            "stream_side_data=rotation",
            "-of",
            "csv=p=0",
        ])
        .arg(path)
        .output()
        .expect("ffprobe is installed with the ffmpeg CLI");
    let text = String::from_utf8_lossy(&out.stdout);
    let counter_clockwise: f64 = text.trim().parse().unwrap_or(0.0);
    (-counter_clockwise.round() as i64).rem_euclid(360) as u16
}

#[tokio::test]
async fn metadata_reports_the_size_as_shown_and_the_quarter_turn() {
    let clips = Clips::new("rotation-meta");
    let mut turns = Vec::new();
    for rotate in [0, 90, 180, 270] {
        let path = rotated_clip(&clips, rotate);
        let (store, video) = store_with_video(&path).await;
        let (result, ctx) = run_stage(&Metadata::new(store.clone()), video, &path).await;
        result.unwrap();
        let facts = ctx.get::<MediaFacts>().unwrap();
        let clockwise = clockwise_by_ffprobe(&path);
        assert_eq!(facts.rotation, clockwise, "{path:?}");
        let shown = match clockwise {
            90 | 270 => (240, 320),
            _ => (320, 240),
        };
        assert_eq!((facts.width, facts.height), shown, "{path:?}");
        let row = store.video(video).await.unwrap().unwrap();
        let stored = (row.width, row.height);
        assert_eq!(stored, (Some(shown.0 as i32), Some(shown.1 as i32)));
        turns.push(clockwise);
    }
    turns.sort();
    assert_eq!(
        turns,
        [0, 90, 180, 270],
        "the four clips cover every quarter turn"
    );
}

#[test]
fn keyframes_come_out_upright_as_the_ffmpeg_cli_shows_them() {
    let clips = Clips::new("rotation-keyframes");
    let extractor = KeyframeExtractor::new(KeyframeConfig::with_root(clips.dir.join("kf")));
    for rotate in [90, 180, 270] {
        let path = rotated_clip(&clips, rotate);
        let scenes = [SceneRecord::new(0, 0.0, 2.0)];
        let found = extractor
            .extract(&path, VideoId::new_v4(), &scenes)
            .unwrap();
        let keyframe = &found[0].frames[0];
        let ours = image_gray(&keyframe.path);
        // The CLI turns the frame upright itself (autorotation).
        let cli = frame_gray(&path, Some(keyframe.time_s));
        // Same size (320 × 240 either way), and the same picture up to JPEG's loss; a wrong
        // turn differs by tens of levels.
        let diff = mean_abs_diff(&ours, &cli);
        assert!(diff < 3.0, "rotate={rotate}: mean difference {diff:.1}");
        // The stored orientation would not match (a check that the comparison can fail).
        if rotate == 180 {
            let stored: Vec<u8> = cli.iter().rev().copied().collect();
            assert!(mean_abs_diff(&ours, &stored) > 20.0);
        }
    }
}
