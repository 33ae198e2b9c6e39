//! The queue rule for permanent failures: no retry, dead at once with the reason.

use super::{Suite, LONG};
use crate::ids::VideoId;
use crate::job::JobOutcome;
use crate::queue::FinishOutcome;
use crate::stage::{FailureKind, StageName};

impl Suite<'_> {
    pub(super) async fn permanent_failures_are_dead_at_once(&self) {
        let video = VideoId::new_v4();
        self.enqueue(video).await;
        let job = self.claim_one(video, LONG, "a new job").await;
        let missing = JobOutcome::Failed {
            stage: StageName::DOWNLOADING,
            kind: FailureKind::Input,
            message: "source file /videos/gone.mp4 not found".into(),
        };
        assert_eq!(
            self.finish(&job, &missing).await,
            FinishOutcome::Dead,
            "an unusable input is not retried, whatever the retries left"
        );
        assert!(
            self.claim(LONG).await.is_none(),
            "a permanently failed job is not claimable"
        );
        let dead = self.q.dead_jobs().await.expect("dead jobs");
        let entry = dead
            .iter()
            .find(|d| d.video == video)
            .expect("the permanently failed job is listed as dead");
        assert_eq!(entry.attempts, 1);
        assert_eq!(
            entry.reason,
            "downloading: source file /videos/gone.mp4 not found"
        );
    }
}
