//! `heimdex process` with image embeddings: with `HEIMDEX_CLIP_MODEL` naming a tiny CLIP-style
//! model written here with random weights (no package ships one), every scene gets an image
//! embedding of the model's `projection_dim` values and the output names the model; without it
//! the output says no model is configured; a folder without a model fails the command clearly.

mod process_support;

use std::path::Path;
use std::process::Output;

use heimdex_adapters::embeddings::{write_random_clip_model, ClipShape};
use process_support::{process_json, scratch, two_shot_clip};
use serde_json::Value;

/// `heimdex process --json clip` with its store and keyframes under `dir`, and
/// `HEIMDEX_CLIP_MODEL` set to `model` (unset when `None`).
fn process(dir: &Path, clip: &Path, model: Option<&Path>) -> Output {
    let mut command = process_json(dir);
    command.arg(clip);
    if let Some(model) = model {
        command.env("HEIMDEX_CLIP_MODEL", model);
    }
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
    let dir = scratch("images");
    let clip = two_shot_clip(&dir, false);
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
