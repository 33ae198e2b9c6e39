//! The users list and user detail, naively.

use std::cmp::Reverse;

use heimdex_core::query::{RecentSearch, RecentVideo, UserDetail, UserSummary, UsersPage};
use heimdex_core::record::{SearchRecord, UserProfile, VideoRecord};
use heimdex_core::time::Timestamp;
use heimdex_core::{Page, UserSort, VideoStatus, Window};

use super::{in_window, mean};

pub fn summary(
    p: &UserProfile,
    videos: &[VideoRecord],
    searches: &[SearchRecord],
    w: Window,
    now: Timestamp,
) -> UserSummary {
    let own: Vec<&VideoRecord> = videos.iter().filter(|v| v.owner_id == p.user_id).collect();
    let asked: Vec<&SearchRecord> = searches
        .iter()
        .filter(|s| s.user_id == Some(p.user_id))
        .collect();
    let recent: Vec<&&SearchRecord> = asked
        .iter()
        .filter(|s| in_window(s.created_at, w, now))
        .collect();
    let ready: Vec<&&VideoRecord> = own
        .iter()
        .filter(|v| v.status == VideoStatus::Ready)
        .collect();
    let mut times: Vec<Timestamp> = own
        .iter()
        .map(|v| v.updated_at)
        .chain(asked.iter().map(|s| s.created_at))
        .collect();
    times.sort();
    let latencies: Vec<f64> = recent
        .iter()
        .filter_map(|s| s.latency_ms)
        .map(f64::from)
        .collect();
    UserSummary {
        user_id: p.user_id,
        full_name: p.full_name.clone(),
        videos_total: own.len() as u64,
        videos_ready: ready.len() as u64,
        hours_ready: ready.iter().filter_map(|v| v.duration_s).sum::<f64>() / 3600.0,
        last_activity: times.last().copied(),
        searches_7d: recent.len() as u64,
        avg_latency_ms_7d: mean(&latencies),
    }
}

#[allow(clippy::too_many_arguments)]
pub fn users(
    profiles: &[UserProfile],
    videos: &[VideoRecord],
    searches: &[SearchRecord],
    w: Window,
    page: Page,
    sort: UserSort,
    now: Timestamp,
) -> UsersPage {
    let mut rows: Vec<UserSummary> = profiles
        .iter()
        .map(|p| summary(p, videos, searches, w, now))
        .collect();
    // Ascending by id first, then a stable sort on the key, descending with nulls last.
    rows.sort_by_key(|u| u.user_id);
    match sort {
        UserSort::LastActivity => {
            rows.sort_by_key(|u| (u.last_activity.is_none(), Reverse(u.last_activity)))
        }
        UserSort::HoursReady => {
            rows.sort_by(|a, b| b.hours_ready.partial_cmp(&a.hours_ready).unwrap())
        }
        UserSort::VideosReady => rows.sort_by_key(|u| Reverse(u.videos_ready)),
        UserSort::Searches7d => rows.sort_by_key(|u| Reverse(u.searches_7d)),
    }
    let start = ((page.page() - 1) * page.page_size()) as usize;
    UsersPage {
        items: rows
            .into_iter()
            .skip(start)
            .take(page.page_size() as usize)
            .collect(),
        page: page.page(),
        page_size: page.page_size(),
        total_users: profiles.len() as u64,
    }
}

pub fn user_detail(
    p: &UserProfile,
    videos: &[VideoRecord],
    searches: &[SearchRecord],
    now: Timestamp,
) -> UserDetail {
    let mut own: Vec<&VideoRecord> = videos.iter().filter(|v| v.owner_id == p.user_id).collect();
    own.sort_by_key(|v| v.id);
    own.sort_by_key(|v| Reverse(v.updated_at));
    let mut asked: Vec<&SearchRecord> = searches
        .iter()
        .filter(|s| s.user_id == Some(p.user_id))
        .collect();
    asked.sort_by_key(|s| s.id);
    asked.sort_by_key(|s| Reverse(s.created_at));
    UserDetail {
        summary: summary(p, videos, searches, Window::seven_days(), now),
        recent_videos: own
            .iter()
            .take(20)
            .map(|v| RecentVideo {
                id: v.id,
                filename: v.filename.clone(),
                status: v.status,
                duration_s: v.duration_s,
                updated_at: v.updated_at,
                error_message: v.error_message.clone(),
            })
            .collect(),
        recent_searches: asked
            .iter()
            .take(50)
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
