//! `heimdex token --user ID --ttl 1h`: prints an HS256 token signed with the configured secret.

use std::time::Duration;

use clap::Args;

use super::{parse_duration, CliError};
use crate::auth::{mint_token, AuthConfig};

/// Arguments of `heimdex token`.
#[derive(Debug, Args)]
pub struct TokenArgs {
    /// The user id to put in `sub` (an admin token only if it is in ADMIN_USER_IDS).
    #[arg(long)]
    pub user: String,
    /// How long the token is valid: 90s, 30m, 1h, 7d.
    #[arg(long, default_value = "1h", value_parser = parse_duration)]
    pub ttl: Duration,
}

/// Mints the token and prints it on stdout (and only it, so `$(heimdex token …)` works).
pub(crate) fn run(auth: &AuthConfig, args: TokenArgs) -> Result<(), CliError> {
    let token = mint(auth, &args)?;
    println!("{token}");
    Ok(())
}

/// The token, or why none can be minted. Warns (stderr log) when the user is not an admin.
pub(crate) fn mint(auth: &AuthConfig, args: &TokenArgs) -> Result<String, CliError> {
    let secret = auth
        .keys()
        .secret()
        .ok_or_else(|| CliError::Config("HEIMDEX_JWT_SECRET is required to mint a token".into()))?;
    if args.user.trim().is_empty() {
        return Err(CliError::Config("--user must not be empty".into()));
    }
    if !auth.admins().contains(&args.user) {
        tracing::warn!(user = %args.user, "user is not in ADMIN_USER_IDS: the admin API will answer 403");
    }
    mint_token(secret, &args.user, args.ttl)
        .map_err(|e| CliError::Config(format!("cannot sign token: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::{AdminList, JwtKeys, Secret};

    fn auth() -> AuthConfig {
        let keys = JwtKeys::none()
            .with_secret(Secret::new("cli-secret"))
            .unwrap();
        AuthConfig::new(keys, AdminList::parse("admin-1"))
    }

    #[test]
    fn a_minted_token_authenticates_its_admin() {
        let args = TokenArgs {
            user: "admin-1".into(),
            ttl: Duration::from_secs(60),
        };
        let token = mint(&auth(), &args).unwrap();
        let admin = auth()
            .authenticate(Some(&format!("Bearer {token}")))
            .unwrap();
        assert_eq!(admin.user_id, "admin-1");
    }

    #[test]
    fn minting_needs_the_hs256_secret() {
        let no_secret = AuthConfig::new(JwtKeys::none(), AdminList::parse("admin-1"));
        let args = TokenArgs {
            user: "admin-1".into(),
            ttl: Duration::from_secs(60),
        };
        let err = mint(&no_secret, &args).unwrap_err();
        assert!(err.to_string().contains("HEIMDEX_JWT_SECRET"));
    }
}
