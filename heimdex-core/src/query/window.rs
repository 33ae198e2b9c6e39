//! The `range` parameter: a rolling window of 1 to 365 days (docs/spec.md#ranges).

use std::fmt;
use std::str::FromStr;

use chrono::TimeDelta;
use serde::{Deserialize, Serialize};

use crate::time::Timestamp;

/// A rolling window of the last N days (1..=365): rows with `ts >= now - N days`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u16", into = "u16")]
pub struct Window {
    days: u16,
}

/// Why a `range` value was rejected. `Display` gives the contract's exact message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RangeError {
    /// Does not end in `d`.
    #[error("Range must be in format '30d'")]
    Format,
    /// What comes before `d` is not a plain run of ASCII digits.
    #[error("Invalid range format")]
    NotInteger,
    /// The number is outside 1..=365.
    #[error("Range must be between 1d and 365d")]
    OutOfBounds,
}

impl RangeError {
    /// The message with the endpoint's example: `/users` says `'7d'`, the others `'30d'`.
    pub fn message(&self, example: &str) -> String {
        match self {
            RangeError::Format => format!("Range must be in format '{example}'"),
            other => other.to_string(),
        }
    }
}

impl Window {
    /// Shortest window.
    pub const MIN_DAYS: u16 = 1;
    /// Longest window.
    pub const MAX_DAYS: u16 = 365;

    /// A window of `days` days, or `OutOfBounds`.
    pub fn new(days: u16) -> Result<Self, RangeError> {
        if (Self::MIN_DAYS..=Self::MAX_DAYS).contains(&days) {
            Ok(Self { days })
        } else {
            Err(RangeError::OutOfBounds)
        }
    }

    /// The last 7 days.
    pub const fn seven_days() -> Self {
        Self { days: 7 }
    }

    /// The last 30 days.
    pub const fn thirty_days() -> Self {
        Self { days: 30 }
    }

    /// Its length in days.
    pub const fn days(self) -> u16 {
        self.days
    }

    /// The first instant inside the window ending at `now`.
    pub fn start(self, now: Timestamp) -> Timestamp {
        now - TimeDelta::days(i64::from(self.days))
    }

    /// Whether `ts` lies in the window ending at `now` (`ts >= now - N days`).
    pub fn contains(self, ts: Timestamp, now: Timestamp) -> bool {
        ts >= self.start(now)
    }
}

impl FromStr for Window {
    type Err = RangeError;

    /// Parses `<N>d`. A leading `-` before digits is a (negative) number out of bounds; any other
    /// sign, space, underscore or non-ASCII digit is `NotInteger`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let number = s.strip_suffix('d').ok_or(RangeError::Format)?;
        let (negative, digits) = match number.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, number),
        };
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(RangeError::NotInteger);
        }
        if negative {
            return Err(RangeError::OutOfBounds);
        }
        let days: u16 = digits.parse().map_err(|_| RangeError::OutOfBounds)?;
        Window::new(days)
    }
}

impl fmt::Display for Window {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}d", self.days)
    }
}

impl TryFrom<u16> for Window {
    type Error = RangeError;

    fn try_from(days: u16) -> Result<Self, Self::Error> {
        Window::new(days)
    }
}

impl From<Window> for u16 {
    fn from(w: Window) -> u16 {
        w.days
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<u16, RangeError> {
        s.parse::<Window>().map(Window::days)
    }

    #[test]
    fn valid_ranges_parse() {
        assert_eq!(parse("1d"), Ok(1));
        assert_eq!(parse("30d"), Ok(30));
        assert_eq!(parse("365d"), Ok(365));
        assert_eq!(parse("007d"), Ok(7));
    }

    #[test]
    fn missing_d_suffix_is_a_format_error() {
        for s in ["30", "30D", "", "d30", "30dd ", "30 d "] {
            assert_eq!(parse(s), Err(RangeError::Format), "{s:?}");
        }
        assert_eq!(
            RangeError::Format.to_string(),
            "Range must be in format '30d'"
        );
        assert_eq!(
            RangeError::Format.message("7d"),
            "Range must be in format '7d'"
        );
    }

    #[test]
    fn non_integers_are_invalid_format() {
        for s in [
            "d", "3_0d", " 30d", "30 d", "+30d", "3.0d", "abcd", "٣٠d", "-d", "--1d",
        ] {
            assert_eq!(parse(s), Err(RangeError::NotInteger), "{s:?}");
        }
        assert_eq!(RangeError::NotInteger.to_string(), "Invalid range format");
    }

    #[test]
    fn integers_outside_1_to_365_are_out_of_bounds() {
        for s in ["0d", "366d", "-1d", "-30d", "99999999999999999999d", "000d"] {
            assert_eq!(parse(s), Err(RangeError::OutOfBounds), "{s:?}");
        }
        assert_eq!(
            RangeError::OutOfBounds.to_string(),
            "Range must be between 1d and 365d"
        );
    }

    #[test]
    fn window_contains_its_start_and_excludes_earlier() {
        let now = crate::time::now();
        let w = Window::new(7).unwrap();
        assert!(w.contains(w.start(now), now));
        assert!(!w.contains(w.start(now) - TimeDelta::microseconds(1), now));
        assert!(w.contains(now, now));
    }
}
