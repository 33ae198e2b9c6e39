//! `GET /v1/admin/overview`: all-time totals and search activity.

use warp::filters::BoxedFilter;
use warp::reply::Response;
use warp::{Filter, Rejection};

use super::openapi::doc::{AuthErrors, StoreError};
use super::{answer, get_as_admin, with_state};
use crate::auth::Admin;
use crate::state::AppState;

/// The 500 message.
pub(crate) const FAILED: &str = "Failed to fetch overview metrics";

pub(crate) fn routes(state: AppState) -> BoxedFilter<(Response,)> {
    warp::path!("v1" / "admin" / "overview")
        .and(get_as_admin(&state))
        .and(with_state(state))
        .and_then(overview)
        .boxed()
}

#[utoipa::path(
    get,
    path = "/v1/admin/overview",
    operation_id = "overview",
    summary = "All-time totals and search activity",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "OK", body = heimdex_core::query::Overview),
        AuthErrors,
        StoreError,
    ),
)]
async fn overview(_: Admin, state: AppState) -> Result<Response, Rejection> {
    answer(state.metrics.overview().await, FAILED)
}
