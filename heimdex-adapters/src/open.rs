//! Opening the configured store: PostgreSQL with `DATABASE_URL`, else the embedded file.

use std::sync::Arc;

use heimdex_core::{Result, Store};

use crate::config::StoreConfig;
use crate::embedded::EmbeddedStore;
use crate::postgres::PgStore;
use heimdex_core::backfill::{Backfill, BackfillOptions, BackfillProgress, BackfillReport};

/// The configured store, opened and migrated.
pub(crate) enum Opened {
    Postgres(PgStore),
    Embedded(EmbeddedStore),
}

/// Opens the configured store and applies its migrations.
pub(crate) async fn open_configured(config: &StoreConfig) -> Result<Opened> {
    Ok(match config {
        StoreConfig::Postgres {
            url,
            max_connections,
            grant_roles,
        } => {
            let store = PgStore::connect(url, *max_connections).await?;
            store.migrate_granting(grant_roles).await?;
            Opened::Postgres(store)
        }
        StoreConfig::Embedded { path } => Opened::Embedded(EmbeddedStore::open(path).await?),
    })
}

/// Opens the configured store and applies its migrations (safe on every start).
pub async fn open(config: &StoreConfig) -> Result<Arc<dyn Store>> {
    Ok(match open_configured(config).await? {
        Opened::Postgres(store) => Arc::new(store),
        Opened::Embedded(store) => Arc::new(store),
    })
}

/// [`open`] for tests and fixtures (feature `testkit`): the store can also import rows
/// ([`heimdex_core::testkit::Import`]).
#[cfg(feature = "testkit")]
pub async fn open_importable(
    config: &StoreConfig,
) -> Result<Arc<dyn heimdex_core::testkit::TestStore>> {
    Ok(match open_configured(config).await? {
        Opened::Postgres(store) => Arc::new(store),
        Opened::Embedded(store) => Arc::new(store),
    })
}

/// Applies the configured store's migrations; running it twice changes nothing.
pub async fn migrate(config: &StoreConfig) -> Result<()> {
    match config {
        StoreConfig::Postgres {
            url,
            max_connections,
            grant_roles,
        } => {
            PgStore::connect(url, *max_connections)
                .await?
                .migrate_granting(grant_roles)
                .await
        }
        StoreConfig::Embedded { path } => EmbeddedStore::open(path).await?.migrate().await,
    }
}

/// Sets `processing_finished_at` from `updated_at` where it is missing (see [`heimdex_core::backfill`]).
pub async fn backfill(
    config: &StoreConfig,
    options: BackfillOptions,
    progress: &(dyn Fn(BackfillProgress) + Send + Sync),
) -> Result<BackfillReport> {
    match config {
        StoreConfig::Postgres {
            url,
            max_connections,
            ..
        } => {
            PgStore::connect(url, *max_connections)
                .await?
                .backfill(options, progress)
                .await
        }
        StoreConfig::Embedded { path } => {
            EmbeddedStore::open(path)
                .await?
                .backfill(options, progress)
                .await
        }
    }
}
