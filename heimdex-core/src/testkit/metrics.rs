//! The metrics conformance suite: the golden rows of docs/spec.md#golden-data in, its numbers out.

use super::assert::assert_same;
use super::golden::{Golden, ALICE, BOB, CAROL};
use super::TestStore;
use crate::catalog::Store;
use crate::error::Error;
use crate::ids::UserId;
use crate::query::{Bucket, Page, UserSort, Window};
use crate::time::{self, Timestamp};

pub use super::sink::sink_conformance;

/// Imports [`Golden`] into `store`, which must be empty, and checks every metric against contract
/// §6 (floats within 1e-9 relative; timestamps, days and order exactly), over 7 and 30 days.
/// Panics on the first metric that differs, naming it.
///
/// Checks beyond the contract's list: throughput v1, the search series, the stage latency of the
/// golden stage rows, every sort key and paging of the users list, and the user detail of every
/// golden user and `NotFound` for an unknown one.
pub async fn metrics_conformance(store: &dyn TestStore) {
    metrics_conformance_at(store, time::now()).await;
}

/// [`metrics_conformance`] with the golden rows placed relative to `now`: for a store whose clock
/// is not the system clock (it must read within an hour of `now` while the suite runs).
pub async fn metrics_conformance_at(store: &dyn TestStore, now: Timestamp) {
    let golden = Golden::new(now);
    store
        .import(&golden.dataset)
        .await
        .expect("importing the golden rows");
    store.flush().await.expect("flush");

    let overview = store.overview().await.expect("overview");
    assert_same(&overview, &Golden::expected_overview(), "overview");

    for window in [Window::seven_days(), Window::thirty_days()] {
        let w = |metric: &str| format!("{metric} ({window})");
        let got = store.latency(window).await.expect("latency");
        assert_same(&got, &Golden::expected_latency(), &w("latency"));
        let got = store.rtf(window).await.expect("rtf");
        assert_same(&got, &Golden::expected_rtf(), &w("rtf"));
        let got = store.queue(window).await.expect("queue");
        assert_same(&got, &Golden::expected_queue(), &w("queue"));
        let got = store
            .failures_by_stage(window)
            .await
            .expect("failures by stage");
        assert_same(&got, &Golden::expected_failures(), &w("failures by stage"));
        let got = store.throughput_v2(window).await.expect("throughput v2");
        assert_same(&got, &golden.expected_throughput_v2(), &w("throughput v2"));
        let got = store
            .throughput(window, Bucket::Day)
            .await
            .expect("throughput");
        assert_same(&got, &golden.expected_throughput(), &w("throughput"));
        let got = store.stage_latency(window).await.expect("stage latency");
        assert_same(&got, &Golden::expected_stage_latency(), &w("stage latency"));
    }

    for (window, days) in [(Window::seven_days(), 3), (Window::thirty_days(), 4)] {
        let want = golden.expected_search_series(window);
        assert_eq!(want.len(), days, "golden search days ({window})");
        let got = store
            .search_series(window, Bucket::Day)
            .await
            .expect("search series");
        assert_same(&got, &want, &format!("search series ({window})"));
    }

    check_users(store, &golden).await;
    for user in [ALICE, BOB, CAROL] {
        let got = store.user_detail(user).await.expect("user detail");
        let want = golden.expected_user_detail(user).expect("a golden user");
        assert_same(&got, &want, &format!("user detail of {user}"));
    }
    let unknown = store.user_detail(UserId::new_v4()).await;
    assert!(
        matches!(unknown, Err(Error::NotFound { .. })),
        "user detail of an unknown user must be NotFound, got {unknown:?}"
    );
}

/// The users list over 7 days: every sort key, and pages of one.
async fn check_users(store: &dyn Store, golden: &Golden) {
    let want = golden.expected_users_7d();
    let [bob, alice, carol] = [&want[0], &want[1], &want[2]].map(Clone::clone);
    let orders = [
        (
            UserSort::LastActivity,
            vec![bob.clone(), alice.clone(), carol.clone()],
        ),
        // Bob and Carol tie at zero: user_id ascending puts Bob (b0b…) before Carol (ca2…).
        (
            UserSort::HoursReady,
            vec![alice.clone(), bob.clone(), carol.clone()],
        ),
        (
            UserSort::VideosReady,
            vec![alice.clone(), bob.clone(), carol.clone()],
        ),
        (UserSort::Searches7d, vec![alice, bob, carol]),
    ];
    for (sort, items) in orders {
        let got = store
            .users(Window::seven_days(), Page::default(), sort)
            .await
            .expect("users");
        assert_eq!(
            (got.page, got.page_size, got.total_users),
            (1, 50, 3),
            "users page ({sort})"
        );
        assert_same(&got.items, &items, &format!("users sorted by {sort}"));
    }
    for (page, want) in [(1, Some(&want[0])), (3, Some(&want[2])), (4, None)] {
        let got = store
            .users(
                Window::seven_days(),
                Page::new(page, 1).expect("page"),
                UserSort::LastActivity,
            )
            .await
            .expect("users page");
        assert_eq!(
            (got.page, got.page_size, got.total_users),
            (page, 1, 3),
            "users page {page}"
        );
        assert_same(
            &got.items,
            &want.cloned().into_iter().collect(),
            &format!("users page {page} of 1"),
        );
    }
}
