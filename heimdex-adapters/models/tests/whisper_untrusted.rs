//! The `transcription` stage opens its source as the media stages do: a playlist naming a real
//! video with audio is refused unread (needs the model: scripts/setup-whisper; without it the
//! test skips with a note, or fails under CI).

mod whisper_support;

use heimdex_core::{FailureKind, Job, JobContext, Stage, VideoId};
use heimdex_media::RefusedContainer;
use heimdex_models::whisper::Transcription;
use whisper_support::{config, model, Clips};

#[tokio::test]
async fn a_playlist_naming_a_video_with_audio_is_refused_by_the_audio_decode() {
    let model = model();
    let clips = Clips::new("playlist");
    clips.video_with_audio("seg.ts", "lavfi:sine=f=440:r=48000", 2.0, 1);
    let playlist = "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.0,\nseg.ts\n#EXT-X-ENDLIST\n";
    let stage = Transcription::new(config(&model));
    // Under its own name, and dressed as an MP4.
    for name in ["list.m3u8", "playlist.mp4"] {
        let path = clips.dir.join(name);
        std::fs::write(&path, playlist).unwrap();
        let mut ctx = JobContext::new(Job::new(VideoId::new_v4(), path.display().to_string()));
        let err = stage.run(&mut ctx).await.unwrap_err();
        assert_eq!(err.kind, FailureKind::Input, "{name}: {}", err.message);
        assert!(err.message.contains("audio"), "{name}: {}", err.message);
        assert!(err.message.contains(name), "{name}: {}", err.message);
        let refusal = err
            .source
            .as_ref()
            .and_then(|s| s.downcast_ref::<RefusedContainer>());
        let refusal = refusal.unwrap_or_else(|| panic!("{name}: not refused: {}", err.message));
        assert_eq!(refusal.demuxer, "hls", "{name}");
    }
}
