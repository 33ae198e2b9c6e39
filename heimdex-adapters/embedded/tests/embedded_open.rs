//! Opening the embedded store: folders, reopening, migrations, and files that are not databases.

mod embedded_support;

use embedded_support::{file_store, profile, TempDir};
use heimdex_core::{Catalog, Error};
use heimdex_embedded::{EmbeddedStore, MIGRATOR};
use sqlx::SqlitePool;

/// Every table, index and migration record, to show that a second migration changes nothing.
async fn schema(pool: &SqlitePool) -> Vec<(String, String, Option<String>)> {
    let mut all: Vec<(String, String, Option<String>)> =
        sqlx::query_as("SELECT type, name, sql FROM sqlite_master ORDER BY type, name")
            .fetch_all(pool)
            .await
            .unwrap();
    let migrations: Vec<(i64, String)> =
        sqlx::query_as("SELECT version, description FROM _sqlx_migrations ORDER BY version")
            .fetch_all(pool)
            .await
            .unwrap();
    all.extend(
        migrations
            .into_iter()
            .map(|(v, d)| ("migration".into(), d, Some(v.to_string()))),
    );
    all
}

#[tokio::test]
async fn open_creates_missing_folders_and_uses_wal() {
    let dir = TempDir::new();
    let path = dir.path().join("nested/deeper/heimdex.db");
    let store = EmbeddedStore::open(&path).await.unwrap();
    assert!(path.is_file());
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(mode, "wal");
    let fk: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(fk, 1);
    let tables = schema(store.pool()).await;
    for table in [
        "user_profiles",
        "videos",
        "search_queries",
        "video_stage_timings",
    ] {
        assert!(
            tables.iter().any(|(t, n, _)| t == "table" && n == table),
            "{table} missing"
        );
    }
}

#[tokio::test]
async fn reopening_the_same_file_keeps_the_data_and_migrating_twice_changes_nothing() {
    let dir = TempDir::new();
    let store = file_store(&dir).await;
    let alice = profile(&store, "Alice").await;
    let video = store
        .create_video(heimdex_core::record::NewVideo {
            id: None,
            owner_id: alice,
            storage_path: "/v.mp4".into(),
            filename: None,
        })
        .await
        .unwrap();
    let before = schema(store.pool()).await;
    assert_eq!(
        before.iter().filter(|(t, ..)| t == "migration").count(),
        MIGRATOR.iter().count(),
        "every migration is recorded once"
    );
    store.migrate().await.unwrap();
    assert_eq!(schema(store.pool()).await, before);
    let written = store.video(video).await.unwrap().unwrap();
    store.close().await.unwrap();

    let reopened = file_store(&dir).await; // open migrates again
    assert_eq!(schema(reopened.pool()).await, before);
    assert_eq!(reopened.video(video).await.unwrap(), Some(written));
}

#[tokio::test]
async fn a_file_that_is_not_a_sqlite_database_is_a_clear_error() {
    let dir = TempDir::new();
    let path = dir.path().join("notes.txt");
    std::fs::write(&path, "these are my notes, not a database\n".repeat(200)).unwrap();
    let err = EmbeddedStore::open(&path).await.unwrap_err();
    match err {
        Error::InvalidInput(message) => {
            assert!(message.contains("notes.txt"), "{message}");
            assert!(message.contains("not a SQLite file"), "{message}");
        }
        other => panic!("expected InvalidInput, got {other:?}"),
    }
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "these are my notes, not a database\n".repeat(200),
        "the file is left as it was"
    );
}

#[tokio::test]
async fn in_memory_stores_are_private_and_migrated() {
    let a = EmbeddedStore::in_memory().await.unwrap();
    let b = EmbeddedStore::in_memory().await.unwrap();
    profile(&a, "Alice").await;
    let count = |s: &EmbeddedStore| {
        let pool = s.pool().clone();
        async move {
            sqlx::query_scalar::<_, i64>("SELECT count(*) FROM user_profiles")
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    assert_eq!(count(&a).await, 1);
    assert_eq!(count(&b).await, 0);
    a.migrate().await.unwrap();
    assert_eq!(count(&a).await, 1);
}
