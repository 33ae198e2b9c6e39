//! `psql` calls to each SQL metric function on the golden data (docs/spec.md#golden-data) return
//! the spec's numbers: what an operator sees at the `psql` prompt is what the admin API answers.

use heimdex_testsupport as support;

use std::process::Command;

use chrono::{DateTime, NaiveDate, Utc};
use heimdex_core::query::{
    LatencySummary, Overview, QueueSummary, RecentSearch, RecentVideo, RtfSummary, SearchPoint,
    StageFailures, StageLatency, ThroughputPoint, ThroughputV2Point, UserSummary,
};
use heimdex_core::testkit::assert::assert_same;
use heimdex_core::testkit::golden::{ALICE, BOB, CAROL};
use heimdex_core::testkit::Golden;
use heimdex_core::testkit::Import;
use heimdex_core::Window;
use support::pg::TestDb;

const NULL: &str = "<null>";
const SEP: &str = "\u{1f}";

/// One `psql` call; the rows, each a list of fields (`None` for SQL NULL).
fn psql(url: &str, sql: &str) -> Vec<Vec<Option<String>>> {
    let out = Command::new("psql")
        .args(["-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-F", SEP, "-P"])
        .arg(format!("null={NULL}"))
        .args(["-d", url, "-c", sql])
        .env("PGTZ", "UTC")
        .env("PGDATESTYLE", "ISO")
        .output()
        .expect("psql is on PATH");
    assert!(
        out.status.success(),
        "psql {sql}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter(|l| !l.is_empty())
        .map(|l| {
            l.split(SEP)
                .map(|f| (f != NULL).then(|| f.to_owned()))
                .collect()
        })
        .collect()
}

fn f(field: &Option<String>) -> Option<f64> {
    field
        .as_ref()
        .map(|v| v.parse().unwrap_or_else(|e| panic!("{v:?}: {e}")))
}

fn n(field: &Option<String>) -> u64 {
    field.as_ref().expect("a count").parse().unwrap()
}

fn day(field: &Option<String>) -> NaiveDate {
    field.as_ref().expect("a day").parse().unwrap()
}

fn ts(field: &Option<String>) -> Option<DateTime<Utc>> {
    field.as_ref().map(|v| {
        DateTime::parse_from_str(&format!("{v}00"), "%Y-%m-%d %H:%M:%S%.f%z")
            .unwrap_or_else(|e| panic!("{v:?}: {e}"))
            .with_timezone(&Utc)
    })
}

/// The golden rows in a fresh database, and its URL.
async fn golden() -> (TestDb, Golden) {
    let db = TestDb::new().await;
    let golden = Golden::new(heimdex_core::time::now());
    db.store().import(&golden.dataset).await.unwrap();
    (db, golden)
}

#[tokio::test]
async fn psql_overview_and_time_series_give_the_contract_numbers() {
    let (db, golden) = golden().await;
    let r = &psql(db.url(), "SELECT * FROM get_admin_overview_metrics()")[0];
    let overview = Overview {
        videos_ready_total: n(&r[0]),
        videos_failed_total: n(&r[1]),
        videos_total: n(&r[2]),
        failure_rate_pct: f(&r[3]).unwrap(),
        hours_ready_total: f(&r[4]).unwrap(),
        searches_7d: n(&r[5]),
        avg_search_latency_ms_7d: f(&r[6]),
        searches_30d: n(&r[7]),
        avg_search_latency_ms_30d: f(&r[8]),
    };
    assert_same(&overview, &Golden::expected_overview(), "overview");

    let throughput: Vec<ThroughputPoint> =
        psql(db.url(), "SELECT * FROM get_throughput_timeseries(30)")
            .iter()
            .map(|r| ThroughputPoint {
                day: day(&r[0]),
                videos_ready: n(&r[1]),
                hours_ready: f(&r[2]).unwrap(),
            })
            .collect();
    assert_same(&throughput, &golden.expected_throughput(), "throughput");

    for days in [7, 30] {
        let sql = format!("SELECT * FROM get_search_timeseries({days})");
        let series: Vec<SearchPoint> = psql(db.url(), &sql)
            .iter()
            .map(|r| SearchPoint {
                day: day(&r[0]),
                searches: n(&r[1]),
                avg_latency_ms: f(&r[2]),
            })
            .collect();
        let window = Window::new(days).unwrap();
        assert_same(
            &series,
            &golden.expected_search_series(window),
            "search series",
        );
    }
}

#[tokio::test]
async fn psql_performance_functions_give_the_contract_numbers() {
    let (db, golden) = golden().await;
    for days in [7, 30] {
        let r = &psql(
            db.url(),
            &format!("SELECT * FROM get_admin_processing_latency({days})"),
        )[0];
        let latency = LatencySummary {
            videos_measured: n(&r[0]),
            avg_processing_ms: f(&r[1]),
            p50_processing_ms: f(&r[2]),
            p95_processing_ms: f(&r[3]),
            p99_processing_ms: f(&r[4]),
            avg_queue_ms: f(&r[5]),
            avg_total_ms: f(&r[6]),
        };
        assert_same(&latency, &Golden::expected_latency(), "latency");

        let r = &psql(
            db.url(),
            &format!("SELECT * FROM get_admin_rtf_distribution({days})"),
        )[0];
        let rtf = RtfSummary {
            videos_measured: n(&r[0]),
            avg_rtf: f(&r[1]),
            p50_rtf: f(&r[2]),
            p95_rtf: f(&r[3]),
            p99_rtf: f(&r[4]),
            avg_video_duration_s: f(&r[5]),
            avg_processing_duration_s: f(&r[6]),
        };
        assert_same(&rtf, &Golden::expected_rtf(), "rtf");

        let r = &psql(
            db.url(),
            &format!("SELECT * FROM get_admin_queue_analysis({days})"),
        )[0];
        let queue = QueueSummary {
            videos_measured: n(&r[0]),
            avg_queue_time_s: f(&r[1]),
            avg_processing_time_s: f(&r[2]),
            avg_total_time_s: f(&r[3]),
            queue_time_pct: f(&r[4]),
            processing_time_pct: f(&r[5]),
        };
        assert_same(&queue, &Golden::expected_queue(), "queue");

        let failures: Vec<StageFailures> = psql(
            db.url(),
            &format!("SELECT * FROM get_admin_failures_by_stage({days})"),
        )
        .iter()
        .map(|r| StageFailures {
            processing_stage: r[0].clone().unwrap(),
            failure_count: n(&r[1]),
            failure_pct: f(&r[2]).unwrap(),
        })
        .collect();
        assert_same(&failures, &Golden::expected_failures(), "failures by stage");

        let v2: Vec<ThroughputV2Point> = psql(
            db.url(),
            &format!("SELECT * FROM get_admin_throughput_timeseries_v2({days})"),
        )
        .iter()
        .map(|r| ThroughputV2Point {
            day: day(&r[0]),
            videos_ready: n(&r[1]),
            videos_failed: n(&r[2]),
            hours_ready: f(&r[3]).unwrap(),
            avg_processing_s: f(&r[4]),
            avg_rtf: f(&r[5]),
        })
        .collect();
        assert_same(&v2, &golden.expected_throughput_v2(), "throughput v2");

        let stages: Vec<StageLatency> = psql(
            db.url(),
            &format!("SELECT * FROM get_admin_stage_latency_v2({days})"),
        )
        .iter()
        .map(|r| StageLatency {
            stage: r[0].clone().unwrap(),
            runs: n(&r[1]),
            failures: n(&r[2]),
            cancelled: n(&r[3]),
            avg_ms: f(&r[4]),
            p50_ms: f(&r[5]),
            p95_ms: f(&r[6]),
            p99_ms: f(&r[7]),
            total_ms: f(&r[8]).unwrap(),
            share_pct: f(&r[9]),
        })
        .collect();
        assert_same(&stages, &Golden::expected_stage_latency(), "stage latency");
    }
    // A 1-day window holds none of the golden attempts: empty populations are counts 0 and nulls.
    let r = &psql(db.url(), "SELECT * FROM get_admin_processing_latency(1)")[0];
    assert_eq!(n(&r[0]), 0);
    assert!(r[1..].iter().all(Option::is_none), "{r:?}");
}

fn summary(r: &[Option<String>]) -> UserSummary {
    UserSummary {
        user_id: r[0].as_ref().unwrap().parse().unwrap(),
        full_name: r[1].clone().unwrap(),
        videos_total: n(&r[2]),
        videos_ready: n(&r[3]),
        hours_ready: f(&r[4]).unwrap(),
        last_activity: ts(&r[5]),
        searches_7d: n(&r[6]),
        avg_latency_ms_7d: f(&r[7]),
    }
}

#[tokio::test]
async fn psql_users_list_total_and_detail_give_the_contract_numbers() {
    let (db, golden) = golden().await;
    let users: Vec<UserSummary> = psql(
        db.url(),
        "SELECT * FROM get_admin_users_list(7, 50, 0, 'last_activity')",
    )
    .iter()
    .map(|r| summary(r))
    .collect();
    assert_same(&users, &golden.expected_users_7d(), "users");
    let total = psql(db.url(), "SELECT get_admin_users_total()");
    assert_eq!(
        n(&total[0][0]),
        3,
        "total_users is the real number of profiles"
    );
    let page2 = psql(
        db.url(),
        "SELECT user_id FROM get_admin_users_list(7, 2, 2, 'videos_ready')",
    );
    assert_eq!(page2.len(), 1, "the last of three users on a page of two");

    for user in [ALICE, BOB, CAROL] {
        let sql = format!("SELECT * FROM get_admin_user_detail('{user}', 7)");
        let rows = psql(db.url(), &sql);
        let want = golden.expected_user_detail(user).unwrap();
        assert_same(&summary(&rows[0]), &want.summary, "user detail summary");
        let videos: Vec<RecentVideo> = serde_json::from_str(rows[0][8].as_ref().unwrap()).unwrap();
        let searches: Vec<RecentSearch> =
            serde_json::from_str(rows[0][9].as_ref().unwrap()).unwrap();
        assert_same(&videos, &want.recent_videos, "recent videos");
        assert_same(&searches, &want.recent_searches, "recent searches");
    }
    let nobody = psql(
        db.url(),
        "SELECT * FROM get_admin_user_detail('00000000-0000-4000-8000-000000000000', 7)",
    );
    assert!(nobody.is_empty(), "no row for an unknown user");
}
