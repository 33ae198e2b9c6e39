//! Vertical binning before swscale: a 4:2:0 frame's rows averaged `k` at a time, so that the
//! scorer's area scaler filters a few rows instead of every one.
//!
//! swscale's area filter runs its horizontal pass (gathers, 8 taps) over every source row, since
//! the vertical taps cover them all: for a 720p frame scaled to 256×144, 1,440 rows of luma and
//! chroma per frame, about a quarter of scene detection's CPU. Averaging each `k` rows first is
//! a contiguous, vectorised pass over the frame; swscale then filters `k` times fewer rows and
//! does the rest (the horizontal average, the last bit of vertical scaling, the colour
//! conversion) as before.

use ffmpeg::format::Pixel;
use ffmpeg::frame;
use ffmpeg_next as ffmpeg;
use multiversion::multiversion;

/// How a planar 4:2:0 format stores its samples, for binning: bytes per sample and the most rows
/// averaged into one for [`divide_row`] to stay exact (swscale scales what is left). `None` for
/// formats that are not binned.
fn samples(format: Pixel) -> Option<(usize, u32)> {
    match format {
        Pixel::YUV420P | Pixel::YUVJ420P => Some((1, 16)),
        // 10-bit video (HEVC Main 10, H.264 High 10, VP9 profile 2, AV1): little-endian `u16`.
        Pixel::YUV420P10LE => Some((2, 8)),
        _ => None,
    }
}

/// Rows averaged into one: the whole rows of the source per row of the scaled size (a 720-row
/// frame scaled to 144 rows: 5), at most 16 (8 for 10-bit samples). `None` when that is under 2
/// (the scaled height is more than half the frame's) or the format is not planar 4:2:0 with 8-
/// or 10-bit samples.
pub(crate) fn bin_factor(format: Pixel, height: u32, to_height: u32) -> Option<u32> {
    let (_, max_bin) = samples(format)?;
    let k = (height / to_height.max(1)).min(max_bin);
    (k >= 2).then_some(k)
}

/// Averages `src`'s rows `k` at a time into `dst` (made, or remade when the size changes, as a
/// `src.width()` × `src.height() / k` frame of the same format): luma row `j` is the mean of
/// rows `jk … jk + k − 1`, chroma likewise over chroma rows, so each chroma row still covers two
/// luma rows. Rows left over at the bottom (fewer than `k`) are dropped; a chroma row whose
/// bin runs past the plane averages the rows there are. `k` comes from [`bin_factor`] for
/// `src`'s format and height.
pub(crate) fn bin_rows(src: &frame::Video, k: u32, dst: &mut frame::Video) {
    let (width, height) = (src.width(), src.height() / k);
    if (dst.format(), dst.width(), dst.height()) != (src.format(), width, height) {
        *dst = frame::Video::new(src.format(), width, height);
    }
    let (bytes, _) = samples(src.format()).expect("bin_factor binned only these formats");
    for plane in 0..3 {
        let (plane_width, src_rows) = (src.plane_width(plane), src.plane_height(plane));
        let dst_rows = dst.plane_height(plane) as usize;
        let (src_stride, dst_stride) = (src.stride(plane), dst.stride(plane));
        bin_plane_of(
            bytes,
            Plane::new(src.data(plane), src_stride, src_rows as usize),
            plane_width as usize,
            k as usize,
            &mut dst.data_mut(plane)[..],
            dst_stride,
            dst_rows,
        );
    }
}

/// [`bin_plane`] for samples of `bytes` bytes (1, else 2).
fn bin_plane_of(
    bytes: usize,
    src: Plane<'_>,
    width: usize,
    k: usize,
    dst: &mut [u8],
    dst_stride: usize,
    dst_rows: usize,
) {
    match bytes {
        1 => bin_plane::<1>(src, width, k, dst, dst_stride, dst_rows),
        _ => bin_plane::<2>(src, width, k, dst, dst_stride, dst_rows),
    }
}

/// A plane's bytes, its stride and its rows.
struct Plane<'a> {
    data: &'a [u8],
    stride: usize,
    rows: usize,
}

impl<'a> Plane<'a> {
    /// `rows` rows `stride` bytes apart in `data`.
    fn new(data: &'a [u8], stride: usize, rows: usize) -> Self {
        Self { data, stride, rows }
    }

    /// Row `y`'s first `bytes` bytes.
    fn row(&self, y: usize, bytes: usize) -> &'a [u8] {
        &self.data[y * self.stride..][..bytes]
    }
}

/// Writes `dst_rows` rows of `width` samples of `BYTES` bytes each (1: `u8`; 2: little-endian
/// `u16`) into `dst` (`dst_stride` bytes apart), row `j` the rounded mean of `src` rows
/// `jk … jk + k − 1` (of those there are; the last row there is repeated when none are).
/// Compiled for AVX-512 and AVX2 as well as baseline x86-64, the best the CPU has picked at run
/// time.
#[multiversion(targets("x86_64+avx512f+avx512bw+avx512vl+avx2+fma", "x86_64+avx2+fma"))]
fn bin_plane<const BYTES: usize>(
    src: Plane<'_>,
    width: usize,
    k: usize,
    dst: &mut [u8],
    dst_stride: usize,
    dst_rows: usize,
) {
    let mut sums = vec![0u16; width];
    for (j, out) in dst.chunks_mut(dst_stride).take(dst_rows).enumerate() {
        let first = (j * k).min(src.rows.saturating_sub(1));
        let count = k.min(src.rows - first);
        sums.fill(0);
        for y in first..first + count {
            add_row::<BYTES>(&mut sums, src.row(y, width * BYTES));
        }
        divide_row::<BYTES>(&sums, count as u16, &mut out[..width * BYTES]);
    }
}

/// `sums[i] += row`'s sample `i`; at most 257 rows of bytes, or 64 of 10-bit samples, fit `u16`.
#[inline(always)]
fn add_row<const BYTES: usize>(sums: &mut [u16], row: &[u8]) {
    if BYTES == 1 {
        for (sum, &byte) in sums.iter_mut().zip(row) {
            *sum += u16::from(byte);
        }
    } else {
        for (sum, pair) in sums.iter_mut().zip(row.chunks_exact(2)) {
            *sum += u16::from_le_bytes([pair[0], pair[1]]);
        }
    }
}

/// `out`'s sample `i` = `round(sums[i] / count)`, as a multiply by the reciprocal (which
/// vectorises, where a division by a variable does not). With `r = ⌈2^16 / count⌉ = (2^16 +
/// d) / count`, `d < count`, the product overshoots `s / count` by `s·d / (count·2^16)`, under the
/// `1 / count` that separates it from the next integer while `s·(count − 1) < 2^16`: exact for
/// every sum of `count` bytes up to 16 rows (4,088 × 15) and of 10-bit samples up to 8
/// (8,188 × 7), the limits [`samples`] sets.
#[inline(always)]
fn divide_row<const BYTES: usize>(sums: &[u16], count: u16, out: &mut [u8]) {
    if count <= 1 {
        // A bin of one row: its samples (no reciprocal of 1 fits `u16`).
        return store::<BYTES>(sums, out, |sum| sum);
    }
    // ⌈2^16 / count⌉, at most 2^15: both factors fit `u16`, so the product's high half is one
    // SIMD instruction.
    let reciprocal = u32::from(u16::MAX / count + 1);
    let half = count / 2;
    store::<BYTES>(sums, out, |sum| {
        ((u32::from(sum + half) * reciprocal) >> 16) as u16
    });
}

/// Writes `mean(sums[i])` as `out`'s sample `i`, in `BYTES` bytes (little-endian).
#[inline(always)]
fn store<const BYTES: usize>(sums: &[u16], out: &mut [u8], mean: impl Fn(u16) -> u16) {
    if BYTES == 1 {
        for (o, &sum) in out.iter_mut().zip(sums) {
            *o = mean(sum) as u8;
        }
    } else {
        for (o, &sum) in out.chunks_exact_mut(2).zip(sums) {
            o.copy_from_slice(&mean(sum).to_le_bytes());
        }
    }
}

#[cfg(test)]
#[path = "row_bins_tests.rs"]
mod tests;
