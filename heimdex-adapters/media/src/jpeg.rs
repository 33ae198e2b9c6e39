//! Encoding frames as JPEG with FFmpeg's `mjpeg` encoder (blocking code).

use ffmpeg::format::Pixel;
use ffmpeg::{codec, color, encoder, frame, Packet};
use ffmpeg_next as ffmpeg;
use heimdex_core::{FailureKind, StageError};

/// `FF_QP2LAMBDA`: one quantiser step in the encoder's lambda units.
const QP2LAMBDA: i32 = 118;

/// The pixel format frames must have: full-range ("JPEG") 4:2:0, what `mjpeg` encodes natively.
pub(crate) const JPEG_PIXEL: Pixel = Pixel::YUVJ420P;

/// One `mjpeg` encoder at a fixed quantiser, reopened only when the frame size changes.
pub(crate) struct JpegEncoder {
    qscale: u8,
    opened: Option<(encoder::video::Encoder, (u32, u32))>,
    packet: Packet,
    pts: i64,
}

impl JpegEncoder {
    /// An encoder at quantiser `qscale` (2–31; 2 is the best quality, as `ffmpeg -q:v 2`).
    pub(crate) fn new(qscale: u8) -> Self {
        Self {
            qscale: qscale.clamp(2, 31),
            opened: None,
            packet: Packet::empty(),
            pts: 0,
        }
    }

    /// The JPEG file's bytes for `frame`, which must be [`JPEG_PIXEL`].
    /// Sets the frame's timestamp (the encoder's own count).
    pub(crate) fn encode(&mut self, frame: &mut frame::Video) -> Result<&[u8], StageError> {
        let size = (frame.width(), frame.height());
        if self.opened.as_ref().map(|(_, s)| *s) != Some(size) {
            self.opened = Some((open(size, self.qscale)?, size));
        }
        let (encoder, _) = self.opened.as_mut().expect("opened above");
        frame.set_pts(Some(self.pts));
        self.pts += 1;
        encoder
            .send_frame(frame)
            .and_then(|()| encoder.receive_packet(&mut self.packet))
            .map_err(|err| {
                StageError::new(
                    FailureKind::Decode,
                    format!(
                        "encoding a {}x{} keyframe as JPEG failed: {err}",
                        size.0, size.1
                    ),
                )
                .with_source(err)
            })?;
        Ok(self.packet.data().unwrap_or_default())
    }
}

/// Opens `mjpeg` for `size` at a fixed quantiser: the QSCALE flag with `global_quality` set, as
/// the ffmpeg CLI's `-q:v` does, and `qmin = qmax` so every frame gets exactly that quantiser.
fn open(size: (u32, u32), qscale: u8) -> Result<encoder::video::Encoder, StageError> {
    let failed = |err: ffmpeg::Error| {
        StageError::new(
            FailureKind::Internal,
            format!("cannot open FFmpeg's mjpeg encoder: {err}"),
        )
        .with_source(err)
    };
    let codec = encoder::find(codec::Id::MJPEG).ok_or_else(|| {
        StageError::new(
            FailureKind::Internal,
            "this FFmpeg has no mjpeg encoder (needed for keyframes)",
        )
    })?;
    let mut video = codec::context::Context::new_with_codec(codec)
        .encoder()
        .video()
        .map_err(failed)?;
    video.set_width(size.0);
    video.set_height(size.1);
    video.set_format(JPEG_PIXEL);
    video.set_color_range(color::Range::JPEG);
    video.set_time_base((1, 25));
    video.set_flags(codec::Flags::QSCALE);
    video.set_quality((i32::from(qscale) * QP2LAMBDA) as usize);
    video.set_qmin(i32::from(qscale));
    video.set_qmax(i32::from(qscale));
    video.open_as(codec).map_err(failed)
}
