//! `heimdex` refuses at start, with a clear message, settings that would make it unsafe or make it
//! panic later: an HS256 secret shorter than 32 bytes (unless HEIMDEX_ALLOW_WEAK_JWT_SECRET says
//! it is a local demo) and a shutdown grace period too long for the clock (which used to pass,
//! then panic at SIGTERM). Each case runs the real binary; a process that gets as far as serving
//! or working is stopped and the case fails.

mod support;

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};

use support::{tokens, ADMIN};

/// A secret one byte short of the minimum.
const WEAK_SECRET: &str = "only-thirty-one-bytes-of-secret";

/// The binary on a fresh embedded store, with a strong secret and nothing else from the
/// environment that could change the outcome.
fn heimdex(db: &PathBuf) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_heimdex"));
    for var in [
        "DATABASE_URL",
        "HEIMDEX_ALLOW_WEAK_JWT_SECRET",
        "HEIMDEX_SHUTDOWN_GRACE",
        "HEIMDEX_LEASE",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("HEIMDEX_DB_PATH", db)
        .env("HEIMDEX_JWT_SECRET", tokens::SECRET)
        .env("ADMIN_USER_IDS", ADMIN)
        .env("RUST_LOG", "info");
    cmd
}

fn temp_db() -> PathBuf {
    std::env::temp_dir()
        .join(format!("heimdex-startup-{}", uuid::Uuid::new_v4()))
        .join("heimdex.db")
}

/// How a start went: `Ok(stderr)` when the process exited by itself (with a failure status),
/// `Err(stderr so far)` when it logged `ready` first (it is then killed).
fn start(mut cmd: Command, ready: &str) -> Result<String, String> {
    let mut child = cmd
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut log = String::new();
    for line in BufReader::new(child.stderr.take().unwrap()).lines() {
        let line = line.unwrap();
        log.push_str(&line);
        log.push('\n');
        if line.contains(ready) {
            child.kill().ok();
            child.wait().ok();
            return Err(log);
        }
    }
    let status = child.wait().unwrap();
    assert!(!status.success(), "exited successfully: {log}");
    Ok(log)
}

#[test]
fn serve_refuses_a_short_hs256_secret_and_says_how_to_fix_it() {
    let db = temp_db();
    let mut cmd = heimdex(&db);
    cmd.env("HEIMDEX_JWT_SECRET", WEAK_SECRET)
        .args(["serve", "--bind", "127.0.0.1:0"]);
    let stderr = start(cmd, "listening").expect("serve started with a 31-byte secret");
    assert!(
        stderr.contains("HEIMDEX_JWT_SECRET is 31 bytes"),
        "{stderr}"
    );
    assert!(stderr.contains("at least 32"), "{stderr}");
    assert!(
        stderr.contains("HEIMDEX_ALLOW_WEAK_JWT_SECRET=1"),
        "{stderr}"
    );
    assert!(!stderr.contains(WEAK_SECRET), "the secret reached the log");
    std::fs::remove_dir_all(db.parent().unwrap()).ok();
}

#[test]
fn the_override_lets_a_demo_serve_with_a_short_secret_and_a_warning() {
    let db = temp_db();
    let mut cmd = heimdex(&db);
    cmd.env("HEIMDEX_JWT_SECRET", WEAK_SECRET)
        .env("HEIMDEX_ALLOW_WEAK_JWT_SECRET", "1")
        .args(["serve", "--bind", "127.0.0.1:0"]);
    let log = start(cmd, "listening").expect_err("the override must let serve start");
    assert!(log.contains("shorter than 32 bytes"), "{log}");
    assert!(!log.contains(WEAK_SECRET), "the secret reached the log");
    std::fs::remove_dir_all(db.parent().unwrap()).ok();
}

#[test]
fn a_grace_period_too_long_for_the_clock_is_refused_before_the_worker_starts() {
    let db = temp_db();
    // 213503982334601d is just under u64::MAX seconds: it parses as a duration, but the deadline
    // `now + grace` computed at SIGTERM overflows.
    for (flag, env) in [
        (Some("--grace=213503982334601d"), None),
        (None, Some("213503982334601d")),
        (Some("--grace=2d"), None),
    ] {
        let mut cmd = heimdex(&db);
        cmd.args(["worker", "--pipeline", "basic"]);
        cmd.args(flag);
        if let Some(value) = env {
            cmd.env("HEIMDEX_SHUTDOWN_GRACE", value);
        }
        let stderr = start(cmd, "worker starting")
            .expect("the worker started with a grace period past the clock");
        assert!(stderr.contains("too long: at most 1d"), "{stderr}");
    }
    std::fs::remove_dir_all(db.parent().unwrap()).ok();
}

#[test]
fn a_lease_longer_than_a_day_is_refused_before_the_worker_starts() {
    let db = temp_db();
    // On PostgreSQL such a lease overflowed the claim's interval: every claim failed, forever.
    for (flag, env) in [(Some("--lease=213503982334601d"), None), (None, Some("2d"))] {
        let mut cmd = heimdex(&db);
        cmd.args(["worker", "--pipeline", "basic"]);
        cmd.args(flag);
        if let Some(value) = env {
            cmd.env("HEIMDEX_LEASE", value);
        }
        let stderr = start(cmd, "worker starting").expect("the worker started with a huge lease");
        assert!(stderr.contains("too long: at most 1d"), "{stderr}");
    }
    std::fs::remove_dir_all(db.parent().unwrap()).ok();
}

#[test]
fn serve_refuses_a_shutdown_grace_too_long_for_the_clock() {
    let db = temp_db();
    let mut cmd = heimdex(&db);
    cmd.args([
        "serve",
        "--bind",
        "127.0.0.1:0",
        "--shutdown-grace",
        "213503982334601d",
    ]);
    let stderr = start(cmd, "listening").expect("serve started with a grace past the clock");
    assert!(stderr.contains("too long: at most 1d"), "{stderr}");
    std::fs::remove_dir_all(db.parent().unwrap()).ok();
}
