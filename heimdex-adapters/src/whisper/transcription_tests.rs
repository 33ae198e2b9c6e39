//! Cancelling a Whisper run that is already going.

use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::time::Duration;

use heimdex_core::FailureKind;

use super::*;

/// The model the stage would load by default (`HEIMDEX_WHISPER_MODEL`, else the nearest
/// `.heimdex/models`, where scripts/setup-whisper puts tiny.en), or `None` (the test is skipped
/// with a note; under CI, where the model must be there, it fails).
fn tiny_en() -> Option<PathBuf> {
    let path = super::super::default_model_path();
    if path.is_file() {
        return Some(path);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI must run scripts/setup-whisper first: {} is missing",
        path.display()
    );
    eprintln!("skipped: no {} (scripts/setup-whisper)", path.display());
    None
}

#[test]
fn a_stop_set_while_whisper_runs_aborts_it_as_cancelled() {
    let Some(model) = tiny_en() else { return };
    let ctx = super::super::model::load(&model).unwrap();
    // Five minutes of a warbling tone: ten 30 s windows, many seconds of work on any CPU.
    let samples: Vec<f32> = (0..16_000 * 300)
        .map(|i| {
            let t = i as f32 / 16_000.0;
            0.3 * (2.0 * std::f32::consts::PI * (300.0 + 100.0 * (3.0 * t).sin()) * t).sin()
        })
        .collect();
    let config = TranscriptionConfig {
        model,
        language: Some("en".into()),
        threads: 2,
        ..TranscriptionConfig::default()
    };
    let stop = Stop::default();
    let flag = stop.0.clone();
    let setter = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(300));
        flag.store(true, Ordering::Relaxed);
    });
    let audio = Audio {
        stream: 0,
        samples,
        start_s: 0.0,
    };
    let outcome = run_whisper(&ctx, &audio, &config, None, &stop, Path::new("tone"));
    setter.join().unwrap();
    let err = outcome.expect_err("a run stopped mid-way must not return a transcript");
    assert_eq!(err.kind, FailureKind::Cancelled, "{}", err.message);
}

#[tokio::test]
async fn a_run_waits_while_other_runs_hold_every_core() {
    let Some(model) = tiny_en() else { return };
    let stage = Transcription::new(TranscriptionConfig {
        model,
        ..TranscriptionConfig::default()
    });
    crate::cores::assert_stage_waits_for_a_core(&stage).await;
}
