//! [`QueuedReports`]: where a job queue reports the `queued_at` values it writes.

use std::fmt;
use std::sync::Arc;

use heimdex_core::time::Timestamp;
use heimdex_core::{TimingEvent, TimingSink, VideoId};

/// An optional timing sink that hears [`TimingEvent::JobQueued`] for every `queued_at` a queue
/// writes (enqueue, retry, release, redelivery), with the exact value written.
#[derive(Clone, Default)]
pub struct QueuedReports(Option<Arc<dyn TimingSink>>);

impl QueuedReports {
    /// Reports to `sink`.
    pub fn to(sink: Arc<dyn TimingSink>) -> Self {
        Self(Some(sink))
    }

    /// Reports that `video` became claimable at `at`, when a sink is set.
    pub fn queued(&self, video: VideoId, at: Timestamp) {
        if let Some(sink) = &self.0 {
            sink.record(TimingEvent::JobQueued { video, at });
        }
    }
}

impl fmt::Debug for QueuedReports {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_some() {
            "QueuedReports(sink)"
        } else {
            "QueuedReports(none)"
        })
    }
}
