//! In-memory implementations of every port: the reference the other stores are checked against,
//! and the brain of the embedded default.

mod queue;
mod sink;
mod store;

pub use queue::MemoryQueue;
pub use sink::MemorySink;
pub use store::MemoryStore;
