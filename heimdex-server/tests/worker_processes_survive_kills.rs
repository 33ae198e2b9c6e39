//! Issue 5, reliability: real `heimdex worker` processes share a queue while one is SIGKILLed
//! mid-run and another is stopped with SIGTERM. Every job must end READY exactly once, none lost,
//! the killed worker's jobs redelivered, and every video's timing consistent
//! (docs/spec.md#timing-events). PostgreSQL: 1,000 jobs, three workers. Embedded (one SQLite
//! file): 300 jobs, two workers, one killed and replaced by a restarted process.

mod support;

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqlitePool};
use sqlx::PgPool;
use support::processes::{drill_args, small_files, wait_for, Heimdex, WorkerProcess};

/// Only stops a hung drill; nothing is asserted about how fast the workers are.
const DEADLINE: Duration = Duration::from_secs(120);
/// Jobs in the PostgreSQL drill.
const PG_N: usize = 1000;
/// Jobs in the embedded drill.
const LITE_N: usize = 300;

/// One video after the drill; instants in microseconds since the epoch.
#[derive(Debug, sqlx::FromRow)]
struct VideoRow {
    id: String,
    status: String,
    stage: Option<String>,
    queued: Option<i64>,
    started: Option<i64>,
    finished: Option<i64>,
    duration_ms: Option<i64>,
    attempt: Option<i64>,
}

/// One row of the queue table `jobs`.
#[derive(Debug, sqlx::FromRow)]
struct JobRow {
    video: String,
    state: String,
    attempt: i64,
    worker: Option<String>,
}

/// One row of `video_stage_timings`.
#[derive(Debug, sqlx::FromRow)]
struct StageRow {
    video: String,
    attempt: i64,
    stage: String,
    started: i64,
    finished: Option<i64>,
    outcome: Option<String>,
}

const PG_VIDEOS: &str = "SELECT id::text AS id, status::text AS status, processing_stage AS stage,
    (extract(epoch FROM queued_at) * 1000000)::int8 AS queued,
    (extract(epoch FROM processing_started_at) * 1000000)::int8 AS started,
    (extract(epoch FROM processing_finished_at) * 1000000)::int8 AS finished,
    processing_duration_ms::int8 AS duration_ms, processing_attempt::int8 AS attempt FROM videos";
const PG_JOBS: &str = "SELECT video_id::text AS video, state, attempt::int8 AS attempt,
    worker_id AS worker FROM jobs";
const PG_STAGES: &str = "SELECT video_id::text AS video, attempt::int8 AS attempt, stage,
    (extract(epoch FROM started_at) * 1000000)::int8 AS started,
    (extract(epoch FROM finished_at) * 1000000)::int8 AS finished, outcome
    FROM video_stage_timings";
const LITE_VIDEOS: &str = "SELECT id, status, processing_stage AS stage, queued_at AS queued,
    processing_started_at AS started, processing_finished_at AS finished,
    processing_duration_ms AS duration_ms, processing_attempt AS attempt FROM videos";
const LITE_JOBS: &str = "SELECT video_id AS video, state, attempt, worker_id AS worker FROM jobs";
const LITE_STAGES: &str = "SELECT video_id AS video, attempt, stage, started_at AS started,
    finished_at AS finished, outcome FROM video_stage_timings";

/// The store the drill reads, with its dialect's queries.
enum Db {
    Pg(PgPool),
    Lite(SqlitePool),
}

macro_rules! all {
    ($db:expr, $row:ty, $pg:expr, $lite:expr) => {
        match $db {
            Db::Pg(pool) => sqlx::query_as::<_, $row>($pg).fetch_all(pool).await,
            Db::Lite(pool) => sqlx::query_as::<_, $row>($lite).fetch_all(pool).await,
        }
        .expect("read the store")
    };
}

impl Db {
    async fn videos(&self) -> Vec<VideoRow> {
        all!(self, VideoRow, PG_VIDEOS, LITE_VIDEOS)
    }
    async fn jobs(&self) -> Vec<JobRow> {
        all!(self, JobRow, PG_JOBS, LITE_JOBS)
    }
    async fn stages(&self) -> Vec<StageRow> {
        all!(self, StageRow, PG_STAGES, LITE_STAGES)
    }
    /// (READY videos, done jobs); panics on a dead job and on a FAILED video: neither a kill nor
    /// SIGTERM's drain is a failure, at any moment.
    async fn progress(&self) -> (usize, usize) {
        let jobs = self.jobs().await;
        let dead: Vec<_> = jobs.iter().filter(|j| j.state == "dead").collect();
        assert!(dead.is_empty(), "jobs went dead: {dead:?}");
        let videos = self.videos().await;
        let failed: Vec<_> = videos.iter().filter(|v| v.status == "FAILED").collect();
        assert!(
            failed.is_empty(),
            "videos FAILED during the drill: {failed:?}"
        );
        let ready = videos.into_iter().filter(|v| v.status == "READY");
        (
            ready.count(),
            jobs.iter().filter(|j| j.state == "done").count(),
        )
    }
    /// Videos whose job `worker` holds (running under its lease).
    async fn held_by(&self, worker: &str) -> Vec<String> {
        let jobs = self.jobs().await.into_iter();
        jobs.filter(|j| j.state == "running" && j.worker.as_deref() == Some(worker))
            .map(|j| j.video)
            .collect()
    }
}

/// Waits (at most [`DEADLINE`]) until `enough(ready videos, done jobs)`.
async fn until(db: &Db, what: &str, enough: fn(usize, usize) -> bool, workers: &[&WorkerProcess]) {
    let logs = || workers.iter().map(|w| w.logs() + "\n").collect::<String>();
    let probe = move || async move {
        let (ready, done) = db.progress().await;
        enough(ready, done).then_some(())
    };
    wait_for(DEADLINE, what, logs, probe).await;
}

/// A fresh folder under the system temp dir for fixtures, the SQLite file and worker logs.
fn scratch() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("heimdex-drill-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(dir.join("files")).unwrap();
    eprintln!("drill files and worker logs: {}", dir.display());
    dir
}

/// Everything the drill promises, read back from the store. `finishers`: each surviving worker's
/// name and the `succeeded` of its report; `held`: what `killed` was running when it died.
async fn check(
    db: &Db,
    ids: &[String],
    killed: &str,
    held: &[String],
    finishers: &[(String, u64)],
) {
    let (videos, jobs, stages) = (db.videos().await, db.jobs().await, db.stages().await);
    let n = ids.len();
    // None lost, none extra: exactly the enqueued videos, each with exactly one job, all done.
    let expected: HashSet<&str> = ids.iter().map(String::as_str).collect();
    let seen: HashSet<&str> = videos.iter().map(|v| v.id.as_str()).collect();
    assert_eq!(
        (expected.len(), videos.len()),
        (n, n),
        "distinct enqueued videos"
    );
    assert!(seen == expected, "the videos are not the enqueued ones");
    let jobs: HashMap<&str, &JobRow> = jobs.iter().map(|j| (j.video.as_str(), j)).collect();
    assert_eq!(jobs.len(), n, "one job per video");
    let active: Vec<_> = jobs.values().filter(|j| j.state != "done").collect();
    assert!(
        active.is_empty(),
        "jobs left queued/running/dead: {active:?}"
    );
    // Every video READY: a job done in the queue whose video is not READY is lost work.
    let stuck: Vec<_> = videos.iter().filter(|v| v.status != "READY").collect();
    let stuck: Vec<_> = stuck
        .into_iter()
        .map(|v| (v, jobs[v.id.as_str()]))
        .collect();
    assert!(
        stuck.is_empty(),
        "{} videos not READY, jobs done: {stuck:#?}",
        stuck.len()
    );
    // Timing: finished ≥ started ≥ queued, duration = finished − started (whole ms from a
    // monotonic clock: within 1 ms), written by the attempt the queue finished.
    for v in &videos {
        let attempt = jobs[v.id.as_str()].attempt;
        let (Some(queued), Some(started), Some(finished), Some(ms), Some("completed")) = (
            v.queued,
            v.started,
            v.finished,
            v.duration_ms,
            v.stage.as_deref(),
        ) else {
            panic!("timing missing: {v:?}");
        };
        assert!(
            queued <= started && started <= finished,
            "out of order: {v:?}"
        );
        let gap_us = (finished - started) - ms * 1000;
        assert!(
            gap_us.abs() <= 1000,
            "duration_ms vs finished − started: {v:?}"
        );
        assert_eq!(
            v.attempt,
            Some(attempt),
            "timing of the finished attempt: {v:?}"
        );
    }
    // Every stage row is ordered; the finished attempt ran every stage ok.
    let mut ok_final: HashMap<&str, Vec<&str>> = HashMap::new();
    for s in &stages {
        assert!(
            s.finished.is_none_or(|f| f >= s.started),
            "out of order: {s:?}"
        );
        let job = jobs
            .get(s.video.as_str())
            .expect("a stage row of an enqueued video");
        if s.attempt == job.attempt && s.outcome.as_deref() == Some("ok") {
            ok_final.entry(&s.video).or_default().push(&s.stage);
        }
    }
    for id in ids {
        let mut ok = ok_final.remove(id.as_str()).unwrap_or_default();
        ok.sort_unstable();
        assert_eq!(
            ok,
            ["downloading", "hold"],
            "stages ok in the last attempt of {id}"
        );
    }
    // Finished once: each surviving worker's reported successes are exactly the done jobs it
    // claimed last, and with the killed worker's done jobs they add up to every job.
    let done_by = |w: &str| {
        jobs.values()
            .filter(|j| j.worker.as_deref() == Some(w))
            .count()
    };
    for (name, succeeded) in finishers {
        assert_eq!(
            *succeeded as usize,
            done_by(name),
            "{name}'s successes vs its done jobs"
        );
    }
    let total = finishers.iter().map(|(_, s)| *s as usize).sum::<usize>() + done_by(killed);
    assert_eq!(total, n, "every job finished exactly once");
    // Redelivered: what the killed worker was running ended done by a later claim of another.
    for video in held {
        let job = jobs[video.as_str()];
        assert!(
            job.attempt >= 2 && job.worker.as_deref() != Some(killed),
            "{job:?}"
        );
    }
}

/// SIGKILLs `worker` while pipelines run in it: it is frozen (SIGSTOP) while its log and the
/// queue are read, and let go again (SIGCONT) to retry when none ran. The videos whose pipeline
/// was running when it died: their finish was never sent, so another claim must finish them.
async fn kill_holding(db: &Db, worker: &mut WorkerProcess) -> Vec<String> {
    let w = &*worker;
    let probe = move || async move {
        w.pause();
        w.wait_stopped().await;
        let running = w.running_per_log();
        if running.is_empty() {
            w.resume();
            return None;
        }
        let leased = db.held_by(&w.name).await;
        let unleased: Vec<_> = running.iter().filter(|v| !leased.contains(v)).collect();
        assert!(unleased.is_empty(), "running without a lease: {unleased:?}");
        Some(running)
    };
    let held = wait_for(DEADLINE, "pipelines running", || w.logs(), probe).await;
    worker.kill();
    eprintln!("SIGKILLed {} running {} jobs", worker.name, held.len());
    held
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_postgres_workers_one_killed_one_stopped_finish_every_job_once() {
    let fresh = support::pg::fresh_database().await;
    let dir = scratch();
    let heimdex = Heimdex::postgres(&fresh.url, &dir);
    heimdex.run(&["migrate"]);
    let files = small_files(&dir.join("files"), PG_N);
    let ids = heimdex.enqueue(&files, 250);
    let db = Db::Pg(PgPool::connect(&fresh.url).await.unwrap());
    let args = drill_args("4");
    let mut w1 = heimdex.spawn_worker("pg-w1", &args);
    let mut w2 = heimdex.spawn_worker("pg-w2", &args);
    let mut w3 = heimdex.spawn_worker("pg-w3", &args);

    until(&db, "50 READY", |ready, _| ready >= 50, &[&w1, &w2, &w3]).await;
    let held = kill_holding(&db, &mut w1).await;
    until(&db, "400 READY", |ready, _| ready >= 400, &[&w2, &w3]).await;
    let stopped = w2.stop().await;
    until(&db, "all done", |_, done| done == PG_N, &[&w1, &w2, &w3]).await;
    let last = w3.stop().await;

    check(&db, &ids, &w1.name, &held, &[stopped, last]).await;
    if let Db::Pg(pool) = db {
        pool.close().await;
    }
    fresh.remove().await;
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn embedded_store_worker_killed_and_restarted_finishes_every_job_once() {
    let dir = scratch();
    let file = dir.join("heimdex.db");
    let heimdex = Heimdex::embedded(&file, &dir);
    heimdex.run(&["migrate"]);
    let files = small_files(&dir.join("files"), LITE_N);
    let ids = heimdex.enqueue(&files, 300);
    let options = SqliteConnectOptions::new()
        .filename(&file)
        .busy_timeout(Duration::from_secs(10));
    let db = Db::Lite(SqlitePool::connect_with(options).await.unwrap());
    let args = drill_args("4");
    let mut w1 = heimdex.spawn_worker("lite-w1", &args);
    let mut w2 = heimdex.spawn_worker("lite-w2", &args);

    until(&db, "30 READY", |ready, _| ready >= 30, &[&w1, &w2]).await;
    let held = kill_holding(&db, &mut w1).await;
    let mut restarted = heimdex.spawn_worker("lite-w1-restarted", &args);
    let all = [&w1, &w2, &restarted];
    until(&db, "all done", |_, done| done == LITE_N, &all).await;
    let finishers = [w2.stop().await, restarted.stop().await];

    check(&db, &ids, &w1.name, &held, &finishers).await;
    if let Db::Lite(pool) = db {
        pool.close().await;
    }
    std::fs::remove_dir_all(&dir).ok();
}
