//! The answers, with the contract's field names and units (ms, s, %). `None` is JSON `null`: the
//! population was empty. No value is rounded.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::ids::{UserId, VideoId};
use crate::status::VideoStatus;
use crate::time::Timestamp;

/// All-time totals and search activity.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Overview {
    /// READY videos.
    pub videos_ready_total: u64,
    /// FAILED videos.
    pub videos_failed_total: u64,
    /// Videos of every status.
    pub videos_total: u64,
    /// failed / total · 100; 0 when there are no videos.
    pub failure_rate_pct: f64,
    /// Sum of READY `duration_s` / 3600.
    pub hours_ready_total: f64,
    /// Searches in the last 7 days.
    pub searches_7d: u64,
    /// Mean search latency over the last 7 days (null latencies skipped).
    pub avg_search_latency_ms_7d: Option<f64>,
    /// Searches in the last 30 days.
    pub searches_30d: u64,
    /// Mean search latency over the last 30 days.
    pub avg_search_latency_ms_30d: Option<f64>,
}

/// One day of Throughput v1.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ThroughputPoint {
    /// UTC calendar day.
    pub day: NaiveDate,
    /// READY videos completed that day.
    pub videos_ready: u64,
    /// Their hours of media.
    pub hours_ready: f64,
}

/// One day of the search series.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SearchPoint {
    /// UTC calendar day.
    pub day: NaiveDate,
    /// Searches that day.
    pub searches: u64,
    /// Mean latency (null latencies skipped).
    pub avg_latency_ms: Option<f64>,
}

/// One user's activity.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserSummary {
    /// The profile.
    #[cfg_attr(feature = "openapi", schema(value_type = uuid::Uuid))]
    pub user_id: UserId,
    /// Display name.
    pub full_name: String,
    /// Videos of every status (all time).
    pub videos_total: u64,
    /// READY videos (all time).
    pub videos_ready: u64,
    /// Hours of READY video (all time).
    pub hours_ready: f64,
    /// Latest of their videos' `updated_at` and searches' `created_at`.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub last_activity: Option<Timestamp>,
    /// Searches in the requested window (name kept for compatibility).
    pub searches_7d: u64,
    /// Mean latency of those searches.
    pub avg_latency_ms_7d: Option<f64>,
}

/// A page of the users list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UsersPage {
    /// The rows of this page.
    pub items: Vec<UserSummary>,
    /// 1-based page number.
    // Documented as int64: any `page` up to u32::MAX is answered, and int32 stops at 2^31 - 1.
    #[cfg_attr(feature = "openapi", schema(value_type = u64, minimum = 1))]
    pub page: u32,
    /// Rows per page.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 100))]
    pub page_size: u32,
    /// Number of profiles.
    pub total_users: u64,
}

/// A video in a user's detail page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecentVideo {
    /// The video.
    #[cfg_attr(feature = "openapi", schema(value_type = uuid::Uuid))]
    pub id: VideoId,
    /// Original file name.
    pub filename: Option<String>,
    /// Lifecycle state.
    #[cfg_attr(feature = "openapi", schema(inline))]
    pub status: VideoStatus,
    /// Media duration.
    pub duration_s: Option<f64>,
    /// Last write.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub updated_at: Timestamp,
    /// Last failure message.
    pub error_message: Option<String>,
}

/// A search in a user's detail page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecentSearch {
    /// The query.
    pub query_text: String,
    /// When.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: Timestamp,
    /// Latency.
    pub latency_ms: Option<i32>,
    /// Result count.
    pub results_count: Option<i32>,
    /// Scoped video.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<uuid::Uuid>))]
    pub video_id: Option<VideoId>,
}

/// One user's summary (7-day window) with recent activity.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserDetail {
    /// The same summary as the users list.
    #[serde(flatten)]
    pub summary: UserSummary,
    /// The 20 most recently updated videos, newest first.
    pub recent_videos: Vec<RecentVideo>,
    /// The 50 latest searches, newest first.
    pub recent_searches: Vec<RecentSearch>,
}

/// Processing latency (docs/spec.md#latency).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LatencySummary {
    /// Population size.
    pub videos_measured: u64,
    /// Mean `processing_duration_ms`.
    pub avg_processing_ms: Option<f64>,
    /// Median.
    pub p50_processing_ms: Option<f64>,
    /// 95th percentile.
    pub p95_processing_ms: Option<f64>,
    /// 99th percentile.
    pub p99_processing_ms: Option<f64>,
    /// Mean (started − queued) in ms.
    pub avg_queue_ms: Option<f64>,
    /// Mean (finished − queued) in ms.
    pub avg_total_ms: Option<f64>,
}

/// Real-time factor: processing seconds per second of media.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RtfSummary {
    /// Population size.
    pub videos_measured: u64,
    /// Mean of per-video ratios.
    pub avg_rtf: Option<f64>,
    /// Median.
    pub p50_rtf: Option<f64>,
    /// 95th percentile.
    pub p95_rtf: Option<f64>,
    /// 99th percentile.
    pub p99_rtf: Option<f64>,
    /// Mean media duration.
    pub avg_video_duration_s: Option<f64>,
    /// Mean processing duration in seconds.
    pub avg_processing_duration_s: Option<f64>,
}

/// Queue time versus processing time.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueueSummary {
    /// Population size.
    pub videos_measured: u64,
    /// Mean (started − queued) in s.
    pub avg_queue_time_s: Option<f64>,
    /// Mean (finished − started) in s.
    pub avg_processing_time_s: Option<f64>,
    /// Mean (finished − queued) in s.
    pub avg_total_time_s: Option<f64>,
    /// mean(queue) / mean(total) · 100; null when mean total is 0.
    pub queue_time_pct: Option<f64>,
    /// mean(processing) / mean(total) · 100.
    pub processing_time_pct: Option<f64>,
}

/// Failures attributed to one stage.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StageFailures {
    /// The stage that failed (`unknown` when not recorded).
    pub processing_stage: String,
    /// How many videos failed there.
    pub failure_count: u64,
    /// Share of all failures in the window, in %.
    pub failure_pct: f64,
}

/// One day of Throughput v2.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ThroughputV2Point {
    /// UTC calendar day.
    pub day: NaiveDate,
    /// READY videos.
    pub videos_ready: u64,
    /// FAILED videos.
    pub videos_failed: u64,
    /// Hours of READY media.
    pub hours_ready: f64,
    /// Mean processing seconds over READY rows.
    pub avg_processing_s: Option<f64>,
    /// Mean RTF over READY rows with a positive duration.
    pub avg_rtf: Option<f64>,
}

/// Latency of one stage, from `video_stage_timings`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StageLatency {
    /// The stage.
    pub stage: String,
    /// Finished runs of the stage in the window, cancelled ones left out.
    pub runs: u64,
    /// How many of them failed.
    pub failures: u64,
    /// Runs stopped from outside (shutdown, a lost lease) in the window: outcome `cancelled`,
    /// counted in no other field.
    pub cancelled: u64,
    /// Mean duration.
    pub avg_ms: Option<f64>,
    /// Median duration.
    pub p50_ms: Option<f64>,
    /// 95th percentile.
    pub p95_ms: Option<f64>,
    /// 99th percentile.
    pub p99_ms: Option<f64>,
    /// Sum of durations.
    pub total_ms: f64,
    /// This stage's share of the time spent in all stages in the window, in %.
    pub share_pct: Option<f64>,
}
