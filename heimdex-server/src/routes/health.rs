//! `GET /healthz`: no authentication; 200 `{"status":"ok"}` when the store answers, else 503.

use warp::filters::BoxedFilter;
use warp::reply::Response;
use warp::{Filter, Rejection, Reply};

use super::with_state;
use crate::dto::Health;
use crate::error::ApiError;
use crate::state::AppState;

/// The 503 message.
pub(crate) const UNAVAILABLE: &str = "Store unavailable";

pub(crate) fn routes(state: AppState) -> BoxedFilter<(Response,)> {
    warp::path!("healthz")
        .and(warp::get())
        .and(with_state(state))
        .and_then(health)
        .boxed()
}

#[utoipa::path(
    get,
    path = "/healthz",
    operation_id = "health",
    summary = "Liveness and store health (no authentication)",
    security(),
    responses(
        (status = 200, description = "The store answers", body = Health),
        (status = 503, description = UNAVAILABLE, body = crate::error::ErrorBody),
    ),
)]
async fn health(state: AppState) -> Result<Response, Rejection> {
    match state.metrics.ping().await {
        Ok(()) => Ok(warp::reply::json(&Health {
            status: "ok".into(),
        })
        .into_response()),
        Err(e) => {
            tracing::warn!(error = %e, "health check failed");
            Err(ApiError::Unavailable(UNAVAILABLE).reject())
        }
    }
}
