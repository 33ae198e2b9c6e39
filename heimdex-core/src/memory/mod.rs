//! In-memory implementations of every port: the reference the other stores are checked against,
//! and the brain of the embedded default.

mod sink;

pub use sink::MemorySink;
