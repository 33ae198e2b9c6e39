//! Which store to use: PostgreSQL when `DATABASE_URL` is set, else the embedded file.

use std::fmt;
use std::path::PathBuf;

/// Default location of the embedded store, relative to the working directory.
pub const DEFAULT_EMBEDDED_PATH: &str = ".heimdex/heimdex.db";

/// Where Heimdex keeps its rows.
#[derive(Clone, PartialEq, Eq)]
pub enum StoreConfig {
    /// A PostgreSQL server shared by any number of workers and servers.
    Postgres {
        /// `postgres://…` connection URL (kept out of `Debug`).
        url: String,
        /// Pool size.
        max_connections: u32,
    },
    /// A local SQLite file (the default: runs with nothing installed).
    Embedded {
        /// The database file; created with its folder when missing.
        path: PathBuf,
    },
}

impl StoreConfig {
    /// PostgreSQL when `database_url` is given (and not empty), else the embedded file at
    /// `embedded_path` (default [`DEFAULT_EMBEDDED_PATH`]).
    pub fn new(database_url: Option<String>, embedded_path: Option<PathBuf>) -> Self {
        match database_url.filter(|u| !u.trim().is_empty()) {
            Some(url) => StoreConfig::Postgres {
                url,
                max_connections: 10,
            },
            None => StoreConfig::Embedded {
                path: embedded_path.unwrap_or_else(|| PathBuf::from(DEFAULT_EMBEDDED_PATH)),
            },
        }
    }

    /// From `DATABASE_URL` and `HEIMDEX_DB_PATH`.
    pub fn from_env() -> Self {
        Self::new(
            std::env::var("DATABASE_URL").ok(),
            std::env::var_os("HEIMDEX_DB_PATH").map(PathBuf::from),
        )
    }

    /// `postgres` or `embedded`.
    pub fn kind(&self) -> &'static str {
        match self {
            StoreConfig::Postgres { .. } => "postgres",
            StoreConfig::Embedded { .. } => "embedded",
        }
    }
}

impl fmt::Debug for StoreConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreConfig::Postgres {
                max_connections, ..
            } => f
                .debug_struct("Postgres")
                .field("url", &"<redacted>")
                .field("max_connections", max_connections)
                .finish(),
            StoreConfig::Embedded { path } => {
                f.debug_struct("Embedded").field("path", path).finish()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_url_selects_postgres_and_is_redacted() {
        let cfg = StoreConfig::new(Some("postgres://u:secret@h/db".into()), None);
        assert_eq!(cfg.kind(), "postgres");
        assert!(!format!("{cfg:?}").contains("secret"));
    }

    #[test]
    fn no_or_blank_database_url_selects_the_embedded_file() {
        for url in [None, Some(String::new()), Some("  ".into())] {
            let cfg = StoreConfig::new(url, None);
            assert_eq!(
                cfg,
                StoreConfig::Embedded {
                    path: PathBuf::from(DEFAULT_EMBEDDED_PATH)
                }
            );
        }
    }
}
