//! The authentication matrix of docs/spec.md#errors, over real HTTP: every way a request can fail
//! to be an admin's gets its exact status and message, and authentication comes before any
//! parameter.

mod support;

use std::sync::Arc;

use heimdex_core::query::MockMetricsQuery;
use heimdex_server::auth::{AdminList, AuthConfig, JwtKeys};
use heimdex_server::AppState;
use jsonwebtoken::Algorithm;
use serde_json::json;
use support::tokens::{self, claims, now};
use support::{answering_store, call_overview as call, TestServer, ADMIN, NOT_ADMIN, OVERVIEW};

/// A store that must never be asked anything.
fn untouchable_store() -> Arc<MockMetricsQuery> {
    Arc::new(MockMetricsQuery::new())
}

#[tokio::test]
async fn missing_or_malformed_header_is_not_authenticated_with_a_bearer_challenge() {
    let server = TestServer::start(untouchable_store()).await;
    let reply = server.get(OVERVIEW, &[]).await;
    reply.assert_error(401, "Not authenticated");
    assert_eq!(reply.headers["www-authenticate"], "Bearer");
    let bare_token = tokens::admin();
    for header in [
        "Basic dXNlcjpwYXNzd29yZA==",
        "Bearer",
        "Bearer ",
        "Token abc",
        bare_token.as_str(),
    ] {
        let reply = server.get(OVERVIEW, &[("authorization", header)]).await;
        reply.assert_error(401, "Not authenticated");
        assert_eq!(reply.headers["www-authenticate"], "Bearer");
    }
}

#[tokio::test]
async fn a_valid_admin_token_is_let_in_whatever_the_scheme_case() {
    let server = TestServer::start(answering_store()).await;
    assert_eq!(call(&server, &tokens::admin()).await.status, 200);
    let lower = format!("bearer {}", tokens::admin());
    assert_eq!(
        server
            .get(OVERVIEW, &[("authorization", &lower)])
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn unsigned_and_badly_signed_tokens_cannot_be_validated() {
    let server = TestServer::start(untouchable_store()).await;
    let mine = claims(ADMIN);
    let cases = [
        ("alg none", tokens::unsigned(&mine)),
        (
            "alg none, uppercase",
            tokens::with_header(&json!({"alg": "NONE"}), &mine, ""),
        ),
        ("wrong secret", tokens::hs256(b"another-secret", &mine)),
        (
            "HS512 with the right secret",
            tokens::hmac(Algorithm::HS512, &mine),
        ),
        ("not a JWT", "abc.def".to_owned()),
        ("garbage", "%%%".to_owned()),
    ];
    for (what, token) in cases {
        let reply = call(&server, &token).await;
        assert_eq!(reply.status, 401, "{what}");
        reply.assert_error(401, "Could not validate credentials");
        assert_eq!(reply.headers["www-authenticate"], "Bearer", "{what}");
    }
    // A valid token whose payload was swapped for an admin's after signing.
    let signed = tokens::hs256(tokens::SECRET.as_bytes(), &claims(NOT_ADMIN));
    let parts: Vec<&str> = signed.split('.').collect();
    let forged = format!(
        "{}.{}.{}",
        parts[0],
        tokens::base64url(mine.to_string().as_bytes()),
        parts[2]
    );
    call(&server, &forged)
        .await
        .assert_error(401, "Could not validate credentials");
}

#[tokio::test]
async fn hs_rs_confusion_is_refused() {
    // The attacker signs HS256 with the (public) RSA key's PEM bytes as the HMAC secret.
    let forged = tokens::hs256(tokens::RSA_PUBLIC, &claims(ADMIN));
    let both = TestServer::start(untouchable_store()).await;
    call(&both, &forged)
        .await
        .assert_error(401, "Could not validate credentials");

    let rsa_only = AuthConfig::new(
        JwtKeys::none()
            .with_public_pem(tokens::RSA_PUBLIC, "rsa")
            .unwrap(),
        AdminList::parse(ADMIN),
    );
    let server = TestServer::with_state(AppState::new(untouchable_store(), rsa_only)).await;
    call(&server, &forged)
        .await
        .assert_error(401, "Could not validate credentials");
    call(&server, &tokens::admin())
        .await
        .assert_error(401, "Could not validate credentials");
}

#[tokio::test]
async fn rs256_and_es256_tokens_verify_with_their_public_keys_only() {
    let rsa_server = TestServer::start(answering_store()).await;
    assert_eq!(
        call(&rsa_server, &tokens::rs256(&claims(ADMIN)))
            .await
            .status,
        200
    );
    call(&rsa_server, &tokens::es256(&claims(ADMIN)))
        .await
        .assert_error(401, "Could not validate credentials");

    let ec_only = AuthConfig::new(
        JwtKeys::none()
            .with_public_pem(tokens::EC_PUBLIC, "ec")
            .unwrap(),
        AdminList::parse(ADMIN),
    );
    let ec_server = TestServer::with_state(AppState::new(answering_store(), ec_only)).await;
    assert_eq!(
        call(&ec_server, &tokens::es256(&claims(ADMIN)))
            .await
            .status,
        200
    );
    call(&ec_server, &tokens::rs256(&claims(ADMIN)))
        .await
        .assert_error(401, "Could not validate credentials");
}

#[tokio::test]
async fn expired_and_not_yet_valid_tokens_are_refused_beyond_the_leeway() {
    let server = TestServer::start(answering_store()).await;
    let sign = |c: &serde_json::Value| tokens::hs256(tokens::SECRET.as_bytes(), c);
    let mut expired = claims(ADMIN);
    expired["exp"] = json!(now() - 120);
    call(&server, &sign(&expired))
        .await
        .assert_error(401, "Could not validate credentials");

    let mut early = claims(ADMIN);
    early["nbf"] = json!(now() + 120);
    call(&server, &sign(&early))
        .await
        .assert_error(401, "Could not validate credentials");

    let mut no_exp = claims(ADMIN);
    no_exp.as_object_mut().unwrap().remove("exp");
    call(&server, &sign(&no_exp))
        .await
        .assert_error(401, "Could not validate credentials");

    // Within the documented leeway (5 s) a just-expired token still passes.
    assert_eq!(heimdex_server::auth::verify::LEEWAY_SECS, 5);
    let mut just_expired = claims(ADMIN);
    just_expired["exp"] = json!(now() - 1);
    assert_eq!(call(&server, &sign(&just_expired)).await.status, 200);
}

#[tokio::test]
async fn the_audience_must_include_authenticated_when_present() {
    let server = TestServer::start(answering_store()).await;
    let sign = |c: &serde_json::Value| tokens::hs256(tokens::SECRET.as_bytes(), c);
    for aud in [
        json!("anon"),
        json!(["anon", "service"]),
        json!([]),
        json!("Authenticated"),
    ] {
        let mut c = claims(ADMIN);
        c["aud"] = aud.clone();
        call(&server, &sign(&c))
            .await
            .assert_error(401, "Could not validate credentials");
    }
    let mut many = claims(ADMIN);
    many["aud"] = json!(["anon", "authenticated"]);
    assert_eq!(call(&server, &sign(&many)).await.status, 200);
    let mut none = claims(ADMIN);
    none.as_object_mut().unwrap().remove("aud");
    assert_eq!(call(&server, &sign(&none)).await.status, 200);
}

#[tokio::test]
async fn a_token_without_a_subject_is_refused() {
    let server = TestServer::start(untouchable_store()).await;
    let sign = |c: &serde_json::Value| tokens::hs256(tokens::SECRET.as_bytes(), c);
    let mut no_sub = claims(ADMIN);
    no_sub.as_object_mut().unwrap().remove("sub");
    call(&server, &sign(&no_sub))
        .await
        .assert_error(401, "Invalid token: missing subject");
    let mut empty = claims(ADMIN);
    empty["sub"] = json!("");
    call(&server, &sign(&empty))
        .await
        .assert_error(401, "Invalid token: missing subject");
}

#[tokio::test]
async fn the_allow_list_decides_between_not_configured_and_not_admin() {
    let empty = support::auth_with(AdminList::parse(" , "));
    let server = TestServer::with_state(AppState::new(untouchable_store(), empty)).await;
    call(&server, &tokens::admin())
        .await
        .assert_error(403, "Admin access not configured");
    // Authentication still comes first.
    server
        .get(OVERVIEW, &[])
        .await
        .assert_error(401, "Not authenticated");

    let server = TestServer::start(untouchable_store()).await;
    let user = tokens::hs256(tokens::SECRET.as_bytes(), &claims(NOT_ADMIN));
    let reply = call(&server, &user).await;
    reply.assert_error(403, "Admin privileges required");
    assert!(reply.headers.get("www-authenticate").is_none());
}

#[tokio::test]
async fn authentication_is_checked_before_any_parameter_on_every_admin_route() {
    let server = TestServer::start(untouchable_store()).await;
    let user = tokens::hs256(tokens::SECRET.as_bytes(), &claims(NOT_ADMIN));
    for path in [
        "/v1/admin/overview",
        "/v1/admin/timeseries/throughput?range=0d&bucket=week",
        "/v1/admin/timeseries/search?range=30&bucket=week",
        "/v1/admin/timeseries/throughput-v2?range=366d",
        "/v1/admin/users?range=x&page=0&page_size=101&sort=name",
        "/v1/admin/users/not-a-uuid",
        "/v1/admin/performance/latency?range=-1d",
        "/v1/admin/performance/rtf?range=d",
        "/v1/admin/performance/queue?range=30D",
        "/v1/admin/performance/stages?range=3_0d",
        "/v1/admin/failures/by-stage?range=0d",
        "/v1/admin/openapi.json",
    ] {
        server
            .get(path, &[])
            .await
            .assert_error(401, "Not authenticated");
        call_path(&server, path, "not.a.jwt")
            .await
            .assert_error(401, "Could not validate credentials");
        call_path(&server, path, &user)
            .await
            .assert_error(403, "Admin privileges required");
    }
}

async fn call_path(server: &TestServer, path: &str, token: &str) -> support::Reply {
    server
        .get(path, &[("authorization", &format!("Bearer {token}"))])
        .await
}
