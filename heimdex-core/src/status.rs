//! The video status lifecycle: `PENDING → PROCESSING → READY | FAILED`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::Error;

/// Where a video is in its lifecycle (docs/spec.md#stages). Stored as the `video_status` enum.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "UPPERCASE")]
pub enum VideoStatus {
    /// Created, not yet picked up.
    Pending,
    /// A worker is running the pipeline on it.
    Processing,
    /// Processed successfully.
    Ready,
    /// The last attempt failed.
    Failed,
}

impl VideoStatus {
    /// The database and JSON spelling: `PENDING`, `PROCESSING`, `READY`, `FAILED`.
    pub const fn as_str(self) -> &'static str {
        match self {
            VideoStatus::Pending => "PENDING",
            VideoStatus::Processing => "PROCESSING",
            VideoStatus::Ready => "READY",
            VideoStatus::Failed => "FAILED",
        }
    }

    /// READY or FAILED: the attempt has ended.
    pub const fn is_finished(self) -> bool {
        matches!(self, VideoStatus::Ready | VideoStatus::Failed)
    }
}

impl fmt::Display for VideoStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for VideoStatus {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "PENDING" => Ok(VideoStatus::Pending),
            "PROCESSING" => Ok(VideoStatus::Processing),
            "READY" => Ok(VideoStatus::Ready),
            "FAILED" => Ok(VideoStatus::Failed),
            other => Err(Error::invalid(format!("unknown video status {other:?}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_round_trips_through_its_name() {
        for s in [
            VideoStatus::Pending,
            VideoStatus::Processing,
            VideoStatus::Ready,
            VideoStatus::Failed,
        ] {
            assert_eq!(s.as_str().parse::<VideoStatus>().unwrap(), s);
        }
        assert!("ready".parse::<VideoStatus>().is_err());
    }
}
