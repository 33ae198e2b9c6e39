#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

#[cfg(all(feature = "postgres", feature = "embedded"))]
mod backend;
pub mod config;
#[cfg(all(feature = "postgres", feature = "embedded"))]
mod open;
mod pipeline;

pub use config::StoreConfig;
#[cfg(all(feature = "postgres", feature = "embedded", feature = "testkit"))]
pub use open::open_importable;
#[cfg(all(feature = "postgres", feature = "embedded"))]
pub use open::{backfill, migrate, open};
pub use pipeline::{standard_pipeline, PipelineConfig, PipelineKind};

/// The backfill's options, progress and report (`heimdex_core::backfill`).
pub use heimdex_core::backfill::{BackfillOptions, BackfillProgress, BackfillReport};
#[cfg(feature = "embedded")]
pub use heimdex_embedded as embedded;
#[cfg(feature = "media")]
pub use heimdex_media as media;
#[cfg(feature = "media")]
pub use heimdex_media::{check_cores_dir, cores_dir, CoresDirError, CORES_DIR_ENV};
#[cfg(feature = "embeddings")]
pub use heimdex_models::embeddings;
#[cfg(feature = "whisper-import")]
pub use heimdex_models::whisper;
#[cfg(feature = "postgres")]
pub use heimdex_postgres as postgres;
pub use heimdex_stages as stages;
pub use heimdex_stages::enqueue;

/// Where the set-up scripts put model files and the stages look for them.
pub mod models {
    pub use heimdex_models::{locate_model, MODELS_DIR, MODELS_DIR_ENV};
}

/// The worker loop ([`heimdex_worker`]) and, with both stores, `open_backend` to open a store,
/// its queue and its wake-up signal from a [`StoreConfig`].
pub mod worker {
    #[cfg(all(feature = "postgres", feature = "embedded"))]
    pub use crate::backend::{open_backend, Backend};
    pub use heimdex_worker::*;
}
