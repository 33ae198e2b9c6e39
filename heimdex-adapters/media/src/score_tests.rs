//! Tests of the content score: OpenCV's HSV, the dark-pixel scaling, strides, and the
//! vectorised loops against plain ones.

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

#[test]
fn whole_rows_convert_as_single_pixels_do_for_every_colour() {
    // The row loop runs the vector code the CPU was picked for; every colour goes through it.
    let blues: Vec<u8> = (0..=255).collect();
    let (mut h, mut s, mut v) = (vec![0u8; 256], vec![0u8; 256], vec![0u8; 256]);
    for r in 0..=255u8 {
        for g in 0..=255u8 {
            let (reds, greens) = (vec![r; 256], vec![g; 256]);
            hsv_row([&reds, &greens, &blues], [&mut h, &mut s, &mut v]);
            for b in 0..=255u8 {
                let i = usize::from(b);
                assert_eq!((h[i], s[i], v[i]), hsv_integer(r, g, b), "rgb {r} {g} {b}");
            }
        }
    }
}
