//! Response envelopes. The answers themselves are `heimdex_core::query` types, which already carry
//! the contract's field names; this file only adds the wrappers the contract puts around them.
//!
//! Every type here also describes itself for the OpenAPI document (`utoipa::ToSchema`).

use std::borrow::Cow;

use heimdex_core::query::{
    SearchPoint, StageFailures, StageLatency, ThroughputPoint, ThroughputV2Point,
};
use serde::{Deserialize, Serialize};
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Ref, Schema, Type};
use utoipa::openapi::RefOr;
use utoipa::{PartialSchema, ToSchema};

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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Health {
    /// Always `ok` (an unhealthy server answers 503 with an error body).
    #[schema(schema_with = always_ok)]
    pub status: String,
}

/// [`Health::status`] in the OpenAPI document: the one value it can have.
fn always_ok() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(["ok"]))
        .description(Some("Always ok; an unhealthy server answers 503."))
}

/// Names each `{"data": [...]}` answer, as an alias of [`Data`] and as its own schema in the
/// OpenAPI document (a generic derive would name them all `Data_<Row>`).
macro_rules! data_schemas {
    ($($(#[doc = $doc:literal])+ $alias:ident = $row:ty;)+) => {$(
        $(#[doc = $doc])+
        pub type $alias = Data<$row>;

        impl PartialSchema for Data<$row> {
            fn schema() -> RefOr<Schema> {
                ObjectBuilder::new()
                    .description(Some(concat!($($doc),+).trim()))
                    .property(
                        "data",
                        ArrayBuilder::new().items(Ref::from_schema_name(<$row>::name())),
                    )
                    .required("data")
                    .into()
            }
        }

        impl ToSchema for Data<$row> {
            fn name() -> Cow<'static, str> {
                Cow::Borrowed(stringify!($alias))
            }

            fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
                schemas.push((<$row>::name().into_owned(), <$row>::schema()));
                <$row>::schemas(schemas);
            }
        }
    )+};
}

data_schemas! {
    /// Throughput v1: READY videos per day, days ascending.
    ThroughputSeries = ThroughputPoint;
    /// Searches per day, days ascending.
    SearchSeries = SearchPoint;
    /// Throughput v2: READY and FAILED videos per day, days descending.
    ThroughputV2Series = ThroughputV2Point;
    /// Failures by the stage that failed.
    FailuresByStage = StageFailures;
    /// Per-stage latency.
    StageLatencySeries = StageLatency;
}
