//! A users page past the last user is `200` with no items and the real total, on every store,
//! however far past: on PostgreSQL a page whose offset does not fit the SQL function's `int4`
//! (page 21474838 of 100) used to be a 500.

mod support;

use std::sync::Arc;

use heimdex_adapters::StoreConfig;
use heimdex_core::testkit::golden::Golden;
use heimdex_core::testkit::TestStore;
use heimdex_core::MetricsQuery;
use support::TestServer;

/// Pages far past the golden data's users, the first with an offset just past `i32::MAX`.
const FAR_PAGES: [&str; 3] = [
    "page=21474838&page_size=100",
    "page=4294967295&page_size=100",
    "page=2&page_size=100",
];

async fn check_far_pages_are_empty(store: Arc<dyn TestStore>) {
    let golden = Golden::new(heimdex_core::time::now());
    store.import(&golden.dataset).await.unwrap();
    store.flush().await.unwrap();
    let users = golden.dataset.profiles.len() as u64;
    let metrics: Arc<dyn MetricsQuery> = store;
    let server = TestServer::start(metrics).await;
    for query in FAR_PAGES {
        let reply = server
            .admin_get(&format!("/v1/admin/users?range=30d&{query}"))
            .await;
        assert_eq!(reply.status, 200, "{query}: {}", reply.text);
        assert_eq!(reply.json["items"], serde_json::json!([]), "{query}");
        assert_eq!(reply.json["total_users"], users, "{query}");
        assert_eq!(reply.json["page_size"], 100, "{query}");
    }
}

#[tokio::test]
async fn postgres_answers_an_empty_page_past_the_int4_offset() {
    let db = support::pg::fresh_database().await;
    let config = StoreConfig::new(Some(db.url.clone()), None);
    check_far_pages_are_empty(heimdex_adapters::open_importable(&config).await.unwrap()).await;
    db.remove().await;
}

#[tokio::test]
async fn the_embedded_and_memory_stores_answer_the_same_empty_page() {
    let dir = std::env::temp_dir().join(format!("heimdex-far-pages-{}", uuid::Uuid::new_v4()));
    let config = StoreConfig::new(None, Some(dir.join("heimdex.db")));
    check_far_pages_are_empty(heimdex_adapters::open_importable(&config).await.unwrap()).await;
    std::fs::remove_dir_all(dir).ok();
    check_far_pages_are_empty(Arc::new(heimdex_core::memory::MemoryStore::new())).await;
}
