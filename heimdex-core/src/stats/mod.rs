//! Pure metric math: `percentile_cont`, the real-time factor, and every summary of
//! docs/spec.md#metrics.
//!
//! Nothing here does I/O or reads the clock: each summary takes the rows it may need (callers may
//! pass a superset, every function selects its own population), a [`Window`](crate::Window) and
//! the instant `now` the window ends at. The in-memory store calls these with every row it holds;
//! the PostgreSQL functions compute the same numbers in SQL (each function's doc gives its SQL
//! equivalent), and the conformance suites in `testkit` hold the two together.
//!
//! Units follow the contract: time differences in milliseconds are `micros as f64 / 1000.0`, in
//! seconds `micros as f64 / 1e6`, taken from microsecond timestamps; days are UTC calendar days.
//! No value is rounded. `docs/spec.md` states the same definitions as a spec.

mod percentile;
mod rtf;
mod summary;

pub use percentile::{
    check_finite, percentile_cont, percentiles, try_percentile_cont, try_percentiles, Percentiles,
};
pub use rtf::{real_time_factor, rtf_from_ms};
pub use summary::{
    failures_by_stage, latency, overview, queue, rtf, search_series, stage_latency, throughput,
    throughput_v2, user_detail, users, RECENT_SEARCHES, RECENT_VIDEOS, UNKNOWN_STAGE,
};
