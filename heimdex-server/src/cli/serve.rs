//! `heimdex serve`: opens the store (applying its migrations) and serves the admin API.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use clap::Args;
use heimdex_adapters::StoreConfig;
use heimdex_core::MetricsQuery;

use super::ttl::parse_grace;
use super::CliError;
use crate::auth::{AuthConfig, MIN_SECRET_BYTES};
use crate::config::{HttpConfig, ServerConfig, DEFAULT_BIND};
use crate::state::AppState;

/// Arguments of `heimdex serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "HEIMDEX_BIND", default_value_t = DEFAULT_BIND)]
    pub bind: SocketAddr,
    /// Comma-separated browser origins allowed to call the API (https://admin.example.com), or *.
    // The doc comment is `--help` text, shown in a terminal: the URL stays bare there.
    #[allow(rustdoc::bare_urls)]
    #[arg(
        long,
        env = "HEIMDEX_CORS_ORIGINS",
        default_value = "",
        hide_default_value = true
    )]
    pub cors_origins: String,
    /// Requests handled at once; more get 503.
    #[arg(long, env = "HEIMDEX_MAX_IN_FLIGHT", default_value_t = 256, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_in_flight: u32,
    /// Largest request body in bytes (the API reads none); larger is 413.
    #[arg(long, env = "HEIMDEX_MAX_BODY_BYTES", default_value_t = 16 * 1024)]
    pub max_body_bytes: u64,
    /// Largest request head (request line and headers) in bytes; at least 8192.
    #[arg(long, env = "HEIMDEX_MAX_HEADER_BYTES", default_value_t = 16 * 1024, value_parser = clap::value_parser!(u32).range(8192..))]
    pub max_header_bytes: u32,
    /// After SIGTERM or Ctrl-C, how long requests in flight may take to finish (at most 1d).
    #[arg(long, default_value = "10s", value_parser = parse_grace)]
    pub shutdown_grace: Duration,
    /// Serve even with an HS256 secret shorter than 32 bytes (local demos only; the variable takes
    /// 1/0, true/false, yes/no, on/off).
    #[arg(long, env = "HEIMDEX_ALLOW_WEAK_JWT_SECRET", action = clap::ArgAction::SetTrue, value_parser = clap::builder::BoolishValueParser::new())]
    pub allow_weak_jwt_secret: bool,
}

impl ServeArgs {
    /// The listener settings.
    pub fn server_config(&self) -> ServerConfig {
        ServerConfig::new(self.bind)
            .with_max_header_bytes(self.max_header_bytes as usize)
            .with_shutdown_grace(self.shutdown_grace)
    }

    /// The per-request policy; an origin that is not `*` or `http(s)://host[:port]` is refused.
    pub fn http_config(&self) -> Result<HttpConfig, CliError> {
        let origins = HttpConfig::parse_origins(&self.cors_origins);
        if let Some(bad) = origins.iter().find(|o| !HttpConfig::is_valid_origin(o)) {
            return Err(CliError::Config(format!(
                "invalid CORS origin {bad:?}: expected * or http(s)://host[:port]"
            )));
        }
        Ok(HttpConfig::default()
            .with_cors_origins(origins)
            .with_max_in_flight(self.max_in_flight as usize)
            .with_max_body_bytes(self.max_body_bytes))
    }
}

pub(crate) async fn run(
    store: StoreConfig,
    auth: AuthConfig,
    args: ServeArgs,
) -> Result<(), CliError> {
    let http = args.http_config()?;
    check_secret_strength(&auth, args.allow_weak_jwt_secret)?;
    if auth.keys().algorithms().is_empty() {
        tracing::warn!("neither HEIMDEX_JWT_SECRET nor HEIMDEX_JWT_PUBLIC_KEY_FILE is set: every admin request will get 401");
    }
    if auth.admins().is_empty() {
        tracing::warn!("ADMIN_USER_IDS is empty: every admin request will get 403");
    }
    tracing::info!(store = store.kind(), "opening store");
    let metrics: Arc<dyn MetricsQuery> = heimdex_adapters::open(&store).await?;
    let state = AppState::with_http(metrics, auth, http);
    crate::serve(&args.server_config(), state).await?;
    Ok(())
}

/// Refuses an HS256 secret shorter than [`MIN_SECRET_BYTES`] unless `allow_weak` (a guessable
/// secret lets anyone mint admin tokens offline).
fn check_secret_strength(auth: &AuthConfig, allow_weak: bool) -> Result<(), CliError> {
    let Some(secret) = auth.keys().secret() else {
        return Ok(());
    };
    let len = secret.expose().len();
    if len >= MIN_SECRET_BYTES {
        return Ok(());
    }
    if allow_weak {
        tracing::warn!(
            bytes = len,
            "HEIMDEX_JWT_SECRET is shorter than {MIN_SECRET_BYTES} bytes: allowed by HEIMDEX_ALLOW_WEAK_JWT_SECRET, for local use only"
        );
        return Ok(());
    }
    Err(CliError::Config(format!(
        "HEIMDEX_JWT_SECRET is {len} bytes; at least {MIN_SECRET_BYTES} are required (e.g. \
         `openssl rand -hex 32`). For a local demo only, set HEIMDEX_ALLOW_WEAK_JWT_SECRET=1"
    )))
}
