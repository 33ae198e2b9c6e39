//! FFmpeg set-up and how FFmpeg's errors become [`StageError`]s.

use std::path::Path;
use std::sync::Once;

use ffmpeg_next as ffmpeg;
use heimdex_core::{FailureKind, StageError};

/// Registers FFmpeg's formats once per process and quiets its own logging (to fatal errors only):
/// the stages report what went wrong in their [`StageError`] messages instead of on stderr.
pub(crate) fn init() {
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        // `init` only fails on FFmpeg builds older than any this crate supports.
        let _ = ffmpeg::init();
        ffmpeg::util::log::set_level(ffmpeg::util::log::Level::Fatal);
    });
}

/// The error of opening `path` with FFmpeg: `io` when the operating system refused to read it,
/// `input` when its bytes are not media FFmpeg can read. `sniffed` names the container the first
/// bytes claim to be, if any, which turns "not media" into "truncated or corrupt".
pub(crate) fn open_error(path: &Path, err: ffmpeg::Error, sniffed: Option<&str>) -> StageError {
    let shown = path.display();
    // FFmpeg passes the operating system's errno through as `Other`; EINVAL there means bad bytes.
    let os = match err {
        ffmpeg::Error::Other { errno } => Some(std::io::Error::from_raw_os_error(errno))
            .filter(|os| os.kind() != std::io::ErrorKind::InvalidInput),
        _ => None,
    };
    let (kind, message) = match (os, sniffed) {
        (Some(os), _) if os.kind() == std::io::ErrorKind::NotFound => {
            (FailureKind::Input, format!("source file {shown} not found"))
        }
        // The operating system, not the bytes, refused.
        (Some(os), _) => (FailureKind::Io, format!("cannot read source {shown}: {os}")),
        (None, Some(container)) => (
            FailureKind::Input,
            format!(
                "source {shown} looks like {container} but FFmpeg cannot read it \
                 (truncated or corrupt file: {err})"
            ),
        ),
        (None, None) => (
            FailureKind::Input,
            format!("source {shown} is not a media file FFmpeg can read ({err})"),
        ),
    };
    StageError::new(kind, message).with_source(err)
}

/// Why a media stage refused a source without reading it: FFmpeg recognised its format, and
/// that format is no video container (a playlist, a concat list, an image or image sequence, an
/// audio-only or other format). It is the source of the stage's `input` error, so a caller tells
/// a refused source from a broken video with `err.source` downcast to this type. Permanent: the
/// same file is refused again.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.describe())]
pub struct RefusedContainer {
    /// FFmpeg's demuxer for the source (`hls`, `concat`, `image2`, `wav`, ...), `unknown` when
    /// FFmpeg refused a format its first bytes do not name.
    pub demuxer: String,
}

impl RefusedContainer {
    fn describe(&self) -> String {
        match self.demuxer.as_str() {
            "unknown" => "its format is not a video container".to_owned(),
            demuxer => format!("`{demuxer}` is not a video container"),
        }
    }
}

/// The `input` error for the source `path` that FFmpeg would read with `demuxer`, refused.
pub(crate) fn refused(path: &Path, demuxer: &str) -> StageError {
    let refusal = RefusedContainer {
        demuxer: demuxer.to_owned(),
    };
    StageError::new(
        FailureKind::Input,
        format!(
            "source {} refused, not a video: {refusal} (playlists, concat lists, images, image \
             sequences and audio-only formats are not opened)",
            path.display()
        ),
    )
    .with_source(refusal)
}

/// A decoding failure of `what` (e.g. `video decoder`), as `decode`.
pub(crate) fn decode_error(path: &Path, what: &str, err: ffmpeg::Error) -> StageError {
    StageError::new(
        FailureKind::Decode,
        format!("{what} failed on {}: {err}", path.display()),
    )
    .with_source(err)
}
