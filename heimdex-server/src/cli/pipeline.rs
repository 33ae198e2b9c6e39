//! The pipelines the commands run: the library's standard pipeline
//! ([`heimdex_adapters::standard_pipeline`]) with the stages this build has.

use std::sync::Arc;
use std::time::Duration;

use heimdex_adapters::{standard_pipeline, PipelineConfig, PipelineKind};
use heimdex_core::{Pipeline, Store};

use super::worker::PipelineChoice;
use super::CliError;

/// The worker's pipeline: the built-in `downloading` check with `--pipeline basic`, else every
/// stage this build has; then a `hold` stage when `hold` is not zero.
pub(crate) fn worker(
    store: Arc<dyn Store>,
    hold: Duration,
    choice: PipelineChoice,
    concurrent_jobs: usize,
) -> Result<Arc<dyn Pipeline>, CliError> {
    let kind = match choice {
        PipelineChoice::Full => PipelineKind::Full,
        PipelineChoice::Basic => PipelineKind::Basic,
    };
    let config = PipelineConfig::default()
        .with_kind(kind)
        .with_hold(hold)
        .with_concurrent_jobs(concurrent_jobs);
    build(store, &config)
}

/// `heimdex process`'s pipeline: every media stage this build has.
#[cfg(feature = "media")]
pub(crate) fn media(store: Arc<dyn Store>) -> Result<Arc<dyn Pipeline>, CliError> {
    build(store, &PipelineConfig::default())
}

fn build(store: Arc<dyn Store>, config: &PipelineConfig) -> Result<Arc<dyn Pipeline>, CliError> {
    match standard_pipeline(store, config) {
        Ok(pipeline) => Ok(Arc::new(pipeline)),
        Err(heimdex_core::Error::InvalidInput(message)) => Err(CliError::Config(message)),
        Err(err) => Err(err.into()),
    }
}
