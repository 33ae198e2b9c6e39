//! `GET /v1/admin/timeseries/{throughput,search,throughput-v2}`.

use heimdex_core::{Bucket, Window};
use warp::filters::BoxedFilter;
use warp::reply::Response;
use warp::{Filter, Rejection};

use super::openapi::doc::{AuthErrors, BadParameter, RangeParam, SeriesParams, StoreError};
use super::{answer, get_as_admin, params, with_state};
use crate::auth::Admin;
use crate::dto::{Data, SearchSeries, ThroughputSeries, ThroughputV2Series};
use crate::state::AppState;

/// Throughput v1's 500 message.
pub(crate) const THROUGHPUT_FAILED: &str = "Failed to fetch throughput timeseries";
/// The search series' 500 message.
pub(crate) const SEARCH_FAILED: &str = "Failed to fetch search timeseries";
/// Throughput v2's 500 message.
pub(crate) const THROUGHPUT_V2_FAILED: &str = "Failed to fetch throughput timeseries v2";

pub(crate) fn routes(state: AppState) -> BoxedFilter<(Response,)> {
    let throughput = warp::path!("v1" / "admin" / "timeseries" / "throughput")
        .and(get_as_admin(&state))
        .and(params::range_and_bucket())
        .and(with_state(state.clone()))
        .and_then(throughput);
    let search = warp::path!("v1" / "admin" / "timeseries" / "search")
        .and(get_as_admin(&state))
        .and(params::range_and_bucket())
        .and(with_state(state.clone()))
        .and_then(search);
    let v2 = warp::path!("v1" / "admin" / "timeseries" / "throughput-v2")
        .and(get_as_admin(&state))
        .and(params::range())
        .and(with_state(state))
        .and_then(throughput_v2);
    throughput.or(search).unify().or(v2).unify().boxed()
}

#[utoipa::path(
    get,
    path = "/v1/admin/timeseries/throughput",
    operation_id = "throughput",
    summary = "READY videos per completion day",
    security(("bearer" = [])),
    params(SeriesParams),
    responses(
        (status = 200, description = "OK", body = ThroughputSeries),
        BadParameter,
        AuthErrors,
        StoreError,
    ),
)]
async fn throughput(
    _: Admin,
    window: Window,
    bucket: Bucket,
    state: AppState,
) -> Result<Response, Rejection> {
    answer(
        state
            .metrics
            .throughput(window, bucket)
            .await
            .map(Data::from),
        THROUGHPUT_FAILED,
    )
}

#[utoipa::path(
    get,
    path = "/v1/admin/timeseries/search",
    operation_id = "searchSeries",
    summary = "Searches per day",
    security(("bearer" = [])),
    params(SeriesParams),
    responses(
        (status = 200, description = "OK", body = SearchSeries),
        BadParameter,
        AuthErrors,
        StoreError,
    ),
)]
async fn search(
    _: Admin,
    window: Window,
    bucket: Bucket,
    state: AppState,
) -> Result<Response, Rejection> {
    answer(
        state
            .metrics
            .search_series(window, bucket)
            .await
            .map(Data::from),
        SEARCH_FAILED,
    )
}

#[utoipa::path(
    get,
    path = "/v1/admin/timeseries/throughput-v2",
    operation_id = "throughputV2",
    summary = "READY and FAILED per day, days descending",
    security(("bearer" = [])),
    params(RangeParam),
    responses(
        (status = 200, description = "OK", body = ThroughputV2Series),
        BadParameter,
        AuthErrors,
        StoreError,
    ),
)]
async fn throughput_v2(_: Admin, window: Window, state: AppState) -> Result<Response, Rejection> {
    answer(
        state.metrics.throughput_v2(window).await.map(Data::from),
        THROUGHPUT_V2_FAILED,
    )
}
