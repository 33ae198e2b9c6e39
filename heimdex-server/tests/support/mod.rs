//! Shared test support: a real server on an ephemeral port, a real HTTP client, and tokens.
#![allow(dead_code)]

pub mod golden_checks;
pub mod pg;
pub mod processes;
pub mod samples;
pub mod schema;
pub mod slow;
pub mod tokens;

use std::net::SocketAddr;
use std::sync::Arc;

use heimdex_core::MetricsQuery;
use heimdex_server::auth::{AdminList, AuthConfig, JwtKeys, Secret};
use heimdex_server::{AppState, HttpConfig, ServerConfig};
use hyper::{Body, Client, Request};
use serde_json::Value;
use tokio::sync::oneshot;

/// The admin the default auth lets in.
pub const ADMIN: &str = "0f8fad5b-d9cb-469f-a165-70867728950e";
/// A valid user who is not an admin.
pub const NOT_ADMIN: &str = "7c9e6679-7425-40de-944b-e07fc1f90ae7";

/// HS256 secret plus the test RSA public key; `ADMIN` in the allow-list.
pub fn auth() -> AuthConfig {
    auth_with(AdminList::parse(&format!(" {ADMIN} , someone-else ")))
}

/// The default keys with the given allow-list.
pub fn auth_with(admins: AdminList) -> AuthConfig {
    let keys = JwtKeys::none()
        .with_secret(Secret::new(tokens::SECRET))
        .unwrap()
        .with_public_pem(tokens::RSA_PUBLIC, "rsa_public.pem")
        .unwrap();
    AuthConfig::new(keys, admins)
}

/// A server running on 127.0.0.1 with a random port; stops when dropped.
pub struct TestServer {
    /// Where it listens.
    pub addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<Result<(), heimdex_server::ServeError>>>,
}

impl TestServer {
    /// Serves `metrics` with the default auth and HTTP policy.
    pub async fn start(metrics: Arc<dyn MetricsQuery>) -> Self {
        Self::with_state(AppState::new(metrics, auth())).await
    }

    /// Serves `state`.
    pub async fn with_state(state: AppState) -> Self {
        Self::with_config(state, ServerConfig::new("127.0.0.1:0".parse().unwrap())).await
    }

    /// Serves `state` with an explicit listener configuration.
    pub async fn with_config(state: AppState, config: ServerConfig) -> Self {
        let (stop, stopped) = oneshot::channel::<()>();
        let (addr, server) = heimdex_server::bind(&config, state, async move {
            let _ = stopped.await;
        })
        .unwrap();
        let task = tokio::spawn(server);
        Self {
            addr,
            stop: Some(stop),
            task: Some(task),
        }
    }

    /// Serves `metrics` with an explicit HTTP policy.
    pub async fn with_http(metrics: Arc<dyn MetricsQuery>, http: HttpConfig) -> Self {
        Self::with_state(AppState::with_http(metrics, auth(), http)).await
    }

    /// GET `path` as the admin.
    pub async fn admin_get(&self, path: &str) -> Reply {
        let token = tokens::admin();
        self.send(
            "GET",
            path,
            &[("authorization", &format!("Bearer {token}"))],
        )
        .await
    }

    /// GET `path` with the given headers.
    pub async fn get(&self, path: &str, headers: &[(&str, &str)]) -> Reply {
        self.send("GET", path, headers).await
    }

    /// Any request, over a real TCP connection.
    pub async fn send(&self, method: &str, path: &str, headers: &[(&str, &str)]) -> Reply {
        let mut request = Request::builder()
            .method(method)
            .uri(format!("http://{}{}", self.addr, path));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = Client::new()
            .request(request.body(Body::empty()).unwrap())
            .await
            .unwrap();
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = hyper::body::to_bytes(response.into_body()).await.unwrap();
        let text = String::from_utf8(bytes.to_vec()).unwrap();
        let json = serde_json::from_str(&text).unwrap_or(Value::Null);
        Reply {
            status,
            headers,
            text,
            json,
        }
    }

    /// Asks the server to stop and waits for it.
    pub async fn stop(mut self) -> Result<(), heimdex_server::ServeError> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        self.task.take().unwrap().await.unwrap()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Sends one request to `addr` over a real TCP connection.
pub async fn send(addr: SocketAddr, method: &str, path: &str, headers: &[(&str, &str)]) -> Reply {
    let mut request = Request::builder()
        .method(method)
        .uri(format!("http://{addr}{path}"));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = Client::new()
        .request(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = hyper::body::to_bytes(response.into_body()).await.unwrap();
    let text = String::from_utf8(bytes.to_vec()).unwrap();
    let json = serde_json::from_str(&text).unwrap_or(Value::Null);
    Reply {
        status,
        headers,
        text,
        json,
    }
}

/// An answer.
#[derive(Debug)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// Response headers.
    pub headers: hyper::HeaderMap,
    /// The body as text.
    pub text: String,
    /// The body as JSON (`Null` when it is not JSON).
    pub json: Value,
}

impl Reply {
    /// Asserts an error answer: status, exact `{"detail": ...}` and nothing else in the body.
    #[track_caller]
    pub fn assert_error(&self, status: u16, detail: &str) {
        assert_eq!(self.status, status, "body: {}", self.text);
        assert_eq!(
            self.json,
            serde_json::json!({ "detail": detail }),
            "body: {}",
            self.text
        );
        assert_eq!(self.headers["content-type"], "application/json");
    }
}

/// The admin route the authentication tests call.
pub const OVERVIEW: &str = "/v1/admin/overview";

/// A metrics store that answers the overview (all zero): for tests about who gets in.
pub fn answering_store() -> Arc<heimdex_core::query::MockMetricsQuery> {
    let mut store = heimdex_core::query::MockMetricsQuery::new();
    store
        .expect_overview()
        .returning(|| Ok(heimdex_core::query::Overview::default()));
    Arc::new(store)
}

/// `GET` [`OVERVIEW`] with `token` as the bearer.
pub async fn call_overview(server: &TestServer, token: &str) -> Reply {
    server
        .get(OVERVIEW, &[("authorization", &format!("Bearer {token}"))])
        .await
}
