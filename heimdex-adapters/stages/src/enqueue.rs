//! [`enqueue_file`]: the one call an embedder needs to get a video processed.

use std::path::{Path, PathBuf};

use heimdex_core::queue::{JobQueue, NewJob};
use heimdex_core::record::NewVideo;
use heimdex_core::{Catalog, Error, Result, UserId, VideoId};

/// URI schemes taken as they are (the download stage fetches them).
pub const REMOTE_SCHEMES: [&str; 3] = ["http", "https", "s3"];

/// Validates `path_or_uri`, creates a PENDING video owned by `owner` and enqueues it.
///
/// - `http://`, `https://` and `s3://` URIs are stored as given (they are fetched when processed);
///   any other `scheme://` is [`Error::InvalidInput`].
/// - Anything else is a local path: it must exist ([`Error::NotFound`] otherwise) and be a
///   readable regular file ([`Error::InvalidInput`] otherwise). It is stored absolute, so a worker
///   on this machine finds it whatever its working directory.
///
/// An owner without a profile gets one with an empty name. If the video was created
/// but the enqueue failed, the error is returned and the video id is logged.
pub async fn enqueue_file(
    catalog: &dyn Catalog,
    queue: &dyn JobQueue,
    owner: UserId,
    path_or_uri: &str,
) -> Result<VideoId> {
    let source = validate_source(path_or_uri).await?;
    let video = catalog.create_video(source.new_video(owner)).await?;
    let job = NewJob {
        video,
        source: source.location,
        owner: Some(owner),
    };
    if let Err(err) = queue.enqueue(job).await {
        tracing::error!(%video, error = %err, "video created but not enqueued");
        return Err(err);
    }
    tracing::info!(%video, "video enqueued");
    Ok(video)
}

/// A checked source: where it lives and its file name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source {
    /// The URI as given, or the absolute path of the local file.
    pub location: String,
    /// The last path segment, when there is one.
    pub filename: Option<String>,
}

impl Source {
    /// The video row for this source, owned by `owner`, with a fresh id.
    pub fn new_video(&self, owner: UserId) -> NewVideo {
        NewVideo {
            id: None,
            owner_id: owner,
            storage_path: self.location.clone(),
            filename: self.filename.clone(),
        }
    }
}

/// Checks `path_or_uri` as [`enqueue_file`] does, without creating anything.
pub async fn validate_source(path_or_uri: &str) -> Result<Source> {
    let given = path_or_uri.trim();
    if given.is_empty() {
        return Err(Error::invalid("source path or URI is empty"));
    }
    if let Some((scheme, rest)) = given.split_once("://") {
        let scheme = scheme.to_ascii_lowercase();
        if !REMOTE_SCHEMES.contains(&scheme.as_str()) {
            return Err(Error::invalid(format!(
                "unsupported URI scheme {scheme:?}: use a local path or an http(s):// or s3:// URI"
            )));
        }
        let path = rest.split(['?', '#']).next().unwrap_or_default();
        if path.split('/').next().is_none_or(str::is_empty) {
            return Err(Error::invalid(format!(
                "URI {given:?} has no host or bucket"
            )));
        }
        let filename = path
            .rsplit('/')
            .next()
            .filter(|s| !s.is_empty() && *s != path);
        return Ok(Source {
            location: given.to_string(),
            filename: filename.map(str::to_string),
        });
    }
    let path = PathBuf::from(given);
    let checked = tokio::task::spawn_blocking(move || check_local_file(&path))
        .await
        .map_err(|e| Error::invalid(format!("could not check {given:?}: {e}")))??;
    let filename = checked
        .file_name()
        .map(|n| n.to_string_lossy().into_owned());
    Ok(Source {
        location: checked.to_string_lossy().into_owned(),
        filename,
    })
}

fn check_local_file(path: &Path) -> Result<PathBuf> {
    let shown = path.display();
    let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Error::not_found(format!("file {shown}")),
        _ => Error::invalid(format!("cannot read {shown}: {e}")),
    })?;
    if !meta.is_file() {
        return Err(Error::invalid(format!("{shown} is not a regular file")));
    }
    std::fs::File::open(path).map_err(|e| Error::invalid(format!("cannot read {shown}: {e}")))?;
    std::fs::canonicalize(path).map_err(|e| Error::invalid(format!("cannot resolve {shown}: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn remote_uris_are_kept_as_given_with_their_file_name() {
        let s = validate_source("https://cdn.example/v/clip.mp4?sig=1")
            .await
            .unwrap();
        assert_eq!(s.location, "https://cdn.example/v/clip.mp4?sig=1");
        assert_eq!(s.filename.as_deref(), Some("clip.mp4"));
        let s = validate_source("s3://bucket/a/b.mkv").await.unwrap();
        assert_eq!(s.filename.as_deref(), Some("b.mkv"));
        let s = validate_source("HTTP://host").await.unwrap();
        assert_eq!(s.filename, None);
    }

    #[tokio::test]
    async fn bad_sources_are_refused_with_the_reason() {
        for (input, want) in [
            ("", "empty"),
            ("ftp://host/a.mp4", "unsupported URI scheme"),
            ("https://", "no host"),
            ("/", "not a regular file"),
        ] {
            let err = validate_source(input).await.unwrap_err();
            assert!(
                matches!(&err, Error::InvalidInput(m) if m.contains(want)),
                "{input:?}: {err}"
            );
        }
        let missing = validate_source("/no/such/heimdex/file.mp4")
            .await
            .unwrap_err();
        assert!(matches!(missing, Error::NotFound { what } if what.contains("file.mp4")));
    }

    #[tokio::test]
    async fn a_local_file_is_stored_by_its_absolute_path() {
        let dir = std::env::temp_dir().join(format!("heimdex-enqueue-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("talk.mp4"), b"x").unwrap();
        let relative = dir
            .join("..")
            .join(dir.file_name().unwrap())
            .join("talk.mp4");
        let s = validate_source(relative.to_str().unwrap()).await.unwrap();
        assert_eq!(
            s.location,
            dir.canonicalize()
                .unwrap()
                .join("talk.mp4")
                .to_str()
                .unwrap()
        );
        assert_eq!(s.filename.as_deref(), Some("talk.mp4"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
