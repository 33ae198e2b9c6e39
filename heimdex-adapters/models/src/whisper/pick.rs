//! Choosing the audio stream to transcribe.

/// What the choice looks at in one audio stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Candidate {
    /// Index of the stream in the container.
    pub index: usize,
    /// Channels (0 when unknown).
    pub channels: u16,
    /// The `title` tag (or handler name), if any.
    pub title: Option<String>,
    /// Marked commentary, or audio description for the visually impaired, by its disposition.
    pub secondary: bool,
    /// Marked as the default track.
    pub default: bool,
}

/// Words in a track title that mark it as not the main programme audio.
const SECONDARY_WORDS: [&str; 5] = [
    "commentary",
    "description",
    "descriptive",
    "described",
    "director",
];

impl Candidate {
    /// Commentary or description, by disposition or title.
    fn is_secondary(&self) -> bool {
        self.secondary
            || self.title.as_deref().is_some_and(|t| {
                let t = t.to_lowercase();
                SECONDARY_WORDS.iter().any(|w| t.contains(w))
            })
    }
}

/// The stream to transcribe: main-programme tracks before commentary and description tracks
/// (which are used only when nothing else exists), then more channels, then the default track,
/// then the first in the container. `None` when there is no audio stream.
pub(crate) fn best(candidates: &[Candidate]) -> Option<usize> {
    candidates
        .iter()
        .min_by_key(|c| {
            (
                c.is_secondary(),
                std::cmp::Reverse(c.channels),
                !c.default,
                c.index,
            )
        })
        .map(|c| c.index)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn track(index: usize, channels: u16, title: Option<&str>) -> Candidate {
        Candidate {
            index,
            channels,
            title: title.map(str::to_owned),
            secondary: false,
            default: false,
        }
    }

    #[test]
    fn commentary_and_description_lose_to_the_main_track_whatever_their_channels() {
        let tracks = [
            track(1, 6, Some("Director's Commentary")),
            Candidate {
                secondary: true,
                ..track(2, 6, None)
            },
            track(3, 2, Some("English")),
            track(4, 6, Some("Audio Description")),
        ];
        assert_eq!(best(&tracks), Some(3));
    }

    #[test]
    fn more_channels_then_the_default_then_the_first() {
        assert_eq!(best(&[track(1, 2, None), track(2, 6, None)]), Some(2));
        let default = Candidate {
            default: true,
            ..track(2, 2, None)
        };
        assert_eq!(best(&[track(1, 2, None), default]), Some(2));
        assert_eq!(best(&[track(1, 2, None), track(2, 2, None)]), Some(1));
    }

    #[test]
    fn only_commentary_is_still_transcribed_and_no_audio_is_none() {
        assert_eq!(best(&[track(5, 2, Some("Commentary"))]), Some(5));
        assert_eq!(best(&[]), None);
    }
}
