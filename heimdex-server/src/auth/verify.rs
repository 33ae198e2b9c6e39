//! Verifying a bearer token and reading its subject.

use jsonwebtoken::{decode, decode_header, Validation};
use serde::Deserialize;

use super::keys::JwtKeys;
use crate::error::ApiError;

/// The audience a Supabase user token carries; a token with an `aud` claim must include it.
pub const AUDIENCE: &str = "authenticated";

/// Seconds of clock skew tolerated on `exp` and `nbf`. Small on purpose: a token expired by more
/// than this is refused, while a few seconds of drift between the token issuer and this server do
/// not bounce fresh tokens.
pub const LEEWAY_SECS: u64 = 5;

/// The claims Heimdex reads. Others (role, email, …) are ignored.
#[derive(Debug, Deserialize)]
struct Claims {
    sub: Option<String>,
    aud: Option<Audience>,
}

/// `aud` is a string or an array of strings (RFC 7519 §4.1.3).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Audience {
    One(String),
    Many(Vec<String>),
}

impl Audience {
    fn includes(&self, wanted: &str) -> bool {
        match self {
            Audience::One(aud) => aud == wanted,
            Audience::Many(auds) => auds.iter().any(|a| a == wanted),
        }
    }
}

/// Verifies `token` and returns its subject (`sub`).
///
/// - The header's `alg` must be one the keys serve (`HS256` with the secret, `RS256`/`ES256` with
///   the public key); `none` and every other algorithm are refused.
/// - The signature must verify; `exp` is required and, like `nbf` when present, enforced with
///   [`LEEWAY_SECS`] of leeway.
/// - `aud`, when present, must include [`AUDIENCE`].
///
/// Any failure above is 401 `Could not validate credentials`; a verified token without a
/// (non-empty) `sub` is 401 `Invalid token: missing subject`. The reason is logged at debug level,
/// the token never.
pub fn verify(token: &str, keys: &JwtKeys) -> Result<String, ApiError> {
    let rejected = |reason: &dyn std::fmt::Debug| {
        tracing::debug!(?reason, "bearer token rejected");
        ApiError::InvalidCredentials
    };
    let header = decode_header(token).map_err(|e| rejected(e.kind()))?;
    let key = keys
        .key_for(header.alg)
        .ok_or_else(|| rejected(&header.alg))?;
    let mut validation = Validation::new(header.alg);
    validation.leeway = LEEWAY_SECS;
    validation.validate_exp = true;
    validation.validate_nbf = true;
    validation.validate_aud = false; // checked below: only when present
    validation.set_required_spec_claims(&["exp"]);
    let claims = decode::<Claims>(token, key, &validation)
        .map_err(|e| rejected(e.kind()))?
        .claims;
    if let Some(aud) = &claims.aud {
        if !aud.includes(AUDIENCE) {
            return Err(rejected(&"audience"));
        }
    }
    match claims.sub {
        Some(sub) if !sub.is_empty() => Ok(sub),
        _ => Err(ApiError::MissingSubject),
    }
}
