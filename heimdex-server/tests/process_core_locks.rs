//! `HEIMDEX_CORES_DIR`: `heimdex process` takes its cores from the lock folder named there, even
//! with a temporary folder of its own, and refuses a folder it cannot use before any file runs.

mod process_support;

use std::fs::File;
use std::time::Duration;

use process_support::{assert_refused_before_any_file, process_json, scratch, two_shot_clip};

#[test]
fn a_process_with_its_own_temporary_folder_waits_for_the_cores_locked_in_the_named_folder() {
    let dir = scratch("core-locks");
    let clip = two_shot_clip(&dir, false);
    // Another process's view of the host: every core locked in the shared folder.
    let shared = dir.join("cores");
    std::fs::create_dir_all(&shared).unwrap();
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let held: Vec<File> = (0..cores)
        .map(|core| {
            let file = File::create(shared.join(format!("core-{core}.lock"))).unwrap();
            file.lock().unwrap();
            file
        })
        .collect();
    let own_tmp = dir.join("tmp");
    std::fs::create_dir_all(&own_tmp).unwrap();

    let mut child = process_json(&dir)
        .env("TMPDIR", &own_tmp)
        .env("HEIMDEX_CORES_DIR", &shared)
        .arg(&clip)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Scene detection needs a core: none is free, so the command waits (a clip this short
    // takes well under a second once it has one).
    std::thread::sleep(Duration::from_secs(3));
    let early = child.try_wait().unwrap();
    assert!(
        early.is_none(),
        "finished while every core was taken: {early:?}"
    );
    assert!(
        !own_tmp.join("heimdex-cores").exists(),
        "no locks in its own temporary folder"
    );

    drop(held);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let results: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(results["outcome"], "succeeded", "{results:#}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_core_lock_folder_it_cannot_use_fails_the_command_before_any_file_runs() {
    let dir = scratch("core-locks-bad");
    let clip = dir.join("never-read.mp4");
    let not_a_folder = dir.join("a-file");
    std::fs::write(&not_a_folder, b"a file where the folder should be").unwrap();
    let out = process_json(&dir)
        .env("HEIMDEX_CORES_DIR", &not_a_folder)
        .arg(&clip)
        .output()
        .unwrap();
    assert_refused_before_any_file(&out, "HEIMDEX_CORES_DIR=", "a-file");

    // A folder that does not exist yet is made; an empty value means the temporary folder.
    let new_folder = dir.join("new").join("cores");
    for value in [new_folder.as_os_str(), "".as_ref()] {
        let out = process_json(&dir)
            .env("HEIMDEX_CORES_DIR", value)
            .arg(&clip)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("HEIMDEX_CORES_DIR"), "{value:?}: {stderr}");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            stdout.contains("never-read.mp4"),
            "the file ran: {stdout} {stderr}"
        );
    }
    assert!(new_folder.join("core-0.lock").is_file());
    std::fs::remove_dir_all(&dir).ok();
}
