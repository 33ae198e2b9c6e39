//! The overview, the users list and one user's detail, aggregated in SQL as the PostgreSQL
//! functions do (`get_admin_overview_metrics`, `get_admin_users_list`, `get_admin_user_detail`),
//! so that no call loads a whole table: each reads aggregate rows, one page, or one user's 20
//! videos and 50 searches.
//!
//! The definitions are `heimdex_core::stats`' (`overview`, `users`, `user_detail`), which the
//! reference tests compare these answers with on random data. Averages of the integer latencies
//! are exact sums divided by the count, so they equal the core's to the bit; `total()` sums the
//! READY durations with compensation, so an hours figure may differ from a plain loop in its last
//! bits (as PostgreSQL's does). Ties sort by the uuid text, which orders as the uuid's bytes.

use heimdex_core::query::{Overview, UserDetail, UsersPage};
use heimdex_core::stats::{RECENT_SEARCHES, RECENT_VIDEOS};
use heimdex_core::time::Timestamp;
use heimdex_core::{Page, Result, UserId, UserSort, Window};
use sqlx::SqlitePool;

use super::error::db;
use super::rows::{micros, uuid_text, Cols};
use heimdex_sql::decode;

const OVERVIEW: &str = "SELECT v.ready AS videos_ready_total, v.failed AS videos_failed_total, \
         v.total AS videos_total, \
         CASE WHEN v.total > 0 THEN CAST(v.failed AS REAL) / v.total * 100.0 ELSE 0.0 END \
             AS failure_rate_pct, \
         v.seconds / 3600.0 AS hours_ready_total, s.n7 AS searches_7d, \
         s.avg7 AS avg_search_latency_ms_7d, s.n30 AS searches_30d, \
         s.avg30 AS avg_search_latency_ms_30d \
     FROM (SELECT count(*) FILTER (WHERE status = 'READY') AS ready, \
                  count(*) FILTER (WHERE status = 'FAILED') AS failed, \
                  count(*) AS total, \
                  total(duration_s) FILTER (WHERE status = 'READY') AS seconds \
           FROM videos) AS v, \
          (SELECT count(*) FILTER (WHERE created_at >= ?1) AS n7, \
                  avg(latency_ms) FILTER (WHERE created_at >= ?1) AS avg7, \
                  count(*) AS n30, avg(latency_ms) AS avg30 \
           FROM search_queries WHERE created_at >= ?2) AS s";

/// All-time video totals and the searches of the last 7 and 30 days ending at `now`.
pub(crate) async fn overview(pool: &SqlitePool, now: Timestamp) -> Result<Overview> {
    let row = sqlx::query(OVERVIEW)
        .bind(micros(Window::seven_days().start(now)))
        .bind(micros(Window::thirty_days().start(now)))
        .fetch_one(pool)
        .await
        .map_err(db)?;
    decode::overview(&Cols(&row))
}

/// One row per profile (`?1`: the window start), each aggregate on its own table; with
/// `one_user`, every table narrowed to the user `?2`. SQLite's two-argument `max` is null when
/// either side is, hence the `CASE` for `last_activity` (PostgreSQL's `greatest` skips nulls).
fn summaries(one_user: bool) -> String {
    let (videos, searches, profiles) = if one_user {
        (
            "WHERE owner_id = ?2",
            "AND user_id = ?2",
            "WHERE p.user_id = ?2",
        )
    } else {
        ("", "", "")
    };
    format!(
        "WITH v AS (SELECT owner_id, count(*) AS total, \
                count(*) FILTER (WHERE status = 'READY') AS ready, \
                total(duration_s) FILTER (WHERE status = 'READY') AS seconds, \
                max(updated_at) AS last_update \
            FROM videos {videos} GROUP BY owner_id), \
         s AS (SELECT user_id, max(created_at) AS last_search, \
                count(*) FILTER (WHERE created_at >= ?1) AS n, \
                avg(latency_ms) FILTER (WHERE created_at >= ?1) AS mean \
            FROM search_queries WHERE user_id IS NOT NULL {searches} GROUP BY user_id) \
         SELECT p.user_id, p.full_name, coalesce(v.total, 0) AS videos_total, \
            coalesce(v.ready, 0) AS videos_ready, \
            coalesce(v.seconds, 0.0) / 3600.0 AS hours_ready, \
            CASE WHEN v.last_update IS NULL THEN s.last_search \
                 WHEN s.last_search IS NULL THEN v.last_update \
                 ELSE max(v.last_update, s.last_search) END AS last_activity, \
            coalesce(s.n, 0) AS searches_7d, s.mean AS avg_latency_ms_7d \
         FROM user_profiles AS p \
         LEFT JOIN v ON v.owner_id = p.user_id LEFT JOIN s ON s.user_id = p.user_id {profiles}"
    )
}

/// One page (`?2` rows after `?3`) of [`summaries`] sorted by `sort`: the key is one of four
/// fixed column names, never input.
fn users_sql(sort: UserSort) -> String {
    format!(
        "{} ORDER BY {} DESC NULLS LAST, p.user_id LIMIT ?2 OFFSET ?3",
        summaries(false),
        sort.as_str()
    )
}

/// One page of the users list over `window` ending at `now`: `sort` descending, nulls last,
/// ties by `user_id`.
pub(crate) async fn users(
    pool: &SqlitePool,
    window: Window,
    page: Page,
    sort: UserSort,
    now: Timestamp,
) -> Result<UsersPage> {
    let found = sqlx::query(&users_sql(sort))
        .bind(micros(window.start(now)))
        .bind(i64::from(page.page_size()))
        .bind(i64::try_from(page.offset()).unwrap_or(i64::MAX))
        .fetch_all(pool)
        .await
        .map_err(db)?;
    let total = heimdex_sql::count(pool, "SELECT count(*) FROM user_profiles", db).await?;
    decode::users_page(found.iter().map(Cols), page, total)
}

/// The detail of `user` at `now` (summary over 7 days), `None` without a profile.
pub(crate) async fn user_detail(
    pool: &SqlitePool,
    user: UserId,
    now: Timestamp,
) -> Result<Option<UserDetail>> {
    let user_text = uuid_text(user.0);
    let found = sqlx::query(&summaries(true))
        .bind(micros(Window::seven_days().start(now)))
        .bind(&user_text)
        .fetch_optional(pool)
        .await
        .map_err(db)?;
    let Some(row) = found else {
        return Ok(None);
    };
    let videos = sqlx::query(
        "SELECT id, filename, status, duration_s, updated_at, error_message FROM videos \
         WHERE owner_id = ?1 ORDER BY updated_at DESC, id LIMIT ?2",
    )
    .bind(&user_text)
    .bind(RECENT_VIDEOS as i64)
    .fetch_all(pool)
    .await
    .map_err(db)?;
    let searches = sqlx::query(
        "SELECT query_text, created_at, latency_ms, results_count, video_id FROM search_queries \
         WHERE user_id = ?1 ORDER BY created_at DESC, id LIMIT ?2",
    )
    .bind(&user_text)
    .bind(RECENT_SEARCHES as i64)
    .fetch_all(pool)
    .await
    .map_err(db)?;
    Ok(Some(UserDetail {
        summary: decode::user_summary(&Cols(&row))?,
        recent_videos: videos
            .iter()
            .map(|r| decode::recent_video(&Cols(r)))
            .collect::<Result<_>>()?,
        recent_searches: searches
            .iter()
            .map(|r| decode::recent_search(&Cols(r)))
            .collect::<Result<_>>()?,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rows::get;
    use crate::EmbeddedStore;

    /// The plan's steps, e.g. `SCAN videos USING COVERING INDEX …`.
    async fn plan(store: &EmbeddedStore, sql: &str) -> Vec<String> {
        let rows = sqlx::query(&format!("EXPLAIN QUERY PLAN {sql}"))
            .bind(0_i64)
            .bind("00000000-0000-0000-0000-000000000000")
            .bind(0_i64)
            .fetch_all(store.pool())
            .await
            .unwrap();
        rows.iter().map(|r| get(r, "detail").unwrap()).collect()
    }

    #[tokio::test]
    async fn per_user_aggregates_read_covering_indexes_not_table_rows() {
        let store = EmbeddedStore::in_memory().await.unwrap();
        for sql in [users_sql(UserSort::HoursReady), summaries(true)] {
            let steps = plan(&store, &sql).await;
            for index in [
                "videos_owner_activity_idx",
                "search_queries_user_activity_idx",
            ] {
                let covering = format!("USING COVERING INDEX {index}");
                assert!(
                    steps.iter().any(|s| s.contains(&covering)),
                    "{index}: {steps:#?}"
                );
            }
        }
    }
}
