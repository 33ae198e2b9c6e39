use super::{TimingEvent, TimingSink};

/// A sink that drops every event (for pipelines whose timing nobody reads).
#[derive(Clone, Copy, Debug, Default)]
pub struct NoopSink;

impl TimingSink for NoopSink {
    fn record(&self, _event: TimingEvent) {}
}
