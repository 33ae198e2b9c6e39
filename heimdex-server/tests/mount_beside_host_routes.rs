//! The admin API mounted inside a host's warp service with `heimdex_server::mount`, over real HTTP,
//! with Heimdex's filter before and after the host's routes: the host keeps its own routes and its
//! own answer for unknown paths; Heimdex answers its paths with its auth and JSON errors.

mod support;

use std::convert::Infallible;
use std::net::SocketAddr;

use heimdex_server::AppState;
use support::tokens::{self, claims};
use support::{auth, send, ADMIN, OVERVIEW};
use warp::http::StatusCode;
use warp::reply::Response;
use warp::{Filter, Rejection, Reply};

/// The host's own answer for what nobody routes.
async fn host_not_found(_: Rejection) -> Result<Response, Infallible> {
    let reply = warp::reply::with_status("host: no such page", StatusCode::NOT_FOUND);
    Ok(reply.into_response())
}

/// A store that answers the overview and the health check's ping.
fn state() -> AppState {
    let mut store = heimdex_core::query::MockMetricsQuery::new();
    store
        .expect_overview()
        .returning(|| Ok(heimdex_core::query::Overview::default()));
    store.expect_ping().returning(|| Ok(()));
    AppState::new(std::sync::Arc::new(store), auth())
}

fn host_routes() -> warp::filters::BoxedFilter<(Response,)> {
    warp::path!("hello")
        .and(warp::get())
        .map(|| "hello from the host".into_response())
        .boxed()
}

/// Serves `service` on an ephemeral port until the test ends.
fn start(service: warp::filters::BoxedFilter<(Response,)>) -> SocketAddr {
    let service = service.recover(host_not_found).unify();
    let (addr, server) = warp::serve(service).bind_ephemeral(([127, 0, 0, 1], 0));
    tokio::spawn(server);
    addr
}

async fn check_the_host_and_heimdex_side_by_side(addr: SocketAddr) {
    let hello = send(addr, "GET", "/hello", &[]).await;
    assert_eq!(
        (hello.status, hello.text.as_str()),
        (200, "hello from the host")
    );

    let unknown = send(addr, "GET", "/not-here", &[]).await;
    assert_eq!(
        (unknown.status, unknown.text.as_str()),
        (404, "host: no such page")
    );

    let health = send(addr, "GET", "/healthz", &[]).await;
    assert_eq!(health.status, 200, "{}", health.text);

    send(addr, "GET", OVERVIEW, &[])
        .await
        .assert_error(401, "Not authenticated");
    let token = tokens::hs256(tokens::SECRET.as_bytes(), &claims(ADMIN));
    let bearer = format!("Bearer {token}");
    let overview = send(addr, "GET", OVERVIEW, &[("authorization", &bearer)]).await;
    assert_eq!(overview.status, 200, "{}", overview.text);

    send(addr, "GET", "/v1/admin/no-such-endpoint", &[])
        .await
        .assert_error(404, "Not Found");
}

#[tokio::test]
async fn heimdex_mounted_after_the_host_routes_leaves_them_alone() {
    let service = host_routes()
        .or(heimdex_server::mount(state()))
        .unify()
        .boxed();
    check_the_host_and_heimdex_side_by_side(start(service)).await;
}

#[tokio::test]
async fn heimdex_mounted_before_the_host_routes_leaves_them_alone() {
    let service = heimdex_server::mount(state())
        .or(host_routes())
        .unify()
        .boxed();
    check_the_host_and_heimdex_side_by_side(start(service)).await;
}
