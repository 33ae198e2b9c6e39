//! [`mount`]: the admin API as a part of a host's warp service, next to the host's own routes.
//!
//! [`routes`](crate::routes) answers every request, turning any rejection into Heimdex's JSON
//! error, so it must be the last filter of a service. [`mount`] claims only Heimdex's own paths
//! (`/healthz`, `/v1/admin`, `/dashboard` and everything under them); any other path is rejected
//! as not found before Heimdex looks at it, so `host.or(mount(state))` and `mount(state).or(host)`
//! both leave the host's routes, and its own rejection handling, untouched.

use warp::filters::BoxedFilter;
use warp::path::FullPath;
use warp::reply::Response;
use warp::{Filter, Rejection};

use crate::state::AppState;

/// The paths Heimdex answers when mounted: each is the path itself or a prefix followed by `/`.
pub const MOUNTED_PATHS: [&str; 3] = ["/healthz", "/v1/admin", "/dashboard"];

/// The admin API and dashboard for a host's warp service: answers [`MOUNTED_PATHS`] as
/// [`routes`](crate::routes) does and rejects every other path as not found, untouched, so the
/// host's routes and rejection handling work before or after it.
///
/// ```no_run
/// # fn demo(state: heimdex_server::AppState) {
/// use warp::Filter;
/// let hello = warp::path!("hello").map(|| "hello from the host");
/// let service = hello.or(heimdex_server::mount(state));
/// # let _ = service;
/// # }
/// ```
pub fn mount(state: AppState) -> BoxedFilter<(Response,)> {
    heimdex_paths().and(crate::routes(state)).boxed()
}

/// Passes requests for [`MOUNTED_PATHS`]; rejects every other path as not found.
fn heimdex_paths() -> impl Filter<Extract = (), Error = Rejection> + Clone {
    warp::path::full()
        .and_then(|path: FullPath| async move {
            if is_mounted(path.as_str()) {
                Ok(())
            } else {
                Err(warp::reject::not_found())
            }
        })
        .untuple_one()
}

fn is_mounted(path: &str) -> bool {
    MOUNTED_PATHS.iter().any(|prefix| {
        path.strip_prefix(prefix)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    })
}

#[cfg(test)]
mod tests {
    use super::is_mounted;

    #[test]
    fn only_heimdex_paths_and_what_is_under_them_are_mounted() {
        for path in [
            "/healthz",
            "/v1/admin",
            "/v1/admin/overview",
            "/dashboard/",
            "/dashboard",
        ] {
            assert!(is_mounted(path), "{path}");
        }
        for path in [
            "/",
            "/hello",
            "/healthzz",
            "/v1/administer",
            "/v1",
            "/dashboards/x",
        ] {
            assert!(!is_mounted(path), "{path}");
        }
    }
}
