//! Comparing two [`MetricsQuery`] implementations metric by metric.

use super::assert::assert_same;
use crate::query::{Bucket, MetricsQuery, Page, UserSort, Window};

/// Panics unless `a` and `b` give the same answer to every metric over every window in
/// `windows`: floats within 1e-9 relative, counts, timestamps, days and order exactly.
///
/// Compares the overview, both throughputs, the search series, latency, RTF, queue, failures by
/// stage and stage latency per window; the users list per window for every sort key, in pages of
/// 100 and in pages of 7 (pages 1, 2 and the last); and the detail of up to 25 users (every 4th
/// of the list sorted by `last_activity`). Both stores must hold the same rows and be queried
/// within a minute of each other (see [`random_dataset`](super::random_dataset)).
pub async fn assert_same_answers(a: &dyn MetricsQuery, b: &dyn MetricsQuery, windows: &[Window]) {
    assert_same(
        &a.overview().await.expect("overview a"),
        &b.overview().await.expect("overview b"),
        "overview",
    );
    for &w in windows {
        macro_rules! same {
            ($name:literal, $call:ident($($arg:expr),*)) => {
                assert_same(
                    &a.$call($($arg),*).await.expect(concat!($name, " a")),
                    &b.$call($($arg),*).await.expect(concat!($name, " b")),
                    &format!("{} ({w})", $name),
                )
            };
        }
        same!("throughput", throughput(w, Bucket::Day));
        same!("search series", search_series(w, Bucket::Day));
        same!("latency", latency(w));
        same!("rtf", rtf(w));
        same!("queue", queue(w));
        same!("failures by stage", failures_by_stage(w));
        same!("throughput v2", throughput_v2(w));
        same!("stage latency", stage_latency(w));
        for sort in UserSort::ALL {
            let first = a.users(w, page(1, 100), sort).await.expect("users a");
            let pages_of_100 = first.total_users.div_ceil(100).max(1) as u32;
            let pages_of_7 = first.total_users.div_ceil(7).max(1) as u32;
            let mut pages: Vec<Page> = (1..=pages_of_100).map(|p| page(p, 100)).collect();
            pages.extend([page(1, 7), page(2, 7), page(pages_of_7, 7)]);
            for p in pages {
                same!("users", users(w, p, sort));
            }
        }
    }
    let listed = a
        .users(Window::seven_days(), page(1, 100), UserSort::LastActivity)
        .await
        .expect("users a");
    for user in listed.items.iter().step_by(4).take(25) {
        let (da, db) = (
            a.user_detail(user.user_id).await,
            b.user_detail(user.user_id).await,
        );
        assert_same(
            &da.expect("detail a"),
            &db.expect("detail b"),
            &format!("user detail of {}", user.user_id),
        );
    }
}

fn page(number: u32, size: u32) -> Page {
    Page::new(number, size).expect("a valid page")
}
