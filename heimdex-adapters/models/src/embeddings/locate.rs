//! Where the model lives: [`default_model_dir`].

use std::path::{Path, PathBuf};

/// The folder name of all-MiniLM-L6-v2 under the models folder.
pub const MODEL_NAME: &str = "all-minilm-l6-v2";

pub use crate::MODELS_DIR_ENV;

/// Where `scripts/setup-embeddings` installs all-MiniLM-L6-v2: `$HEIMDEX_MODELS_DIR/all-minilm-l6-v2`
/// when that variable is set, else `.heimdex/models/all-minilm-l6-v2` in the current directory or
/// the nearest ancestor that has one (so tests run from a crate folder find the workspace's copy),
/// else that path under the current directory (which does not exist: loading it then names the
/// set-up script).
pub fn default_model_dir() -> PathBuf {
    crate::locate_model(MODEL_NAME, Path::is_dir)
}
