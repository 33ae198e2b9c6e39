//! [`replayed_finish`]: recognising a finish that is sent again (a worker retrying after a lost
//! reply) from the state the first one left, the same way in every queue.

use super::{ClaimedJob, FinishOutcome};
use crate::job::JobOutcome;
use crate::time::Timestamp;
use crate::{Error, Result};

/// A finish of `job` with `outcome` changed nothing; `ended` is the state and claimable time of
/// the row still holding `job`'s lease token, if any. The same finish replayed gets its first
/// answer again; anything else has lost the lease.
pub fn replayed_finish(
    job: &ClaimedJob,
    outcome: &JobOutcome,
    ended: Option<(String, Timestamp)>,
) -> Result<FinishOutcome> {
    match (ended, outcome.is_success()) {
        (Some((state, _)), true) if state == "done" => Ok(FinishOutcome::Done),
        (Some((state, _)), false) if state == "dead" => Ok(FinishOutcome::Dead),
        (Some((state, at)), false) if state == "queued" => Ok(FinishOutcome::RetryScheduled { at }),
        _ => Err(Error::lease_lost(job.job.video)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job() -> ClaimedJob {
        crate::queue::claimed_for_tests()
    }

    #[test]
    fn the_same_finish_again_gets_its_first_answer_and_any_other_a_lost_lease() {
        let (job, at) = (job(), crate::time::now());
        let failed = JobOutcome::Failed {
            stage: crate::StageName::new("indexing").unwrap(),
            kind: crate::FailureKind::Io,
            message: "disk".into(),
        };
        let ended = |state: &str| Some((state.to_owned(), at));
        let ok = JobOutcome::Succeeded;
        assert_eq!(
            replayed_finish(&job, &ok, ended("done")).unwrap(),
            FinishOutcome::Done
        );
        assert_eq!(
            replayed_finish(&job, &failed, ended("dead")).unwrap(),
            FinishOutcome::Dead
        );
        assert_eq!(
            replayed_finish(&job, &failed, ended("queued")).unwrap(),
            FinishOutcome::RetryScheduled { at }
        );
        for (outcome, state) in [(&ok, ended("dead")), (&failed, ended("done")), (&ok, None)] {
            let err = replayed_finish(&job, outcome, state).unwrap_err();
            assert_eq!(
                err.to_string(),
                Error::lease_lost(job.job.video).to_string()
            );
        }
    }
}
