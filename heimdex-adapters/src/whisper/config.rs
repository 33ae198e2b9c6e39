//! [`TranscriptionConfig`]: the model, language and quality gate of `transcription`.

use std::path::{Path, PathBuf};

/// The model file's name in the models folder (`HEIMDEX_MODELS_DIR`, `.heimdex/models`).
pub const MODEL_FILE: &str = "ggml-tiny.en.bin";

/// Where the model lives when `HEIMDEX_WHISPER_MODEL` is not set (relative to the working
/// directory): what `scripts/setup-whisper` writes.
pub const DEFAULT_MODEL: &str = ".heimdex/models/ggml-tiny.en.bin";

/// How `transcription` runs.
#[derive(Clone, Debug, PartialEq)]
pub struct TranscriptionConfig {
    /// The whisper.cpp ggml model file.
    pub model: PathBuf,
    /// The language spoken (ISO 639-1, e.g. `en`); `None` detects it (English-only models always
    /// transcribe English).
    pub language: Option<String>,
    /// Threads whisper.cpp uses; 0 uses one per core.
    pub threads: usize,
    /// Beam width of the decoder (faster-whisper's default: 5); 1 decodes greedily (faster,
    /// a little less accurate).
    pub beam_size: usize,
    /// Segments whose no-speech probability is above this are dropped (Whisper's own default:
    /// 0.6).
    pub no_speech_threshold: f32,
    /// Audio whose loudness (RMS, dBFS) is below this is silence: the transcript is empty and
    /// Whisper does not run. Within the audio, seconds below it are silent, and silences of 30 s
    /// or more are cut out before Whisper runs (the segments keep their times in the recording).
    pub silence_dbfs: f32,
}

impl Default for TranscriptionConfig {
    fn default() -> Self {
        Self {
            model: PathBuf::from(DEFAULT_MODEL),
            language: None,
            threads: 0,
            beam_size: 5,
            no_speech_threshold: 0.6,
            silence_dbfs: -50.0,
        }
    }
}

/// The model file: `$HEIMDEX_WHISPER_MODEL` when set, else [`MODEL_FILE`] in the models folder
/// as [`locate_model`](crate::models::locate_model) finds it ([`DEFAULT_MODEL`] in the current
/// directory or the nearest ancestor that has it, unless `HEIMDEX_MODELS_DIR` is set).
pub fn default_model_path() -> PathBuf {
    match std::env::var_os("HEIMDEX_WHISPER_MODEL").filter(|v| !v.is_empty()) {
        Some(model) => PathBuf::from(model),
        None => crate::models::locate_model(MODEL_FILE, Path::is_file),
    }
}

impl TranscriptionConfig {
    /// The defaults, with `HEIMDEX_WHISPER_LANGUAGE` (`auto` or a code) and
    /// `HEIMDEX_WHISPER_THREADS` from the environment when set, and the model found as
    /// [`default_model_path`] says.
    pub fn from_env() -> Self {
        let var = |name| {
            std::env::var(name)
                .ok()
                .filter(|v: &String| !v.trim().is_empty())
        };
        let mut config = Self {
            model: default_model_path(),
            ..Self::default()
        };
        config.language = var("HEIMDEX_WHISPER_LANGUAGE")
            .map(|l| l.trim().to_lowercase())
            .filter(|l| l != "auto");
        if let Some(threads) = var("HEIMDEX_WHISPER_THREADS").and_then(|t| t.trim().parse().ok()) {
            config.threads = threads;
        }
        config
    }

    /// The thread count to give whisper.cpp.
    pub(crate) fn threads(&self) -> usize {
        if self.threads > 0 {
            self.threads
        } else {
            std::thread::available_parallelism().map_or(2, usize::from)
        }
    }
}
