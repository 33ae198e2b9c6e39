//! Real `heimdex` processes for the reliability tests: one-shot commands (`migrate`, `enqueue`)
//! and long-running `heimdex worker` children with their stdout/stderr in files, signalled with
//! the `kill` command. A [`WorkerProcess`] is SIGKILLed when dropped, so a failing test never
//! leaves workers behind.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// How the `heimdex` children reach their store: the environment they get, nothing inherited.
#[derive(Clone, Debug)]
pub struct Heimdex {
    env: Vec<(String, String)>,
    logs: PathBuf,
}

impl Heimdex {
    /// Children on the PostgreSQL database at `url`; their logs go to `logs`.
    pub fn postgres(url: &str, logs: &Path) -> Self {
        Self {
            env: vec![("DATABASE_URL".into(), url.into())],
            logs: logs.to_path_buf(),
        }
    }

    /// Children on the embedded SQLite file `db`; their logs go to `logs`.
    pub fn embedded(db: &Path, logs: &Path) -> Self {
        Self {
            env: vec![("HEIMDEX_DB_PATH".into(), db.display().to_string())],
            logs: logs.to_path_buf(),
        }
    }

    /// `heimdex ARGS…` with only this store's settings (no inherited `DATABASE_URL`/`HEIMDEX_*`).
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_heimdex"));
        cmd.args(args)
            .env_remove("DATABASE_URL")
            .env("RUST_LOG", "info");
        for (name, _) in std::env::vars_os() {
            if name.to_string_lossy().starts_with("HEIMDEX_") {
                cmd.env_remove(name);
            }
        }
        cmd.envs(self.env.iter().map(|(k, v)| (k, v)));
        // The jobs' sources are not video: only the `downloading` check (and `--hold`) runs,
        // whatever stage features this build has.
        cmd.env("HEIMDEX_PIPELINE", "basic");
        cmd
    }

    /// Runs a one-shot command to its end; panics with its stderr unless it succeeds. Its stdout.
    pub fn run(&self, args: &[&str]) -> String {
        let out = self.command(args).output().expect("run heimdex");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success(),
            "heimdex {args:?}: {}\n{stderr}",
            out.status
        );
        String::from_utf8(out.stdout).expect("utf-8 stdout")
    }

    /// `heimdex enqueue` for every file, `chunk` files per call; the printed video ids, in order.
    pub fn enqueue(&self, files: &[PathBuf], chunk: usize) -> Vec<String> {
        let mut ids = Vec::with_capacity(files.len());
        for part in files.chunks(chunk.max(1)) {
            let mut args = vec!["enqueue".to_string()];
            args.extend(part.iter().map(|f| f.display().to_string()));
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let stdout = self.run(&args);
            for (line, file) in stdout.lines().zip(part) {
                let (id, path) = line.split_once('\t').expect("VIDEO_ID<TAB>PATH");
                assert_eq!(path, file.display().to_string(), "enqueue output order");
                ids.push(id.to_string());
            }
        }
        assert_eq!(ids.len(), files.len(), "one printed id per enqueued file");
        ids
    }

    /// Starts `heimdex worker --id NAME` with `args` (concurrency, hold, lease, …); stdout and
    /// stderr go to `NAME.out` and `NAME.err` in the log folder.
    pub fn spawn_worker(&self, name: &str, args: &[&str]) -> WorkerProcess {
        let out = self.logs.join(format!("{name}.out"));
        let err = self.logs.join(format!("{name}.err"));
        let mut all = vec!["worker", "--id", name];
        all.extend_from_slice(args);
        let child = self
            .command(&all)
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(&out).expect("worker stdout file"))
            .stderr(std::fs::File::create(&err).expect("worker stderr file"))
            .spawn()
            .expect("spawn heimdex worker");
        WorkerProcess {
            name: name.to_string(),
            child: Some(child),
            out,
            err,
        }
    }
}

/// A running `heimdex worker`; SIGKILLed and reaped when dropped if still running.
#[derive(Debug)]
pub struct WorkerProcess {
    /// The `--id` it was started with (also `jobs.worker_id` of its claims).
    pub name: String,
    child: Option<Child>,
    out: PathBuf,
    err: PathBuf,
}

impl WorkerProcess {
    fn pid(&self) -> String {
        let child = self.child.as_ref().expect("worker still running");
        child.id().to_string()
    }

    /// `kill -SIGNAL pid`.
    fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .args([signal, &self.pid()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill {signal} {} failed", self.name);
    }

    /// SIGKILL, then reaps the process: it is gone when this returns.
    pub fn kill(&mut self) -> ExitStatus {
        self.signal("-KILL");
        let status = self.child.take().unwrap().wait().expect("reap worker");
        assert!(
            status.code().is_none(),
            "{} exited by itself: {status}",
            self.name
        );
        status
    }

    /// SIGTERM, then waits up to `deadline` for the exit: its status and the JSON report it
    /// printed last on stdout (`Null` when there was none).
    pub async fn terminate(&mut self, deadline: Duration) -> (ExitStatus, Value) {
        self.signal("-TERM");
        let until = Instant::now() + deadline;
        let status = loop {
            if let Some(status) = self.child.as_mut().unwrap().try_wait().expect("poll") {
                self.child = None;
                break status;
            }
            let late = Instant::now() >= until;
            assert!(
                !late,
                "{} still running after SIGTERM\n{}",
                self.name,
                self.logs()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        let stdout = std::fs::read_to_string(&self.out).unwrap_or_default();
        let mut reports = stdout.lines().filter_map(|l| serde_json::from_str(l).ok());
        (status, reports.next_back().unwrap_or(Value::Null))
    }

    /// SIGSTOP: frozen (it claims, finishes and heartbeats nothing) until [`Self::resume`].
    pub fn pause(&self) {
        self.signal("-STOP");
    }

    /// Waits until every thread of the paused process has stopped, so its log is final.
    pub async fn wait_stopped(&self) {
        let tasks = format!("/proc/{}/task", self.pid());
        let stopped = |entry: std::fs::DirEntry| {
            let stat = std::fs::read_to_string(entry.path().join("stat")).unwrap_or_default();
            let state = stat
                .rsplit_once(") ")
                .map(|(_, rest)| rest.starts_with('T'));
            state.unwrap_or(true) // a thread gone meanwhile counts as stopped
        };
        while !std::fs::read_dir(&tasks)
            .expect("/proc")
            .flatten()
            .all(stopped)
        {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// Videos whose pipeline is running now per its log: `job started` without `job succeeded`
    /// or `job failed` yet. Their finish has not been sent (it is logged first).
    pub fn running_per_log(&self) -> Vec<String> {
        let log = std::fs::read_to_string(&self.err).unwrap_or_default();
        let mut running = Vec::new();
        for line in log.lines() {
            let Some(video) = line.split("video=").nth(1) else {
                continue;
            };
            let video = video
                .split([' ', '}'])
                .next()
                .unwrap_or_default()
                .to_string();
            if line.ends_with("job started") {
                running.push(video);
            } else if line.contains("job succeeded") || line.contains("job failed") {
                running.retain(|v| *v != video);
            }
        }
        running
    }

    /// SIGCONT after [`Self::pause`].
    pub fn resume(&self) {
        self.signal("-CONT");
    }

    /// SIGTERM; asserts a clean exit (status 0 within 30 s, a JSON report without dead jobs)
    /// and returns the worker's name with the report's `succeeded`.
    pub async fn stop(&mut self) -> (String, u64) {
        let (status, report) = self.terminate(Duration::from_secs(30)).await;
        assert!(status.success(), "{}: {status}\n{}", self.name, self.logs());
        let count = |key: &str| report[key].as_u64().unwrap_or_else(|| panic!("{report}"));
        assert!(
            count("claimed") >= count("succeeded") && count("dead") == 0,
            "{report}"
        );
        (self.name.clone(), count("succeeded"))
    }

    /// The last lines of its stdout and stderr, for failure messages.
    pub fn logs(&self) -> String {
        let tail = |path: &Path| {
            let text = std::fs::read_to_string(path).unwrap_or_default();
            let lines: Vec<&str> = text.lines().collect();
            lines[lines.len().saturating_sub(30)..].join("\n")
        };
        format!(
            "--- {} stdout ---\n{}\n--- {} stderr (tail) ---\n{}",
            self.name,
            tail(&self.out),
            self.name,
            tail(&self.err)
        )
    }
}

impl Drop for WorkerProcess {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// `n` small non-empty files `video-NNNN.bin` in `dir`.
pub fn small_files(dir: &Path, n: usize) -> Vec<PathBuf> {
    (0..n)
        .map(|i| {
            let path = dir.join(format!("video-{i:04}.bin"));
            std::fs::write(&path, format!("not really a video #{i}\n")).expect("write fixture");
            path
        })
        .collect()
}

/// The standard worker flags of the drills: `--concurrency N`, 20 ms hold, 2 s lease, 100 ms poll.
pub fn drill_args(concurrency: &str) -> Vec<&str> {
    vec![
        "--concurrency",
        concurrency,
        "--hold",
        "20ms",
        "--lease",
        "2s",
        "--poll-interval",
        "100ms",
        "--grace",
        "3s",
        "--time-limit",
        "1h",
    ]
}

/// Polls `probe` every 100 ms until it returns `Some`, for at most `deadline`; panics with
/// `what` and `diagnosis()` when the deadline passes. Not a timing assertion: the deadline only
/// stops a hung test.
pub async fn wait_for<T, F, Fut>(
    deadline: Duration,
    what: &str,
    diagnosis: impl Fn() -> String,
    mut probe: F,
) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let until = Instant::now() + deadline;
    loop {
        if let Some(found) = probe().await {
            return found;
        }
        assert!(
            Instant::now() < until,
            "gave up after {deadline:?} waiting for {what}\n{}",
            diagnosis()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
