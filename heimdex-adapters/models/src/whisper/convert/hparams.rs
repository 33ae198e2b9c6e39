//! whisper.cpp's hyper-parameters, read from a CTranslate2 model's shapes and attributes.

use super::ct2::Ct2Model;
use super::ImportError;

/// whisper.cpp's hyper-parameters, in the file's order (before `ftype`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hparams {
    /// Token count of the model (51864 for English-only models, 51865 for multilingual ones).
    pub n_vocab: usize,
    /// Encoder positions (1500).
    pub n_audio_ctx: usize,
    /// Encoder width.
    pub n_audio_state: usize,
    /// Encoder attention heads.
    pub n_audio_head: usize,
    /// Encoder layers.
    pub n_audio_layer: usize,
    /// Decoder positions (448).
    pub n_text_ctx: usize,
    /// Decoder width.
    pub n_text_state: usize,
    /// Decoder attention heads.
    pub n_text_head: usize,
    /// Decoder layers.
    pub n_text_layer: usize,
    /// Mel bands of the input (80).
    pub n_mels: usize,
}

/// Reads the hyper-parameters from the variables' shapes and attributes.
pub(crate) fn hparams(model: &Ct2Model) -> Result<Hparams, ImportError> {
    let dims = |name: &str, rank: usize| -> Result<Vec<usize>, ImportError> {
        let var = model.get(name)?;
        if var.dims.len() == rank {
            Ok(var.dims.clone())
        } else {
            Err(ImportError::Format(format!(
                "`{name}` has shape {:?}, expected rank {rank}",
                var.dims
            )))
        }
    };
    let heads = |name: &str| -> Result<usize, ImportError> {
        model
            .get(name)?
            .scalar_int()
            .and_then(|n| usize::try_from(n).ok())
            .filter(|&n| n > 0)
            .ok_or_else(|| ImportError::Format(format!("`{name}` is not a positive integer")))
    };
    let layers = |side: &str| {
        (0..)
            .take_while(|i| {
                let name = format!("{side}/layer_{i}/ffn/linear_0/weight");
                model.variables.contains_key(&name)
            })
            .count()
    };
    let audio = dims("encoder/position_encodings/encodings", 2)?;
    let text = dims("decoder/position_encodings/encodings", 2)?;
    let embed = dims("decoder/embeddings/weight", 2)?;
    let conv1 = dims("encoder/conv1/weight", 3)?;
    Ok(Hparams {
        n_vocab: embed[0],
        n_audio_ctx: audio[0],
        n_audio_state: audio[1],
        n_audio_head: heads("encoder/num_heads")?,
        n_audio_layer: layers("encoder"),
        n_text_ctx: text[0],
        n_text_state: text[1],
        n_text_head: heads("decoder/num_heads")?,
        n_text_layer: layers("decoder"),
        n_mels: conv1[1],
    })
}
