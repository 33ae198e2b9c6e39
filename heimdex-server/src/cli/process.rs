//! `heimdex process FILE… [--json]`: runs the whole media pipeline on local files, on the
//! configured store (the embedded file by default), and shows what each stage found and how long
//! it took: the quickest way to see the product work.

use std::io::IsTerminal;
use std::sync::Arc;

use clap::Args;
use heimdex_adapters::enqueue::validate_source;
use heimdex_adapters::StoreConfig;
use heimdex_core::record::NewProfile;
use heimdex_core::{Cancellation, Job, Pipeline, Store, TimingEvent, UserId, VideoId};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::Value;

use super::process_view::{describe, render_text};
use super::{CliError, LOCAL_OWNER};

/// Arguments of `heimdex process`.
#[derive(Debug, Args)]
pub struct ProcessArgs {
    /// Print one JSON object per file (an array when several) instead of text.
    #[arg(long)]
    pub json: bool,
    /// Local media files.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<String>,
}

pub(crate) async fn run(config: StoreConfig, args: ProcessArgs) -> Result<(), CliError> {
    let store = heimdex_adapters::open(&config).await?;
    let owner: UserId = LOCAL_OWNER.parse()?;
    let profile = NewProfile {
        user_id: owner,
        full_name: "Local user".into(),
    };
    store.upsert_profile(profile).await?;
    let pipeline = super::pipeline::media(store.clone())?;
    let bar = progress(args.files.len() as u64);
    let mut results = Vec::with_capacity(args.files.len());
    let mut failed = 0usize;
    for file in &args.files {
        bar.set_message(file.clone());
        let result = process_one(&store, &pipeline, owner, file).await;
        bar.inc(1);
        match result {
            Ok(described) => {
                failed += usize::from(described["outcome"] != "succeeded");
                results.push(described);
            }
            Err(err) => {
                failed += 1;
                results.push(serde_json::json!({ "file": file, "outcome": "rejected", "error": err.to_string() }));
            }
        }
    }
    bar.finish_and_clear();
    if args.json {
        let out = match <[Value; 1]>::try_from(results) {
            Ok([one]) => one,
            Err(many) => Value::Array(many),
        };
        println!("{out:#}");
    } else {
        for described in &results {
            print!("{}", render_text(described));
        }
    }
    if failed > 0 {
        return Err(CliError::Config(format!(
            "{failed} of {} files failed",
            args.files.len()
        )));
    }
    Ok(())
}

/// Creates the video, runs the pipeline on it, and describes the stored result.
async fn process_one(
    store: &Arc<dyn Store>,
    pipeline: &Arc<dyn Pipeline>,
    owner: UserId,
    file: &str,
) -> Result<Value, CliError> {
    let source = validate_source(file).await?;
    if source.location.contains("://") {
        return Err(CliError::Config(format!(
            "{file}: process takes local files; queue URIs with `heimdex enqueue`"
        )));
    }
    let video: VideoId = store.create_video(source.new_video(owner)).await?;
    store.record(TimingEvent::JobQueued {
        video,
        at: heimdex_core::time::now(),
    });
    let job = Job {
        owner: Some(owner),
        ..Job::new(video, source.location)
    };
    let sink: Arc<dyn heimdex_core::TimingSink> = store.clone();
    let report = pipeline.run(job, &*sink, &Cancellation::new()).await;
    store.flush().await?;
    let row = store.video(video).await?;
    let scenes = store.scenes(video).await?;
    Ok(describe(file, &report, row.as_ref(), &scenes))
}

fn progress(files: u64) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(files);
    if let Ok(style) = ProgressStyle::with_template("{spinner} {pos}/{len} {wide_msg}") {
        bar.set_style(style);
    }
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}
