//! `heimdex worker`: claims jobs from the configured store's queue and runs the pipeline this build
//! has (or `--pipeline basic`) until SIGTERM or Ctrl-C, then drains (see `heimdex_adapters::worker`).

use std::time::Duration;

use clap::Args;
use heimdex_adapters::worker::{open_backend, termination, Worker, WorkerConfig};
use heimdex_adapters::StoreConfig;
use heimdex_core::queue::RetryPolicy;
use heimdex_core::WorkerId;

use super::{parse_timer, CliError};

/// Arguments of `heimdex worker`.
#[derive(Debug, Args)]
pub struct WorkerArgs {
    /// Jobs run at the same time.
    #[arg(long, env = "HEIMDEX_WORKER_CONCURRENCY", default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub concurrency: u16,
    /// Longest a job may run; then the running stage fails as timed_out.
    #[arg(long, env = "HEIMDEX_JOB_TIME_LIMIT", default_value = "1h", value_parser = parse_timer)]
    pub time_limit: Duration,
    /// Lease on each claimed job, renewed every third of it; a dead worker's jobs return after it
    /// (at most 1d).
    #[arg(long, env = "HEIMDEX_LEASE", default_value = "60s", value_parser = super::ttl::parse_lease)]
    pub lease: Duration,
    /// On SIGTERM, how long running jobs may go on before they are cancelled and released (at
    /// most 1d).
    #[arg(long, env = "HEIMDEX_SHUTDOWN_GRACE", default_value = "30s", value_parser = super::ttl::parse_grace)]
    pub grace: Duration,
    /// How often an idle worker looks for work when nothing wakes it.
    #[arg(long, env = "HEIMDEX_POLL_INTERVAL", default_value = "2s", value_parser = parse_timer)]
    pub poll_interval: Duration,
    /// Retries after a failed attempt before the job is dead.
    #[arg(long, env = "HEIMDEX_MAX_RETRIES", default_value_t = RetryPolicy::default().max_retries)]
    pub max_retries: u32,
    /// Adds a `hold` stage that waits this long at the end of the pipeline (drills and demos; e.g.
    /// 500ms).
    #[arg(long, env = "HEIMDEX_HOLD", value_parser = parse_timer)]
    pub hold: Option<Duration>,
    /// The worker's name in logs and on claimed jobs [default: host-pid].
    #[arg(long, env = "HEIMDEX_WORKER_ID")]
    pub id: Option<String>,
    /// Which stages run: `full` (every stage this build has: the media stages with the `media`,
    /// `whisper` and `embeddings` features) or `basic` (only the `downloading` check, for drills
    /// on files that are not video).
    #[arg(long, env = "HEIMDEX_PIPELINE", value_enum, default_value_t = PipelineChoice::Full)]
    pub pipeline: PipelineChoice,
}

/// The stages `heimdex worker` runs (`--pipeline`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum PipelineChoice {
    /// Every stage this build has.
    Full,
    /// Only `downloading` (and `hold` with `--hold`).
    Basic,
}

impl WorkerArgs {
    /// The adapters' worker settings.
    pub fn config(&self) -> WorkerConfig {
        WorkerConfig::default()
            .with_concurrency(usize::from(self.concurrency))
            .with_time_limit(self.time_limit)
            .with_lease(self.lease)
            .with_grace(self.grace)
            .with_poll_interval(self.poll_interval)
    }
}

pub(crate) async fn run(store: StoreConfig, args: WorkerArgs) -> Result<(), CliError> {
    if args.lease < Duration::from_millis(300) {
        return Err(CliError::Config(format!(
            "--lease {:?} is too short: heartbeats could not keep jobs (use at least 300ms)",
            args.lease
        )));
    }
    let policy = RetryPolicy {
        max_retries: args.max_retries,
        ..RetryPolicy::default()
    };
    let backend = open_backend(&store, policy).await?;
    let hold = args.hold.unwrap_or_default();
    let pipeline = super::pipeline::worker(
        backend.store.clone(),
        hold,
        args.pipeline,
        usize::from(args.concurrency),
    )?;
    let mut worker = Worker::new(
        backend.queue.clone(),
        pipeline,
        backend.store.clone(),
        args.config(),
    )
    .with_signal(backend.signal.clone());
    if let Some(id) = &args.id {
        worker = worker.with_id(WorkerId::new(id.clone()));
    }
    tracing::info!(store = store.kind(), worker = %worker.id(), "worker starting");
    let report = worker.run(termination()).await;
    backend.store.flush().await?;
    println!("{}", serde_json::to_string(&report).unwrap_or_default());
    Ok(())
}
