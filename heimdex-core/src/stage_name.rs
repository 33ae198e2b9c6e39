//! [`StageName`]: a validated stage name, with the contract's stages as constants.

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Serialize};

/// A name that is not `[a-z0-9_]{1,64}`; as a [`crate::Error`] it is `InvalidInput`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid stage name {0:?}: must match [a-z0-9_]{{1,64}}")]
pub struct InvalidStageName(pub String);

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
    pub fn new(name: impl Into<String>) -> Result<Self, InvalidStageName> {
        let name = name.into();
        let valid = (1..=64).contains(&name.len())
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if valid {
            Ok(StageName(Cow::Owned(name)))
        } else {
            Err(InvalidStageName(name))
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
    type Error = InvalidStageName;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        StageName::new(value)
    }
}

impl From<StageName> for String {
    fn from(value: StageName) -> Self {
        value.0.into_owned()
    }
}
