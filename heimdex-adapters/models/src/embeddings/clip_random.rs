//! [`write_random_clip_model`]: a CLIP-style model with random weights, in the files and names
//! [`ImageEmbedder`](super::ImageEmbedder) loads.

use std::collections::HashMap;
use std::path::Path;

use candle_core::{DType, Device};
use candle_nn::{Init, VarBuilder, VarMap};
use candle_transformers::models::clip::vision_model::ClipVisionTransformer;

use super::clip_config::ClipShape;

/// Writes `config.json` and `model.safetensors` for a CLIP vision tower and projection of
/// `shape` with random weights into `dir` (created when missing), in Hugging Face `CLIPModel`
/// naming, with the `format: pt` metadata its loaders require (so transformers loads the folder
/// too: `benches/media/clip_against_transformers.py`). No package ships a CLIP model, so tests
/// and demos build a small one with this and run the real loading and inference path on it; its
/// vectors mean nothing. Each call draws new weights.
pub fn write_random_clip_model(dir: &Path, shape: &ClipShape) -> candle_core::Result<()> {
    std::fs::create_dir_all(dir)?;
    let varmap = VarMap::new();
    let vb = VarBuilder::from_varmap(&varmap, DType::F32, &Device::Cpu);
    let vision = vb.pp("vision_model");
    // Created first so that the model takes it from the file (candle draws a fresh one when a
    // checkpoint lacks it).
    vision.pp("embeddings").get_with_hints(
        shape.hidden_size,
        "class_embedding",
        Init::Randn {
            mean: 0.0,
            stdev: 0.02,
        },
    )?;
    ClipVisionTransformer::new(vision, &shape.vision_config())?;
    candle_nn::linear_no_bias(
        shape.hidden_size,
        shape.projection_dim,
        vb.pp("visual_projection"),
    )?;
    let vars = varmap
        .data()
        .lock()
        .expect("no other thread holds the new VarMap");
    let tensors = vars.iter().map(|(name, var)| (name, var.as_tensor()));
    let metadata = HashMap::from([("format".to_owned(), "pt".to_owned())]);
    safetensors::serialize_to_file(tensors, Some(metadata), &dir.join("model.safetensors"))?;
    std::fs::write(dir.join("config.json"), shape.to_config_json())?;
    Ok(())
}
