//! A fresh, migrated PostgreSQL database per test on the server `DATABASE_URL` points at (CI sets
//! it to the local server). Without `DATABASE_URL` the PostgreSQL tests say so and pass nothing.

use heimdex_adapters::postgres::PgStore;
use sqlx::postgres::PgPoolOptions;
use sqlx::{Connection, Executor, PgConnection, PgPool};

/// A database created for one test; [`TestDb::remove`] drops it.
pub struct TestDb {
    url: String,
    admin_url: String,
    name: String,
    pool: PgPool,
}

impl TestDb {
    /// Creates and migrates `heimdex_queue_<random>`, or `None` (with a note) without
    /// `DATABASE_URL`.
    pub async fn new() -> Option<Self> {
        let Some(admin_url) = std::env::var("DATABASE_URL").ok().filter(|u| !u.trim().is_empty())
        else {
            eprintln!("DATABASE_URL is not set: skipping a PostgreSQL test");
            return None;
        };
        let name = format!("heimdex_queue_{}", uuid::Uuid::new_v4().simple());
        let mut conn = PgConnection::connect(&admin_url).await.expect("connect to DATABASE_URL");
        conn.execute(format!("CREATE DATABASE {name}").as_str()).await.expect("create database");
        conn.close().await.ok();
        let (base, query) = match admin_url.split_once('?') {
            Some((base, query)) => (base, format!("?{query}")),
            None => (admin_url.as_str(), String::new()),
        };
        let server = base.rsplit_once('/').map_or(base, |(server, _db)| server);
        let url = format!("{server}/{name}{query}");
        let pool = PgPoolOptions::new().max_connections(12).connect(&url).await.expect("connect");
        heimdex_adapters::postgres::MIGRATOR.run(&pool).await.expect("migrate");
        Some(Self { url, admin_url, name, pool })
    }

    /// A pool on the test database.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// The PostgreSQL store on the test database.
    pub async fn store(&self) -> PgStore {
        PgStore::connect(&self.url, 5).await.expect("store")
    }

    /// Drops the database (open connections are closed by force).
    pub async fn remove(self) {
        self.pool.close().await;
        if let Ok(mut conn) = PgConnection::connect(&self.admin_url).await {
            let drop = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
            conn.execute(drop.as_str()).await.ok();
            conn.close().await.ok();
        }
    }
}
