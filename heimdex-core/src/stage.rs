//! Pipeline stages: their names, how they fail, and the [`Stage`] port.

use std::borrow::Cow;
use std::fmt;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::error::{BoxError, Error};
use crate::job::JobContext;

/// A validated stage name: lowercase `[a-z0-9_]{1,64}` (docs/spec.md#stages).
///
/// The contract's stages are provided as constants; a deployment may register its own names.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct StageName(Cow<'static, str>);

impl StageName {
    /// Set on enqueue.
    pub const QUEUED: StageName = StageName(Cow::Borrowed("queued"));
    /// Fetching the source file.
    pub const DOWNLOADING: StageName = StageName(Cow::Borrowed("downloading"));
    /// Probing the container and streams.
    pub const METADATA: StageName = StageName(Cow::Borrowed("metadata"));
    /// Finding scene cuts.
    pub const SCENE_DETECTION: StageName = StageName(Cow::Borrowed("scene_detection"));
    /// Speech to text.
    pub const TRANSCRIPTION: StageName = StageName(Cow::Borrowed("transcription"));
    /// Keyframes, quality and embeddings per scene.
    pub const SCENE_PROCESSING: StageName = StageName(Cow::Borrowed("scene_processing"));
    /// Storing scenes for search.
    pub const INDEXING: StageName = StageName(Cow::Borrowed("indexing"));
    /// Last bookkeeping before READY.
    pub const FINALIZING: StageName = StageName(Cow::Borrowed("finalizing"));
    /// Written on success.
    pub const COMPLETED: StageName = StageName(Cow::Borrowed("completed"));

    /// The contract's stages, in pipeline order.
    pub const PIPELINE_ORDER: [StageName; 9] = [
        Self::QUEUED,
        Self::DOWNLOADING,
        Self::METADATA,
        Self::SCENE_DETECTION,
        Self::TRANSCRIPTION,
        Self::SCENE_PROCESSING,
        Self::INDEXING,
        Self::FINALIZING,
        Self::COMPLETED,
    ];

    /// Validates `name` against `[a-z0-9_]{1,64}`.
    pub fn new(name: impl Into<String>) -> Result<Self, Error> {
        let name = name.into();
        let valid = (1..=64).contains(&name.len())
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if valid {
            Ok(StageName(Cow::Owned(name)))
        } else {
            Err(Error::invalid(format!(
                "invalid stage name {name:?}: must match [a-z0-9_]{{1,64}}"
            )))
        }
    }

    /// The name as stored in `processing_stage`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for StageName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for StageName {
    type Error = Error;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        StageName::new(value)
    }
}

impl From<StageName> for String {
    fn from(value: StageName) -> Self {
        value.0.into_owned()
    }
}

/// Why a stage failed, as a bounded tag (never a free string, so it can label metrics).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum FailureKind {
    /// The input is not usable (not media, truncated, no video stream, zero duration).
    Input,
    /// Decoding the media failed mid-way.
    Decode,
    /// A model is missing or could not be loaded.
    Model,
    /// Reading or writing files or the network failed.
    Io,
    /// An external dependency (service, store) failed.
    Dependency,
    /// The job's time limit ran out while this stage ran.
    TimedOut,
    /// The run was cancelled (shutdown, or the run was dropped) while this stage ran.
    Cancelled,
    /// A bug: the stage panicked or broke an invariant.
    Internal,
}

impl FailureKind {
    /// True when running the job again cannot help: the input itself is unusable (a missing or
    /// empty file, an unsupported URI, a file that is not a video). Such a failure is not
    /// retried: the job goes to `dead` at once with its reason.
    pub const fn is_permanent(self) -> bool {
        matches!(self, FailureKind::Input)
    }

    /// The tag's spelling, e.g. `timed_out`.
    pub const fn as_str(self) -> &'static str {
        match self {
            FailureKind::Input => "input",
            FailureKind::Decode => "decode",
            FailureKind::Model => "model",
            FailureKind::Io => "io",
            FailureKind::Dependency => "dependency",
            FailureKind::TimedOut => "timed_out",
            FailureKind::Cancelled => "cancelled",
            FailureKind::Internal => "internal",
        }
    }
}

impl fmt::Display for FailureKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How one stage ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// It did its work.
    Ok,
    /// It failed; `message` is for people, `kind` for machines.
    Failed {
        /// Why, as a tag.
        kind: FailureKind,
        /// A human-readable message (no secrets).
        message: String,
    },
}

impl Outcome {
    /// `ok`, `failed`, or `cancelled` (a run stopped from outside: shutdown, a lost lease, a
    /// dropped run), as stored in `video_stage_timings.outcome`. A cancelled stage is no failure:
    /// no failure metric counts it.
    pub fn as_str(&self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Failed {
                kind: FailureKind::Cancelled,
                ..
            } => "cancelled",
            Outcome::Failed { .. } => "failed",
        }
    }

    /// True for [`Outcome::Ok`].
    pub fn is_ok(&self) -> bool {
        matches!(self, Outcome::Ok)
    }
}

/// A stage's failure: a bounded kind, a message for people, and the cause when there is one.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct StageError {
    /// Why, as a tag.
    pub kind: FailureKind,
    /// What went wrong, for the operator (stored in `error_message`, cut to 500 characters).
    pub message: String,
    /// The underlying error.
    #[source]
    pub source: Option<BoxError>,
}

impl StageError {
    /// A failure of `kind` with `message`.
    pub fn new(kind: FailureKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            source: None,
        }
    }

    /// Attaches the underlying cause.
    pub fn with_source(mut self, source: impl Into<BoxError>) -> Self {
        self.source = Some(source.into());
        self
    }
}

/// One step of a pipeline. Implementations do their CPU-heavy work on a blocking pool.
#[cfg_attr(any(test, feature = "mock"), mockall::automock)]
#[async_trait]
pub trait Stage: Send + Sync + fmt::Debug {
    /// The stage's name, written to `processing_stage` when it starts.
    fn name(&self) -> StageName;

    /// Does the work, reading and writing the job's context.
    async fn run(&self, ctx: &mut JobContext) -> Result<(), StageError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contract_stage_names_are_valid() {
        for stage in StageName::PIPELINE_ORDER {
            assert_eq!(StageName::new(stage.as_str()).unwrap(), stage);
        }
    }

    #[test]
    fn stage_names_outside_the_pattern_are_rejected() {
        for bad in [
            "",
            "Metadata",
            "scene-detection",
            "a b",
            "é",
            &"x".repeat(65),
        ] {
            assert!(StageName::new(bad).is_err(), "{bad:?} should be rejected");
        }
        assert!(StageName::new("x".repeat(64)).is_ok());
        assert!(StageName::new("ocr_v2").is_ok());
    }

    #[test]
    fn stage_name_deserialization_validates() {
        assert!(serde_json::from_str::<StageName>("\"Bad Name\"").is_err());
        let ok: StageName = serde_json::from_str("\"transcription\"").unwrap();
        assert_eq!(ok, StageName::TRANSCRIPTION);
    }
}
