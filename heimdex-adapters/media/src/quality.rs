//! [`FrameQuality`]: how bright and how sharp a grayscale frame is, and the origin's score.
//!
//! Pure arithmetic on 8-bit gray pixels, the same as the previous service computed with OpenCV:
//! brightness is `mean(gray)`, sharpness is `cv2.Laplacian(gray, cv2.CV_64F).var()` (the 3×3
//! kernel `[0 1 0; 1 -4 1; 0 1 0]` with OpenCV's default border, which reflects without
//! repeating the edge pixel, and the population variance of the result).

use serde::Serialize;

/// The least mean gray (0–255) of an informative frame: darker is a black frame.
pub const MIN_BRIGHTNESS: f64 = 15.0;
/// The least Laplacian variance of an informative frame: smoother is a blurred or flat frame.
pub const MIN_SHARPNESS: f64 = 50.0;
/// The Laplacian variance at and above which a frame counts as fully sharp in the score.
pub const FULL_SHARPNESS: f64 = 1000.0;

/// The quality of one frame.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct FrameQuality {
    /// Mean gray level, 0 (black) to 255 (white).
    pub brightness: f64,
    /// Variance of the frame's Laplacian: 0 for a flat frame, larger for more (and harder) edges.
    pub sharpness: f64,
    /// `0.4 × (1 − |brightness − 127.5| / 127.5) + 0.6 × min(sharpness / 1000, 1)`, in [0, 1]:
    /// mid-gray and sharp is 1, black and flat is 0.
    pub score: f64,
    /// Whether the frame shows something: brightness ≥ [`MIN_BRIGHTNESS`] and sharpness ≥
    /// [`MIN_SHARPNESS`].
    pub informative: bool,
}

impl FrameQuality {
    /// Measures the `width`×`height` gray image whose rows start every `stride` bytes of `gray`.
    ///
    /// # Panics
    /// When `gray` is shorter than `height` rows of `stride` bytes (the last may be `width` long)
    /// or `stride < width`.
    pub fn measure(gray: &[u8], width: usize, height: usize, stride: usize) -> Self {
        Self::from_parts(
            brightness(gray, width, height, stride),
            laplacian_variance(gray, width, height, stride),
        )
    }

    /// The quality of a frame with `brightness` and `sharpness` (as [`FrameQuality::measure`]
    /// finds them).
    pub fn from_parts(brightness: f64, sharpness: f64) -> Self {
        Self {
            brightness,
            sharpness,
            score: score(brightness, sharpness),
            informative: brightness >= MIN_BRIGHTNESS && sharpness >= MIN_SHARPNESS,
        }
    }
}

/// The origin's score: `0.4 × (1 − |b − 127.5| / 127.5) + 0.6 × min(sharpness / 1000, 1)`.
pub fn score(brightness: f64, sharpness: f64) -> f64 {
    let exposure = 1.0 - (brightness - 127.5).abs() / 127.5;
    let detail = (sharpness / FULL_SHARPNESS).min(1.0);
    0.4 * exposure.clamp(0.0, 1.0) + 0.6 * detail.max(0.0)
}

/// The mean gray level of the image (0 for an empty one).
pub fn brightness(gray: &[u8], width: usize, height: usize, stride: usize) -> f64 {
    check(gray, width, height, stride);
    if width == 0 || height == 0 {
        return 0.0;
    }
    let sum: u64 = rows(gray, width, height, stride)
        .map(|row| row.iter().map(|&p| u64::from(p)).sum::<u64>())
        .sum();
    sum as f64 / (width * height) as f64
}

/// The population variance of the image's 4-neighbour Laplacian, with borders reflected as
/// OpenCV's `BORDER_REFLECT_101` does (`… 2 1 | 0 1 2 …`); 0 for an empty image. A one-pixel
/// wide or tall image reflects onto itself.
pub fn laplacian_variance(gray: &[u8], width: usize, height: usize, stride: usize) -> f64 {
    check(gray, width, height, stride);
    if width == 0 || height == 0 {
        return 0.0;
    }
    let at = |x: usize, y: usize| i64::from(gray[y * stride + x]);
    let (mut sum, mut sum_sq) = (0i64, 0i128);
    for y in 0..height {
        let (up, down) = (reflect(y, -1, height), reflect(y, 1, height));
        for x in 0..width {
            let (left, right) = (reflect(x, -1, width), reflect(x, 1, width));
            let lap = at(x, up) + at(x, down) + at(left, y) + at(right, y) - 4 * at(x, y);
            sum += lap;
            sum_sq += i128::from(lap * lap);
        }
    }
    let n = (width * height) as f64;
    let mean = sum as f64 / n;
    (sum_sq as f64 / n - mean * mean).max(0.0)
}

/// The index `step` (±1) away from `i` in `0..len`, reflected at the ends without repeating the
/// edge (`-1 → 1`, `len → len − 2`); `i` itself when `len` is 1.
fn reflect(i: usize, step: isize, len: usize) -> usize {
    if len == 1 {
        return 0;
    }
    match i.checked_add_signed(step) {
        None => 1,
        Some(j) if j == len => len - 2,
        Some(j) => j,
    }
}

fn rows(gray: &[u8], width: usize, height: usize, stride: usize) -> impl Iterator<Item = &[u8]> {
    (0..height).map(move |y| &gray[y * stride..y * stride + width])
}

fn check(gray: &[u8], width: usize, height: usize, stride: usize) {
    assert!(stride >= width, "stride {stride} < width {width}");
    if height > 0 {
        let needed = (height - 1) * stride + width;
        assert!(gray.len() >= needed, "{} bytes < {needed}", gray.len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(width: usize, height: usize, pixel: impl Fn(usize, usize) -> u8) -> Vec<u8> {
        (0..height)
            .flat_map(|y| (0..width).map(move |x| (x, y)))
            .map(|(x, y)| pixel(x, y))
            .collect()
    }

    #[test]
    fn a_one_pixel_checkerboard_has_a_laplacian_of_plus_minus_1020_everywhere() {
        // Each pixel v has four neighbours 255 − v: 4(255 − v) − 4v = ±1020, borders included
        // (reflection keeps the parity); the mean is 0, so the variance is 1020².
        let board = image(8, 6, |x, y| if (x + y) % 2 == 0 { 0 } else { 255 });
        let q = FrameQuality::measure(&board, 8, 6, 8);
        assert_eq!(q.brightness, 127.5);
        assert_eq!(q.sharpness, 1020.0 * 1020.0);
        assert_eq!(q.score, 1.0);
        assert!(q.informative);
    }

    #[test]
    fn a_vertical_step_edge_has_the_hand_computed_variance_and_score() {
        // Columns 0 0 100 100: the Laplacian of each row is 0, 100, −100, 0 (the border columns
        // reflect onto their equal neighbour), so the variance is 2·100²/4 = 5000.
        let step = image(4, 3, |x, _| if x < 2 { 0 } else { 100 });
        let q = FrameQuality::measure(&step, 4, 3, 4);
        assert_eq!(q.brightness, 50.0);
        assert_eq!(q.sharpness, 5000.0);
        let expected = 0.4 * (1.0 - 77.5 / 127.5) + 0.6;
        assert!((q.score - expected).abs() < 1e-12, "{}", q.score);
        assert!(q.informative);
    }

    #[test]
    fn a_dim_soft_edge_is_not_informative_and_scores_by_both_parts() {
        // Columns 0 0 20 20: Laplacian 0, 20, −20, 0: variance 200; mean 10 (< 15).
        let soft = image(4, 2, |x, _| if x < 2 { 0 } else { 20 });
        let q = FrameQuality::measure(&soft, 4, 2, 4);
        assert_eq!((q.brightness, q.sharpness), (10.0, 200.0));
        assert!(!q.informative, "too dark");
        let expected = 0.4 * (1.0 - 117.5 / 127.5) + 0.6 * 0.2;
        assert!((q.score - expected).abs() < 1e-12, "{}", q.score);
    }

    #[test]
    fn a_flat_black_frame_scores_zero_and_a_flat_mid_gray_frame_only_its_exposure() {
        let black = FrameQuality::measure(&[0; 64], 8, 8, 8);
        assert_eq!(
            (black.brightness, black.sharpness, black.score),
            (0.0, 0.0, 0.0)
        );
        assert!(!black.informative);
        let gray = FrameQuality::measure(&[128; 64], 8, 8, 8);
        assert_eq!(gray.sharpness, 0.0);
        assert!((gray.score - 0.4 * (1.0 - 0.5 / 127.5)).abs() < 1e-12);
        assert!(!gray.informative, "flat: too smooth");
    }

    #[test]
    fn padding_past_the_width_is_ignored() {
        // A 2×2 image 0 255 / 255 0 with two padding bytes of 9 per row.
        let padded = [0, 255, 9, 9, 255, 0, 9, 9];
        let q = FrameQuality::measure(&padded, 2, 2, 4);
        assert_eq!(q.brightness, 127.5);
        // Reflection of a 2-wide row maps −1 → 1 and 2 → 0: each pixel's 4 neighbours are all
        // the other colour, as on the checkerboard.
        assert_eq!(q.sharpness, 1020.0 * 1020.0);
    }

    #[test]
    fn the_score_saturates_at_full_sharpness_and_stays_in_the_unit_interval() {
        assert_eq!(score(127.5, 5000.0), 1.0);
        assert_eq!(score(255.0, 0.0), 0.0);
        assert!((score(127.5, 500.0) - 0.7).abs() < 1e-12);
        assert_eq!(FrameQuality::measure(&[], 0, 0, 0).score, 0.0);
    }

    #[test]
    fn reflection_skips_the_edge_pixel() {
        assert_eq!(reflect(0, -1, 5), 1);
        assert_eq!(reflect(4, 1, 5), 3);
        assert_eq!(reflect(2, 1, 5), 3);
        assert_eq!(reflect(0, 1, 1), 0);
    }
}
