//! The [`MetricsQuery`] port: every operator question of docs/spec.md#metrics.

mod model;
mod params;
mod window;

use std::fmt;

use async_trait::async_trait;

use crate::error::Result;
use crate::ids::UserId;

pub use model::*;
pub use params::{Bucket, Page, UserSort};
pub use window::{RangeError, Window};

/// How videos are processed: latency, real-time factor, queue time, failures and per-stage
/// times (docs/spec.md#metrics). An embedder that only records timings implements this one.
#[async_trait]
pub trait PerformanceMetrics: Send + Sync + fmt::Debug {
    /// Processing latency percentiles.
    async fn latency(&self, window: Window) -> Result<LatencySummary>;
    /// Real-time factor distribution.
    async fn rtf(&self, window: Window) -> Result<RtfSummary>;
    /// Queue time versus processing time.
    async fn queue(&self, window: Window) -> Result<QueueSummary>;
    /// Failed videos grouped by the stage that failed, by count descending.
    async fn failures_by_stage(&self, window: Window) -> Result<Vec<StageFailures>>;
    /// READY and FAILED per day, descending, with hours and averages over READY rows.
    async fn throughput_v2(&self, window: Window) -> Result<Vec<ThroughputV2Point>>;
    /// Per-stage latency from `video_stage_timings`.
    async fn stage_latency(&self, window: Window) -> Result<Vec<StageLatency>>;
}

/// Who uses the platform: totals, daily throughput, searches and per-user activity
/// (docs/spec.md#metrics).
#[async_trait]
pub trait UsageMetrics: Send + Sync + fmt::Debug {
    /// All-time totals and search activity (docs/spec.md#overview).
    async fn overview(&self) -> Result<Overview>;
    /// READY videos per completion day, ascending (Throughput v1).
    async fn throughput(&self, window: Window, bucket: Bucket) -> Result<Vec<ThroughputPoint>>;
    /// Searches per day, ascending (Search series).
    async fn search_series(&self, window: Window, bucket: Bucket) -> Result<Vec<SearchPoint>>;
    /// One page of per-user summaries, with the real total.
    async fn users(&self, window: Window, page: Page, sort: UserSort) -> Result<UsersPage>;
    /// One user's summary (7-day window) with recent videos and searches; `NotFound` if unknown.
    async fn user_detail(&self, user: UserId) -> Result<UserDetail>;
}

/// Every admin metric and a health check: what the admin API serves. Every implementation
/// (in-memory, embedded, PostgreSQL) gives the same numbers for the same rows;
/// `heimdex_core::testkit` checks that.
#[async_trait]
pub trait MetricsQuery: PerformanceMetrics + UsageMetrics {
    /// Succeeds when the store answers (for health checks).
    async fn ping(&self) -> Result<()>;
}

#[cfg(any(test, feature = "mock"))]
mockall::mock! {
    /// A mockall mock of every metric ([`MetricsQuery`] and its two parts).
    pub MetricsQuery {}

    #[async_trait]
    impl PerformanceMetrics for MetricsQuery {
        async fn latency(&self, window: Window) -> Result<LatencySummary>;
        async fn rtf(&self, window: Window) -> Result<RtfSummary>;
        async fn queue(&self, window: Window) -> Result<QueueSummary>;
        async fn failures_by_stage(&self, window: Window) -> Result<Vec<StageFailures>>;
        async fn throughput_v2(&self, window: Window) -> Result<Vec<ThroughputV2Point>>;
        async fn stage_latency(&self, window: Window) -> Result<Vec<StageLatency>>;
    }

    #[async_trait]
    impl UsageMetrics for MetricsQuery {
        async fn overview(&self) -> Result<Overview>;
        async fn throughput(&self, window: Window, bucket: Bucket) -> Result<Vec<ThroughputPoint>>;
        async fn search_series(&self, window: Window, bucket: Bucket) -> Result<Vec<SearchPoint>>;
        async fn users(&self, window: Window, page: Page, sort: UserSort) -> Result<UsersPage>;
        async fn user_detail(&self, user: UserId) -> Result<UserDetail>;
    }

    #[async_trait]
    impl MetricsQuery for MetricsQuery {
        async fn ping(&self) -> Result<()>;
    }
}

#[cfg(any(test, feature = "mock"))]
impl fmt::Debug for MockMetricsQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MockMetricsQuery")
    }
}
