//! [`Transcript`] and [`Segment`]: what `transcription` leaves in the job's context, and the
//! text rules of its quality gate.

use serde::Serialize;

/// The speech of a video, in order. Empty (no text, no segments) when the video has no audio
/// stream or its audio holds no speech (silence, music, noise).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Transcript {
    /// The kept segments' text, joined with single spaces.
    pub text: String,
    /// The language spoken (ISO 639-1, e.g. `en`): the configured one, else the one Whisper
    /// detected; `None` when nothing was transcribed.
    pub language: Option<String>,
    /// The kept segments.
    pub segments: Vec<Segment>,
}

impl Transcript {
    /// A transcript of `segments` in `language`; `text` joins them.
    pub fn new(segments: Vec<Segment>, language: Option<String>) -> Self {
        let text = segments
            .iter()
            .map(|s| s.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let language = language.filter(|_| !segments.is_empty());
        Self {
            text,
            language,
            segments,
        }
    }

    /// True when no speech was kept.
    pub fn is_empty(&self) -> bool {
        self.segments.is_empty()
    }

    /// The text of the segments that overlap `[start_s, end_s)`, joined with spaces (a scene's
    /// slice of the transcript).
    pub fn slice(&self, start_s: f64, end_s: f64) -> String {
        self.segments
            .iter()
            .filter(|s| s.start_s < end_s && s.end_s > start_s)
            .map(|s| s.text.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// One stretch of speech.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Segment {
    /// Start, in seconds from the start of the video (its first frame's timestamp, the origin
    /// of scene times), whenever the audio itself starts; never before 0.
    pub start_s: f64,
    /// End, in seconds.
    pub end_s: f64,
    /// What was said, trimmed.
    pub text: String,
    /// Whisper's probability that the window held no speech.
    pub no_speech_prob: f32,
}

/// The segment's text with annotations removed: `[Music]`, `(applause)`, `*laughs*`, `♪`. Empty
/// when nothing spoken is left (only annotations, punctuation or symbols).
pub fn spoken_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut closing: Option<char> = None;
    for c in text.chars() {
        match (closing, c) {
            (Some(end), c) if c == end => closing = None,
            (Some(_), _) => {}
            (None, '[') => closing = Some(']'),
            (None, '(') => closing = Some(')'),
            (None, '*') => closing = Some('*'),
            (None, '♪' | '♫' | '♬' | '🎵' | '🎶') => {}
            (None, c) => out.push(c),
        }
    }
    let out = out.split_whitespace().collect::<Vec<_>>().join(" ");
    if out.chars().any(char::is_alphanumeric) {
        out
    } else {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annotations_and_bare_punctuation_are_not_speech() {
        for text in [
            "[Music]",
            " (applause) ",
            "♪ ♪",
            "...",
            "[BLANK_AUDIO]",
            "*laughs* -",
            "",
        ] {
            assert_eq!(spoken_text(text), "", "{text:?}");
        }
        assert_eq!(spoken_text(" Hello [Music] world. "), "Hello world.");
        assert_eq!(spoken_text("♪ la la ♪"), "la la");
    }

    #[test]
    fn the_text_joins_segments_and_a_slice_takes_overlapping_ones() {
        let seg = |a, b, t: &str| Segment {
            start_s: a,
            end_s: b,
            text: t.into(),
            no_speech_prob: 0.0,
        };
        let t = Transcript::new(
            vec![
                seg(0.0, 2.0, "One."),
                seg(2.0, 4.0, "Two."),
                seg(5.0, 6.0, "Three."),
            ],
            Some("en".into()),
        );
        assert_eq!(t.text, "One. Two. Three.");
        assert_eq!(t.slice(1.0, 3.0), "One. Two.");
        assert_eq!(t.slice(4.0, 5.0), "");
        assert_eq!(Transcript::new(vec![], Some("en".into())).language, None);
    }
}
