//! The `heimdex` command: argument parsing (clap) and one file per subcommand. `main.rs` only
//! parses, sets up logging and calls [`run`].
//!
//! Configuration comes from flags or, for each flag that has one, its environment variable; the
//! flag wins. Secrets (`HEIMDEX_JWT_SECRET`, `DATABASE_URL`) are held as [`Secret`], so neither
//! `Debug` nor `--help` ever shows them; prefer the environment to flags for them, since flags are
//! visible to other users of the machine.

mod backfill;
mod enqueue;
mod jobs;
mod migrate;
mod models;
mod pipeline;
#[cfg(feature = "media")]
mod process;
#[cfg(feature = "media")]
mod process_view;
mod serve;
mod token;
mod ttl;
mod worker;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use heimdex_adapters::StoreConfig;

pub use backfill::BackfillArgs;
pub use enqueue::{EnqueueArgs, LOCAL_OWNER};
pub use jobs::JobsCommand;
pub use models::ModelsCommand;
#[cfg(feature = "media")]
pub use process::ProcessArgs;
pub use serve::ServeArgs;
pub use token::TokenArgs;
pub use ttl::{parse_duration, parse_timer};
pub use worker::{PipelineChoice, WorkerArgs};

use crate::auth::{AdminList, AuthConfig, JwtKeys, KeyError, Secret};
use crate::server::ServeError;

const ENVIRONMENT_HELP: &str = "\
Environment:
  DATABASE_URL                 PostgreSQL URL; without it, the embedded store (a local SQLite file)
  HEIMDEX_DB_PATH              embedded store file [default: .heimdex/heimdex.db]
  HEIMDEX_BIND                 serve: listen address [default: 127.0.0.1:8080]
  HEIMDEX_CORS_ORIGINS         serve: comma-separated browser origins allowed to call the API, or *
  HEIMDEX_WORKER_CONCURRENCY   worker: jobs at once [default: 1] (also HEIMDEX_JOB_TIME_LIMIT,
                               HEIMDEX_LEASE, HEIMDEX_SHUTDOWN_GRACE, HEIMDEX_POLL_INTERVAL,
                               HEIMDEX_MAX_RETRIES, HEIMDEX_HOLD, HEIMDEX_WORKER_ID,
                               HEIMDEX_PIPELINE)
  HEIMDEX_MODELS_DIR           models folder [default: .heimdex/models] (also
                               HEIMDEX_WHISPER_MODEL, HEIMDEX_WHISPER_LANGUAGE,
                               HEIMDEX_WHISPER_THREADS)
  HEIMDEX_CORES_DIR            core locks the Heimdex processes of a host share, for processes
                               with different temporary folders [default: $TMPDIR/heimdex-cores]
  HEIMDEX_KEYFRAMES_DIR        scene keyframe JPEGs, a folder per video and attempt
                               [default: .heimdex/keyframes]
  HEIMDEX_CLIP_MODEL           folder of a CLIP-style model (config.json, model.safetensors) for
                               scene image embeddings [default: none, no image embeddings]
  HEIMDEX_OWNER_ID             enqueue: owner of the new videos [default: a local user]
  HEIMDEX_JWT_SECRET           HS256 secret tokens are signed with (Supabase's JWT secret)
  HEIMDEX_JWT_PUBLIC_KEY_FILE  PEM public key for RS256 (RSA) or ES256 (P-256) tokens
  ADMIN_USER_IDS               comma-separated user ids (token `sub`) allowed to use the admin API
  RUST_LOG                     log filter [default: info]";

/// Heimdex: times video-indexing pipelines and answers the admin metrics.
#[derive(Debug, Parser)]
#[command(name = "heimdex", version, after_help = ENVIRONMENT_HELP)]
pub struct Cli {
    /// Where the rows live.
    #[command(flatten)]
    pub store: StoreArgs,
    /// How admin tokens are checked and minted.
    #[command(flatten)]
    pub auth: AuthArgs,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
#[non_exhaustive]
pub enum Command {
    /// Serve the admin API until SIGTERM or Ctrl-C.
    Serve(ServeArgs),
    /// Apply the store's migrations (running them twice changes nothing).
    Migrate,
    /// Set processing_finished_at from updated_at on finished rows written before timing existed.
    Backfill(BackfillArgs),
    /// Print an HS256 token for a user, signed with HEIMDEX_JWT_SECRET.
    Token(TokenArgs),
    /// Run queued jobs until SIGTERM or Ctrl-C, then finish or release the running ones.
    Worker(WorkerArgs),
    /// Create videos for local files or URIs and queue them for the workers.
    Enqueue(EnqueueArgs),
    /// List dead jobs or queue them again.
    #[command(subcommand)]
    Jobs(JobsCommand),
    /// Model files the stages use (convert Whisper weights).
    #[command(subcommand)]
    Models(ModelsCommand),
    /// Run the whole media pipeline on local files and show what each stage found and took.
    #[cfg(feature = "media")]
    Process(ProcessArgs),
}

/// Store selection, shared by every subcommand.
#[derive(Debug, Args)]
pub struct StoreArgs {
    /// PostgreSQL connection URL; without it, the embedded store is used.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true, global = true)]
    pub database_url: Option<Secret>,
    /// The embedded store's file (used only without a database URL).
    #[arg(long, env = "HEIMDEX_DB_PATH", global = true)]
    pub db_path: Option<PathBuf>,
    /// PostgreSQL roles (comma-separated, each existing) that keep access to Heimdex's tables and
    /// functions besides their owner; migrating revokes every other role's.
    #[arg(long, env = "HEIMDEX_DB_GRANT_ROLE", global = true)]
    pub db_grant_role: Option<String>,
}

impl StoreArgs {
    /// PostgreSQL with a URL, else the embedded file.
    pub fn store_config(&self) -> StoreConfig {
        StoreConfig::new(
            self.database_url.as_ref().map(|u| u.expose().to_owned()),
            self.db_path.clone(),
        )
        .with_grant_roles(self.db_grant_role.as_deref().unwrap_or_default())
    }
}

/// Token verification and the admin allow-list, shared by every subcommand.
#[derive(Debug, Args)]
pub struct AuthArgs {
    /// HS256 shared secret (prefer the environment variable).
    #[arg(
        long,
        env = "HEIMDEX_JWT_SECRET",
        hide_env_values = true,
        global = true
    )]
    pub jwt_secret: Option<Secret>,
    /// PEM public key file for RS256 or ES256 tokens.
    #[arg(long, env = "HEIMDEX_JWT_PUBLIC_KEY_FILE", global = true)]
    pub jwt_public_key_file: Option<PathBuf>,
    /// Comma-separated user ids allowed to use the admin API.
    #[arg(
        long,
        env = "ADMIN_USER_IDS",
        default_value = "",
        hide_default_value = true,
        global = true
    )]
    pub admin_user_ids: String,
}

impl AuthArgs {
    /// Loads the keys and parses the allow-list.
    pub fn auth_config(&self) -> Result<AuthConfig, KeyError> {
        let mut keys = JwtKeys::none();
        if let Some(secret) = &self.jwt_secret {
            keys = keys.with_secret(secret.clone())?;
        }
        if let Some(path) = &self.jwt_public_key_file {
            keys = keys.with_public_pem_file(path)?;
        }
        Ok(AuthConfig::new(
            keys,
            AdminList::parse(&self.admin_user_ids),
        ))
    }
}

/// Why a command failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CliError {
    /// The store could not be opened, migrated or queried.
    #[error("store: {0}")]
    Store(#[from] heimdex_core::Error),
    /// The authentication keys could not be loaded.
    #[error("authentication keys: {0}")]
    Keys(#[from] KeyError),
    /// The server could not start or failed.
    #[error(transparent)]
    Serve(#[from] ServeError),
    /// The arguments or the configuration do not allow the command.
    #[error("{0}")]
    Config(String),
}

/// Runs the parsed command.
pub async fn run(cli: Cli) -> Result<(), CliError> {
    let store = cli.store.store_config();
    match cli.command {
        Command::Serve(args) => serve::run(store, cli.auth.auth_config()?, args).await,
        Command::Migrate => migrate::run(store).await,
        Command::Backfill(args) => backfill::run(store, args).await,
        Command::Token(args) => token::run(&cli.auth.auth_config()?, args),
        Command::Worker(args) => worker::run(store, args).await,
        Command::Enqueue(args) => enqueue::run(store, args).await,
        Command::Jobs(command) => jobs::run(store, command).await,
        Command::Models(command) => models::run(command),
        #[cfg(feature = "media")]
        Command::Process(args) => process::run(store, args).await,
    }
}

/// Logs to stderr (stdout stays for command output such as `heimdex token`), filtered by
/// `RUST_LOG` (default `info`), in color only on a terminal so log files stay plain text.
pub fn init_tracing() {
    use std::io::IsTerminal;
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr)
        .try_init();
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn help_documents_every_environment_variable() {
        let help = Cli::command().render_long_help().to_string();
        for var in [
            "DATABASE_URL",
            "HEIMDEX_DB_PATH",
            "HEIMDEX_BIND",
            "HEIMDEX_JWT_SECRET",
            "HEIMDEX_JWT_PUBLIC_KEY_FILE",
            "ADMIN_USER_IDS",
            "HEIMDEX_CORS_ORIGINS",
        ] {
            assert!(help.contains(var), "{var} missing from --help");
        }
    }

    #[test]
    fn debug_of_parsed_arguments_redacts_secrets() {
        let cli = Cli::try_parse_from([
            "heimdex",
            "--jwt-secret",
            "very-secret-value",
            "--database-url",
            "postgres://u:pw-in-url@h/db",
            "migrate",
        ])
        .unwrap();
        let shown = format!("{cli:?}");
        assert!(!shown.contains("very-secret-value"));
        assert!(!shown.contains("pw-in-url"));
        assert_eq!(cli.store.store_config().kind(), "postgres");
    }

    #[test]
    fn backfill_and_token_flags_parse() {
        let cli = Cli::try_parse_from(["heimdex", "backfill", "--dry-run", "--batch-size", "25"])
            .unwrap();
        match cli.command {
            Command::Backfill(args) => assert_eq!((args.dry_run, args.batch_size), (true, 25)),
            other => panic!("{other:?}"),
        }
        assert!(Cli::try_parse_from(["heimdex", "backfill", "--batch-size", "0"]).is_err());
        let cli = Cli::try_parse_from(["heimdex", "token", "--user", "u1", "--ttl", "2h"]).unwrap();
        match cli.command {
            Command::Token(args) => assert_eq!(args.ttl.as_secs(), 7200),
            other => panic!("{other:?}"),
        }
    }
}
