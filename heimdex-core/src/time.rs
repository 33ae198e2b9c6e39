//! Wall-clock timestamps at the precision every store keeps (microseconds).
//!
//! PostgreSQL keeps microseconds; truncating everywhere keeps the in-memory, embedded and
//! PostgreSQL implementations bit-for-bit comparable.

use chrono::{DateTime, DurationRound, TimeDelta, Utc};

/// A UTC wall-clock instant.
pub type Timestamp = DateTime<Utc>;

/// The current time, truncated to whole microseconds.
pub fn now() -> Timestamp {
    truncate_micros(Utc::now())
}

/// `ts` truncated to whole microseconds.
pub fn truncate_micros(ts: Timestamp) -> Timestamp {
    ts.duration_trunc(TimeDelta::microseconds(1)).unwrap_or(ts)
}

/// Microseconds from `from` to `to` (negative when `to` is earlier).
pub fn micros_between(from: Timestamp, to: Timestamp) -> i64 {
    (to - from).num_microseconds().unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Timelike;

    #[test]
    fn now_has_no_sub_microsecond_part() {
        assert_eq!(now().nanosecond() % 1_000, 0);
    }

    #[test]
    fn micros_between_is_signed() {
        let a = now();
        let b = a + TimeDelta::milliseconds(3);
        assert_eq!(micros_between(a, b), 3_000);
        assert_eq!(micros_between(b, a), -3_000);
    }
}
