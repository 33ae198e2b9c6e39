//! Typed identifiers, so a video id can never be passed where a user id is expected.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::Error;

macro_rules! uuid_id {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A new random (v4) id.
            pub fn new_v4() -> Self {
                Self(Uuid::new_v4())
            }

            /// The underlying UUID.
            pub fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = Error;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s)
                    .map(Self)
                    .map_err(|_| Error::invalid(concat!("malformed ", $what, " id")))
            }
        }

        impl From<Uuid> for $name {
            fn from(id: Uuid) -> Self {
                Self(id)
            }
        }
    };
}

uuid_id!(
    /// Identifies a video (and its processing job: one video has at most one live job).
    VideoId,
    "video"
);
uuid_id!(
    /// Identifies a user profile.
    UserId,
    "user"
);
uuid_id!(
    /// Identifies one logged search.
    SearchId,
    "search"
);

/// Identifies a worker process (host name, pid and a random suffix is a good choice).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct WorkerId(pub String);

impl WorkerId {
    /// A worker id from any string.
    pub fn new(id: impl Into<String>) -> Self {
        Self(id.into())
    }
}

impl fmt::Display for WorkerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn video_id_round_trips_through_its_string_form() {
        let id = VideoId::new_v4();
        assert_eq!(id.to_string().parse::<VideoId>().unwrap(), id);
    }

    #[test]
    fn malformed_user_id_is_invalid_input() {
        let err = "not-a-uuid".parse::<UserId>().unwrap_err();
        assert!(matches!(err, Error::InvalidInput(m) if m == "malformed user id"));
    }
}
