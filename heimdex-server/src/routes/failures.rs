//! `GET /v1/admin/failures/by-stage`: failed videos grouped by the stage that failed.

use heimdex_core::Window;
use warp::filters::BoxedFilter;
use warp::reply::Response;
use warp::{Filter, Rejection};

use super::openapi::doc::{AuthErrors, BadParameter, RangeParam, StoreError};
use super::{answer, get_as_admin, params, with_state};
use crate::auth::Admin;
use crate::dto::{Data, FailuresByStage};
use crate::state::AppState;

/// The 500 message.
pub(crate) const FAILED: &str = "Failed to fetch failure analysis";

pub(crate) fn routes(state: AppState) -> BoxedFilter<(Response,)> {
    warp::path!("v1" / "admin" / "failures" / "by-stage")
        .and(get_as_admin(&state))
        .and(params::range())
        .and(with_state(state))
        .and_then(by_stage)
        .boxed()
}

#[utoipa::path(
    get,
    path = "/v1/admin/failures/by-stage",
    operation_id = "failuresByStage",
    summary = "Failed videos by the stage that failed",
    security(("bearer" = [])),
    params(RangeParam),
    responses(
        (status = 200, description = "OK", body = FailuresByStage),
        BadParameter,
        AuthErrors,
        StoreError,
    ),
)]
async fn by_stage(_: Admin, window: Window, state: AppState) -> Result<Response, Rejection> {
    answer(
        state
            .metrics
            .failures_by_stage(window)
            .await
            .map(Data::from),
        FAILED,
    )
}
