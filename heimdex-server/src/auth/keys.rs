//! [`JwtKeys`]: the keys tokens are verified with, chosen by the token's `alg`.

use std::fmt;
use std::path::Path;

use jsonwebtoken::{Algorithm, DecodingKey};

use super::secret::Secret;

/// The shortest HS256 secret `heimdex serve` accepts without an explicit override: 32 bytes, the
/// HMAC-SHA256 output size (RFC 7518 §3.2 requires a key at least that long).
pub const MIN_SECRET_BYTES: usize = 32;

/// Why the authentication keys could not be loaded. Messages name the file, never a key.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The HS256 secret is set but empty.
    #[error("HEIMDEX_JWT_SECRET is set but empty")]
    EmptySecret,
    /// The public key file cannot be read.
    #[error("cannot read public key file {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The file is not a PEM `PUBLIC KEY` (SPKI) of an RSA or P-256 EC key.
    #[error("public key file {path} is not an RSA or EC public key in PEM (\"-----BEGIN PUBLIC KEY-----\")")]
    NotAPublicKey {
        /// The file.
        path: String,
    },
}

/// The verification keys: an HS256 shared secret (Supabase's JWT secret), a PEM public key
/// (RS256 for RSA, ES256 for a P-256 EC key), or both.
///
/// A token is checked only with the key of its own `alg`, and only that algorithm is accepted for
/// it: an HS256 token signed with the *public* key's bytes (the classic HS/RS confusion) never
/// meets the public key, and `alg: none` has no key at all.
#[derive(Clone, Default)]
pub struct JwtKeys {
    secret: Option<(Secret, DecodingKey)>,
    public: Option<(Algorithm, DecodingKey)>,
}

impl JwtKeys {
    /// No key: every token is rejected.
    pub fn none() -> Self {
        Self::default()
    }

    /// Adds the HS256 shared secret.
    pub fn with_secret(mut self, secret: Secret) -> Result<Self, KeyError> {
        if secret.is_empty() {
            return Err(KeyError::EmptySecret);
        }
        let key = DecodingKey::from_secret(secret.expose().as_bytes());
        self.secret = Some((secret, key));
        Ok(self)
    }

    /// Adds a public key from PEM text (`-----BEGIN PUBLIC KEY-----`); `origin` names it in errors.
    pub fn with_public_pem(mut self, pem: &[u8], origin: &str) -> Result<Self, KeyError> {
        let not_public = || KeyError::NotAPublicKey {
            path: origin.to_owned(),
        };
        let text = std::str::from_utf8(pem).map_err(|_| not_public())?;
        if !text.contains("-----BEGIN PUBLIC KEY-----")
            && !text.contains("-----BEGIN RSA PUBLIC KEY-----")
        {
            return Err(not_public());
        }
        let public = if let Ok(key) = DecodingKey::from_rsa_pem(pem) {
            (Algorithm::RS256, key)
        } else if let Ok(key) = DecodingKey::from_ec_pem(pem) {
            (Algorithm::ES256, key)
        } else {
            return Err(not_public());
        };
        self.public = Some(public);
        Ok(self)
    }

    /// Adds the public key in the PEM file at `path`.
    pub fn with_public_pem_file(self, path: &Path) -> Result<Self, KeyError> {
        let shown = path.display().to_string();
        let pem = std::fs::read(path).map_err(|source| KeyError::Read {
            path: shown.clone(),
            source,
        })?;
        self.with_public_pem(&pem, &shown)
    }

    /// The key for tokens signed with `alg`, if that algorithm is configured.
    pub fn key_for(&self, alg: Algorithm) -> Option<&DecodingKey> {
        match (alg, &self.secret, &self.public) {
            (Algorithm::HS256, Some((_, key)), _) => Some(key),
            (alg, _, Some((public_alg, key))) if alg == *public_alg => Some(key),
            _ => None,
        }
    }

    /// The HS256 secret (to mint tokens with), if configured.
    pub fn secret(&self) -> Option<&Secret> {
        self.secret.as_ref().map(|(s, _)| s)
    }

    /// The algorithms tokens may use, e.g. `[HS256, RS256]`.
    pub fn algorithms(&self) -> Vec<Algorithm> {
        let mut algs = Vec::new();
        if self.secret.is_some() {
            algs.push(Algorithm::HS256);
        }
        if let Some((alg, _)) = &self.public {
            algs.push(*alg);
        }
        algs
    }
}

impl fmt::Debug for JwtKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwtKeys")
            .field("algorithms", &self.algorithms())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RSA_PUBLIC: &[u8] = include_bytes!("../../tests/keys/rsa_public.pem");
    const EC_PUBLIC: &[u8] = include_bytes!("../../tests/keys/ec_public.pem");
    const RSA_PRIVATE: &[u8] = include_bytes!("../../tests/keys/rsa_private.pem");

    #[test]
    fn each_key_serves_only_its_own_algorithm() {
        let keys = JwtKeys::none()
            .with_secret(Secret::new("s3cret"))
            .unwrap()
            .with_public_pem(RSA_PUBLIC, "rsa.pem")
            .unwrap();
        assert_eq!(keys.algorithms(), [Algorithm::HS256, Algorithm::RS256]);
        assert!(keys.key_for(Algorithm::HS256).is_some());
        assert!(keys.key_for(Algorithm::RS256).is_some());
        assert!(keys.key_for(Algorithm::ES256).is_none());
        assert!(keys.key_for(Algorithm::HS512).is_none());
        assert!(keys.key_for(Algorithm::RS512).is_none());

        let ec = JwtKeys::none()
            .with_public_pem(EC_PUBLIC, "ec.pem")
            .unwrap();
        assert_eq!(ec.algorithms(), [Algorithm::ES256]);
        assert!(ec.key_for(Algorithm::HS256).is_none());
    }

    #[test]
    fn a_private_key_or_garbage_is_refused_without_echoing_it() {
        for pem in [RSA_PRIVATE, b"not a key".as_slice()] {
            let err = JwtKeys::none().with_public_pem(pem, "k.pem").unwrap_err();
            assert!(matches!(err, KeyError::NotAPublicKey { .. }));
            assert!(!err.to_string().contains("MII"));
        }
        assert!(matches!(
            JwtKeys::none().with_secret(Secret::new("")),
            Err(KeyError::EmptySecret)
        ));
    }

    #[test]
    fn debug_shows_algorithms_not_secrets() {
        let keys = JwtKeys::none()
            .with_secret(Secret::new("hunter2-hunter2"))
            .unwrap();
        let shown = format!("{keys:?}");
        assert!(shown.contains("HS256"));
        assert!(!shown.contains("hunter2"));
    }
}
