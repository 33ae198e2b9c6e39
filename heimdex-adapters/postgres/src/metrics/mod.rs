//! [`MetricsQuery`] for the PostgreSQL store: every answer comes from the SQL functions of the
//! migrations (`get_admin_*`), so an operator calling them from `psql` and the admin API see the
//! same numbers. The functions do all the math in PostgreSQL, next to the data.

mod users;

use async_trait::async_trait;
use chrono::NaiveDate;
use heimdex_core::query::{
    LatencySummary, Overview, QueueSummary, RtfSummary, SearchPoint, StageFailures, StageLatency,
    ThroughputPoint, ThroughputV2Point, UserDetail, UsersPage,
};
use heimdex_core::Error;
use heimdex_core::{
    Bucket, MetricsQuery, Page, PerformanceMetrics, Result, UsageMetrics, UserId, UserSort, Window,
};
use heimdex_sql::{decode, Columns};
use sqlx::postgres::PgRow;
use sqlx::Row;

use super::error::{db, ADAPTER};
use super::PgStore;
use crate::rows::Cols;

/// A `YYYY-MM-DD` text column (the origin's Phase 1 functions return days as text).
fn day_text(row: &PgRow, column: &str) -> Result<NaiveDate> {
    let text: String = row.try_get(column).map_err(db)?;
    NaiveDate::parse_from_str(&text, "%Y-%m-%d")
        .map_err(|e| Error::corrupt(ADAPTER, format!("day {text:?}: {e}")))
}

/// The window as the functions' `days_back` argument.
fn days(window: Window) -> i32 {
    i32::from(window.days())
}

impl PgStore {
    /// Runs `SELECT * FROM <call>` with the window bound as `$1`.
    async fn call(&self, call: &str, window: Window) -> Result<Vec<PgRow>> {
        sqlx::query(&format!("SELECT * FROM {call}"))
            .bind(days(window))
            .fetch_all(&self.pool)
            .await
            .map_err(db)
    }

    /// Like [`call`](Self::call) for functions that return exactly one row.
    async fn call_one(&self, call: &str, window: Window) -> Result<PgRow> {
        sqlx::query(&format!("SELECT * FROM {call}"))
            .bind(days(window))
            .fetch_one(&self.pool)
            .await
            .map_err(db)
    }
}

#[async_trait]
impl PerformanceMetrics for PgStore {
    async fn latency(&self, window: Window) -> Result<LatencySummary> {
        let r = self
            .call_one("get_admin_processing_latency($1)", window)
            .await?;
        Ok(LatencySummary {
            videos_measured: Cols(&r).count("videos_measured")?,
            avg_processing_ms: Cols(&r).opt_float("avg_processing_ms")?,
            p50_processing_ms: Cols(&r).opt_float("p50_processing_ms")?,
            p95_processing_ms: Cols(&r).opt_float("p95_processing_ms")?,
            p99_processing_ms: Cols(&r).opt_float("p99_processing_ms")?,
            avg_queue_ms: Cols(&r).opt_float("avg_queue_ms")?,
            avg_total_ms: Cols(&r).opt_float("avg_total_ms")?,
        })
    }

    async fn rtf(&self, window: Window) -> Result<RtfSummary> {
        let r = self
            .call_one("get_admin_rtf_distribution($1)", window)
            .await?;
        Ok(RtfSummary {
            videos_measured: Cols(&r).count("videos_measured")?,
            avg_rtf: Cols(&r).opt_float("avg_rtf")?,
            p50_rtf: Cols(&r).opt_float("p50_rtf")?,
            p95_rtf: Cols(&r).opt_float("p95_rtf")?,
            p99_rtf: Cols(&r).opt_float("p99_rtf")?,
            avg_video_duration_s: Cols(&r).opt_float("avg_video_duration_s")?,
            avg_processing_duration_s: Cols(&r).opt_float("avg_processing_duration_s")?,
        })
    }

    async fn queue(&self, window: Window) -> Result<QueueSummary> {
        let r = self
            .call_one("get_admin_queue_analysis($1)", window)
            .await?;
        Ok(QueueSummary {
            videos_measured: Cols(&r).count("videos_measured")?,
            avg_queue_time_s: Cols(&r).opt_float("avg_queue_time_s")?,
            avg_processing_time_s: Cols(&r).opt_float("avg_processing_time_s")?,
            avg_total_time_s: Cols(&r).opt_float("avg_total_time_s")?,
            queue_time_pct: Cols(&r).opt_float("queue_time_pct")?,
            processing_time_pct: Cols(&r).opt_float("processing_time_pct")?,
        })
    }

    async fn failures_by_stage(&self, window: Window) -> Result<Vec<StageFailures>> {
        let rows = self.call("get_admin_failures_by_stage($1)", window).await?;
        rows.iter()
            .map(|r| {
                Ok(StageFailures {
                    processing_stage: r.try_get("processing_stage").map_err(db)?,
                    failure_count: Cols(r).count("failure_count")?,
                    failure_pct: Cols(r).float("failure_pct")?,
                })
            })
            .collect()
    }

    async fn throughput_v2(&self, window: Window) -> Result<Vec<ThroughputV2Point>> {
        let rows = self
            .call("get_admin_throughput_timeseries_v2($1)", window)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(ThroughputV2Point {
                    day: r.try_get("day").map_err(db)?,
                    videos_ready: Cols(r).count("videos_ready")?,
                    videos_failed: Cols(r).count("videos_failed")?,
                    hours_ready: Cols(r).float("hours_ready")?,
                    avg_processing_s: Cols(r).opt_float("avg_processing_s")?,
                    avg_rtf: Cols(r).opt_float("avg_rtf")?,
                })
            })
            .collect()
    }

    async fn stage_latency(&self, window: Window) -> Result<Vec<StageLatency>> {
        let rows = self.call("get_admin_stage_latency_v2($1)", window).await?;
        rows.iter()
            .map(|r| {
                Ok(StageLatency {
                    stage: r.try_get("stage").map_err(db)?,
                    runs: Cols(r).count("runs")?,
                    failures: Cols(r).count("failures")?,
                    cancelled: Cols(r).count("cancelled")?,
                    avg_ms: Cols(r).opt_float("avg_ms")?,
                    p50_ms: Cols(r).opt_float("p50_ms")?,
                    p95_ms: Cols(r).opt_float("p95_ms")?,
                    p99_ms: Cols(r).opt_float("p99_ms")?,
                    total_ms: Cols(r).float("total_ms")?,
                    share_pct: Cols(r).opt_float("share_pct")?,
                })
            })
            .collect()
    }
}

#[async_trait]
impl UsageMetrics for PgStore {
    async fn overview(&self) -> Result<Overview> {
        let row = sqlx::query("SELECT * FROM get_admin_overview_metrics()")
            .fetch_one(&self.pool)
            .await
            .map_err(db)?;
        decode::overview(&Cols(&row))
    }

    async fn throughput(&self, window: Window, _bucket: Bucket) -> Result<Vec<ThroughputPoint>> {
        let rows = self.call("get_throughput_timeseries($1)", window).await?;
        rows.iter()
            .map(|r| {
                Ok(ThroughputPoint {
                    day: day_text(r, "day")?,
                    videos_ready: Cols(r).count("videos_ready")?,
                    hours_ready: Cols(r).float("hours_ready")?,
                })
            })
            .collect()
    }

    async fn search_series(&self, window: Window, _bucket: Bucket) -> Result<Vec<SearchPoint>> {
        let rows = self.call("get_search_timeseries($1)", window).await?;
        rows.iter()
            .map(|r| {
                Ok(SearchPoint {
                    day: day_text(r, "day")?,
                    searches: Cols(r).count("searches")?,
                    avg_latency_ms: Cols(r).opt_float("avg_latency_ms")?,
                })
            })
            .collect()
    }

    /// Runs in its own task: the page and the total share a transaction, and sqlx 0.8 leaves a
    /// pooled connection inside an open transaction when a caller (an HTTP request whose client
    /// went away) is cancelled during `BEGIN` (an sqlx bug fixed upstream after 0.8.6).
    async fn users(&self, window: Window, page: Page, sort: UserSort) -> Result<UsersPage> {
        let pool = self.pool.clone();
        tokio::spawn(async move { users::page(&pool, window, page, sort).await })
            .await
            .map_err(|e| Error::backend(ADAPTER, format!("users list task: {e}")))?
    }

    async fn user_detail(&self, user: UserId) -> Result<UserDetail> {
        users::detail(&self.pool, user).await
    }
}

#[async_trait]
impl MetricsQuery for PgStore {
    async fn ping(&self) -> Result<()> {
        heimdex_sql::ping(&self.pool, db).await
    }
}
