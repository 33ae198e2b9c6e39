//! [`KeyframeConfig`]: how many keyframes a scene gets, when they are taken and where they go.

use std::path::{Path, PathBuf};

use heimdex_core::VideoId;
use serde::{Deserialize, Serialize};

/// The environment variable naming the keyframes' root folder.
pub const KEYFRAMES_DIR_ENV: &str = "HEIMDEX_KEYFRAMES_DIR";
/// The keyframes' root folder when [`KEYFRAMES_DIR_ENV`] is unset (relative to the working
/// directory, beside the embedded store's default file).
pub const DEFAULT_KEYFRAMES_DIR: &str = ".heimdex/keyframes";

/// Where and how keyframes are written. Each attempt at a video writes into its own folder,
/// `root/<video id>/attempt-<n>/`, as `scene_{i}_frame_{k}.jpg` (`i` the scene's index, `k`
/// counting its frames from 0 in time order). Running the same attempt again replaces its
/// folder's keyframes; once an attempt has written its keyframes it removes the folders of the
/// video's older attempts (and the keyframe files earlier versions wrote straight into
/// `root/<video id>/`), never a newer attempt's, so a worker that lost its lease cannot touch
/// the files the newer attempt's scenes name.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct KeyframeConfig {
    /// The root folder; created when missing.
    pub root: PathBuf,
    /// The most keyframes one scene gets (the previous service's 3).
    pub max_per_scene: usize,
    /// The JPEG quantiser, 2 (best) to 31, as `ffmpeg -q:v`; the previous service used 2.
    pub jpeg_qscale: u8,
}

impl Default for KeyframeConfig {
    fn default() -> Self {
        Self {
            root: PathBuf::from(DEFAULT_KEYFRAMES_DIR),
            max_per_scene: 3,
            jpeg_qscale: 2,
        }
    }
}

impl KeyframeConfig {
    /// The defaults with the root from [`KEYFRAMES_DIR_ENV`] when it is set and not empty.
    pub fn from_env() -> Self {
        let root = std::env::var_os(KEYFRAMES_DIR_ENV).filter(|v| !v.is_empty());
        Self {
            root: root.map_or_else(|| PathBuf::from(DEFAULT_KEYFRAMES_DIR), PathBuf::from),
            ..Self::default()
        }
    }

    /// The defaults with keyframes under `root`.
    pub fn with_root(root: impl Into<PathBuf>) -> Self {
        Self {
            root: root.into(),
            ..Self::default()
        }
    }

    /// The folder of all `video`'s keyframes: `root/<video id>`, made absolute against the
    /// working directory so the paths stored with the scenes mean the same file from anywhere.
    pub fn video_dir(&self, video: VideoId) -> PathBuf {
        let dir = self.root.join(video.to_string());
        std::path::absolute(&dir).unwrap_or(dir)
    }

    /// The folder of the keyframes of attempt `attempt` at `video`:
    /// [`video_dir`](Self::video_dir)`/attempt-<attempt>`.
    pub fn dir_for(&self, video: VideoId, attempt: u32) -> PathBuf {
        self.video_dir(video).join(attempt_folder(attempt))
    }
}

/// The name of attempt `attempt`'s keyframe folder: `attempt-<attempt>`.
pub(crate) fn attempt_folder(attempt: u32) -> String {
    format!("attempt-{attempt}")
}

/// The attempt whose keyframe folder is named `name`, when it is one ([`attempt_folder`]).
pub(crate) fn attempt_of_folder(name: &Path) -> Option<u32> {
    let digits = name.to_str()?.strip_prefix("attempt-")?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// Removes from `video_dir` what came before attempt `attempt`: the folders of older attempts
/// and the keyframe files of the flat layout. Newer attempts' folders and other files stay.
/// Best effort: what cannot be removed (a stale worker still writing there) is logged and left
/// for a later attempt, since the newer attempt's own keyframes are already complete.
pub(crate) fn remove_older_attempts(video_dir: &Path, attempt: u32) {
    let Ok(entries) = std::fs::read_dir(video_dir) else {
        return;
    };
    for entry in entries.flatten() {
        let (name, path) = (entry.file_name(), entry.path());
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        let removed = if kind.is_dir() {
            match attempt_of_folder(Path::new(&name)) {
                Some(older) if older < attempt => std::fs::remove_dir_all(&path),
                _ => continue,
            }
        } else if kind.is_file() && is_keyframe_file(Path::new(&name)) {
            std::fs::remove_file(&path)
        } else {
            continue;
        };
        match removed {
            Err(err) if err.kind() != std::io::ErrorKind::NotFound => tracing::warn!(
                path = %path.display(),
                error = %err,
                "keyframes: cannot remove an older attempt's keyframes"
            ),
            _ => {}
        }
    }
}

/// How many keyframes a scene of `duration_s` seconds gets: `min(max, max(1, ⌊duration / 2⌋))`,
/// the previous service's rule with `max` = 3 (one per two seconds, one to three).
pub fn keyframe_count(duration_s: f64, max: usize) -> usize {
    let per_two_s = if duration_s.is_finite() && duration_s > 0.0 {
        (duration_s / 2.0).floor() as usize
    } else {
        0
    };
    per_two_s.max(1).min(max.max(1))
}

/// When a scene's keyframes are taken: [`keyframe_count`] times spaced evenly inside
/// `[start_s, end_s)`, `start + (j + 1)(end − start)/(k + 1)` for `j` in `0..k`, so one
/// keyframe is the midpoint and none falls on a cut (where a fade or a frame of the neighbour
/// scene may be).
pub fn keyframe_times(start_s: f64, end_s: f64, max: usize) -> Vec<f64> {
    let span = (end_s - start_s).max(0.0);
    let k = keyframe_count(span, max);
    (1..=k)
        .map(|j| start_s + j as f64 * span / (k + 1) as f64)
        .collect()
}

/// The file name of scene `scene`'s keyframe `k`: `scene_{scene}_frame_{k}.jpg`.
pub fn keyframe_name(scene: u32, k: usize) -> String {
    format!("scene_{scene}_frame_{k}.jpg")
}

/// Whether `name` is a keyframe file (or one being written) this crate names.
pub(crate) fn is_keyframe_file(name: &Path) -> bool {
    let Some(name) = name.to_str() else {
        return false;
    };
    let name = name.strip_suffix(".part").unwrap_or(name);
    let Some(rest) = name
        .strip_prefix("scene_")
        .and_then(|r| r.strip_suffix(".jpg"))
    else {
        return false;
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    matches!(rest.split_once("_frame_"), Some((i, k)) if digits(i) && digits(k))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_keyframe_per_two_seconds_from_one_to_three() {
        let counts: Vec<usize> = [0.0, 0.5, 1.0, 3.0, 3.99, 4.0, 5.9, 6.0, 10.0, 3600.0]
            .iter()
            .map(|&d| keyframe_count(d, 3))
            .collect();
        assert_eq!(counts, vec![1, 1, 1, 1, 1, 2, 2, 3, 3, 3]);
        assert_eq!(keyframe_count(f64::NAN, 3), 1);
        assert_eq!(keyframe_count(100.0, 5), 5);
        assert_eq!(keyframe_count(100.0, 0), 1, "at least one");
    }

    #[test]
    fn times_are_evenly_spaced_inside_the_scene_and_one_is_the_midpoint() {
        assert_eq!(keyframe_times(0.0, 1.0, 3), vec![0.5]);
        assert_eq!(keyframe_times(1.0, 4.0, 3), vec![2.5]);
        assert_eq!(
            keyframe_times(4.0, 8.0, 3),
            vec![4.0 + 4.0 / 3.0, 4.0 + 8.0 / 3.0]
        );
        assert_eq!(keyframe_times(4.0, 14.0, 3), vec![6.5, 9.0, 11.5]);
        assert_eq!(
            keyframe_times(2.0, 2.0, 3),
            vec![2.0],
            "an empty scene: its start"
        );
    }

    #[test]
    fn keyframe_files_are_recognised_by_name() {
        assert_eq!(keyframe_name(4, 2), "scene_4_frame_2.jpg");
        for yes in [
            "scene_0_frame_0.jpg",
            "scene_12_frame_2.jpg",
            "scene_1_frame_0.jpg.part",
        ] {
            assert!(is_keyframe_file(Path::new(yes)), "{yes}");
        }
        for no in [
            "scene__frame_0.jpg",
            "scene_1_frame_x.jpg",
            "notes.txt",
            "scene_1.jpg",
        ] {
            assert!(!is_keyframe_file(Path::new(no)), "{no}");
        }
    }

    #[test]
    fn each_attempt_gets_its_own_absolute_folder_under_the_video_folder() {
        let video = VideoId::new_v4();
        let config = KeyframeConfig::with_root("frames");
        let dir = config.dir_for(video, 7);
        assert!(dir.is_absolute(), "{}", dir.display());
        let video_dir = Path::new("frames").join(video.to_string());
        assert!(
            dir.ends_with(video_dir.join("attempt-7")),
            "{}",
            dir.display()
        );
        assert_eq!(dir.parent(), Some(config.video_dir(video).as_path()));
        assert_eq!(attempt_of_folder(Path::new("attempt-7")), Some(7));
        for no in [
            "attempt-",
            "attempt-x",
            "attempt--1",
            "attempt-+1",
            "scene_0_frame_0.jpg",
        ] {
            assert_eq!(attempt_of_folder(Path::new(no)), None, "{no}");
        }
        assert_eq!(
            KeyframeConfig::default().root,
            Path::new(DEFAULT_KEYFRAMES_DIR)
        );
    }

    #[test]
    fn only_older_attempts_and_flat_keyframes_are_removed() {
        let dir = std::env::temp_dir().join(format!("heimdex-kf-older-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for attempt in [1, 2, 3, 4] {
            let folder = dir.join(attempt_folder(attempt));
            std::fs::create_dir_all(&folder).unwrap();
            std::fs::write(folder.join(keyframe_name(0, 0)), b"jpeg").unwrap();
        }
        std::fs::create_dir_all(dir.join("other")).unwrap();
        for name in [
            "scene_0_frame_0.jpg",
            "scene_1_frame_2.jpg.part",
            "notes.txt",
        ] {
            std::fs::write(dir.join(name), b"x").unwrap();
        }
        remove_older_attempts(&dir, 3);
        let mut left: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        left.sort();
        assert_eq!(left, ["attempt-3", "attempt-4", "notes.txt", "other"]);
        assert!(dir.join("attempt-4").join(keyframe_name(0, 0)).is_file());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
