//! Verifying a bearer token and reading its subject.

use jsonwebtoken::{decode, decode_header, Validation};
use serde_json::{Map, Value};

use super::crit::has_crit;
use super::keys::JwtKeys;
use crate::error::ApiError;

/// The audience a Supabase user token carries; a token with an `aud` claim must include it.
pub const AUDIENCE: &str = "authenticated";

/// Seconds of clock skew tolerated on `exp` and `nbf`. Small on purpose: a token expired by more
/// than this is refused, while a few seconds of drift between the token issuer and this server do
/// not bounce fresh tokens.
pub const LEEWAY_SECS: u64 = 5;

/// The claims, as the token's JSON object: Heimdex reads `sub` and `aud` and checks the types of
/// the time claims; others (role, email, …) are ignored.
type Claims = Map<String, Value>;

/// The time claims (RFC 7519 §4.1.4-6): each, when present, must be a JSON number.
const TIME_CLAIMS: [&str; 3] = ["exp", "nbf", "iat"];

/// Whether `aud` (a string or an array of strings, RFC 7519 §4.1.3) includes `wanted`. Any other
/// value, `null` included, includes nothing.
fn audience_includes(aud: &Value, wanted: &str) -> bool {
    match aud {
        Value::String(one) => one == wanted,
        Value::Array(many) => many.iter().any(|a| a.as_str() == Some(wanted)),
        _ => false,
    }
}

/// Seconds since the epoch.
fn now_secs() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

/// Verifies `token` and returns its subject (`sub`).
///
/// - The header's `alg` must be one the keys serve (`HS256` with the secret, `RS256`/`ES256` with
///   the public key); `none` and every other algorithm are refused, and so is a header with `crit`
///   (no extension is understood here).
/// - The signature must verify; `exp` is required and, like `nbf` when present, enforced with
///   [`LEEWAY_SECS`] of leeway; `exp`, `nbf` and `iat`, when present, must be numbers.
/// - `aud`, when present, must include [`AUDIENCE`] (`"aud": null` is present, and includes
///   nothing).
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
    if has_crit(token) {
        return Err(rejected(&"crit header"));
    }
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
    if let Some(name) = TIME_CLAIMS
        .into_iter()
        .find(|name| claims.get(*name).is_some_and(|v| !v.is_number()))
    {
        return Err(rejected(&format!("{name} is not a number")));
    }
    // jsonwebtoken skips an `nbf` it cannot read as a u64 (negative, or a float past u64): a
    // number that far in the future must still refuse the token.
    if let Some(nbf) = claims.get("nbf").and_then(Value::as_f64) {
        if nbf > now_secs() + LEEWAY_SECS as f64 {
            return Err(rejected(&"nbf"));
        }
    }
    if let Some(aud) = claims.get("aud") {
        if !audience_includes(aud, AUDIENCE) {
            return Err(rejected(&"audience"));
        }
    }
    match claims.get("sub") {
        Some(Value::String(sub)) if !sub.is_empty() => Ok(sub.clone()),
        None | Some(Value::Null) | Some(Value::String(_)) => Err(ApiError::MissingSubject),
        Some(_) => Err(rejected(&"sub is not a string")),
    }
}
