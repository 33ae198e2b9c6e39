//! Tokens for the tests: every signing algorithm the server knows, and a few it must refuse.

use std::time::{SystemTime, UNIX_EPOCH};

use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use serde_json::{json, Value};

/// The HS256 secret the test server is configured with.
pub const SECRET: &str = "test-only-hs256-secret-0123456789abcdef";
/// The test RSA key pair.
pub const RSA_PUBLIC: &[u8] = include_bytes!("../keys/rsa_public.pem");
/// Its private half.
pub const RSA_PRIVATE: &[u8] = include_bytes!("../keys/rsa_private.pem");
/// The test P-256 key pair.
pub const EC_PUBLIC: &[u8] = include_bytes!("../keys/ec_public.pem");
/// Its private half.
pub const EC_PRIVATE: &[u8] = include_bytes!("../keys/ec_private.pem");

/// Seconds since the epoch.
pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// Supabase-like claims for `sub`, valid for ten minutes.
pub fn claims(sub: &str) -> Value {
    json!({ "sub": sub, "aud": "authenticated", "role": "authenticated", "iat": now(), "exp": now() + 600 })
}

/// HS256 with `secret`.
pub fn hs256(secret: &[u8], claims: &Value) -> String {
    encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(secret),
    )
    .unwrap()
}

/// Any HMAC algorithm with the test secret.
pub fn hmac(alg: Algorithm, claims: &Value) -> String {
    encode(
        &Header::new(alg),
        claims,
        &EncodingKey::from_secret(SECRET.as_bytes()),
    )
    .unwrap()
}

/// RS256 with the test RSA key.
pub fn rs256(claims: &Value) -> String {
    let key = EncodingKey::from_rsa_pem(RSA_PRIVATE).unwrap();
    encode(&Header::new(Algorithm::RS256), claims, &key).unwrap()
}

/// ES256 with the test P-256 key.
pub fn es256(claims: &Value) -> String {
    let key = EncodingKey::from_ec_pem(EC_PRIVATE).unwrap();
    encode(&Header::new(Algorithm::ES256), claims, &key).unwrap()
}

/// An HS256 admin token (the default test admin).
pub fn admin() -> String {
    hs256(SECRET.as_bytes(), &claims(super::ADMIN))
}

/// An unsigned token: header `{"alg":"none"}` and an empty signature.
pub fn unsigned(claims: &Value) -> String {
    let header = base64url(br#"{"alg":"none","typ":"JWT"}"#);
    let payload = base64url(claims.to_string().as_bytes());
    format!("{header}.{payload}.")
}

/// A token whose header claims `alg` but whose signature part is `signature` (base64url).
pub fn with_header(header: &Value, claims: &Value, signature: &str) -> String {
    format!(
        "{}.{}.{}",
        base64url(header.to_string().as_bytes()),
        base64url(claims.to_string().as_bytes()),
        signature
    )
}

/// Unpadded base64url (RFC 4648 §5).
pub fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}
