//! Contract §6 over real HTTP, against every store: the golden rows of
//! `heimdex_core::testkit::golden`, and each endpoint's answer checked against the contract's
//! numbers (`support::golden_checks`) and, for the per-stage latency the contract does not list,
//! against the testkit's expected values. The in-memory and embedded stores always run;
//! PostgreSQL runs when `DATABASE_URL` is set, in a fresh database.

mod support;

use std::sync::Arc;

use heimdex_adapters::StoreConfig;
use heimdex_core::testkit::golden::{self, Golden};
use heimdex_core::testkit::TestStore;
use heimdex_core::MetricsQuery;
use support::golden_checks::{assert_golden, close, People};
use support::TestServer;

async fn check_store(store: Arc<dyn TestStore>) {
    let golden = Golden::new(heimdex_core::time::now());
    store.import(&golden.dataset).await.unwrap();
    store.flush().await.unwrap();
    let metrics: Arc<dyn MetricsQuery> = store;
    let server = TestServer::start(metrics).await;
    let people = People {
        alice: golden::ALICE,
        bob: golden::BOB,
        carol: golden::CAROL,
    };
    assert_golden(&server, people).await;
    stage_latency(&server).await;
}

/// `/performance/stages` equals the testkit's expected rows, in order, floats within 1e-9.
async fn stage_latency(server: &TestServer) {
    let reply = server
        .admin_get("/v1/admin/performance/stages?range=30d")
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let got = reply.json["data"].as_array().unwrap();
    let want = serde_json::to_value(Golden::expected_stage_latency()).unwrap();
    let want = want.as_array().unwrap();
    assert_eq!(got.len(), want.len(), "{}", reply.text);
    for (g, w) in got.iter().zip(want) {
        let (g, w) = (g.as_object().unwrap(), w.as_object().unwrap());
        assert_eq!(g.keys().collect::<Vec<_>>(), w.keys().collect::<Vec<_>>());
        for (key, expected) in w {
            match expected.as_f64() {
                Some(x) if !expected.is_u64() => close(&g[key], x, key),
                _ => assert_eq!(&g[key], expected, "{key}"),
            }
        }
    }
}

#[tokio::test]
async fn memory_store_answers_the_golden_values() {
    check_store(Arc::new(heimdex_core::memory::MemoryStore::new())).await;
}

#[tokio::test]
async fn embedded_store_answers_the_golden_values() {
    let dir = std::env::temp_dir().join(format!("heimdex-server-golden-{}", uuid::Uuid::new_v4()));
    let config = StoreConfig::new(None, Some(dir.join("heimdex.db")));
    check_store(heimdex_adapters::open_importable(&config).await.unwrap()).await;
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn postgres_store_answers_the_golden_values() {
    let db = support::pg::fresh_database().await;
    let config = StoreConfig::new(Some(db.url.clone()), None);
    check_store(heimdex_adapters::open_importable(&config).await.unwrap()).await;
    db.remove().await;
}
