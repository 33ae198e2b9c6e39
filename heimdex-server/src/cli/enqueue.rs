//! `heimdex enqueue [--owner ID] PATH_OR_URI…`: creates each video and queues it for the workers.

use clap::Args;
use heimdex_adapters::enqueue::enqueue_file;
use heimdex_adapters::worker::open_backend;
use heimdex_adapters::StoreConfig;
use heimdex_core::record::NewProfile;
use heimdex_core::UserId;

use super::CliError;

/// The owner used when `--owner` is not given: a local profile created on first use.
pub const LOCAL_OWNER: &str = "00000000-0000-0000-0000-000000000001";

/// Arguments of `heimdex enqueue`.
#[derive(Debug, Args)]
pub struct EnqueueArgs {
    /// The owner's user id (an unknown one gets a profile with an empty name). Without it, a local profile
    /// (00000000-0000-0000-0000-000000000001, "Local user") is created if needed and used.
    #[arg(long, env = "HEIMDEX_OWNER_ID")]
    pub owner: Option<UserId>,
    /// Local files (checked now: they must exist and be readable) or http(s):// or s3:// URIs.
    #[arg(required = true, value_name = "PATH_OR_URI")]
    pub sources: Vec<String>,
}

/// Enqueues every source; prints `VIDEO_ID<TAB>SOURCE` for each on stdout. A bad source is
/// reported on stderr and the others are still enqueued; the command then fails.
pub(crate) async fn run(store: StoreConfig, args: EnqueueArgs) -> Result<(), CliError> {
    let backend = open_backend(&store, Default::default()).await?;
    let owner = match args.owner {
        Some(owner) => owner,
        None => {
            let owner: UserId = LOCAL_OWNER.parse()?;
            backend
                .store
                .upsert_profile(NewProfile {
                    user_id: owner,
                    full_name: "Local user".into(),
                })
                .await?;
            owner
        }
    };
    let mut failed = 0usize;
    for source in &args.sources {
        match enqueue_file(&*backend.store, &*backend.queue, owner, source).await {
            Ok(video) => println!("{video}\t{source}"),
            Err(err) => {
                failed += 1;
                eprintln!("{source}: {err}");
            }
        }
    }
    backend.store.flush().await?;
    if failed > 0 {
        return Err(CliError::Config(format!(
            "{failed} of {} sources were not enqueued",
            args.sources.len()
        )));
    }
    Ok(())
}
