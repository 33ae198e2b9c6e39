//! The store's folder and file are created owner-only: folders `0700`, the database `0600`.
//!
//! SQLite gives its `-wal` and `-shm` files the database file's mode, so creating the database
//! file `0600` before SQLite opens it keeps those owner-only too. Existing folders and files keep
//! their mode. Elsewhere than Unix the platform's defaults apply.

use std::io;
use std::path::Path;

/// Creates `dir` and its missing parents, each owner-only.
pub(crate) fn create_private_dir_all(dir: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Creates the empty database file at `path` owner-only; a file already there is left as it is.
pub(crate) fn create_private_file(path: &Path) -> io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(_) if path.exists() => Ok(()),
        Err(e) => Err(e),
    }
}
