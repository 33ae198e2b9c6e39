//! [`PgJobListener`]: `LISTEN heimdex_jobs` turned into wake-ups for idle workers.

use std::sync::Arc;
use std::time::Duration;

use heimdex_core::Result;
use sqlx::postgres::PgListener;
use sqlx::PgPool;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::error::db;
use super::JOBS_CHANNEL;
use heimdex_core::retry::Backoff;
use heimdex_core::{Announcer, WorkSignal};

/// Listens on one dedicated connection and announces every notification to its subscribers.
///
/// When the connection drops, the listener reconnects and announces once, because notifications
/// sent while it was away are lost (the workers then claim whatever is waiting). Dropping the
/// listener stops it.
#[derive(Debug)]
pub struct PgJobListener {
    announcer: Arc<Announcer>,
    task: JoinHandle<()>,
}

impl PgJobListener {
    /// Connects, subscribes to [`JOBS_CHANNEL`] and starts relaying.
    pub async fn start(pool: &PgPool) -> Result<Self> {
        let mut listener = PgListener::connect_with(pool).await.map_err(db)?;
        listener.listen(JOBS_CHANNEL).await.map_err(db)?;
        let announcer = Arc::new(Announcer::new());
        let task = tokio::spawn(relay(listener, Arc::clone(&announcer)));
        Ok(Self { announcer, task })
    }

    /// Announcements relayed so far (notifications plus reconnects).
    pub fn announcements(&self) -> u64 {
        self.announcer.announcements()
    }
}

/// Pauses between tries of a failing listener: 100 ms doubling to 5 s, for as long as it fails.
const RECONNECT: Backoff = Backoff {
    attempts: u32::MAX,
    first: Duration::from_millis(100),
    max: Duration::from_secs(5),
};

async fn relay(mut listener: PgListener, announcer: Arc<Announcer>) {
    let mut failures = 0;
    loop {
        match listener.try_recv().await {
            Ok(Some(_)) => {
                failures = 0;
                announcer.announce();
            }
            Ok(None) => {
                tracing::warn!("job listener lost its connection; reconnecting");
                announcer.announce();
            }
            Err(sqlx::Error::PoolClosed) => return,
            Err(err) => {
                failures += 1;
                let pause = RECONNECT.delay(failures);
                tracing::warn!(error = %err, ?pause, "job listener failed; retrying");
                tokio::time::sleep(pause).await;
                announcer.announce();
            }
        }
    }
}

impl WorkSignal for PgJobListener {
    fn subscribe(&self) -> watch::Receiver<u64> {
        self.announcer.subscribe()
    }
}

impl Drop for PgJobListener {
    fn drop(&mut self) {
        self.task.abort();
    }
}
