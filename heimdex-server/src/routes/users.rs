//! `GET /v1/admin/users` (one page of per-user summaries) and `GET /v1/admin/users/{user_id}`.

use heimdex_core::{Page, UserId, UserSort, Window};
use warp::filters::BoxedFilter;
use warp::reply::Response;
use warp::{Filter, Rejection};

use super::openapi::doc::{AuthErrors, BadParameter, StoreError, UsersParams};
use super::{answer, get_as_admin, params, with_state};
use crate::auth::Admin;
use crate::error::ApiError;
use crate::state::AppState;

/// The list's 500 message.
pub(crate) const USERS_FAILED: &str = "Failed to fetch users";
/// The detail's 500 message.
pub(crate) const USER_FAILED: &str = "Failed to fetch user detail";
/// A `user_id` that is not a UUID.
pub(crate) const INVALID_ID: &str = "Invalid user ID format";
/// A well-formed id with no profile.
pub(crate) const NOT_FOUND: &str = "User not found";

pub(crate) fn routes(state: AppState) -> BoxedFilter<(Response,)> {
    let list = warp::path!("v1" / "admin" / "users")
        .and(get_as_admin(&state))
        .and(params::users())
        .and(with_state(state.clone()))
        .and_then(list);
    let detail = warp::path!("v1" / "admin" / "users" / String)
        .and(get_as_admin(&state))
        .and(with_state(state))
        .and_then(detail);
    list.or(detail).unify().boxed()
}

#[utoipa::path(
    get,
    path = "/v1/admin/users",
    operation_id = "users",
    summary = "One page of per-user summaries",
    security(("bearer" = [])),
    params(UsersParams),
    responses(
        (status = 200, description = "OK", body = heimdex_core::query::UsersPage),
        BadParameter,
        AuthErrors,
        StoreError,
    ),
)]
async fn list(
    _: Admin,
    window: Window,
    page: Page,
    sort: UserSort,
    state: AppState,
) -> Result<Response, Rejection> {
    answer(state.metrics.users(window, page, sort).await, USERS_FAILED)
}

/// The id is parsed only after authentication (it is part of the path, but it is a parameter).
#[utoipa::path(
    get,
    path = "/v1/admin/users/{user_id}",
    operation_id = "userDetail",
    summary = "One user's detail",
    security(("bearer" = [])),
    params(("user_id" = uuid::Uuid, Path, description = "The user's UUID.")),
    responses(
        (status = 200, description = "OK", body = heimdex_core::query::UserDetail),
        BadParameter,
        AuthErrors,
        (status = 404, description = NOT_FOUND, body = crate::error::ErrorBody),
        StoreError,
    ),
)]
async fn detail(user_id: String, _: Admin, state: AppState) -> Result<Response, Rejection> {
    let id: UserId = user_id
        .parse()
        .map_err(|_| ApiError::BadRequest(INVALID_ID.into()).reject())?;
    match state.metrics.user_detail(id).await {
        Err(heimdex_core::Error::NotFound { .. }) => Err(ApiError::NotFound(NOT_FOUND).reject()),
        other => answer(other, USER_FAILED),
    }
}
