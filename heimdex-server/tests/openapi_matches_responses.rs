//! `GET /v1/admin/openapi.json` describes exactly what the server answers: every route the server
//! has is documented, every documented route answers, and every field of every real answer (with
//! optional fields filled and null) matches the documented schema, errors included.

mod support;

use std::collections::BTreeSet;
use std::sync::Arc;

use serde_json::Value;
use support::schema::check;
use support::{samples, TestServer};

/// Every route the server serves (path templates as OpenAPI writes them).
const ROUTES: [&str; 13] = [
    "/healthz",
    "/v1/admin/overview",
    "/v1/admin/timeseries/throughput",
    "/v1/admin/timeseries/search",
    "/v1/admin/timeseries/throughput-v2",
    "/v1/admin/users",
    "/v1/admin/users/{user_id}",
    "/v1/admin/performance/latency",
    "/v1/admin/performance/rtf",
    "/v1/admin/performance/queue",
    "/v1/admin/performance/stages",
    "/v1/admin/failures/by-stage",
    "/v1/admin/openapi.json",
];

fn concrete(template: &str) -> String {
    template.replace("{user_id}", "0f8fad5b-d9cb-469f-a165-70867728950e")
}

fn response_schema<'a>(doc: &'a Value, template: &str, status: u16) -> &'a Value {
    let op = &doc["paths"][template]["get"];
    let schema = &op["responses"][status.to_string()]["content"]["application/json"]["schema"];
    assert!(
        !schema.is_null(),
        "{template} documents no {status} JSON answer"
    );
    schema
}

async fn served_document(server: &TestServer) -> Value {
    let reply = server.admin_get("/v1/admin/openapi.json").await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.headers["content-type"], "application/json");
    assert_eq!(
        reply.json,
        serde_json::from_str::<Value>(heimdex_server::OPENAPI_JSON).unwrap()
    );
    reply.json
}

#[tokio::test]
async fn documented_routes_are_exactly_the_served_routes() {
    let server = TestServer::start(Arc::new(samples::store(true))).await;
    let doc = served_document(&server).await;
    let documented: BTreeSet<&str> = doc["paths"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(documented, ROUTES.into_iter().collect::<BTreeSet<_>>());
    for template in ROUTES {
        let methods: Vec<&String> = doc["paths"][template].as_object().unwrap().keys().collect();
        assert_eq!(methods, ["get"], "{template}");
        assert_eq!(
            server.admin_get(&concrete(template)).await.status,
            200,
            "{template}"
        );
    }
}

#[tokio::test]
async fn every_field_of_every_answer_matches_its_schema_filled_and_null() {
    for full in [true, false] {
        let server = TestServer::start(Arc::new(samples::store(full))).await;
        let doc = served_document(&server).await;
        for template in ROUTES
            .into_iter()
            .filter(|r| *r != "/v1/admin/openapi.json")
        {
            let reply = server.admin_get(&concrete(template)).await;
            let status = if template == "/healthz" && !full {
                503
            } else {
                200
            };
            assert_eq!(reply.status, status, "{template}: {}", reply.text);
            let errors = check(
                &doc,
                response_schema(&doc, template, status),
                &reply.json,
                template,
            );
            assert!(errors.is_empty(), "full={full}: {errors:#?}");
        }
    }
}

#[tokio::test]
async fn error_answers_match_the_documented_error_schema() {
    let server = TestServer::start(Arc::new(samples::store(true))).await;
    let doc = served_document(&server).await;
    for template in ROUTES.into_iter().filter(|r| r.starts_with("/v1/admin")) {
        let reply = server.get(&concrete(template), &[]).await;
        assert_eq!(reply.status, 401, "{template}");
        assert!(check(
            &doc,
            response_schema(&doc, template, 401),
            &reply.json,
            template
        )
        .is_empty());
    }
    let reply = server.admin_get("/v1/admin/users/nope").await;
    let errors = check(
        &doc,
        response_schema(&doc, "/v1/admin/users/{user_id}", 400),
        &reply.json,
        "users/nope",
    );
    assert!(reply.status == 400 && errors.is_empty(), "{errors:?}");
}

#[tokio::test]
async fn documented_query_parameters_are_the_ones_the_server_reads() {
    let server = TestServer::start(Arc::new(samples::store(true))).await;
    let doc = served_document(&server).await;
    for template in ROUTES {
        let Some(params) = doc["paths"][template]["get"]["parameters"].as_array() else {
            continue;
        };
        for param in params.iter().filter(|p| p["in"] == "query") {
            let name = param["name"].as_str().unwrap();
            let default = &param["schema"]["default"];
            let default = default
                .as_str()
                .map(str::to_owned)
                .unwrap_or_else(|| default.to_string());
            let path = concrete(template);
            let ok = server.admin_get(&format!("{path}?{name}={default}")).await;
            assert_eq!(ok.status, 200, "{template}?{name}={default}: {}", ok.text);
            let bad = server.admin_get(&format!("{path}?{name}=bogus")).await;
            assert_eq!(
                bad.status, 400,
                "{template} ignores documented parameter {name}"
            );
            assert!(check(
                &doc,
                response_schema(&doc, template, 400),
                &bad.json,
                template
            )
            .is_empty());
        }
    }
}
