//! Row binning against the plain definition of a mean.

use super::*;

/// The plain definition: the rounded mean of the rows in the bin, the last row when none.
fn naive_bin(src: &[Vec<u16>], k: usize, rows_out: usize) -> Vec<Vec<u16>> {
    (0..rows_out)
        .map(|j| {
            let first = (j * k).min(src.len() - 1);
            let bin = &src[first..(first + k).min(src.len())];
            (0..src[0].len())
                .map(|x| {
                    let sum: usize = bin.iter().map(|row| usize::from(row[x])).sum();
                    ((sum + bin.len() / 2) / bin.len()) as u16
                })
                .collect()
        })
        .collect()
}

/// A deterministic pseudo-random plane of `rows` rows `stride` bytes apart, in samples of
/// `bytes` bytes: any byte, or little-endian 10-bit values (xorshift).
fn random_plane(seed: u64, stride: usize, rows: usize, bytes: usize) -> Vec<u8> {
    let mut state = seed | 1;
    (0..stride * rows)
        .map(|i| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let byte = (state >> 24) as u8;
            if bytes == 2 && i % 2 == 1 {
                byte & 0x03
            } else {
                byte
            }
        })
        .collect()
}

/// The first `width` samples of each row of `data` (`stride` bytes apart).
fn samples_of(data: &[u8], stride: usize, width: usize, bytes: usize) -> Vec<Vec<u16>> {
    data.chunks(stride)
        .map(|row| match bytes {
            1 => row[..width].iter().map(|&b| u16::from(b)).collect(),
            _ => row[..2 * width]
                .chunks_exact(2)
                .map(|pair| u16::from_le_bytes([pair[0], pair[1]]))
                .collect(),
        })
        .collect()
}

#[test]
fn binned_rows_are_the_rounded_means_of_their_bins_in_8_and_10_bits() {
    for (width, rows, k, rows_out, stride) in [
        (7, 10, 2, 5, 9),
        (33, 25, 5, 5, 40),
        (16, 14, 7, 2, 16),
        (5, 11, 3, 4, 8), // the last bin has two rows
        (4, 7, 4, 3, 4),  // the last bin starts past the plane: its last row repeats
        (20, 64, 8, 8, 24),
        (20, 64, 16, 4, 24), // 8-bit only: 10-bit bins stop at 8 rows
    ] {
        for bytes in [1, 2].into_iter().filter(|&b| b == 1 || k <= 8) {
            let stride = stride * bytes;
            let data = random_plane((width * rows * k * bytes) as u64, stride, rows, bytes);
            let dst_stride = width * bytes + 3;
            let mut dst = vec![0u8; dst_stride * rows_out];
            let src = Plane::new(&data, stride, rows);
            bin_plane_of(bytes, src, width, k, &mut dst, dst_stride, rows_out);
            assert_eq!(
                samples_of(&dst, dst_stride, width, bytes),
                naive_bin(&samples_of(&data, stride, width, bytes), k, rows_out),
                "{width}x{rows} k {k}, {bytes}-byte samples"
            );
        }
    }
}

#[test]
fn division_by_the_reciprocal_is_exact_up_to_the_largest_bin() {
    for (largest, max_bin, bytes) in [(255, 16, 1), (1023, 8, 2)] {
        for count in 1..=max_bin {
            let sums: Vec<u16> = (0..=largest * count).collect();
            let mut out = vec![0u8; bytes * sums.len()];
            match bytes {
                1 => divide_row::<1>(&sums, count, &mut out),
                _ => divide_row::<2>(&sums, count, &mut out),
            }
            let means = &samples_of(&out, out.len(), sums.len(), bytes)[0];
            for (&sum, &mean) in sums.iter().zip(means) {
                assert_eq!(mean, (sum + count / 2) / count, "{sum} / {count}");
            }
        }
    }
    // Bins of 10-bit samples much larger and the shortcut goes wrong: 12 rows summing to 8,189.
    let (count, sum) = (12u16, 8189);
    let mut out = [0u8; 2];
    divide_row::<2>(&[sum], count, &mut out);
    assert_ne!(u16::from_le_bytes(out), (sum + count / 2) / count);
}

#[test]
fn only_planar_420_frames_at_least_twice_the_scaled_height_are_binned() {
    assert_eq!(bin_factor(Pixel::YUV420P, 720, 144), Some(5));
    assert_eq!(bin_factor(Pixel::YUVJ420P, 1080, 144), Some(7));
    assert_eq!(bin_factor(Pixel::YUV420P, 4320, 144), Some(16));
    assert_eq!(bin_factor(Pixel::YUV420P10LE, 1080, 144), Some(7));
    assert_eq!(bin_factor(Pixel::YUV420P10LE, 2160, 144), Some(8));
    assert_eq!(bin_factor(Pixel::YUV420P, 200, 144), None);
    assert_eq!(bin_factor(Pixel::YUV420P10LE, 200, 144), None);
    assert_eq!(bin_factor(Pixel::YUV444P, 720, 144), None);
    assert_eq!(bin_factor(Pixel::NV12, 720, 144), None);
    assert_eq!(bin_factor(Pixel::YUV420P12LE, 720, 144), None);
    assert_eq!(bin_factor(Pixel::P010LE, 720, 144), None);
    assert_eq!(bin_factor(Pixel::YUV420P, 720, 0), Some(16));
}

#[test]
fn a_10_bit_frame_is_binned_in_little_endian_samples_of_its_own_format() {
    // 4×8, every sample of plane p, row y at 1000 − 100p − 10y: above 255, so both bytes count.
    let mut src = frame::Video::new(Pixel::YUV420P10LE, 4, 8);
    for plane in 0..3 {
        let stride = src.stride(plane);
        for (y, row) in src.data_mut(plane).chunks_mut(stride).enumerate() {
            let value = (1000 - 100 * plane - 10 * y) as u16;
            for pair in row.chunks_exact_mut(2) {
                pair.copy_from_slice(&value.to_le_bytes());
            }
        }
    }
    let mut dst = frame::Video::empty();
    bin_rows(&src, 4, &mut dst);
    assert_eq!(
        (dst.format(), dst.width(), dst.height()),
        (Pixel::YUV420P10LE, 4, 2)
    );
    let sample = |plane: usize, y: usize, x: usize| {
        let width = dst.plane_width(plane) as usize;
        samples_of(dst.data(plane), dst.stride(plane), width, 2)[y][x]
    };
    // Luma rows 0–3 (1000, 990, 980, 970) and 4–7.
    assert_eq!([sample(0, 0, 3), sample(0, 1, 0)], [985, 945]);
    // Chroma has 4 rows: one bin of all four (900, 890, 880, 870), and the last row is 2×2.
    assert_eq!((dst.plane_width(2), dst.plane_height(2)), (2, 1));
    assert_eq!([sample(1, 0, 1), sample(2, 0, 0)], [885, 785]);
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
