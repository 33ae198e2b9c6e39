//! The route groups, one file each, composed into the admin API.
//!
//! Every admin route is built the same way: its path, then its method, then
//! [`crate::auth::admin`], then its query parameters ([`params`]), then the state, then the
//! handler. Path and method come first so an unknown path stays 404 and a wrong method 405;
//! authentication comes before parameters so nothing is read from an unauthenticated request.

pub(crate) mod failures;
pub(crate) mod health;
pub(crate) mod openapi;
pub(crate) mod overview;
pub(crate) mod params;
pub(crate) mod performance;
pub(crate) mod timeseries;
pub(crate) mod users;

use std::convert::Infallible;

use serde::Serialize;
use warp::filters::BoxedFilter;
use warp::reply::Response;
use warp::{Filter, Rejection, Reply};

use crate::auth::{self, Admin};
use crate::error::ApiError;
use crate::state::AppState;

/// Every route: `/healthz`, everything under `/v1/admin`, and the dashboard's files.
pub(crate) fn all(state: AppState) -> BoxedFilter<(Response,)> {
    health::routes(state.clone())
        .or(overview::routes(state.clone()))
        .unify()
        .or(timeseries::routes(state.clone()))
        .unify()
        .or(users::routes(state.clone()))
        .unify()
        .or(performance::routes(state.clone()))
        .unify()
        .or(failures::routes(state.clone()))
        .unify()
        .or(openapi::routes(state))
        .unify()
        .or(crate::dashboard::routes())
        .unify()
        .boxed()
}

/// Hands the state to a handler.
pub(crate) fn with_state(
    state: AppState,
) -> impl Filter<Extract = (AppState,), Error = Infallible> + Clone {
    warp::any().map(move || state.clone())
}

/// `GET` then authentication: what follows the path of every admin route.
pub(crate) fn get_as_admin(
    state: &AppState,
) -> impl Filter<Extract = (Admin,), Error = Rejection> + Clone {
    warp::get().and(auth::admin(state.auth.clone()))
}

/// The JSON answer of a store call, or the endpoint's 500 (`message`) with the cause logged.
///
/// Every store error is the endpoint's 500, `Unavailable` included: the contract says "any internal
/// error → 500 with the endpoint's message". Only `/healthz` answers 503 for a store that is down.
pub(crate) fn answer<T: Serialize>(
    result: heimdex_core::Result<T>,
    message: &'static str,
) -> Result<Response, Rejection> {
    match result {
        Ok(value) => Ok(warp::reply::json(&value).into_response()),
        Err(e) => Err(ApiError::internal(message, &e).reject()),
    }
}
