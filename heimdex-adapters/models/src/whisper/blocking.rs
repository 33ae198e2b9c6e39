//! Running the transcription on Tokio's blocking pool, told to stop when its stage is dropped.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use heimdex_core::{FailureKind, StageError};

/// Set when the stage's future was dropped (time limit, shutdown): decoding and whisper.cpp's
/// abort callback check it.
#[derive(Clone, Debug, Default)]
pub(crate) struct Stop(pub(crate) Arc<AtomicBool>);

impl Stop {
    /// True once the work is no longer wanted.
    pub(crate) fn is_set(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    /// The error returned when the flag was seen (nobody reads it: the stage is gone).
    pub(crate) fn stopped() -> StageError {
        StageError::new(FailureKind::Cancelled, "transcription stopped: cancelled")
    }
}

struct SetOnDrop(Stop);

impl Drop for SetOnDrop {
    fn drop(&mut self) {
        self.0 .0.store(true, Ordering::Relaxed);
    }
}

/// Runs `work` on the blocking pool; a panic becomes an `internal` failure.
pub(crate) async fn run<T, F>(work: F) -> Result<T, StageError>
where
    T: Send + 'static,
    F: FnOnce(&Stop) -> Result<T, StageError> + Send + 'static,
{
    let stop = Stop::default();
    let _guard = SetOnDrop(stop.clone());
    match tokio::task::spawn_blocking(move || work(&stop)).await {
        Ok(result) => result,
        Err(err) if err.is_panic() => Err(StageError::new(
            FailureKind::Internal,
            "transcription panicked",
        )),
        Err(err) => Err(StageError::new(
            FailureKind::Cancelled,
            format!("transcription was cancelled: {err}"),
        )),
    }
}
