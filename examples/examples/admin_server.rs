//! The admin API and dashboard of your own service, over the embedded store.
//!
//! ```text
//! cargo run -p heimdex-examples --example worker_custom_stage   # some timing to look at
//! cargo run -p heimdex-examples --example admin_server          # then serve it
//! ```
//!
//! Opens `.heimdex/examples.db` (created and migrated when missing), accepts HS256 tokens signed
//! with a secret made for this run, lets one admin in, prints a dashboard link with a token for that
//! admin, and serves on 127.0.0.1:8090 until Ctrl-C or SIGTERM.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use heimdex_adapters::embedded::EmbeddedStore;
use heimdex_core::BoxError;
use heimdex_server::auth::{mint_token, AdminList, AuthConfig, JwtKeys, Secret};
use heimdex_server::{serve, AppState, ServerConfig};

const ADMIN: &str = "00000000-0000-0000-0000-000000000001";

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let store = Arc::new(EmbeddedStore::open(Path::new(".heimdex/examples.db")).await?);

    // A secret for this run only; a real service reads it from its configuration.
    let secret = Secret::new(uuid_like_secret());
    let keys = JwtKeys::none().with_secret(secret.clone())?;
    let auth = AuthConfig::new(keys, AdminList::new([ADMIN]));
    let token = mint_token(&secret, ADMIN, Duration::from_secs(3600))?;

    let config = ServerConfig::new("127.0.0.1:8090".parse()?);
    println!("dashboard: http://127.0.0.1:8090/dashboard/#token={token}");
    serve(&config, AppState::new(store, auth)).await?;
    Ok(())
}

/// 32 hex digits from the clock and the process id: unguessable enough for a local example.
fn uuid_like_secret() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_nanos();
    format!("{:x}{:08x}", nanos, std::process::id())
}
