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
    /// Whisper does not run. Within the audio, seconds below it are silent; silences of 30 s or
    /// more, and the silence before the first sound and after the last, are cut out (less a
    /// second next to the sound) before Whisper runs (the segments keep their times in the
    /// recording).
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
/// as [`locate_model`](crate::locate_model) finds it ([`DEFAULT_MODEL`] in the current
/// directory or the nearest ancestor that has it, unless `HEIMDEX_MODELS_DIR` is set).
pub fn default_model_path() -> PathBuf {
    match std::env::var_os("HEIMDEX_WHISPER_MODEL").filter(|v| !v.is_empty()) {
        Some(model) => PathBuf::from(model),
        None => crate::locate_model(MODEL_FILE, Path::is_file),
    }
}

/// The most whisper.cpp threads a setting may ask for.
pub const MAX_THREADS: usize = 256;

/// A transcription setting from the environment that cannot be used; the message names the
/// variable, the value and what it takes.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{name}={value:?} is not valid: it takes {expected}")]
pub struct InvalidSetting {
    /// The environment variable.
    pub name: &'static str,
    /// Its value, as set.
    pub value: String,
    /// What it takes.
    pub expected: String,
}

impl TranscriptionConfig {
    /// The defaults, with `HEIMDEX_WHISPER_LANGUAGE` (`auto` or a language Whisper knows, see
    /// [`language_code`]) and `HEIMDEX_WHISPER_THREADS` (0 to [`MAX_THREADS`], 0 for one per
    /// core) from the environment when set and not blank, and the model found as
    /// [`default_model_path`] says. Fails on a value it cannot use rather than ignore it.
    pub fn from_env() -> Result<Self, InvalidSetting> {
        let var = |name| {
            std::env::var(name)
                .ok()
                .filter(|v: &String| !v.trim().is_empty())
        };
        let mut config = Self {
            model: default_model_path(),
            ..Self::default()
        };
        if let Some(value) = var("HEIMDEX_WHISPER_LANGUAGE") {
            config.language = language_code(&value).ok_or_else(|| InvalidSetting {
                name: "HEIMDEX_WHISPER_LANGUAGE",
                value: value.clone(),
                expected: "`auto` or a language Whisper knows, as a code (`en`, `de`, …) or \
                           an English name (`german`)"
                    .into(),
            })?;
        }
        if let Some(value) = var("HEIMDEX_WHISPER_THREADS") {
            config.threads = value
                .trim()
                .parse()
                .ok()
                .filter(|n| *n <= MAX_THREADS)
                .ok_or_else(|| InvalidSetting {
                    name: "HEIMDEX_WHISPER_THREADS",
                    value: value.clone(),
                    expected: format!(
                        "a whole number of threads from 0 (one per core) to {MAX_THREADS}"
                    ),
                })?;
        }
        Ok(config)
    }

    /// The configuration for one of `jobs` jobs that run at once: when its `threads` is 0
    /// (one per core), the cores divided among the jobs, at least one each, so that their runs
    /// side by side do not ask for more threads than there are cores (a run that would waits;
    /// see [`Transcription`](super::Transcription)). A thread count set explicitly is kept.
    pub fn shared_by(mut self, jobs: usize) -> Self {
        if self.threads == 0 {
            self.threads = (self.threads() / jobs.max(1)).max(1);
        }
        self
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

/// The language setting `value` as [`TranscriptionConfig::language`] takes it: `Some(None)` for
/// `auto` (detect), `Some(Some(code))` for a language Whisper knows, given as its code or its
/// English name in any case (`DE`, `german` → `de`), `None` for anything else.
pub fn language_code(value: &str) -> Option<Option<String>> {
    let value = value.trim().to_lowercase();
    if value == "auto" {
        return Some(None);
    }
    super::model::quiet_whisper_logs();
    let id = whisper_rs::get_lang_id(&value)?;
    whisper_rs::get_lang_str(id).map(|code| Some(code.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::{language_code, TranscriptionConfig};

    #[test]
    fn languages_are_codes_or_names_in_any_case_and_auto_detects() {
        assert_eq!(language_code(" auto "), Some(None));
        assert_eq!(language_code("en"), Some(Some("en".into())));
        assert_eq!(language_code("DE"), Some(Some("de".into())));
        assert_eq!(language_code("German"), Some(Some("de".into())));
    }

    #[test]
    fn concurrent_jobs_share_the_cores_unless_a_thread_count_is_set() {
        let cores = TranscriptionConfig::default().threads();
        let shared = |threads, jobs| {
            TranscriptionConfig {
                threads,
                ..TranscriptionConfig::default()
            }
            .shared_by(jobs)
            .threads
        };
        assert_eq!(shared(0, 1), cores);
        assert_eq!(shared(0, 2), (cores / 2).max(1));
        assert_eq!(shared(0, cores * 4), 1, "at least one thread each");
        assert_eq!(shared(0, 0), cores, "no jobs counts as one");
        assert_eq!(shared(3, 2), 3, "an explicit count is kept");
    }

    #[test]
    fn a_language_whisper_does_not_know_is_refused() {
        for value in ["klingon", "xx", "", "en-US", "e"] {
            assert_eq!(language_code(value), None, "{value:?}");
        }
    }
}
