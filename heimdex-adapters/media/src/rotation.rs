//! Display rotation: phones store portrait video as landscape pictures with a display matrix
//! that says to turn them. [`stream_rotation`] reads it as the ffmpeg CLI does; [`rotate_planes`]
//! turns a decoded picture upright for the keyframes.

use ffmpeg::codec::packet::side_data::Type as SideDataType;
use ffmpeg::{frame, Stream};
use ffmpeg_next as ffmpeg;

/// Degrees clockwise the stream's pictures are turned to be shown upright: 0, 90, 180 or 270
/// (the nearest quarter turn), from its display matrix; 0 without one.
pub(crate) fn stream_rotation(stream: &Stream<'_>) -> u16 {
    stream
        .side_data()
        .find(|data| data.kind() == SideDataType::DisplayMatrix)
        .and_then(|data| matrix_rotation(data.data()))
        .unwrap_or(0)
}

/// The clockwise quarter turn of a display matrix (nine native-endian `i32`, 16.16 fixed point
/// except the last column), as the ffmpeg CLI's autorotation reads it: the opposite of
/// `av_display_rotation_get`'s counter-clockwise angle, rounded to the nearest 90°. `None` when
/// the bytes are not a matrix or it has no rotation (a zero scale).
pub(crate) fn matrix_rotation(bytes: &[u8]) -> Option<u16> {
    if bytes.len() < 36 {
        return None;
    }
    let at = |i: usize| {
        let word = bytes[i * 4..i * 4 + 4].try_into().expect("four bytes");
        f64::from(i32::from_ne_bytes(word)) / 65536.0
    };
    let (scale_x, scale_y) = (at(0).hypot(at(3)), at(1).hypot(at(4)));
    if scale_x == 0.0 || scale_y == 0.0 {
        return None;
    }
    // av_display_rotation_get negates this angle; the CLI negates it back.
    let clockwise = (at(1) / scale_y).atan2(at(0) / scale_x).to_degrees();
    let quarter_turns = (clockwise / 90.0).round() as i64;
    Some((quarter_turns * 90).rem_euclid(360) as u16)
}

/// The size a `width`×`height` picture is shown at after turning it `clockwise` degrees.
pub(crate) fn shown_size(width: u32, height: u32, clockwise: u16) -> (u32, u32) {
    match clockwise {
        90 | 270 => (height, width),
        _ => (width, height),
    }
}

/// Writes `src`, an 8-bit planar picture (one byte a sample in every plane), turned `clockwise`
/// degrees (90, 180 or 270; anything else copies it) into `dst`, which must have `src`'s format
/// and [`shown_size`]. Each plane turns on its own, so subsampled chroma stays aligned.
pub(crate) fn rotate_planes(src: &frame::Video, clockwise: u16, dst: &mut frame::Video) {
    for plane in 0..src.planes() {
        let (w, h) = (
            src.plane_width(plane) as usize,
            src.plane_height(plane) as usize,
        );
        let (src_stride, dst_stride) = (src.stride(plane), dst.stride(plane));
        let from = src.data(plane);
        let to = dst.data_mut(plane);
        for y in 0..h {
            let row = &from[y * src_stride..y * src_stride + w];
            for (x, &sample) in row.iter().enumerate() {
                let (tx, ty) = match clockwise {
                    90 => (h - 1 - y, x),
                    180 => (w - 1 - x, h - 1 - y),
                    270 => (y, w - 1 - x),
                    _ => (x, y),
                };
                to[ty * dst_stride + tx] = sample;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ffmpeg::format::Pixel;

    /// The matrix `av_display_rotation_set` writes for `degrees` counter-clockwise (the one
    /// `av_display_rotation_get` reads back as `degrees`).
    fn matrix(degrees: f64) -> Vec<u8> {
        let radians = degrees.to_radians();
        let fixed = |v: f64| (v * 65536.0).round() as i32;
        let (c, s) = (radians.cos(), radians.sin());
        let words = [fixed(c), fixed(-s), 0, fixed(s), fixed(c), 0, 0, 0, 1 << 30];
        words.iter().flat_map(|w| w.to_ne_bytes()).collect()
    }

    #[test]
    fn a_counter_clockwise_matrix_is_the_opposite_clockwise_quarter_turn() {
        assert_eq!(matrix_rotation(&matrix(0.0)), Some(0));
        assert_eq!(matrix_rotation(&matrix(90.0)), Some(270));
        assert_eq!(matrix_rotation(&matrix(-90.0)), Some(90));
        assert_eq!(matrix_rotation(&matrix(180.0)), Some(180));
        assert_eq!(matrix_rotation(&matrix(-180.0)), Some(180));
        // Off by a few degrees rounds to the nearest quarter turn.
        assert_eq!(matrix_rotation(&matrix(-87.0)), Some(90));
    }

    #[test]
    fn short_or_degenerate_matrices_have_no_rotation() {
        assert_eq!(matrix_rotation(&[]), None);
        assert_eq!(matrix_rotation(&matrix(90.0)[..32]), None);
        assert_eq!(matrix_rotation(&[0u8; 36]), None);
    }

    #[test]
    fn quarter_turns_swap_the_shown_size() {
        assert_eq!(shown_size(1920, 1080, 90), (1080, 1920));
        assert_eq!(shown_size(1920, 1080, 270), (1080, 1920));
        assert_eq!(shown_size(1920, 1080, 180), (1920, 1080));
        assert_eq!(shown_size(1920, 1080, 0), (1920, 1080));
    }

    /// A 4×2 GRAY8 picture numbered 0..8 row by row.
    fn numbered() -> frame::Video {
        let mut picture = frame::Video::new(Pixel::GRAY8, 4, 2);
        let stride = picture.stride(0);
        for y in 0..2 {
            for x in 0..4 {
                picture.data_mut(0)[y * stride + x] = (y * 4 + x) as u8;
            }
        }
        picture
    }

    fn rows(picture: &frame::Video) -> Vec<Vec<u8>> {
        let (w, h, stride) = (picture.width(), picture.height(), picture.stride(0));
        let data = picture.data(0);
        (0..h as usize)
            .map(|y| data[y * stride..y * stride + w as usize].to_vec())
            .collect()
    }

    fn turned(clockwise: u16) -> Vec<Vec<u8>> {
        super::super::error::init();
        let src = numbered();
        let (w, h) = shown_size(4, 2, clockwise);
        let mut dst = frame::Video::new(Pixel::GRAY8, w, h);
        rotate_planes(&src, clockwise, &mut dst);
        rows(&dst)
    }

    #[test]
    fn planes_turn_clockwise_by_quarter_turns() {
        // 0 1 2 3
        // 4 5 6 7
        assert_eq!(turned(0), [[0, 1, 2, 3], [4, 5, 6, 7]]);
        assert_eq!(turned(90), [[4, 0], [5, 1], [6, 2], [7, 3]]);
        assert_eq!(turned(180), [[7, 6, 5, 4], [3, 2, 1, 0]]);
        assert_eq!(turned(270), [[3, 7], [2, 6], [1, 5], [0, 4]]);
    }

    #[test]
    fn subsampled_chroma_turns_with_its_own_size() {
        super::super::error::init();
        // 6×4 4:2:0: chroma 3×2, which turns into 2×3.
        let mut src = frame::Video::new(Pixel::YUVJ420P, 6, 4);
        for plane in 0..3 {
            let stride = src.stride(plane);
            let (w, h) = (
                src.plane_width(plane) as usize,
                src.plane_height(plane) as usize,
            );
            for y in 0..h {
                for x in 0..w {
                    src.data_mut(plane)[y * stride + x] = (plane * 100 + y * 10 + x) as u8;
                }
            }
        }
        let mut dst = frame::Video::new(Pixel::YUVJ420P, 4, 6);
        rotate_planes(&src, 90, &mut dst);
        // The bottom-left chroma sample (row 1, column 0) lands top-left.
        assert_eq!(dst.data(1)[0], 110);
        // The top-left one lands top-right (column 1 of 2).
        assert_eq!(dst.data(1)[1], 100);
        // The top-right one lands bottom-right.
        assert_eq!(dst.data(2)[2 * dst.stride(2) + 1], 202);
    }
}
