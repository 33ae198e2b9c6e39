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

/// Answers the admin metrics. Every implementation (in-memory, embedded, PostgreSQL) gives the same
/// numbers for the same rows; `heimdex_core::testkit` checks that.
#[cfg_attr(any(test, feature = "mock"), mockall::automock)]
#[async_trait]
pub trait MetricsQuery: Send + Sync + fmt::Debug {
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
    /// Succeeds when the store answers (for health checks).
    async fn ping(&self) -> Result<()>;
}
