use super::*;

/// A `width`×`height` gray picture of `shade(x, y)` with `x` and `y` in [0, 1), so the same
/// scene can be drawn at any size.
fn draw(width: usize, height: usize, mut shade: impl FnMut(f64, f64) -> f64) -> Vec<u8> {
    let mut out = Vec::with_capacity(width * height);
    for y in 0..height {
        for x in 0..width {
            let (u, v) = (
                (x as f64 + 0.5) / width as f64,
                (y as f64 + 0.5) / height as f64,
            );
            out.push(shade(u, v).clamp(0.0, 255.0).round() as u8);
        }
    }
    out
}

/// A bright disc off centre on a horizontal ramp.
fn disc(u: f64, v: f64) -> f64 {
    let inside = (u - 0.3).powi(2) + (v - 0.6).powi(2) < 0.04;
    60.0 + 100.0 * u + if inside { 90.0 } else { 0.0 }
}

/// Four quadrants of different grays.
fn quadrants(u: f64, v: f64) -> f64 {
    match (u < 0.5, v < 0.5) {
        (true, true) => 20.0,
        (false, true) => 200.0,
        (true, false) => 140.0,
        (false, false) => 70.0,
    }
}

fn hash(gray: &[u8], width: usize, height: usize) -> PerceptualHash {
    PerceptualHash::of_gray(gray, width, height, width).expect("not empty")
}

#[test]
fn the_low_frequencies_equal_the_two_dimensional_dct_formula() {
    let mut state = 0x2545_f491_u32;
    let mut image = [0.0; SHRUNK * SHRUNK];
    for x in image.iter_mut() {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        *x = f64::from(state % 256);
    }
    let low = low_frequencies(&image);
    let n = SHRUNK as f64;
    for u in 0..LOW {
        for v in 0..LOW {
            let mut naive = 0.0;
            for y in 0..SHRUNK {
                for x in 0..SHRUNK {
                    let cy = (PI * u as f64 * (2 * y + 1) as f64 / (2.0 * n)).cos();
                    let cx = (PI * v as f64 * (2 * x + 1) as f64 / (2.0 * n)).cos();
                    naive += 4.0 * image[y * SHRUNK + x] * cy * cx;
                }
            }
            let got = low[u * LOW + v];
            assert!(
                (got - naive).abs() < 1e-6,
                "({u}, {v}): {got} against {naive}"
            );
        }
    }
}

#[test]
fn bits_run_row_by_row_with_the_first_most_significant() {
    // Coefficients 0, 1, … 63: the median is 31.5, so the last 32 are the 1 bits.
    let ascending: [f64; 64] = std::array::from_fn(|i| i as f64);
    assert_eq!(
        PerceptualHash::from_coefficients(&ascending).0,
        0x0000_0000_ffff_ffff
    );
    let mut first_high = [0.0; 64];
    first_high[0] = 5.0;
    first_high[9] = 3.0;
    assert_eq!(
        PerceptualHash::from_coefficients(&first_high).0,
        1 << 63 | 1 << 54
    );
}

#[test]
fn shrinking_averages_each_cell_and_repeats_pixels_of_small_images() {
    // 64×64 in 2×2 blocks of one value each: every cell is its block's value.
    let gray = draw(64, 64, |u, v| {
        ((u * 32.0).floor() + (v * 32.0).floor()) * 4.0
    });
    let shrunk = shrink(&gray, 64, 64, 64);
    assert_eq!(shrunk[0], 0.0);
    assert_eq!(shrunk[SHRUNK + 3], 16.0);
    assert_eq!(shrunk[SHRUNK * SHRUNK - 1], 248.0);
    // A 2×1 image: the left pixel fills the left half, the right one the right half.
    let shrunk = shrink(&[10, 250], 2, 1, 2);
    assert!(shrunk.chunks(SHRUNK).all(|row| row[..16] == [10.0; 16]));
    assert!(shrunk.chunks(SHRUNK).all(|row| row[16..] == [250.0; 16]));
}

#[test]
fn the_same_picture_at_another_size_or_brightness_hashes_alike() {
    let large = hash(&draw(1280, 720, disc), 1280, 720);
    let small = hash(&draw(320, 180, disc), 320, 180);
    let brighter = hash(&draw(1280, 720, |u, v| disc(u, v) + 25.0), 1280, 720);
    assert!(large.distance(small) <= 2, "{large} against {small}");
    assert!(large.distance(brighter) <= 2, "{large} against {brighter}");
    assert_eq!(large, hash(&draw(1280, 720, disc), 1280, 720));
}

#[test]
fn slight_noise_moves_few_bits() {
    let mut state = 7u32;
    let noisy = draw(640, 360, |u, v| {
        state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        disc(u, v) + f64::from((state >> 16) % 9) - 4.0
    });
    let clean = hash(&draw(640, 360, disc), 640, 360);
    assert!(clean.distance(hash(&noisy, 640, 360)) <= 4);
}

#[test]
fn different_pictures_differ_in_many_bits() {
    let pictures = [
        hash(&draw(640, 360, disc), 640, 360),
        hash(&draw(640, 360, quadrants), 640, 360),
        hash(&draw(640, 360, |u, v| 255.0 * v * (1.0 - u)), 640, 360),
    ];
    for (i, a) in pictures.iter().enumerate() {
        for b in &pictures[i + 1..] {
            assert!(
                a.distance(*b) >= 16,
                "{a} and {b} differ in {}",
                a.distance(*b)
            );
        }
    }
}

#[test]
fn rows_are_read_by_stride_ignoring_padding() {
    let (width, height, stride) = (50, 30, 64);
    let tight = draw(width, height, quadrants);
    let mut padded = vec![255u8; stride * height];
    for (row, src) in padded.chunks_mut(stride).zip(tight.chunks(width)) {
        row[..width].copy_from_slice(src);
    }
    // The last row needs only its pixels, not the padding.
    padded.truncate(stride * (height - 1) + width);
    assert_eq!(
        PerceptualHash::of_gray(&padded, width, height, stride),
        Some(hash(&tight, width, height))
    );
}

#[test]
fn an_empty_image_has_no_hash() {
    assert_eq!(PerceptualHash::of_gray(&[], 0, 0, 0), None);
    assert_eq!(PerceptualHash::of_gray(&[1, 2], 2, 0, 2), None);
}

#[test]
#[should_panic(expected = "cannot hold")]
fn a_buffer_too_short_for_its_rows_panics() {
    PerceptualHash::of_gray(&[0; 10], 4, 3, 4);
}

#[test]
fn hashes_print_and_parse_as_sixteen_hex_digits() {
    let hash = PerceptualHash(0x00f0_0000_0000_ab01);
    assert_eq!(hash.to_string(), "00f000000000ab01");
    assert_eq!("00f000000000ab01".parse(), Ok(hash));
    assert_eq!("00F000000000AB01".parse(), Ok(hash));
    for bad in [
        "",
        "f000000000ab01",
        "00f000000000ab012",
        "+0f000000000ab01",
        "00g000000000ab01",
    ] {
        let err = bad.parse::<PerceptualHash>().unwrap_err();
        assert!(err.contains("16 hex digits"), "{bad:?}: {err}");
    }
    assert_eq!(
        serde_json::to_value(hash).unwrap(),
        serde_json::json!("00f000000000ab01")
    );
    let back: PerceptualHash =
        serde_json::from_value(serde_json::json!("00f000000000ab01")).unwrap();
    assert_eq!(back, hash);
    let err = serde_json::from_value::<PerceptualHash>(serde_json::json!("xyz")).unwrap_err();
    assert!(err.to_string().contains("16 hex digits"), "{err}");
}

#[test]
fn the_bits_survive_a_signed_column() {
    for bits in [
        0,
        1,
        u64::MAX,
        1 << 63,
        0x8000_0000_0000_0001,
        0x7fff_ffff_ffff_ffff,
    ] {
        let hash = PerceptualHash(bits);
        assert_eq!(PerceptualHash::from_i64(hash.to_i64()), hash);
    }
    assert_eq!(PerceptualHash(u64::MAX).to_i64(), -1);
}
