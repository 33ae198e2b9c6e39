//! The `transcription` stage with the real tiny.en model (scripts/setup-whisper): speech of a
//! known sentence comes back within 20 % word error rate with sane timings (where the words
//! are dated: `whisper_timing.rs`); silence, a tone chord, noise and a video without audio
//! give an empty transcript; a missing model is a clear `model` failure. Without the model
//! these tests skip with a note, or fail under CI.

mod whisper_support;

use std::path::{Path, PathBuf};

use heimdex_core::{FailureKind, Job, JobContext, Stage, StageName, VideoId};
use heimdex_models::whisper::{
    import_whisper, transcribe_file, Transcript, Transcription, TranscriptionConfig, WeightType,
};
use whisper_support::{config, model, wer, wheel, Clips, SENTENCE};

/// Runs the stage on `path` and returns what it left in the context.
async fn run_stage(
    stage: &Transcription,
    path: &Path,
) -> Result<Transcript, heimdex_core::StageError> {
    let job = Job::new(VideoId::new_v4(), path.display().to_string());
    let mut ctx = JobContext::new(job);
    stage.run(&mut ctx).await?;
    Ok(ctx
        .get::<Transcript>()
        .expect("a transcript in the context")
        .clone())
}

#[tokio::test]
async fn speech_of_a_known_sentence_comes_back_within_20_percent_wer() {
    let model = model();
    let clips = Clips::new("speech");
    let wav = clips.speech_wav("speech.wav", SENTENCE);
    let video = clips.video_with_audio("speech.mp4", wav.to_str().unwrap(), 8.0, 2);
    let stage = Transcription::new(config(&model));
    assert_eq!(stage.name(), StageName::TRANSCRIPTION);

    let transcript = run_stage(&stage, &video).await.unwrap();
    let rate = wer(SENTENCE, &transcript.text);
    eprintln!("transcript: {:?} (WER {rate:.2})", transcript.text);
    assert!(rate <= 0.2, "WER {rate:.2}: {:?}", transcript.text);
    assert_eq!(transcript.language.as_deref(), Some("en"));
    assert!(!transcript.segments.is_empty());
    let mut last_end = 0.0;
    for s in &transcript.segments {
        assert!(s.start_s >= last_end - 0.01 && s.end_s > s.start_s, "{s:?}");
        assert!(s.end_s <= 8.5, "{s:?}");
        assert!((0.0..=1.0).contains(&s.no_speech_prob), "{s:?}");
        last_end = s.end_s;
    }
}

#[tokio::test]
async fn silence_and_music_give_an_empty_transcript() {
    let model = model();
    let clips = Clips::new("nospeech");
    let stage = Transcription::new(config(&model));
    let cases = [
        ("silence", "lavfi:anullsrc=r=48000:cl=stereo"),
        (
            "chord",
            "lavfi:aevalsrc=0.2*sin(2*PI*220*t)+0.2*sin(2*PI*277*t)+0.2*sin(2*PI*330*t):s=48000",
        ),
        ("noise", "lavfi:anoisesrc=color=pink:amplitude=0.3:r=48000"),
    ];
    for (name, audio) in cases {
        let video = clips.video_with_audio(&format!("{name}.mp4"), audio, 8.0, 2);
        let transcript = run_stage(&stage, &video).await.unwrap();
        assert!(
            transcript.is_empty() && transcript.text.is_empty(),
            "{name}: {transcript:?}"
        );
        assert_eq!(transcript.language, None, "{name}");
    }
}

#[tokio::test]
async fn a_language_whisper_does_not_know_is_a_model_failure_naming_it() {
    let model = model();
    let clips = Clips::new("badlang");
    let video = clips.video_only("mute.mp4", 1.0);
    let stage = Transcription::new(TranscriptionConfig {
        language: Some("klingon".into()),
        ..config(&model)
    });
    let err = run_stage(&stage, &video).await.unwrap_err();
    assert_eq!(err.kind, FailureKind::Model, "{}", err.message);
    assert!(err.message.contains("\"klingon\""), "{}", err.message);
}

#[tokio::test]
async fn a_video_without_audio_gives_an_empty_transcript() {
    let model = model();
    let clips = Clips::new("noaudio");
    let video = clips.video_only("mute.mp4", 2.0);
    let transcript = run_stage(&Transcription::new(config(&model)), &video)
        .await
        .unwrap();
    assert_eq!(transcript, Transcript::default());
}

#[tokio::test]
async fn a_missing_model_is_a_model_failure_that_names_the_setup_script() {
    let clips = Clips::new("nomodel");
    let video = clips.video_only("mute.mp4", 1.0);
    let stage = Transcription::new(config(&clips.dir.join("absent.bin")));
    let err = run_stage(&stage, &video).await.unwrap_err();
    assert_eq!(err.kind, FailureKind::Model);
    assert!(
        err.message.contains("scripts/setup-whisper"),
        "{}",
        err.message
    );
    assert!(err.message.contains("absent.bin"), "{}", err.message);

    // A file that is not a model also fails as `model`, not as a crash.
    let junk = clips.dir.join("junk.bin");
    std::fs::write(&junk, b"not a ggml model").unwrap();
    let err = tokio::task::spawn_blocking(move || transcribe_file(&video, &config(&junk)))
        .await
        .unwrap()
        .unwrap_err();
    assert_eq!(err.kind, FailureKind::Model, "{}", err.message);
}

#[tokio::test]
async fn the_main_track_is_transcribed_not_the_commentary_before_it() {
    let model = model();
    let clips = Clips::new("tracks");
    let main = "The weather is sunny and warm today.";
    let said = "I wanted this scene to feel very lonely.";
    let commentary = clips.speech_wav("commentary.wav", said);
    let main_wav = clips.speech_wav("main.wav", main);
    let video = clips.commentary_first("tracks.mkv", &commentary, &main_wav);
    let transcript = run_stage(&Transcription::new(config(&model)), &video)
        .await
        .unwrap();
    // The main track's words, not the commentary's (a short robotic sentence may lose a word).
    let (to_main, to_commentary) = (wer(main, &transcript.text), wer(said, &transcript.text));
    assert!(
        to_main <= 0.35 && to_commentary >= 0.8,
        "WER {to_main:.2} to the main track, {to_commentary:.2} to the commentary: {:?}",
        transcript.text
    );
}

#[tokio::test]
async fn the_pypi_wheel_converts_to_a_model_that_transcribes() {
    let wheel = wheel();
    let clips = Clips::new("import");
    let out = clips.dir.join("ggml-tiny.en.bin");
    let report = import_whisper(&wheel, &out, WeightType::F16).unwrap();
    let hp = report.hparams;
    let dims = [
        hp.n_vocab,
        hp.n_audio_ctx,
        hp.n_audio_state,
        hp.n_audio_head,
        hp.n_audio_layer,
    ];
    assert_eq!(dims, [51864, 1500, 384, 6, 4]);
    let dims = [
        hp.n_text_ctx,
        hp.n_text_state,
        hp.n_text_head,
        hp.n_text_layer,
        hp.n_mels,
    ];
    assert_eq!(dims, [448, 384, 6, 4, 80]);
    assert!(report.english_only());
    assert_eq!(report.vocab, 50256);
    // 4 + 4 layers of 15 and 24 tensors, and 11 outside the layers.
    assert_eq!(report.tensors, 4 * 15 + 4 * 24 + 11);
    assert_eq!(report.bytes, std::fs::metadata(&out).unwrap().len());

    assert_transcribes_a_known_sentence(&clips, out).await;
}

#[tokio::test]
async fn the_wheel_converts_to_an_8_bit_model_that_still_transcribes() {
    let wheel = wheel();
    let clips = Clips::new("import-q8");
    let (f16, q8) = (clips.dir.join("f16.bin"), clips.dir.join("q8_0.bin"));
    let full = import_whisper(&wheel, &f16, WeightType::F16).unwrap();
    let report = import_whisper(&wheel, &q8, WeightType::Q8_0).unwrap();
    assert_eq!(report.tensors, full.tensors);
    // Weight matrices shrink from 2 bytes a value to 34 bytes per 32; the rest stays as it was.
    let ratio = report.bytes as f64 / full.bytes as f64;
    assert!((0.5..0.6).contains(&ratio), "q8_0 / f16 size: {ratio:.3}");

    assert_transcribes_a_known_sentence(&clips, q8).await;
}

/// `model` transcribes a spoken sentence, muxed into a video, within 20 % word error rate.
async fn assert_transcribes_a_known_sentence(clips: &Clips, model: PathBuf) {
    let sentence = "Please remember to close the window before you leave.";
    let wav = clips.speech_wav("speech.wav", sentence);
    let video = clips.video_with_audio("speech.mp4", wav.to_str().unwrap(), 6.0, 1);
    let transcript = tokio::task::spawn_blocking(move || transcribe_file(&video, &config(&model)))
        .await
        .unwrap()
        .unwrap();
    let rate = wer(sentence, &transcript.text);
    assert!(rate <= 0.2, "WER {rate:.2}: {:?}", transcript.text);
}
