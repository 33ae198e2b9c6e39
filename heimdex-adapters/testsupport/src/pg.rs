//! PostgreSQL for tests: a fresh, uniquely named database per test, migrated with the real
//! migrations and dropped afterwards.
//!
//! - With `DATABASE_URL` set (CI sets it to the local server), databases are created on that
//!   server.
//! - Without it, the first test of the process starts one throwaway cluster with `initdb` and
//!   `pg_ctl` (trust authentication, a free port, a temporary folder) and every test of the
//!   process uses it. A watchdog shell stops the cluster and removes its folder as soon as the test
//!   process exits, however it exits.
//! - [`Cluster::start`] gives a test a cluster of its own that it may stop and start (a database
//!   going away mid-run); it is removed when dropped.
//!
//! `initdb` refuses to run as root; as root the cluster runs as the `postgres` system user.

use std::sync::OnceLock;
use std::time::Duration;

use heimdex_postgres::{PgOptions, PgStore};
use sqlx::postgres::PgPoolOptions;
use sqlx::{Connection, Executor, PgConnection, PgPool};

pub use crate::cluster::Cluster;

/// The server URL tests create their databases on: `DATABASE_URL`, or this process's cluster.
pub fn server_url() -> String {
    if let Some(url) = std::env::var("DATABASE_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
    {
        return url;
    }
    static SHARED: OnceLock<Cluster> = OnceLock::new();
    SHARED.get_or_init(Cluster::start).url("postgres")
}

/// `url` with its database replaced by `db` (query parameters kept).
pub fn with_database(url: &str, db: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, format!("?{query}")),
        None => (url, String::new()),
    };
    let server = match base.split_once("://") {
        Some((_, rest)) if rest.contains('/') => base.rsplit_once('/').map_or(base, |(s, _)| s),
        _ => base,
    };
    format!("{server}/{db}{query}")
}

/// A database created for one test and dropped (with its connections) when this is dropped.
pub struct TestDb {
    admin_url: String,
    url: String,
    name: String,
    pool: PgPool,
}

impl TestDb {
    /// A fresh database with every migration applied.
    pub async fn new() -> Self {
        let db = Self::empty().await;
        heimdex_postgres::MIGRATOR
            .run(&db.pool)
            .await
            .expect("migrate");
        db
    }

    /// A fresh database with nothing in it.
    pub async fn empty() -> Self {
        Self::on_server(&server_url()).await
    }

    /// A fresh database on the server at `admin_url`.
    pub async fn on_server(admin_url: &str) -> Self {
        let name = format!("heimdex_test_{}", uuid::Uuid::new_v4().simple());
        let mut conn = PgConnection::connect(admin_url)
            .await
            .expect("connect to the test server");
        conn.execute(format!("CREATE DATABASE {name}").as_str())
            .await
            .expect("create database");
        conn.close().await.ok();
        let url = with_database(admin_url, &name);
        let pool = PgPoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(10))
            .connect(&url)
            .await
            .expect("connect to the test database");
        Self {
            admin_url: admin_url.to_owned(),
            url,
            name,
            pool,
        }
    }

    /// The database's URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// A pool on the database.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// The store over this database's pool, with default options.
    pub fn store(&self) -> PgStore {
        PgStore::from_pool(self.pool.clone())
    }

    /// The store over this database's pool with `options` for its timing writer.
    pub fn store_with(&self, options: PgOptions) -> PgStore {
        PgStore::from_pool_with(self.pool.clone(), options)
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let admin_url = self.admin_url.clone();
        let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        // Drop may run on a runtime thread (or while unwinding): do the blocking work elsewhere.
        let dropper = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build();
            if let Ok(rt) = rt {
                rt.block_on(async {
                    if let Ok(mut conn) = PgConnection::connect(&admin_url).await {
                        let _ = conn.execute(sql.as_str()).await;
                        let _ = conn.close().await;
                    }
                });
            }
        });
        let _ = dropper.join();
    }
}
