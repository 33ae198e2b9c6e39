//! Tests of the users list (kept beside `users.rs` to keep that file short).

use super::super::fixture::{ago, now, search, user, video, DAY};
use super::*;
use crate::status::VideoStatus::{Failed, Pending, Ready};

fn profile(n: u128, name: &str) -> UserProfile {
    UserProfile {
        user_id: user(n),
        full_name: name.into(),
        created_at: ago(400 * DAY),
        updated_at: ago(400 * DAY),
    }
}

fn owned(
    n: u128,
    owner: u128,
    status: VideoStatus,
    media_s: Option<f64>,
    updated_ago: i64,
) -> VideoRecord {
    let mut v = video(n, status);
    v.owner_id = user(owner);
    v.duration_s = media_s;
    v.updated_at = ago(updated_ago);
    v
}

fn everyone() -> (Vec<UserProfile>, Vec<VideoRecord>, Vec<SearchRecord>) {
    let profiles = vec![profile(3, "Carol"), profile(1, "Alice"), profile(2, "Bob")];
    let videos = vec![
        owned(1, 1, Ready, Some(3600.0), 2 * DAY),
        owned(2, 1, Ready, Some(1800.0), DAY),
        owned(3, 1, Failed, Some(999.0), DAY + 8),
        owned(4, 2, Pending, None, 60),
    ];
    let searches = vec![
        search(1, Some(user(1)), Some(100), DAY),
        search(2, Some(user(1)), Some(300), 2 * DAY),
        search(3, Some(user(1)), Some(1000), 20 * DAY),
        search(4, None, Some(50), 3 * DAY),
    ];
    (profiles, videos, searches)
}

fn page_of(sort: UserSort, page: Page) -> UsersPage {
    let (p, v, s) = everyone();
    users(&p, &v, &s, Window::seven_days(), page, sort, now())
}

#[test]
fn each_aggregate_is_computed_on_its_own_table() {
    let out = page_of(UserSort::LastActivity, Page::default());
    assert_eq!(out.total_users, 3);
    let alice = out.items.iter().find(|u| u.full_name == "Alice").unwrap();
    // Three videos and two searches in the window: no 3 × 3 join multiplication.
    assert_eq!(
        (alice.videos_total, alice.videos_ready, alice.hours_ready),
        (3, 2, 1.5)
    );
    assert_eq!(
        (alice.searches_7d, alice.avg_latency_ms_7d),
        (2, Some(200.0))
    );
    assert_eq!(alice.last_activity, Some(ago(DAY))); // the video and the search tie at −1d
    let bob = out.items.iter().find(|u| u.full_name == "Bob").unwrap();
    assert_eq!(
        (bob.videos_total, bob.videos_ready, bob.hours_ready),
        (1, 0, 0.0)
    );
    assert_eq!((bob.searches_7d, bob.avg_latency_ms_7d), (0, None));
    assert_eq!(bob.last_activity, Some(ago(60)));
    let carol = out.items.iter().find(|u| u.full_name == "Carol").unwrap();
    assert_eq!((carol.videos_total, carol.last_activity), (0, None));
}

#[test]
fn last_activity_counts_searches_outside_the_window() {
    let (p, v, s) = everyone();
    let only_old_search = [s[2].clone()];
    let out = users(
        &p,
        &v[3..],
        &only_old_search,
        Window::new(1).unwrap(),
        Page::default(),
        UserSort::LastActivity,
        now(),
    );
    let alice = out.items.iter().find(|u| u.full_name == "Alice").unwrap();
    assert_eq!(
        (alice.searches_7d, alice.last_activity),
        (0, Some(ago(20 * DAY)))
    );
}

#[test]
fn every_sort_is_descending_with_nulls_last_and_ties_by_id() {
    let names = |sort| -> Vec<String> {
        page_of(sort, Page::default())
            .items
            .into_iter()
            .map(|u| u.full_name)
            .collect()
    };
    assert_eq!(names(UserSort::LastActivity), ["Bob", "Alice", "Carol"]);
    assert_eq!(names(UserSort::HoursReady), ["Alice", "Bob", "Carol"]); // Bob and Carol tie at 0
    assert_eq!(names(UserSort::VideosReady), ["Alice", "Bob", "Carol"]);
    assert_eq!(names(UserSort::Searches7d), ["Alice", "Bob", "Carol"]);
}

#[test]
fn negative_zero_hours_tie_with_zero() {
    let a = UserSummary {
        user_id: user(2),
        full_name: "b".into(),
        videos_total: 0,
        videos_ready: 0,
        hours_ready: 0.0,
        last_activity: None,
        searches_7d: 0,
        avg_latency_ms_7d: None,
    };
    let b = UserSummary {
        user_id: user(1),
        hours_ready: -0.0,
        ..a.clone()
    };
    assert_eq!(compare(&a, &b, UserSort::HoursReady), Ordering::Greater); // decided by user_id
}

#[test]
fn pages_slice_the_sorted_list() {
    let second = page_of(UserSort::LastActivity, Page::new(2, 1).unwrap());
    assert_eq!(
        (second.page, second.page_size, second.total_users),
        (2, 1, 3)
    );
    assert_eq!(second.items.len(), 1);
    assert_eq!(second.items[0].full_name, "Alice");
    let beyond = page_of(UserSort::LastActivity, Page::new(4, 1).unwrap());
    assert!(beyond.items.is_empty());
    assert_eq!(beyond.total_users, 3);
}

#[test]
fn no_profiles_no_rows_even_with_videos() {
    let (_, v, s) = everyone();
    let out = users(
        &[],
        &v,
        &s,
        Window::seven_days(),
        Page::default(),
        UserSort::LastActivity,
        now(),
    );
    assert_eq!((out.items.len(), out.total_users), (0, 0));
}
