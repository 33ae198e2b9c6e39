//! The content score of PySceneDetect's ContentDetector: the mean absolute difference of hue,
//! saturation and value between two consecutive (downscaled) frames, averaged over the three.
//!
//! HSV is OpenCV's 8-bit HSV (hue 0–179, saturation and value 0–255), computed from RGB, with
//! one change: the hue and saturation of dark pixels are scaled down with their value below
//! [`DARK_KNEE`]. In OpenCV's HSV a nearly black pixel such as RGB (6, 3, 0) already has full
//! saturation, so the first frames of a fade from black jump from saturation 0 to 255 and a plain
//! ContentDetector sees a cut there. Scaled, hue and saturation fade in with the picture: a 1 s
//! fade of a colourful 25 fps shot peaks near 14, against 60–100 for hard cuts between the test
//! patterns (tests/media_scenes.rs). The price is less hue/saturation weight in dark scenes.

/// Value (0–255) at and above which a pixel's hue and saturation count in full (half brightness:
/// a lower knee makes the ramp steeper, and at 64 a 1 s fade already scores 24).
pub(crate) const DARK_KNEE: u32 = 128;

/// One frame as three planes of the same size: hue, saturation, value.
#[derive(Clone, Debug, Default)]
pub(crate) struct HsvFrame {
    h: Vec<u8>,
    s: Vec<u8>,
    v: Vec<u8>,
}

impl HsvFrame {
    /// Refills the planes from packed RGB24 rows (`stride` bytes apart), reusing the buffers.
    #[cfg(test)]
    pub(crate) fn fill_from_rgb24(
        &mut self,
        data: &[u8],
        stride: usize,
        width: usize,
        rows: usize,
    ) {
        let pixels: Vec<&[u8]> = data
            .chunks(stride)
            .take(rows)
            .flat_map(|row| row[..width * 3].chunks_exact(3))
            .collect();
        let plane = |c: usize| pixels.iter().map(|px| px[c]).collect::<Vec<u8>>();
        let (r, g, b) = (plane(0), plane(1), plane(2));
        self.fill_from_planes([(&r, width), (&g, width), (&b, width)], width, rows);
    }

    /// Refills the planes from a `width`×`rows` picture given as its red, green and blue planes,
    /// each with its stride (bytes from one row to the next), reusing the buffers. Branch-free
    /// over the pixels, so the compiler vectorises it.
    pub(crate) fn fill_from_planes(&mut self, rgb: [(&[u8], usize); 3], width: usize, rows: usize) {
        let n = width * rows;
        for plane in [&mut self.h, &mut self.s, &mut self.v] {
            plane.resize(n, 0);
        }
        let [(r, r_stride), (g, g_stride), (b, b_stride)] = rgb;
        let rows_of = |plane, stride| plane_rows(plane, stride, width, rows);
        let out = self.h.chunks_exact_mut(width.max(1));
        let out = out.zip(self.s.chunks_exact_mut(width.max(1)));
        let out = out.zip(self.v.chunks_exact_mut(width.max(1)));
        let rgb_rows = rows_of(r, r_stride)
            .zip(rows_of(g, g_stride))
            .zip(rows_of(b, b_stride));
        for (((h, s), v), ((r, g), b)) in out.zip(rgb_rows) {
            // Equal lengths, stated, so the loop has no bounds checks and vectorises.
            let (h, s, v) = (&mut h[..width], &mut s[..width], &mut v[..width]);
            let (r, g, b) = (&r[..width], &g[..width], &b[..width]);
            for i in 0..width {
                (h[i], s[i], v[i]) = hsv(r[i], g[i], b[i]);
            }
        }
    }

    /// Number of pixels.
    pub(crate) fn len(&self) -> usize {
        self.v.len()
    }
}

/// The first `rows` rows of a plane whose rows are `stride` bytes apart, each `width` bytes.
fn plane_rows(
    plane: &[u8],
    stride: usize,
    width: usize,
    rows: usize,
) -> impl Iterator<Item = &[u8]> {
    let rows = plane.chunks(stride.max(1)).take(rows);
    rows.map(move |row| &row[..width])
}

/// The content score between two frames of the same size: 0 (identical) to 255.
pub(crate) fn content_score(a: &HsvFrame, b: &HsvFrame) -> f64 {
    let n = a.len().min(b.len());
    if n == 0 {
        return 0.0;
    }
    let total = abs_diff_sum(&a.h, &b.h) + abs_diff_sum(&a.s, &b.s) + abs_diff_sum(&a.v, &b.v);
    total as f64 / (3.0 * n as f64)
}

/// The sum of `|x[i] - y[i]|`. Blocks of 16 lanes add up in `u16` (at most 255 × 256 per lane
/// per block run), which vectorises to byte-wide SIMD; the blocks' totals add up in `u64`.
fn abs_diff_sum(x: &[u8], y: &[u8]) -> u64 {
    const LANES: usize = 16;
    const RUN: usize = LANES * 256;
    let mut total = 0u64;
    for (xs, ys) in x.chunks(RUN).zip(y.chunks(RUN)) {
        let mut lanes = [0u16; LANES];
        let (xb, yb) = (xs.chunks_exact(LANES), ys.chunks_exact(LANES));
        let tail: u64 = (xb.remainder().iter().zip(yb.remainder()))
            .map(|(&p, &q)| u64::from(p.abs_diff(q)))
            .sum();
        for (xl, yl) in xb.zip(yb) {
            for i in 0..LANES {
                lanes[i] += u16::from(xl[i].abs_diff(yl[i]));
            }
        }
        total += tail + lanes.iter().map(|&l| u64::from(l)).sum::<u64>();
    }
    total
}

/// OpenCV's 8-bit RGB→HSV, with hue and saturation scaled down for dark pixels.
///
/// Branch-free, in `i16` (whose `min`, `max` and products are baseline x86-64 SIMD, where
/// `i32`'s are not; every intermediate but the quotients' numerators fits), with the quotients
/// as integer divisions, truncated toward zero, done in `f32`: for operands under 2^24 a
/// correctly rounded quotient truncates to the integer quotient exactly (a non-integer quotient
/// of integers below 2^15 is at least 1/255 from the next integer, far beyond `f32`'s error),
/// and float division vectorises where integer division cannot. The unit tests compare it with
/// the integer formula on every colour.
#[inline(always)]
fn hsv(r: u8, g: u8, b: u8) -> (u8, u8, u8) {
    let (r, g, b) = (i16::from(r), i16::from(g), i16::from(b));
    let v = r.max(g).max(b);
    let diff = v - r.min(g).min(b);
    let quotient = |a: f32, b: i16| (a / f32::from(b.max(1))) as i16;
    // Grey (diff 0) gives 0 for both: its numerators are 0.
    let s = quotient(255.0 * f32::from(diff), v);
    let (base, numerator) = if v == r {
        (0, g - b)
    } else if v == g {
        (120, b - r)
    } else {
        (240, r - g)
    };
    let h60 = base + quotient(60.0 * f32::from(numerator), diff);
    let h = (h60 + if h60 < 0 { 360 } else { 0 }) >> 1;
    // At most 179 × 128 or 255 × 128: fits `i16`.
    let weight = v.min(DARK_KNEE as i16);
    // DARK_KNEE is a power of two: the division is a shift.
    let scale = |x: i16| ((x * weight) >> DARK_KNEE.trailing_zeros()) as u8;
    (scale(h), scale(s), v as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn solid(rgb: [u8; 3], width: usize, rows: usize) -> HsvFrame {
        let data: Vec<u8> = rgb.iter().copied().cycle().take(width * rows * 3).collect();
        let mut frame = HsvFrame::default();
        frame.fill_from_rgb24(&data, width * 3, width, rows);
        frame
    }

    #[test]
    fn bright_pixels_match_opencv_hsv() {
        assert_eq!(hsv(255, 0, 0), (0, 255, 255));
        assert_eq!(hsv(0, 255, 0), (60, 255, 255));
        assert_eq!(hsv(0, 0, 255), (120, 255, 255));
        assert_eq!(hsv(255, 255, 0), (30, 255, 255));
        assert_eq!(hsv(128, 128, 128), (0, 0, 128));
    }

    /// The integer formula the float quotients must reproduce exactly.
    fn hsv_integer(r: u8, g: u8, b: u8) -> (u8, u8, u8) {
        let (r, g, b) = (i32::from(r), i32::from(g), i32::from(b));
        let v = r.max(g).max(b);
        let diff = v - r.min(g).min(b);
        if diff == 0 {
            return (0, 0, v as u8);
        }
        let s = 255 * diff / v;
        let h60 = if v == r {
            60 * (g - b) / diff
        } else if v == g {
            120 + 60 * (b - r) / diff
        } else {
            240 + 60 * (r - g) / diff
        };
        let h = if h60 < 0 { h60 + 360 } else { h60 } / 2;
        let weight = (v as u32).min(DARK_KNEE);
        let scale = |x: i32| (x as u32 * weight / DARK_KNEE) as u8;
        (scale(h), scale(s), v as u8)
    }

    #[test]
    fn float_quotients_equal_integer_division_for_every_colour() {
        for r in 0..=255u8 {
            for g in 0..=255u8 {
                for b in 0..=255u8 {
                    assert_eq!(hsv(r, g, b), hsv_integer(r, g, b), "rgb {r} {g} {b}");
                }
            }
        }
    }

    #[test]
    fn dark_pixels_have_scaled_hue_and_saturation() {
        let (_, s, v) = hsv(6, 3, 0);
        assert_eq!(v, 6);
        assert!(s < 30, "saturation of a nearly black pixel is {s}");
    }

    #[test]
    fn identical_frames_score_zero_and_opposites_score_high() {
        let red = solid([255, 0, 0], 8, 4);
        assert_eq!(content_score(&red, &red.clone()), 0.0);
        let black = solid([0, 0, 0], 8, 4);
        let cyan = solid([0, 255, 255], 8, 4);
        // Black to red: only s and v change by 255.
        assert!((content_score(&black, &red) - 170.0).abs() < 1e-9);
        assert!(content_score(&red, &cyan) > 27.0);
    }

    #[test]
    fn rows_are_read_by_stride_ignoring_padding() {
        let mut data = vec![255, 0, 0, 255, 0, 0, 9, 9];
        data.extend_from_slice(&[255, 0, 0, 255, 0, 0, 9, 9]);
        let mut frame = HsvFrame::default();
        frame.fill_from_rgb24(&data, 8, 2, 2);
        assert_eq!(frame.len(), 4);
        assert_eq!(content_score(&frame, &solid([255, 0, 0], 2, 2)), 0.0);
    }

    #[test]
    fn abs_diff_sum_matches_the_plain_sum_over_every_length_and_block_edge() {
        // A fixed xorshift: the same bytes on every run.
        let mut state = 0x9e37_79b9_u32;
        let mut byte = move || {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            (state >> 24) as u8
        };
        // Past one 4,096-byte run (the u16 lanes' limit), with tails of every size.
        for n in [0, 1, 15, 16, 17, 4095, 4096, 4097, 36_864, 36_871] {
            let x: Vec<u8> = (0..n).map(|_| byte()).collect();
            let y: Vec<u8> = (0..n).map(|_| byte()).collect();
            let plain: u64 = x
                .iter()
                .zip(&y)
                .map(|(&p, &q)| u64::from(p.abs_diff(q)))
                .sum();
            assert_eq!(abs_diff_sum(&x, &y), plain, "length {n}");
        }
        // The largest difference everywhere fills the lanes to 255 × 256 without overflow.
        let (zeros, full) = (vec![0u8; 8192], vec![255u8; 8192]);
        assert_eq!(abs_diff_sum(&zeros, &full), 255 * 8192);
    }

    #[test]
    fn planes_are_read_by_their_own_strides() {
        // A 2x2 picture: red and green planes padded to 4 bytes a row, blue unpadded.
        let r = [255, 0, 7, 7, 0, 255, 7, 7];
        let g = [0, 255, 9, 9, 0, 0, 9, 9];
        let b = [0, 0, 255, 0];
        let mut frame = HsvFrame::default();
        frame.fill_from_planes([(&r, 4), (&g, 4), (&b, 2)], 2, 2);
        let packed = [255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 0, 0];
        let mut expected = HsvFrame::default();
        expected.fill_from_rgb24(&packed, 6, 2, 2);
        assert_eq!(frame.len(), 4);
        assert_eq!(
            (&frame.h, &frame.s, &frame.v),
            (&expected.h, &expected.s, &expected.v)
        );
    }
}
