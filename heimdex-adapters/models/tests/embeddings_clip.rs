//! Image embeddings from a CLIP-style model: a tiny model with random weights written at test
//! time (no package ships one) goes through the real loading and inference path, on images and
//! clips made with the ffmpeg CLI.

mod embeddings_support;
use heimdex_testsupport::media as media_support;
use heimdex_testsupport::media::keyframes as keyframes_support;

use std::path::{Path, PathBuf};

use heimdex_core::{FailureKind, IndexedScenes, SceneRecord, Stage, VideoId};
use heimdex_media::{KeyframeConfig, KeyframeExtractor};
use heimdex_models::embeddings::{
    embed_scene_images, write_random_clip_model, ClipShape, EmbedError, ImageEmbedder,
    SceneProcessing, CLIP_MODEL_ENV,
};
use keyframes_support::job_with_scenes;
use media_support::Clips;

/// A tiny random model written under `clips` and loaded through [`ImageEmbedder::load`].
fn tiny_model(clips: &Clips) -> ImageEmbedder {
    let dir = clips.dir.join("clip-model");
    write_random_clip_model(&dir, &ClipShape::TINY).unwrap();
    ImageEmbedder::load(&dir).unwrap()
}

/// A 320x240 JPEG of one frame of the lavfi `source` (which may carry options: `color=c=red`).
fn jpeg(clips: &Clips, name: &str, source: &str) -> PathBuf {
    let sep = if source.contains('=') { ':' } else { '=' };
    let input = format!("{source}{sep}s=320x240:d=1");
    clips.ffmpeg(name, &["-f", "lavfi", "-i", &input, "-frames:v", "1"])
}

fn norm(v: &[f32]) -> f32 {
    v.iter().map(|x| x * x).sum::<f32>().sqrt()
}

fn largest_difference(a: &[f32], b: &[f32]) -> f32 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f32::max)
}

#[tokio::test]
async fn an_image_gives_a_unit_vector_of_projection_dim_values_the_same_every_time() {
    let clips = Clips::new("clip-unit");
    let model = tiny_model(&clips);
    assert_eq!((model.dim(), model.image_size()), (16, 32));
    let image = jpeg(&clips, "testsrc.jpg", "testsrc");
    let vectors = model
        .embed_files(&[image.clone(), image.clone()])
        .await
        .unwrap();
    assert_eq!(vectors.len(), 2);
    assert_eq!(vectors[0].len(), ClipShape::TINY.projection_dim);
    assert!(
        (norm(&vectors[0]) - 1.0).abs() < 1e-5,
        "norm {}",
        norm(&vectors[0])
    );
    assert_eq!(vectors[0], vectors[1], "the same image twice in one call");
    // Loading the same files again gives the same weights, so the same vector.
    let again = ImageEmbedder::load(model.model_dir()).unwrap();
    let later = again.embed_files(&[image]).await.unwrap();
    let diff = largest_difference(&vectors[0], &later[0]);
    assert!(diff < 1e-6, "reloaded model differs by {diff}");
}

#[tokio::test]
async fn a_test_pattern_and_a_solid_red_frame_give_different_vectors() {
    let clips = Clips::new("clip-different");
    let model = tiny_model(&clips);
    let pattern = jpeg(&clips, "testsrc.jpg", "testsrc");
    let red = jpeg(&clips, "red.jpg", "color=c=red");
    let vectors = model.embed_files(&[pattern, red]).await.unwrap();
    let diff = largest_difference(&vectors[0], &vectors[1]);
    assert!(diff > 1e-3, "test pattern and red differ by only {diff}");
    assert!((norm(&vectors[1]) - 1.0).abs() < 1e-5);
}

#[tokio::test]
async fn the_stage_fills_the_image_embedding_of_every_scene_from_its_best_keyframe() {
    let text = embeddings_support::embedder();
    let clips = Clips::new("clip-stage");
    let model = tiny_model(&clips);
    let (path, cuts) = clips.hard_cuts("two.mp4", &[("testsrc", 2.0), ("color=c=red", 2.0)]);
    let frames = KeyframeExtractor::new(KeyframeConfig::with_root(clips.dir.join("keyframes")));
    let stage = SceneProcessing::new(text)
        .with_keyframes(frames)
        .with_image_embedder(model.clone());
    let mut ctx = job_with_scenes(VideoId::new_v4(), &path, &[(0.0, cuts[0]), (cuts[0], 4.0)]);
    stage.run(&mut ctx).await.unwrap();
    let scenes = ctx
        .get::<IndexedScenes>()
        .expect("IndexedScenes left")
        .0
        .clone();
    assert_eq!(scenes.len(), 2);
    for scene in &scenes {
        let got = scene.image_embedding.as_ref().expect("an image embedding");
        let best = PathBuf::from(&scene.keyframes[0]);
        let want = model.embed_files(&[best]).await.unwrap().remove(0);
        let diff = largest_difference(got, &want);
        assert!(
            diff < 1e-6,
            "scene {}: differs from keyframes[0] by {diff}",
            scene.index
        );
    }
    let (a, b) = (&scenes[0].image_embedding, &scenes[1].image_embedding);
    assert!(largest_difference(a.as_ref().unwrap(), b.as_ref().unwrap()) > 1e-3);
}

#[tokio::test]
async fn a_scene_without_keyframes_gets_no_image_embedding() {
    let clips = Clips::new("clip-none");
    let model = tiny_model(&clips);
    let mut with = SceneRecord::new(1, 1.0, 2.0);
    with.keyframes = vec![jpeg(&clips, "k.jpg", "testsrc").display().to_string()];
    let mut scenes = vec![SceneRecord::new(0, 0.0, 1.0), with];
    scenes[0].image_embedding = Some(vec![1.0]);
    embed_scene_images(&model, &mut scenes).await.unwrap();
    assert_eq!(scenes[0].image_embedding, None);
    assert_eq!(scenes[1].image_embedding.as_ref().map(Vec::len), Some(16));
}

#[tokio::test]
async fn a_missing_keyframe_file_is_an_input_failure() {
    let clips = Clips::new("clip-missing-file");
    let model = tiny_model(&clips);
    let err = model
        .embed_files(&[clips.dir.join("nowhere.jpg")])
        .await
        .unwrap_err();
    assert_eq!(err.kind, FailureKind::Input, "{}", err.message);
    assert!(err.message.contains("nowhere.jpg"), "{}", err.message);
}

/// The load error for `dir`, checked to name the folder and the environment variable.
fn load_error(dir: &Path) -> EmbedError {
    let err = ImageEmbedder::load(dir).unwrap_err();
    let message = err.to_string();
    assert!(message.contains(&dir.display().to_string()), "{message}");
    assert!(message.contains(CLIP_MODEL_ENV), "{message}");
    assert_eq!(err.failure_kind(), FailureKind::Model, "{message}");
    err
}

#[test]
fn a_missing_folder_is_a_clear_error() {
    let clips = Clips::new("clip-no-folder");
    let err = load_error(&clips.dir.join("no-such-model"));
    assert!(
        matches!(&err, EmbedError::ImageModelMissing { missing, .. } if missing == "the folder")
    );
}

#[test]
fn a_folder_without_the_weights_is_a_clear_error() {
    let clips = Clips::new("clip-no-weights");
    let dir = clips.dir.join("model");
    write_random_clip_model(&dir, &ClipShape::TINY).unwrap();
    std::fs::remove_file(dir.join("model.safetensors")).unwrap();
    let err = load_error(&dir);
    assert!(
        matches!(&err, EmbedError::ImageModelMissing { missing, .. } if missing == "model.safetensors"),
        "{err}"
    );
}

#[test]
fn a_corrupt_config_is_a_clear_error() {
    let clips = Clips::new("clip-bad-config");
    let dir = clips.dir.join("model");
    write_random_clip_model(&dir, &ClipShape::TINY).unwrap();
    std::fs::write(dir.join("config.json"), "{ not json").unwrap();
    let err = load_error(&dir);
    assert!(matches!(err, EmbedError::ImageModelLoad { .. }), "{err}");
    assert!(err.to_string().contains("config.json"), "{err}");
}

#[test]
fn weights_of_another_shape_are_a_clear_error() {
    let clips = Clips::new("clip-wrong-shape");
    let dir = clips.dir.join("model");
    write_random_clip_model(&dir, &ClipShape::TINY).unwrap();
    let wider = ClipShape {
        hidden_size: 48,
        ..ClipShape::TINY
    };
    std::fs::write(dir.join("config.json"), wider.to_config_json()).unwrap();
    let err = load_error(&dir);
    assert!(err.to_string().contains("does not fit"), "{err}");
}

#[test]
fn an_image_of_the_wrong_size_is_refused() {
    let clips = Clips::new("clip-wrong-image");
    let model = tiny_model(&clips);
    let err = model.embed_rgb_blocking(&[vec![0u8; 10]]).unwrap_err();
    assert!(
        matches!(
            err,
            EmbedError::ImageSize {
                got: 10,
                want: 3072,
                side: 32
            }
        ),
        "{err}"
    );
}

#[test]
fn a_random_model_is_a_pytorch_format_checkpoint_as_hugging_face_loaders_require() {
    let clips = Clips::new("clip-metadata");
    let dir = clips.dir.join("model");
    write_random_clip_model(&dir, &ClipShape::TINY).unwrap();
    let bytes = std::fs::read(dir.join("model.safetensors")).unwrap();
    let header_len = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    let header: serde_json::Value = serde_json::from_slice(&bytes[8..8 + header_len]).unwrap();
    assert_eq!(header["__metadata__"]["format"], "pt", "{header}");
    let class = &header["vision_model.embeddings.class_embedding"];
    assert_eq!(class["dtype"], "F32", "{class}");
    assert_eq!(
        class["shape"],
        serde_json::json!([ClipShape::TINY.hidden_size])
    );
}
