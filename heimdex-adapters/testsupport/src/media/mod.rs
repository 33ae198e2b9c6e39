//! Helpers shared by the media and model tests: clips made at test time with the `ffmpeg` CLI, and a
//! catalog holding a video to run the stages on.

pub mod keyframes;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use heimdex_core::memory::MemoryStore;
use heimdex_core::record::{NewProfile, NewVideo};
use heimdex_core::{Catalog, Job, JobContext, Stage, StageError, UserId, VideoId};

/// The frame rate of every generated clip.
pub const FPS: f64 = 25.0;

/// A temporary folder of generated clips, removed on drop.
pub struct Clips {
    /// The folder the clips are written to.
    pub dir: PathBuf,
}

impl Clips {
    /// A fresh folder for the test `tag`.
    pub fn new(tag: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("heimdex-media-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self { dir }
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

    /// A 720p, 25 fps H.264 clip from a chain of lavfi sources, `(source, seconds)`, joined with
    /// hard cuts; returns the path and the cut times.
    pub fn hard_cuts(&self, name: &str, segments: &[(&str, f64)]) -> (PathBuf, Vec<f64>) {
        self.hard_cuts_with(name, segments, "ultrafast")
    }

    /// [`Clips::hard_cuts`] with the x264 `preset` of your choice.
    pub fn hard_cuts_with(
        &self,
        name: &str,
        segments: &[(&str, f64)],
        preset: &str,
    ) -> (PathBuf, Vec<f64>) {
        let mut args: Vec<String> = Vec::new();
        for (source, secs) in segments {
            args.extend(["-f".into(), "lavfi".into(), "-i".into()]);
            args.push(lavfi(source, *secs));
        }
        let inputs: String = (0..segments.len()).map(|i| format!("[{i}:v]")).collect();
        let filter = format!(
            "{inputs}concat=n={}:v=1:a=0,format=yuv420p[v]",
            segments.len()
        );
        args.extend([
            "-filter_complex".into(),
            filter,
            "-map".into(),
            "[v]".into(),
        ]);
        let encode = ["-c:v", "libx264", "-preset", preset, "-pix_fmt", "yuv420p"];
        args.extend(encode.iter().map(|s| s.to_string()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let path = self.ffmpeg(name, &args);
        let cuts = segments
            .iter()
            .scan(0.0, |t, (_, secs)| {
                *t += secs;
                Some(*t)
            })
            .take(segments.len() - 1)
            .collect();
        (path, cuts)
    }

    /// One 720p shot of `source` for `secs`, through the video filter `vf`.
    pub fn shot(&self, name: &str, source: &str, secs: f64, vf: &str) -> PathBuf {
        let input = lavfi(source, secs);
        let mut args = vec!["-f", "lavfi", "-i", &input, "-vf", vf];
        args.extend(x264());
        self.ffmpeg(name, &args)
    }

    /// 4 s of 720p testsrc with a stereo AAC track tagged language `eng` and handler `Main` and a creation time;
    /// `faststart` puts the index first (so a cut-off copy still opens).
    pub fn known_clip(&self, name: &str, faststart: bool) -> PathBuf {
        let mut args = vec![
            "-f",
            "lavfi",
            "-i",
            "testsrc=d=4:s=1280x720:r=25",
            "-f",
            "lavfi",
            "-i",
            "sine=f=440:d=4:sample_rate=48000",
            "-map",
            "0:v",
            "-map",
            "1:a",
            "-ac",
            "2",
            "-c:a",
            "aac",
            "-metadata:s:a:0",
            "language=eng",
            // MP4 has no stream title; a named handler stands in for one.
            "-metadata:s:a:0",
            "handler_name=Main",
            "-metadata",
            "creation_time=2024-05-06T07:08:09Z",
        ];
        args.extend(x264());
        if faststart {
            args.extend(["-movflags", "+faststart"]);
        }
        self.ffmpeg(name, &args)
    }

    /// 2 s of a sine tone, AAC in an MP4: no video stream.
    pub fn audio_only(&self, name: &str) -> PathBuf {
        self.ffmpeg(
            name,
            &["-f", "lavfi", "-i", "sine=f=440:d=2", "-c:a", "aac"],
        )
    }

    /// A 720p H.264 MP4 of exactly one frame.
    pub fn one_frame(&self, name: &str) -> PathBuf {
        let mut args = vec![
            "-f",
            "lavfi",
            "-i",
            "testsrc=s=1280x720:r=25",
            "-frames:v",
            "1",
        ];
        args.extend(x264());
        self.ffmpeg(name, &args)
    }

    /// An MP4 container with no frames (and so no stream at all).
    pub fn zero_frames(&self, name: &str) -> PathBuf {
        let mut args = vec![
            "-f",
            "lavfi",
            "-i",
            "testsrc=s=320x240:r=25",
            "-frames:v",
            "0",
        ];
        args.extend(x264());
        self.ffmpeg(name, &args)
    }

    /// `bytes` pseudo-random bytes (fixed seed).
    pub fn random_bytes(&self, name: &str, bytes: usize) -> PathBuf {
        use rand::{RngCore, SeedableRng};
        let mut data = vec![0u8; bytes];
        rand::rngs::StdRng::seed_from_u64(6).fill_bytes(&mut data);
        let path = self.dir.join(name);
        std::fs::write(&path, data).unwrap();
        path
    }

    /// A copy of `from` cut to `fraction` of its size.
    pub fn truncated(&self, from: &Path, name: &str, fraction: f64) -> PathBuf {
        let data = std::fs::read(from).unwrap();
        let keep = (data.len() as f64 * fraction) as usize;
        let path = self.dir.join(name);
        std::fs::write(&path, &data[..keep]).unwrap();
        path
    }

    /// An empty file.
    pub fn empty(&self, name: &str) -> PathBuf {
        let path = self.dir.join(name);
        std::fs::write(&path, b"").unwrap();
        path
    }
}

impl Drop for Clips {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A 720p, 25 fps lavfi source lasting `secs`; `source` may carry options (`color=c=navy`).
fn lavfi(source: &str, secs: f64) -> String {
    let sep = if source.contains('=') { ':' } else { '=' };
    format!("{source}{sep}d={secs}:s=1280x720:r=25")
}

/// Fast H.264 encoding, 4:2:0.
fn x264() -> [&'static str; 6] {
    [
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        "-pix_fmt",
        "yuv420p",
    ]
}

/// A memory store holding one video of a fresh owner, whose source is `path`.
pub async fn store_with_video(path: &Path) -> (Arc<MemoryStore>, VideoId) {
    let store = Arc::new(MemoryStore::new());
    let owner = UserId::new_v4();
    store
        .upsert_profile(NewProfile {
            user_id: owner,
            full_name: "Media Test".into(),
        })
        .await
        .unwrap();
    let video = store
        .create_video(NewVideo {
            id: None,
            owner_id: owner,
            storage_path: path.display().to_string(),
            filename: None,
        })
        .await
        .unwrap();
    (store, video)
}

/// Runs `stage` alone on a fresh context for `path` (video `video`).
pub async fn run_stage(
    stage: &dyn Stage,
    video: VideoId,
    path: &Path,
) -> (Result<(), StageError>, JobContext) {
    let mut ctx = JobContext::new(Job::new(video, path.display().to_string()));
    let result = stage.run(&mut ctx).await;
    (result, ctx)
}

/// The error of a stage that must fail.
pub fn failure(result: Result<(), StageError>, what: &str) -> StageError {
    match result {
        Ok(()) => panic!("{what}: the stage succeeded, expected a failure"),
        Err(err) => err,
    }
}
