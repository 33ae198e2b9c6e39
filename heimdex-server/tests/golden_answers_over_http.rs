//! Contract §6 over real HTTP, against every store: each endpoint's answer for the golden rows
//! (see `support::golden_checks`). The in-memory and embedded stores always run; PostgreSQL runs
//! when `DATABASE_URL` is set, in a fresh database.

mod support;

use std::sync::Arc;

use heimdex_adapters::StoreConfig;
use heimdex_core::{MetricsQuery, Store};
use support::golden_checks::assert_golden;
use support::{golden_data, TestServer};

async fn check_store(store: Arc<dyn Store>) {
    let (data, people) = golden_data::dataset(heimdex_core::time::now());
    store.import(&data).await.unwrap();
    store.flush().await.unwrap();
    let metrics: Arc<dyn MetricsQuery> = store;
    let server = TestServer::start(metrics).await;
    assert_golden(&server, people).await;
}

#[tokio::test]
async fn memory_store_answers_the_golden_values() {
    check_store(Arc::new(heimdex_core::memory::MemoryStore::new())).await;
}

#[tokio::test]
async fn embedded_store_answers_the_golden_values() {
    let dir = std::env::temp_dir().join(format!("heimdex-server-golden-{}", uuid::Uuid::new_v4()));
    let config = StoreConfig::new(None, Some(dir.join("heimdex.db")));
    check_store(heimdex_adapters::open(&config).await.unwrap()).await;
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn postgres_store_answers_the_golden_values() {
    let Some(db) = support::pg::fresh_database().await else {
        eprintln!("DATABASE_URL not set: skipping the PostgreSQL golden test");
        return;
    };
    let config = StoreConfig::new(Some(db.url.clone()), None);
    check_store(heimdex_adapters::open(&config).await.unwrap()).await;
    db.remove().await;
}
