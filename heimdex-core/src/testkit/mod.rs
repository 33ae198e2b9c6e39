//! Conformance suites and the contract's golden data, for testing any [`Store`](crate::Store) or
//! [`MetricsQuery`](crate::MetricsQuery) (feature `testkit`).
//!
//! - [`golden`]: docs/spec.md#golden-data as a [`Dataset`](crate::record::Dataset) relative to a
//!   given `now`, with the expected answers as Rust values.
//! - [`metrics::metrics_conformance`]: imports the golden data into an empty store and checks
//!   every answer; [`sink::sink_conformance`]: drives rows through the timing sink and checks them.
//! - [`random`]: seeded random datasets and [`random::assert_same_answers`], which compares two
//!   stores metric by metric.
//! - [`assert`](mod@assert): float comparison within 1e-9 relative, and [`assert::Same`] for
//!   whole answers.
//!
//! - [`Import`]: fixture rows written exactly as given, which every store implements behind its
//!   `testkit` feature; [`TestStore`] is a store with it.
//!
//! The suites panic with a message naming the metric and field that differ, like `assert!`.

pub mod assert;
mod compare;
pub mod golden;
mod import;
pub mod metrics;
pub mod queue;
pub mod random;
pub mod scenes;
pub mod sink;

pub use golden::Golden;
pub use import::{Import, TestStore};
pub use metrics::metrics_conformance;
pub use random::{assert_same_answers, random_dataset};
pub use scenes::scenes_conformance;
pub use sink::sink_conformance;
