//! Pipeline stages: how one ended ([`Outcome`]), how it fails ([`StageError`]), and the
//! [`Stage`] port. The names and failure kinds are [`StageName`] and [`FailureKind`].

use std::fmt;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::error::BoxError;
pub use crate::failure::FailureKind;
use crate::job::JobContext;
pub use crate::stage_name::{InvalidStageName, StageName};

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
