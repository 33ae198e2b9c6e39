//! What Heimdex's two SQL stores (`heimdex-postgres`, `heimdex-embedded`) share, so it is written
//! once: records decoded from rows over any dialect ([`Columns`], [`decode`]), error mapping and
//! the health check ([`migrate_error`], [`ping`]), and the port impls that only hand a call on
//! ([`timing_sink_via!`], [`job_queue_via_parts!`]). The SQL itself stays in each store, in its
//! own dialect.

pub mod backfill;
pub mod bind;
mod columns;
pub mod decode;
mod errors;
mod forward;
mod query;
mod reports;

pub use columns::Columns;
pub use errors::{conflict_as, found, lease_held, migrate_error, ping};
pub use query::{count, execute, fetch_all, fetch_optional, replay};
pub use reports::QueuedReports;

/// What the macros name; not part of the API.
#[doc(hidden)]
pub mod __private {
    pub use async_trait::async_trait;
    pub use heimdex_core as core;
}
