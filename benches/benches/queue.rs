//! Job-queue benchmark on the local PostgreSQL: drain throughput and idle pickup latency.
//!
//! `cargo bench -p heimdex-benches --bench queue [-- --jobs N --samples S --quick]`
//!
//! Uses `DATABASE_URL` (default `postgres://postgres@127.0.0.1:5432/postgres`) only to create and
//! drop its own database `heimdex_bench_queue`. Every job has a real video row, so enqueue and
//! claim do the same timing writes as in production; the job itself is a no-op (the queue's cost,
//! not a pipeline's, is measured). Prints one line per measurement; `benches/README.md` keeps the
//! figures.
//!
//! - `raw`: N jobs queued, C tasks loop `claim` → `finish` (1 job per round trip each way), and
//!   `raw-batch`: the same with `claim_batch(32)` → `finish_batch`.
//! - `worker`: N jobs queued, then one [`Worker`] with concurrency C and a no-op pipeline drains
//!   them (timed from the first job start to the last job start + finish flush) — the figure to
//!   compare with Dramatiq (`benches/dramatiq_compare.sh`).
//! - `pickup`: an idle worker (poll interval 10 s, so only `LISTEN/NOTIFY` can wake it) and one
//!   job enqueued at a time: enqueue call → pipeline start, p50/p99.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use heimdex_adapters::postgres::queue::PgJobQueue;
use heimdex_adapters::worker::{Worker, WorkerConfig};
use heimdex_core::queue::{JobQueue, NewJob, RetryPolicy};
use heimdex_core::timing::NoopSink;
use heimdex_core::{
    Cancellation, Job, JobContext, JobOutcome, Pipeline, RunReport, TimingSink, VideoId, WorkerId,
};
use sqlx::postgres::PgPoolOptions;
use sqlx::PgPool;
use tokio::sync::{mpsc, Notify};

const DB: &str = "heimdex_bench_queue";

/// Records when each job started; wakes the bench once `target` jobs ran.
#[derive(Debug, Default)]
struct NoopPipeline {
    ran: AtomicUsize,
    target: AtomicUsize,
    first: Mutex<Option<Instant>>,
    all_done: Notify,
    started: Mutex<Option<mpsc::UnboundedSender<(VideoId, Instant)>>>,
}

#[async_trait]
impl Pipeline for NoopPipeline {
    async fn run(&self, job: Job, _sink: &dyn TimingSink, _cancel: &Cancellation) -> RunReport {
        let now = Instant::now();
        self.first.lock().unwrap().get_or_insert(now);
        if let Some(tx) = self.started.lock().unwrap().as_ref() {
            let _ = tx.send((job.video, now));
        }
        if self.ran.fetch_add(1, Ordering::SeqCst) + 1 == self.target.load(Ordering::SeqCst) {
            self.all_done.notify_one();
        }
        RunReport {
            outcome: JobOutcome::Succeeded,
            elapsed: Duration::ZERO,
            stages: Vec::new(),
            context: JobContext::new(job),
        }
    }
}

struct Args {
    jobs: usize,
    samples: usize,
    claimers: Vec<usize>,
}

fn args() -> Args {
    let mut a = Args {
        jobs: 20_000,
        samples: 300,
        claimers: vec![1, 4, 16],
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--jobs" => a.jobs = it.next().and_then(|v| v.parse().ok()).unwrap_or(a.jobs),
            "--samples" => a.samples = it.next().and_then(|v| v.parse().ok()).unwrap_or(a.samples),
            "--quick" => (a.jobs, a.samples) = (2_000, 50),
            _ => {} // `cargo bench` passes --bench
        }
    }
    a
}

async fn fresh_db() -> PgPool {
    let base = std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let admin = PgPoolOptions::new()
        .max_connections(1)
        .connect(&base)
        .await
        .expect("connect");
    sqlx::query(&format!("DROP DATABASE IF EXISTS {DB} WITH (FORCE)"))
        .execute(&admin)
        .await
        .unwrap();
    sqlx::query(&format!("CREATE DATABASE {DB}"))
        .execute(&admin)
        .await
        .unwrap();
    let url = match base.rsplit_once('/') {
        Some((server, _)) => format!("{server}/{DB}"),
        None => panic!("DATABASE_URL has no database part"),
    };
    let pool = PgPoolOptions::new()
        .max_connections(40)
        .connect(&url)
        .await
        .unwrap();
    heimdex_adapters::postgres::MIGRATOR
        .run(&pool)
        .await
        .unwrap();
    sqlx::query("INSERT INTO user_profiles (user_id, full_name) VALUES ($1, 'bench')")
        .bind(uuid::Uuid::nil())
        .execute(&pool)
        .await
        .unwrap();
    pool
}

/// Creates `n` videos and enqueues them (in batches, not timed).
async fn fill(pool: &PgPool, queue: &PgJobQueue, n: usize) {
    let ids: Vec<uuid::Uuid> = (0..n).map(|_| uuid::Uuid::new_v4()).collect();
    for chunk in ids.chunks(5_000) {
        sqlx::query(
            "INSERT INTO videos (id, owner_id, storage_path) \
             SELECT id, $2, 'bench.mp4' FROM unnest($1::uuid[]) AS id",
        )
        .bind(chunk)
        .bind(uuid::Uuid::nil())
        .execute(pool)
        .await
        .unwrap();
        let jobs: Vec<NewJob> = chunk
            .iter()
            .map(|id| NewJob {
                video: VideoId(*id),
                source: "bench.mp4".into(),
                owner: None,
            })
            .collect();
        queue.enqueue_batch(&jobs).await.unwrap();
    }
}

async fn reset(pool: &PgPool) {
    // One statement each: VACUUM cannot run inside the implicit transaction of a batch.
    for sql in [
        "TRUNCATE jobs",
        "DELETE FROM videos",
        "VACUUM ANALYZE jobs",
        "VACUUM ANALYZE videos",
    ] {
        sqlx::query(sql).execute(pool).await.unwrap();
    }
}

async fn raw(
    pool: &PgPool,
    queue: &Arc<PgJobQueue>,
    n: usize,
    claimers: usize,
    batch: usize,
) -> f64 {
    reset(pool).await;
    fill(pool, queue, n).await;
    let start = Instant::now();
    let tasks: Vec<_> = (0..claimers)
        .map(|c| {
            let q = Arc::clone(queue);
            tokio::spawn(async move {
                let w = WorkerId::new(format!("bench-{c}"));
                let lease = Duration::from_secs(60);
                let mut done = 0;
                loop {
                    let jobs = q.claim_batch(&w, lease, batch).await.unwrap();
                    if jobs.is_empty() {
                        return done;
                    }
                    let finished: Vec<_> = jobs
                        .into_iter()
                        .map(|j| (j, JobOutcome::Succeeded))
                        .collect();
                    done += q
                        .finish_batch(&finished)
                        .await
                        .into_iter()
                        .filter(Result::is_ok)
                        .count();
                }
            })
        })
        .collect();
    let mut done = 0;
    for t in tasks {
        done += t.await.unwrap();
    }
    assert_eq!(done, n, "every job finished exactly once");
    n as f64 / start.elapsed().as_secs_f64()
}

async fn worker(pool: &PgPool, queue: &Arc<PgJobQueue>, n: usize, concurrency: usize) -> f64 {
    reset(pool).await;
    fill(pool, queue, n).await;
    let pipeline = Arc::new(NoopPipeline::default());
    pipeline.target.store(n, Ordering::SeqCst);
    let config = WorkerConfig::default().with_concurrency(concurrency);
    let w = Worker::new(queue.clone(), pipeline.clone(), Arc::new(NoopSink), config);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(w.run(async move {
        let _ = stopped.await;
    }));
    pipeline.all_done.notified().await;
    let _ = stop.send(());
    let report = running.await.unwrap();
    let elapsed = pipeline.first.lock().unwrap().expect("a job ran").elapsed();
    assert_eq!(report.succeeded as usize, n, "{report:?}");
    n as f64 / elapsed.as_secs_f64()
}

async fn pickup(pool: &PgPool, queue: &Arc<PgJobQueue>, samples: usize) -> (f64, f64) {
    reset(pool).await;
    let listener = Arc::new(queue.listen().await.unwrap());
    let pipeline = Arc::new(NoopPipeline::default());
    let (tx, mut rx) = mpsc::unbounded_channel();
    *pipeline.started.lock().unwrap() = Some(tx);
    let config = WorkerConfig::default().with_poll_interval(Duration::from_secs(10));
    let w = Worker::new(queue.clone(), pipeline.clone(), Arc::new(NoopSink), config)
        .with_signal(listener);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(w.run(async move {
        let _ = stopped.await;
    }));
    tokio::time::sleep(Duration::from_millis(200)).await; // the worker is idle, waiting
    let mut latencies = Vec::with_capacity(samples);
    for _ in 0..samples {
        let video = VideoId::new_v4();
        sqlx::query("INSERT INTO videos (id, owner_id, storage_path) VALUES ($1, $2, 'b.mp4')")
            .bind(video.as_uuid())
            .bind(uuid::Uuid::nil())
            .execute(pool)
            .await
            .unwrap();
        let sent = Instant::now();
        queue
            .enqueue(NewJob {
                video,
                source: "b.mp4".into(),
                owner: None,
            })
            .await
            .unwrap();
        let (started_video, started) = tokio::time::timeout(Duration::from_secs(5), rx.recv())
            .await
            .expect("picked up")
            .unwrap();
        assert_eq!(started_video, video);
        latencies.push(started.duration_since(sent).as_secs_f64() * 1e3);
        tokio::time::sleep(Duration::from_millis(20)).await; // idle again before the next one
    }
    let _ = stop.send(());
    running.await.unwrap();
    latencies.sort_by(f64::total_cmp);
    (percentile(&latencies, 0.5), percentile(&latencies, 0.99))
}

/// Linear interpolation between closest ranks (PostgreSQL's `percentile_cont`) over sorted values.
fn percentile(sorted: &[f64], q: f64) -> f64 {
    let h = q * (sorted.len() - 1) as f64;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let a = args();
    let pool = fresh_db().await;
    let queue = Arc::new(PgJobQueue::new(pool.clone(), RetryPolicy::default()));
    println!(
        "# heimdex job queue, PostgreSQL, {} jobs per run, no-op job",
        a.jobs
    );
    for &c in &a.claimers {
        let r = raw(&pool, &queue, a.jobs, c, 1).await;
        println!("raw        claimers={c:<2} batch=1  jobs_per_s={r:.0}");
        let r = raw(&pool, &queue, a.jobs, c, 32).await;
        println!("raw-batch  claimers={c:<2} batch=32 jobs_per_s={r:.0}");
        let r = worker(&pool, &queue, a.jobs, c).await;
        println!("worker     concurrency={c:<2} jobs_per_s={r:.0}");
    }
    let (p50, p99) = pickup(&pool, &queue, a.samples).await;
    println!("pickup     idle worker, LISTEN/NOTIFY, poll 10 s, samples={} p50_ms={p50:.2} p99_ms={p99:.2}", a.samples);
    pool.close().await;
}
