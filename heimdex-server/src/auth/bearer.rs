//! Reading the token out of `Authorization: Bearer <token>`.

use crate::error::ApiError;

/// The token of an `Authorization` header value, or 401 `Not authenticated` when the header is
/// missing, not ASCII, not the `Bearer` scheme (compared case-insensitively, as RFC 7235 says and
/// as the origin's FastAPI `HTTPBearer` did), or has no token.
pub fn bearer_token(header: Option<&str>) -> Result<&str, ApiError> {
    let value = header.ok_or(ApiError::NotAuthenticated)?.trim();
    let (scheme, token) = value.split_once(' ').ok_or(ApiError::NotAuthenticated)?;
    let token = token.trim();
    if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() || token.contains(' ') {
        return Err(ApiError::NotAuthenticated);
    }
    Ok(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_scheme_yields_the_token() {
        assert_eq!(bearer_token(Some("Bearer abc.def.ghi")), Ok("abc.def.ghi"));
        assert_eq!(bearer_token(Some("bearer abc")), Ok("abc"));
        assert_eq!(bearer_token(Some("BEARER  abc ")), Ok("abc"));
    }

    #[test]
    fn anything_else_is_not_authenticated() {
        for header in [
            None,
            Some(""),
            Some("Bearer"),
            Some("Bearer "),
            Some("Basic dXNlcjpwYXNz"),
            Some("Token abc"),
            Some("abc"),
            Some("Bearer a b"),
        ] {
            assert_eq!(
                bearer_token(header),
                Err(ApiError::NotAuthenticated),
                "{header:?}"
            );
        }
    }
}
