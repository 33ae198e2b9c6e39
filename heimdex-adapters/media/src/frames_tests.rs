//! The scorer's frames with rows binned before swscale against swscale alone.

use super::*;

/// A 1280×720 frame in `format` (`yuv420p`, or `yuv420p10le` with the same levels times 4):
/// luma and chroma gradients that `shift` moves, with a grid of bright squares, so that areas of
/// every size differ.
fn pattern(shift: usize, format: Pixel) -> frame::Video {
    let mut frame = frame::Video::new(format, 1280, 720);
    let bytes = if format == Pixel::YUV420P { 1 } else { 2 };
    for plane in 0..3 {
        let (stride, width) = (frame.stride(plane), frame.plane_width(plane) as usize);
        let rows = frame.plane_height(plane) as usize;
        let scale = if plane == 0 { 1 } else { 2 };
        for y in 0..rows {
            let row = &mut frame.data_mut(plane)[y * stride..][..width * bytes];
            for (x, px) in row.chunks_exact_mut(bytes).enumerate() {
                let (lx, ly) = (x * scale + shift, y * scale);
                let square = (lx / 40 + ly / 40) % 3 == 0 && lx % 40 < 17 && ly % 40 < 23;
                let level = match (plane, square) {
                    (0, true) => 235,
                    (0, false) => 16 + (lx + 3 * ly) % 200,
                    (1, _) => 64 + (lx / 7 + ly / 3) % 128,
                    _ => 200 - (lx / 5 + 2 * ly / 9) % 150,
                } as u16;
                match bytes {
                    1 => px[0] = level as u8,
                    _ => px.copy_from_slice(&(level * 4).to_le_bytes()),
                }
            }
        }
    }
    frame
}

/// The HSV frames and scores of `frames` through a scaler that bins rows or not.
fn scored(frames: &[frame::Video], binning: bool) -> (Vec<HsvFrame>, Vec<f64>) {
    let mut scaler = Scaler::new(&SceneDetectionConfig::default(), Some(25.0), 1.0, 0);
    scaler.binning = binning;
    let mut hsv = Vec::new();
    for frame in frames {
        let mut out = HsvFrame::default();
        scaler.scale(frame, &mut out).expect("scales");
        hsv.push(out);
    }
    assert_eq!(scaler.bin, binning.then_some(5), "rows binned: {binning}");
    let scores = hsv
        .windows(2)
        .map(|w| content_score(&w[0], &w[1]))
        .collect();
    (hsv, scores)
}

#[test]
fn binned_rows_score_as_swscale_alone_does_in_8_and_10_bits() {
    for format in [Pixel::YUV420P, Pixel::YUV420P10LE] {
        let frames: Vec<frame::Video> = [0, 3, 400].map(|shift| pattern(shift, format)).into();
        let (binned, binned_scores) = scored(&frames, true);
        let (plain, plain_scores) = scored(&frames, false);
        for (a, b) in binned.iter().zip(&plain) {
            assert_eq!(a.len(), 256 * 144);
            // The same picture to within rounding and the coarser chroma: a mean difference of
            // a level or two, where the shifted frames differ by ten or more.
            let difference = content_score(a, b);
            assert!(
                difference < 2.5,
                "{format:?} binned against plain: {difference}"
            );
        }
        for (binned, plain) in binned_scores.iter().zip(&plain_scores) {
            assert!(*plain > 5.0, "{format:?}: the frames differ: {plain}");
            let close = (binned - plain).abs() < 0.1 * plain;
            assert!(close, "{format:?}: {binned} against {plain}");
        }
    }
}
