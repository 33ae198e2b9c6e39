//! Where the cuts are, given each frame's content score: the rule of [`SceneDetectionConfig`].

use super::config::SceneDetectionConfig;

/// The indices of the frames that start a new scene (never 0), in order. `scores[i]` is frame
/// `i`'s content score against frame `i - 1` (`scores[0]` is ignored).
pub(crate) fn find_cuts(scores: &[f64], fps: f64, config: &SceneDetectionConfig) -> Vec<usize> {
    let min_frames = config.min_scene_frames(fps);
    let window = config.window_width.max(1);
    let mut cuts = Vec::new();
    let mut last_cut = 0;
    for (i, &score) in scores.iter().enumerate().skip(1) {
        if i - last_cut < min_frames {
            continue;
        }
        let content = score >= config.content_threshold;
        let adaptive = score >= config.min_content_val
            && adaptive_ratio(scores, i, window).is_some_and(|r| r >= config.adaptive_threshold);
        if content || adaptive {
            cuts.push(i);
            last_cut = i;
        }
    }
    cuts
}

/// AdaptiveDetector's ratio: frame `i`'s score over the mean score of the `window` frames before
/// and after it (frame 0, which has no score, excluded). `None` without a full window on both
/// sides; 255 when the neighbours' mean is zero.
fn adaptive_ratio(scores: &[f64], i: usize, window: usize) -> Option<f64> {
    if i <= window || i + window >= scores.len() {
        return None;
    }
    let neighbours = scores[i - window..i]
        .iter()
        .chain(&scores[i + 1..=i + window]);
    let mean = neighbours.sum::<f64>() / (2 * window) as f64;
    Some(if mean.abs() < 1e-5 {
        255.0
    } else {
        (scores[i] / mean).min(255.0)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> SceneDetectionConfig {
        SceneDetectionConfig::default()
    }

    /// 10 fps: minimum scene length 10 frames.
    fn scores_with(n: usize, spikes: &[(usize, f64)], base: f64) -> Vec<f64> {
        let mut scores = vec![base; n];
        scores[0] = 0.0;
        for &(i, s) in spikes {
            scores[i] = s;
        }
        scores
    }

    #[test]
    fn a_spike_above_the_content_threshold_is_a_cut() {
        let scores = scores_with(40, &[(15, 40.0), (30, 28.0)], 1.0);
        assert_eq!(find_cuts(&scores, 10.0, &config()), vec![15, 30]);
    }

    #[test]
    fn a_spike_far_above_its_neighbours_is_a_cut_below_the_content_threshold() {
        let scores = scores_with(40, &[(15, 20.0)], 2.0);
        assert_eq!(find_cuts(&scores, 10.0, &config()), vec![15]);
        // Not three times its neighbours: no cut.
        let busy = scores_with(40, &[(15, 20.0)], 8.0);
        assert!(find_cuts(&busy, 10.0, &config()).is_empty());
        // Under the minimum content value: no cut.
        let faint = scores_with(40, &[(15, 12.0)], 0.5);
        assert!(find_cuts(&faint, 10.0, &config()).is_empty());
    }

    #[test]
    fn cuts_closer_than_the_minimum_scene_length_are_dropped() {
        // The first cut needs a full scene from the start too.
        let scores = scores_with(40, &[(5, 90.0), (12, 90.0), (16, 90.0), (22, 90.0)], 0.0);
        assert_eq!(find_cuts(&scores, 10.0, &config()), vec![12, 22]);
    }

    #[test]
    fn a_static_or_slowly_changing_shot_has_no_cut() {
        assert!(find_cuts(&vec![0.0; 100], 25.0, &config()).is_empty());
        assert!(find_cuts(&scores_with(100, &[], 12.0), 25.0, &config()).is_empty());
    }

    #[test]
    fn thresholds_are_configurable() {
        let scores = scores_with(40, &[(15, 20.0)], 8.0);
        let low = SceneDetectionConfig {
            content_threshold: 19.0,
            ..config()
        };
        assert_eq!(find_cuts(&scores, 10.0, &low), vec![15]);
        let adaptive_only = SceneDetectionConfig {
            content_threshold: f64::INFINITY,
            ..config()
        };
        let strong = scores_with(40, &[(15, 100.0)], 50.0);
        assert!(find_cuts(&strong, 10.0, &adaptive_only).is_empty());
    }
}
