//! [`SceneDetectionConfig`]: the thresholds of the `scene_detection` stage.

use serde::{Deserialize, Serialize};

/// How [`SceneDetection`](super::SceneDetection) finds cuts. The defaults are PySceneDetect's
/// (ContentDetector threshold 27; AdaptiveDetector adaptive threshold 3.0, window 2, minimum
/// content value 15; minimum scene length 1 s).
///
/// A frame is a cut when its content score (see the module docs) passes **either** test, and at
/// least `min_scene_len_s` has passed since the previous cut (or the start):
/// - content: score ≥ `content_threshold`;
/// - adaptive: score ≥ `min_content_val` and score ÷ the mean score of the `window_width` frames
///   on each side ≥ `adaptive_threshold`.
///
/// The previous service ran both detectors and kept the one that found more scenes; taking the
/// union is the one-pass equivalent. Set `content_threshold` to `f64::INFINITY` for the adaptive
/// test alone, or `adaptive_threshold` to `f64::INFINITY` for the content test alone.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SceneDetectionConfig {
    /// Content test: the score (0–255) at or above which a frame is a cut.
    pub content_threshold: f64,
    /// Adaptive test: how many times its neighbours' mean score a frame's score must be.
    pub adaptive_threshold: f64,
    /// Adaptive test: the least score a cut must have.
    pub min_content_val: f64,
    /// Adaptive test: frames on each side in the rolling mean (at least 1).
    pub window_width: usize,
    /// The shortest scene, in seconds (turned into `max(1, round(s × fps))` frames).
    pub min_scene_len_s: f64,
    /// Frames are scaled to this width (keeping the aspect ratio) before scoring; narrower videos
    /// are scored at their own width.
    pub target_width: u32,
    /// Decoder threads; 0 lets FFmpeg choose (one per core).
    pub decode_threads: usize,
    /// Decode without the codec's in-loop deblocking filter (FFmpeg's `skip_loop_filter=all`,
    /// for H.264, HEVC and the other codecs that have one): 5–10 % less decoding work on a
    /// 720p H.264 stream. Deblocking smooths block edges a few pixels wide, which the detector's
    /// area-averaged 256-pixel frames do not see; the tests find the same cuts, and no false
    /// ones on fades or static shots, either way. `false` decodes every frame exactly.
    pub skip_deblocking: bool,
}

impl Default for SceneDetectionConfig {
    fn default() -> Self {
        Self {
            content_threshold: 27.0,
            adaptive_threshold: 3.0,
            min_content_val: 15.0,
            window_width: 2,
            min_scene_len_s: 1.0,
            target_width: 256,
            decode_threads: 0,
            skip_deblocking: true,
        }
    }
}

impl SceneDetectionConfig {
    /// The minimum scene length in frames at `fps`: `max(1, round(min_scene_len_s × fps))`.
    pub fn min_scene_frames(&self, fps: f64) -> usize {
        let frames = (self.min_scene_len_s * fps).round();
        if frames.is_finite() && frames >= 1.0 {
            frames as usize
        } else {
            1
        }
    }

    /// The size frames are scored at, for a `width`×`height` video: `target_width` wide (never
    /// wider than the video), the height scaled to match and rounded to an even number.
    pub fn scaled_size(&self, width: u32, height: u32) -> (u32, u32) {
        let w = self.target_width.clamp(1, width.max(1));
        let h = (u64::from(height) * u64::from(w) / u64::from(width.max(1))) as u32;
        (w, (h + 1).max(2) & !1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn min_scene_length_is_at_least_one_frame() {
        let config = SceneDetectionConfig::default();
        assert_eq!(config.min_scene_frames(25.0), 25);
        assert_eq!(config.min_scene_frames(29.97), 30);
        assert_eq!(config.min_scene_frames(0.0), 1);
        assert_eq!(config.min_scene_frames(f64::NAN), 1);
    }

    #[test]
    fn frames_are_scaled_to_the_target_width_keeping_the_aspect() {
        let config = SceneDetectionConfig::default();
        assert_eq!(config.scaled_size(1280, 720), (256, 144));
        assert_eq!(config.scaled_size(1920, 1080), (256, 144));
        assert_eq!(config.scaled_size(160, 120), (160, 120));
        assert_eq!(config.scaled_size(720, 1280).0, 256);
    }
}
