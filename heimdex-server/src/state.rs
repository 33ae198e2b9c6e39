//! [`AppState`]: what every handler needs, cloned cheaply into each route.

use std::sync::Arc;

use heimdex_core::MetricsQuery;
use tokio::sync::Semaphore;

use crate::auth::AuthConfig;
use crate::config::HttpConfig;

/// The metrics to answer from, the authentication settings and the HTTP policy.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use heimdex_core::MetricsQuery;
/// use heimdex_server::{AppState, auth::{AuthConfig, AdminList, JwtKeys, Secret}};
///
/// fn state(metrics: Arc<dyn MetricsQuery>) -> AppState {
///     let keys = JwtKeys::none().with_secret(Secret::new("change-me")).unwrap();
///     let auth = AuthConfig::new(keys, AdminList::parse("9f1c0e7e-5d43-4c1b-8a53-3f0c2b7d9a10"));
///     AppState::new(metrics, auth)
/// }
/// ```
#[derive(Clone, Debug)]
pub struct AppState {
    /// Where every number comes from.
    pub metrics: Arc<dyn MetricsQuery>,
    /// Token keys and the admin allow-list.
    pub auth: Arc<AuthConfig>,
    /// CORS and limits.
    pub http: Arc<HttpConfig>,
    /// Permits for requests in flight (`http.max_in_flight` of them).
    pub(crate) in_flight: Arc<Semaphore>,
}

impl AppState {
    /// State answering from `metrics`, checking tokens with `auth`, with the default [`HttpConfig`].
    pub fn new(metrics: Arc<dyn MetricsQuery>, auth: AuthConfig) -> Self {
        Self::with_http(metrics, auth, HttpConfig::default())
    }

    /// State with an explicit HTTP policy.
    pub fn with_http(metrics: Arc<dyn MetricsQuery>, auth: AuthConfig, http: HttpConfig) -> Self {
        let permits = http.max_in_flight.clamp(1, Semaphore::MAX_PERMITS);
        Self {
            metrics,
            auth: Arc::new(auth),
            http: Arc::new(http),
            in_flight: Arc::new(Semaphore::new(permits)),
        }
    }
}
