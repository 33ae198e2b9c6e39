//! [`Metadata`]: the `metadata` stage.

use std::path::PathBuf;
use std::sync::Arc;

use async_trait::async_trait;
use heimdex_core::record::MediaInfo;
use heimdex_core::{Catalog, Error, FailureKind, JobContext, Stage, StageError, StageName};

use super::blocking::run_blocking;
use super::facts::MediaFacts;
use super::open::{open_input, Formats};
use super::probe;
use heimdex_stages::SourceFile;

/// Runs as `metadata`: opens the source with FFmpeg (on the blocking pool), leaves its
/// [`MediaFacts`] in the job's context and writes duration, frame rate and size to the video's
/// row through the [`Catalog`].
///
/// The source is the [`SourceFile`] that `downloading` left, else the job's `source` as a local
/// path. Failures:
/// - `input`: not found, empty, not media, truncated or corrupt (the container's signature is
///   there but FFmpeg cannot read it), no video stream, no decoder for the video codec, zero
///   duration, a single frame (a still image); also a video the catalog does not know. A source
///   in no video container (a playlist, a concat list, an image or image sequence, audio only)
///   is refused unread, with a [`RefusedContainer`](super::RefusedContainer) as the cause.
/// - `cancelled`: the stage was stopped (FFmpeg is interrupted mid-read).
/// - `io`: the operating system refused to read the file.
/// - `dependency`: the catalog could not store the facts.
#[derive(Clone, Debug)]
pub struct Metadata {
    catalog: Arc<dyn Catalog>,
}

impl Metadata {
    /// The stage, writing to `catalog`.
    pub fn new(catalog: Arc<dyn Catalog>) -> Self {
        Self { catalog }
    }
}

/// The local file a media stage reads: `downloading`'s [`SourceFile`], else the job's source.
pub(crate) fn source_path(ctx: &JobContext) -> PathBuf {
    ctx.get::<SourceFile>()
        .map(|file| file.path.clone())
        .unwrap_or_else(|| PathBuf::from(&ctx.job.source))
}

#[async_trait]
impl Stage for Metadata {
    fn name(&self) -> StageName {
        StageName::METADATA
    }

    async fn run(&self, ctx: &mut JobContext) -> Result<(), StageError> {
        let path = source_path(ctx);
        let facts = run_blocking("metadata", move |stop| {
            let input = open_input(&path, Formats::Video, stop)?;
            probe::facts(&input, &path, stop)
        })
        .await?;
        let info = MediaInfo {
            duration_s: facts.duration_s,
            frame_rate: facts.frame_rate,
            width: i32::try_from(facts.width).ok(),
            height: i32::try_from(facts.height).ok(),
        };
        let video = ctx.job.video;
        self.catalog
            .set_media_info(video, info)
            .await
            .map_err(|err| catalog_error(video, err))?;
        ctx.insert::<MediaFacts>(facts);
        Ok(())
    }
}

fn catalog_error(video: heimdex_core::VideoId, err: Error) -> StageError {
    let kind = match err {
        Error::NotFound { .. } => FailureKind::Input,
        Error::InvalidInput(_) => FailureKind::Internal,
        _ => FailureKind::Dependency,
    };
    StageError::new(
        kind,
        format!("cannot store the media facts of video {video}: {err}"),
    )
    .with_source(err)
}
