//! [`AuthConfig`]: who may call the admin API, and how their tokens are checked.

use super::admins::AdminList;
use super::bearer::bearer_token;
use super::keys::JwtKeys;
use super::verify::verify;
use crate::error::ApiError;

/// An authenticated admin: the token's subject, found in the allow-list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Admin {
    /// The token's `sub` (a user id).
    pub user_id: String,
}

/// The keys tokens are verified with and the admin allow-list. `Debug` shows the algorithms and
/// the admin ids, never a key.
#[derive(Clone, Debug, Default)]
pub struct AuthConfig {
    keys: JwtKeys,
    admins: AdminList,
}

impl AuthConfig {
    /// Checks tokens with `keys` and lets in the subjects in `admins`.
    pub fn new(keys: JwtKeys, admins: AdminList) -> Self {
        Self { keys, admins }
    }

    /// The verification keys.
    pub fn keys(&self) -> &JwtKeys {
        &self.keys
    }

    /// The allow-list.
    pub fn admins(&self) -> &AdminList {
        &self.admins
    }

    /// Authenticates an `Authorization` header value, in the contract's order: the header (401
    /// `Not authenticated`), the token (401 `Could not validate credentials` / `Invalid token:
    /// missing subject`), then the allow-list (403 `Admin access not configured` / `Admin
    /// privileges required`).
    pub fn authenticate(&self, authorization: Option<&str>) -> Result<Admin, ApiError> {
        let token = bearer_token(authorization)?;
        let user_id = verify(token, &self.keys)?;
        self.admins.check(&user_id)?;
        Ok(Admin { user_id })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::Secret;

    #[test]
    fn debug_never_shows_the_secret() {
        let keys = JwtKeys::none()
            .with_secret(Secret::new("s3cr3t-s3cr3t"))
            .unwrap();
        let auth = AuthConfig::new(keys, AdminList::parse("admin-1"));
        let shown = format!("{auth:?}");
        assert!(!shown.contains("s3cr3t"), "{shown}");
        assert!(
            shown.contains("admin-1") && shown.contains("HS256"),
            "{shown}"
        );
    }

    #[test]
    fn header_problems_come_before_token_problems_before_allow_list_problems() {
        let auth = AuthConfig::new(JwtKeys::none(), AdminList::default());
        assert_eq!(auth.authenticate(None), Err(ApiError::NotAuthenticated));
        assert_eq!(
            auth.authenticate(Some("Bearer x.y.z")),
            Err(ApiError::InvalidCredentials)
        );
    }
}
