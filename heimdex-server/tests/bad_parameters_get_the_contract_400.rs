//! Every bad query parameter gets the contract's 400 with the exact message, over real HTTP, and
//! the store is never asked (the mock has no expectations: a call would panic the handler).

mod support;

use std::sync::Arc;

use heimdex_core::query::MockMetricsQuery;
use heimdex_core::{Bucket, Page, RangeError, UserSort};
use support::TestServer;

/// Routes taking `range` with the `'30d'` example.
const RANGE_ROUTES: [&str; 8] = [
    "/v1/admin/timeseries/throughput",
    "/v1/admin/timeseries/search",
    "/v1/admin/timeseries/throughput-v2",
    "/v1/admin/performance/latency",
    "/v1/admin/performance/rtf",
    "/v1/admin/performance/queue",
    "/v1/admin/performance/stages",
    "/v1/admin/failures/by-stage",
];

/// (raw query value, already URL-encoded; expected error).
fn bad_ranges() -> Vec<(&'static str, RangeError)> {
    vec![
        ("0d", RangeError::OutOfBounds),
        ("366d", RangeError::OutOfBounds),
        ("-1d", RangeError::OutOfBounds),
        ("30", RangeError::Format),
        ("30D", RangeError::Format),
        ("", RangeError::Format),
        ("d", RangeError::NotInteger),
        ("3_0d", RangeError::NotInteger),
        ("%2030d", RangeError::NotInteger), // " 30d"
        ("+30d", RangeError::NotInteger),   // form encoding: also " 30d"
        ("3.5d", RangeError::NotInteger),
        ("99999999999999999999d", RangeError::OutOfBounds),
    ]
}

async fn server() -> TestServer {
    TestServer::start(Arc::new(MockMetricsQuery::new())).await
}

#[tokio::test]
async fn bad_ranges_get_the_exact_message_with_the_30d_example() {
    let server = server().await;
    for route in RANGE_ROUTES {
        for (raw, error) in bad_ranges() {
            let reply = server.admin_get(&format!("{route}?range={raw}")).await;
            reply.assert_error(400, &error.message("30d"));
        }
    }
    let reply = server
        .admin_get("/v1/admin/performance/latency?range=30")
        .await;
    reply.assert_error(400, "Range must be in format '30d'");
}

#[tokio::test]
async fn bad_ranges_on_users_use_the_7d_example() {
    let server = server().await;
    for (raw, error) in bad_ranges() {
        let reply = server
            .admin_get(&format!("/v1/admin/users?range={raw}"))
            .await;
        reply.assert_error(400, &error.message("7d"));
    }
    server
        .admin_get("/v1/admin/users?range=7")
        .await
        .assert_error(400, "Range must be in format '7d'");
    server
        .admin_get("/v1/admin/users?range=0d")
        .await
        .assert_error(400, "Range must be between 1d and 365d");
    server
        .admin_get("/v1/admin/users?range=3_0d")
        .await
        .assert_error(400, "Invalid range format");
}

#[tokio::test]
async fn buckets_other_than_day_are_refused_on_both_series() {
    let server = server().await;
    for route in [
        "/v1/admin/timeseries/throughput",
        "/v1/admin/timeseries/search",
    ] {
        for bucket in ["week", "hour", "Day", ""] {
            let reply = server.admin_get(&format!("{route}?bucket={bucket}")).await;
            reply.assert_error(400, Bucket::UNSUPPORTED);
            assert_eq!(
                Bucket::UNSUPPORTED,
                "Only 'day' bucket supported in Phase 1"
            );
        }
        // range is checked before bucket
        let reply = server
            .admin_get(&format!("{route}?bucket=week&range=0d"))
            .await;
        reply.assert_error(400, "Range must be between 1d and 365d");
    }
}

#[tokio::test]
async fn users_list_sort_and_paging_are_validated() {
    let server = server().await;
    let cases = [
        ("sort=name", UserSort::INVALID),
        ("sort=LAST_ACTIVITY", UserSort::INVALID),
        ("page=0", Page::INVALID_PAGE),
        ("page=-1", Page::INVALID_PAGE),
        ("page=x", Page::INVALID_PAGE),
        ("page=1.5", Page::INVALID_PAGE),
        ("page_size=0", Page::INVALID_SIZE),
        ("page_size=101", Page::INVALID_SIZE),
        ("page_size=ten", Page::INVALID_SIZE),
        ("page=0&page_size=101", Page::INVALID_PAGE),
        ("sort=name&page=0", UserSort::INVALID),
    ];
    for (query, message) in cases {
        server
            .admin_get(&format!("/v1/admin/users?{query}"))
            .await
            .assert_error(400, message);
    }
    assert_eq!(
        UserSort::INVALID,
        "Invalid sort column. Must be one of: last_activity, hours_ready, videos_ready, searches_7d"
    );
}

#[tokio::test]
async fn malformed_user_ids_are_invalid_format() {
    let server = server().await;
    for id in [
        "not-a-uuid",
        "123",
        "0f8fad5b-d9cb-469f-a165-70867728950",
        "0f8fad5b-d9cb-469f-a165-70867728950eX",
        "zf8fad5b-d9cb-469f-a165-70867728950e",
        "%20",
    ] {
        server
            .admin_get(&format!("/v1/admin/users/{id}"))
            .await
            .assert_error(400, "Invalid user ID format");
    }
}
