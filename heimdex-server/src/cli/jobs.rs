//! `heimdex jobs dead` and `heimdex jobs requeue VIDEO_ID…`: the operator's view of jobs that ran
//! out of retries.

use clap::Subcommand;
use heimdex_adapters::worker::open_backend;
use heimdex_adapters::StoreConfig;
use heimdex_core::VideoId;

use super::CliError;

/// What to do with dead jobs.
#[derive(Debug, Subcommand)]
pub enum JobsCommand {
    /// List dead jobs as JSON lines: video, attempts, reason, died_at.
    Dead,
    /// Queue dead jobs again (a fresh attempt count).
    Requeue {
        /// The videos whose dead jobs to queue again.
        #[arg(required = true)]
        videos: Vec<VideoId>,
    },
}

pub(crate) async fn run(store: StoreConfig, command: JobsCommand) -> Result<(), CliError> {
    let backend = open_backend(&store, Default::default()).await?;
    match command {
        JobsCommand::Dead => {
            for job in backend.queue.dead_jobs().await? {
                let line = serde_json::json!({
                    "video": job.video,
                    "attempts": job.attempts,
                    "reason": job.reason,
                    "died_at": job.died_at.to_rfc3339(),
                });
                println!("{line}");
            }
        }
        JobsCommand::Requeue { videos } => {
            for video in videos {
                backend.queue.requeue_dead(video).await?;
                println!("{video}\trequeued");
            }
            backend.store.flush().await?;
        }
    }
    Ok(())
}
