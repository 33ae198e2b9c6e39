//! [`Scene`] and [`Scenes`]: what `scene_detection` leaves in the job's context.

use serde::Serialize;

/// One scene: a stretch of the video between two cuts.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Scene {
    /// 0-based position in the video.
    pub index: u32,
    /// Start, in seconds from the start of the video.
    pub start_s: f64,
    /// End, in seconds (the next scene's start, or the video's duration for the last one).
    pub end_s: f64,
}

/// The scenes of a video, in order, covering it from 0 to its duration without gaps.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Scenes(pub Vec<Scene>);

impl Scenes {
    /// Scenes cut at `cuts` (seconds, ascending) over `[0, duration_s]`; one scene spanning the
    /// video when there is no cut. Cuts outside `(0, duration_s)` are ignored.
    pub fn from_cuts(cuts: &[f64], duration_s: f64) -> Self {
        let inner = cuts.iter().copied().filter(|&t| t > 0.0 && t < duration_s);
        let bounds: Vec<f64> = std::iter::once(0.0)
            .chain(inner)
            .chain(std::iter::once(duration_s))
            .collect();
        Scenes(
            bounds
                .windows(2)
                .zip(0u32..)
                .map(|(w, index)| Scene {
                    index,
                    start_s: w[0],
                    end_s: w[1],
                })
                .collect(),
        )
    }

    /// The cut times: each scene's start but the first.
    pub fn cuts(&self) -> Vec<f64> {
        self.0.iter().skip(1).map(|s| s.start_s).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_cut_is_one_scene_spanning_the_video() {
        let scenes = Scenes::from_cuts(&[], 12.5);
        assert_eq!(
            scenes.0,
            vec![Scene {
                index: 0,
                start_s: 0.0,
                end_s: 12.5
            }]
        );
        assert!(scenes.cuts().is_empty());
    }

    #[test]
    fn cuts_split_the_video_without_gaps() {
        let scenes = Scenes::from_cuts(&[2.0, 3.5, 20.0], 10.0);
        let spans: Vec<_> = scenes
            .0
            .iter()
            .map(|s| (s.index, s.start_s, s.end_s))
            .collect();
        assert_eq!(spans, vec![(0, 0.0, 2.0), (1, 2.0, 3.5), (2, 3.5, 10.0)]);
        assert_eq!(scenes.cuts(), vec![2.0, 3.5]);
    }
}
