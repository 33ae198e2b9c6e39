//! Image files (keyframe JPEGs) as square RGB for an image model, as CLIP's image processor
//! prepares them: the shorter side scaled to the model's size (bicubic), then the centre cut out.

use std::path::{Path, PathBuf};

use ffmpeg::format::Pixel;
use ffmpeg::software::scaling::{self, Flags};
use ffmpeg::{codec, frame, Packet};
use ffmpeg_next as ffmpeg;
use heimdex_core::{FailureKind, StageError};

use super::blocking::{run_blocking, StopFlag};
use super::error::decode_error;
use super::open::{open_input, Formats};
use super::probe;

/// Each of `paths` (any image or video FFmpeg reads; a video gives its first frame) as packed
/// RGB24, `side` pixels square, on the blocking pool. Fails as opening a source does (`input`
/// for a missing or unreadable file) or as `decode` when scaling fails.
pub async fn images_rgb(paths: Vec<PathBuf>, side: usize) -> Result<Vec<Vec<u8>>, StageError> {
    run_blocking("scene_processing", move |stop| {
        paths
            .iter()
            .map(|path| {
                if stop.is_set() {
                    return Err(StopFlag::stopped("scene_processing"));
                }
                image_rgb(path, side, stop)
            })
            .collect()
    })
    .await
}

/// The first frame of `path`'s video stream (blocking). Fails as `input` when there is none.
fn first_frame(path: &Path, stop: &StopFlag) -> Result<frame::Video, StageError> {
    let mut input = open_input(path, Formats::Picture, stop)?;
    let stream = probe::video_stream(&input).ok_or_else(|| {
        StageError::new(
            FailureKind::Input,
            format!("{} has no picture", path.display()),
        )
    })?;
    let index = stream.index();
    let mut decoder = codec::Context::from_parameters(stream.parameters())
        .and_then(|context| context.decoder().video())
        .map_err(|err| decode_error(path, "opening the picture decoder", err))?;
    let (mut decoded, mut packet) = (frame::Video::empty(), Packet::empty());
    let mut draining = false;
    loop {
        if stop.is_set() {
            return Err(StopFlag::stopped("scene_processing"));
        }
        match decoder.receive_frame(&mut decoded) {
            Ok(()) => return Ok(decoded),
            Err(_) if draining => break,
            Err(_) => {}
        }
        match packet.read(&mut input) {
            Ok(()) if packet.stream() != index => {}
            // A packet the decoder rejects is skipped, as the ffmpeg CLI does.
            Ok(()) => drop(decoder.send_packet(&packet)),
            Err(ffmpeg::Error::Eof) => {
                let _ = decoder.send_eof();
                draining = true;
            }
            Err(ffmpeg::Error::InvalidData) => {}
            Err(err) => return Err(decode_error(path, "reading the picture", err)),
        }
    }
    Err(StageError::new(
        FailureKind::Input,
        format!(
            "no picture of {} decodes: truncated or corrupt",
            path.display()
        ),
    ))
}

/// `path`'s first frame as packed RGB24, `side` pixels square (blocking).
fn image_rgb(path: &Path, side: usize, stop: &StopFlag) -> Result<Vec<u8>, StageError> {
    let decoded = first_frame(path, stop)?;
    let decoded = &decoded;
    let (w, h) = (decoded.width() as usize, decoded.height() as usize);
    if w == 0 || h == 0 || side == 0 {
        return Err(StageError::new(
            FailureKind::Input,
            format!("{} has an empty {w}x{h} picture", path.display()),
        ));
    }
    // The shorter side becomes `side`; the longer one keeps the aspect ratio.
    let (sw, sh) = if w <= h {
        (side, (h * side).div_ceil(w).max(side))
    } else {
        ((w * side).div_ceil(h).max(side), side)
    };
    let failed = |what: &str, err: ffmpeg::Error| {
        StageError::new(
            FailureKind::Decode,
            format!(
                "{what} {} for the image model failed: {err}",
                path.display()
            ),
        )
        .with_source(err)
    };
    let mut scaler = scaling::Context::get(
        decoded.format(),
        decoded.width(),
        decoded.height(),
        Pixel::RGB24,
        sw as u32,
        sh as u32,
        Flags::BICUBIC,
    )
    .map_err(|err| failed("preparing to scale", err))?;
    let mut rgb = frame::Video::empty();
    scaler
        .run(decoded, &mut rgb)
        .map_err(|err| failed("scaling", err))?;
    let (left, top) = ((sw - side) / 2, (sh - side) / 2);
    let stride = rgb.stride(0);
    let mut out = Vec::with_capacity(side * side * 3);
    for row in rgb.data(0).chunks(stride).skip(top).take(side) {
        out.extend_from_slice(&row[left * 3..(left + side) * 3]);
    }
    Ok(out)
}
