//! [`open_backend`]: the store, its job queue and its wake-up signal from one [`StoreConfig`], so a
//! `worker` or `enqueue` command is a few lines.

use std::sync::Arc;

use heimdex_core::queue::{JobQueue, RetryPolicy};
use heimdex_core::{Result, Store};

use crate::config::StoreConfig;
use crate::embedded::queue::EmbeddedJobQueue;
use crate::open::{open_configured, Opened};
use crate::postgres::queue::PgJobQueue;
use heimdex_core::WorkSignal;

/// Everything a worker or an enqueuing command needs, on one database.
#[derive(Debug, Clone)]
pub struct Backend {
    /// Rows, timing sink and metrics.
    pub store: Arc<dyn Store>,
    /// The job queue in the same database.
    pub queue: Arc<dyn JobQueue>,
    /// Wakes idle workers: PostgreSQL `LISTEN` (every process), or the embedded queue's own
    /// announcements (this process only; other processes poll).
    pub signal: Arc<dyn WorkSignal>,
}

/// Opens the configured store (applying its migrations), its queue with `policy`, and the
/// wake-up signal. PostgreSQL holds one extra connection for `LISTEN`.
pub async fn open_backend(config: &StoreConfig, policy: RetryPolicy) -> Result<Backend> {
    Ok(match open_configured(config).await? {
        Opened::Postgres(store) => {
            let queue = PgJobQueue::new(store.pool().clone(), policy);
            let signal = Arc::new(queue.listen().await?);
            Backend {
                store: Arc::new(store),
                queue: Arc::new(queue),
                signal,
            }
        }
        Opened::Embedded(store) => {
            let queue = Arc::new(EmbeddedJobQueue::new(store.pool().clone(), policy));
            Backend {
                store: Arc::new(store),
                queue: queue.clone(),
                signal: queue,
            }
        }
    })
}
