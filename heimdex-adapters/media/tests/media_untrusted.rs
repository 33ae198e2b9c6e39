//! Untrusted sources: FFmpeg reads a source as one local file in a video container, and nothing
//! else. Playlists, concat lists, images, image sequences and other formats are refused at
//! `metadata` without opening what they name; a path is never read as an FFmpeg URL; and a
//! cancelled job lets go of its source at once, even one that never ends.

use heimdex_testsupport::media as media_support;

use std::fs::OpenOptions;
use std::io::{ErrorKind, Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::Duration;

use heimdex_core::memory::MemoryStore;
use heimdex_core::{
    CancelReason, Cancellation, FailureKind, Job, JobOutcome, Pipeline, SequentialPipeline, Stage,
    StageName, VideoId,
};
use heimdex_media::{media_pipeline, Metadata, RefusedContainer, SceneDetection};
use media_support::{failure, run_stage, store_with_video, Clips};

/// A 2 s, 160x120 clip of testsrc made with `codec` into `name` (its extension picks the
/// container).
fn clip(clips: &Clips, name: &str, codec: &[&str]) -> PathBuf {
    let mut args = vec!["-f", "lavfi", "-i", "testsrc=d=2:s=160x120:r=25"];
    args.extend(codec);
    clips.ffmpeg(name, &args)
}

/// The small H.264 clip most cases use.
fn h264(clips: &Clips, name: &str) -> PathBuf {
    clip(
        clips,
        name,
        &[
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-pix_fmt",
            "yuv420p",
        ],
    )
}

/// The demuxer `metadata` refused `path` as, checking that it failed as `input` with a message
/// naming the file and a [`RefusedContainer`] as the cause.
async fn refused(path: &Path) -> String {
    let store = Arc::new(MemoryStore::new());
    let (result, _) = run_stage(&Metadata::new(store), VideoId::new_v4(), path).await;
    let err = failure(result, &path.display().to_string());
    assert_eq!(err.kind, FailureKind::Input, "{}", err.message);
    let shown = path.display().to_string();
    assert!(err.message.contains(&shown), "{}", err.message);
    assert!(err.message.contains("not a video"), "{}", err.message);
    let refusal = err
        .source
        .as_ref()
        .and_then(|s| s.downcast_ref::<RefusedContainer>());
    let refusal = refusal.unwrap_or_else(|| panic!("{shown}: not refused: {}", err.message));
    refusal.demuxer.clone()
}

/// Makes a named pipe at `path` (with the `mkfifo` command).
fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(status.success(), "mkfifo {}", path.display());
}

#[tokio::test]
async fn video_containers_pass_metadata_and_images_audio_and_sequences_are_refused() {
    let clips = Clips::new("untrusted-formats");
    let x264 = [
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        "-pix_fmt",
        "yuv420p",
    ];
    let vp8 = ["-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8"];
    let videos = [
        clip(&clips, "clip.mp4", &x264),
        clip(&clips, "clip.mov", &x264),
        clip(&clips, "clip.mkv", &x264),
        clip(&clips, "clip.ts", &x264),
        clip(&clips, "clip.h264", &x264),
        clip(&clips, "clip.webm", &vp8),
        clip(&clips, "clip.avi", &["-c:v", "mpeg4"]),
        clip(&clips, "clip.flv", &["-c:v", "flv"]),
        clip(&clips, "clip.wmv", &["-c:v", "wmv2"]),
        clip(&clips, "clip.mpg", &["-c:v", "mpeg2video"]),
        clip(&clips, "clip.ogv", &["-c:v", "libtheora"]),
    ];
    for path in videos {
        let (store, video) = store_with_video(&path).await;
        let (result, _) = run_stage(&Metadata::new(store), video, &path).await;
        if let Err(err) = result {
            panic!("{}: {}", path.display(), err.message);
        }
    }

    let one = ["-frames:v", "1"];
    clip(&clips, "frame%03d.png", &["-frames:v", "10"]);
    let sources = [
        (clip(&clips, "still.png", &one), &["png_pipe", "image2"][..]),
        (clip(&clips, "still.jpg", &one), &["jpeg_pipe", "image2"]),
        (clips.dir.join("frame%03d.png"), &["image2"]),
        (clip(&clips, "moving.gif", &["-frames:v", "10"]), &["gif"]),
        (
            clips.ffmpeg("tone.wav", &["-f", "lavfi", "-i", "sine=d=1"]),
            &["wav"],
        ),
    ];
    for (path, demuxers) in sources {
        let demuxer = refused(&path).await;
        assert!(
            demuxers.contains(&demuxer.as_str()),
            "{}: {demuxer}",
            path.display()
        );
    }
}

/// A thread that writes `bytes` into the named pipe `path` once a reader opens it, and says so.
fn serve_once(path: &Path, bytes: Vec<u8>) -> mpsc::Receiver<()> {
    mkfifo(path);
    let (opened_tx, opened) = mpsc::channel();
    let path = path.to_owned();
    std::thread::spawn(move || {
        // Blocks until a reader opens the pipe.
        let mut pipe = OpenOptions::new().write(true).open(&path).unwrap();
        let _ = opened_tx.send(());
        let _ = pipe.write_all(&bytes);
    });
    opened
}

#[tokio::test]
async fn a_playlist_is_refused_at_metadata_without_opening_the_file_it_names() {
    let clips = Clips::new("untrusted-hls");
    let segment = std::fs::read(h264(&clips, "source.ts")).unwrap();
    let playlist = "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.0,\nseg.ts\n#EXT-X-ENDLIST\n";
    // Under its own name, and dressed as an MP4.
    for name in ["list.m3u8", "playlist.mp4"] {
        let fifo = clips.dir.join("seg.ts");
        let _ = std::fs::remove_file(&fifo);
        // The segment is a named pipe: opening it is seen.
        let opened = serve_once(&fifo, segment.clone());
        let path = clips.dir.join(name);
        std::fs::write(&path, playlist).unwrap();

        assert_eq!(refused(&path).await, "hls", "{name}");
        assert!(
            opened.try_recv().is_err(),
            "{name}: FFmpeg opened the segment"
        );
        // Lets the writer go.
        std::fs::File::open(&fifo)
            .unwrap()
            .read_to_end(&mut Vec::new())
            .unwrap();
        opened.recv().unwrap();
    }
}

#[tokio::test]
async fn a_playlist_naming_a_real_video_fails_the_job_at_metadata() {
    let clips = Clips::new("untrusted-job");
    h264(&clips, "seg.ts");
    let path = clips.dir.join("list.m3u8");
    let playlist = "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.0,\nseg.ts\n#EXT-X-ENDLIST\n";
    std::fs::write(&path, playlist).unwrap();
    let (store, video) = store_with_video(&path).await;
    let job = Job::new(video, path.display().to_string());
    let report = media_pipeline(store.clone(), Duration::ZERO)
        .run(job, store.as_ref(), &Cancellation::new())
        .await;
    match report.outcome {
        JobOutcome::Failed {
            stage,
            kind,
            message,
        } => {
            assert_eq!((stage, kind), (StageName::METADATA, FailureKind::Input));
            assert!(message.contains("`hls`"), "{message}");
        }
        other => panic!("a playlist must not pass: {other:?}"),
    }
}

#[tokio::test]
async fn a_concat_list_is_refused_at_metadata() {
    let clips = Clips::new("untrusted-concat");
    h264(&clips, "a.mp4");
    let list = clips.dir.join("list.ffconcat");
    std::fs::write(&list, "ffconcat version 1.0\nfile 'a.mp4'\nfile 'a.mp4'\n").unwrap();
    assert_eq!(refused(&list).await, "concat");
}

#[tokio::test]
async fn a_source_path_is_a_file_name_never_an_ffmpeg_url() {
    let clips = Clips::new("untrusted-url");
    let a = h264(&clips, "a.mp4").display().to_string();
    for url in [
        format!("concat:{a}|{a}"),
        format!("subfile,,start,0,end,0,,:{a}"),
    ] {
        let path = Path::new(&url);
        let (store, video) = store_with_video(path).await;
        let (result, _) = run_stage(&Metadata::new(store), video, path).await;
        let err = failure(result, &url);
        assert_eq!(err.kind, FailureKind::Input, "{url}: {}", err.message);
        let expected = format!("source file {url} not found");
        assert!(err.message.contains(&expected), "{url}: {}", err.message);
    }
}

/// A named pipe fed one clip over and over, as an endless stream, until its reader lets go.
struct EndlessFeed {
    started: Option<tokio::sync::oneshot::Receiver<()>>,
    gone: mpsc::Receiver<ErrorKind>,
    quit: Arc<AtomicBool>,
}

impl EndlessFeed {
    fn start(path: &Path, bytes: Vec<u8>) -> Self {
        mkfifo(path);
        let (started_tx, started) = tokio::sync::oneshot::channel();
        let (gone_tx, gone) = mpsc::channel();
        let quit = Arc::new(AtomicBool::new(false));
        let (path, stop) = (path.to_owned(), quit.clone());
        std::thread::spawn(move || {
            let mut pipe = OpenOptions::new().write(true).open(&path).unwrap();
            let mut started_tx = Some(started_tx);
            while !stop.load(Ordering::Relaxed) {
                if let Err(err) = pipe.write_all(&bytes) {
                    let _ = gone_tx.send(err.kind());
                    return;
                }
                started_tx.take().map(|tx| tx.send(()));
            }
        });
        Self {
            started: Some(started),
            gone,
            quit,
        }
    }

    /// Waits until the reader has taken a whole clip.
    async fn reading(&mut self) {
        self.started.take().unwrap().await.unwrap();
    }

    /// Asserts that every reader closes the pipe within `deadline` (the next write fails as a
    /// broken pipe); else ends the stream, so that the reader stops, and fails.
    fn assert_let_go(self, what: &str, deadline: Duration) {
        let gone = self.gone.recv_timeout(deadline);
        if gone.is_err() {
            self.quit.store(true, Ordering::Relaxed);
        }
        assert_eq!(
            gone,
            Ok(ErrorKind::BrokenPipe),
            "{what} still reads its source"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_job_lets_go_of_an_endless_source_at_once() {
    let clips = Clips::new("untrusted-cancel");
    let bytes = std::fs::read(h264(&clips, "loop.ts")).unwrap();
    let store = Arc::new(MemoryStore::new());
    let stages: [Arc<dyn Stage>; 2] = [
        Arc::new(Metadata::new(store.clone())),
        Arc::new(SceneDetection::default()),
    ];
    for stage in stages {
        let name = stage.name();
        let fifo = clips.dir.join(format!("{}.ts", name.as_str()));
        let mut feed = EndlessFeed::start(&fifo, bytes.clone());
        let job = Job::new(VideoId::new_v4(), fifo.display().to_string());
        let pipeline = SequentialPipeline::new().stage(stage);
        let cancel = Cancellation::new();
        let (report, ()) = tokio::join!(pipeline.run(job, store.as_ref(), &cancel), async {
            feed.reading().await;
            cancel.cancel(CancelReason::Shutdown);
        });
        assert_ne!(report.outcome, JobOutcome::Succeeded, "{name:?}");
        feed.assert_let_go(name.as_str(), Duration::from_secs(30));
    }
}
