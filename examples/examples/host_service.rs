//! Heimdex's admin API and dashboard inside your own warp service, next to your own routes.
//!
//! ```text
//! cargo run -p heimdex-examples --example worker_custom_stage   # some timing to look at
//! cargo run -p heimdex-examples --example host_service          # then serve it
//! ```
//!
//! The host has its own `/` and `/api/hello` routes and its own answer for unknown paths;
//! [`heimdex_server::mount`] adds `/healthz`, `/v1/admin/...` and `/dashboard/` and claims nothing
//! else, so the order of the two does not matter. Serves on 127.0.0.1:8091 over
//! `.heimdex/examples.db` until Ctrl-C.

use std::convert::Infallible;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use heimdex_adapters::embedded::EmbeddedStore;
use heimdex_core::BoxError;
use heimdex_server::auth::{mint_token, AdminList, AuthConfig, JwtKeys, Secret};
use heimdex_server::AppState;
use warp::http::StatusCode;
use warp::{Filter, Rejection, Reply};

const ADMIN: &str = "00000000-0000-0000-0000-000000000001";

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let store = Arc::new(EmbeddedStore::open(Path::new(".heimdex/examples.db")).await?);
    // A secret for this run only; a real service reads it from its configuration.
    let secret = Secret::new(format!("{:032x}", rand_seed()));
    let keys = JwtKeys::none().with_secret(secret.clone())?;
    let auth = AuthConfig::new(keys, AdminList::new([ADMIN]));
    let token = mint_token(&secret, ADMIN, Duration::from_secs(3600))?;

    let home = warp::path::end().map(|| "the host's home page");
    let hello = warp::path!("api" / "hello").map(|| warp::reply::json(&"hello"));
    let service = home
        .map(Reply::into_response)
        .or(hello.map(Reply::into_response))
        .unify()
        .or(heimdex_server::mount(AppState::new(store, auth)))
        .unify()
        .recover(host_not_found);

    println!("host:      http://127.0.0.1:8091/api/hello");
    println!("dashboard: http://127.0.0.1:8091/dashboard/#token={token}");
    let (_, server) =
        warp::serve(service).bind_with_graceful_shutdown(([127, 0, 0, 1], 8091), async {
            tokio::signal::ctrl_c().await.ok();
        });
    server.await;
    Ok(())
}

/// The host's own answer for paths nobody routes (Heimdex never sees them).
async fn host_not_found(_: Rejection) -> Result<impl Reply, Infallible> {
    Ok(warp::reply::with_status(
        "no such page on this host",
        StatusCode::NOT_FOUND,
    ))
}

/// 128 bits from the clock and the process id: unguessable enough for a local example.
fn rand_seed() -> u128 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_nanos();
    nanos ^ (u128::from(std::process::id()) << 96)
}
