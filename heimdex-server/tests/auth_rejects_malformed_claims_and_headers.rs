//! Tokens that verify cryptographically but carry claims or a header Heimdex must not trust, over
//! real HTTP: time claims that are not numbers, `"aud": null`, an `nbf` too far ahead for a `u64`,
//! and a `crit` header naming extensions nobody here understands (RFC 7515 §4.1.11). Each is 401
//! `Could not validate credentials`; well-formed variants of the same claims still get in.

mod support;

use jsonwebtoken::{Algorithm, EncodingKey};
use serde_json::{json, Value};
use support::tokens::{self, claims, now};
use support::{answering_store, call_overview as call, TestServer, ADMIN};

fn sign(c: &Value) -> String {
    tokens::hs256(tokens::SECRET.as_bytes(), c)
}

/// An HS256 token with the test secret under an arbitrary JOSE `header`.
fn sign_with_header(header: &Value, c: &Value) -> String {
    let unsigned = tokens::with_header(header, c, "");
    let message = unsigned.trim_end_matches('.');
    let key = EncodingKey::from_secret(tokens::SECRET.as_bytes());
    let signature = jsonwebtoken::crypto::sign(message.as_bytes(), &key, Algorithm::HS256).unwrap();
    format!("{message}.{signature}")
}

/// The admin's claims with `name` set to `value`.
fn with(name: &str, value: Value) -> Value {
    let mut c = claims(ADMIN);
    c[name] = value;
    c
}

#[tokio::test]
async fn time_claims_that_are_not_numbers_are_refused() {
    let server = TestServer::start(answering_store()).await;
    let soon = now() + 600;
    for name in ["exp", "nbf", "iat"] {
        for value in [
            json!(soon.to_string()),
            json!("now"),
            json!(null),
            json!(true),
            json!([soon]),
            json!({ "at": soon }),
        ] {
            let reply = call(&server, &sign(&with(name, value.clone()))).await;
            assert_eq!(reply.status, 401, "{name}: {value}");
            reply.assert_error(401, "Could not validate credentials");
        }
    }
    // The same claims as numbers, fractional ones included (RFC 7519 NumericDate), get in.
    for (name, value) in [
        ("exp", json!(soon as f64 + 0.5)),
        ("nbf", json!(now() - 60)),
        ("iat", json!(now() as f64 - 0.25)),
    ] {
        assert_eq!(
            call(&server, &sign(&with(name, value))).await.status,
            200,
            "{name}"
        );
    }
}

#[tokio::test]
async fn an_nbf_too_large_for_an_integer_still_means_not_yet() {
    let server = TestServer::start(answering_store()).await;
    for nbf in [json!(1e20), json!(1.8e19)] {
        call(&server, &sign(&with("nbf", nbf)))
            .await
            .assert_error(401, "Could not validate credentials");
    }
}

#[tokio::test]
async fn a_null_or_non_string_audience_is_present_and_refused() {
    let server = TestServer::start(answering_store()).await;
    for aud in [json!(null), json!(1), json!({ "aud": "authenticated" })] {
        call(&server, &sign(&with("aud", aud)))
            .await
            .assert_error(401, "Could not validate credentials");
    }
    let mut absent = claims(ADMIN);
    absent.as_object_mut().unwrap().remove("aud");
    assert_eq!(call(&server, &sign(&absent)).await.status, 200);
}

#[tokio::test]
async fn a_crit_header_is_refused_whatever_it_lists() {
    let server = TestServer::start(answering_store()).await;
    let mine = claims(ADMIN);
    let plain = json!({ "alg": "HS256", "typ": "JWT" });
    assert_eq!(
        call(&server, &sign_with_header(&plain, &mine)).await.status,
        200,
        "the hand-signed control token must get in"
    );
    for crit in [
        json!(["b64"]),
        json!(["x-unknown"]),
        json!([]),
        json!("exp"),
    ] {
        let header =
            json!({ "alg": "HS256", "typ": "JWT", "crit": crit, "b64": true, "x-unknown": 1 });
        call(&server, &sign_with_header(&header, &mine))
            .await
            .assert_error(401, "Could not validate credentials");
    }
}
