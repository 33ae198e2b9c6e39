//! The shape of a CLIP-style vision model, read from (and written as) a Hugging Face `CLIPModel`
//! `config.json`: [`ClipShape`], and where the model is configured ([`CLIP_MODEL_ENV`]).

use std::path::PathBuf;

use candle_transformers::models::clip::text_model::Activation;
use candle_transformers::models::clip::vision_model::ClipVisionConfig;
use serde::Deserialize;

/// The environment variable naming the folder of a CLIP-style image model (`config.json` and
/// `model.safetensors`). Unset or empty: no image embeddings.
pub const CLIP_MODEL_ENV: &str = "HEIMDEX_CLIP_MODEL";

/// The folder [`CLIP_MODEL_ENV`] names, when it is set and not empty (relative to the current
/// directory when relative).
pub fn configured_clip_model() -> Option<PathBuf> {
    std::env::var_os(CLIP_MODEL_ENV)
        .filter(|dir| !dir.is_empty())
        .map(PathBuf::from)
}

/// What the image embedder needs to know about a CLIP vision tower and its projection. The
/// activation is always QuickGELU (`hidden_act: "quick_gelu"`), the only one CLIP uses and
/// candle's CLIP implements; images are RGB.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClipShape {
    /// Side of the square input image, in pixels (`vision_config.image_size`).
    pub image_size: usize,
    /// Side of a patch, in pixels; divides `image_size` (`vision_config.patch_size`).
    pub patch_size: usize,
    /// Width of the transformer (`vision_config.hidden_size`).
    pub hidden_size: usize,
    /// Width of each MLP (`vision_config.intermediate_size`).
    pub intermediate_size: usize,
    /// Transformer layers (`vision_config.num_hidden_layers`).
    pub num_layers: usize,
    /// Attention heads; divides `hidden_size` (`vision_config.num_attention_heads`).
    pub num_heads: usize,
    /// Length of the embedding: the `visual_projection`'s output (`projection_dim`).
    pub projection_dim: usize,
}

impl ClipShape {
    /// A tiny shape (32 px images, 2 layers of width 32, 16-value embeddings) for models written
    /// with random weights by [`write_random_clip_model`](super::write_random_clip_model): fast
    /// enough for tests, its vectors mean nothing.
    pub const TINY: ClipShape = ClipShape {
        image_size: 32,
        patch_size: 8,
        hidden_size: 32,
        intermediate_size: 64,
        num_layers: 2,
        num_heads: 2,
        projection_dim: 16,
    };
}

/// `config.json` as Hugging Face writes it for `CLIPModel` (only the fields used here).
#[derive(Deserialize)]
struct FileConfig {
    projection_dim: Option<usize>,
    vision_config: VisionFile,
}

#[derive(Deserialize)]
struct VisionFile {
    hidden_size: usize,
    intermediate_size: usize,
    num_hidden_layers: usize,
    num_attention_heads: usize,
    image_size: usize,
    patch_size: usize,
    num_channels: Option<usize>,
    hidden_act: Option<String>,
    projection_dim: Option<usize>,
}

impl ClipShape {
    /// Reads a `CLIPModel` `config.json`: its `vision_config` and `projection_dim` (the top-level
    /// one, else the vision config's, else 512 as in Hugging Face). Fails with a message saying
    /// what does not fit.
    pub fn from_config_json(text: &str) -> Result<Self, String> {
        let file: FileConfig = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let v = file.vision_config;
        if let Some(act) = v.hidden_act.as_deref().filter(|a| *a != "quick_gelu") {
            return Err(format!(
                "vision_config.hidden_act is {act:?}; only \"quick_gelu\" is supported"
            ));
        }
        if let Some(channels) = v.num_channels.filter(|c| *c != 3) {
            return Err(format!(
                "vision_config.num_channels is {channels}; images are RGB (3)"
            ));
        }
        let shape = Self {
            image_size: v.image_size,
            patch_size: v.patch_size,
            hidden_size: v.hidden_size,
            intermediate_size: v.intermediate_size,
            num_layers: v.num_hidden_layers,
            num_heads: v.num_attention_heads,
            projection_dim: file.projection_dim.or(v.projection_dim).unwrap_or(512),
        };
        shape.check()?;
        Ok(shape)
    }

    /// Fails when a size is zero or a divisibility rule is broken.
    fn check(&self) -> Result<(), String> {
        let sizes = [
            self.image_size,
            self.patch_size,
            self.hidden_size,
            self.intermediate_size,
            self.num_layers,
            self.num_heads,
            self.projection_dim,
        ];
        if sizes.contains(&0) {
            return Err(format!("a size in the vision config is zero: {self:?}"));
        }
        if !self.image_size.is_multiple_of(self.patch_size) {
            return Err(format!(
                "image_size {} is not a multiple of patch_size {}",
                self.image_size, self.patch_size
            ));
        }
        if !self.hidden_size.is_multiple_of(self.num_heads) {
            return Err(format!(
                "hidden_size {} is not a multiple of num_attention_heads {}",
                self.hidden_size, self.num_heads
            ));
        }
        Ok(())
    }

    /// This shape as a `CLIPModel` `config.json` (what [`ClipShape::from_config_json`] reads).
    pub fn to_config_json(&self) -> String {
        let config = serde_json::json!({
            "architectures": ["CLIPModel"],
            "model_type": "clip",
            "projection_dim": self.projection_dim,
            "vision_config": {
                "hidden_size": self.hidden_size,
                "intermediate_size": self.intermediate_size,
                "num_hidden_layers": self.num_layers,
                "num_attention_heads": self.num_heads,
                "image_size": self.image_size,
                "patch_size": self.patch_size,
                "num_channels": 3,
                "hidden_act": "quick_gelu",
                "projection_dim": self.projection_dim,
            },
        });
        serde_json::to_string_pretty(&config).expect("a JSON value serialises")
    }

    /// The configuration candle's `ClipVisionTransformer` takes.
    pub(crate) fn vision_config(&self) -> ClipVisionConfig {
        ClipVisionConfig {
            embed_dim: self.hidden_size,
            activation: Activation::QuickGelu,
            intermediate_size: self.intermediate_size,
            num_hidden_layers: self.num_layers,
            num_attention_heads: self.num_heads,
            projection_dim: self.projection_dim,
            num_channels: 3,
            image_size: self.image_size,
            patch_size: self.patch_size,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_written_config_reads_back_as_the_same_shape() {
        let shape = ClipShape::TINY;
        assert_eq!(
            ClipShape::from_config_json(&shape.to_config_json()),
            Ok(shape)
        );
    }

    #[test]
    fn other_activations_bad_divisions_and_missing_fields_are_refused() {
        let json = ClipShape::TINY.to_config_json();
        let gelu = json.replace("quick_gelu", "gelu");
        let err = ClipShape::from_config_json(&gelu).unwrap_err();
        assert!(err.contains("quick_gelu"), "{err}");
        let patch = json.replace("\"patch_size\": 8", "\"patch_size\": 7");
        let err = ClipShape::from_config_json(&patch).unwrap_err();
        assert!(err.contains("patch_size"), "{err}");
        let err = ClipShape::from_config_json(r#"{"projection_dim": 16}"#).unwrap_err();
        assert!(err.contains("vision_config"), "{err}");
    }
}
