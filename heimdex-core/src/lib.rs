#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod backfill;
pub mod cancel;
pub mod catalog;
pub mod error;
pub mod failure;
pub mod ids;
pub mod job;
pub mod memory;
pub mod phash;
pub mod pipeline;
pub mod query;
pub mod queue;
pub mod record;
pub mod retry;
pub mod scenes;
pub mod signal;
pub mod stage;
pub mod stage_name;
pub mod stats;
pub mod status;
pub mod time;
pub mod timing;

#[cfg(feature = "testkit")]
pub mod testkit;

pub use cancel::{CancelReason, Cancellation};
pub use catalog::{Catalog, Store};
pub use error::{BoxError, Error, Result};
pub use ids::{SearchId, UserId, VideoId, WorkerId};
pub use job::{Job, JobContext, JobOutcome};
pub use phash::PerceptualHash;
pub use pipeline::{Pipeline, RunReport, SequentialPipeline, StageReport};
pub use query::{
    Bucket, MetricsQuery, Page, PerformanceMetrics, RangeError, UsageMetrics, UserSort, Window,
};
pub use queue::JobQueue;
pub use scenes::{IndexedScenes, SceneIndex, SceneRecord};
pub use signal::{Announcer, WorkSignal};
pub use stage::{FailureKind, Outcome, Stage, StageError, StageName};
pub use status::VideoStatus;
pub use timing::{DurableSink, Flush, TimingEvent, TimingSink};
