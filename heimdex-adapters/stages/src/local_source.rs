//! [`LocalSource`]: the `downloading` stage for sources that are already on this machine.

use std::io::ErrorKind;
use std::path::PathBuf;

use async_trait::async_trait;
use heimdex_core::{FailureKind, JobContext, Stage, StageError, StageName};

use crate::enqueue::REMOTE_SCHEMES;

/// The job's source as a local file, left in the [`JobContext`] by [`LocalSource`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceFile {
    /// The file.
    pub path: PathBuf,
    /// Its size in bytes (more than zero).
    pub bytes: u64,
}

/// Runs as `downloading`: the source must be an existing, readable, non-empty regular file.
///
/// Failures are `input` (missing, not a file, empty, or a remote URI, which this build cannot
/// fetch) or `io` (the file exists but cannot be read), each with a message naming the path.
#[derive(Clone, Copy, Debug, Default)]
pub struct LocalSource;

#[async_trait]
impl Stage for LocalSource {
    fn name(&self) -> StageName {
        StageName::DOWNLOADING
    }

    async fn run(&self, ctx: &mut JobContext) -> Result<(), StageError> {
        let source = ctx.job.source.clone();
        if let Some((scheme, _)) = source.split_once("://") {
            let remote = REMOTE_SCHEMES.contains(&scheme.to_ascii_lowercase().as_str());
            let what = if remote { "remote" } else { "unsupported" };
            return Err(StageError::new(
                FailureKind::Input,
                format!("{what} source {source:?}: this build processes local files only"),
            ));
        }
        let path = PathBuf::from(&source);
        let file = SourceFile {
            bytes: check_readable(&path).await?,
            path,
        };
        ctx.insert(file);
        Ok(())
    }
}

/// The file's size, after proving it is a readable, non-empty regular file.
async fn check_readable(path: &std::path::Path) -> Result<u64, StageError> {
    let shown = path.display();
    let meta = tokio::fs::metadata(path)
        .await
        .map_err(|err| match err.kind() {
            ErrorKind::NotFound => {
                StageError::new(FailureKind::Input, format!("source file {shown} not found"))
            }
            _ => io_error(path, err),
        })?;
    if !meta.is_file() {
        return Err(StageError::new(
            FailureKind::Input,
            format!("source {shown} is not a regular file"),
        ));
    }
    if meta.len() == 0 {
        return Err(StageError::new(
            FailureKind::Input,
            format!("source file {shown} is empty"),
        ));
    }
    // Opening proves read permission, which metadata alone does not.
    tokio::fs::File::open(path)
        .await
        .map_err(|err| io_error(path, err))?;
    Ok(meta.len())
}

fn io_error(path: &std::path::Path, err: std::io::Error) -> StageError {
    StageError::new(
        FailureKind::Io,
        format!("cannot read source {}: {err}", path.display()),
    )
    .with_source(err)
}

#[cfg(test)]
mod tests {
    use super::*;
    use heimdex_core::{Job, VideoId};

    async fn run(source: &str) -> (Result<(), StageError>, JobContext) {
        let mut ctx = JobContext::new(Job::new(VideoId::new_v4(), source));
        (LocalSource.run(&mut ctx).await, ctx)
    }

    fn temp_dir(tag: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("heimdex-src-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[tokio::test]
    async fn a_readable_file_is_left_in_the_context_with_its_size() {
        let path = temp_dir("ok").join("clip.mp4");
        std::fs::write(&path, b"0123456789").unwrap();
        let (result, ctx) = run(path.to_str().unwrap()).await;
        result.unwrap();
        let file = ctx.get::<SourceFile>().unwrap();
        assert_eq!((file.path.as_path(), file.bytes), (path.as_path(), 10));
    }

    #[tokio::test]
    async fn missing_empty_directory_and_remote_sources_fail_as_input() {
        let dir = temp_dir("bad");
        let empty = dir.join("empty.mp4");
        std::fs::write(&empty, b"").unwrap();
        let missing = dir.join("missing.mp4");
        let cases = [
            (missing.to_str().unwrap().to_owned(), "not found"),
            (empty.to_str().unwrap().to_owned(), "is empty"),
            (dir.to_str().unwrap().to_owned(), "not a regular file"),
            ("https://cdn.example/v.mp4".to_owned(), "remote source"),
            ("ftp://host/v.mp4".to_owned(), "unsupported source"),
        ];
        for (source, expected) in cases {
            let err = run(&source).await.0.unwrap_err();
            assert_eq!(err.kind, FailureKind::Input, "{source}");
            assert!(err.message.contains(expected), "{source}: {}", err.message);
        }
    }
}
