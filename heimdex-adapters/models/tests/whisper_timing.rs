//! Where the `transcription` stage dates the words, with the real tiny.en model
//! (scripts/setup-whisper): on the recording's clock after silence cut out before Whisper runs
//! (a long one between sounds, a short one before the first), and on the video's clock when
//! the audio track starts late. Without the model these tests skip with a note, or fail under
//! CI.

mod whisper_support;

use heimdex_models::whisper::{transcribe_file, Segment};
use whisper_support::{config, model, wer, Clips, SENTENCE};

#[tokio::test]
async fn speech_after_a_long_silence_keeps_its_place_in_the_recording() {
    let model = model();
    let clips = Clips::new("gap");
    let greeting = "Good morning everyone and welcome to the weekly meeting.";
    let first = clips.speech_wav("first.wav", greeting);
    let second = clips.speech_wav("second.wav", SENTENCE);
    // The greeting padded to 5 s, then 45 s of digital silence: cut out before Whisper runs
    // (one run each side), so the second sentence starts at 50 s.
    let (first, second) = (first.to_str().unwrap(), second.to_str().unwrap());
    let joined = "[0:a]apad=whole_dur=5[g];[g][1:a][2:a]concat=n=3:v=0:a=1[a]";
    let wav = clips.ffmpeg(
        "gap.wav",
        &[
            "-i",
            first,
            "-f",
            "lavfi",
            "-i",
            "anullsrc=r=22050:cl=mono:d=45",
            "-i",
            second,
            "-filter_complex",
            joined,
            "-map",
            "[a]",
        ],
    );
    let video = clips.video_with_audio("gap.mp4", wav.to_str().unwrap(), 60.0, 1);
    let transcript = transcribe_file(&video, &config(&model)).unwrap();

    let rate = wer(&format!("{greeting} {SENTENCE}"), &transcript.text);
    assert!(rate <= 0.2, "WER {rate:.2}: {:?}", transcript.text);
    let said = |word: &str| -> Vec<Segment> {
        let segments = transcript.segments.iter();
        segments
            .filter(|s| s.text.contains(word))
            .cloned()
            .collect()
    };
    let morning = said("morning");
    assert!(!morning.is_empty(), "{:?}", transcript.segments);
    assert!(morning.iter().all(|s| s.end_s < 10.0), "{morning:?}");
    let river = said("river");
    assert!(!river.is_empty(), "{:?}", transcript.segments);
    // Not before 50 s: Whisper dates the first words from the start of its run, a second of
    // quiet margin earlier, and the stage moves them to where the sound starts.
    for s in river {
        assert!(s.start_s >= 49.99 && s.end_s <= 60.5, "{s:?}");
    }
}

#[tokio::test]
async fn an_audio_track_that_starts_late_is_dated_from_the_video_start() {
    let model = model();
    let clips = Clips::new("late");
    let wav = clips.speech_wav("speech.wav", SENTENCE);
    // The audio track starts 4 s into the video (an edit list in the MP4), as scenes count.
    let video = clips.video_with_audio_from("late.mp4", wav.to_str().unwrap(), 4.0, 12.0, 2);
    let transcript = transcribe_file(&video, &config(&model)).unwrap();
    let rate = wer(SENTENCE, &transcript.text);
    assert!(rate <= 0.2, "WER {rate:.2}: {:?}", transcript.text);
    let first = transcript.segments.first().expect("speech");
    // espeak-ng starts speaking within a few hundredths of a second of its file's start.
    assert!(first.start_s >= 3.95, "{:?}", transcript.segments);
    assert!(
        transcript.segments.iter().all(|s| s.end_s <= 12.5),
        "{:?}",
        transcript.segments
    );
}

#[tokio::test]
async fn speech_after_a_short_leading_silence_is_dated_where_it_is_said() {
    let model = model();
    let clips = Clips::new("lead");
    let wav = clips.speech_wav("speech.wav", SENTENCE);
    // 8 s of digital silence before the sentence and 6 s after: cut to a second's margin
    // before Whisper runs, which then dates the first words from 7 s.
    let padded = clips.ffmpeg(
        "lead.wav",
        &[
            "-i",
            wav.to_str().unwrap(),
            "-af",
            "adelay=8000:all=1,apad=pad_dur=6",
        ],
    );
    let video = clips.video_with_audio("lead.mp4", padded.to_str().unwrap(), 20.0, 2);
    let transcript = transcribe_file(&video, &config(&model)).unwrap();
    let rate = wer(SENTENCE, &transcript.text);
    assert!(rate <= 0.2, "WER {rate:.2}: {:?}", transcript.text);
    let first = transcript.segments.first().expect("speech");
    assert!(
        (7.95..9.0).contains(&first.start_s),
        "{:?}",
        transcript.segments
    );
}
