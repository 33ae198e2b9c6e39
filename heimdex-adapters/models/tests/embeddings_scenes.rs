//! Scene transcripts and their embeddings: [`embed_scenes`] and the `scene_processing` stage.

mod embeddings_support;

use embeddings_support::{embed, embedder};
use heimdex_core::{
    FailureKind, IndexedScenes, Job, JobContext, SceneRecord, Stage, StageName, VideoId,
};
use heimdex_models::embeddings::{embed_scenes, SceneProcessing, TranscriptSegments};

fn segments() -> Vec<(f64, f64, String)> {
    vec![
        (0.5, 3.0, "A dog runs in the park.".to_owned()),
        (3.5, 6.0, "It catches the ball.".to_owned()),
        (12.0, 14.0, "The quarterly tax report is due.".to_owned()),
    ]
}

fn three_scenes() -> Vec<SceneRecord> {
    vec![
        SceneRecord::new(0, 0.0, 5.0),
        SceneRecord::new(1, 5.0, 10.0),
        SceneRecord::new(2, 10.0, 15.0),
    ]
}

#[tokio::test]
async fn each_scene_gets_its_slice_and_the_slice_embedding() {
    let embedder = embedder();
    let mut scenes = three_scenes();
    embed_scenes(&embedder, &mut scenes, &segments())
        .await
        .unwrap();
    let texts: Vec<&str> = scenes.iter().map(|s| s.transcript.as_str()).collect();
    assert_eq!(
        texts,
        [
            "A dog runs in the park. It catches the ball.",
            "It catches the ball.",
            "The quarterly tax report is due."
        ]
    );
    let alone = embed(&embedder, &texts).await;
    for (scene, want) in scenes.iter().zip(&alone) {
        let got = scene
            .embedding
            .as_ref()
            .expect("a spoken scene has an embedding");
        let diff = got
            .iter()
            .zip(want)
            .map(|(a, b)| (a - b).abs())
            .fold(0f32, f32::max);
        assert!(
            diff < 1e-5,
            "scene {}: largest difference {diff}",
            scene.index
        );
    }
}

#[tokio::test]
async fn the_stage_leaves_indexed_scenes_and_silent_scenes_have_no_embedding() {
    let embedder = embedder();
    let stage = SceneProcessing::new(embedder);
    assert_eq!(stage.name(), StageName::SCENE_PROCESSING);
    let mut ctx = JobContext::new(Job::new(VideoId::new_v4(), "unused.mp4"));
    let mut scenes = three_scenes();
    scenes.push(SceneRecord::new(3, 15.0, 20.0));
    scenes[1].quality = Some(0.5);
    ctx.insert(IndexedScenes(scenes));
    ctx.insert(TranscriptSegments(segments()));
    stage.run(&mut ctx).await.unwrap();

    let IndexedScenes(out) = ctx.get::<IndexedScenes>().unwrap();
    assert_eq!(out.len(), 4);
    assert_eq!(out[1].quality, Some(0.5), "other fields are kept");
    assert_eq!(out[3].transcript, "");
    assert_eq!(out[3].embedding, None);
    assert!(out[..3].iter().all(|s| s.embedding.is_some()));
}

#[tokio::test]
async fn without_a_transcript_no_scene_is_embedded() {
    let embedder = embedder();
    let mut ctx = JobContext::new(Job::new(VideoId::new_v4(), "unused.mp4"));
    ctx.insert(IndexedScenes(three_scenes()));
    SceneProcessing::new(embedder).run(&mut ctx).await.unwrap();
    let IndexedScenes(out) = ctx.get::<IndexedScenes>().unwrap();
    assert!(out
        .iter()
        .all(|s| s.transcript.is_empty() && s.embedding.is_none()));
}

#[tokio::test]
async fn without_scenes_the_stage_fails_as_internal() {
    let embedder = embedder();
    let mut ctx = JobContext::new(Job::new(VideoId::new_v4(), "unused.mp4"));
    let err = SceneProcessing::new(embedder)
        .run(&mut ctx)
        .await
        .unwrap_err();
    assert_eq!(err.kind, FailureKind::Internal);
    assert!(err.message.contains("no scenes"), "{}", err.message);
}

/// With the `whisper` feature the stage reads `transcription`'s transcript itself.
#[cfg(feature = "whisper")]
#[tokio::test]
async fn the_stage_reads_the_whisper_transcript() {
    use heimdex_models::whisper::{Segment, Transcript};
    let embedder = embedder();
    let mut ctx = JobContext::new(Job::new(VideoId::new_v4(), "unused.mp4"));
    ctx.insert(IndexedScenes(three_scenes()));
    let pieces = segments()
        .into_iter()
        .map(|(start_s, end_s, text)| Segment {
            start_s,
            end_s,
            text,
            no_speech_prob: 0.0,
        });
    ctx.insert(Transcript::new(pieces.collect(), Some("en".to_owned())));
    SceneProcessing::new(embedder).run(&mut ctx).await.unwrap();
    let IndexedScenes(out) = ctx.get::<IndexedScenes>().unwrap();
    assert_eq!(out[2].transcript, "The quarterly tax report is due.");
    assert!(out.iter().all(|s| s.embedding.is_some()));
}
