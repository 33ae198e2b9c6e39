//! Which store to use: PostgreSQL when `DATABASE_URL` is set, else the embedded file.
//! `HEIMDEX_DB_GRANT_ROLE` names the PostgreSQL roles that may use Heimdex's tables besides
//! their owner.

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
        /// Roles besides the owner that keep access to Heimdex's tables, sequences and
        /// functions when the store migrates; see `PgStore::migrate_granting`.
        grant_roles: Vec<String>,
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
                grant_roles: Vec::new(),
            },
            None => StoreConfig::Embedded {
                path: embedded_path.unwrap_or_else(|| PathBuf::from(DEFAULT_EMBEDDED_PATH)),
            },
        }
    }

    /// From `DATABASE_URL`, `HEIMDEX_DB_PATH` and `HEIMDEX_DB_GRANT_ROLE`.
    pub fn from_env() -> Self {
        Self::new(
            std::env::var("DATABASE_URL").ok(),
            std::env::var_os("HEIMDEX_DB_PATH").map(PathBuf::from),
        )
        .with_grant_roles(&std::env::var("HEIMDEX_DB_GRANT_ROLE").unwrap_or_default())
    }

    /// Sets the PostgreSQL grant roles from `list` (`HEIMDEX_DB_GRANT_ROLE`): comma-separated
    /// role names, trimmed, empty entries ignored. No effect on the embedded store.
    pub fn with_grant_roles(mut self, list: &str) -> Self {
        if let StoreConfig::Postgres { grant_roles, .. } = &mut self {
            *grant_roles = list
                .split(',')
                .map(str::trim)
                .filter(|r| !r.is_empty())
                .map(str::to_owned)
                .collect();
        }
        self
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
                max_connections,
                grant_roles,
                ..
            } => f
                .debug_struct("Postgres")
                .field("url", &"<redacted>")
                .field("max_connections", max_connections)
                .field("grant_roles", grant_roles)
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
    fn grant_roles_are_a_trimmed_comma_separated_list() {
        let cfg = StoreConfig::new(Some("postgres://h/db".into()), None)
            .with_grant_roles(" service_role, ,Reporting ,");
        let StoreConfig::Postgres { grant_roles, .. } = cfg else {
            panic!("postgres expected")
        };
        assert_eq!(grant_roles, ["service_role", "Reporting"]);
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
