//! [`ApiError`] and [`handle_rejection`]: the only place that builds an error body.
//!
//! Every error the API answers is JSON `{"detail": "<message>"}` (docs/spec.md#errors), built
//! here and nowhere else. **Handlers reject, `handle_rejection` renders**: a handler never returns
//! an error *reply*. This matters because of how warp ranks rejections: a custom rejection
//! ([`ApiError`]) ranks like a 500 in warp's `Rejection::preferred`, so once a route has matched
//! its path and method, its domain error (even `404 User not found`) beats the `404`/`405` that the
//! sibling routes produce for the same request. An error *reply* would bypass that ranking.

use std::convert::Infallible;

use serde::{Deserialize, Serialize};
use warp::http::{header, HeaderValue, StatusCode};
use warp::reject::{InvalidHeader, InvalidQuery, MethodNotAllowed, PayloadTooLarge};
use warp::reply::Response;
use warp::Reply;

/// Every error answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = Error)]
pub struct ErrorBody {
    /// What went wrong; the exact texts are fixed by the contract.
    pub detail: String,
}

/// An error the API answers with; its `Display` is exactly the `detail` sent to the client.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ApiError {
    /// 400 with the message (`Invalid range format`, `Invalid user ID format`, …).
    #[error("{0}")]
    BadRequest(String),
    /// 401: no or malformed `Authorization: Bearer` header.
    #[error("Not authenticated")]
    NotAuthenticated,
    /// 401: the token failed verification (signature, algorithm, time, audience).
    #[error("Could not validate credentials")]
    InvalidCredentials,
    /// 401: a valid token without a `sub` claim.
    #[error("Invalid token: missing subject")]
    MissingSubject,
    /// 403 with the message (`Admin access not configured`, `Admin privileges required`).
    #[error("{0}")]
    Forbidden(&'static str),
    /// 404 with the message (`User not found`).
    #[error("{0}")]
    NotFound(&'static str),
    /// 413: a request body over the configured limit.
    #[error("Request body too large")]
    PayloadTooLarge,
    /// 503: more requests in flight than the configured limit.
    #[error("Server busy, retry later")]
    Busy,
    /// 503 with the message (the health check: `Store unavailable`).
    #[error("{0}")]
    Unavailable(&'static str),
    /// 500 with the endpoint's message (`Failed to fetch processing latency`); the cause is
    /// logged where the error is created, never sent.
    #[error("{0}")]
    Internal(&'static str),
}

impl warp::reject::Reject for ApiError {}

impl ApiError {
    /// The endpoint's 500, logging `cause` (which never reaches the client).
    pub fn internal(message: &'static str, cause: &heimdex_core::Error) -> Self {
        tracing::error!(error = %cause, source = ?std::error::Error::source(cause), "{message}");
        ApiError::Internal(message)
    }

    /// The HTTP status this error answers with.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::NotAuthenticated
            | ApiError::InvalidCredentials
            | ApiError::MissingSubject => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Busy | ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Shorthand for `warp::reject::custom(self)`.
    pub fn reject(self) -> warp::Rejection {
        warp::reject::custom(self)
    }
}

/// Builds the JSON error answer `{"detail": message}` with `status`.
fn error_reply(status: StatusCode, message: &str) -> Response {
    let body = ErrorBody {
        detail: message.to_owned(),
    };
    warp::reply::with_status(warp::reply::json(&body), status).into_response()
}

/// Turns any rejection into the contract's JSON error. Never fails.
///
/// - [`ApiError`]: its status and message; every 401 carries `WWW-Authenticate: Bearer`
///   (RFC 7235 requires it on a 401), and `503 Busy` carries `Retry-After: 1`.
/// - no route matched the path: 404 `Not Found`; a route matched the path but not the method:
///   405 `Method Not Allowed`.
/// - a query string that is not valid `application/x-www-form-urlencoded` UTF-8, or a header a
///   filter could not read (not ASCII, not a number): 400.
/// - warp's own payload limit: 413; a CORS request from an origin not allowed: 403.
/// - anything else: 500 `Internal Server Error`, and the rejection is logged.
pub async fn handle_rejection(err: warp::Rejection) -> Result<Response, Infallible> {
    let mut reply = if let Some(api) = err.find::<ApiError>() {
        let mut reply = error_reply(api.status(), &api.to_string());
        let headers = reply.headers_mut();
        if api.status() == StatusCode::UNAUTHORIZED {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if *api == ApiError::Busy {
            headers.insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        reply
    } else if err.is_not_found() {
        error_reply(StatusCode::NOT_FOUND, "Not Found")
    } else if err.find::<MethodNotAllowed>().is_some() {
        error_reply(StatusCode::METHOD_NOT_ALLOWED, "Method Not Allowed")
    } else if err.find::<InvalidQuery>().is_some() {
        error_reply(StatusCode::BAD_REQUEST, "Invalid query string")
    } else if err.find::<InvalidHeader>().is_some() {
        error_reply(StatusCode::BAD_REQUEST, "Invalid header")
    } else if err.find::<PayloadTooLarge>().is_some() {
        error_reply(StatusCode::PAYLOAD_TOO_LARGE, "Request body too large")
    } else if err.find::<warp::filters::cors::CorsForbidden>().is_some() {
        error_reply(StatusCode::FORBIDDEN, "CORS request forbidden")
    } else {
        tracing::error!(rejection = ?err, "unhandled rejection");
        error_reply(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error")
    };
    reply
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(reply)
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn render(rejection: warp::Rejection) -> (StatusCode, ErrorBody, Response) {
        let reply = handle_rejection(rejection).await.unwrap();
        let status = reply.status();
        let (parts, body) = reply.into_parts();
        let bytes = hyper::body::to_bytes(body).await.unwrap();
        let body: ErrorBody = serde_json::from_slice(&bytes).unwrap();
        (
            status,
            body,
            Response::from_parts(parts, hyper::Body::empty()),
        )
    }

    #[tokio::test]
    async fn api_errors_render_their_status_and_exact_detail() {
        let cases = [
            (
                ApiError::BadRequest("Invalid range format".into()),
                400,
                "Invalid range format",
            ),
            (ApiError::NotAuthenticated, 401, "Not authenticated"),
            (
                ApiError::InvalidCredentials,
                401,
                "Could not validate credentials",
            ),
            (
                ApiError::MissingSubject,
                401,
                "Invalid token: missing subject",
            ),
            (
                ApiError::Forbidden("Admin privileges required"),
                403,
                "Admin privileges required",
            ),
            (ApiError::NotFound("User not found"), 404, "User not found"),
            (
                ApiError::Internal("Failed to fetch processing latency"),
                500,
                "Failed to fetch processing latency",
            ),
        ];
        for (error, status, detail) in cases {
            let (got_status, body, _) = render(error.reject()).await;
            assert_eq!(got_status.as_u16(), status);
            assert_eq!(body.detail, detail);
        }
    }

    #[tokio::test]
    async fn every_401_asks_for_a_bearer_token() {
        for error in [
            ApiError::NotAuthenticated,
            ApiError::InvalidCredentials,
            ApiError::MissingSubject,
        ] {
            let (_, _, reply) = render(error.reject()).await;
            assert_eq!(reply.headers()[header::WWW_AUTHENTICATE], "Bearer");
        }
        let (_, _, reply) = render(ApiError::Forbidden("Admin privileges required").reject()).await;
        assert!(reply.headers().get(header::WWW_AUTHENTICATE).is_none());
    }

    #[tokio::test]
    async fn a_plain_not_found_is_json_404() {
        let (status, body, _) = render(warp::reject::not_found()).await;
        assert_eq!((status.as_u16(), body.detail.as_str()), (404, "Not Found"));
    }

    #[tokio::test]
    async fn a_header_a_filter_cannot_read_is_400_not_500() {
        let rejection = warp::test::request()
            .header("x-count", "not a number")
            .filter(&warp::header::<u32>("x-count"))
            .await
            .unwrap_err();
        let (status, body, _) = render(rejection).await;
        assert_eq!(
            (status.as_u16(), body.detail.as_str()),
            (400, "Invalid header")
        );
    }

    #[test]
    fn internal_message_never_contains_the_cause() {
        let cause = heimdex_core::Error::Backend {
            adapter: "postgres",
            source: "password authentication failed for user admin".into(),
        };
        let error = ApiError::internal("Failed to fetch overview", &cause);
        assert_eq!(error.to_string(), "Failed to fetch overview");
    }
}
