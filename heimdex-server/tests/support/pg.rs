//! A fresh PostgreSQL database per test, from the workspace's test support: on the server
//! `DATABASE_URL` points at (CI sets it to the local server), else on a throwaway `initdb`
//! cluster the first test of the process starts. With neither, the test fails and says how to
//! provide one.

use heimdex_testsupport::pg::TestDb;

/// A database created for one test; [`FreshDb::remove`] (or dropping it) drops it.
pub struct FreshDb {
    /// URL of the new database.
    pub url: String,
    db: TestDb,
}

/// An empty database (the server under test migrates it).
pub async fn fresh_database() -> FreshDb {
    let db = TestDb::empty().await;
    FreshDb {
        url: db.url().to_owned(),
        db,
    }
}

impl FreshDb {
    /// Drops the database (connections still open are closed by force).
    pub async fn remove(self) {
        drop(self.db);
    }
}
