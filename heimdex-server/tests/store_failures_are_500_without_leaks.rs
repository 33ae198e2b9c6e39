//! A failing store gives each endpoint's own 500 message and nothing internal; an unknown user is
//! 404 `User not found`; a store that cannot be pinged makes `/healthz` 503.

mod support;

use std::sync::Arc;

use heimdex_core::query::MockMetricsQuery;
use heimdex_core::{Error, UserId};
use support::TestServer;

/// What the backend said: it must never reach the client.
const LEAK: &str = "connection to 10.1.2.3:5432 refused (password=hunter2)";

fn backend() -> Error {
    Error::Backend {
        adapter: "postgres",
        source: LEAK.into(),
    }
}

fn failing_store() -> MockMetricsQuery {
    let mut m = MockMetricsQuery::new();
    m.expect_overview().returning(|| Err(backend()));
    m.expect_throughput().returning(|_, _| Err(backend()));
    m.expect_search_series().returning(|_, _| Err(backend()));
    m.expect_users().returning(|_, _, _| Err(backend()));
    m.expect_user_detail().returning(|_| Err(backend()));
    m.expect_latency().returning(|_| Err(backend()));
    m.expect_rtf().returning(|_| Err(backend()));
    m.expect_queue().returning(|_| Err(backend()));
    m.expect_failures_by_stage().returning(|_| Err(backend()));
    m.expect_throughput_v2().returning(|_| Err(backend()));
    m.expect_stage_latency().returning(|_| {
        Err(Error::Unavailable {
            adapter: "postgres",
            source: LEAK.into(),
        })
    });
    m.expect_ping().returning(|| Err(backend()));
    m
}

#[tokio::test]
async fn every_endpoint_answers_its_own_500_message_and_nothing_internal() {
    let server = TestServer::start(Arc::new(failing_store())).await;
    let user = UserId::new_v4();
    let cases = [
        ("/v1/admin/overview", "Failed to fetch overview metrics"),
        (
            "/v1/admin/timeseries/throughput",
            "Failed to fetch throughput timeseries",
        ),
        (
            "/v1/admin/timeseries/search",
            "Failed to fetch search timeseries",
        ),
        (
            "/v1/admin/timeseries/throughput-v2",
            "Failed to fetch throughput timeseries v2",
        ),
        ("/v1/admin/users", "Failed to fetch users"),
        (
            &format!("/v1/admin/users/{user}"),
            "Failed to fetch user detail",
        ),
        (
            "/v1/admin/performance/latency",
            "Failed to fetch processing latency",
        ),
        ("/v1/admin/performance/rtf", "Failed to fetch RTF metrics"),
        (
            "/v1/admin/performance/queue",
            "Failed to fetch queue analysis",
        ),
        (
            "/v1/admin/performance/stages",
            "Failed to fetch stage latency",
        ),
        (
            "/v1/admin/failures/by-stage",
            "Failed to fetch failure analysis",
        ),
    ];
    for (path, message) in cases {
        let reply = server.admin_get(path).await;
        reply.assert_error(500, message);
        for secret in ["hunter2", "10.1.2.3", "postgres"] {
            assert!(!reply.text.contains(secret), "{path} leaked {secret}");
        }
    }
}

#[tokio::test]
async fn the_store_receives_the_parsed_parameters() {
    let mut m = MockMetricsQuery::new();
    m.expect_latency()
        .withf(|w| w.days() == 12)
        .times(1)
        .returning(|_| Ok(Default::default()));
    m.expect_users()
        .withf(|w, p, s| {
            w.days() == 3
                && p.page() == 2
                && p.page_size() == 10
                && *s == heimdex_core::UserSort::HoursReady
        })
        .times(1)
        .returning(|_, p, _| {
            Ok(heimdex_core::query::UsersPage {
                items: vec![],
                page: p.page(),
                page_size: p.page_size(),
                total_users: 0,
            })
        });
    m.expect_users()
        .withf(|w, p, s| {
            w.days() == 7
                && *p == heimdex_core::Page::default()
                && *s == heimdex_core::UserSort::LastActivity
        })
        .times(1)
        .returning(|_, p, _| {
            Ok(heimdex_core::query::UsersPage {
                items: vec![],
                page: p.page(),
                page_size: p.page_size(),
                total_users: 0,
            })
        });
    let server = TestServer::start(Arc::new(m)).await;
    assert_eq!(
        server
            .admin_get("/v1/admin/performance/latency?range=12d")
            .await
            .status,
        200
    );
    let page = server
        .admin_get("/v1/admin/users?range=3d&page=2&page_size=10&sort=hours_ready&unknown=1")
        .await;
    assert_eq!(page.json["page"], 2);
    assert_eq!(page.json["page_size"], 10);
    let defaults = server.admin_get("/v1/admin/users").await;
    assert_eq!(
        (
            defaults.json["page"].clone(),
            defaults.json["page_size"].clone()
        ),
        (1.into(), 50.into())
    );
}

#[tokio::test]
async fn an_unknown_user_is_404_user_not_found() {
    let mut m = MockMetricsQuery::new();
    m.expect_user_detail()
        .returning(|id| Err(Error::not_found(format!("user {id}"))));
    let server = TestServer::start(Arc::new(m)).await;
    let reply = server
        .admin_get(&format!("/v1/admin/users/{}", UserId::new_v4()))
        .await;
    reply.assert_error(404, "User not found");
}

#[tokio::test]
async fn health_is_503_when_the_store_cannot_be_pinged_and_needs_no_token() {
    let server = TestServer::start(Arc::new(failing_store())).await;
    let reply = server.get("/healthz", &[]).await;
    reply.assert_error(503, "Store unavailable");
    assert!(!reply.text.contains("hunter2"));

    let mut ok = MockMetricsQuery::new();
    ok.expect_ping().returning(|| Ok(()));
    let server = TestServer::start(Arc::new(ok)).await;
    let reply = server.get("/healthz", &[]).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json, serde_json::json!({ "status": "ok" }));
}
