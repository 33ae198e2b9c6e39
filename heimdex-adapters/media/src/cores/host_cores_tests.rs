//! Host-wide core locks: what a run gets while other runs, in this process or another, hold
//! cores.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use super::HostCores;

/// A fresh lock folder for one test.
fn lock_dir(test: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("heimdex-cores-{test}-{}", uuid::Uuid::new_v4()))
}

/// Whether `take` is still waiting after 300 ms.
async fn still_waiting<F: std::future::Future>(take: F) -> bool {
    tokio::time::timeout(Duration::from_millis(300), take)
        .await
        .is_err()
}

#[tokio::test]
async fn a_run_takes_the_free_cores_and_waits_only_while_none_is_free() {
    let dir = lock_dir("free");
    // Two instances on one folder lock as two processes would: a lock belongs to its open file.
    let this = HostCores::new(&dir, 2);
    let other = HostCores::new(&dir, 2);

    let both = other.take(2).await;
    assert_eq!(both.count, 2);
    assert!(
        still_waiting(this.take(1)).await,
        "ran with every core taken"
    );
    drop(both);
    assert_eq!(this.take(2).await.count, 2, "both cores are free again");

    let one = other.take(1).await;
    assert_eq!(one.count, 1);
    let rest = this.take(2).await;
    assert_eq!(rest.count, 1, "one core is free: the run gets that one");
    drop((one, rest));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn a_run_gets_at_least_one_core_and_at_most_the_host_has() {
    let dir = lock_dir("clamp");
    let cores = HostCores::new(&dir, 2);
    assert_eq!(cores.take(0).await.count, 1);
    assert_eq!(cores.take(9).await.count, 2);
    assert_eq!(HostCores::new(&dir, 0).take(3).await.count, 1);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `flock(1)` holding `file` in a child process until it is killed; returns once it holds it.
/// (`-o`: the lock is the `flock` process's alone; the shell it starts waits for its stdin to
/// close, which happens when the returned `Child` is dropped.)
fn hold_in_another_process(file: &std::path::Path) -> Child {
    let mut child = Command::new("flock")
        .arg("-o")
        .arg(file)
        .args(["-c", "echo locked; read -r _"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("flock(1) from util-linux");
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert_eq!(line.trim(), "locked");
    child
}

#[tokio::test]
async fn cores_another_process_holds_are_left_to_it_until_it_ends() {
    let dir = lock_dir("process");
    let cores = HostCores::new(&dir, 2);
    drop(cores.take(2).await); // creates the lock files
    let mut other = hold_in_another_process(&dir.join("core-0.lock"));

    assert_eq!(
        cores.take(2).await.count,
        1,
        "core 0 is the other process's"
    );
    // A process that is killed gives its cores back.
    other.kill().unwrap();
    other.wait().unwrap();
    assert_eq!(cores.take(2).await.count, 2);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn an_unusable_lock_folder_lets_runs_go_ahead_as_before() {
    // A file where the folder should be: no lock can be made there.
    let path = lock_dir("unusable");
    std::fs::write(&path, b"not a folder").unwrap();
    let cores = HostCores::new(&path, 2);
    let first = tokio::time::timeout(Duration::from_secs(5), cores.take(2))
        .await
        .expect("a run must not wait on a folder it cannot use");
    assert_eq!(first.count, 2);
    // Nothing was locked, so a second run is not held back either.
    assert_eq!(cores.take(2).await.count, 2);
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn the_lock_folder_is_the_one_named_else_the_temporary_folders() {
    let default = std::env::temp_dir().join("heimdex-cores");
    assert_eq!(super::cores_dir_from(None), default);
    assert_eq!(super::cores_dir_from(Some("".into())), default);
    assert_eq!(
        super::cores_dir_from(Some("/srv/heimdex/cores".into())),
        std::path::PathBuf::from("/srv/heimdex/cores")
    );
}

#[test]
fn a_named_lock_folder_is_made_when_missing_and_refused_when_unusable() {
    let dir = lock_dir("named").join("nested");
    super::check_cores_dir_from(Some(dir.clone().into())).expect("a new folder is usable");
    assert!(dir.join("core-0.lock").is_file());
    // Unset or empty: nothing to check (the temporary folder only warns when unusable).
    super::check_cores_dir_from(None).unwrap();
    super::check_cores_dir_from(Some("".into())).unwrap();

    let file = dir.join("not-a-folder");
    std::fs::write(&file, b"a file").unwrap();
    let err = super::check_cores_dir_from(Some(file.clone().into())).unwrap_err();
    assert_eq!(err.dir, file);
    let message = err.to_string();
    assert!(
        message.contains("HEIMDEX_CORES_DIR=") && message.contains("not-a-folder"),
        "{message}"
    );
    std::fs::remove_dir_all(dir.parent().unwrap()).unwrap();
}
