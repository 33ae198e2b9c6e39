//! The embedded store's folders and files are owner-only on Unix: the database holds names and
//! search text, so no other local user may read it.
#![cfg(unix)]

mod embedded_support;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use embedded_support::{profile, TempDir};
use heimdex_embedded::EmbeddedStore;

/// The permission bits in octal, e.g. `"600"`.
fn mode(path: &Path) -> String {
    let meta = std::fs::metadata(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    format!("{:o}", meta.permissions().mode() & 0o777)
}

fn with_suffix(path: &Path, suffix: &str) -> std::path::PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    name.into()
}

#[tokio::test]
async fn a_new_store_its_folders_and_its_wal_and_shm_files_are_owner_only() {
    let dir = TempDir::new();
    let heimdex = dir.path().join(".heimdex");
    let db = heimdex.join("stores/heimdex.db");
    let store = EmbeddedStore::open(&db).await.unwrap();
    profile(&store, "Alice").await; // a write, so the WAL holds a frame
    for folder in [&heimdex, &heimdex.join("stores")] {
        assert_eq!(mode(folder), "700", "{}", folder.display());
    }
    for file in [
        db.clone(),
        with_suffix(&db, "-wal"),
        with_suffix(&db, "-shm"),
    ] {
        assert_eq!(mode(&file), "600", "{}", file.display());
    }
    drop(store);
}

#[tokio::test]
async fn a_store_in_an_existing_folder_is_owner_only_and_leaves_the_folder_alone() {
    let dir = TempDir::new();
    let before = mode(dir.path());
    let db = dir.db();
    let store = EmbeddedStore::open(&db).await.unwrap();
    profile(&store, "Bob").await;
    assert_eq!(mode(&db), "600");
    assert_eq!(mode(&with_suffix(&db, "-wal")), "600");
    assert_eq!(
        mode(dir.path()),
        before,
        "a folder Heimdex did not create keeps its mode"
    );
}
