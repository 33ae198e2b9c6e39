//! `heimdex process` with every stage (features `whisper` and `embeddings`) on a clip made here:
//! two shots, a sentence spoken by espeak-ng in each. The transcript has both sentences, each
//! scene gets the slice spoken during it and a 384-dimension embedding of it, and the stage list
//! names every stage in order.

mod process_support;

use std::path::{Path, PathBuf};
use std::process::Command;

use process_support::{assert_refused_before_any_file, process_json, scratch};
use serde_json::Value;

fn run(program: &str, args: &[&str]) {
    let status = Command::new(program)
        .args(args)
        .status()
        .unwrap_or_else(|e| panic!("{program} is needed (scripts/setup-whisper): {e}"));
    assert!(status.success(), "{program} {args:?} failed");
}

/// 8 s: test pattern then red (cut at 4.0 s); "Welcome to the video library." in the first shot,
/// "Today we talk about the weather." in the second.
fn spoken_two_shot_clip(dir: &Path) -> PathBuf {
    let first = dir.join("first.wav");
    let second = dir.join("second.wav");
    for (wav, text) in [
        (&first, "Welcome to the video library."),
        (&second, "Today we talk about the weather."),
    ] {
        run(
            "espeak-ng",
            &[
                "-v",
                "en-us",
                "-s",
                "150",
                "-w",
                wav.to_str().unwrap(),
                text,
            ],
        );
    }
    let out = dir.join("spoken.mp4");
    let filter = "[0:v][1:v]concat=n=2:v=1:a=0[v];\
                  [2:a]aresample=16000,atrim=0:4,apad=whole_dur=4[a1];\
                  [3:a]aresample=16000,atrim=0:4,apad=whole_dur=4[a2];\
                  [a1][a2]concat=n=2:v=0:a=1[a]";
    run(
        "ffmpeg",
        &[
            "-hide_banner",
            "-nostdin",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "testsrc=duration=4:size=320x240:rate=25",
            "-f",
            "lavfi",
            "-i",
            "color=c=red:duration=4:size=320x240:rate=25",
            "-i",
            first.to_str().unwrap(),
            "-i",
            second.to_str().unwrap(),
            "-filter_complex",
            filter,
            "-map",
            "[v]",
            "-map",
            "[a]",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            "-ar",
            "44100",
            out.to_str().unwrap(),
        ],
    );
    out
}

#[test]
fn every_stage_runs_and_each_scene_gets_its_transcript_slice_and_embedding() {
    let dir = scratch("speech");
    let clip = spoken_two_shot_clip(&dir);
    let out = process_json(&dir).arg(&clip).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let result: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(result["outcome"], "succeeded", "{result:#}");

    let stages: Vec<(&str, &str)> = result["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["stage"].as_str().unwrap(), s["outcome"].as_str().unwrap()))
        .collect();
    let names: Vec<&str> = stages.iter().map(|(name, _)| *name).collect();
    assert_eq!(
        names,
        [
            "downloading",
            "metadata",
            "scene_detection",
            "transcription",
            "scene_processing",
            "indexing"
        ]
    );
    assert!(
        stages.iter().all(|(_, outcome)| *outcome == "ok"),
        "{stages:?}"
    );

    let transcript = &result["transcript"];
    let text = transcript["text"].as_str().unwrap().to_lowercase();
    assert!(
        text.contains("library") && text.contains("weather"),
        "{text}"
    );
    assert_eq!(transcript["language"], "en");
    let segments = transcript["segments"].as_array().unwrap();
    assert!(!segments.is_empty());
    assert!(segments
        .iter()
        .all(|s| s["end_s"].as_f64() >= s["start_s"].as_f64()));

    let scenes = result["scenes"].as_array().unwrap();
    assert_eq!(scenes.len(), 2, "{scenes:?}");
    let slice = |i: usize| scenes[i]["transcript"].as_str().unwrap().to_lowercase();
    assert!(slice(0).contains("library"), "scene 0: {}", slice(0));
    assert!(slice(1).contains("weather"), "scene 1: {}", slice(1));
    for scene in scenes {
        assert_eq!(scene["embedding_dim"], 384, "{scene}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_whisper_setting_it_cannot_use_fails_the_command_before_any_file_runs() {
    let dir = scratch("whisper-settings");
    let clip = dir.join("never-read.mp4");
    let cases = [
        ("HEIMDEX_WHISPER_LANGUAGE", "klingon"),
        ("HEIMDEX_WHISPER_LANGUAGE", "en-US"),
        ("HEIMDEX_WHISPER_THREADS", "two"),
        ("HEIMDEX_WHISPER_THREADS", "-1"),
        ("HEIMDEX_WHISPER_THREADS", "257"),
    ];
    for (name, value) in cases {
        let out = process_json(&dir)
            .env(name, value)
            .arg(&clip)
            .output()
            .unwrap();
        // Refused before the pipeline ran: no file was looked at.
        assert_refused_before_any_file(&out, name, value);
    }
    // What it does take: a name for a language, 0 threads for one per core.
    let out = process_json(&dir)
        .env("HEIMDEX_WHISPER_LANGUAGE", "English")
        .env("HEIMDEX_WHISPER_THREADS", "0")
        .arg(&clip)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("HEIMDEX_WHISPER"),
        "accepted settings: {stderr}"
    );
    std::fs::remove_dir_all(&dir).ok();
}
