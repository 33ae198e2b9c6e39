//! [`scenes_conformance`]: the [`SceneIndex`](crate::SceneIndex) rules every store must keep.

use crate::error::Error;
use crate::record::{NewProfile, NewVideo};
use crate::scenes::SceneRecord;
use crate::{PerceptualHash, Store, TimingEvent, UserId, VideoId};

fn scene(index: u32, start_s: f64, end_s: f64, text: &str) -> SceneRecord {
    SceneRecord {
        index,
        start_s,
        end_s,
        transcript: text.to_owned(),
        keyframes: vec![
            format!("/keyframes/{index}-0.jpg"),
            format!("/keyframes/{index}-1.jpg"),
        ],
        quality: Some(0.25 + f64::from(index) / 8.0),
        embedding: Some(vec![0.5, -0.25, f32::MIN_POSITIVE, 1.0e-7 * index as f32]),
        // Odd scenes have none, so a store that mixes the two columns up shows it.
        image_embedding: index
            .is_multiple_of(2)
            .then(|| vec![-0.125, 0.75, f32::MAX, index as f32]),
        // Every third scene has none; the others use the top bit, which a signed column keeps
        // as a negative number.
        perceptual_hash: (index % 3 != 1)
            .then(|| PerceptualHash(0x8000_0000_0000_0000 | u64::from(index) << 7 | 0x5a)),
    }
}

/// Checks, on an empty or populated store: scenes round-trip exactly (times, text, keyframes,
/// quality, text and image embeddings, perceptual hash) and come back by index, 2,500 of them
/// as well as three; replacing gives exactly the new set (fewer scenes remove the rest; nothing
/// is duplicated); another video's scenes are untouched; an unknown
/// video is `NotFound`; a bad set (end before start, an index twice) is `InvalidInput` and
/// changes nothing; an empty set clears the video's scenes; a pipeline's write for an attempt older
/// than the video's latest is `Conflict` and changes nothing.
pub async fn scenes_conformance(store: &dyn Store) {
    let owner = UserId::new_v4();
    let profile = NewProfile {
        user_id: owner,
        full_name: "Scene owner".into(),
    };
    store.upsert_profile(profile).await.expect("profile");
    let mut videos = Vec::new();
    for name in ["a.mp4", "b.mp4"] {
        let video = NewVideo {
            id: None,
            owner_id: owner,
            storage_path: name.into(),
            filename: None,
        };
        videos.push(store.create_video(video).await.expect("video"));
    }
    let (a, b) = (videos[0], videos[1]);

    let first = vec![
        scene(2, 7.5, 12.04, "and then"),
        scene(0, 0.0, 3.2, "héllo wörld"),
        scene(1, 3.2, 7.5, ""),
    ];
    store.replace_scenes(a, &first).await.expect("first set");
    store.replace_scenes(b, &first[..1]).await.expect("b's set");
    let mut expected = first.clone();
    expected.sort_by_key(|s| s.index);
    assert_eq!(
        store.scenes(a).await.unwrap(),
        expected,
        "round trip by index"
    );

    // A long recording: more scenes than a store may write in one statement, in reverse.
    let long: Vec<SceneRecord> = (0..2_500)
        .rev()
        .map(|i| scene(i, f64::from(i), f64::from(i) + 1.0, "long"))
        .collect();
    store.replace_scenes(a, &long).await.expect("a long set");
    let mut in_order = long.clone();
    in_order.sort_by_key(|s| s.index);
    assert_eq!(
        store.scenes(a).await.unwrap(),
        in_order,
        "every scene, by index"
    );

    let second = vec![scene(0, 0.0, 5.0, "re-run"), scene(1, 5.0, 12.04, "")];
    store.replace_scenes(a, &second).await.expect("re-run");
    assert_eq!(store.scenes(a).await.unwrap(), second, "a re-run replaces");
    assert_eq!(
        store.scenes(b).await.unwrap(),
        first[..1],
        "other video untouched"
    );

    let unknown = store.replace_scenes(VideoId::new_v4(), &second).await;
    assert!(
        matches!(unknown, Err(Error::NotFound { .. })),
        "{unknown:?}"
    );
    assert!(store.scenes(VideoId::new_v4()).await.unwrap().is_empty());

    for bad in [
        vec![scene(0, 2.0, 1.0, "backwards")],
        vec![scene(0, 0.0, 1.0, ""), scene(0, 1.0, 2.0, "")],
    ] {
        let err = store.replace_scenes(a, &bad).await;
        assert!(matches!(err, Err(Error::InvalidInput(_))), "{err:?}");
        assert_eq!(
            store.scenes(a).await.unwrap(),
            second,
            "a bad set changes nothing"
        );
    }

    store.replace_scenes(a, &[]).await.expect("clear");
    assert!(store.scenes(a).await.unwrap().is_empty());
    stale_attempts_are_fenced(store, b).await;
}

/// A pipeline's write for attempt 2 works until attempt 3 has started; then it is `Conflict`
/// and the scenes stay those of attempt 3.
async fn stale_attempts_are_fenced(store: &dyn Store, video: VideoId) {
    let two = vec![scene(0, 0.0, 1.0, "attempt two")];
    store
        .replace_scenes_of_attempt(video, 2, &two)
        .await
        .expect("the current attempt writes its scenes");
    store.record(TimingEvent::JobStarted {
        video,
        attempt: 3,
        at: crate::time::now(),
    });
    store.flush().await.expect("flush");
    let three = vec![scene(0, 0.0, 2.0, "attempt three")];
    store
        .replace_scenes_of_attempt(video, 3, &three)
        .await
        .expect("the newer attempt writes its scenes");
    let late = store.replace_scenes_of_attempt(video, 2, &two).await;
    assert!(
        matches!(late, Err(Error::Conflict(_))),
        "a replaced attempt's scenes are refused: {late:?}"
    );
    assert_eq!(
        store.scenes(video).await.unwrap(),
        three,
        "the newer attempt's scenes stay"
    );
}
