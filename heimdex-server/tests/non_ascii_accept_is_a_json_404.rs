//! `GET /` with an `Accept` header that is not ASCII (legal in HTTP: `obs-text` bytes) is the API's
//! JSON 404 like any other non-browser request, not a 500 with an ERROR in the log. Alone in its
//! own test binary because it captures the log (tracing caches per-callsite interest
//! process-wide).

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};

use support::slow::SlowStore;
use support::TestServer;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

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

/// Sends `request` as raw bytes and reads the whole answer (the request asks to close).
async fn raw(server: &TestServer, request: &[u8]) -> String {
    let mut stream = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    stream.write_all(request).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    String::from_utf8_lossy(&answer).into_owned()
}

#[tokio::test(flavor = "current_thread")]
async fn a_non_ascii_accept_on_slash_is_a_json_404_and_logs_no_error() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter("heimdex_server=trace")
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = TestServer::start(SlowStore::new()).await;
    for accept in [&b"text/h\xe9tml"[..], b"\xff\xfe", b"text/html, \xe9/*"] {
        let mut request = b"GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\nAccept: ".to_vec();
        request.extend_from_slice(accept);
        request.extend_from_slice(b"\r\n\r\n");
        let answer = raw(&server, &request).await;
        if accept.starts_with(b"text/html") {
            // Names text/html among its bytes: a browser, sent to the page.
            assert!(answer.starts_with("HTTP/1.1 303"), "{answer}");
            assert!(answer.contains("location: /dashboard/"), "{answer}");
        } else {
            assert!(answer.starts_with("HTTP/1.1 404"), "{answer}");
            assert!(answer.ends_with(r#"{"detail":"Not Found"}"#), "{answer}");
        }
    }

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("status=404"), "{logs}");
    assert!(!logs.contains("ERROR"), "{logs}");
}
