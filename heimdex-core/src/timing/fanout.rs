use std::sync::Arc;

use super::{TimingEvent, TimingSink};

/// Sends every event to each of several sinks, in order (e.g. a store and a log).
#[derive(Clone, Debug, Default)]
pub struct FanoutSink {
    sinks: Vec<Arc<dyn TimingSink>>,
}

impl FanoutSink {
    /// A fan-out over `sinks`.
    pub fn new(sinks: Vec<Arc<dyn TimingSink>>) -> Self {
        Self { sinks }
    }

    /// Adds one more sink.
    pub fn with(mut self, sink: Arc<dyn TimingSink>) -> Self {
        self.sinks.push(sink);
        self
    }
}

impl TimingSink for FanoutSink {
    fn record(&self, event: TimingEvent) {
        if let Some((last, rest)) = self.sinks.split_last() {
            for sink in rest {
                sink.record(event.clone());
            }
            last.record(event);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::memory::MemorySink;
    use crate::VideoId;

    #[test]
    fn every_sink_gets_every_event() {
        let a = Arc::new(MemorySink::default());
        let b = Arc::new(MemorySink::default());
        let fanout = FanoutSink::new(vec![a.clone()]).with(b.clone());
        let event = TimingEvent::JobQueued {
            video: VideoId::new_v4(),
            at: crate::time::now(),
        };
        fanout.record(event.clone());
        assert_eq!(a.snapshot(), vec![event.clone()]);
        assert_eq!(b.snapshot(), vec![event]);
    }
}
