//! Running FFmpeg work on Tokio's blocking pool, stopped when the stage's future is dropped.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use heimdex_core::{FailureKind, StageError};

/// Set when the stage that started the work was dropped (the pipeline's time limit or shutdown
/// cancelled it); long loops check it and return early.
#[derive(Clone, Debug, Default)]
pub(crate) struct StopFlag(Arc<AtomicBool>);

impl StopFlag {
    /// True once the work is no longer wanted.
    pub(crate) fn is_set(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    /// The error a loop returns when it sees the flag (never seen by anyone: its stage is gone).
    pub(crate) fn stopped(stage: &str) -> StageError {
        StageError::new(
            FailureKind::Cancelled,
            format!("{stage} stopped: cancelled"),
        )
    }
}

/// Sets the flag when dropped, which happens when the awaiting future is dropped.
struct SetOnDrop(StopFlag);

impl Drop for SetOnDrop {
    fn drop(&mut self) {
        self.0 .0.store(true, Ordering::Relaxed);
    }
}

/// Runs `work` on the blocking pool. A panic in it becomes an `internal` failure naming `stage`.
pub(crate) async fn run_blocking<T, F>(stage: &'static str, work: F) -> Result<T, StageError>
where
    T: Send + 'static,
    F: FnOnce(&StopFlag) -> Result<T, StageError> + Send + 'static,
{
    let flag = StopFlag::default();
    let _guard = SetOnDrop(flag.clone());
    match tokio::task::spawn_blocking(move || work(&flag)).await {
        Ok(result) => result,
        Err(err) if err.is_panic() => Err(StageError::new(
            FailureKind::Internal,
            format!("{stage} panicked: {}", panic_message(err.into_panic())),
        )),
        Err(err) => Err(StageError::new(
            FailureKind::Cancelled,
            format!("{stage} was cancelled: {err}"),
        )),
    }
}

fn panic_message(payload: Box<dyn std::any::Any + Send>) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn a_panic_is_an_internal_failure() {
        let err = run_blocking::<(), _>("probe", |_| panic!("boom"))
            .await
            .unwrap_err();
        assert_eq!(err.kind, FailureKind::Internal);
        assert!(
            err.message.contains("probe panicked: boom"),
            "{}",
            err.message
        );
    }

    #[tokio::test]
    async fn dropping_the_future_sets_the_flag_the_work_sees() {
        let (seen_tx, seen_rx) = std::sync::mpsc::channel();
        let fut = run_blocking::<(), _>("loop", move |flag| {
            while !flag.is_set() {
                std::thread::sleep(Duration::from_millis(1));
            }
            seen_tx.send(()).unwrap();
            Err(StopFlag::stopped("loop"))
        });
        // Polls the future long enough to start the work, then drops it.
        let _ = tokio::time::timeout(Duration::from_millis(20), fut).await;
        tokio::task::spawn_blocking(move || seen_rx.recv_timeout(Duration::from_secs(10)))
            .await
            .unwrap()
            .expect("the work saw the stop flag");
    }
}
