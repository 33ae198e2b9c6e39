//! `heimdex enqueue`, `heimdex worker` and `heimdex jobs` as an operator runs them, on the
//! embedded store in a temporary folder: good sources run to READY, a bad one is reported and
//! loses nothing else, a dead job is listed and requeued, and every bad argument is refused.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// A temporary folder with its own store file, removed at the end.
struct Scratch(PathBuf);

impl Scratch {
    fn new(tag: &str) -> Self {
        let dir = std::env::temp_dir().join(format!(
            "heimdex-queue-cmd-{tag}-{}",
            uuid::Uuid::new_v4().simple()
        ));
        fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    fn file(&self, name: &str, bytes: &[u8]) -> String {
        let path = self.0.join(name);
        fs::write(&path, bytes).unwrap();
        path.to_str().unwrap().to_owned()
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_heimdex"));
        cmd.args(args)
            .env_remove("DATABASE_URL")
            .env_remove("HEIMDEX_OWNER_ID")
            .env("HEIMDEX_DB_PATH", self.0.join("store.db"))
            // The sources here are not video: only the `downloading` check runs, whatever
            // stage features this build has.
            .env("HEIMDEX_PIPELINE", "basic")
            .env("RUST_LOG", "info");
        cmd
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().unwrap()
    }

    /// A worker whose logs go to `worker.log`, stopped (SIGTERM) by [`WorkerProcess::stop`].
    fn worker(&self, extra: &[&str]) -> WorkerProcess {
        let log = self.0.join("worker.log");
        let mut args = vec!["worker", "--poll-interval", "100ms", "--lease", "2s"];
        args.extend_from_slice(extra);
        let child = self
            .command(&args)
            .stdout(Stdio::piped())
            .stderr(fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        WorkerProcess { child, log }
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        fs::remove_dir_all(&self.0).ok();
    }
}

struct WorkerProcess {
    child: Child,
    log: PathBuf,
}

impl WorkerProcess {
    /// Waits until the log holds `needle` `times` times (generous deadline: a loaded machine).
    fn wait_for(&self, needle: &str, times: usize) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while count(&self.log, needle) < times {
            assert!(
                Instant::now() < deadline,
                "no {times}× {needle:?} in worker log:\n{}",
                fs::read_to_string(&self.log).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// SIGTERM, then the JSON report the worker prints when it has drained.
    fn stop(mut self) -> serde_json::Value {
        let pid = self.child.id().to_string();
        assert!(Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success());
        let out = std::mem::replace(&mut self.child, Command::new("true").spawn().unwrap())
            .wait_with_output()
            .unwrap();
        assert!(out.status.success(), "worker exit: {:?}", out.status);
        serde_json::from_slice(&out.stdout).unwrap()
    }
}

impl Drop for WorkerProcess {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

fn count(log: &Path, needle: &str) -> usize {
    fs::read_to_string(log)
        .unwrap_or_default()
        .matches(needle)
        .count()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn good_sources_run_to_ready_and_a_missing_one_is_reported_without_losing_the_others() {
    let s = Scratch::new("enqueue");
    let a = s.file("a.mp4", b"not really video, but a readable file");
    let b = s.file("b.mp4", b"another readable file");
    let missing = s.0.join("missing.mp4");
    let out = s.run(&["enqueue", &a, missing.to_str().unwrap(), &b]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    for (line, source) in lines.iter().zip([&a, &b]) {
        let (id, shown) = line.split_once('\t').unwrap();
        assert!(uuid::Uuid::parse_str(id).is_ok(), "{line}");
        assert_eq!(shown, source);
    }
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("missing.mp4") && stderr.contains("not found"),
        "{stderr}"
    );
    assert!(
        stderr.contains("1 of 3 sources were not enqueued"),
        "{stderr}"
    );

    let worker = s.worker(&["--concurrency", "2", "--hold", "50ms"]);
    worker.wait_for("job succeeded", 2);
    let report = worker.stop();
    assert_eq!(
        (report["claimed"].as_u64(), report["succeeded"].as_u64()),
        (Some(2), Some(2))
    );
}

#[test]
fn a_job_out_of_retries_is_listed_dead_and_runs_again_when_requeued() {
    let s = Scratch::new("dead");
    let path = s.file("gone.mp4", b"bytes");
    let out = s.run(&["enqueue", &path]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let video = text(&out.stdout).split('\t').next().unwrap().to_owned();
    fs::remove_file(&path).unwrap();

    let worker = s.worker(&["--max-retries", "0"]);
    worker.wait_for("job failed", 1);
    let report = worker.stop();
    assert_eq!(report["dead"].as_u64(), Some(1), "{report}");

    let dead = s.run(&["jobs", "dead"]);
    assert!(dead.status.success(), "{}", text(&dead.stderr));
    let listed: serde_json::Value = serde_json::from_str(text(&dead.stdout).trim()).unwrap();
    assert_eq!(listed["video"], video.as_str());
    assert_eq!(listed["attempts"], 1);
    assert!(
        listed["reason"].as_str().unwrap().contains("not found"),
        "{listed}"
    );

    s.file("gone.mp4", b"bytes again");
    let requeued = s.run(&["jobs", "requeue", &video]);
    assert!(requeued.status.success(), "{}", text(&requeued.stderr));
    assert!(text(&s.run(&["jobs", "dead"]).stdout).trim().is_empty());
    let worker = s.worker(&[]);
    worker.wait_for("job succeeded", 1);
    assert_eq!(worker.stop()["succeeded"].as_u64(), Some(1));
}

#[test]
fn bad_worker_enqueue_and_jobs_arguments_are_refused_clearly() {
    let s = Scratch::new("bad");
    let file = s.file("x.mp4", b"x");
    let usage_errors: &[&[&str]] = &[
        &["worker", "--concurrency", "0"],
        &["worker", "--time-limit", "soon"],
        &["worker", "--lease", "0ms"],
        &["worker", "--hold", "-1s"],
        &["worker", "--pipeline", "fancy"],
        &["enqueue"],
        &["enqueue", "--owner", "not-a-uuid", &file],
        &["jobs"],
        &["jobs", "requeue"],
        &["jobs", "requeue", "not-a-uuid"],
    ];
    for args in usage_errors {
        let out = s.run(args);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }

    let out = s.run(&["worker", "--lease", "100ms"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("too short"),
        "{}",
        text(&out.stderr)
    );

    let stranger = "11111111-2222-3333-4444-555555555555";
    let out = s.run(&["enqueue", "--owner", stranger, &file]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains(&file),
        "an owner without a profile is given one: {}",
        text(&out.stdout)
    );

    let out = s.run(&["jobs", "requeue", stranger]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("error:"),
        "{}",
        text(&out.stderr)
    );
}
