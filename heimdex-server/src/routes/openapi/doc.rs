//! The OpenAPI document, assembled by `utoipa` from the answer types (`ToSchema` on
//! `heimdex_core::query` and [`crate::dto`]) and the handlers' `#[utoipa::path]` annotations.
//!
//! This file holds what the types cannot say themselves: the query parameters (the handlers
//! read the query string as a map, see [`crate::routes::params`]), the error answers every
//! route shares, the bearer scheme, and the document-wide rules applied by [`Contract`].

use std::collections::BTreeMap;

use heimdex_core::query::{
    LatencySummary, Overview, QueueSummary, RecentSearch, RecentVideo, RtfSummary, UserDetail,
    UserSummary, UsersPage,
};
use heimdex_core::{Bucket, Page, UserSort};
use utoipa::openapi::schema::{AdditionalProperties, ObjectBuilder, Schema};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::RefOr;
use utoipa::{IntoParams, IntoResponses, Modify, OpenApi};

use crate::dto::{
    FailuresByStage, Health, SearchSeries, StageLatencySeries, ThroughputSeries, ThroughputV2Series,
};
use crate::error::ErrorBody;

/// The security scheme every `/v1/admin` route names.
pub(crate) const BEARER: &str = "bearer";

/// The whole document.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Heimdex admin API",
        description = "Admin metrics of Heimdex video-indexing pipelines. Every error is JSON \
            {\"detail\": \"...\"}; unknown paths answer 404 and wrong methods 405, also in JSON. \
            Datetimes are RFC 3339 in UTC, days YYYY-MM-DD.",
    ),
    paths(
        crate::routes::health::health,
        crate::routes::overview::overview,
        crate::routes::timeseries::throughput,
        crate::routes::timeseries::search,
        crate::routes::timeseries::throughput_v2,
        crate::routes::users::list,
        crate::routes::users::detail,
        crate::routes::performance::latency,
        crate::routes::performance::rtf,
        crate::routes::performance::queue,
        crate::routes::performance::stages,
        crate::routes::failures::by_stage,
        crate::routes::openapi::document,
    ),
    components(schemas(
        ErrorBody,
        Health,
        Overview,
        ThroughputSeries,
        SearchSeries,
        UserSummary,
        UsersPage,
        RecentVideo,
        RecentSearch,
        UserDetail,
        LatencySummary,
        RtfSummary,
        QueueSummary,
        FailuresByStage,
        ThroughputV2Series,
        StageLatencySeries,
    )),
    modifiers(&Contract),
)]
pub(crate) struct ApiDoc;

// The parameter and response types below are only described, never built.

/// `?range=` with the 30-day default.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub(crate) struct RangeParam {
    /// Rolling window `<N>d`, N in 1..365.
    #[param(pattern = "^[0-9]+d$", default = "30d")]
    range: Option<String>,
}

/// `?range=&bucket=`: the v1 time series.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub(crate) struct SeriesParams {
    /// Rolling window `<N>d`, N in 1..365.
    #[param(pattern = "^[0-9]+d$", default = "30d")]
    range: Option<String>,
    /// Time bucket; only day.
    #[param(inline, default = json!(Bucket::Day))]
    bucket: Option<Bucket>,
}

/// `?range=&page=&page_size=&sort=`: the users list, with the 7-day default.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub(crate) struct UsersParams {
    /// Rolling window `<N>d`, N in 1..365.
    #[param(pattern = "^[0-9]+d$", default = "7d")]
    range: Option<String>,
    /// 1-based page; a page past the last user is empty.
    // u32 on the server; int64 in the document, as int32 stops at 2^31 - 1.
    #[param(minimum = 1, maximum = 4294967295_u32, default = 1)]
    page: Option<u64>,
    /// Rows per page.
    #[param(minimum = 1, maximum = 100, default = json!(Page::DEFAULT_SIZE))]
    page_size: Option<u32>,
    /// Sort key, always descending.
    #[param(inline, default = json!(UserSort::LastActivity))]
    sort: Option<UserSort>,
}

/// 400: a bad parameter.
#[derive(IntoResponses)]
#[allow(dead_code)]
pub(crate) enum BadParameter {
    /// A bad parameter, with the contract's exact message
    #[response(status = 400)]
    BadRequest(ErrorBody),
}

/// 401 and 403: every `/v1/admin` route authenticates first.
#[derive(IntoResponses)]
#[allow(dead_code)]
pub(crate) enum AuthErrors {
    /// Not authenticated / Could not validate credentials / Invalid token: missing subject
    #[response(status = 401)]
    Unauthorized(ErrorBody),
    /// Admin access not configured / Admin privileges required
    #[response(status = 403)]
    Forbidden(ErrorBody),
}

/// 500: a failed store call.
#[derive(IntoResponses)]
#[allow(dead_code)]
pub(crate) enum StoreError {
    /// The endpoint's own message; nothing internal
    #[response(status = 500)]
    Internal(ErrorBody),
}

/// The rules of the whole document that the derives do not give.
struct Contract;

impl Modify for Contract {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        // Only what the `info(...)` above says (utoipa would add the crate's license).
        doc.info.license = None;
        doc.info.contact = None;
        for item in doc.paths.paths.values_mut() {
            let Some(op) = item.get.as_mut() else {
                continue;
            };
            // No tags (utoipa would tag each operation with its handler's module).
            op.tags = None;
            for param in op.parameters.iter_mut().flatten() {
                if let Some(schema) = param.schema.as_mut() {
                    unwrap_one_of(schema);
                }
            }
        }
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            BEARER,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(
                        "HS256 (Supabase JWT secret) or RS256/ES256 (configured public key); aud \
                         must include authenticated when present; sub must be in ADMIN_USER_IDS.",
                    ))
                    .build(),
            ),
        );
        let schemas = components.schemas.clone();
        for schema in components.schemas.values_mut() {
            flatten_all_of(schema, &schemas);
            if let RefOr::T(Schema::Object(object)) = schema {
                // serde writes every field of an answer, `None` as null, and nothing else.
                object.required = object.properties.keys().cloned().collect();
                object.additional_properties =
                    Some(Box::new(AdditionalProperties::FreeForm(false)));
                object.properties.values_mut().for_each(unwrap_one_of);
            }
        }
    }
}

/// `#[serde(flatten)]` derives `allOf: [$ref A, {own fields}]`; the answer is one flat object,
/// so its schema becomes one object with A's fields then its own.
fn flatten_all_of(schema: &mut RefOr<Schema>, schemas: &BTreeMap<String, RefOr<Schema>>) {
    let RefOr::T(Schema::AllOf(all_of)) = schema else {
        return;
    };
    let mut flat = ObjectBuilder::new()
        .description(all_of.description.clone())
        .build();
    for item in &all_of.items {
        let part = match item {
            RefOr::Ref(r) => {
                let name = r.ref_location.rsplit('/').next().unwrap_or_default();
                match schemas.get(name) {
                    Some(RefOr::T(Schema::Object(o))) => o,
                    _ => panic!("allOf part {} is not an object schema", r.ref_location),
                }
            }
            RefOr::T(Schema::Object(o)) => o,
            RefOr::T(_) => panic!("allOf part is not an object schema"),
        };
        flat.properties.extend(part.properties.clone());
    }
    *schema = RefOr::T(Schema::Object(flat));
}

/// An inlined enum with a description or a default is derived as `oneOf: [enum]` carrying them;
/// it is the enum itself, with the outer description and default.
fn unwrap_one_of(schema: &mut RefOr<Schema>) {
    let RefOr::T(Schema::OneOf(one_of)) = schema else {
        return;
    };
    let [RefOr::T(Schema::Object(inner))] = one_of.items.as_slice() else {
        return;
    };
    let mut inner = inner.clone();
    if one_of.description.is_some() {
        inner.description = one_of.description.clone();
    }
    if one_of.default.is_some() {
        inner.default = one_of.default.clone();
    }
    *schema = RefOr::T(Schema::Object(inner));
}

#[cfg(test)]
#[path = "doc_tests.rs"]
mod tests;
