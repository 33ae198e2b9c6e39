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

use multiversion::multiversion;

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
            hsv_row([r, g, b], [h, s, v]);
        }
    }

    /// Number of pixels.
    pub(crate) fn len(&self) -> usize {
        self.v.len()
    }
}

/// One row of RGB planes into HSV planes of the same length (the shortest of the six).
/// Compiled for AVX-512 and AVX2 as well as baseline x86-64, the best the CPU has picked at run
/// time: the `i16` lanes double with each.
#[multiversion(targets("x86_64+avx512f+avx512bw+avx512vl+avx2+fma", "x86_64+avx2+fma"))]
fn hsv_row([r, g, b]: [&[u8]; 3], [h, s, v]: [&mut [u8]; 3]) {
    let width = [r.len(), g.len(), b.len(), h.len(), s.len(), v.len()]
        .into_iter()
        .min();
    let width = width.unwrap_or(0);
    // Equal lengths, stated, so the loop has no bounds checks and vectorises.
    let (h, s, v) = (&mut h[..width], &mut s[..width], &mut v[..width]);
    let (r, g, b) = (&r[..width], &g[..width], &b[..width]);
    for i in 0..width {
        (h[i], s[i], v[i]) = hsv(r[i], g[i], b[i]);
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
/// Compiled for AVX-512 and AVX2 too, like [`hsv_row`].
#[multiversion(targets("x86_64+avx512f+avx512bw+avx512vl+avx2+fma", "x86_64+avx2+fma"))]
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
#[path = "score_tests.rs"]
mod tests;
