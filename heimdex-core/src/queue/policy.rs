//! [`RetryPolicy`]: how long a failed job waits before its next try, and when it is dead; and
//! the [`Verdict`] it gives a failed try, which every queue writes the same way.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::retry::Backoff;
use crate::stage::FailureKind;
use crate::time::Timestamp;

use super::FinishOutcome;

/// Retries with exponential backoff: attempt k (1-based) that fails waits
/// `min(base · 2^(k-1), max)` before the next, up to `max_retries` retries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetryPolicy {
    /// Retries after the first attempt (3 by default).
    pub max_retries: u32,
    /// First delay (15 s by default).
    pub base_delay: Duration,
    /// Longest delay (300 s by default).
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 3,
            base_delay: Duration::from_secs(15),
            max_delay: Duration::from_secs(300),
        }
    }
}

impl RetryPolicy {
    /// The delay after attempt `attempt` (1-based) failed with `kind`, or `None` when the job is
    /// dead: no retry is left, or the failure is permanent ([`FailureKind::is_permanent`]).
    pub fn retry_after(&self, attempt: u32, kind: FailureKind) -> Option<Duration> {
        if kind.is_permanent() {
            return None;
        }
        self.delay_after(attempt)
    }

    /// The delay after failed attempt `attempt` (1-based), or `None` when no retry is left.
    pub fn delay_after(&self, attempt: u32) -> Option<Duration> {
        if attempt > self.max_retries {
            return None;
        }
        let schedule = Backoff::new(
            self.max_retries.saturating_add(1),
            self.base_delay,
            self.max_delay,
        );
        Some(schedule.delay(attempt))
    }
}

/// What becomes of a job whose try failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Queued again, claimable after the pause.
    RetryAfter(Duration),
    /// No retry is left, or the failure is permanent: dead until re-enqueued.
    Dead,
}

impl RetryPolicy {
    /// A job whose lease expired comes back as a redelivery, claimed again as try `tries` and
    /// attempt `attempt`; when the try that expired was its last, the reason it is buried
    /// instead of run.
    pub fn refuse_redelivery(&self, tries: i64, attempt: i64) -> Option<String> {
        let expired_try = u32::try_from(tries - 1).unwrap_or(0);
        self.delay_after(expired_try)
            .is_none()
            .then(|| format!("lease expired on attempt {}, no retry left", attempt - 1))
    }

    /// The verdict on try `tries` (1-based) of a job, failed with `kind`.
    pub fn verdict(&self, tries: u32, kind: FailureKind) -> Verdict {
        match self.retry_after(tries, kind) {
            Some(wait) => Verdict::RetryAfter(wait),
            None => Verdict::Dead,
        }
    }
}

impl Verdict {
    /// The job's state in the queue's table: `queued` or `dead`.
    pub fn state(&self) -> &'static str {
        match self {
            Verdict::RetryAfter(_) => "queued",
            Verdict::Dead => "dead",
        }
    }

    /// The pause before the job is claimable again (zero when dead).
    pub fn wait(&self) -> Duration {
        match self {
            Verdict::RetryAfter(wait) => *wait,
            Verdict::Dead => Duration::ZERO,
        }
    }

    /// What `finish` answers once the verdict is written; `at` is when the job becomes claimable.
    pub fn finished(&self, at: Timestamp) -> FinishOutcome {
        match self {
            Verdict::RetryAfter(_) => FinishOutcome::RetryScheduled { at },
            Verdict::Dead => FinishOutcome::Dead,
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn default_backoff_doubles_from_15s_and_caps_at_300s() {
        let p = RetryPolicy::default();
        assert_eq!(p.delay_after(1), Some(Duration::from_secs(15)));
        assert_eq!(p.delay_after(2), Some(Duration::from_secs(30)));
        assert_eq!(p.delay_after(3), Some(Duration::from_secs(60)));
        assert_eq!(p.delay_after(4), None);
        let long = RetryPolicy {
            max_retries: 10,
            ..p
        };
        assert_eq!(long.delay_after(6), Some(Duration::from_secs(300)));
        assert_eq!(long.delay_after(10), Some(Duration::from_secs(300)));
    }

    #[test]
    fn a_failed_try_is_retried_while_tries_are_left_and_a_permanent_failure_never() {
        let p = RetryPolicy::default();
        let at = chrono::Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let first = p.verdict(1, FailureKind::Io);
        assert_eq!(first, Verdict::RetryAfter(Duration::from_secs(15)));
        assert_eq!(
            (first.state(), first.wait()),
            ("queued", Duration::from_secs(15))
        );
        assert_eq!(first.finished(at), FinishOutcome::RetryScheduled { at });
        let last = p.verdict(4, FailureKind::Io);
        assert_eq!((last.state(), last.wait()), ("dead", Duration::ZERO));
        assert_eq!(last.finished(at), FinishOutcome::Dead);
        assert_eq!(p.verdict(1, FailureKind::Input), Verdict::Dead);
    }

    #[test]
    fn a_redelivery_is_refused_only_when_the_expired_try_was_the_last() {
        let p = RetryPolicy::default();
        assert_eq!(
            p.refuse_redelivery(4, 7),
            None,
            "try 3 expired: one retry left"
        );
        assert_eq!(
            p.refuse_redelivery(5, 8).as_deref(),
            Some("lease expired on attempt 7, no retry left")
        );
    }
}
