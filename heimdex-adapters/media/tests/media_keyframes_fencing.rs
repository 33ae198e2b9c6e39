//! Keyframes of stale attempts: each attempt writes into its own folder, so a worker that lost
//! its lease (an older attempt still running) never touches the newer attempt's files; a newer
//! attempt removes the older attempts' folders and the flat layout's files, nothing else.

use heimdex_testsupport::media as media_support;
use heimdex_testsupport::media::keyframes as keyframes_support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use heimdex_core::{IndexedScenes, SceneRecord, Stage, VideoId};
use heimdex_media::{KeyframeConfig, KeyframeExtractor, SceneFrames};
use keyframes_support::{file_names, is_jpeg, job_with_scenes, seconds_clip};
use media_support::Clips;

/// Runs `scene_processing` (keyframes only) as attempt `attempt` at `video` on `path`, one
/// scene per span.
async fn run_attempt(
    frames: &KeyframeExtractor,
    video: VideoId,
    attempt: u32,
    path: &Path,
    spans: &[(f64, f64)],
) -> Vec<SceneRecord> {
    let mut ctx = job_with_scenes(video, path, spans);
    ctx.job.attempt = attempt;
    SceneFrames::new(frames.clone())
        .run(&mut ctx)
        .await
        .unwrap_or_else(|err| panic!("attempt {attempt}: {err:?}"));
    ctx.get::<IndexedScenes>().unwrap().0.clone()
}

/// Every file in `dir` with its bytes.
fn contents(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    file_names(dir)
        .into_iter()
        .map(|name| {
            let bytes = std::fs::read(dir.join(&name)).unwrap();
            (name, bytes)
        })
        .collect()
}

/// The keyframe paths `scenes` name.
fn keyframe_paths(scenes: &[SceneRecord]) -> Vec<PathBuf> {
    let names = scenes.iter().flat_map(|s| &s.keyframes);
    names.map(PathBuf::from).collect()
}

#[tokio::test]
async fn a_stale_attempt_leaves_the_newer_attempts_keyframes_untouched() {
    let clips = Clips::new("keyframes-fencing");
    let gray = seconds_clip(&clips, "gray.mp4", 6);
    let (pattern, _) = clips.hard_cuts("pattern.mp4", &[("testsrc", 4.0)]);
    let frames = KeyframeExtractor::new(KeyframeConfig::with_root(clips.dir.join("keyframes")));
    let video = VideoId::new_v4();
    let video_dir = frames.config().video_dir(video);
    let (dir1, dir2) = (
        frames.config().dir_for(video, 1),
        frames.config().dir_for(video, 2),
    );

    // Attempt 2 (the newer one, which took over the lease) writes first.
    let newer = run_attempt(&frames, video, 2, &gray, &[(0.0, 6.0)]).await;
    let newer_paths = keyframe_paths(&newer);
    assert_eq!(newer_paths.len(), 3);
    for path in &newer_paths {
        assert!(path.starts_with(&dir2), "{}", path.display());
        assert!(is_jpeg(path), "{}", path.display());
    }
    let written = contents(&dir2);
    assert_eq!(written.len(), 3, "{:?}", written.keys());
    // The folders Heimdex creates for keyframes are the owner's only.
    use std::os::unix::fs::PermissionsExt;
    for folder in [&clips.dir.join("keyframes"), &video_dir, &dir2] {
        let mode = std::fs::metadata(folder).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700, "{}", folder.display());
    }

    // Attempt 1, the stale worker, finishes later with other pictures and scenes.
    let stale = run_attempt(&frames, video, 1, &pattern, &[(0.0, 4.0)]).await;
    for path in keyframe_paths(&stale) {
        assert!(path.starts_with(&dir1), "{}", path.display());
    }
    assert_eq!(
        contents(&dir2),
        written,
        "attempt 2's files are all there, unchanged"
    );
    for path in &newer_paths {
        assert!(is_jpeg(path), "{} still exists", path.display());
    }
    assert_eq!(file_names(&video_dir), ["attempt-1", "attempt-2"]);

    // Attempt 3 removes both older folders once its own keyframes are written.
    let latest = run_attempt(&frames, video, 3, &gray, &[(0.0, 6.0)]).await;
    assert_eq!(file_names(&video_dir), ["attempt-3"]);
    for path in keyframe_paths(&latest) {
        assert!(is_jpeg(&path), "{}", path.display());
    }
}

#[tokio::test]
async fn a_newer_attempt_removes_the_flat_layouts_keyframes_but_no_other_file() {
    let clips = Clips::new("keyframes-flat");
    let gray = seconds_clip(&clips, "gray.mp4", 2);
    let frames = KeyframeExtractor::new(KeyframeConfig::with_root(clips.dir.join("keyframes")));
    let video = VideoId::new_v4();
    let video_dir = frames.config().video_dir(video);
    // What earlier versions wrote straight into the video's folder, and a file of someone else's.
    std::fs::create_dir_all(&video_dir).unwrap();
    for name in ["scene_0_frame_0.jpg", "scene_4_frame_2.jpg", "notes.txt"] {
        std::fs::write(video_dir.join(name), b"old").unwrap();
    }

    let scenes = run_attempt(&frames, video, 1, &gray, &[(0.0, 2.0)]).await;
    assert_eq!(file_names(&video_dir), ["attempt-1", "notes.txt"]);
    let dir = frames.config().dir_for(video, 1);
    assert_eq!(file_names(&dir), ["scene_0_frame_0.jpg"]);
    assert_eq!(keyframe_paths(&scenes), [dir.join("scene_0_frame_0.jpg")]);
}
