//! A fresh PostgreSQL database per test, on the server `DATABASE_URL` points at (CI sets it to
//! the local server). Without `DATABASE_URL` the PostgreSQL tests are skipped with a note.

use sqlx::{Connection, Executor, PgConnection};

/// A database created for one test; [`FreshDb::remove`] drops it.
pub struct FreshDb {
    /// URL of the new database.
    pub url: String,
    admin_url: String,
    name: String,
}

/// Creates `heimdex_server_<random>` next to the `DATABASE_URL` database, or `None` without it.
pub async fn fresh_database() -> Option<FreshDb> {
    let admin_url = std::env::var("DATABASE_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())?;
    let name = format!("heimdex_server_{}", uuid::Uuid::new_v4().simple());
    let mut conn = PgConnection::connect(&admin_url)
        .await
        .expect("connect to DATABASE_URL");
    conn.execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .expect("create test database");
    conn.close().await.ok();
    let (base, query) = match admin_url.split_once('?') {
        Some((base, query)) => (base, format!("?{query}")),
        None => (admin_url.as_str(), String::new()),
    };
    let server = base.rsplit_once('/').map_or(base, |(server, _db)| server);
    let url = format!("{server}/{name}{query}");
    Some(FreshDb {
        url,
        admin_url,
        name,
    })
}

impl FreshDb {
    /// Drops the database (connections still open are closed by force).
    pub async fn remove(self) {
        if let Ok(mut conn) = PgConnection::connect(&self.admin_url).await {
            let drop = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
            conn.execute(drop.as_str()).await.ok();
            conn.close().await.ok();
        }
    }
}
