//! Per-scene transcript slices and their embeddings: [`transcript_slice`] and [`embed_scenes`].

use heimdex_core::SceneRecord;

use super::embedder::TextEmbedder;
use super::error::EmbedError;

/// One timed piece of a transcript: `(start_s, end_s, text)`, seconds from the video's start.
pub type TimedText = (f64, f64, String);

/// A video's transcript as timed pieces, left in the job's context for `scene_processing` by
/// whatever produced the transcript.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TranscriptSegments(pub Vec<TimedText>);

/// The transcript of `[start_s, end_s)`: the trimmed text of every segment that overlaps it (by
/// more than zero seconds), in order, joined by single spaces. A segment that spans a cut belongs
/// to both scenes, so speech running over a cut is searchable from either side.
pub fn transcript_slice(segments: &[TimedText], start_s: f64, end_s: f64) -> String {
    segments
        .iter()
        .filter(|(s, e, _)| *s < end_s && *e > start_s)
        .map(|(_, _, text)| text.trim())
        .filter(|text| !text.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Sets each scene's `transcript` to its slice of `segments` and its `embedding` to the slice's
/// all-MiniLM-L6-v2 vector, embedding every non-empty slice in one batched call on the blocking
/// pool. A scene without speech gets an empty transcript and no embedding (`None`). Other fields
/// are left as they are.
pub async fn embed_scenes(
    embedder: &TextEmbedder,
    scenes: &mut [SceneRecord],
    segments: &[TimedText],
) -> Result<(), EmbedError> {
    for scene in scenes.iter_mut() {
        scene.transcript = transcript_slice(segments, scene.start_s, scene.end_s);
    }
    let spoken: Vec<String> = scenes
        .iter()
        .filter(|s| !s.transcript.is_empty())
        .map(|s| s.transcript.clone())
        .collect();
    let mut vectors = embedder.embed(&spoken).await?.into_iter();
    for scene in scenes.iter_mut() {
        scene.embedding = if scene.transcript.is_empty() {
            None
        } else {
            vectors.next()
        };
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(start: f64, end: f64, text: &str) -> TimedText {
        (start, end, text.to_owned())
    }

    #[test]
    fn a_slice_holds_the_segments_overlapping_the_scene() {
        let segments = [
            seg(0.0, 2.0, " Hello there. "),
            seg(2.0, 5.0, "Across the cut."),
            seg(5.0, 6.0, "After."),
        ];
        assert_eq!(
            transcript_slice(&segments, 0.0, 3.0),
            "Hello there. Across the cut."
        );
        assert_eq!(transcript_slice(&segments, 3.0, 5.0), "Across the cut.");
        // Touching at an end is not overlapping.
        assert_eq!(transcript_slice(&segments, 6.0, 9.0), "");
    }

    #[test]
    fn blank_segments_are_left_out() {
        let segments = [seg(0.0, 1.0, "  "), seg(1.0, 2.0, "Words.")];
        assert_eq!(transcript_slice(&segments, 0.0, 2.0), "Words.");
    }
}
