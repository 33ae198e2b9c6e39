//! A store whose `latency` waits for the test to let it go, for in-flight and shutdown tests.

use std::sync::Arc;

use async_trait::async_trait;
use heimdex_core::query::*;
use heimdex_core::{Bucket, MetricsQuery, Page, Result, UserId, UserSort, Window};
use tokio::sync::{Notify, Semaphore};

/// `latency` signals `entered`, then waits for a permit on `gate`; `ping` answers at once.
#[derive(Debug)]
pub struct SlowStore {
    /// Notified each time `latency` starts.
    pub entered: Notify,
    /// Holds `latency` until a permit is added.
    pub gate: Semaphore,
}

impl SlowStore {
    /// A store with a closed gate.
    pub fn new() -> Arc<Self> {
        Arc::new(Self {
            entered: Notify::new(),
            gate: Semaphore::new(0),
        })
    }
}

#[async_trait]
impl PerformanceMetrics for SlowStore {
    async fn latency(&self, _: Window) -> Result<LatencySummary> {
        self.entered.notify_one();
        let _permit = self.gate.acquire().await.unwrap();
        Ok(LatencySummary::default())
    }

    async fn rtf(&self, _: Window) -> Result<RtfSummary> {
        Ok(RtfSummary::default())
    }

    async fn queue(&self, _: Window) -> Result<QueueSummary> {
        Ok(QueueSummary::default())
    }

    async fn failures_by_stage(&self, _: Window) -> Result<Vec<StageFailures>> {
        Ok(vec![])
    }

    async fn throughput_v2(&self, _: Window) -> Result<Vec<ThroughputV2Point>> {
        Ok(vec![])
    }

    async fn stage_latency(&self, _: Window) -> Result<Vec<StageLatency>> {
        Ok(vec![])
    }
}

#[async_trait]
impl UsageMetrics for SlowStore {
    async fn overview(&self) -> Result<Overview> {
        Ok(Overview::default())
    }

    async fn throughput(&self, _: Window, _: Bucket) -> Result<Vec<ThroughputPoint>> {
        Ok(vec![])
    }

    async fn search_series(&self, _: Window, _: Bucket) -> Result<Vec<SearchPoint>> {
        Ok(vec![])
    }

    async fn users(&self, _: Window, _: Page, _: UserSort) -> Result<UsersPage> {
        unreachable!("not used by these tests")
    }

    async fn user_detail(&self, _: UserId) -> Result<UserDetail> {
        unreachable!("not used by these tests")
    }
}

#[async_trait]
impl MetricsQuery for SlowStore {
    async fn ping(&self) -> Result<()> {
        Ok(())
    }
}
