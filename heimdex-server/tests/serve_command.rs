//! `heimdex migrate`, `backfill` and `serve` end to end on the embedded store: the binary opens a
//! fresh store file, answers over HTTP with the configured secret and admins, and exits cleanly on
//! SIGTERM.

mod support;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use support::{tokens, ADMIN};

fn temp_db() -> PathBuf {
    std::env::temp_dir()
        .join(format!("heimdex-server-test-{}", uuid::Uuid::new_v4()))
        .join("heimdex.db")
}

fn heimdex(db: &PathBuf) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_heimdex"));
    cmd.env_remove("DATABASE_URL")
        .env("HEIMDEX_DB_PATH", db)
        .env("HEIMDEX_JWT_SECRET", tokens::SECRET)
        .env("ADMIN_USER_IDS", ADMIN)
        .env("RUST_LOG", "info");
    cmd
}

#[test]
fn migrate_twice_and_a_dry_run_backfill_change_nothing() {
    let db = temp_db();
    for _ in 0..2 {
        let out = heimdex(&db).arg("migrate").output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            String::from_utf8(out.stdout).unwrap().trim(),
            "migrations applied (embedded store)"
        );
    }
    let out = heimdex(&db)
        .args(["backfill", "--dry-run", "--batch-size", "10"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8(out.stdout).unwrap().trim(),
        "dry run: 0 finished rows lack processing_finished_at; nothing changed"
    );
    std::fs::remove_dir_all(db.parent().unwrap()).ok();
}

/// Starts `heimdex serve` on a free port and returns it with the address it logged.
fn start(db: &PathBuf) -> (Child, SocketAddr) {
    let mut child = heimdex(db)
        .args(["serve", "--bind", "127.0.0.1:0"])
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let addr = loop {
        let line = lines
            .next()
            .expect("serve exited before listening")
            .unwrap();
        if let Some(rest) = line
            .split("addr=")
            .nth(1)
            .filter(|_| line.contains("listening"))
        {
            break rest.trim().parse().unwrap();
        }
    };
    std::thread::spawn(move || lines.for_each(drop)); // keep draining the log
    (child, addr)
}

#[tokio::test]
async fn serve_answers_with_the_configured_auth_and_stops_on_sigterm() {
    let db = temp_db();
    let (mut child, addr) = start(&db);

    let health = support::send(addr, "GET", "/healthz", &[]).await;
    assert_eq!(
        (health.status, health.json.clone()),
        (200, serde_json::json!({"status": "ok"}))
    );
    let bearer = format!("Bearer {}", tokens::admin());
    let overview = support::send(
        addr,
        "GET",
        "/v1/admin/overview",
        &[("authorization", &bearer)],
    )
    .await;
    assert_eq!(overview.status, 200, "{}", overview.text);
    assert_eq!(overview.json["videos_total"], 0);
    support::send(addr, "GET", "/v1/admin/overview", &[])
        .await
        .assert_error(401, "Not authenticated");

    let kill = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "serve did not stop on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "serve exited with {status}");
    std::fs::remove_dir_all(db.parent().unwrap()).ok();
}
