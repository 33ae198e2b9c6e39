//! One user's detail: the users-list summary over 7 days, plus recent videos and searches.

use super::users::Activity;
use crate::query::{RecentSearch, RecentVideo, UserDetail, Window};
use crate::record::{SearchRecord, UserProfile, VideoRecord};
use crate::time::Timestamp;

/// How many videos the detail lists.
pub const RECENT_VIDEOS: usize = 20;
/// How many searches the detail lists.
pub const RECENT_SEARCHES: usize = 50;

/// The detail of `profile` (docs/spec.md#user-detail). Rows of other users are ignored, so the
/// caller may pass every row.
///
/// `summary` is exactly the users-list row of this profile with the window fixed at 7 days.
/// `recent_videos`: the user's 20 videos with the latest `updated_at` (ties by `id` ascending),
/// newest first. `recent_searches`: the user's 50 latest searches by `created_at` (ties by `id`
/// ascending), newest first. Looking the profile up (404 `User not found`) is the caller's job.
///
/// SQL equivalent:
/// ```sql
/// -- summary: the users-list query with N = 7 and WHERE p.user_id = $1
/// SELECT id, filename, status, duration_s, updated_at, error_message
/// FROM videos WHERE owner_id = $1 ORDER BY updated_at DESC, id ASC LIMIT 20;
/// SELECT query_text, created_at, latency_ms, results_count, video_id
/// FROM search_queries WHERE user_id = $1 ORDER BY created_at DESC, id ASC LIMIT 50;
/// ```
pub fn user_detail(
    profile: &UserProfile,
    videos: &[VideoRecord],
    searches: &[SearchRecord],
    now: Timestamp,
) -> UserDetail {
    let user = profile.user_id;
    let mut activity = Activity::default();
    let mut own_videos: Vec<&VideoRecord> = videos.iter().filter(|v| v.owner_id == user).collect();
    for v in &own_videos {
        activity.video(v);
    }
    let mut own_searches: Vec<&SearchRecord> = searches
        .iter()
        .filter(|s| s.user_id == Some(user))
        .collect();
    for s in &own_searches {
        activity.search(s, Window::seven_days(), now);
    }
    own_videos.sort_by(|a, b| b.updated_at.cmp(&a.updated_at).then(a.id.cmp(&b.id)));
    own_searches.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(a.id.cmp(&b.id)));
    UserDetail {
        summary: activity.summary(profile),
        recent_videos: own_videos
            .into_iter()
            .take(RECENT_VIDEOS)
            .map(|v| RecentVideo {
                id: v.id,
                filename: v.filename.clone(),
                status: v.status,
                duration_s: v.duration_s,
                updated_at: v.updated_at,
                error_message: v.error_message.clone(),
            })
            .collect(),
        recent_searches: own_searches
            .into_iter()
            .take(RECENT_SEARCHES)
            .map(|s| RecentSearch {
                query_text: s.query_text.clone(),
                created_at: s.created_at,
                latency_ms: s.latency_ms,
                results_count: s.results_count,
                video_id: s.video_id,
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixture::{ago, now, search, user, video, DAY};
    use super::*;
    use crate::status::VideoStatus;

    fn alice() -> UserProfile {
        UserProfile {
            user_id: user(1),
            full_name: "Alice".into(),
            created_at: ago(DAY),
            updated_at: ago(DAY),
        }
    }

    #[test]
    fn summary_uses_a_seven_day_window_and_only_the_users_rows() {
        let mut other = video(9, VideoStatus::Ready);
        other.owner_id = user(2);
        let mut mine = video(1, VideoStatus::Ready);
        mine.duration_s = Some(7200.0);
        let searches = [
            search(1, Some(user(1)), Some(10), 7 * DAY),
            search(2, Some(user(1)), Some(20), 7 * DAY + 1),
            search(3, Some(user(2)), Some(30), 1),
        ];
        let d = user_detail(&alice(), &[mine, other], &searches, now());
        assert_eq!((d.summary.videos_total, d.summary.hours_ready), (1, 2.0));
        assert_eq!(
            (d.summary.searches_7d, d.summary.avg_latency_ms_7d),
            (1, Some(10.0))
        );
        assert_eq!(d.summary.last_activity, Some(ago(7 * DAY)));
        assert_eq!(d.recent_searches.len(), 2);
    }

    #[test]
    fn recent_lists_are_newest_first_capped_and_tie_by_id() {
        let videos: Vec<_> = (0..25u128)
            .map(|n| {
                let mut v = video(100 - n, VideoStatus::Pending);
                v.updated_at = ago(i64::try_from(n / 2).unwrap()); // pairs share a time
                v
            })
            .collect();
        let searches: Vec<_> = (0..60u128)
            .map(|n| search(200 - n, Some(user(1)), None, i64::try_from(n / 3).unwrap()))
            .collect();
        let d = user_detail(&alice(), &videos, &searches, now());
        assert_eq!(d.recent_videos.len(), RECENT_VIDEOS);
        assert_eq!(d.recent_searches.len(), RECENT_SEARCHES);
        // Newest pair first (ids 100 and 99 at `now`), lower id first within the tie.
        assert_eq!(d.recent_videos[0].id, videos[1].id);
        assert_eq!(d.recent_videos[1].id, videos[0].id);
        assert!(d
            .recent_videos
            .windows(2)
            .all(|w| w[0].updated_at >= w[1].updated_at));
        assert_eq!(d.recent_searches[0].query_text, "q198");
        assert!(d
            .recent_searches
            .windows(2)
            .all(|w| w[0].created_at >= w[1].created_at));
    }

    #[test]
    fn a_user_without_rows_has_an_empty_detail() {
        let d = user_detail(&alice(), &[], &[], now());
        assert_eq!((d.summary.videos_total, d.summary.last_activity), (0, None));
        assert!(d.recent_videos.is_empty() && d.recent_searches.is_empty());
    }
}
