//! `heimdex process` with image embeddings: with `HEIMDEX_CLIP_MODEL` naming a tiny CLIP-style
//! model written here with random weights (no package ships one), every scene gets an image
//! embedding of the model's `projection_dim` values and the output names the model; without it
//! the output says no model is configured; a folder without a model fails the command clearly.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use heimdex_adapters::embeddings::{write_random_clip_model, ClipShape};
use serde_json::Value;

/// 2 s of test pattern, then 2 s of red (a hard cut at 2.0 s), silent.
fn two_shot_clip(dir: &Path) -> PathBuf {
    let out = dir.join("two-shots.mp4");
    let status = Command::new("ffmpeg")
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
        ])
        .args([
            "-filter_complex",
            "[0:v][1:v]concat=n=2:v=1:a=0[v]",
            "-map",
            "[v]",
        ])
        .args([
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-pix_fmt",
            "yuv420p",
        ])
        .arg(&out)
        .status()
        .expect("the ffmpeg CLI is needed (scripts/setup-media)");
    assert!(status.success(), "ffmpeg failed making the clip");
    out
}

/// `heimdex process --json clip` with its store and keyframes under `dir`, and
/// `HEIMDEX_CLIP_MODEL` set to `model` (removed when `None`).
fn process(dir: &Path, clip: &Path, model: Option<&Path>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_heimdex"));
    command
        .args(["process", "--json"])
        .arg(clip)
        .env_remove("DATABASE_URL")
        .env("HEIMDEX_DB_PATH", dir.join("store.db"))
        .env("HEIMDEX_KEYFRAMES_DIR", dir.join("keyframes"))
        .env("HEIMDEX_WHISPER_THREADS", "2");
    match model {
        Some(model) => command.env("HEIMDEX_CLIP_MODEL", model),
        None => command.env_remove("HEIMDEX_CLIP_MODEL"),
    };
    command.output().unwrap()
}

fn succeeded(out: &Output) -> Value {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let result: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(result["outcome"], "succeeded", "{result:#}");
    result
}

#[test]
fn scenes_get_image_embeddings_only_when_a_clip_model_is_configured() {
    let dir =
        std::env::temp_dir().join(format!("heimdex-images-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let clip = two_shot_clip(&dir);
    let model = dir.join("clip-model");
    write_random_clip_model(&model, &ClipShape::TINY).unwrap();

    let with = succeeded(&process(&dir, &clip, Some(&model)));
    assert_eq!(with["image_embeddings"], model.display().to_string());
    let scenes = with["scenes"].as_array().unwrap();
    assert_eq!(scenes.len(), 2, "{scenes:?}");
    for scene in scenes {
        assert_eq!(
            scene["image_embedding_dim"],
            ClipShape::TINY.projection_dim,
            "{scene}"
        );
    }

    let without = succeeded(&process(&dir, &clip, None));
    assert_eq!(
        without["image_embeddings"],
        "no model configured (HEIMDEX_CLIP_MODEL)"
    );
    let scenes = without["scenes"].as_array().unwrap();
    assert!(!scenes.is_empty());
    for scene in scenes {
        assert!(scene["image_embedding_dim"].is_null(), "{scene}");
        assert!(
            !scene["keyframes"].as_array().unwrap().is_empty(),
            "{scene}"
        );
    }

    let nowhere = dir.join("no-model-here");
    let out = process(&dir, &clip, Some(&nowhere));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success(),
        "a bad HEIMDEX_CLIP_MODEL must fail: {stderr}"
    );
    assert!(
        stderr.contains("HEIMDEX_CLIP_MODEL") && stderr.contains("no-model-here"),
        "{stderr}"
    );
    std::fs::remove_dir_all(&dir).ok();
}
