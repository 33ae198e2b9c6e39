//! Per-request limits: requests in flight and body size. Both reject with an [`ApiError`], so
//! their answers are rendered by [`crate::error::handle_rejection`] like every other error.

use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use warp::{Filter, Rejection};

use crate::error::ApiError;

/// Takes a permit for the request's whole life (the caller keeps the extracted permit until its
/// reply is built), or rejects with 503 `Server busy, retry later` when none is free. Rejecting at
/// once, rather than queueing, keeps a burst from piling up behind slow store queries.
pub(crate) fn in_flight(
    permits: Arc<Semaphore>,
) -> impl Filter<Extract = (OwnedSemaphorePermit,), Error = Rejection> + Clone {
    warp::any().and_then(move || {
        let permits = permits.clone();
        async move {
            permits
                .try_acquire_owned()
                .map_err(|_| ApiError::Busy.reject())
        }
    })
}

/// Rejects a declared `Content-Length` over `max` with 413. A request without one passes: the
/// admin API never reads a body, so an undeclared one is never buffered.
pub(crate) fn body_size(max: u64) -> impl Filter<Extract = (), Error = Rejection> + Clone {
    warp::header::optional::<u64>("content-length")
        .and_then(move |length: Option<u64>| async move {
            match length {
                Some(n) if n > max => Err(ApiError::PayloadTooLarge.reject()),
                _ => Ok(()),
            }
        })
        .untuple_one()
}
