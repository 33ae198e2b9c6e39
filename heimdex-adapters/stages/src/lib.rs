//! Stages that need no native library, the pipeline the `heimdex worker` command runs without
//! the media stages, [`enqueue_file`], and [`Scenes`], the scene times `scene_detection` leaves
//! for later stages.
//!
//! - [`LocalSource`] (`downloading`): checks that the job's source is a readable, non-empty local
//!   file and leaves a [`SourceFile`] in the job's context for later stages. Remote URIs fail with a
//!   clear message: this build has no fetcher.
//! - [`Indexing`] (`indexing`): stores the scenes earlier stages prepared through the store's
//!   [`SceneIndex`](heimdex_core::SceneIndex), replacing any the video had.
//! - [`Hold`]: waits a fixed time under a stage name of your choice. It is a drill and demo tool
//!   (watch jobs move, kill a worker mid-run); it does no work and says so in its name.

pub mod enqueue;
mod hold;
mod indexing;
mod local_source;
mod scene;

use std::sync::Arc;
use std::time::Duration;

use heimdex_core::SequentialPipeline;

pub use enqueue::enqueue_file;
pub use hold::Hold;
pub use indexing::Indexing;
pub use local_source::{LocalSource, SourceFile};
pub use scene::{Scene, Scenes};

/// The worker's built-in pipeline: [`LocalSource`], then a [`Hold`] named `hold` when `hold` is
/// not zero.
pub fn builtin_pipeline(hold: Duration) -> SequentialPipeline {
    let pipeline = SequentialPipeline::new().stage(Arc::new(LocalSource));
    if hold.is_zero() {
        pipeline
    } else {
        pipeline.stage(Arc::new(Hold::new(hold)))
    }
}
