//! Minting HS256 admin tokens (the `heimdex token` command, and tests).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use jsonwebtoken::{encode, EncodingKey, Header};
use serde::Serialize;

use super::secret::Secret;
use super::verify::AUDIENCE;

/// The claims of a minted token: what Supabase puts in a user's access token, minus the profile.
#[derive(Debug, Serialize)]
struct MintedClaims<'a> {
    sub: &'a str,
    aud: &'a str,
    role: &'a str,
    iat: u64,
    exp: u64,
}

/// An HS256 token for `user`, valid for `ttl` from now, with `aud` and `role` `authenticated`
/// (Supabase-compatible). The token is only an *admin* token if `user` is in `ADMIN_USER_IDS`.
pub fn mint_token(
    secret: &Secret,
    user: &str,
    ttl: Duration,
) -> Result<String, jsonwebtoken::errors::Error> {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs();
    let claims = MintedClaims {
        sub: user,
        aud: AUDIENCE,
        role: AUDIENCE,
        iat: now,
        exp: now.saturating_add(ttl.as_secs()),
    };
    encode(
        &Header::default(),
        &claims,
        &EncodingKey::from_secret(secret.expose().as_bytes()),
    )
}
