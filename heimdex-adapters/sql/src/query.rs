//! Running a bound query and decoding what it returns, the same way on any dialect's pool.

use heimdex_core::job::JobOutcome;
use heimdex_core::queue::{replayed_finish, ClaimedJob, FinishOutcome};
use heimdex_core::time::Timestamp;
use heimdex_core::{Error, Result};
use sqlx::query::Query;
use sqlx::{Database, Decode, Executor, IntoArguments, Pool, Type};

/// Runs `query`, a statement whose result is not needed.
pub async fn execute<'q, DB, A>(
    pool: &Pool<DB>,
    query: Query<'q, DB, A>,
    db: impl Fn(sqlx::Error) -> Error,
) -> Result<()>
where
    DB: Database,
    A: 'q + IntoArguments<'q, DB>,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
{
    query.execute(pool).await.map_err(db)?;
    Ok(())
}

/// Runs `query` and decodes every row with `decode`.
pub async fn fetch_all<'q, DB, A, T>(
    pool: &Pool<DB>,
    query: Query<'q, DB, A>,
    db: impl Fn(sqlx::Error) -> Error,
    decode: impl FnMut(&DB::Row) -> Result<T>,
) -> Result<Vec<T>>
where
    DB: Database,
    A: 'q + IntoArguments<'q, DB>,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
{
    let rows = query.fetch_all(pool).await.map_err(db)?;
    rows.iter().map(decode).collect()
}

/// Runs `query` and decodes its row, if there is one.
pub async fn fetch_optional<'q, DB, A, T>(
    pool: &Pool<DB>,
    query: Query<'q, DB, A>,
    db: impl Fn(sqlx::Error) -> Error,
    decode: impl FnOnce(&DB::Row) -> Result<T>,
) -> Result<Option<T>>
where
    DB: Database,
    A: 'q + IntoArguments<'q, DB>,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
{
    let row = query.fetch_optional(pool).await.map_err(db)?;
    row.as_ref().map(decode).transpose()
}

/// Runs `sql` (no parameters), whose one row and column is a `count(*)`.
pub async fn count<DB>(pool: &Pool<DB>, sql: &str, db: impl Fn(sqlx::Error) -> Error) -> Result<u64>
where
    DB: Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'r> i64: Decode<'r, DB> + Type<DB>,
    usize: sqlx::ColumnIndex<DB::Row>,
{
    let n: i64 = sqlx::query_scalar::<DB, i64>(sql)
        .fetch_one(pool)
        .await
        .map_err(db)?;
    Ok(u64::try_from(n).unwrap_or(0))
}

/// Answers a finish that changed nothing (see
/// [`replayed_finish`](heimdex_core::queue::replayed_finish)): `ended` selects the `state,
/// available_at` of the row still holding `job`'s lease token, read with `decode`.
pub async fn replay<'q, DB, A>(
    pool: &Pool<DB>,
    ended: Query<'q, DB, A>,
    db: impl Fn(sqlx::Error) -> Error,
    decode: impl FnOnce(&DB::Row) -> Result<(String, Timestamp)>,
    job: &ClaimedJob,
    outcome: &JobOutcome,
) -> Result<FinishOutcome>
where
    DB: Database,
    A: 'q + IntoArguments<'q, DB>,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
{
    let ended = fetch_optional(pool, ended, db, decode).await?;
    replayed_finish(job, outcome, ended)
}
