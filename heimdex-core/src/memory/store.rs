//! [`MemoryStore`]: every storage port over plain vectors behind one mutex — the reference the
//! embedded and PostgreSQL stores are checked against, and a store for tests and demos.

mod catalog;
#[cfg(feature = "testkit")]
mod import;
mod metrics;
mod scenes;
mod tables;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

use async_trait::async_trait;

use crate::error::Result;
use crate::time;
use crate::timing::apply::{apply_to_video, stage_timing_row, Applied};
use crate::timing::{Flush, TimingEvent, TimingSink};

use tables::Tables;

/// Profiles, videos, searches and stage timings in memory, implementing [`Catalog`](crate::Catalog),
/// [`MetricsQuery`](crate::MetricsQuery), [`TimingSink`] and [`Flush`] — so it is a
/// [`Store`](crate::Store).
///
/// Timing events change rows through [`apply_to_video`] and [`stage_timing_row`], the same
/// definition the embedded store uses. Metrics are the pure [`stats`](crate::stats) summaries over
/// every row, with `now = time::now()`. Writes happen inside `record`, so [`Flush::flush`] has
/// nothing to wait for.
///
/// # Examples
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> heimdex_core::Result<()> {
/// use heimdex_core::memory::MemoryStore;
/// use heimdex_core::record::{NewProfile, NewVideo};
/// use heimdex_core::{Catalog, TimingEvent, TimingSink, UsageMetrics, UserId};
///
/// let store = MemoryStore::new();
/// let user = UserId::new_v4();
/// store.upsert_profile(NewProfile { user_id: user, full_name: "Ann".into() }).await?;
/// let new = NewVideo { id: None, owner_id: user, storage_path: "a.mp4".into(), filename: None };
/// let video = store.create_video(new).await?;
/// store.record(TimingEvent::JobQueued { video, at: heimdex_core::time::now() });
/// assert_eq!(store.video(video).await?.unwrap().processing_stage.as_deref(), Some("queued"));
/// assert_eq!(store.overview().await?.videos_total, 1);
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Default)]
pub struct MemoryStore {
    tables: Mutex<Tables>,
    dropped: AtomicU64,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Timing events that changed nothing: events for unknown videos, events
    /// [`apply_to_video`] rejected, and stale job events (a stale stage event still writes its
    /// attempt's stage row, so it is not counted).
    pub fn dropped_events(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    /// The tables; a panic in another thread cannot poison them for good (every write is one
    /// complete assignment).
    fn tables(&self) -> MutexGuard<'_, Tables> {
        self.tables.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn drop_event(&self) {
        self.dropped.fetch_add(1, Ordering::Relaxed);
    }
}

impl TimingSink for MemoryStore {
    fn record(&self, event: TimingEvent) {
        let written_at = time::now();
        let mut tables = self.tables();
        let Some(video) = tables.video_mut(event.video()) else {
            drop(tables);
            return self.drop_event();
        };
        let applied = match apply_to_video(video, &event, written_at) {
            Ok(applied) => applied,
            Err(_) => {
                drop(tables);
                return self.drop_event();
            }
        };
        match stage_timing_row(&event) {
            Some(row) => tables.upsert_stage_timing(row),
            None if applied == Applied::Stale => {
                drop(tables);
                self.drop_event();
            }
            None => {}
        }
    }
}

#[async_trait]
impl Flush for MemoryStore {
    /// Returns at once: `record` writes before it returns.
    async fn flush(&self) -> Result<()> {
        Ok(())
    }

    /// Applies the events at once, like `record` (nothing is buffered, nothing dropped for room).
    async fn write_now(&self, events: Vec<TimingEvent>) -> Result<()> {
        events.into_iter().for_each(|event| self.record(event));
        Ok(())
    }
}

#[cfg(test)]
mod tests;
