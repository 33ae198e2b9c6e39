//! A store for the browser tests that answers from a real store, records the window each call
//! was asked for (so a test sees what range the page made the server use), and can be switched to
//! fail every call (so a test sees the page's server-error message).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use heimdex_core::query::*;
use heimdex_core::{Bucket, Error, MetricsQuery, Page, Result, UserId, UserSort, Window};

/// Wraps `inner`; see the module docs.
#[derive(Debug)]
pub struct Spy {
    inner: Arc<dyn MetricsQuery>,
    windows: Mutex<Vec<(&'static str, u16)>>,
    failing: AtomicBool,
}

impl Spy {
    /// A spy over `inner`, answering normally.
    pub fn new(inner: Arc<dyn MetricsQuery>) -> Arc<Self> {
        Arc::new(Self {
            inner,
            windows: Mutex::new(Vec::new()),
            failing: AtomicBool::new(false),
        })
    }

    /// The days of the windows asked for by `call` (e.g. `"latency"`) since the last `clear`.
    pub fn windows(&self, call: &str) -> Vec<u16> {
        let seen = self.windows.lock().unwrap();
        seen.iter()
            .filter(|(c, _)| *c == call)
            .map(|(_, d)| *d)
            .collect()
    }

    /// Forgets what was recorded.
    pub fn clear(&self) {
        self.windows.lock().unwrap().clear();
    }

    /// From now on every call fails (`true`) or answers (`false`).
    pub fn fail(&self, failing: bool) {
        self.failing.store(failing, Ordering::SeqCst);
    }

    fn check(&self, call: &'static str, window: Option<Window>) -> Result<()> {
        if let Some(w) = window {
            self.windows.lock().unwrap().push((call, w.days()));
        }
        if self.failing.load(Ordering::SeqCst) {
            return Err(Error::invalid("the browser test switched the store off"));
        }
        Ok(())
    }
}

#[async_trait]
impl PerformanceMetrics for Spy {
    async fn latency(&self, w: Window) -> Result<LatencySummary> {
        self.check("latency", Some(w))?;
        self.inner.latency(w).await
    }

    async fn rtf(&self, w: Window) -> Result<RtfSummary> {
        self.check("rtf", Some(w))?;
        self.inner.rtf(w).await
    }

    async fn queue(&self, w: Window) -> Result<QueueSummary> {
        self.check("queue", Some(w))?;
        self.inner.queue(w).await
    }

    async fn failures_by_stage(&self, w: Window) -> Result<Vec<StageFailures>> {
        self.check("failures_by_stage", Some(w))?;
        self.inner.failures_by_stage(w).await
    }

    async fn throughput_v2(&self, w: Window) -> Result<Vec<ThroughputV2Point>> {
        self.check("throughput_v2", Some(w))?;
        self.inner.throughput_v2(w).await
    }

    async fn stage_latency(&self, w: Window) -> Result<Vec<StageLatency>> {
        self.check("stage_latency", Some(w))?;
        self.inner.stage_latency(w).await
    }
}

#[async_trait]
impl UsageMetrics for Spy {
    async fn overview(&self) -> Result<Overview> {
        self.check("overview", None)?;
        self.inner.overview().await
    }

    async fn throughput(&self, w: Window, b: Bucket) -> Result<Vec<ThroughputPoint>> {
        self.check("throughput", Some(w))?;
        self.inner.throughput(w, b).await
    }

    async fn search_series(&self, w: Window, b: Bucket) -> Result<Vec<SearchPoint>> {
        self.check("search_series", Some(w))?;
        self.inner.search_series(w, b).await
    }

    async fn users(&self, w: Window, p: Page, s: UserSort) -> Result<UsersPage> {
        self.check("users", Some(w))?;
        self.inner.users(w, p, s).await
    }

    async fn user_detail(&self, id: UserId) -> Result<UserDetail> {
        self.check("user_detail", None)?;
        self.inner.user_detail(id).await
    }
}

#[async_trait]
impl MetricsQuery for Spy {
    async fn ping(&self) -> Result<()> {
        self.check("ping", None)?;
        self.inner.ping().await
    }
}
