//! [`locate_model`]: where the set-up scripts put model files and the stages look for them.

use std::path::{Path, PathBuf};

/// The environment variable that names the models folder.
pub const MODELS_DIR_ENV: &str = "HEIMDEX_MODELS_DIR";

/// The models folder relative to a project root: what the set-up scripts write.
pub const MODELS_DIR: &str = ".heimdex/models";

/// `name` (a file or folder) in the models folder: `$HEIMDEX_MODELS_DIR/name` when that variable
/// is set; else `.heimdex/models/name` in the current directory or the nearest ancestor where
/// `found` holds for it (so a command run from a crate folder finds the workspace's copy); else
/// that path under the current directory, which does not exist, so loading it names the set-up
/// script.
pub fn locate_model(name: &str, found: fn(&Path) -> bool) -> PathBuf {
    if let Some(dir) = std::env::var_os(MODELS_DIR_ENV).filter(|d| !d.is_empty()) {
        return PathBuf::from(dir).join(name);
    }
    let relative = Path::new(MODELS_DIR).join(name);
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    cwd.ancestors()
        .map(|dir| dir.join(&relative))
        .find(|candidate| found(candidate))
        .unwrap_or_else(|| cwd.join(relative))
}
