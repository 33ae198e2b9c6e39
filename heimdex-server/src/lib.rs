#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod auth;
#[cfg(feature = "cli")]
pub mod cli;
pub mod config;
mod dashboard;
pub mod dto;
pub mod error;
mod limits;
mod mount;
mod routes;
mod server;
pub mod state;

use warp::filters::BoxedFilter;
use warp::reply::Response;
use warp::{Filter, Reply};

pub use config::{HttpConfig, ServerConfig};
pub use error::{handle_rejection, ApiError, ErrorBody};
pub use mount::{mount, MOUNTED_PATHS};
pub use routes::openapi::OPENAPI_JSON;
pub use server::{bind, serve, shutdown_signal, ServeError};
pub use state::AppState;

/// The whole API as one warp filter: `/healthz`, every `/v1/admin` route, the limits, CORS,
/// JSON errors for every rejection ([`handle_rejection`]) and one access-log line per request.
///
/// The log line (target `heimdex_server::access`) has the method, the path (without the query
/// string), the status and the latency; headers, and so tokens, are never logged.
pub fn routes(state: AppState) -> BoxedFilter<(Response,)> {
    let http = state.http.clone();
    let api = limits::in_flight(state.in_flight.clone())
        .and(limits::body_size(http.max_body_bytes))
        .and(routes::all(state))
        .map(|permit, reply: Response| {
            drop(permit);
            reply
        })
        .recover(handle_rejection)
        .unify();
    let api = match cors(&http.cors_origins) {
        Some(cors) => api
            .with(cors)
            .map(Reply::into_response)
            .recover(handle_rejection)
            .unify()
            .boxed(),
        None => api.boxed(),
    };
    api.with(warp::reply::with::header("cache-control", "no-store"))
        .with(warp::log::custom(|info| {
            tracing::info!(
                target: "heimdex_server::access",
                method = %info.method(),
                path = info.path(),
                status = info.status().as_u16(),
                latency_ms = info.elapsed().as_secs_f64() * 1e3,
                "request"
            );
        }))
        .map(Reply::into_response)
        .boxed()
}

/// The CORS policy for `origins`: none when empty, any origin for `*`, else exactly those.
fn cors(origins: &[String]) -> Option<warp::cors::Builder> {
    if origins.is_empty() {
        return None;
    }
    let (valid, invalid): (Vec<&String>, Vec<&String>) =
        origins.iter().partition(|o| HttpConfig::is_valid_origin(o));
    for origin in invalid {
        tracing::warn!(%origin, "ignoring invalid CORS origin");
    }
    if valid.is_empty() {
        return None;
    }
    let builder = warp::cors()
        .allow_methods(["GET", "OPTIONS"])
        .allow_headers(["authorization", "content-type"])
        .max_age(600);
    Some(if valid.iter().any(|o| *o == "*") {
        builder.allow_any_origin()
    } else {
        builder.allow_origins(valid.into_iter().map(String::as_str))
    })
}
