//! Contract §6 over HTTP: every endpoint's answer for the golden data, checked field by field
//! against the contract's expected values. Used for every store (memory, embedded, PostgreSQL).

use chrono::{TimeDelta, Utc};
use heimdex_core::UserId;
use serde_json::{json, Value};

use super::TestServer;

/// The golden profiles.
#[derive(Clone, Copy, Debug)]
pub struct People {
    /// Alice: three videos, three searches.
    pub alice: UserId,
    /// Bob: one PENDING video.
    pub bob: UserId,
    /// Carol: nothing.
    pub carol: UserId,
}

/// `a` equals `b` within 1e-9 relative (docs/spec.md#golden-data).
#[track_caller]
pub fn close(value: &Value, expected: f64, what: &str) {
    let got = value
        .as_f64()
        .unwrap_or_else(|| panic!("{what}: {value} is not a number"));
    let tolerance = 1e-9 * expected.abs().max(1.0);
    assert!(
        (got - expected).abs() <= tolerance,
        "{what}: got {got}, expected {expected}"
    );
}

/// The UTC day `days` days ago, as the API writes it.
pub fn day_ago(days: i64) -> String {
    (Utc::now() - TimeDelta::days(days))
        .format("%Y-%m-%d")
        .to_string()
}

async fn ok(server: &TestServer, path: &str) -> Value {
    let reply = server.admin_get(path).await;
    assert_eq!(reply.status, 200, "{path}: {}", reply.text);
    reply.json
}

/// Runs every check.
pub async fn assert_golden(server: &TestServer, people: People) {
    overview(server).await;
    performance(server).await;
    failures_and_series(server).await;
    users(server, people).await;
    user_detail(server, people).await;
}

async fn overview(server: &TestServer) {
    let o = ok(server, "/v1/admin/overview").await;
    assert_eq!(o["videos_ready_total"], 2);
    assert_eq!(o["videos_failed_total"], 1);
    assert_eq!(o["videos_total"], 4);
    close(&o["failure_rate_pct"], 25.0, "failure_rate_pct");
    close(&o["hours_ready_total"], 1.5, "hours_ready_total");
    assert_eq!(o["searches_7d"], 3);
    close(
        &o["avg_search_latency_ms_7d"],
        150.0,
        "avg_search_latency_ms_7d",
    );
    assert_eq!(o["searches_30d"], 4);
    close(
        &o["avg_search_latency_ms_30d"],
        362.5,
        "avg_search_latency_ms_30d",
    );
}

async fn performance(server: &TestServer) {
    for range in ["", "?range=30d", "?range=3d", "?range=365d"] {
        let q = ok(server, &format!("/v1/admin/performance/queue{range}")).await;
        assert_eq!(q["videos_measured"], 3);
        close(&q["avg_queue_time_s"], 240.0, "avg_queue_time_s");
        close(&q["avg_processing_time_s"], 2200.0, "avg_processing_time_s");
        close(&q["avg_total_time_s"], 2440.0, "avg_total_time_s");
        close(&q["queue_time_pct"], 9.836065573770492, "queue_time_pct");
        close(
            &q["processing_time_pct"],
            90.1639344262295,
            "processing_time_pct",
        );

        let l = ok(server, &format!("/v1/admin/performance/latency{range}")).await;
        assert_eq!(l["videos_measured"], 3);
        close(&l["avg_processing_ms"], 2_200_000.0, "avg_processing_ms");
        close(&l["p50_processing_ms"], 3_000_000.0, "p50_processing_ms");
        close(&l["p95_processing_ms"], 3_486_000.0, "p95_processing_ms");
        close(&l["p99_processing_ms"], 3_529_200.0, "p99_processing_ms");
        close(&l["avg_queue_ms"], 240_000.0, "avg_queue_ms");
        close(&l["avg_total_ms"], 2_440_000.0, "avg_total_ms");

        let r = ok(server, &format!("/v1/admin/performance/rtf{range}")).await;
        assert_eq!(r["videos_measured"], 2);
        close(&r["avg_rtf"], 1.4, "avg_rtf");
        close(&r["p50_rtf"], 1.4, "p50_rtf");
        close(&r["p95_rtf"], 1.91, "p95_rtf");
        close(&r["p99_rtf"], 1.9553333333333334, "p99_rtf");
        close(&r["avg_video_duration_s"], 2700.0, "avg_video_duration_s");
        close(
            &r["avg_processing_duration_s"],
            3270.0,
            "avg_processing_duration_s",
        );
    }
    let stages = ok(server, "/v1/admin/performance/stages").await;
    assert!(stages["data"].is_array());
}

async fn failures_and_series(server: &TestServer) {
    let f = ok(server, "/v1/admin/failures/by-stage").await;
    assert_eq!(f["data"].as_array().unwrap().len(), 1, "{f}");
    assert_eq!(f["data"][0]["processing_stage"], "transcription");
    assert_eq!(f["data"][0]["failure_count"], 1);
    close(&f["data"][0]["failure_pct"], 100.0, "failure_pct");

    let v2 = ok(server, "/v1/admin/timeseries/throughput-v2").await;
    let rows = v2["data"].as_array().unwrap();
    assert_eq!(rows.len(), 2, "{v2}");
    assert_eq!(rows[0]["day"], day_ago(1));
    assert_eq!(
        (
            rows[0]["videos_ready"].clone(),
            rows[0]["videos_failed"].clone()
        ),
        (json!(1), json!(1))
    );
    close(&rows[0]["hours_ready"], 0.5, "v2 hours day -1");
    close(
        &rows[0]["avg_processing_s"],
        3540.0,
        "v2 avg_processing_s day -1",
    );
    close(&rows[0]["avg_rtf"], 3540.0 / 1800.0, "v2 avg_rtf day -1");
    assert_eq!(rows[1]["day"], day_ago(2));
    assert_eq!(
        (
            rows[1]["videos_ready"].clone(),
            rows[1]["videos_failed"].clone()
        ),
        (json!(1), json!(0))
    );
    close(&rows[1]["hours_ready"], 1.0, "v2 hours day -2");
    close(
        &rows[1]["avg_processing_s"],
        3000.0,
        "v2 avg_processing_s day -2",
    );
    close(&rows[1]["avg_rtf"], 3000.0 / 3600.0, "v2 avg_rtf day -2");

    let v1 = ok(
        server,
        "/v1/admin/timeseries/throughput?range=30d&bucket=day",
    )
    .await;
    let rows = v1["data"].as_array().unwrap();
    assert_eq!(rows.len(), 2, "{v1}");
    assert_eq!(rows[0]["day"], day_ago(2));
    assert_eq!(rows[0]["videos_ready"], 1);
    close(&rows[0]["hours_ready"], 1.0, "v1 hours day -2");
    assert_eq!(rows[1]["day"], day_ago(1));
    assert_eq!(rows[1]["videos_ready"], 1);
    close(&rows[1]["hours_ready"], 0.5, "v1 hours day -1");

    let s = ok(server, "/v1/admin/timeseries/search").await;
    let rows = s["data"].as_array().unwrap();
    let got: Vec<(String, u64, f64)> = rows
        .iter()
        .map(|r| {
            (
                r["day"].as_str().unwrap().to_owned(),
                r["searches"].as_u64().unwrap(),
                r["avg_latency_ms"].as_f64().unwrap(),
            )
        })
        .collect();
    let want = vec![
        (day_ago(20), 1, 1000.0),
        (day_ago(3), 1, 50.0),
        (day_ago(2), 1, 300.0),
        (day_ago(1), 1, 100.0),
    ];
    assert_eq!(got, want);
    let week = ok(server, "/v1/admin/timeseries/search?range=7d").await;
    assert_eq!(week["data"].as_array().unwrap().len(), 3);
}

async fn users(server: &TestServer, people: People) {
    let page = ok(server, "/v1/admin/users").await;
    assert_eq!(
        (
            page["page"].clone(),
            page["page_size"].clone(),
            page["total_users"].clone()
        ),
        (json!(1), json!(50), json!(3))
    );
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    let find = |id: UserId| {
        items
            .iter()
            .find(|u| u["user_id"] == id.to_string())
            .unwrap()
            .clone()
    };
    let alice = find(people.alice);
    assert_eq!(alice["full_name"], "Alice");
    assert_eq!(
        (alice["videos_total"].clone(), alice["videos_ready"].clone()),
        (json!(3), json!(2))
    );
    close(&alice["hours_ready"], 1.5, "alice hours");
    assert_eq!(alice["searches_7d"], 2);
    close(&alice["avg_latency_ms_7d"], 200.0, "alice avg 7d");
    let bob = find(people.bob);
    assert_eq!(
        (
            bob["videos_total"].clone(),
            bob["videos_ready"].clone(),
            bob["searches_7d"].clone()
        ),
        (json!(1), json!(0), json!(0))
    );
    close(&bob["hours_ready"], 0.0, "bob hours");
    assert!(bob["avg_latency_ms_7d"].is_null());
    let carol = find(people.carol);
    assert_eq!(
        (carol["videos_total"].clone(), carol["searches_7d"].clone()),
        (json!(0), json!(0))
    );
    assert!(carol["last_activity"].is_null() && carol["avg_latency_ms_7d"].is_null());
    assert_eq!(
        items[2]["user_id"],
        people.carol.to_string(),
        "null last_activity sorts last"
    );

    // The range reaches the per-user search window.
    let month = ok(server, "/v1/admin/users?range=30d&sort=searches_7d").await;
    let first = &month["items"][0];
    assert_eq!(first["user_id"], people.alice.to_string());
    assert_eq!(first["searches_7d"], 3);
    close(&first["avg_latency_ms_7d"], 1400.0 / 3.0, "alice avg 30d");

    // Paging is stable: two pages of one and two rows hold all three users once.
    let p1 = ok(server, "/v1/admin/users?page_size=2&sort=hours_ready").await;
    let p2 = ok(
        server,
        "/v1/admin/users?page=2&page_size=2&sort=hours_ready",
    )
    .await;
    assert_eq!(p1["items"][0]["user_id"], people.alice.to_string());
    let mut ids: Vec<String> = p1["items"]
        .as_array()
        .unwrap()
        .iter()
        .chain(p2["items"].as_array().unwrap())
        .map(|u| u["user_id"].as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    let mut all = vec![
        people.alice.to_string(),
        people.bob.to_string(),
        people.carol.to_string(),
    ];
    all.sort();
    assert_eq!(ids, all);
    assert_eq!(p2["total_users"], 3);
}

async fn user_detail(server: &TestServer, people: People) {
    let a = ok(server, &format!("/v1/admin/users/{}", people.alice)).await;
    assert_eq!(a["user_id"], people.alice.to_string());
    assert_eq!(a["searches_7d"], 2);
    close(&a["avg_latency_ms_7d"], 200.0, "detail avg");
    let videos = a["recent_videos"].as_array().unwrap();
    assert_eq!(videos.len(), 3);
    let updated: Vec<chrono::DateTime<chrono::FixedOffset>> = videos
        .iter()
        .map(|v| chrono::DateTime::parse_from_rfc3339(v["updated_at"].as_str().unwrap()).unwrap())
        .collect();
    let mut sorted = updated.clone();
    sorted.sort_by(|x, y| y.cmp(x));
    assert_eq!(updated, sorted, "recent videos newest first");
    let failed = videos.iter().find(|v| v["status"] == "FAILED").unwrap();
    assert!(failed["duration_s"].is_null());
    let latencies: Vec<i64> = a["recent_searches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["latency_ms"].as_i64().unwrap())
        .collect();
    assert_eq!(latencies, [100, 300, 1000]);

    let carol = ok(server, &format!("/v1/admin/users/{}", people.carol)).await;
    assert!(carol["recent_videos"].as_array().unwrap().is_empty());
    assert!(carol["recent_searches"].as_array().unwrap().is_empty());

    let unknown = server
        .admin_get(&format!("/v1/admin/users/{}", UserId::new_v4()))
        .await;
    unknown.assert_error(404, "User not found");
}
