//! The admin dashboard: static files (the page, five scripts and a style sheet) built into the
//! binary and served without authentication, because the page holds no data. Every number on it comes from the admin API,
//! which the page calls with the bearer token the operator pastes in (kept in `sessionStorage`).
//!
//! Routes:
//! - `GET /dashboard/` (or `/dashboard`, `/dashboard/index.html`): the page;
//!   `GET /dashboard/<file>` for `format.js`, `charts.js`, `panels.js`, `users.js`, `app.js` and
//!   `style.css`.
//! - `GET /` from a browser (`Accept` names `text/html`): `303 See Other` to `/dashboard/`. Any
//!   other client keeps the API's JSON 404 for `/`, so scripts never get an HTML detour.
//!
//! Each file carries a strict `Content-Security-Policy` (same origin only: no CDN, no inline
//! script), `X-Content-Type-Options: nosniff` and `Referrer-Policy: no-referrer`.

use warp::filters::BoxedFilter;
use warp::http::header::{HeaderValue, ACCEPT, CONTENT_TYPE, LOCATION};
use warp::http::HeaderMap;
use warp::http::StatusCode;
use warp::path::Tail;
use warp::reply::Response;
use warp::{Filter, Rejection, Reply};

/// Where the page lives; `/` sends browsers here.
pub(crate) const DASHBOARD_PATH: &str = "/dashboard/";

/// The policy every dashboard file is served with: only this origin, no inline script or style.
pub(crate) const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; \
     frame-ancestors 'none'";

const JS: &str = "text/javascript; charset=utf-8";

/// One built-in file: its name under `/dashboard/`, its content type and its bytes.
struct Asset {
    name: &'static str,
    content_type: &'static str,
    body: &'static str,
}

const ASSETS: &[Asset] = &[
    Asset {
        name: "",
        content_type: "text/html; charset=utf-8",
        body: include_str!("../assets/dashboard/index.html"),
    },
    Asset {
        name: "index.html",
        content_type: "text/html; charset=utf-8",
        body: include_str!("../assets/dashboard/index.html"),
    },
    Asset {
        name: "format.js",
        content_type: JS,
        body: include_str!("../assets/dashboard/format.js"),
    },
    Asset {
        name: "charts.js",
        content_type: JS,
        body: include_str!("../assets/dashboard/charts.js"),
    },
    Asset {
        name: "panels.js",
        content_type: JS,
        body: include_str!("../assets/dashboard/panels.js"),
    },
    Asset {
        name: "users.js",
        content_type: JS,
        body: include_str!("../assets/dashboard/users.js"),
    },
    Asset {
        name: "app.js",
        content_type: JS,
        body: include_str!("../assets/dashboard/app.js"),
    },
    Asset {
        name: "style.css",
        content_type: "text/css; charset=utf-8",
        body: include_str!("../assets/dashboard/style.css"),
    },
];

/// `GET /` for browsers and `GET /dashboard/…`; anything else is rejected as not found, so the
/// API's JSON 404 and 405 answers stay as they are.
pub(crate) fn routes() -> BoxedFilter<(Response,)> {
    let root = warp::path::end()
        .and(warp::header::headers_cloned())
        .and_then(|headers: HeaderMap| async move {
            if wants_html(&headers) {
                Ok(())
            } else {
                Err(warp::reject::not_found())
            }
        })
        .untuple_one()
        .and(warp::get())
        .map(|| redirect(DASHBOARD_PATH));
    let files = warp::path("dashboard")
        .and(warp::path::tail())
        .and(warp::get())
        .and_then(|tail: Tail| async move { asset(tail.as_str()) });
    root.or(files).unify().boxed()
}

/// Whether an `Accept` header names `text/html`. The header is read as bytes: a value that is not
/// ASCII (legal in HTTP, but not a `str`) simply does not ask for HTML.
fn wants_html(headers: &HeaderMap) -> bool {
    headers
        .get_all(ACCEPT)
        .iter()
        .any(|v| v.as_bytes().windows(9).any(|w| w == b"text/html"))
}

/// The built-in file named `name`, with its headers, or a 404 rejection.
fn asset(name: &str) -> Result<Response, Rejection> {
    let asset = ASSETS
        .iter()
        .find(|a| a.name == name)
        .ok_or_else(warp::reject::not_found)?;
    let mut response = asset.body.into_response();
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(asset.content_type));
    headers.insert("content-security-policy", HeaderValue::from_static(CSP));
    headers.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    headers.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    Ok(response)
}

/// `303 See Other` to `location`.
fn redirect(location: &'static str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    response
        .headers_mut()
        .insert(LOCATION, HeaderValue::from_static(location));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_loads_only_its_own_files() {
        let page = ASSETS[0].body;
        assert!(page.contains(r#"src="/dashboard/app.js""#));
        assert!(page.contains(r#"href="/dashboard/style.css""#));
        assert!(!page.contains("http://") && !page.contains("https://"));
        assert!(!page.contains("<script>"), "inline script breaks the CSP");
    }
}
