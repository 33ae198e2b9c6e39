//! `GET /v1/admin/failures/by-stage`: failed videos grouped by the stage that failed.

use heimdex_core::Window;
use warp::filters::BoxedFilter;
use warp::reply::Response;
use warp::{Filter, Rejection};

use super::{answer, get_as_admin, params, with_state};
use crate::auth::Admin;
use crate::dto::Data;
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
