//! A small JSON-schema checker for the subset the OpenAPI document uses: `$ref`, `type` (a name or
//! a list with `null`), `properties` with `required` and `additionalProperties: false`, `items`,
//! `enum`, and the `date`, `date-time` and `uuid` formats.

use serde_json::Value;

/// Checks `value` against `schema` inside `doc`; returns every mismatch with its JSON path.
pub fn check(doc: &Value, schema: &Value, value: &Value, path: &str) -> Vec<String> {
    let mut errors = Vec::new();
    walk(doc, schema, value, path, &mut errors);
    errors
}

fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let pointer = r.strip_prefix('#').expect("local $ref");
            resolve(
                doc,
                doc.pointer(pointer)
                    .unwrap_or_else(|| panic!("dangling $ref {r}")),
            )
        }
        None => schema,
    }
}

fn type_matches(name: &str, value: &Value) -> bool {
    match name {
        "null" => value.is_null(),
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        other => panic!("unknown type {other}"),
    }
}

fn walk(doc: &Value, schema: &Value, value: &Value, path: &str, errors: &mut Vec<String>) {
    let schema = resolve(doc, schema);
    if let Some(t) = schema.get("type") {
        let names: Vec<&str> = match t {
            Value::String(s) => vec![s.as_str()],
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            _ => panic!("bad type at {path}"),
        };
        if !names.iter().any(|n| type_matches(n, value)) {
            errors.push(format!("{path}: {value} is not {names:?}"));
            return;
        }
    }
    if let Some(options) = schema.get("enum").and_then(Value::as_array) {
        if !value.is_null() && !options.contains(value) {
            errors.push(format!("{path}: {value} not in {options:?}"));
        }
    }
    if let (Some(format), Some(s)) = (schema.get("format").and_then(Value::as_str), value.as_str())
    {
        let ok = match format {
            "date" => chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok(),
            "date-time" => chrono::DateTime::parse_from_rfc3339(s).is_ok() && s.ends_with('Z'),
            "uuid" => uuid::Uuid::parse_str(s).is_ok(),
            _ => true,
        };
        if !ok {
            errors.push(format!("{path}: {s:?} is not a {format}"));
        }
    }
    if let (Some(props), Some(object)) = (
        schema.get("properties").and_then(Value::as_object),
        value.as_object(),
    ) {
        for name in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let name = name.as_str().unwrap();
            if !object.contains_key(name) {
                errors.push(format!("{path}: missing documented field {name}"));
            }
        }
        for (name, field) in object {
            match props.get(name) {
                Some(s) => walk(doc, s, field, &format!("{path}.{name}"), errors),
                None => errors.push(format!("{path}: undocumented field {name}")),
            }
        }
    }
    if let (Some(items), Some(array)) = (schema.get("items"), value.as_array()) {
        for (i, item) in array.iter().enumerate() {
            walk(doc, items, item, &format!("{path}[{i}]"), errors);
        }
    }
}
