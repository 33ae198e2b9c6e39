//! The `heimdex` binary itself: `--help` documents the configuration, `token` mints a token the
//! server accepts, and failures are clear without echoing secrets.

mod support;

use std::process::{Command, Output};

use support::{tokens, ADMIN};

fn heimdex(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_heimdex"));
    cmd.args(args);
    for var in [
        "DATABASE_URL",
        "HEIMDEX_DB_PATH",
        "HEIMDEX_JWT_SECRET",
        "HEIMDEX_JWT_PUBLIC_KEY_FILE",
        "ADMIN_USER_IDS",
        "HEIMDEX_BIND",
        "HEIMDEX_CORS_ORIGINS",
    ] {
        cmd.env_remove(var);
    }
    cmd.envs(env.iter().copied());
    cmd.output().unwrap()
}

#[test]
fn help_lists_the_subcommands_and_every_environment_variable() {
    let out = heimdex(&["--help"], &[]);
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    for word in [
        "serve",
        "migrate",
        "backfill",
        "token",
        "worker",
        "enqueue",
        "jobs",
        "models",
        "HEIMDEX_WORKER_CONCURRENCY",
        "HEIMDEX_OWNER_ID",
        "DATABASE_URL",
        "HEIMDEX_DB_PATH",
        "HEIMDEX_BIND",
        "HEIMDEX_JWT_SECRET",
        "HEIMDEX_JWT_PUBLIC_KEY_FILE",
        "ADMIN_USER_IDS",
        "HEIMDEX_CORS_ORIGINS",
    ] {
        assert!(help.contains(word), "--help lacks {word}");
    }
}

#[test]
fn help_never_shows_secret_values_from_the_environment() {
    let out = heimdex(
        &["--help"],
        &[
            ("HEIMDEX_JWT_SECRET", "env-secret-value"),
            ("DATABASE_URL", "postgres://u:pw-value@h/db"),
        ],
    );
    let help = String::from_utf8(out.stdout).unwrap();
    assert!(!help.contains("env-secret-value"));
    assert!(!help.contains("pw-value"));
}

#[test]
fn token_prints_an_admin_token_the_server_accepts() {
    let out = heimdex(
        &["token", "--user", ADMIN, "--ttl", "2h"],
        &[
            ("HEIMDEX_JWT_SECRET", tokens::SECRET),
            ("ADMIN_USER_IDS", ADMIN),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let token = stdout.trim();
    assert_eq!(stdout.lines().count(), 1, "stdout must hold the token only");
    let admin = support::auth()
        .authenticate(Some(&format!("Bearer {token}")))
        .unwrap();
    assert_eq!(admin.user_id, ADMIN);

    // Two hours, within a few seconds, and the Supabase audience.
    let payload = token.split('.').nth(1).unwrap();
    let claims: serde_json::Value = serde_json::from_slice(&base64url_decode(payload)).unwrap();
    assert_eq!(claims["aud"], "authenticated");
    assert_eq!(claims["sub"], ADMIN);
    let ttl = claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap();
    assert_eq!(ttl, 7200);
}

#[test]
fn token_without_a_secret_fails_clearly() {
    let out = heimdex(&["token", "--user", ADMIN], &[]);
    assert!(!out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("HEIMDEX_JWT_SECRET is required"),
        "{stderr}"
    );
}

#[test]
fn a_bad_ttl_is_a_usage_error() {
    let out = heimdex(
        &["token", "--user", ADMIN, "--ttl", "soon"],
        &[("HEIMDEX_JWT_SECRET", tokens::SECRET)],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .contains("invalid duration"));
}

fn base64url_decode(s: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'-' => 62,
        b'_' => 63,
        _ => panic!("not base64url"),
    };
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for c in s.bytes() {
        acc = (acc << 6) | u32::from(value(c));
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}
