//! [`Hold`]: a stage that only waits, for drills and demos.

use std::time::Duration;

use async_trait::async_trait;
use heimdex_core::{JobContext, Stage, StageError, StageName};

/// Waits `duration` and succeeds. The pipeline's cancellation (time limit, shutdown) interrupts
/// the wait like any other stage's work.
#[derive(Clone, Debug)]
pub struct Hold {
    name: StageName,
    duration: Duration,
}

impl Hold {
    /// A stage named `hold` that waits `duration`.
    pub fn new(duration: Duration) -> Self {
        Self {
            name: StageName::new("hold").expect("a valid stage name"),
            duration,
        }
    }

    /// The same wait under another stage name.
    pub fn named(mut self, name: StageName) -> Self {
        self.name = name;
        self
    }
}

#[async_trait]
impl Stage for Hold {
    fn name(&self) -> StageName {
        self.name.clone()
    }

    async fn run(&self, _ctx: &mut JobContext) -> Result<(), StageError> {
        tokio::time::sleep(self.duration).await;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use heimdex_core::{Job, VideoId};

    #[tokio::test]
    async fn waits_the_whole_duration_under_its_name() {
        let hold = Hold::new(Duration::from_millis(50)).named(StageName::INDEXING);
        assert_eq!(hold.name(), StageName::INDEXING);
        let mut ctx = JobContext::new(Job::new(VideoId::new_v4(), "/x"));
        let start = std::time::Instant::now();
        hold.run(&mut ctx).await.unwrap();
        assert!(start.elapsed() >= Duration::from_millis(50));
    }
}
