//! Response envelopes. The answers themselves are `heimdex_core::query` types, which already carry
//! the contract's field names; this file only adds the wrappers the contract puts around them.

use serde::{Deserialize, Serialize};

/// `{"data": [...]}`: every series and the failures list (docs/spec.md#http-api).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Data<T> {
    /// The rows, in the order the contract gives for the endpoint.
    pub data: Vec<T>,
}

impl<T> From<Vec<T>> for Data<T> {
    fn from(data: Vec<T>) -> Self {
        Self { data }
    }
}

/// `{"status": "ok"}`: the health check's answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    /// Always `ok` (an unhealthy server answers 503 with an error body).
    pub status: String,
}
