//! Candidate rows for the metrics: SQL narrows by window and status where an index helps, and
//! `heimdex_core::stats` then computes every number from the rows (and re-applies its own
//! filters). Each query here therefore returns a superset of the rows its metric counts, never
//! fewer: that is the one rule this file must keep.

use heimdex_core::record::{SearchRecord, StageTimingRecord, UserProfile, VideoRecord};
use heimdex_core::time::Timestamp;
use heimdex_core::{Result, UserId, VideoStatus};
use sqlx::sqlite::SqliteRow;
use sqlx::SqlitePool;

use super::error::db;
use super::rows::{
    self, micros, uuid_text, PROFILE_COLUMNS, SEARCH_COLUMNS, STAGE_COLUMNS, VIDEO_COLUMNS,
};

/// `status IN (…)` for a set of statuses (the names are the enum's own spellings, never input).
fn status_in(statuses: &[VideoStatus]) -> String {
    let names: Vec<String> = statuses
        .iter()
        .map(|s| format!("'{}'", s.as_str()))
        .collect();
    format!("status IN ({})", names.join(", "))
}

async fn fetch<T>(
    pool: &SqlitePool,
    sql: &str,
    binds: &[BindValue],
    decode: fn(&SqliteRow) -> Result<T>,
) -> Result<Vec<T>> {
    let mut query = sqlx::query(sql);
    for bind in binds {
        query = match bind {
            BindValue::Int(v) => query.bind(*v),
            BindValue::Text(v) => query.bind(v.clone()),
        };
    }
    let found = query.fetch_all(pool).await.map_err(db)?;
    found.iter().map(decode).collect()
}

/// A bound parameter.
enum BindValue {
    Int(i64),
    Text(String),
}

/// Every video (all-time totals: overview, users list).
pub(crate) async fn all_videos(pool: &SqlitePool) -> Result<Vec<VideoRecord>> {
    let sql = format!("SELECT {VIDEO_COLUMNS} FROM videos");
    fetch(pool, &sql, &[], rows::video).await
}

/// Videos of `statuses` with `processing_finished_at >= since` (latency, RTF, queue, failures).
pub(crate) async fn finished_since(
    pool: &SqlitePool,
    statuses: &[VideoStatus],
    since: Timestamp,
) -> Result<Vec<VideoRecord>> {
    let sql = format!(
        "SELECT {VIDEO_COLUMNS} FROM videos WHERE processing_finished_at >= ?1 AND {}",
        status_in(statuses)
    );
    fetch(pool, &sql, &[BindValue::Int(micros(since))], rows::video).await
}

/// Videos of `statuses` with `coalesce(processing_finished_at, updated_at) >= since`
/// (throughput v1 and v2; the expression index covers READY and FAILED rows).
pub(crate) async fn completed_since(
    pool: &SqlitePool,
    statuses: &[VideoStatus],
    since: Timestamp,
) -> Result<Vec<VideoRecord>> {
    let sql = format!(
        "SELECT {VIDEO_COLUMNS} FROM videos \
         WHERE coalesce(processing_finished_at, updated_at) >= ?1 AND {}",
        status_in(statuses)
    );
    fetch(pool, &sql, &[BindValue::Int(micros(since))], rows::video).await
}

/// Searches with `created_at >= since` (overview, search series).
pub(crate) async fn searches_since(
    pool: &SqlitePool,
    since: Timestamp,
) -> Result<Vec<SearchRecord>> {
    let sql = format!("SELECT {SEARCH_COLUMNS} FROM search_queries WHERE created_at >= ?1");
    fetch(pool, &sql, &[BindValue::Int(micros(since))], rows::search).await
}

/// For the users list: every user's searches in the window, plus each user's latest search (all
/// time), which is all `last_activity` needs. Anonymous searches belong to no profile.
pub(crate) async fn user_searches_since(
    pool: &SqlitePool,
    since: Timestamp,
) -> Result<Vec<SearchRecord>> {
    let sql = format!(
        "SELECT {SEARCH_COLUMNS} FROM search_queries AS s WHERE s.user_id IS NOT NULL \
         AND (s.created_at >= ?1 OR s.created_at = \
              (SELECT max(l.created_at) FROM search_queries AS l WHERE l.user_id = s.user_id))"
    );
    fetch(pool, &sql, &[BindValue::Int(micros(since))], rows::search).await
}

/// Every profile.
pub(crate) async fn all_profiles(pool: &SqlitePool) -> Result<Vec<UserProfile>> {
    let sql = format!("SELECT {PROFILE_COLUMNS} FROM user_profiles");
    fetch(pool, &sql, &[], rows::profile).await
}

/// One profile, if it exists.
pub(crate) async fn profile(pool: &SqlitePool, user: UserId) -> Result<Option<UserProfile>> {
    let sql = format!("SELECT {PROFILE_COLUMNS} FROM user_profiles WHERE user_id = ?1");
    let found = fetch(
        pool,
        &sql,
        &[BindValue::Text(uuid_text(user.0))],
        rows::profile,
    )
    .await?;
    Ok(found.into_iter().next())
}

/// All of one user's videos (their all-time totals and the 20 most recently updated).
pub(crate) async fn videos_of(pool: &SqlitePool, user: UserId) -> Result<Vec<VideoRecord>> {
    let sql = format!("SELECT {VIDEO_COLUMNS} FROM videos WHERE owner_id = ?1");
    fetch(
        pool,
        &sql,
        &[BindValue::Text(uuid_text(user.0))],
        rows::video,
    )
    .await
}

/// One user's searches in the window, plus every search at least as new as their 50th latest
/// (ties included, so the core's own tie-break picks the same 50 it would from all rows).
pub(crate) async fn searches_of(
    pool: &SqlitePool,
    user: UserId,
    since: Timestamp,
) -> Result<Vec<SearchRecord>> {
    let sql = format!(
        "SELECT {SEARCH_COLUMNS} FROM search_queries WHERE user_id = ?1 AND (created_at >= ?2 \
         OR created_at >= coalesce((SELECT created_at FROM search_queries WHERE user_id = ?1 \
             ORDER BY created_at DESC LIMIT 1 OFFSET ?3), -9223372036854775808))"
    );
    let binds = [
        BindValue::Text(uuid_text(user.0)),
        BindValue::Int(micros(since)),
        BindValue::Int(heimdex_core::stats::RECENT_SEARCHES as i64 - 1),
    ];
    fetch(pool, &sql, &binds, rows::search).await
}

/// Stage runs that started or finished at or after `since` (stage latency).
pub(crate) async fn stage_timings_since(
    pool: &SqlitePool,
    since: Timestamp,
) -> Result<Vec<StageTimingRecord>> {
    let sql = format!(
        "SELECT {STAGE_COLUMNS} FROM video_stage_timings WHERE finished_at >= ?1 OR started_at >= ?1"
    );
    fetch(
        pool,
        &sql,
        &[BindValue::Int(micros(since))],
        rows::stage_timing,
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_filters_use_the_stored_spellings() {
        assert_eq!(
            status_in(&[VideoStatus::Ready, VideoStatus::Failed]),
            "status IN ('READY', 'FAILED')"
        );
    }
}
