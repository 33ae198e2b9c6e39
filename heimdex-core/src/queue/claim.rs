//! [`claim_runnable`]: the claim loop every durable queue shares. A claimed row that cannot run
//! (an undecodable job, a redelivery with no retry left) is buried by the queue, and the next
//! claimable row is tried, so a bad row never stops a worker.

use std::future::Future;

use super::ClaimedJob;
use crate::Result;

/// What one claim statement gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Claimed {
    /// Nothing is claimable now.
    Nothing,
    /// A row was claimed but could not run; the queue buried it.
    Buried,
    /// A job to run.
    Job(ClaimedJob),
}

impl From<Option<ClaimedJob>> for Claimed {
    /// A claimed row's job, or [`Claimed::Buried`] when it had none.
    fn from(job: Option<ClaimedJob>) -> Self {
        job.map_or(Claimed::Buried, Claimed::Job)
    }
}

/// Runs `claim_next` until it gives a job (`Some`) or nothing is claimable (`None`).
pub async fn claim_runnable<F, Fut>(mut claim_next: F) -> Result<Option<ClaimedJob>>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Claimed>>,
{
    loop {
        match claim_next().await? {
            Claimed::Nothing => return Ok(None),
            Claimed::Buried => continue,
            Claimed::Job(job) => return Ok(Some(job)),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;
    use std::sync::Mutex;

    use super::*;

    fn job() -> ClaimedJob {
        crate::queue::claimed_for_tests()
    }

    async fn run(steps: Vec<Claimed>) -> (Option<ClaimedJob>, usize) {
        let steps = Mutex::new(VecDeque::from(steps));
        let got = claim_runnable(|| async {
            Ok(steps
                .lock()
                .unwrap()
                .pop_front()
                .unwrap_or(Claimed::Nothing))
        })
        .await
        .unwrap();
        let left = steps.lock().unwrap().len();
        (got, left)
    }

    #[tokio::test]
    async fn buried_rows_are_passed_over_until_a_job_or_nothing() {
        let runnable = job();
        let steps = vec![
            Claimed::Buried,
            Claimed::Buried,
            Claimed::Job(runnable.clone()),
        ];
        assert_eq!(run(steps).await, (Some(runnable), 0));
        let steps = vec![Claimed::Buried, Claimed::Nothing, Claimed::Job(job())];
        assert_eq!(run(steps).await.0, None, "stops at the first empty claim");
        assert_eq!(Claimed::from(None), Claimed::Buried);
    }
}
