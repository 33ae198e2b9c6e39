//! Listening: [`bind`] for tests and embedding, [`serve`] for the `heimdex serve` command.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;

use hyper::service::make_service_fn;
use tokio::sync::oneshot;

use crate::config::{ServerConfig, MIN_HEADER_BYTES};
use crate::state::AppState;

/// Why the server could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServeError {
    /// The address could not be bound (in use, not local, no permission).
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The HTTP server failed.
    #[error("http server error: {0}")]
    Http(#[from] hyper::Error),
}

/// Binds `config.bind` (port 0 picks a free port) and returns the bound address and the server
/// future. The future serves [`crate::routes`] until `shutdown` resolves, then lets requests in
/// flight finish for up to `config.shutdown_grace` and resolves.
pub fn bind(
    config: &ServerConfig,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(SocketAddr, impl Future<Output = Result<(), ServeError>>), ServeError> {
    let addr = config.bind;
    let bind_error = |source| ServeError::Bind { addr, source };
    let listener = std::net::TcpListener::bind(addr).map_err(bind_error)?;
    listener.set_nonblocking(true).map_err(bind_error)?;
    let local = listener.local_addr().map_err(bind_error)?;

    let service = warp::service(crate::routes(state));
    let make = make_service_fn(move |_| {
        let service = service.clone();
        async move { Ok::<_, Infallible>(service) }
    });
    let (stopping_tx, stopping_rx) = oneshot::channel::<()>();
    let server = hyper::Server::from_tcp(listener)?
        .http1_max_buf_size(config.max_header_bytes.max(MIN_HEADER_BYTES))
        .http1_header_read_timeout(config.header_read_timeout)
        .serve(make)
        .with_graceful_shutdown(async move {
            shutdown.await;
            tracing::info!("shutting down: finishing requests in flight");
            let _ = stopping_tx.send(());
        });
    let grace = config.shutdown_grace;
    let run = async move {
        let deadline = async move {
            if stopping_rx.await.is_ok() {
                tokio::time::sleep(grace).await;
            } else {
                std::future::pending::<()>().await;
            }
        };
        tokio::select! {
            result = server => result.map_err(ServeError::from),
            () = deadline => {
                tracing::warn!(?grace, "shutdown grace period over: dropping requests in flight");
                Ok(())
            }
        }
    };
    Ok((local, run))
}

/// Serves until SIGTERM or Ctrl-C ([`shutdown_signal`]), then shuts down gracefully.
pub async fn serve(config: &ServerConfig, state: AppState) -> Result<(), ServeError> {
    let (addr, server) = bind(config, state, shutdown_signal())?;
    tracing::info!(%addr, "listening");
    server.await
}

/// Resolves on Ctrl-C (SIGINT) or, on Unix, SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut sigterm) => {
                sigterm.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => tracing::info!("Ctrl-C received"),
        () = terminate => tracing::info!("SIGTERM received"),
    }
}
