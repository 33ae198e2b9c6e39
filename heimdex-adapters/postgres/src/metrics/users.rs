//! The users list and one user's detail, from `get_admin_users_list`, `get_admin_users_total`
//! and `get_admin_user_detail`.

use heimdex_core::query::{RecentSearch, RecentVideo, UserDetail, UsersPage};
use heimdex_core::{Error, Page, Result, UserId, UserSort, Window};
use sqlx::{PgPool, Row};

use super::days;
use crate::error::{db, ADAPTER};
use crate::rows::Cols;
use heimdex_sql::decode;

/// The user detail's window (docs/spec.md#user-detail: fixed at 7 days).
const DETAIL_DAYS: i32 = 7;

/// One page, sorted by `sort` (descending, nulls last, ties by user id), with the real total.
pub(super) async fn page(
    pool: &PgPool,
    window: Window,
    page: Page,
    sort: UserSort,
) -> Result<UsersPage> {
    // One snapshot for the page and the total, so they agree.
    let mut tx = pool
        .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        .await
        .map_err(db)?;
    // The SQL function takes an int4 offset. One past it is past the last user (there are never
    // 2^31 of them): that page is empty, like any page past the end, with the real total.
    let rows = match i32::try_from(page.offset()) {
        Ok(offset) => sqlx::query("SELECT * FROM get_admin_users_list($1, $2, $3, $4)")
            .bind(days(window))
            .bind(i32::try_from(page.page_size()).unwrap_or(i32::MAX))
            .bind(offset)
            .bind(sort.as_str())
            .fetch_all(&mut *tx)
            .await
            .map_err(db)?,
        Err(_) => Vec::new(),
    };
    let total: i64 = sqlx::query_scalar("SELECT get_admin_users_total()")
        .fetch_one(&mut *tx)
        .await
        .map_err(db)?;
    tx.commit().await.map_err(db)?;
    decode::users_page(
        rows.iter().map(Cols),
        page,
        u64::try_from(total).unwrap_or(0),
    )
}

/// The user's summary over 7 days with recent videos and searches; `NotFound` if unknown.
pub(super) async fn detail(pool: &PgPool, user: UserId) -> Result<UserDetail> {
    let row = sqlx::query(
        "SELECT user_id, full_name, videos_total, videos_ready, hours_ready, last_activity, \
         searches_7d, avg_latency_ms_7d, recent_videos::text AS recent_videos, \
         recent_searches::text AS recent_searches FROM get_admin_user_detail($1, $2)",
    )
    .bind(user.to_string())
    .bind(DETAIL_DAYS)
    .fetch_optional(pool)
    .await
    .map_err(db)?
    .ok_or_else(|| Error::not_found(format!("user {user}")))?;
    let videos: String = row.try_get("recent_videos").map_err(db)?;
    let searches: String = row.try_get("recent_searches").map_err(db)?;
    Ok(UserDetail {
        summary: decode::user_summary(&Cols(&row))?,
        recent_videos: serde_json::from_str::<Vec<RecentVideo>>(&videos)
            .map_err(|e| Error::corrupt(ADAPTER, format!("recent_videos: {e}")))?,
        recent_searches: serde_json::from_str::<Vec<RecentSearch>>(&searches)
            .map_err(|e| Error::corrupt(ADAPTER, format!("recent_searches: {e}")))?,
    })
}
