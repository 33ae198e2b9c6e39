//! The cores that CPU-heavy stages share, within a process ([`ThreadBudget`]) and across the
//! Heimdex processes of a host (`HostCores`).
//!
//! whisper.cpp's threads meet at a spinning barrier, so a `transcription` run with fewer cores
//! than threads slows down many times over: beside another run, and beside another video's
//! scene detection (16.5 s against 3.7 s alone on 2 cores; benches/README.md, "Whisper runs
//! side by side"). `transcription` takes a thread per core it uses; `scene_detection` holds one
//! core while it decodes, so that a Whisper run beside it takes the cores left and never more.

mod budget;
mod host_cores;
mod host_load;

pub use budget::{ThreadBudget, Threads};
pub use host_cores::{check_cores_dir, cores_dir, CoresDirError, CORES_DIR_ENV};
pub use host_load::HostLoad;

/// Runs `stage` on a job whose source is missing while every core of the process's budget is
/// taken, and checks that it waits for them: still running after 300 ms, then, once the cores
/// are given back, failing at once as `input`. For the tests of stages that take cores.
#[doc(hidden)]
pub async fn assert_stage_waits_for_a_core(stage: &dyn heimdex_core::Stage) {
    use heimdex_core::{FailureKind, Job, JobContext, VideoId};
    let all_cores = ThreadBudget::global().take(usize::MAX).await;
    let mut ctx = JobContext::new(Job::new(VideoId::new_v4(), "/nonexistent/clip.mp4"));
    let run = stage.run(&mut ctx);
    tokio::pin!(run);
    let early = tokio::time::timeout(std::time::Duration::from_millis(300), run.as_mut()).await;
    assert!(early.is_err(), "ran while every core was taken: {early:?}");
    drop(all_cores);
    let err = run.await.expect_err("the source is missing");
    assert_eq!(err.kind, FailureKind::Input, "{}", err.message);
}
