//! [`TextEmbedder`]: all-MiniLM-L6-v2 through candle's BERT.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use candle_core::{Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config, DTYPE};
use tokenizers::{Encoding, Tokenizer, TruncationParams};

use super::error::EmbedError;
use super::locate::default_model_dir;
use super::pooling::{l2_normalize, mean_pool, rows};

/// The length of an all-MiniLM-L6-v2 embedding.
pub const EMBEDDING_DIM: usize = 384;

/// Texts run through the model together, unless [`TextEmbedder::with_batch_size`] says otherwise.
pub const DEFAULT_BATCH_SIZE: usize = 16;

/// Sentence-transformers all-MiniLM-L6-v2: text in, a 384-d unit vector out, the same numbers the
/// Python package computes (token vectors averaged under the attention mask, then L2-normalised).
///
/// Loads from a folder that `scripts/setup-embeddings` fills ([`default_model_dir`]) and never
/// downloads anything. Runs on the CPU, or on CUDA GPU 0 when built with the `cuda` feature and
/// one is present. Cloning is cheap: clones share one loaded model. Texts longer than the model's
/// `max_seq_length` (256 tokens) are truncated, as sentence-transformers does.
#[derive(Clone)]
pub struct TextEmbedder {
    inner: Arc<Inner>,
    batch_size: usize,
}

struct Inner {
    model: BertModel,
    tokenizer: Tokenizer,
    device: Device,
    dir: PathBuf,
}

impl std::fmt::Debug for TextEmbedder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TextEmbedder")
            .field("dir", &self.inner.dir)
            .field("device", &self.inner.device)
            .field("batch_size", &self.batch_size)
            .finish()
    }
}

impl TextEmbedder {
    /// Loads the model from [`default_model_dir`] (blocking: reads about 90 MB).
    pub fn load_default() -> Result<Self, EmbedError> {
        Self::load(&default_model_dir())
    }

    /// Loads the model from `dir`, which holds `config.json`, `tokenizer.json` and
    /// `model.safetensors` (blocking). A missing file is [`EmbedError::ModelMissing`], whose
    /// message names `scripts/setup-embeddings`.
    pub fn load(dir: &Path) -> Result<Self, EmbedError> {
        let file = |name: &str| {
            let path = dir.join(name);
            if path.is_file() {
                Ok(path)
            } else {
                Err(EmbedError::ModelMissing {
                    dir: dir.to_path_buf(),
                    missing: name.to_owned(),
                })
            }
        };
        let (config_path, tokenizer_path, weights_path) = (
            file("config.json")?,
            file("tokenizer.json")?,
            file("model.safetensors")?,
        );
        let load_err = |message: String| EmbedError::Load {
            dir: dir.to_path_buf(),
            message,
        };
        let config: Config = std::fs::read_to_string(&config_path)
            .map_err(|e| e.to_string())
            .and_then(|text| serde_json::from_str(&text).map_err(|e| e.to_string()))
            .map_err(|e| load_err(format!("config.json: {e}")))?;
        let max_len = max_seq_length(dir).min(config.max_position_embeddings);
        let tokenizer = tokenizer(&tokenizer_path, max_len)
            .map_err(|e| load_err(format!("tokenizer.json: {e}")))?;
        let device = device();
        let tensors = candle_core::safetensors::load(&weights_path, &device)
            .map_err(|e| load_err(format!("model.safetensors: {e}")))?;
        let model = BertModel::load(VarBuilder::from_tensors(tensors, DTYPE, &device), &config)
            .map_err(|e| load_err(format!("model.safetensors does not fit BERT: {e}")))?;
        Ok(Self {
            inner: Arc::new(Inner {
                model,
                tokenizer,
                device,
                dir: dir.to_path_buf(),
            }),
            batch_size: DEFAULT_BATCH_SIZE,
        })
    }

    /// The same model, running `batch_size` texts (at least 1) through it at a time.
    pub fn with_batch_size(mut self, batch_size: usize) -> Self {
        self.batch_size = batch_size.max(1);
        self
    }

    /// The folder the model was loaded from.
    pub fn model_dir(&self) -> &Path {
        &self.inner.dir
    }

    /// Embeds `texts` on Tokio's blocking pool: one [`EMBEDDING_DIM`] unit vector per text, in
    /// order. A text's vector does not depend on the other texts in the call. When the returned
    /// future is dropped (the job was cancelled), the model stops before its next batch.
    pub async fn embed(&self, texts: &[String]) -> Result<Vec<Vec<f32>>, EmbedError> {
        let this = self.clone();
        let texts = texts.to_vec();
        let stop = Arc::new(AtomicBool::new(false));
        let _stop_on_drop = StopOnDrop(Arc::clone(&stop));
        tokio::task::spawn_blocking(move || this.embed_blocking_until(&texts, &stop))
            .await
            .map_err(|e| EmbedError::Task(e.to_string()))?
    }

    /// [`TextEmbedder::embed`] on the calling thread (blocking: call it off the async runtime).
    /// Texts are run in batches of similar token length, as sentence-transformers does.
    pub fn embed_blocking(&self, texts: &[String]) -> Result<Vec<Vec<f32>>, EmbedError> {
        self.embed_blocking_until(texts, &AtomicBool::new(false))
    }

    /// [`TextEmbedder::embed_blocking`] that stops before its next batch once `stop` is set,
    /// with [`EmbedError::Task`].
    pub fn embed_blocking_until(
        &self,
        texts: &[String],
        stop: &AtomicBool,
    ) -> Result<Vec<Vec<f32>>, EmbedError> {
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let encodings = self
            .inner
            .tokenizer
            .encode_batch(refs, true)
            .map_err(|e| EmbedError::Tokenize(e.to_string()))?;
        // Longest first, so that each batch pads little; results go back in input order.
        let mut order: Vec<usize> = (0..encodings.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(encodings[i].get_ids().len()));
        let mut out = vec![Vec::new(); encodings.len()];
        for chunk in order.chunks(self.batch_size) {
            if stop.load(Ordering::Relaxed) {
                return Err(EmbedError::Task("stopped: the job was cancelled".into()));
            }
            let batch: Vec<&Encoding> = chunk.iter().map(|&i| &encodings[i]).collect();
            for (&i, vector) in chunk.iter().zip(self.run_batch(&batch)?) {
                out[i] = vector;
            }
        }
        Ok(out)
    }

    /// Pads `batch` to its longest member, runs the model and pools.
    fn run_batch(&self, batch: &[&Encoding]) -> Result<Vec<Vec<f32>>, EmbedError> {
        let len = batch.iter().map(|e| e.get_ids().len()).max().unwrap_or(0);
        let mut ids = Vec::with_capacity(batch.len() * len);
        let mut mask = Vec::with_capacity(batch.len() * len);
        for encoding in batch {
            let (e_ids, e_mask) = (encoding.get_ids(), encoding.get_attention_mask());
            ids.extend_from_slice(e_ids);
            ids.resize(ids.len() + len - e_ids.len(), 0);
            mask.extend_from_slice(e_mask);
            mask.resize(mask.len() + len - e_mask.len(), 0);
        }
        let device = &self.inner.device;
        let shape = (batch.len(), len);
        let ids = Tensor::from_vec(ids, shape, device)?;
        let mask = Tensor::from_vec(mask, shape, device)?;
        let token_types = ids.zeros_like()?;
        let hidden = self.inner.model.forward(&ids, &token_types, Some(&mask))?;
        Ok(rows(&l2_normalize(&mean_pool(&hidden, &mask)?)?)?)
    }
}

/// The tokenizer of `path`, truncating at `max_len` tokens and not padding (batches pad
/// themselves): tokenizer.json pads every text to 128 tokens, which sentence-transformers does not.
fn tokenizer(path: &Path, max_len: usize) -> Result<Tokenizer, String> {
    let mut tokenizer = Tokenizer::from_file(path).map_err(|e| e.to_string())?;
    tokenizer.with_padding(None);
    tokenizer
        .with_truncation(Some(TruncationParams {
            max_length: max_len,
            ..TruncationParams::default()
        }))
        .map_err(|e| e.to_string())?;
    Ok(tokenizer)
}

/// `max_seq_length` from sentence_bert_config.json (256 for this model when it says nothing).
fn max_seq_length(dir: &Path) -> usize {
    std::fs::read_to_string(dir.join("sentence_bert_config.json"))
        .ok()
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
        .and_then(|v| v.get("max_seq_length")?.as_u64())
        .and_then(|n| usize::try_from(n).ok())
        .unwrap_or(256)
}

/// CUDA GPU 0 with the `cuda` feature when one is present, else the CPU.
pub(super) fn device() -> Device {
    #[cfg(feature = "cuda")]
    {
        Device::cuda_if_available(0).unwrap_or(Device::Cpu)
    }
    #[cfg(not(feature = "cuda"))]
    {
        Device::Cpu
    }
}

/// Sets the flag when dropped: the awaiting future is gone, so the blocking work may stop.
struct StopOnDrop(Arc<AtomicBool>);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}
