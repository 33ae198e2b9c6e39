//! The access log has one line per request with method, path, status and latency, and never a
//! token or the secret. Alone in its own test binary: tracing caches per-callsite interest
//! process-wide, so a test running in parallel without a subscriber could hide the lines.

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};

use support::slow::SlowStore;
use support::{tokens, TestServer};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "current_thread")]
async fn access_logs_have_method_path_status_latency_and_never_a_token() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter("heimdex_server=trace")
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = TestServer::start(SlowStore::new()).await;
    let good = tokens::admin();
    let bad = tokens::hs256(b"wrong-secret", &tokens::claims(support::ADMIN));
    assert_eq!(
        server
            .admin_get("/v1/admin/overview?range=30d")
            .await
            .status,
        200
    );
    let reply = server
        .get(
            "/v1/admin/overview",
            &[("authorization", &format!("Bearer {bad}"))],
        )
        .await;
    assert_eq!(reply.status, 401);

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("method=GET"), "{logs}");
    assert!(
        logs.contains("path=\"/v1/admin/overview\"") || logs.contains("path=/v1/admin/overview"),
        "{logs}"
    );
    assert!(logs.contains("status=200"), "{logs}");
    assert!(logs.contains("status=401"), "{logs}");
    assert!(logs.contains("latency_ms="), "{logs}");
    for secret in [good.as_str(), bad.as_str(), tokens::SECRET] {
        assert!(!logs.contains(secret), "a token or secret reached the log");
    }
    for part in good.split('.').chain(bad.split('.')) {
        assert!(!logs.contains(part), "part of a token reached the log");
    }
}
