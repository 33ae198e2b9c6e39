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

/// The most rows averaged into one, so that [`divide_row`] is exact (swscale scales what is left).
const MAX_BIN: u32 = 16;

/// Rows averaged into one: the whole rows of the source per row of the scaled size (a 720-row
/// frame scaled to 144 rows: 5), at most [`MAX_BIN`]. `None` when that is under 2 (the scaled
/// height is more than half the frame's) or the format is not planar 4:2:0.
pub(crate) fn bin_factor(format: Pixel, height: u32, to_height: u32) -> Option<u32> {
    let planar_420 = matches!(format, Pixel::YUV420P | Pixel::YUVJ420P);
    let k = (height / to_height.max(1)).min(MAX_BIN);
    (planar_420 && k >= 2).then_some(k)
}

/// Averages `src`'s rows `k` at a time into `dst` (made, or remade when the size changes, as a
/// `src.width()` × `src.height() / k` frame of the same format): luma row `j` is the mean of
/// rows `jk … jk + k − 1`, chroma likewise over chroma rows, so each chroma row still covers two
/// luma rows. Rows left over at the bottom (fewer than `k`) are dropped; a chroma row whose
/// bin runs past the plane averages the rows there are.
pub(crate) fn bin_rows(src: &frame::Video, k: u32, dst: &mut frame::Video) {
    let (width, height) = (src.width(), src.height() / k);
    if (dst.format(), dst.width(), dst.height()) != (src.format(), width, height) {
        *dst = frame::Video::new(src.format(), width, height);
    }
    for plane in 0..3 {
        let (plane_width, src_rows) = (src.plane_width(plane), src.plane_height(plane));
        let dst_rows = dst.plane_height(plane) as usize;
        let (src_stride, dst_stride) = (src.stride(plane), dst.stride(plane));
        bin_plane(
            Plane::new(src.data(plane), src_stride, src_rows as usize),
            plane_width as usize,
            k as usize,
            &mut dst.data_mut(plane)[..],
            dst_stride,
            dst_rows,
        );
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

    /// Row `y`'s first `width` bytes.
    fn row(&self, y: usize, width: usize) -> &'a [u8] {
        &self.data[y * self.stride..][..width]
    }
}

/// Writes `dst_rows` rows of `width` bytes into `dst` (`dst_stride` apart), row `j` the rounded
/// mean of `src` rows `jk … jk + k − 1` (of those there are; the last row there is repeated
/// when none are). Compiled for AVX-512 and AVX2 as well as baseline x86-64, the best the CPU
/// has picked at run time.
#[multiversion(targets("x86_64+avx512f+avx512bw+avx512vl+avx2+fma", "x86_64+avx2+fma"))]
fn bin_plane(
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
            add_row(&mut sums, src.row(y, width));
        }
        divide_row(&sums, count as u16, &mut out[..width]);
    }
}

/// `sums[i] += row[i]`; at most 257 rows fit `u16`.
#[inline(always)]
fn add_row(sums: &mut [u16], row: &[u8]) {
    let row = &row[..sums.len()];
    for (sum, &byte) in sums.iter_mut().zip(row) {
        *sum += u16::from(byte);
    }
}

/// `out[i] = round(sums[i] / count)`, as a multiply by the reciprocal (which vectorises, where a
/// division by a variable does not): exact for every sum of `count` bytes when `count` ≤ 16
/// (the error of the rounded-up reciprocal stays under one part in `2^16 / count` of the sum).
#[inline(always)]
fn divide_row(sums: &[u16], count: u16, out: &mut [u8]) {
    let out = &mut out[..sums.len()];
    if count <= 1 {
        // A bin of one row: its bytes (no reciprocal of 1 fits `u16`).
        for (o, &sum) in out.iter_mut().zip(sums) {
            *o = sum as u8;
        }
        return;
    }
    // ⌈2^16 / count⌉, at most 2^15: both factors fit `u16`, so the product's high half is one
    // SIMD instruction.
    let reciprocal = u32::from(u16::MAX / count + 1);
    let half = count / 2;
    for (o, &sum) in out.iter_mut().zip(sums) {
        *o = ((u32::from(sum + half) * reciprocal) >> 16) as u8;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The plain definition: the rounded mean of the rows in the bin, the last row when none.
    fn naive_bin(src: &[Vec<u8>], k: usize, rows_out: usize) -> Vec<Vec<u8>> {
        (0..rows_out)
            .map(|j| {
                let first = (j * k).min(src.len() - 1);
                let bin = &src[first..(first + k).min(src.len())];
                (0..src[0].len())
                    .map(|x| {
                        let sum: usize = bin.iter().map(|row| usize::from(row[x])).sum();
                        ((sum + bin.len() / 2) / bin.len()) as u8
                    })
                    .collect()
            })
            .collect()
    }

    /// A deterministic pseudo-random byte stream (xorshift).
    fn bytes(seed: u64, n: usize) -> Vec<u8> {
        let mut state = seed | 1;
        (0..n)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (state >> 24) as u8
            })
            .collect()
    }

    #[test]
    fn binned_rows_are_the_rounded_means_of_their_bins() {
        for (width, rows, k, rows_out, stride) in [
            (7, 10, 2, 5, 9),
            (33, 25, 5, 5, 40),
            (16, 14, 7, 2, 16),
            (5, 11, 3, 4, 8), // the last bin has two rows
            (4, 7, 4, 3, 4),  // the last bin starts past the plane: its last row repeats
            (20, 64, 16, 4, 24),
        ] {
            let data = bytes((width * rows * k) as u64, stride * rows);
            let src: Vec<Vec<u8>> = data
                .chunks(stride)
                .map(|row| row[..width].to_vec())
                .collect();
            let dst_stride = width + 3;
            let mut dst = vec![0u8; dst_stride * rows_out];
            bin_plane(
                Plane::new(&data, stride, rows),
                width,
                k,
                &mut dst,
                dst_stride,
                rows_out,
            );
            let got: Vec<Vec<u8>> = dst
                .chunks(dst_stride)
                .map(|r| r[..width].to_vec())
                .collect();
            assert_eq!(got, naive_bin(&src, k, rows_out), "{width}x{rows} k {k}");
        }
    }

    #[test]
    fn division_by_the_reciprocal_is_exact_up_to_the_largest_bin() {
        for count in 1..=MAX_BIN as u16 {
            let sums: Vec<u16> = (0..=255 * count).collect();
            let mut out = vec![0u8; sums.len()];
            divide_row(&sums, count, &mut out);
            for (&sum, &mean) in sums.iter().zip(&out) {
                assert_eq!(mean, ((sum + count / 2) / count) as u8, "{sum} / {count}");
            }
        }
    }

    #[test]
    fn only_planar_420_frames_at_least_twice_the_scaled_height_are_binned() {
        assert_eq!(bin_factor(Pixel::YUV420P, 720, 144), Some(5));
        assert_eq!(bin_factor(Pixel::YUVJ420P, 1080, 144), Some(7));
        assert_eq!(bin_factor(Pixel::YUV420P, 4320, 144), Some(MAX_BIN));
        assert_eq!(bin_factor(Pixel::YUV420P, 200, 144), None);
        assert_eq!(bin_factor(Pixel::YUV444P, 720, 144), None);
        assert_eq!(bin_factor(Pixel::NV12, 720, 144), None);
        assert_eq!(bin_factor(Pixel::YUV420P, 720, 0), Some(MAX_BIN));
    }

    #[test]
    fn a_binned_frame_keeps_its_format_and_width_and_bins_chroma_rows_alike() {
        let mut src = frame::Video::new(Pixel::YUV420P, 6, 12);
        for plane in 0..3 {
            let (stride, width) = (src.stride(plane), src.plane_width(plane) as usize);
            let rows = src.plane_height(plane) as usize;
            for y in 0..rows {
                let row = &mut src.data_mut(plane)[y * stride..];
                row[..width].fill((plane * 100 + y * 10) as u8);
            }
        }
        let mut dst = frame::Video::empty();
        bin_rows(&src, 3, &mut dst);
        assert_eq!(
            (dst.format(), dst.width(), dst.height()),
            (Pixel::YUV420P, 6, 4)
        );
        let first = |plane: usize, y: usize| dst.data(plane)[y * dst.stride(plane)];
        // Luma rows 0–2 (0, 10, 20), 3–5, 6–8, 9–11.
        assert_eq!(
            (0..4).map(|y| first(0, y)).collect::<Vec<_>>(),
            [10, 40, 70, 100]
        );
        // Chroma rows 0–2 (100, 110, 120) and 3–5, covering luma rows 0–5 and 6–11.
        assert_eq!((0..2).map(|y| first(1, y)).collect::<Vec<_>>(), [110, 140]);
        assert_eq!((0..2).map(|y| first(2, y)).collect::<Vec<_>>(), [210, 240]);
    }

    #[test]
    fn odd_sizes_bin_the_chroma_rows_there_are() {
        // 7×11: chroma is 4×6; 3 rows of luma out, so 2 of chroma (rows 0–2 and 3–5).
        let mut src = frame::Video::new(Pixel::YUVJ420P, 7, 11);
        for plane in 0..3 {
            let stride = src.stride(plane);
            for (y, row) in src.data_mut(plane).chunks_mut(stride).enumerate() {
                row.fill(y as u8 * 3);
            }
        }
        let mut dst = frame::Video::empty();
        bin_rows(&src, 3, &mut dst);
        assert_eq!(
            (dst.format(), dst.width(), dst.height()),
            (Pixel::YUVJ420P, 7, 3)
        );
        assert_eq!((dst.plane_width(1), dst.plane_height(1)), (4, 2));
        let row = |plane: usize, y: usize| dst.data(plane)[y * dst.stride(plane)..][..4].to_vec();
        assert_eq!(row(0, 2), [21; 4]); // luma rows 6–8: 18, 21, 24
        assert_eq!(row(2, 1), [12; 4]); // chroma rows 3–5: 9, 12, 15
    }
}
