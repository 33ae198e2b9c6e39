//! Durations on the command line, in humantime's syntax: `250ms`, `90s`, `30m`, `1h`, `7d`,
//! `1h 30m`.

use std::time::Duration;

/// Parses a positive duration in humantime's syntax (`250ms`, `90s`, `30m`, `1h`, `7d`,
/// `1h 30m`, `1.5h`); a bare number, a sign or zero is refused.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    match humantime::parse_duration(s) {
        Ok(d) if !d.is_zero() => Ok(d),
        Ok(_) => Err(format!(
            "invalid duration {s:?}: it must be longer than zero"
        )),
        Err(err) => Err(format!(
            "invalid duration {s:?} ({err}): expected a positive number and a unit, like 250ms, \
             90s, 30m, 1h or 7d"
        )),
    }
}

/// The longest shutdown grace period accepted: one day. Longer ones (up to the `u64` seconds a
/// duration can hold) would overflow the deadline computed from it at SIGTERM.
pub const MAX_GRACE: Duration = Duration::from_secs(86_400);

/// [`parse_timer`], refusing more than [`MAX_GRACE`]: for `--grace`/`HEIMDEX_SHUTDOWN_GRACE` and
/// `--shutdown-grace`, so a huge value fails at start instead of at the signal.
pub fn parse_grace(s: &str) -> Result<Duration, String> {
    let grace = parse_timer(s)?;
    if grace > MAX_GRACE {
        return Err(format!(
            "grace period {s:?} is too long: at most 1d (a shutdown deadline must fit the clock)"
        ));
    }
    Ok(grace)
}

/// [`parse_timer`], refusing more than a day: for `--lease`/`HEIMDEX_LEASE`. A longer lease keeps
/// a dead worker's jobs from everyone for longer than any job should wait, and past the stores'
/// interval range every claim would fail.
pub fn parse_lease(s: &str) -> Result<Duration, String> {
    let lease = parse_timer(s)?;
    if lease > MAX_GRACE {
        return Err(format!(
            "lease {s:?} is too long: at most 1d (a dead worker's jobs wait that long)"
        ));
    }
    Ok(lease)
}

/// [`parse_duration`], for the worker's timers (lease, time limit, poll interval, hold), which are
/// often under a second (`250ms`).
pub fn parse_timer(s: &str) -> Result<Duration, String> {
    parse_duration(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timers_take_milliseconds_too() {
        assert_eq!(parse_timer("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_timer("2s"), Ok(Duration::from_secs(2)));
        assert_eq!(parse_timer("5 ms"), Ok(Duration::from_millis(5)));
        for s in ["0ms", "ms", "-5ms", "99999999999999999999999ms"] {
            assert!(parse_timer(s).is_err(), "{s:?}");
        }
    }

    #[test]
    fn grace_periods_stop_at_one_day() {
        assert_eq!(parse_grace("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_grace("1d"), Ok(MAX_GRACE));
        for s in ["86401s", "2d", "213503982334601d", "0s"] {
            assert!(parse_grace(s).is_err(), "{s:?}");
        }
    }

    #[test]
    fn units_scale_to_seconds() {
        assert_eq!(parse_duration("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("30m"), Ok(Duration::from_secs(1_800)));
        assert_eq!(parse_duration("1h"), Ok(Duration::from_secs(3_600)));
        assert_eq!(parse_duration("7d"), Ok(Duration::from_secs(604_800)));
        assert_eq!(parse_duration("1h 30m"), Ok(Duration::from_secs(5_400)));
        assert_eq!(parse_duration("1.5h"), Ok(Duration::from_secs(5_400)));
    }

    #[test]
    fn zero_signs_and_missing_units_are_refused() {
        for s in [
            "",
            "h",
            "0h",
            "-1h",
            "1",
            "1 parsec",
            "99999999999999999999d",
        ] {
            assert!(parse_duration(s).is_err(), "{s:?}");
        }
    }
}
