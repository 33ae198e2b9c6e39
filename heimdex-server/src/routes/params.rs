//! Query parameters: parsing lives in `heimdex_core` (pure, unit-tested there); this file maps the
//! outcome to HTTP. Every filter here runs *after* authentication (see [`super`]).
//!
//! The query string is read as a map, so a typed field can never make warp answer its own error:
//! an unknown parameter is ignored, a repeated one keeps its last value (as the origin's FastAPI
//! did), and a bad value is the contract's 400 with the exact message. When several values are
//! bad, the first in the contract's order wins: `range`, then `bucket`/`sort`, then `page`, then
//! `page_size`.

use std::collections::HashMap;

use heimdex_core::{Bucket, Page, UserSort, Window};
use warp::{Filter, Rejection};

use crate::error::ApiError;

/// The decoded query string.
type Query = HashMap<String, String>;

/// The `range` example in the format message on `/users`.
pub(crate) const USERS_RANGE_EXAMPLE: &str = "7d";
/// The `range` example everywhere else.
pub(crate) const RANGE_EXAMPLE: &str = "30d";

fn query() -> impl Filter<Extract = (Query,), Error = Rejection> + Clone {
    warp::query::<Query>()
}

/// `range` (default `default`), with the endpoint's example in the format message.
fn window(q: &Query, example: &str, default: Window) -> Result<Window, ApiError> {
    match q.get("range") {
        None => Ok(default),
        Some(raw) => raw
            .parse::<Window>()
            .map_err(|e| ApiError::BadRequest(e.message(example))),
    }
}

/// `bucket` (default `day`).
fn bucket(q: &Query) -> Result<Bucket, ApiError> {
    match q.get("bucket") {
        None => Ok(Bucket::Day),
        Some(raw) => raw
            .parse()
            .map_err(|m: &str| ApiError::BadRequest(m.into())),
    }
}

/// `sort` (default `last_activity`).
fn sort(q: &Query) -> Result<UserSort, ApiError> {
    match q.get("sort") {
        None => Ok(UserSort::default()),
        Some(raw) => raw
            .parse()
            .map_err(|m: &str| ApiError::BadRequest(m.into())),
    }
}

/// `page` and `page_size` (defaults 1 and 50).
fn page(q: &Query) -> Result<Page, ApiError> {
    Page::parse(
        q.get("page").map(String::as_str),
        q.get("page_size").map(String::as_str),
    )
    .map_err(|m| ApiError::BadRequest(m.into()))
}

/// `?range=` with the 30-day default.
pub(crate) fn range() -> impl Filter<Extract = (Window,), Error = Rejection> + Clone {
    query().and_then(|q: Query| async move {
        window(&q, RANGE_EXAMPLE, Window::thirty_days()).map_err(ApiError::reject)
    })
}

/// `?range=&bucket=` for the time series.
pub(crate) fn range_and_bucket(
) -> impl Filter<Extract = (Window, Bucket), Error = Rejection> + Clone {
    query()
        .and_then(|q: Query| async move {
            let w = window(&q, RANGE_EXAMPLE, Window::thirty_days()).map_err(ApiError::reject)?;
            let b = bucket(&q).map_err(ApiError::reject)?;
            Ok::<_, Rejection>((w, b))
        })
        .untuple_one()
}

/// `?range=&page=&page_size=&sort=` for the users list, with the 7-day default.
pub(crate) fn users() -> impl Filter<Extract = (Window, Page, UserSort), Error = Rejection> + Clone
{
    query()
        .and_then(|q: Query| async move {
            let w =
                window(&q, USERS_RANGE_EXAMPLE, Window::seven_days()).map_err(ApiError::reject)?;
            let s = sort(&q).map_err(ApiError::reject)?;
            let p = page(&q).map_err(ApiError::reject)?;
            Ok::<_, Rejection>((w, p, s))
        })
        .untuple_one()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(pairs: &[(&str, &str)]) -> Query {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn absent_parameters_take_the_contract_defaults() {
        assert_eq!(
            window(&q(&[]), "30d", Window::thirty_days()),
            Ok(Window::thirty_days())
        );
        assert_eq!(bucket(&q(&[])), Ok(Bucket::Day));
        assert_eq!(sort(&q(&[])), Ok(UserSort::LastActivity));
        assert_eq!(page(&q(&[])), Ok(Page::default()));
    }

    #[test]
    fn the_format_message_names_the_endpoint_example() {
        let bad = q(&[("range", "30")]);
        assert_eq!(
            window(&bad, "7d", Window::seven_days()),
            Err(ApiError::BadRequest("Range must be in format '7d'".into()))
        );
        assert_eq!(
            window(&bad, "30d", Window::thirty_days()),
            Err(ApiError::BadRequest("Range must be in format '30d'".into()))
        );
    }
}
