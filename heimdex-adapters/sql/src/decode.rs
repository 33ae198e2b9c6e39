//! The core's records from result rows, written once for every dialect over [`Columns`]. Each
//! function names the columns it reads; a store's query selects them under these names.

use heimdex_core::query::{Overview, RecentSearch, RecentVideo, UserSummary, UsersPage};
use heimdex_core::queue::DeadJob;
use heimdex_core::record::{SearchRecord, StageTimingRecord, VideoRecord};
use heimdex_core::{Error, Page, PerceptualHash, Result, SceneRecord, StageName, VideoStatus};

use heimdex_core::time::Timestamp;

use crate::Columns;

/// A `videos` row (`status` as text).
pub fn video<R: Columns>(row: &R) -> Result<VideoRecord> {
    Ok(VideoRecord {
        id: row.id("id")?,
        owner_id: row.id("owner_id")?,
        storage_path: row.text("storage_path")?,
        filename: row.opt_text("filename")?,
        status: status(row)?,
        duration_s: row.opt_float("duration_s")?,
        frame_rate: row.opt_float("frame_rate")?,
        width: row.opt_narrow("width")?,
        height: row.opt_narrow("height")?,
        error_message: row.opt_text("error_message")?,
        created_at: row.time("created_at")?,
        updated_at: row.time("updated_at")?,
        queued_at: row.opt_time("queued_at")?,
        processing_started_at: row.opt_time("processing_started_at")?,
        processing_finished_at: row.opt_time("processing_finished_at")?,
        processing_duration_ms: row.opt_narrow("processing_duration_ms")?,
        processing_stage: row.opt_text("processing_stage")?,
        processing_attempt: row.opt_narrow("processing_attempt")?,
    })
}

/// The `status` column, as text.
fn status<R: Columns>(row: &R) -> Result<VideoStatus> {
    let status = row.text("status")?;
    status.parse().map_err(|_| {
        Error::corrupt(
            R::ADAPTER,
            format!("status: {status:?} is not a video status"),
        )
    })
}

/// A `search_queries` row: `id, user_id, video_id, query_text, results_count, latency_ms,
/// created_at`.
pub fn search<R: Columns>(row: &R) -> Result<SearchRecord> {
    Ok(SearchRecord {
        id: row.id("id")?,
        user_id: row.opt_id("user_id")?,
        video_id: row.opt_id("video_id")?,
        query_text: row.text("query_text")?,
        results_count: row.opt_narrow("results_count")?,
        latency_ms: row.opt_narrow("latency_ms")?,
        created_at: row.time("created_at")?,
    })
}

/// One of a user's recent videos: `id, filename, status, duration_s, updated_at, error_message`.
pub fn recent_video<R: Columns>(row: &R) -> Result<RecentVideo> {
    Ok(RecentVideo {
        id: row.id("id")?,
        filename: row.opt_text("filename")?,
        status: status(row)?,
        duration_s: row.opt_float("duration_s")?,
        updated_at: row.time("updated_at")?,
        error_message: row.opt_text("error_message")?,
    })
}

/// One of a user's recent searches: `query_text, created_at, latency_ms, results_count,
/// video_id`.
pub fn recent_search<R: Columns>(row: &R) -> Result<RecentSearch> {
    Ok(RecentSearch {
        query_text: row.text("query_text")?,
        created_at: row.time("created_at")?,
        latency_ms: row.opt_narrow("latency_ms")?,
        results_count: row.opt_narrow("results_count")?,
        video_id: row.opt_id("video_id")?,
    })
}

/// A `video_stage_timings` row: `video_id, attempt, stage, started_at, finished_at,
/// duration_ms, outcome, error`.
pub fn stage_timing<R: Columns>(row: &R) -> Result<StageTimingRecord> {
    let stage = row.text("stage")?;
    Ok(StageTimingRecord {
        video_id: row.id("video_id")?,
        attempt: row.narrow("attempt")?,
        stage: StageName::new(stage.clone()).map_err(|_| {
            Error::corrupt(R::ADAPTER, format!("stage: {stage:?} is not a stage name"))
        })?,
        started_at: row.time("started_at")?,
        finished_at: row.opt_time("finished_at")?,
        duration_ms: row.opt_narrow("duration_ms")?,
        outcome: row.opt_text("outcome")?,
        error: row.opt_text("error")?,
    })
}

/// A `video_scenes` row: `scene_index, start_s, end_s, transcript, keyframes, quality,
/// embedding, image_embedding, perceptual_hash`.
pub fn scene<R: Columns>(row: &R) -> Result<SceneRecord> {
    Ok(SceneRecord {
        index: row.narrow("scene_index")?,
        start_s: row.float("start_s")?,
        end_s: row.float("end_s")?,
        transcript: row.text("transcript")?,
        keyframes: row.texts("keyframes")?,
        quality: row.opt_float("quality")?,
        embedding: row.opt_floats("embedding")?,
        image_embedding: row.opt_floats("image_embedding")?,
        perceptual_hash: row
            .opt_int("perceptual_hash")?
            .map(PerceptualHash::from_i64),
    })
}

/// A dead job: `video_id, tries, reason, died_at`.
pub fn dead_job<R: Columns>(row: &R) -> Result<DeadJob> {
    Ok(DeadJob {
        video: row.id("video_id")?,
        attempts: row.narrow("tries")?,
        reason: row.text("reason")?,
        died_at: row.time("died_at")?,
    })
}

/// The `state, available_at` of a job row, for recognising a replayed finish
/// ([`replayed_finish`](heimdex_core::queue::replayed_finish)).
pub fn job_ended<R: Columns>(row: &R) -> Result<(String, Timestamp)> {
    Ok((row.text("state")?, row.time("available_at")?))
}

/// The overview's columns, named as `get_admin_overview_metrics()` returns them.
pub fn overview<R: Columns>(row: &R) -> Result<Overview> {
    Ok(Overview {
        videos_ready_total: row.count("videos_ready_total")?,
        videos_failed_total: row.count("videos_failed_total")?,
        videos_total: row.count("videos_total")?,
        failure_rate_pct: row.float("failure_rate_pct")?,
        hours_ready_total: row.float("hours_ready_total")?,
        searches_7d: row.count("searches_7d")?,
        avg_search_latency_ms_7d: row.opt_float("avg_search_latency_ms_7d")?,
        searches_30d: row.count("searches_30d")?,
        avg_search_latency_ms_30d: row.opt_float("avg_search_latency_ms_30d")?,
    })
}

/// One page of the users list: its rows, where it is, and how many users there are in all.
pub fn users_page<R: Columns>(
    rows: impl IntoIterator<Item = R>,
    page: Page,
    total_users: u64,
) -> Result<UsersPage> {
    Ok(UsersPage {
        items: rows
            .into_iter()
            .map(|row| user_summary(&row))
            .collect::<Result<_>>()?,
        page: page.page(),
        page_size: page.page_size(),
        total_users,
    })
}

/// One row of the users list (and the head of a user's detail), named as
/// `get_admin_users_list` returns it.
pub fn user_summary<R: Columns>(row: &R) -> Result<UserSummary> {
    Ok(UserSummary {
        user_id: row.id("user_id")?,
        full_name: row.text("full_name")?,
        videos_total: row.count("videos_total")?,
        videos_ready: row.count("videos_ready")?,
        hours_ready: row.float("hours_ready")?,
        last_activity: row.opt_time("last_activity")?,
        searches_7d: row.count("searches_7d")?,
        avg_latency_ms_7d: row.opt_float("avg_latency_ms_7d")?,
    })
}
