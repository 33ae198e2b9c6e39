//! `GET /v1/admin/openapi.json`: the OpenAPI 3 description of this API (admin only, like every
//! path under `/v1/admin`). The document is the hand-written asset `src/openapi.json`; the test
//! `tests/openapi_matches_responses.rs` checks every route and field in it against real answers.

use warp::filters::BoxedFilter;
use warp::http::header::CONTENT_TYPE;
use warp::reply::Response;
use warp::{Filter, Reply};

use super::get_as_admin;
use crate::auth::Admin;
use crate::state::AppState;

/// The document, as served.
pub const OPENAPI_JSON: &str = include_str!("../openapi.json");

pub(crate) fn routes(state: AppState) -> BoxedFilter<(Response,)> {
    warp::path!("v1" / "admin" / "openapi.json")
        .and(get_as_admin(&state))
        .map(|_: Admin| {
            warp::reply::with_header(OPENAPI_JSON, CONTENT_TYPE, "application/json").into_response()
        })
        .boxed()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_is_openapi_3_json() {
        let doc: serde_json::Value = serde_json::from_str(OPENAPI_JSON).unwrap();
        assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
        assert!(doc["paths"]
            .as_object()
            .unwrap()
            .contains_key("/v1/admin/overview"));
    }
}
