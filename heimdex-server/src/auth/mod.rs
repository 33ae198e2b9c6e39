//! Authentication: `Authorization: Bearer` JWTs and the `ADMIN_USER_IDS` allow-list.
//!
//! One concern per file: [`bearer`] reads the header, [`verify`] checks the token (with `crit`
//! for the one header parameter `jsonwebtoken` does not read), [`admins`] is the
//! allow-list, [`keys`] holds the verification keys, [`secret`] keeps secrets out of logs, and
//! [`mint`] makes tokens for `heimdex token`. [`admin`] is the warp filter every admin route uses,
//! placed after the path and method filters and before any parameter is read.

pub mod admins;
pub mod bearer;
pub mod config;
mod crit;
pub mod keys;
pub mod mint;
pub mod secret;
pub mod verify;

use std::sync::Arc;

use warp::http::header::AUTHORIZATION;
use warp::http::HeaderMap;
use warp::{Filter, Rejection};

pub use admins::AdminList;
pub use config::{Admin, AuthConfig};
pub use keys::{JwtKeys, KeyError, MIN_SECRET_BYTES};
pub use mint::mint_token;
pub use secret::Secret;

/// Extracts the authenticated [`Admin`] or rejects with the contract's 401/403
/// ([`crate::error::ApiError`]). A header that is not visible ASCII counts as malformed.
pub fn admin(auth: Arc<AuthConfig>) -> impl Filter<Extract = (Admin,), Error = Rejection> + Clone {
    warp::header::headers_cloned().and_then(move |headers: HeaderMap| {
        let auth = auth.clone();
        async move {
            let value = headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok());
            auth.authenticate(value).map_err(|e| e.reject())
        }
    })
}
