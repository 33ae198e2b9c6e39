//! Tests of the generated OpenAPI document's document-wide rules.

use heimdex_core::VideoStatus;
use serde_json::{Map, Value};

use super::*;

fn document() -> Value {
    serde_json::to_value(ApiDoc::openapi()).unwrap()
}

/// Calls `f` on every JSON object in `value`, with its JSON pointer.
fn each_object(value: &Value, at: &str, f: &mut impl FnMut(&str, &Map<String, Value>)) {
    match value {
        Value::Object(object) => {
            f(at, object);
            for (key, child) in object {
                each_object(child, &format!("{at}/{key}"), f);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                each_object(child, &format!("{at}/{i}"), f);
            }
        }
        _ => {}
    }
}

#[test]
fn schemas_use_only_what_the_response_checker_reads() {
    // tests/support/schema.rs skips what it does not know: a oneOf would check nothing.
    each_object(&document(), "", &mut |at, object| {
        for keyword in ["oneOf", "allOf", "anyOf", "not"] {
            assert!(!object.contains_key(keyword), "{keyword} at {at}");
        }
    });
}

#[test]
fn every_answer_has_exactly_its_documented_fields() {
    let doc = document();
    for (name, schema) in doc["components"]["schemas"].as_object().unwrap() {
        assert_eq!(schema["type"], "object", "{name}");
        assert_eq!(schema["additionalProperties"], false, "{name}");
        let mut properties: Vec<&String> =
            schema["properties"].as_object().unwrap().keys().collect();
        let mut required: Vec<&str> = schema["required"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_str().unwrap())
            .collect();
        properties.sort_unstable();
        required.sort_unstable();
        assert_eq!(properties, required, "{name}");
    }
}

#[test]
fn documented_values_and_bounds_are_the_ones_the_server_reads_and_writes() {
    let doc = document();
    let parameter = |path: &str, name: &str| -> Value {
        doc["paths"][path]["get"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .unwrap()["schema"]
            .clone()
    };
    let strings = |values: &Value| -> Vec<String> {
        values
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect()
    };
    // Query parameters are parsed with `FromStr` (routes/params.rs), not serde.
    let sort = parameter("/v1/admin/users", "sort");
    assert_eq!(strings(&sort["enum"]), UserSort::ALL.map(|k| k.as_str()));
    assert_eq!(
        sort["default"].as_str().unwrap().parse(),
        Ok(UserSort::default())
    );
    for path in [
        "/v1/admin/timeseries/throughput",
        "/v1/admin/timeseries/search",
    ] {
        let bucket = parameter(path, "bucket");
        assert_eq!(strings(&bucket["enum"]), ["day"]);
        assert_eq!(
            bucket["default"].as_str().unwrap().parse(),
            Ok(Bucket::default())
        );
    }
    let page_size = parameter("/v1/admin/users", "page_size");
    assert_eq!(page_size["maximum"], Page::MAX_SIZE);
    assert_eq!(page_size["default"], Page::DEFAULT_SIZE);
    assert_eq!(parameter("/v1/admin/users", "page")["maximum"], u32::MAX);
    // Answers are written by serde.
    let statuses: Vec<Value> = [
        VideoStatus::Pending,
        VideoStatus::Processing,
        VideoStatus::Ready,
        VideoStatus::Failed,
    ]
    .iter()
    .map(|s| serde_json::to_value(s).unwrap())
    .collect();
    assert_eq!(
        doc["components"]["schemas"]["RecentVideo"]["properties"]["status"]["enum"],
        Value::from(statuses)
    );
}

#[test]
fn admin_operations_need_the_bearer_token_and_healthz_nothing() {
    let doc = document();
    assert_eq!(
        doc["components"]["securitySchemes"][BEARER]["scheme"],
        "bearer"
    );
    for (path, item) in doc["paths"].as_object().unwrap() {
        let security = &item["get"]["security"];
        if path == "/healthz" {
            assert_eq!(security, &serde_json::json!([]));
        } else {
            assert_eq!(security, &serde_json::json!([{ BEARER: [] }]), "{path}");
        }
    }
}
