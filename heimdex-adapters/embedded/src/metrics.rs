//! [`MetricsQuery`] for the embedded store. The overview, users list and user detail are
//! aggregated in SQL (`summaries.rs`); every other metric takes candidate rows from SQL
//! (`select.rs`) and its numbers from `heimdex_core::stats`, the in-memory store's definitions.
//!
//! Each call reads the clock once and uses that instant both for the SQL window and for the
//! summary, so the two agree on which rows are in.

use async_trait::async_trait;
use heimdex_core::query::{
    LatencySummary, Overview, QueueSummary, RtfSummary, SearchPoint, StageFailures, StageLatency,
    ThroughputPoint, ThroughputV2Point, UserDetail, UsersPage,
};
use heimdex_core::{
    stats, Bucket, Error, MetricsQuery, Page, PerformanceMetrics, Result, UsageMetrics, UserId,
    UserSort, VideoStatus, Window,
};

use super::error::db;
use super::{select, summaries, EmbeddedStore};

const FINISHED: [VideoStatus; 2] = [VideoStatus::Ready, VideoStatus::Failed];

#[async_trait]
impl PerformanceMetrics for EmbeddedStore {
    async fn latency(&self, window: Window) -> Result<LatencySummary> {
        let now = self.now();
        let videos = select::finished_since(&self.pool, &FINISHED, window.start(now)).await?;
        Ok(stats::latency(&videos, window, now))
    }

    async fn rtf(&self, window: Window) -> Result<RtfSummary> {
        let now = self.now();
        let videos =
            select::finished_since(&self.pool, &[VideoStatus::Ready], window.start(now)).await?;
        Ok(stats::rtf(&videos, window, now))
    }

    async fn queue(&self, window: Window) -> Result<QueueSummary> {
        let now = self.now();
        let videos = select::finished_since(&self.pool, &FINISHED, window.start(now)).await?;
        Ok(stats::queue(&videos, window, now))
    }

    async fn failures_by_stage(&self, window: Window) -> Result<Vec<StageFailures>> {
        let now = self.now();
        let videos =
            select::finished_since(&self.pool, &[VideoStatus::Failed], window.start(now)).await?;
        Ok(stats::failures_by_stage(&videos, window, now))
    }

    async fn throughput_v2(&self, window: Window) -> Result<Vec<ThroughputV2Point>> {
        let now = self.now();
        let videos = select::completed_since(&self.pool, &FINISHED, window.start(now)).await?;
        Ok(stats::throughput_v2(&videos, window, now))
    }

    async fn stage_latency(&self, window: Window) -> Result<Vec<StageLatency>> {
        let now = self.now();
        let timings = select::stage_timings_since(&self.pool, window.start(now)).await?;
        Ok(stats::stage_latency(&timings, window, now))
    }
}

#[async_trait]
impl UsageMetrics for EmbeddedStore {
    async fn overview(&self) -> Result<Overview> {
        summaries::overview(&self.pool, self.now()).await
    }

    async fn throughput(&self, window: Window, _bucket: Bucket) -> Result<Vec<ThroughputPoint>> {
        let now = self.now();
        let videos =
            select::completed_since(&self.pool, &[VideoStatus::Ready], window.start(now)).await?;
        Ok(stats::throughput(&videos, window, now))
    }

    async fn search_series(&self, window: Window, _bucket: Bucket) -> Result<Vec<SearchPoint>> {
        let now = self.now();
        let searches = select::searches_since(&self.pool, window.start(now)).await?;
        Ok(stats::search_series(&searches, window, now))
    }

    async fn users(&self, window: Window, page: Page, sort: UserSort) -> Result<UsersPage> {
        summaries::users(&self.pool, window, page, sort, self.now()).await
    }

    /// `NotFound` (`user <id>`) for a user without a profile.
    async fn user_detail(&self, user: UserId) -> Result<UserDetail> {
        summaries::user_detail(&self.pool, user, self.now())
            .await?
            .ok_or_else(|| Error::not_found(format!("user {user}")))
    }
}

#[async_trait]
impl MetricsQuery for EmbeddedStore {
    async fn ping(&self) -> Result<()> {
        heimdex_sql::ping(&self.pool, db).await
    }
}
