//! whisper.cpp is built with ggml's tinyBLAS handing out runs of jobs
//! (`heimdex-adapters/models/cmake/ggml_sgemm_job_runs.cmake`, wired in by `.cargo/config.toml`).
//!
//! The edit changes speed, not results, so the tests check the build itself: the copy of
//! whisper.cpp that whisper-rs-sys compiled in this target folder carries it, and the script
//! behaves on files it has already edited and on files it does not know.

use std::path::{Path, PathBuf};
use std::process::Command;

const SCRIPT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/cmake/ggml_sgemm_job_runs.cmake"
);
const MARKER: &str = "Heimdex: runs of jobs";
const SGEMM: &str = "whisper.cpp/ggml/src/ggml-cpu/llamafile/sgemm.cpp";

/// The sgemm.cpp of every whisper-rs-sys build in this test binary's target folder.
fn built_sgemm_files() -> Vec<PathBuf> {
    let exe = std::env::current_exe().expect("the test binary's path");
    // <target>/<profile>/deps/<test binary>
    let profile = exe
        .parent()
        .and_then(Path::parent)
        .expect("a profile folder");
    let builds = std::fs::read_dir(profile.join("build")).expect("the profile's build folder");
    let mut files: Vec<PathBuf> = builds
        .filter_map(Result::ok)
        .filter(|entry| {
            entry
                .file_name()
                .to_string_lossy()
                .starts_with("whisper-rs-sys-")
        })
        .map(|entry| entry.path().join("out").join(SGEMM))
        .filter(|path| path.exists())
        .collect();
    files.sort();
    files
}

/// Runs the script on `file`: its exit status and its messages.
fn run_script(file: &Path) -> (bool, String) {
    let out = Command::new("cmake")
        .arg(format!("-DSGEMM_CPP={}", file.display()))
        .args(["-P", SCRIPT])
        .output()
        .expect("cmake runs (scripts/setup-whisper installs it)");
    let messages =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), messages)
}

fn temp_copy(text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("heimdex-sgemm-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("sgemm.cpp");
    std::fs::write(&file, text).unwrap();
    file
}

#[test]
fn the_whisper_cpp_this_crate_links_hands_out_runs_of_jobs() {
    let files = built_sgemm_files();
    assert!(!files.is_empty(), "no whisper-rs-sys build found");
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        assert_eq!(
            text.matches(MARKER).count(),
            1,
            "{} was built without the job runs: cargo does not rebuild whisper-rs-sys when \
             .cargo/config.toml changes; run `cargo clean -p whisper-rs-sys` and build again",
            file.display()
        );
        // tinyBLAS's loop now bumps the counter once per run; only RISC-V's class still bumps
        // it once per job.
        assert_eq!(
            text.matches("run = ggml_threadpool_chunk_add(params->threadpool, 1);")
                .count(),
            1
        );
        assert_eq!(
            text.matches("job = ggml_threadpool_chunk_add(params->threadpool, 1);")
                .count(),
            1
        );
    }
}

#[test]
fn editing_a_file_already_edited_changes_nothing() {
    let built = built_sgemm_files().pop().expect("a whisper-rs-sys build");
    let text = std::fs::read_to_string(built).unwrap();
    let copy = temp_copy(&text);
    let (ok, messages) = run_script(&copy);
    assert!(ok, "{messages}");
    assert_eq!(std::fs::read_to_string(&copy).unwrap(), text);
    std::fs::remove_dir_all(copy.parent().unwrap()).unwrap();
}

#[test]
fn a_sgemm_without_the_expected_loop_stops_with_a_message_and_stays_as_it_was() {
    let text = "// a tinyBLAS from another whisper.cpp\nint main() { return 0; }\n";
    let copy = temp_copy(text);
    let (ok, messages) = run_script(&copy);
    assert!(!ok, "the script accepted a file it does not know");
    assert!(
        messages.contains("whisper-rs-sys 0.15.0") && messages.contains("job loop"),
        "{messages}"
    );
    assert_eq!(std::fs::read_to_string(&copy).unwrap(), text);
    std::fs::remove_dir_all(copy.parent().unwrap()).unwrap();
}
