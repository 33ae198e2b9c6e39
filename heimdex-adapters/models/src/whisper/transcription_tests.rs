//! Cancelling a Whisper run that is already going; the threads each stretch of sound runs with.

use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::time::Duration;

use heimdex_core::FailureKind;

use super::*;

/// The model the stage would load by default (`HEIMDEX_WHISPER_MODEL`, else the nearest
/// `.heimdex/models`, where scripts/setup-whisper puts tiny.en). Missing, the test fails: the
/// test command runs scripts/setup-whisper for every build with the `whisper` feature.
fn tiny_en() -> PathBuf {
    let path = super::super::default_model_path();
    assert!(
        path.is_file(),
        "the Whisper model {} is missing: run scripts/setup-whisper",
        path.display()
    );
    path
}

#[test]
fn a_stop_set_while_whisper_runs_aborts_it_as_cancelled() {
    let model = tiny_en();
    let ctx = super::super::model::load(&model).unwrap();
    // Five minutes of a warbling tone: ten 30 s windows, many seconds of work on any CPU.
    let samples = warbling_tone(300.0);
    let stop = Stop::default();
    let flag = stop.0.clone();
    let setter = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(300));
        flag.store(true, Ordering::Relaxed);
    });
    let outcome = run_english(&ctx, model, samples, &stop, &mut || 2);
    setter.join().unwrap();
    let err = outcome.expect_err("a run stopped mid-way must not return a transcript");
    assert_eq!(err.kind, FailureKind::Cancelled, "{}", err.message);
}

#[tokio::test]
async fn a_run_waits_while_other_runs_hold_every_core() {
    let model = tiny_en();
    let stage = Transcription::new(TranscriptionConfig {
        model,
        ..TranscriptionConfig::default()
    });
    heimdex_media::cores::assert_stage_waits_for_a_core(&stage).await;
}

#[test]
fn whisper_asks_for_its_thread_count_before_each_stretch_of_sound() {
    let model = tiny_en();
    let ctx = super::super::model::load(&model).unwrap();
    // Two 3 s tones 40 s apart: the silence between is cut, so Whisper runs twice.
    let mut samples = warbling_tone(3.0);
    samples.extend(std::iter::repeat_n(0.0, 16_000 * 40));
    samples.extend(warbling_tone(3.0));
    // One thread for the first stretch, two for the second, as a run topping up would get.
    let mut asked = 0;
    let mut threads = || {
        asked += 1;
        asked
    };
    let outcome = run_english(&ctx, model, samples, &Stop::default(), &mut threads);
    outcome.unwrap();
    assert_eq!(asked, 2, "asked once per stretch of sound");
}

/// [`run_whisper`] on `samples` (16 kHz, from the video's start) with `model` in English.
fn run_english(
    ctx: &WhisperContext,
    model: PathBuf,
    samples: Vec<f32>,
    stop: &Stop,
    threads: &mut dyn FnMut() -> usize,
) -> Result<Transcript, StageError> {
    let config = TranscriptionConfig {
        model,
        language: Some("en".into()),
        ..TranscriptionConfig::default()
    };
    let audio = Audio {
        stream: 0,
        samples,
        start_s: 0.0,
    };
    run_whisper(ctx, &audio, &config, None, stop, threads, Path::new("tone"))
}

/// `seconds` of a tone warbling around 300 Hz, at 16 kHz.
fn warbling_tone(seconds: f32) -> Vec<f32> {
    (0..(16_000.0 * seconds) as usize)
        .map(|i| {
            let t = i as f32 / 16_000.0;
            0.3 * (2.0 * std::f32::consts::PI * (300.0 + 100.0 * (3.0 * t).sin()) * t).sin()
        })
        .collect()
}
