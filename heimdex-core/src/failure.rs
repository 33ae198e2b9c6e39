//! [`FailureKind`]: why a stage failed, as a bounded tag.

use std::fmt;

use serde::{Deserialize, Serialize};

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
