//! The `metadata` stage on clips made with the ffmpeg CLI: the facts of a known clip, what it
//! writes to the catalog, and a clear `input` failure for each kind of broken source.

use heimdex_testsupport::media as media_support;

use std::sync::Arc;

use heimdex_core::{Catalog, FailureKind, VideoId};
use heimdex_media::{MediaFacts, Metadata};
use media_support::{failure, run_stage, store_with_video, Clips, FPS};

#[tokio::test]
async fn a_known_clip_yields_its_facts_and_writes_them_to_the_video() {
    let clips = Clips::new("meta-known");
    let path = clips.known_clip("known.mp4", false);
    let (store, video) = store_with_video(&path).await;
    let stage = Metadata::new(store.clone());

    let (result, ctx) = run_stage(&stage, video, &path).await;
    result.unwrap();
    let facts = ctx.get::<MediaFacts>().expect("metadata leaves MediaFacts");
    assert!(
        (facts.duration_s - 4.0).abs() < 0.1,
        "duration {}",
        facts.duration_s
    );
    assert_eq!(facts.frame_rate, Some(FPS));
    assert_eq!((facts.width, facts.height), (1280, 720));
    assert_eq!(facts.video_codec, "h264");
    assert!(facts.container.contains("mp4"), "{}", facts.container);
    assert_eq!(facts.video_frames, Some(100));
    assert_eq!(facts.audio_streams.len(), 1);
    let audio = &facts.audio_streams[0];
    assert_eq!(audio.codec, "aac");
    assert_eq!(audio.channels, Some(2));
    assert_eq!(audio.sample_rate, Some(48_000));
    assert_eq!(audio.language.as_deref(), Some("eng"));
    assert_eq!(audio.title.as_deref(), Some("Main"));
    assert_ne!(audio.index, facts.video_stream);
    let created = facts.creation_time.as_deref().unwrap_or_default();
    assert!(created.starts_with("2024-05-06T07:08:09"), "{created:?}");

    let row = store.video(video).await.unwrap().unwrap();
    assert_eq!(row.duration_s, Some(facts.duration_s));
    assert_eq!(row.frame_rate, Some(FPS));
    assert_eq!((row.width, row.height), (Some(1280), Some(720)));
}

#[tokio::test]
async fn a_one_frame_video_fails_as_input_saying_it_is_a_still_image() {
    let clips = Clips::new("meta-one");
    let path = clips.one_frame("one.mp4");
    let (store, video) = store_with_video(&path).await;
    let (result, ctx) = run_stage(&Metadata::new(store.clone()), video, &path).await;
    let err = failure(result, "a one-frame video");
    assert_eq!(err.kind, FailureKind::Input, "{}", err.message);
    assert!(
        err.message.contains("single video frame"),
        "{}",
        err.message
    );
    assert!(err.message.contains("one.mp4"), "{}", err.message);
    assert!(ctx.get::<MediaFacts>().is_none());
    let row = store.video(video).await.unwrap().unwrap();
    assert_eq!(row.duration_s, None, "nothing written for a still image");
}

#[tokio::test]
async fn broken_sources_fail_as_input_with_a_message_that_says_why() {
    let clips = Clips::new("meta-broken");
    let known = clips.known_clip("whole.mp4", false);
    let cases = [
        (
            clips.random_bytes("noise.mp4", 64 * 1024),
            "not a media file",
        ),
        (
            clips.truncated(&known, "cut.mp4", 0.5),
            "looks like an MP4/QuickTime file but FFmpeg cannot read it (truncated or corrupt",
        ),
        (clips.audio_only("tone.mp4"), "has no video stream"),
        (clips.empty("empty.mp4"), "is empty (0 bytes)"),
        (clips.zero_frames("zero.mp4"), "zero duration"),
        (clips.dir.join("missing.mp4"), "not found"),
    ];
    let store = Arc::new(heimdex_core::memory::MemoryStore::new());
    let stage = Metadata::new(store);
    for (path, expected) in cases {
        let (result, ctx) = run_stage(&stage, VideoId::new_v4(), &path).await;
        let err = failure(result, &path.display().to_string());
        assert_eq!(
            err.kind,
            FailureKind::Input,
            "{}: {}",
            path.display(),
            err.message
        );
        assert!(
            err.message.contains(expected),
            "{}: {:?} should say {expected:?}",
            path.display(),
            err.message
        );
        assert!(ctx.get::<MediaFacts>().is_none());
    }
}

#[tokio::test]
async fn a_source_the_os_cannot_read_fails_as_io() {
    let clips = Clips::new("meta-io");
    let store = Arc::new(heimdex_core::memory::MemoryStore::new());
    let (result, _) = run_stage(&Metadata::new(store), VideoId::new_v4(), &clips.dir).await;
    let err = failure(result, "a directory");
    assert_eq!(err.kind, FailureKind::Io, "{}", err.message);
    assert!(
        err.message.contains("cannot read source"),
        "{}",
        err.message
    );
}

#[tokio::test]
async fn a_video_the_catalog_does_not_know_fails_without_leaving_facts() {
    let clips = Clips::new("meta-unknown");
    let path = clips.known_clip("known.mp4", false);
    let store = Arc::new(heimdex_core::memory::MemoryStore::new());
    let video = VideoId::new_v4();
    let (result, ctx) = run_stage(&Metadata::new(store), video, &path).await;
    let err = failure(result, "unknown video");
    assert_eq!(err.kind, FailureKind::Input, "{}", err.message);
    assert!(err.message.contains(&video.to_string()), "{}", err.message);
    assert!(ctx.get::<MediaFacts>().is_none());
}

#[tokio::test]
async fn a_stream_without_a_declared_duration_is_measured_from_its_packets() {
    let clips = Clips::new("meta-raw");
    let mp4 = clips.known_clip("known.mp4", false);
    let mp4 = mp4.to_str().unwrap();
    let h264 = clips.ffmpeg("known.h264", &["-i", mp4, "-map", "0:v", "-c", "copy"]);
    let hevc = clips.ffmpeg(
        "known.hevc",
        &["-i", mp4, "-map", "0:v", "-c:v", "libx265", "-r", "30"],
    );
    for (path, codec, fps) in [(h264, "h264", FPS), (hevc, "hevc", 30.0)] {
        let (store, video) = store_with_video(&path).await;
        let (result, ctx) = run_stage(&Metadata::new(store.clone()), video, &path).await;
        result.unwrap_or_else(|err| panic!("{codec}: {}", err.message));
        let facts = ctx.get::<MediaFacts>().unwrap();
        // 100 frames at 25 fps, or 120 at 30: exactly 4 s either way.
        assert!((facts.duration_s - 4.0).abs() < 1e-9, "{codec}: {facts:?}");
        assert_eq!(facts.frame_rate, Some(fps), "{codec}");
        assert_eq!((facts.width, facts.height), (1280, 720), "{codec}");
        assert_eq!(facts.video_codec, codec);
        let row = store.video(video).await.unwrap().unwrap();
        assert_eq!(row.duration_s, Some(facts.duration_s), "{codec}");
    }

    // A WebM written as a live stream (as browsers record) has timestamps but no duration, and
    // here a variable frame rate: 60 frames at 30 fps, then 20 at 10 fps. The span of its
    // timestamps says 4 s, where counting frames at the declared 30 fps would say 2.7 s.
    let live = clips.ffmpeg(
        "live.webm",
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc=s=320x240:r=30:d=4",
            "-vf",
            "setpts='if(lt(N,60),N/30,2+(N-60)/10)/TB'",
            "-fps_mode",
            "vfr",
            "-frames:v",
            "80",
            "-c:v",
            "libvpx",
            "-deadline",
            "realtime",
            "-live",
            "1",
        ],
    );
    let (store, video) = store_with_video(&live).await;
    let (result, ctx) = run_stage(&Metadata::new(store), video, &live).await;
    result.unwrap_or_else(|err| panic!("live webm: {}", err.message));
    let duration = ctx.get::<MediaFacts>().unwrap().duration_s;
    // The last frame's own length is a guess (one interval of the declared rate).
    assert!((3.9..=4.01).contains(&duration), "live webm: {duration}");

    // Counted, a single frame is still a still image.
    let one = clips.one_frame("one.mp4");
    let one = clips.ffmpeg("one.h264", &["-i", one.to_str().unwrap(), "-c", "copy"]);
    let store = Arc::new(heimdex_core::memory::MemoryStore::new());
    let (result, _) = run_stage(&Metadata::new(store), VideoId::new_v4(), &one).await;
    let err = failure(result, "a one-frame raw stream");
    assert!(
        err.message.contains("single video frame"),
        "{}",
        err.message
    );
}
