//! [`ImageEmbedder`]: a CLIP-style vision model through candle's CLIP vision transformer.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use candle_core::{DType, Device, Module, Tensor};
use candle_nn::{Linear, VarBuilder};
use candle_transformers::models::clip::vision_model::ClipVisionTransformer;

use super::clip_config::ClipShape;
use super::embedder::device;
use super::error::EmbedError;
use super::pooling::{l2_normalize, rows};

/// CLIP's per-channel pixel mean (RGB, on 0–1 values), as its image processor uses.
pub const CLIP_MEAN: [f32; 3] = [0.481_454_66, 0.457_827_5, 0.408_210_73];
/// CLIP's per-channel pixel standard deviation (RGB, on 0–1 values).
pub const CLIP_STD: [f32; 3] = [0.268_629_54, 0.261_302_6, 0.275_777_1];

/// Images run through the model together.
const BATCH_SIZE: usize = 16;

/// The weight that must be in the file: without it candle would draw a random class embedding
/// on every load, and the same image would not give the same vector twice.
const CLASS_EMBEDDING: &str = "vision_model.embeddings.class_embedding";

/// A CLIP-style image model: a square RGB image in, a unit vector of
/// [`ImageEmbedder::dim`] values out (the vision tower's pooled output through
/// `visual_projection`, L2-normalised, as `CLIPModel.get_image_features` then normalisation).
///
/// Loads `config.json` and `model.safetensors` from a folder in Hugging Face `CLIPModel` naming
/// (`vision_model.*`, `visual_projection.weight`; a text tower there is ignored). No package ships
/// one, so the folder is whatever [`CLIP_MODEL_ENV`](super::CLIP_MODEL_ENV) names. Runs on the CPU,
/// or on CUDA GPU 0 with the `cuda` feature. Cloning is cheap: clones share one loaded model.
#[derive(Clone)]
pub struct ImageEmbedder {
    inner: Arc<Inner>,
}

struct Inner {
    vision: ClipVisionTransformer,
    projection: Linear,
    shape: ClipShape,
    device: Device,
    dir: PathBuf,
}

impl std::fmt::Debug for ImageEmbedder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImageEmbedder")
            .field("dir", &self.inner.dir)
            .field("shape", &self.inner.shape)
            .field("device", &self.inner.device)
            .finish()
    }
}

impl ImageEmbedder {
    /// Loads the model from `dir` (blocking). A missing folder or file is
    /// [`EmbedError::ImageModelMissing`]; an unreadable or unfitting config or weights file is
    /// [`EmbedError::ImageModelLoad`]. Both name the folder and `HEIMDEX_CLIP_MODEL`.
    pub fn load(dir: &Path) -> Result<Self, EmbedError> {
        let missing = |what: &str| EmbedError::ImageModelMissing {
            dir: dir.to_path_buf(),
            missing: what.to_owned(),
        };
        if !dir.is_dir() {
            return Err(missing("the folder"));
        }
        for name in ["config.json", "model.safetensors"] {
            if !dir.join(name).is_file() {
                return Err(missing(name));
            }
        }
        let load_err = |message: String| EmbedError::ImageModelLoad {
            dir: dir.to_path_buf(),
            message,
        };
        let shape = std::fs::read_to_string(dir.join("config.json"))
            .map_err(|e| e.to_string())
            .and_then(|text| ClipShape::from_config_json(&text))
            .map_err(|e| load_err(format!("config.json: {e}")))?;
        let device = device();
        let tensors = candle_core::safetensors::load(dir.join("model.safetensors"), &device)
            .map_err(|e| load_err(format!("model.safetensors: {e}")))?;
        if !tensors.contains_key(CLASS_EMBEDDING) {
            return Err(load_err(format!(
                "model.safetensors has no {CLASS_EMBEDDING}: not a CLIPModel vision tower"
            )));
        }
        let vb = VarBuilder::from_tensors(tensors, DType::F32, &device);
        let unfit = |e: candle_core::Error| {
            load_err(format!("model.safetensors does not fit config.json: {e}"))
        };
        let vision = ClipVisionTransformer::new(vb.pp("vision_model"), &shape.vision_config())
            .map_err(unfit)?;
        let projection = candle_nn::linear_no_bias(
            shape.hidden_size,
            shape.projection_dim,
            vb.pp("visual_projection"),
        )
        .map_err(unfit)?;
        Ok(Self {
            inner: Arc::new(Inner {
                vision,
                projection,
                shape,
                device,
                dir: dir.to_path_buf(),
            }),
        })
    }

    /// The folder the model was loaded from.
    pub fn model_dir(&self) -> &Path {
        &self.inner.dir
    }

    /// The model's shape, as its `config.json` gives it.
    pub fn shape(&self) -> ClipShape {
        self.inner.shape
    }

    /// The side of the square image the model takes, in pixels.
    pub fn image_size(&self) -> usize {
        self.inner.shape.image_size
    }

    /// The length of an embedding (the config's `projection_dim`).
    pub fn dim(&self) -> usize {
        self.inner.shape.projection_dim
    }

    /// Embeds `images` on Tokio's blocking pool: one unit vector per image, in order. Each image
    /// is packed RGB24, [`ImageEmbedder::image_size`] pixels square, row by row (anything else
    /// is [`EmbedError::ImageSize`]). An image's vector does not depend on the other images.
    pub async fn embed_rgb(&self, images: Vec<Vec<u8>>) -> Result<Vec<Vec<f32>>, EmbedError> {
        let this = self.clone();
        tokio::task::spawn_blocking(move || this.embed_rgb_blocking(&images))
            .await
            .map_err(|e| EmbedError::Task(e.to_string()))?
    }

    /// [`ImageEmbedder::embed_rgb`] on the calling thread (blocking: call it off the runtime).
    pub fn embed_rgb_blocking(&self, images: &[Vec<u8>]) -> Result<Vec<Vec<f32>>, EmbedError> {
        let side = self.image_size();
        let want = side * side * 3;
        if let Some(bad) = images.iter().find(|image| image.len() != want) {
            return Err(EmbedError::ImageSize {
                got: bad.len(),
                want,
                side,
            });
        }
        let mut out = Vec::with_capacity(images.len());
        for batch in images.chunks(BATCH_SIZE) {
            out.extend(self.run_batch(batch)?);
        }
        Ok(out)
    }

    /// Normalises `batch` as CLIP's image processor does and runs the model on it.
    fn run_batch(&self, batch: &[Vec<u8>]) -> Result<Vec<Vec<f32>>, EmbedError> {
        let side = self.image_size();
        let device = &self.inner.device;
        let bytes: Vec<u8> = batch.concat();
        let mean = Tensor::new(&CLIP_MEAN, device)?.reshape((1, 3, 1, 1))?;
        let std = Tensor::new(&CLIP_STD, device)?.reshape((1, 3, 1, 1))?;
        let pixels = Tensor::from_vec(bytes, (batch.len(), side, side, 3), device)?
            .permute((0, 3, 1, 2))?
            .to_dtype(DType::F32)?
            .affine(1.0 / 255.0, 0.0)?
            .broadcast_sub(&mean)?
            .broadcast_div(&std)?;
        let pooled = self.inner.vision.forward(&pixels)?;
        let projected = self.inner.projection.forward(&pooled)?;
        Ok(rows(&l2_normalize(&projected)?)?)
    }
}
