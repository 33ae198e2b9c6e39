//! whisper.cpp is built with Heimdex's two edits to ggml (`heimdex-adapters/models/cmake/`,
//! wired in by `.cargo/config.toml` through `ggml_edits.cmake`): tinyBLAS hands out runs of
//! jobs (`ggml_sgemm_job_runs.cmake`), and a thread waiting at ggml's barrier sleeps after a
//! short spin (`ggml_barrier_sleeps.cmake`).
//!
//! The edits change speed, not results, so the tests check the build itself: the copy of
//! whisper.cpp that whisper-rs-sys compiled in this target folder carries each edit once, and
//! each script behaves on files it has already edited and on files it does not know.

use std::path::{Path, PathBuf};
use std::process::Command;

/// One edit: its script, the variable naming the file it edits, that file in whisper.cpp's
/// sources, and the marker the edit leaves.
struct Edit {
    script: &'static str,
    variable: &'static str,
    file: &'static str,
    marker: &'static str,
}

const JOB_RUNS: Edit = Edit {
    script: concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/cmake/ggml_sgemm_job_runs.cmake"
    ),
    variable: "SGEMM_CPP",
    file: "whisper.cpp/ggml/src/ggml-cpu/llamafile/sgemm.cpp",
    marker: "Heimdex: runs of jobs",
};

const BARRIER_SLEEPS: Edit = Edit {
    script: concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/cmake/ggml_barrier_sleeps.cmake"
    ),
    variable: "GGML_CPU_C",
    file: "whisper.cpp/ggml/src/ggml-cpu/ggml-cpu.c",
    marker: "Heimdex: barrier sleeps",
};

impl Edit {
    /// The edited file of every whisper-rs-sys build in this test binary's target folder.
    fn built_files(&self) -> Vec<PathBuf> {
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
            .map(|entry| entry.path().join("out").join(self.file))
            .filter(|path| path.exists())
            .collect();
        files.sort();
        assert!(!files.is_empty(), "no whisper-rs-sys build found");
        files
    }

    /// The text of every built file, each checked to carry the edit once.
    fn built_texts(&self) -> Vec<String> {
        let texts: Vec<String> = self
            .built_files()
            .iter()
            .map(|file| std::fs::read_to_string(file).unwrap())
            .collect();
        for text in &texts {
            assert_eq!(
                text.matches(self.marker).count(),
                1,
                "whisper.cpp was built without {}: cargo does not rebuild whisper-rs-sys when \
                 .cargo/config.toml or the scripts change; run `cargo clean -p whisper-rs-sys` \
                 and build again",
                self.script
            );
        }
        texts
    }

    /// Runs the script on `file`: its exit status and its messages.
    fn run_on(&self, file: &Path) -> (bool, String) {
        let out = Command::new("cmake")
            .arg(format!("-D{}={}", self.variable, file.display()))
            .args(["-P", self.script])
            .output()
            .expect("cmake runs (scripts/setup-whisper installs it)");
        let messages = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        (out.status.success(), messages)
    }

    /// Editing a copy of an edited file changes nothing.
    fn assert_idempotent(&self) {
        let text = self.built_texts().pop().unwrap();
        let copy = temp_copy(&text);
        let (ok, messages) = self.run_on(&copy);
        assert!(ok, "{messages}");
        assert_eq!(std::fs::read_to_string(&copy).unwrap(), text);
        std::fs::remove_dir_all(copy.parent().unwrap()).unwrap();
    }

    /// A file without the expected code stops the script with a message naming `what`, and is
    /// left as it was.
    fn assert_refuses_unknown_file(&self, what: &str) {
        let text = "// a ggml source from another whisper.cpp\nint main() { return 0; }\n";
        let copy = temp_copy(text);
        let (ok, messages) = self.run_on(&copy);
        assert!(!ok, "the script accepted a file it does not know");
        assert!(
            messages.contains("whisper-rs-sys 0.15.0") && messages.contains(what),
            "{messages}"
        );
        assert_eq!(std::fs::read_to_string(&copy).unwrap(), text);
        std::fs::remove_dir_all(copy.parent().unwrap()).unwrap();
    }
}

fn temp_copy(text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("heimdex-ggml-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("source.c");
    std::fs::write(&file, text).unwrap();
    file
}

#[test]
fn the_whisper_cpp_this_crate_links_hands_out_runs_of_jobs() {
    for text in JOB_RUNS.built_texts() {
        // tinyBLAS's loop now bumps the counter once per run; only RISC-V's class still bumps
        // it once per job.
        let per_run = "run = ggml_threadpool_chunk_add(params->threadpool, 1);";
        let per_job = "job = ggml_threadpool_chunk_add(params->threadpool, 1);";
        assert_eq!(text.matches(per_run).count(), 1);
        assert_eq!(text.matches(per_job).count(), 1);
    }
}

#[test]
fn the_whisper_cpp_this_crate_links_sleeps_at_the_barrier_after_spinning() {
    for text in BARRIER_SLEEPS.built_texts() {
        // The waiting threads call the sleeping wait, the last one wakes them, and the
        // sleepers' count starts at zero in every new thread pool.
        assert_eq!(
            text.matches("heimdex_barrier_wait(tp, n_passed);").count(),
            1
        );
        assert_eq!(text.matches("heimdex_barrier_wake(tp);").count(), 1);
        assert_eq!(
            text.matches("threadpool->n_barrier_sleepers = 0;").count(),
            1
        );
        assert!(text.contains("FUTEX_WAIT_PRIVATE") && text.contains("FUTEX_WAKE_PRIVATE"));
    }
}

#[test]
fn editing_a_file_already_edited_changes_nothing() {
    JOB_RUNS.assert_idempotent();
    BARRIER_SLEEPS.assert_idempotent();
}

#[test]
fn a_source_without_the_expected_code_stops_with_a_message_and_stays_as_it_was() {
    JOB_RUNS.assert_refuses_unknown_file("job loop");
    BARRIER_SLEEPS.assert_refuses_unknown_file("barrier");
}
