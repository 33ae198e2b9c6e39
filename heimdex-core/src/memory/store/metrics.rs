//! [`MetricsQuery`] for the [`MemoryStore`]: the pure summaries over every row, ending now.

use async_trait::async_trait;

use super::MemoryStore;
use crate::error::{Error, Result};
use crate::ids::UserId;
use crate::query::{
    Bucket, LatencySummary, MetricsQuery, Overview, Page, PerformanceMetrics, QueueSummary,
    RtfSummary, SearchPoint, StageFailures, StageLatency, ThroughputPoint, ThroughputV2Point,
    UsageMetrics, UserDetail, UserSort, UsersPage, Window,
};
use crate::stats;
use crate::time;

#[async_trait]
impl PerformanceMetrics for MemoryStore {
    async fn latency(&self, window: Window) -> Result<LatencySummary> {
        Ok(stats::latency(&self.tables().videos, window, time::now()))
    }

    async fn rtf(&self, window: Window) -> Result<RtfSummary> {
        Ok(stats::rtf(&self.tables().videos, window, time::now()))
    }

    async fn queue(&self, window: Window) -> Result<QueueSummary> {
        Ok(stats::queue(&self.tables().videos, window, time::now()))
    }

    async fn failures_by_stage(&self, window: Window) -> Result<Vec<StageFailures>> {
        Ok(stats::failures_by_stage(
            &self.tables().videos,
            window,
            time::now(),
        ))
    }

    async fn throughput_v2(&self, window: Window) -> Result<Vec<ThroughputV2Point>> {
        Ok(stats::throughput_v2(
            &self.tables().videos,
            window,
            time::now(),
        ))
    }

    async fn stage_latency(&self, window: Window) -> Result<Vec<StageLatency>> {
        Ok(stats::stage_latency(
            &self.tables().stage_timings,
            window,
            time::now(),
        ))
    }
}

#[async_trait]
impl UsageMetrics for MemoryStore {
    async fn overview(&self) -> Result<Overview> {
        let t = self.tables();
        Ok(stats::overview(&t.videos, &t.searches, time::now()))
    }

    async fn throughput(&self, window: Window, _bucket: Bucket) -> Result<Vec<ThroughputPoint>> {
        Ok(stats::throughput(
            &self.tables().videos,
            window,
            time::now(),
        ))
    }

    async fn search_series(&self, window: Window, _bucket: Bucket) -> Result<Vec<SearchPoint>> {
        Ok(stats::search_series(
            &self.tables().searches,
            window,
            time::now(),
        ))
    }

    async fn users(&self, window: Window, page: Page, sort: UserSort) -> Result<UsersPage> {
        let t = self.tables();
        let now = time::now();
        Ok(stats::users(
            &t.profiles,
            &t.videos,
            &t.searches,
            window,
            page,
            sort,
            now,
        ))
    }

    async fn user_detail(&self, user: UserId) -> Result<UserDetail> {
        let t = self.tables();
        let profile = t
            .profile(user)
            .ok_or_else(|| Error::not_found(format!("user {user}")))?;
        Ok(stats::user_detail(
            profile,
            &t.videos,
            &t.searches,
            time::now(),
        ))
    }
}

#[async_trait]
impl MetricsQuery for MemoryStore {
    async fn ping(&self) -> Result<()> {
        Ok(())
    }
}
