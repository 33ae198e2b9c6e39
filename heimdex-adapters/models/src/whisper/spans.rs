//! The stretches of a recording worth transcribing: long silences are cut out before Whisper
//! runs, so its 30 s windows are spent on sound.
//!
//! Whisper encodes every 30 s window it reaches, silent or not (1–2 s each for tiny.en on 2
//! cores), and silent windows are where it hallucinates ("Thank you."). A silence between
//! sounds is cut only when it lasts at least [`MIN_SILENCE_S`]: each such cut starts a new run
//! of windows, and a run's last window is encoded whole however little of it is sound, so
//! shorter cuts could cost more windows than they save. Silence before the first sound and
//! after the last is cut whatever its length, down to [`MARGIN_S`]: that only shortens a run,
//! so it never costs a window, and it often saves one (the 8 s of quiet closing the bench's
//! minute of speech took a third window of its own).

use std::ops::Range;

/// Shortest silence that is cut out, in seconds: one whole Whisper window.
const MIN_SILENCE_S: usize = 30;

/// Silence kept on each side of a cut, in seconds, so that words trailing off into the quiet or
/// starting out of it are not clipped.
const MARGIN_S: usize = 1;

/// Length of the blocks a span's first sound is looked for in, in seconds (10 ms).
const ONSET_BLOCK_S: f64 = 0.01;

/// One stretch of a recording to transcribe.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct SoundSpan {
    /// Its samples.
    pub samples: Range<usize>,
    /// The first sample of its first 10 ms block at or above the silence level: where its
    /// sound starts, after the quiet margin a cut leaves. Whisper dates the first words of a
    /// span from the span's start, margin included, so nothing is dated before this.
    pub sound_from: usize,
}

/// The spans of `samples` (mono, `rate` samples a second) to transcribe, in order: everything
/// but silences of at least [`MIN_SILENCE_S`] and the silence before the first sound and after
/// the last (less [`MARGIN_S`] on each side of a sound), each with where its sound starts. A second (or 10 ms block) is silent when its RMS level is below
/// `silence_dbfs`. Audio without such a silence is one span; all-silent audio has none.
pub(crate) fn sound_spans(samples: &[f32], rate: usize, silence_dbfs: f32) -> Vec<SoundSpan> {
    let block = ((rate as f64 * ONSET_BLOCK_S) as usize).max(1);
    let spans = second_spans(samples, rate, silence_dbfs).into_iter();
    spans
        .map(|span| {
            let loud = |b: &[f32]| super::transcription::level_dbfs(b) >= silence_dbfs;
            let first_loud = samples[span.clone()].chunks(block).position(loud);
            let sound_from = span.start + first_loud.map_or(0, |b| b * block);
            SoundSpan {
                samples: span,
                sound_from,
            }
        })
        .collect()
}

/// The spans of [`sound_spans`], whole seconds apart.
fn second_spans(samples: &[f32], rate: usize, silence_dbfs: f32) -> Vec<Range<usize>> {
    let rate = rate.max(1);
    let seconds: Vec<bool> = samples
        .chunks(rate)
        .map(|second| super::transcription::level_dbfs(second) >= silence_dbfs)
        .collect();
    let mut spans: Vec<Range<usize>> = Vec::new();
    let mut sound_from: Option<usize> = None;
    let mut second = 0;
    while second < seconds.len() {
        if seconds[second] {
            sound_from.get_or_insert(second);
            second += 1;
            continue;
        }
        let quiet_until = (second..seconds.len())
            .find(|&s| seconds[s])
            .unwrap_or(seconds.len());
        let long = quiet_until - second >= MIN_SILENCE_S;
        let at_start = sound_from.is_none();
        let at_end = quiet_until == seconds.len();
        if long || at_start || at_end {
            if let Some(from) = sound_from.take() {
                spans.push(from..(second + MARGIN_S).min(quiet_until));
            }
            // Sound after the cut starts a margin early.
            if !at_end {
                sound_from = Some(quiet_until.saturating_sub(MARGIN_S).max(second));
            }
        } else {
            sound_from.get_or_insert(second);
        }
        second = quiet_until;
    }
    if let Some(from) = sound_from {
        spans.push(from..seconds.len());
    }
    let to_samples = |s: usize| (s * rate).min(samples.len());
    let spans = spans
        .into_iter()
        .map(|s| to_samples(s.start)..to_samples(s.end));
    spans.filter(|s| !s.is_empty()).collect()
}

#[cfg(test)]
// A list of spans that happens to hold one span is meant: `[0..10]` is not a range of arrays.
#[allow(clippy::single_range_in_vec_init)]
mod tests {
    use super::*;

    const RATE: usize = 100;

    /// Audio made of (seconds, loud) parts: loud seconds are a full-scale square wave, quiet ones
    /// zeros.
    fn audio(parts: &[(usize, bool)]) -> Vec<f32> {
        let mut samples = Vec::new();
        for &(seconds, loud) in parts {
            let value = |i: usize| {
                if loud && i.is_multiple_of(2) {
                    0.5
                } else if loud {
                    -0.5
                } else {
                    0.0
                }
            };
            samples.extend((0..seconds * RATE).map(value));
        }
        samples
    }

    fn spans_in_seconds(parts: &[(usize, bool)]) -> Vec<Range<usize>> {
        let spans = sound_spans(&audio(parts), RATE, -50.0);
        spans
            .into_iter()
            .map(|s| s.samples.start / RATE..s.samples.end / RATE)
            .collect()
    }

    #[test]
    fn a_long_silence_between_sounds_is_cut_leaving_a_margin() {
        let spans = spans_in_seconds(&[(5, true), (40, false), (5, true)]);
        assert_eq!(spans, [0..6, 44..50]);
    }

    #[test]
    fn silences_shorter_than_a_window_stay() {
        assert_eq!(
            spans_in_seconds(&[(5, true), (29, false), (5, true)]),
            [0..39]
        );
        assert_eq!(
            spans_in_seconds(&[(5, true), (30, false), (5, true)]),
            [0..6, 34..40]
        );
    }

    #[test]
    fn leading_and_trailing_silences_are_cut_to_the_margin_whatever_their_length() {
        let spans = spans_in_seconds(&[(60, false), (5, true), (45, false)]);
        assert_eq!(spans, [59..66]);
        assert_eq!(
            spans_in_seconds(&[(3, false), (5, true), (8, false)]),
            [2..9]
        );
        // A second of silence or none is all margin.
        assert_eq!(
            spans_in_seconds(&[(1, false), (5, true), (1, false)]),
            [0..7]
        );
        assert_eq!(spans_in_seconds(&[(5, true)]), [0..5]);
    }

    #[test]
    fn several_cuts_and_a_partial_last_second() {
        let mut samples = audio(&[(2, true), (31, false), (3, true), (35, false), (4, true)]);
        samples.extend(audio(&[(1, true)]).into_iter().take(RATE / 2));
        let spans = sound_spans(&samples, RATE, -50.0);
        let seconds: Vec<_> = spans
            .iter()
            .map(|s| s.samples.start / RATE..s.samples.end / RATE)
            .collect();
        assert_eq!(seconds[..2], [0..3, 32..37]);
        assert_eq!(
            spans[2].samples,
            70 * RATE..samples.len(),
            "the last span runs to the last sample"
        );
    }

    #[test]
    fn silence_alone_has_no_span_and_empty_audio_neither() {
        assert!(spans_in_seconds(&[(10, false)]).is_empty());
        assert!(spans_in_seconds(&[(90, false)]).is_empty());
        assert!(sound_spans(&[], RATE, -50.0).is_empty());
    }

    #[test]
    fn quiet_sound_above_the_threshold_counts_as_sound() {
        // A constant 0.01: −40 dBFS.
        let samples = vec![0.01f32; 50 * RATE];
        let spans = sound_spans(&samples, RATE, -50.0);
        let ranges: Vec<_> = spans.into_iter().map(|s| s.samples).collect();
        assert_eq!(ranges, [0..samples.len()]);
        assert!(sound_spans(&samples, RATE, -30.0).is_empty());
    }

    #[test]
    fn sound_starts_after_the_margin_to_the_nearest_block() {
        // 40 s of silence, then 0.37 s of silence more and a sound: the span starts a second
        // before the loud second, its sound where the sound starts (blocks of one sample here).
        let mut samples = audio(&[(5, true), (40, false)]);
        samples.extend(vec![0.0; 37]);
        samples.extend(audio(&[(5, true)]));
        let spans = sound_spans(&samples, RATE, -50.0);
        assert_eq!(spans.len(), 2, "{spans:?}");
        assert_eq!(spans[0].sound_from, 0);
        assert_eq!(spans[1].samples.start, 44 * RATE);
        assert_eq!(spans[1].sound_from, 45 * RATE + 37);
    }

    #[test]
    fn sound_from_is_found_in_blocks_of_ten_milliseconds() {
        // At 16 kHz a block is 160 samples: a sound starting 1,000 samples in is found in the
        // block that holds it.
        let rate = 16_000;
        let mut samples = vec![0.0f32; 1_000];
        samples.extend((0..rate).map(|i| if i % 2 == 0 { 0.5 } else { -0.5 }));
        let spans = sound_spans(&samples, rate, -50.0);
        assert_eq!(spans.len(), 1);
        assert_eq!(spans[0].sound_from, 960);
    }
}
