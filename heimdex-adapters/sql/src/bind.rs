//! Parameters bound the same way in every dialect.

use heimdex_core::record::MediaInfo;
use sqlx::query::Query;
use sqlx::{Database, Encode, Type};

/// Binds `info`'s `duration_s, frame_rate, width, height`, in that order, after what `query`
/// already has.
pub fn media_info<'q, DB>(
    query: Query<'q, DB, DB::Arguments<'q>>,
    info: &MediaInfo,
) -> Query<'q, DB, DB::Arguments<'q>>
where
    DB: Database,
    f64: Encode<'q, DB> + Type<DB>,
    Option<f64>: Encode<'q, DB> + Type<DB>,
    Option<i32>: Encode<'q, DB> + Type<DB>,
{
    query
        .bind(info.duration_s)
        .bind(info.frame_rate)
        .bind(info.width)
        .bind(info.height)
}
