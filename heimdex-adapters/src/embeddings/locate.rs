//! Where the model lives: [`default_model_dir`].

use std::path::{Path, PathBuf};

/// The folder name of all-MiniLM-L6-v2 under the models folder.
pub const MODEL_NAME: &str = "all-minilm-l6-v2";

/// The environment variable that names the models folder (the one holding `all-minilm-l6-v2/`).
pub const MODELS_DIR_ENV: &str = "HEIMDEX_MODELS_DIR";

/// Where `scripts/setup-embeddings` installs all-MiniLM-L6-v2: `$HEIMDEX_MODELS_DIR/all-minilm-l6-v2`
/// when that variable is set, else `.heimdex/models/all-minilm-l6-v2` in the current directory or
/// the nearest ancestor that has one (so tests run from a crate folder find the workspace's copy),
/// else that path under the current directory (which does not exist: loading it then names the
/// set-up script).
pub fn default_model_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os(MODELS_DIR_ENV).filter(|d| !d.is_empty()) {
        return PathBuf::from(dir).join(MODEL_NAME);
    }
    let relative = Path::new(".heimdex").join("models").join(MODEL_NAME);
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    cwd.ancestors()
        .map(|dir| dir.join(&relative))
        .find(|candidate| candidate.is_dir())
        .unwrap_or_else(|| cwd.join(relative))
}
