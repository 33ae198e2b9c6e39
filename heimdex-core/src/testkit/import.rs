//! [`Import`]: rows written exactly as given, for fixtures and the conformance suites. A test
//! port, not a production one: each store implements it behind its own `testkit` feature.

use async_trait::async_trait;

use crate::error::Result;
use crate::record::Dataset;
use crate::Store;

/// Inserts a [`Dataset`] exactly as given: all or nothing, timestamps cut to microseconds; a key
/// already taken is `Conflict`, a row whose owner, user or video is missing `NotFound`.
#[async_trait]
pub trait Import: Send + Sync {
    /// Inserts every row of `data` in one transaction.
    async fn import(&self, data: &Dataset) -> Result<()>;
}

/// A store the suites can fill: every port plus [`Import`].
pub trait TestStore: Store + Import {}

impl<T: Store + Import + ?Sized> TestStore for T {}
