//! The one error type that crosses the core's boundary.

use crate::failure::FailureKind;
use crate::stage_name::{InvalidStageName, StageName};

/// A boxed error from an adapter or a stage.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// `Result` with [`Error`] as the default error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What can go wrong at a Heimdex port. Callers branch on the variant, never on the message.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The thing asked for does not exist.
    #[error("{what} not found")]
    NotFound {
        /// What was looked for, e.g. `video 3f2c…`.
        what: String,
    },
    /// The caller passed something invalid; the message says what.
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// The request conflicts with the current state (e.g. a finish from a worker that lost its lease).
    #[error("conflict: {0}")]
    Conflict(String),
    /// A pipeline stage failed.
    #[error("stage {stage} failed ({kind})")]
    Stage {
        /// The stage that failed.
        stage: StageName,
        /// Why, as a bounded tag.
        kind: FailureKind,
        /// The underlying cause.
        #[source]
        source: BoxError,
    },
    /// A backend (database, broker) cannot be reached right now; retrying later may work.
    #[error("{adapter} unavailable")]
    Unavailable {
        /// Which adapter, e.g. `postgres`.
        adapter: &'static str,
        /// The underlying cause.
        #[source]
        source: BoxError,
    },
    /// Any other backend failure.
    #[error("{adapter} error")]
    Backend {
        /// Which adapter, e.g. `postgres`.
        adapter: &'static str,
        /// The underlying cause.
        #[source]
        source: BoxError,
    },
}

impl From<InvalidStageName> for Error {
    fn from(err: InvalidStageName) -> Self {
        Error::InvalidInput(err.to_string())
    }
}

impl Error {
    /// Shorthand for [`Error::NotFound`].
    pub fn not_found(what: impl Into<String>) -> Self {
        Error::NotFound { what: what.into() }
    }

    /// Shorthand for [`Error::InvalidInput`].
    pub fn invalid(message: impl Into<String>) -> Self {
        Error::InvalidInput(message.into())
    }

    /// [`Error::Backend`] of `adapter` from any cause.
    pub fn backend(adapter: &'static str, cause: impl Into<BoxError>) -> Self {
        Error::Backend {
            adapter,
            source: cause.into(),
        }
    }

    /// [`Error::Unavailable`] of `adapter` from any cause: retrying later may work.
    pub fn unavailable(adapter: &'static str, cause: impl Into<BoxError>) -> Self {
        Error::Unavailable {
            adapter,
            source: cause.into(),
        }
    }

    /// A stored value of `adapter` that does not decode into the core's types (a row written by
    /// hand): an [`Error::Backend`] saying `what`.
    pub fn corrupt(adapter: &'static str, what: impl Into<String>) -> Self {
        Self::backend(adapter, what.into())
    }

    /// [`Error::Conflict`] for a queue call whose lease on the job of `video` is gone.
    pub fn lease_lost(video: crate::VideoId) -> Self {
        Error::Conflict(format!(
            "lease on the job of video {video} is no longer held"
        ))
    }
}
