//! The users list: one summary per profile, sorted and paged.

use std::cmp::Ordering;
use std::collections::HashMap;

use super::{hours, Mean};
use crate::ids::UserId;
use crate::query::{Page, UserSort, UserSummary, UsersPage, Window};
use crate::record::{SearchRecord, UserProfile, VideoRecord};
use crate::status::VideoStatus;
use crate::time::Timestamp;

/// One user's aggregates, each computed on its own table (no videos × searches join).
#[derive(Default)]
pub(super) struct Activity {
    videos_total: u64,
    videos_ready: u64,
    ready_s: f64,
    last_activity: Option<Timestamp>,
    searches: u64,
    latency: Mean,
}

impl Activity {
    pub(super) fn video(&mut self, v: &VideoRecord) {
        self.videos_total += 1;
        if v.status == VideoStatus::Ready {
            self.videos_ready += 1;
            self.ready_s += v.duration_s.unwrap_or(0.0);
        }
        self.seen(v.updated_at);
    }

    pub(super) fn search(&mut self, s: &SearchRecord, window: Window, now: Timestamp) {
        if window.contains(s.created_at, now) {
            self.searches += 1;
            self.latency.add_opt(s.latency_ms.map(f64::from));
        }
        self.seen(s.created_at);
    }

    fn seen(&mut self, at: Timestamp) {
        self.last_activity = self.last_activity.max(Some(at));
    }

    pub(super) fn summary(&self, profile: &UserProfile) -> UserSummary {
        UserSummary {
            user_id: profile.user_id,
            full_name: profile.full_name.clone(),
            videos_total: self.videos_total,
            videos_ready: self.videos_ready,
            hours_ready: hours(self.ready_s),
            last_activity: self.last_activity,
            searches_7d: self.searches,
            avg_latency_ms_7d: self.latency.get(),
        }
    }
}

/// One page of per-user summaries (docs/spec.md#users).
///
/// One row per profile (`total_users` = number of profiles). All time, over the user's own videos:
/// `videos_total`, `videos_ready`, `hours_ready` (READY `duration_s` sum / 3600). `last_activity` =
/// latest of the user's videos' `updated_at` and searches' `created_at`, all time (`None` when
/// neither exists). Over the window (`created_at >= now - N days`): `searches_7d` and
/// `avg_latency_ms_7d` (null latencies skipped). Sorted by `sort` descending, nulls last, ties by
/// `user_id` ascending (UUID byte order), then `page.offset()` rows skipped and `page_size` kept.
/// A `-0.0`/`0.0` hours tie is a tie; a NaN sorts first, as PostgreSQL sorts NaN above every number.
///
/// SQL equivalent:
/// ```sql
/// WITH v AS (SELECT owner_id, count(*) AS videos_total,
///                   count(*) FILTER (WHERE status = 'READY') AS videos_ready,
///                   COALESCE(sum(duration_s) FILTER (WHERE status = 'READY'), 0) / 3600.0 AS hours_ready,
///                   max(updated_at) AS last_video
///            FROM videos GROUP BY owner_id),
///      s AS (SELECT user_id, max(created_at) AS last_search,
///                   count(*) FILTER (WHERE created_at >= now() - make_interval(days => N)) AS searches_7d,
///                   avg(latency_ms) FILTER (WHERE created_at >= now() - make_interval(days => N)) AS avg_latency_ms_7d
///            FROM search_queries WHERE user_id IS NOT NULL GROUP BY user_id)
/// SELECT p.user_id, p.full_name, COALESCE(v.videos_total, 0), COALESCE(v.videos_ready, 0),
///        COALESCE(v.hours_ready, 0), GREATEST(v.last_video, s.last_search) AS last_activity,
///        COALESCE(s.searches_7d, 0), s.avg_latency_ms_7d
/// FROM user_profiles p
/// LEFT JOIN v ON v.owner_id = p.user_id LEFT JOIN s ON s.user_id = p.user_id
/// ORDER BY <sort key> DESC NULLS LAST, p.user_id ASC
/// LIMIT page_size OFFSET (page - 1) * page_size;
/// -- total_users: SELECT count(*) FROM user_profiles
/// ```
pub fn users(
    profiles: &[UserProfile],
    videos: &[VideoRecord],
    searches: &[SearchRecord],
    window: Window,
    page: Page,
    sort: UserSort,
    now: Timestamp,
) -> UsersPage {
    let mut activity: HashMap<UserId, Activity> = HashMap::new();
    for v in videos {
        activity.entry(v.owner_id).or_default().video(v);
    }
    for s in searches {
        if let Some(user) = s.user_id {
            activity.entry(user).or_default().search(s, window, now);
        }
    }
    let none = Activity::default();
    let mut rows: Vec<UserSummary> = profiles
        .iter()
        .map(|p| activity.get(&p.user_id).unwrap_or(&none).summary(p))
        .collect();
    rows.sort_by(|a, b| compare(a, b, sort));
    let offset = usize::try_from(page.offset()).unwrap_or(usize::MAX);
    let items = rows
        .into_iter()
        .skip(offset)
        .take(page.page_size() as usize)
        .collect();
    UsersPage {
        items,
        page: page.page(),
        page_size: page.page_size(),
        total_users: profiles.len() as u64,
    }
}

/// `sort` descending with nulls last, then `user_id` ascending.
fn compare(a: &UserSummary, b: &UserSummary, sort: UserSort) -> Ordering {
    let key = match sort {
        // `Some` sorts above `None`, so descending order puts nulls last.
        UserSort::LastActivity => b.last_activity.cmp(&a.last_activity),
        UserSort::HoursReady => plus_zero(b.hours_ready).total_cmp(&plus_zero(a.hours_ready)),
        UserSort::VideosReady => b.videos_ready.cmp(&a.videos_ready),
        UserSort::Searches7d => b.searches_7d.cmp(&a.searches_7d),
    };
    key.then_with(|| a.user_id.cmp(&b.user_id))
}

/// `-0.0` as `0.0`, so that `total_cmp` treats them as the tie SQL sees.
fn plus_zero(x: f64) -> f64 {
    if x == 0.0 {
        0.0
    } else {
        x
    }
}

#[cfg(test)]
#[path = "users_tests.rs"]
mod tests;
