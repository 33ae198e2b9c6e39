//! Opening a source with FFmpeg, for every media stage (blocking code): a local file only, read
//! only by the demuxers of video containers, stopped when the stage is.
//!
//! FFmpeg reads a source through the `file` protocol alone (`protocol_whitelist=file`), named as
//! `file:<path>` so that a path like `concat:a.mp4|b.mp4` is a file name, never a protocol, and
//! picks its demuxer from `format_whitelist`. Playlists (`hls`, `dash`), `concat` lists, images
//! and image sequences, audio-only and every other format are refused before their demuxer reads
//! a byte, so nothing a source names is ever opened.

use std::io::Read;
use std::path::Path;

use ffmpeg::format::context::Input;
use ffmpeg::Dictionary;
use ffmpeg_next as ffmpeg;
use heimdex_core::{FailureKind, StageError};

use super::blocking::StopFlag;
use super::error::{init, open_error, refused};

/// What a caller reads: a video source, or a picture (a keyframe JPEG Heimdex wrote).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Formats {
    /// Video containers only.
    Video,
    /// Single images, and video containers (whose first frame is the picture).
    Picture,
}

/// The demuxers of video containers (names as FFmpeg spells them; a demuxer named by a list,
/// such as `mov,mp4,m4a,3gp,3g2,mj2`, is accepted when any name in it is here). Raw elementary
/// streams (`h264`, `hevc`, ...) are here too: they name no other file.
pub(crate) const VIDEO_DEMUXERS: [&str; 21] = [
    "mov",
    "mp4",
    "matroska",
    "webm",
    "avi",
    "flv",
    "live_flv",
    "mpegts",
    "mpeg",
    "mpegvideo",
    "asf",
    "ogg",
    "mxf",
    "nut",
    "dv",
    "ivf",
    "obu",
    "h264",
    "hevc",
    "m4v",
    "yuv4mpegpipe",
];

/// The demuxers of single images, read with [`Formats::Picture`] (`image2` with its file name
/// patterns turned off, so it reads the one file).
const PICTURE_DEMUXERS: [&str; 5] = ["image2", "jpeg_pipe", "png_pipe", "bmp_pipe", "webp_pipe"];

impl Formats {
    /// True when the demuxer `name` (maybe a comma-separated list) may read such a source.
    pub(crate) fn accepts(self, name: &str) -> bool {
        name.split(',').any(|one| {
            VIDEO_DEMUXERS.contains(&one)
                || (self == Formats::Picture && PICTURE_DEMUXERS.contains(&one))
        })
    }

    /// FFmpeg's options for the open: the protocol and demuxer whitelists.
    fn options(self) -> Dictionary<'static> {
        let mut demuxers = VIDEO_DEMUXERS.to_vec();
        let mut options = Dictionary::new();
        if self == Formats::Picture {
            demuxers.extend(PICTURE_DEMUXERS);
            options.set("pattern_type", "none");
        }
        options.set("protocol_whitelist", "file");
        options.set("format_whitelist", &demuxers.join(","));
        options
    }
}

/// Opens the local file at `path` (reads its header and probes its streams) with the demuxers
/// `formats` allows. Fails as `input` when it is missing, empty, not media, or refused (its
/// error's source is then a [`RefusedContainer`](super::RefusedContainer)); as `io` when the
/// operating system refuses to read it; as `cancelled` when `stop` is set, before or during.
pub(crate) fn open_input(
    path: &Path,
    formats: Formats,
    stop: &StopFlag,
) -> Result<Input, StageError> {
    if stop.is_set() {
        return Err(StopFlag::stopped("opening the source"));
    }
    let flag = stop.clone();
    open_interruptible(path, formats, move || flag.is_set())
}

/// Opens a source as the media stages do, for a caller with a stop signal of its own: FFmpeg gives up (`cancelled`) once
/// `stopped` returns true, and so does every later read of the input.
pub fn open_interruptible(
    path: &Path,
    formats: Formats,
    stopped: impl FnMut() -> bool + Send + 'static,
) -> Result<Input, StageError> {
    init();
    let shown = path.display();
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_file() && meta.len() == 0 => {
            return Err(StageError::new(
                FailureKind::Input,
                format!("source {shown} is empty (0 bytes): not media"),
            ));
        }
        _ => {}
    }
    let Some(name) = path.to_str().filter(|name| !name.contains('\0')) else {
        return Err(StageError::new(
            FailureKind::Input,
            format!("source path {shown} is not UTF-8 without NUL bytes: FFmpeg cannot take it"),
        ));
    };
    let url = format!("file:{name}");
    let input =
        ffmpeg::format::input_with_interrupt_and_dictionary(&url, stopped, formats.options())
            .map_err(|err| match err {
                ffmpeg::Error::Exit => StopFlag::stopped("opening the source"),
                // The demuxer FFmpeg found is not on the whitelist.
                ffmpeg::Error::Other { errno } if is_einval(errno) && sniff(path).is_none() => {
                    refused(path, &refused_format(path))
                }
                err => open_error(path, err, sniff(path)),
            })?;
    let demuxer = input.format().name().to_owned();
    if formats.accepts(&demuxer) {
        Ok(input)
    } else {
        Err(refused(path, &demuxer))
    }
}

/// True for `EINVAL`, FFmpeg's error for a demuxer or protocol not on its whitelist.
fn is_einval(errno: i32) -> bool {
    std::io::Error::from_raw_os_error(errno).kind() == std::io::ErrorKind::InvalidInput
}

/// The video container `path`'s first bytes claim, if they carry a signature this knows.
fn sniff(path: &Path) -> Option<&'static str> {
    let head = head(path);
    match head.as_slice() {
        [_, _, _, _, b'f', b't', b'y', b'p', ..] => Some("an MP4/QuickTime file"),
        [0x1A, 0x45, 0xDF, 0xA3, ..] => Some("a Matroska/WebM file"),
        [b'R', b'I', b'F', b'F', _, _, _, _, b'A', b'V', b'I', b' ', ..] => Some("an AVI file"),
        [b'F', b'L', b'V', ..] => Some("an FLV file"),
        [b'O', b'g', b'g', b'S', ..] => Some("an Ogg file"),
        [0x47, ..] if path.extension().is_some_and(|e| e == "ts") => Some("an MPEG-TS file"),
        _ => None,
    }
}

/// The name FFmpeg gives the format of the refused file at `path`, as far as its first bytes
/// and name tell; `unknown` when they do not.
fn refused_format(path: &Path) -> String {
    let head = head(path);
    let text = String::from_utf8_lossy(&head);
    let text = text.trim_start_matches('\u{feff}').trim_start();
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    let image = ["png", "jpg", "jpeg", "bmp", "tif", "tiff", "webp"]
        .iter()
        .any(|ext| extension.eq_ignore_ascii_case(ext));
    let name = match head.as_slice() {
        _ if text.starts_with("#EXTM3U") => "hls",
        _ if text.starts_with("ffconcat version") => "concat",
        _ if text.starts_with("<?xml") && text.contains("<MPD") => "dash",
        _ if text.starts_with("v=0") => "sdp",
        [0x89, b'P', b'N', b'G', ..] => "png_pipe",
        [0xFF, 0xD8, 0xFF, ..] => "jpeg_pipe",
        [b'G', b'I', b'F', b'8', ..] => "gif",
        // Else FFmpeg picks `image2` by the extension (an image sequence by its `%d` pattern).
        _ if image => "image2",
        [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'A', b'V', b'E', ..] => "wav",
        [b'I', b'D', b'3', ..] => "mp3",
        [b'f', b'L', b'a', b'C', ..] => "flac",
        _ => "unknown",
    };
    name.to_owned()
}

/// Up to the first 512 bytes of `path` (none when it cannot be read).
fn head(path: &Path) -> Vec<u8> {
    let mut head = Vec::with_capacity(512);
    if let Ok(file) = std::fs::File::open(path) {
        let _ = file.take(512).read_to_end(&mut head);
    }
    head
}
