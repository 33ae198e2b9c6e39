//! `GET /v1/admin/performance/{latency,rtf,queue,stages}`.

use heimdex_core::Window;
use warp::filters::BoxedFilter;
use warp::reply::Response;
use warp::{Filter, Rejection};

use super::openapi::doc::{AuthErrors, BadParameter, RangeParam, StoreError};
use super::{answer, get_as_admin, params, with_state};
use crate::auth::Admin;
use crate::dto::{Data, StageLatencySeries};
use crate::state::AppState;

/// The latency endpoint's 500 message (the contract's example).
pub(crate) const LATENCY_FAILED: &str = "Failed to fetch processing latency";
/// The RTF endpoint's 500 message.
pub(crate) const RTF_FAILED: &str = "Failed to fetch RTF metrics";
/// The queue endpoint's 500 message.
pub(crate) const QUEUE_FAILED: &str = "Failed to fetch queue analysis";
/// The per-stage endpoint's 500 message.
pub(crate) const STAGES_FAILED: &str = "Failed to fetch stage latency";

pub(crate) fn routes(state: AppState) -> BoxedFilter<(Response,)> {
    let latency = warp::path!("v1" / "admin" / "performance" / "latency")
        .and(get_as_admin(&state))
        .and(params::range())
        .and(with_state(state.clone()))
        .and_then(latency);
    let rtf = warp::path!("v1" / "admin" / "performance" / "rtf")
        .and(get_as_admin(&state))
        .and(params::range())
        .and(with_state(state.clone()))
        .and_then(rtf);
    let queue = warp::path!("v1" / "admin" / "performance" / "queue")
        .and(get_as_admin(&state))
        .and(params::range())
        .and(with_state(state.clone()))
        .and_then(queue);
    let stages = warp::path!("v1" / "admin" / "performance" / "stages")
        .and(get_as_admin(&state))
        .and(params::range())
        .and(with_state(state))
        .and_then(stages);
    latency
        .or(rtf)
        .unify()
        .or(queue)
        .unify()
        .or(stages)
        .unify()
        .boxed()
}

#[utoipa::path(
    get,
    path = "/v1/admin/performance/latency",
    operation_id = "latency",
    summary = "Processing latency percentiles",
    security(("bearer" = [])),
    params(RangeParam),
    responses(
        (status = 200, description = "OK", body = heimdex_core::query::LatencySummary),
        BadParameter,
        AuthErrors,
        StoreError,
    ),
)]
async fn latency(_: Admin, window: Window, state: AppState) -> Result<Response, Rejection> {
    answer(state.metrics.latency(window).await, LATENCY_FAILED)
}

#[utoipa::path(
    get,
    path = "/v1/admin/performance/rtf",
    operation_id = "rtf",
    summary = "Real-time factor distribution",
    security(("bearer" = [])),
    params(RangeParam),
    responses(
        (status = 200, description = "OK", body = heimdex_core::query::RtfSummary),
        BadParameter,
        AuthErrors,
        StoreError,
    ),
)]
async fn rtf(_: Admin, window: Window, state: AppState) -> Result<Response, Rejection> {
    answer(state.metrics.rtf(window).await, RTF_FAILED)
}

#[utoipa::path(
    get,
    path = "/v1/admin/performance/queue",
    operation_id = "queue",
    summary = "Queue time versus processing time",
    security(("bearer" = [])),
    params(RangeParam),
    responses(
        (status = 200, description = "OK", body = heimdex_core::query::QueueSummary),
        BadParameter,
        AuthErrors,
        StoreError,
    ),
)]
async fn queue(_: Admin, window: Window, state: AppState) -> Result<Response, Rejection> {
    answer(state.metrics.queue(window).await, QUEUE_FAILED)
}

#[utoipa::path(
    get,
    path = "/v1/admin/performance/stages",
    operation_id = "stageLatency",
    summary = "Per-stage latency",
    security(("bearer" = [])),
    params(RangeParam),
    responses(
        (status = 200, description = "OK", body = StageLatencySeries),
        BadParameter,
        AuthErrors,
        StoreError,
    ),
)]
async fn stages(_: Admin, window: Window, state: AppState) -> Result<Response, Rejection> {
    answer(
        state.metrics.stage_latency(window).await.map(Data::from),
        STAGES_FAILED,
    )
}
