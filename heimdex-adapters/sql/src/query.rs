//! Queries without parameters, run the same way on any dialect's pool.

use heimdex_core::{Error, Result};
use sqlx::{Database, Decode, Executor, IntoArguments, Pool, Type};

/// Runs `sql` (no parameters) and decodes every row with `decode`.
pub async fn fetch_all<DB, T>(
    pool: &Pool<DB>,
    sql: &str,
    db: impl Fn(sqlx::Error) -> Error,
    decode: impl FnMut(&DB::Row) -> Result<T>,
) -> Result<Vec<T>>
where
    DB: Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
{
    let rows = sqlx::query::<DB>(sql).fetch_all(pool).await.map_err(db)?;
    rows.iter().map(decode).collect()
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
