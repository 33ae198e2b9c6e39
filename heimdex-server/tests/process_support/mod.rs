//! What the `heimdex process` tests share: a scratch folder, a two-shot clip made with the ffmpeg
//! CLI, and the command itself pointed at that folder's store and keyframes.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// A fresh folder under the system's temporary directory, named after `tag`.
pub fn scratch(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("heimdex-{tag}-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `dir/two-shots.mp4`: 2 s of test pattern, then 2 s of red (a hard cut at 2.0 s), 320x240 at
/// 25 fps, H.264; with `tone`, 4 s of a 440 Hz tone as AAC, else no audio. Without the ffmpeg CLI
/// the test fails, naming scripts/setup-media (which `scripts/test` runs for the media builds).
pub fn two_shot_clip(dir: &Path, tone: bool) -> PathBuf {
    let out = dir.join("two-shots.mp4");
    let mut ffmpeg = Command::new("ffmpeg");
    ffmpeg
        .args(["-hide_banner", "-nostdin", "-loglevel", "error", "-y"])
        .args([
            "-f",
            "lavfi",
            "-i",
            "testsrc=duration=2:size=320x240:rate=25",
        ])
        .args([
            "-f",
            "lavfi",
            "-i",
            "color=c=red:duration=2:size=320x240:rate=25",
        ]);
    if tone {
        ffmpeg.args(["-f", "lavfi", "-i", "sine=frequency=440:duration=4"]);
    }
    ffmpeg.args([
        "-filter_complex",
        "[0:v][1:v]concat=n=2:v=1:a=0[v]",
        "-map",
        "[v]",
    ]);
    if tone {
        ffmpeg.args(["-map", "2:a", "-c:a", "aac", "-shortest"]);
    }
    let status = ffmpeg
        .args([
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-pix_fmt",
            "yuv420p",
        ])
        .arg(&out)
        .status();
    match status {
        Ok(s) if s.success() => out,
        Ok(s) => panic!("ffmpeg failed making the clip: {s}"),
        Err(e) => panic!("the ffmpeg CLI is needed (run scripts/setup-media): {e}"),
    }
}

/// `heimdex process --json` with its store and keyframes in `dir`, two Whisper threads, and no
/// `DATABASE_URL` or `HEIMDEX_CLIP_MODEL` from the test's environment; add the files (and any
/// other variables) and run it.
pub fn process_json(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_heimdex"));
    command
        .args(["process", "--json"])
        .env_remove("DATABASE_URL")
        .env_remove("HEIMDEX_CLIP_MODEL")
        .env("HEIMDEX_DB_PATH", dir.join("store.db"))
        .env("HEIMDEX_KEYFRAMES_DIR", dir.join("keyframes"))
        .env("HEIMDEX_WHISPER_THREADS", "2");
    command
}

/// Asserts that `out`, `heimdex process` run on a file named `never-read.mp4`, was refused at
/// start over a setting: it failed with a message holding both `name` and `value`, printed no
/// result and never mentioned the file.
pub fn assert_refused_before_any_file(out: &std::process::Output, name: &str, value: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{name}={value}: {stderr}");
    assert!(
        stderr.contains(name) && stderr.contains(value),
        "{name}={value}: {stderr}"
    );
    assert!(out.stdout.is_empty(), "{name}={value}: nothing processed");
    assert!(!stderr.contains("never-read.mp4"), "{stderr}");
}
