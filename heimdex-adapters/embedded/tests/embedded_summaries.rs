//! The overview, users list and user detail, which the embedded store aggregates in SQL, against
//! the core's summaries over all rows (the naive reference): many users with tied sort keys, every
//! page, every detail; and rows with a column these answers never read that does not decode.

mod embedded_support;

use chrono::TimeDelta;
use embedded_support::{file_store, same_json, t0, TempDir};
use heimdex_core::record::{Dataset, SearchRecord, UserProfile, VideoRecord};
use heimdex_core::testkit::Import;
use heimdex_core::time::Timestamp;
use heimdex_core::{stats, Error, Page, SearchId, UserId, UserSort, VideoId, VideoStatus, Window};
use heimdex_core::{PerformanceMetrics, UsageMetrics};
use heimdex_embedded::EmbeddedStore;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const WINDOWS: [u16; 4] = [1, 7, 30, 365];

/// A time that is often shared with other rows (ties) or on a window's edge, else random.
fn instant(rng: &mut StdRng) -> Timestamp {
    let shared = [1, 2, 7, 30].map(|d| t0() - TimeDelta::days(d));
    match rng.gen_range(0..10) {
        0..3 => shared[rng.gen_range(0..shared.len())],
        3 => {
            let w = Window::new(WINDOWS[rng.gen_range(0..WINDOWS.len())]).unwrap();
            w.start(t0()) - TimeDelta::microseconds(rng.gen_range(0..2))
        }
        _ => t0() - TimeDelta::microseconds(rng.gen_range(0..400 * 86_400_000_000)),
    }
}

fn search(user: Option<UserId>, latency_ms: Option<i32>, created_at: Timestamp) -> SearchRecord {
    SearchRecord {
        id: SearchId::new_v4(),
        user_id: user,
        video_id: None,
        query_text: "q".into(),
        results_count: Some(1),
        latency_ms,
        created_at,
    }
}

/// `users` profiles: a quarter without rows, a quarter with videos only, a quarter with searches
/// only, the rest with both; few distinct counts, durations and times, so sort keys tie often.
/// The first user crosses the detail's caps (30 videos, 70 searches) with tied times.
fn dataset(seed: u64, users: usize) -> Dataset {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut data = Dataset::default();
    for i in 0..users {
        let user = UserId::new_v4();
        data.profiles.push(UserProfile {
            user_id: user,
            full_name: format!("user {i}"),
            created_at: t0(),
            updated_at: t0(),
        });
        let (videos, searches) = match i % 4 {
            0 if i == 0 => (30, 70),
            0 => (0, 0),
            1 => (rng.gen_range(1..6), 0),
            2 => (0, rng.gen_range(1..8)),
            _ => (rng.gen_range(1..6), rng.gen_range(1..8)),
        };
        for _ in 0..videos {
            let mut v = VideoRecord::pending(VideoId::new_v4(), user, "/v.mp4", t0());
            v.status = [
                VideoStatus::Ready,
                VideoStatus::Ready,
                VideoStatus::Failed,
                VideoStatus::Pending,
                VideoStatus::Processing,
            ][rng.gen_range(0..5)];
            v.duration_s = [
                None,
                Some(0.0),
                Some(1800.0),
                Some(rng.gen_range(1.0..7200.0)),
            ][rng.gen_range(0..4)];
            v.updated_at = instant(&mut rng);
            data.videos.push(v);
        }
        for _ in 0..searches {
            let latency = rng.gen_bool(0.8).then(|| rng.gen_range(1..2_000));
            data.searches
                .push(search(Some(user), latency, instant(&mut rng)));
        }
    }
    for _ in 0..200 {
        let latency = rng.gen_bool(0.8).then(|| rng.gen_range(1..2_000));
        data.searches.push(search(None, latency, instant(&mut rng)));
    }
    data
}

fn page(number: u32, size: u32) -> Page {
    Page::new(number, size).unwrap()
}

/// The overview, every page of 100 and of 7 (and one past the end) for every window and sort key,
/// and every user's detail equal the core's summaries over all rows.
async fn equals_the_core_over_all_rows(store: &EmbeddedStore, data: &Dataset) {
    let (v, s, p, now) = (&data.videos, &data.searches, &data.profiles, t0());
    let check =
        |what: String, got: Result<(), String>| got.unwrap_or_else(|e| panic!("{what}: {e}"));
    let overview = store.overview().await.unwrap();
    check(
        "overview".into(),
        same_json(&overview, &stats::overview(v, s, now)),
    );
    let users = p.len() as u32;
    for days in WINDOWS {
        let w = Window::new(days).unwrap();
        for sort in UserSort::ALL {
            let pages = (1..=users.div_ceil(100) + 1)
                .map(|n| page(n, 100))
                .chain((1..=users.div_ceil(7) + 1).map(|n| page(n, 7)));
            for pg in pages {
                let got = store.users(w, pg, sort).await.unwrap();
                let want = stats::users(p, v, s, w, pg, sort, now);
                check(format!("users {w} {sort} {pg:?}"), same_json(&got, &want));
            }
        }
    }
    for profile in p {
        let got = store.user_detail(profile.user_id).await.unwrap();
        let want = stats::user_detail(profile, v, s, now);
        check(
            format!("detail {}", profile.full_name),
            same_json(&got, &want),
        );
    }
}

#[tokio::test]
async fn many_users_with_tied_keys_give_every_page_and_detail_the_core_gives() {
    for (seed, users) in [(11, 403), (12, 57)] {
        let dir = TempDir::new();
        let store = file_store(&dir).await;
        let data = dataset(seed, users);
        store.import(&data).await.unwrap();
        equals_the_core_over_all_rows(&store, &data).await;
    }
}

#[tokio::test]
async fn an_empty_store_and_profiles_without_rows_give_the_core_answers() {
    let dir = TempDir::new();
    let store = file_store(&dir).await;
    equals_the_core_over_all_rows(&store, &Dataset::default()).await;
    let data = dataset(13, 4).profiles[1..2].to_vec(); // one user with videos, none imported
    let only_profiles = Dataset {
        profiles: data,
        ..Dataset::default()
    };
    store.import(&only_profiles).await.unwrap();
    equals_the_core_over_all_rows(&store, &only_profiles).await;
}

/// The overview, users list and detail read only what they aggregate or list: a finished video
/// whose `queued_at` is no valid time and a search whose `id` is no uuid (possible only by hand)
/// leave their answers intact, while a metric that reads those rows still reports them.
#[tokio::test]
async fn answers_ignore_a_column_they_never_read_that_does_not_decode() {
    let dir = TempDir::new();
    let store = file_store(&dir).await;
    let data = dataset(14, 40);
    store.import(&data).await.unwrap();
    let finished = data.videos.iter().find(|v| v.status == VideoStatus::Ready);
    // A search whose time no other search of its user shares, so its new id changes no order.
    let searched = data.searches.iter().find(|s| {
        s.user_id.is_some()
            && !data
                .searches
                .iter()
                .any(|o| o.id != s.id && o.user_id == s.user_id && o.created_at == s.created_at)
    });
    let (video, search) = (finished.unwrap(), searched.unwrap());
    sqlx::query(
        "UPDATE videos SET queued_at = 9223372036854775807, processing_finished_at = ?1 \
         WHERE id = ?2",
    )
    .bind(t0().timestamp_micros())
    .bind(video.id.0.hyphenated().to_string())
    .execute(store.pool())
    .await
    .unwrap();
    sqlx::query("UPDATE search_queries SET id = 'not-a-uuid' WHERE id = ?1")
        .bind(search.id.0.hyphenated().to_string())
        .execute(store.pool())
        .await
        .unwrap();
    let queue = store.queue(Window::seven_days()).await;
    assert!(matches!(queue, Err(Error::Backend { .. })), "{queue:?}");
    let mut reference = data.clone();
    let finished_now = reference.videos.iter_mut().find(|v| v.id == video.id);
    finished_now.unwrap().processing_finished_at = Some(t0());
    equals_the_core_over_all_rows(&store, &reference).await;
}
