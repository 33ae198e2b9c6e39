//! Server hygiene over real HTTP: JSON 404/405, limits, CORS and graceful shutdown.

mod support;

use std::sync::Arc;
use std::time::Duration;

use heimdex_server::{AppState, HttpConfig, ServerConfig};
use support::slow::SlowStore;
use support::{tokens, TestServer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const LATENCY: &str = "/v1/admin/performance/latency";

#[tokio::test]
async fn unknown_paths_are_json_404_and_wrong_methods_json_405() {
    let server = TestServer::start(SlowStore::new()).await;
    for path in [
        "/",
        "/v1/admin",
        "/v1/admin/nope",
        "/v1/admin/overview/x",
        "/v1/admin/users/a/b",
        "/healthz/x",
    ] {
        server.admin_get(path).await.assert_error(404, "Not Found");
        server.get(path, &[]).await.assert_error(404, "Not Found");
    }
    let auth = format!("Bearer {}", tokens::admin());
    for method in ["POST", "PUT", "DELETE", "PATCH"] {
        for path in ["/v1/admin/overview", "/v1/admin/users", "/healthz"] {
            let reply = server.send(method, path, &[("authorization", &auth)]).await;
            reply.assert_error(405, "Method Not Allowed");
        }
    }
}

#[tokio::test]
async fn every_answer_is_marked_no_store() {
    let server = TestServer::start(SlowStore::new()).await;
    assert_eq!(
        server.admin_get("/v1/admin/overview").await.headers["cache-control"],
        "no-store"
    );
    assert_eq!(
        server.get("/v1/admin/overview", &[]).await.headers["cache-control"],
        "no-store"
    );
}

/// Sends raw bytes and returns the status line.
async fn raw(server: &TestServer, request: &[u8]) -> String {
    let mut stream = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    stream.write_all(request).await.unwrap();
    let mut buf = vec![0u8; 4096];
    let n = stream.read(&mut buf).await.unwrap();
    let text = String::from_utf8_lossy(&buf[..n]).to_string();
    text
}

#[tokio::test]
async fn oversized_bodies_and_headers_are_refused() {
    let server = TestServer::start(SlowStore::new()).await;
    let body = vec![b'x'; 20_000];
    let mut request = b"GET /healthz HTTP/1.1\r\nHost: t\r\nContent-Length: 20000\r\n\r\n".to_vec();
    request.extend_from_slice(&body);
    let answer = raw(&server, &request).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(
        answer.contains(r#"{"detail":"Request body too large"}"#),
        "{answer}"
    );

    let big_header = format!(
        "GET /healthz HTTP/1.1\r\nHost: t\r\nX-Big: {}\r\n\r\n",
        "y".repeat(40_000)
    );
    let answer = raw(&server, big_header.as_bytes()).await;
    assert!(answer.starts_with("HTTP/1.1 431"), "{answer}");
}

#[tokio::test]
async fn requests_over_the_in_flight_limit_get_503_at_once() {
    let store = SlowStore::new();
    let http = HttpConfig::default().with_max_in_flight(1);
    let server = Arc::new(TestServer::with_http(store.clone(), http).await);
    let first = tokio::spawn({
        let server = server.clone();
        async move { server.admin_get(LATENCY).await }
    });
    store.entered.notified().await;
    let busy = server.get("/healthz", &[]).await;
    busy.assert_error(503, "Server busy, retry later");
    assert_eq!(busy.headers["retry-after"], "1");
    store.gate.add_permits(1);
    assert_eq!(first.await.unwrap().status, 200);
    assert_eq!(server.get("/healthz", &[]).await.status, 200);
}

#[tokio::test]
async fn cors_allows_configured_origins_only_and_covers_error_answers() {
    let http = HttpConfig::default().with_cors_origins(vec!["https://admin.example.com".into()]);
    let server = TestServer::with_http(SlowStore::new(), http).await;
    let origin = ("origin", "https://admin.example.com");

    let preflight = server
        .send(
            "OPTIONS",
            "/v1/admin/overview",
            &[
                origin,
                ("access-control-request-method", "GET"),
                ("access-control-request-headers", "authorization"),
            ],
        )
        .await;
    assert_eq!(preflight.status, 200);
    assert_eq!(
        preflight.headers["access-control-allow-origin"],
        "https://admin.example.com"
    );

    let auth = format!("Bearer {}", tokens::admin());
    let ok = server
        .get("/v1/admin/overview", &[origin, ("authorization", &auth)])
        .await;
    assert_eq!(ok.status, 200);
    assert_eq!(
        ok.headers["access-control-allow-origin"],
        "https://admin.example.com"
    );
    let denied = server.get("/v1/admin/overview", &[origin]).await;
    denied.assert_error(401, "Not authenticated");
    assert_eq!(
        denied.headers["access-control-allow-origin"],
        "https://admin.example.com"
    );

    let other = server
        .get(
            "/v1/admin/overview",
            &[("origin", "https://evil.example"), ("authorization", &auth)],
        )
        .await;
    other.assert_error(403, "CORS request forbidden");

    let no_cors = TestServer::start(SlowStore::new()).await;
    let plain = no_cors
        .get("/v1/admin/overview", &[origin, ("authorization", &auth)])
        .await;
    assert_eq!(plain.status, 200);
    assert!(plain.headers.get("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn shutdown_lets_requests_in_flight_finish_then_stops_listening() {
    let store = SlowStore::new();
    let server = TestServer::start(store.clone()).await;
    let addr = server.addr;
    let client = hyper::Client::new();
    let uri: hyper::Uri = format!("http://{addr}{LATENCY}").parse().unwrap();
    let request = hyper::Request::get(uri)
        .header("authorization", format!("Bearer {}", tokens::admin()))
        .body(hyper::Body::empty())
        .unwrap();
    let in_flight = tokio::spawn(client.request(request));
    store.entered.notified().await;
    let stopping = tokio::spawn(server.stop());
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(
        !stopping.is_finished(),
        "the server must wait for the request in flight"
    );
    store.gate.add_permits(1);
    assert_eq!(in_flight.await.unwrap().unwrap().status(), 200);
    tokio::time::timeout(Duration::from_secs(5), stopping)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

#[tokio::test]
async fn the_grace_period_bounds_shutdown() {
    let store = SlowStore::new();
    let config = ServerConfig::new("127.0.0.1:0".parse().unwrap())
        .with_shutdown_grace(Duration::from_millis(200));
    let server =
        TestServer::with_config(AppState::new(store.clone(), support::auth()), config).await;
    let addr = server.addr;
    let _stuck = tokio::spawn(async move {
        let uri: hyper::Uri = format!("http://{addr}{LATENCY}").parse().unwrap();
        let request = hyper::Request::get(uri)
            .header("authorization", format!("Bearer {}", tokens::admin()))
            .body(hyper::Body::empty())
            .unwrap();
        hyper::Client::new().request(request).await
    });
    store.entered.notified().await;
    tokio::time::timeout(Duration::from_secs(5), server.stop())
        .await
        .unwrap()
        .unwrap();
}
