//! A fresh PostgreSQL database per test, on the server `DATABASE_URL` points at (CI sets it to
//! the local server). Without `DATABASE_URL`, the first test of the process starts a throwaway
//! cluster with `initdb`/`pg_ctl` (the adapters' test support, included by path) and every test of
//! the process uses it; it is removed when the process exits. With neither, the test fails and says
//! how to provide one.

use std::sync::OnceLock;

use sqlx::{Connection, Executor, PgConnection};

#[path = "../../../heimdex-adapters/tests/support/cluster.rs"]
mod cluster;

/// A database created for one test; [`FreshDb::remove`] drops it.
pub struct FreshDb {
    /// URL of the new database.
    pub url: String,
    admin_url: String,
    name: String,
}

/// The server to create databases on: `DATABASE_URL`, else this process's throwaway cluster.
/// With neither (no `DATABASE_URL` and no `initdb` on the machine) the test fails, naming both.
fn server_url() -> String {
    if let Some(url) = std::env::var("DATABASE_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
    {
        return url;
    }
    static SHARED: OnceLock<cluster::Cluster> = OnceLock::new();
    SHARED.get_or_init(cluster::Cluster::start).url("postgres")
}

/// Creates `heimdex_server_<random>` on [`server_url`]'s server.
pub async fn fresh_database() -> FreshDb {
    let admin_url = server_url();
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
    FreshDb {
        url,
        admin_url,
        name,
    }
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
