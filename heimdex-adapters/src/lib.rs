#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod backfill;
pub mod config;
#[cfg(feature = "media")]
mod cores;
#[cfg(feature = "embedded")]
pub mod embedded;
#[cfg(feature = "embeddings")]
pub mod embeddings;
pub mod enqueue;
#[cfg(feature = "media")]
pub mod media;
pub mod models;
#[cfg(all(feature = "postgres", feature = "embedded"))]
mod open;
#[cfg(feature = "postgres")]
pub mod postgres;
pub mod stages;
#[cfg(feature = "whisper-import")]
pub mod whisper;
pub mod worker;

pub use backfill::{BackfillOptions, BackfillProgress, BackfillReport};
pub use config::StoreConfig;
#[cfg(feature = "media")]
pub use cores::{check_cores_dir, cores_dir, CoresDirError, CORES_DIR_ENV};
#[cfg(all(feature = "postgres", feature = "embedded"))]
pub use open::{backfill, migrate, open};
