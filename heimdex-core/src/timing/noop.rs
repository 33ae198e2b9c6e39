use async_trait::async_trait;

use super::{Flush, TimingEvent, TimingSink};
use crate::error::Result;

/// A sink that drops every event (for pipelines whose timing nobody reads). Its flush has nothing
/// to wait for.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoopSink;

impl TimingSink for NoopSink {
    fn record(&self, _event: TimingEvent) {}
}

#[async_trait]
impl Flush for NoopSink {
    async fn flush(&self) -> Result<()> {
        Ok(())
    }

    async fn write_now(&self, _events: Vec<TimingEvent>) -> Result<()> {
        Ok(())
    }
}
