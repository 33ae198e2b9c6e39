//! Running one stage: its future raced against the cancel signal, with panics caught.
//!
//! Written with [`std::future::poll_fn`] so the core needs no futures crate and no runtime.

use std::any::Any;
use std::future::{poll_fn, Future};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::task::Poll;

use crate::cancel::{CancelReason, Cancellation};
use crate::job::JobContext;
use crate::stage::{FailureKind, Outcome, Stage, StageError, StageName};

/// How a stage's run ended.
#[derive(Debug)]
pub(super) enum StageEnd {
    /// The stage returned (with success or its own failure).
    Returned(Outcome),
    /// The stage panicked (while being called or polled).
    Panicked(String),
    /// The signal fired before the stage started (it was never called) or while it ran.
    Cancelled {
        /// Why.
        reason: CancelReason,
        /// True when the stage was never called.
        before_start: bool,
    },
}

impl StageEnd {
    /// The outcome recorded for `stage`.
    pub(super) fn outcome(&self, stage: &StageName) -> Outcome {
        match self {
            StageEnd::Returned(outcome) => outcome.clone(),
            StageEnd::Panicked(payload) => Outcome::Failed {
                kind: FailureKind::Internal,
                message: format!("stage {stage} panicked: {payload}"),
            },
            StageEnd::Cancelled {
                reason,
                before_start,
            } => {
                let (kind, what) = match reason {
                    CancelReason::TimeLimit => (FailureKind::TimedOut, "time limit reached"),
                    CancelReason::Shutdown => (FailureKind::Cancelled, "cancelled by shutdown"),
                };
                let when = if *before_start {
                    format!("before {stage} started")
                } else {
                    format!("during {stage}")
                };
                Outcome::Failed {
                    kind,
                    message: format!("{what} {when}"),
                }
            }
        }
    }

    /// Cancellation ends the whole run, even in an optional stage.
    pub(super) fn is_cancelled(&self) -> bool {
        matches!(self, StageEnd::Cancelled { .. })
    }

    /// Stopped from outside (shutdown, a lost lease): the attempt is interrupted, not failed.
    pub(super) fn is_interrupted(&self) -> bool {
        matches!(
            self,
            StageEnd::Cancelled {
                reason: CancelReason::Shutdown,
                ..
            }
        )
    }
}

/// A panic's message, when it carried one.
fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic without a message".to_owned()
    }
}

/// Runs `stage` on `ctx` until it returns, panics, or `cancel` fires.
///
/// A signal that fired before the call means the stage is never called. When the stage and the
/// signal are both ready in the same poll, the stage's result wins (its work is done). On
/// cancellation the stage's future is dropped, so the stage stops at its next await point.
pub(super) async fn run_stage(
    stage: &dyn Stage,
    ctx: &mut JobContext,
    cancel: &Cancellation,
) -> StageEnd {
    if let Some(reason) = cancel.reason() {
        return StageEnd::Cancelled {
            reason,
            before_start: true,
        };
    }
    // The call happens on the first poll, inside `catch_unwind` like every poll: a stage that
    // panics while building its future is caught too.
    let mut work: Pin<Box<dyn Future<Output = Result<(), StageError>> + Send + '_>> =
        Box::pin(async move { stage.run(ctx).await });
    let mut cancelled = cancel.cancelled();
    let end = poll_fn(|cx| {
        match catch_unwind(AssertUnwindSafe(|| work.as_mut().poll(cx))) {
            Ok(Poll::Ready(result)) => {
                return Poll::Ready(StageEnd::Returned(match result {
                    Ok(()) => Outcome::Ok,
                    Err(err) => Outcome::Failed {
                        kind: err.kind,
                        message: err.message,
                    },
                }))
            }
            Ok(Poll::Pending) => {}
            Err(payload) => return Poll::Ready(StageEnd::Panicked(panic_message(&*payload))),
        }
        match Pin::new(&mut cancelled).poll(cx) {
            Poll::Ready(reason) => Poll::Ready(StageEnd::Cancelled {
                reason,
                before_start: false,
            }),
            Poll::Pending => Poll::Pending,
        }
    })
    .await;
    // A stage whose drop panics (after a panic, say) must not take the run down either.
    let _ = catch_unwind(AssertUnwindSafe(move || drop(work)));
    end
}
