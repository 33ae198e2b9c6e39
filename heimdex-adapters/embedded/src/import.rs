//! Bulk import of a [`Dataset`]: one transaction, multi-row `INSERT`s.
//!
//! SQLite allows 32,766 bound values per statement; rows go in chunks that stay well below it, so
//! 10,000 videos take a handful of statements.

use async_trait::async_trait;
use heimdex_core::record::Dataset;
use heimdex_core::testkit::Import;
use heimdex_core::{Error, Result};
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};

use super::error::db;
use super::rows::{micros, opt_micros, uuid_text};
use super::EmbeddedStore;

/// Rows per statement (18 values per video row: 9,000 values).
const CHUNK: usize = 500;

#[async_trait]
impl Import for EmbeddedStore {
    /// One transaction, multi-row inserts. Rows are inserted exactly as given (timestamps cut to
    /// microseconds). All or nothing: a key already taken is `Conflict`, a row whose owner, user
    /// or video is missing `NotFound`.
    async fn import(&self, data: &Dataset) -> Result<()> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
        profiles(&mut tx, data).await?;
        videos(&mut tx, data).await?;
        searches(&mut tx, data).await?;
        stage_timings(&mut tx, data).await?;
        tx.commit().await.map_err(db)
    }
}

/// Runs one insert. A missing parent (owner, user or video) is `NotFound`, as in the other stores.
async fn execute(conn: &mut SqliteConnection, mut qb: QueryBuilder<'_, Sqlite>) -> Result<()> {
    qb.build().execute(conn).await.map_err(|e| {
        let missing_parent = matches!(&e, sqlx::Error::Database(d)
            if d.kind() == sqlx::error::ErrorKind::ForeignKeyViolation);
        if missing_parent {
            Error::not_found("the owner, user or video an imported row refers to")
        } else {
            db(e)
        }
    })?;
    Ok(())
}

async fn profiles(conn: &mut SqliteConnection, data: &Dataset) -> Result<()> {
    for chunk in data.profiles.chunks(CHUNK) {
        let mut qb = QueryBuilder::new(
            "INSERT INTO user_profiles (user_id, full_name, created_at, updated_at) ",
        );
        qb.push_values(chunk, |mut b, p| {
            b.push_bind(uuid_text(p.user_id.0))
                .push_bind(p.full_name.clone())
                .push_bind(micros(p.created_at))
                .push_bind(micros(p.updated_at));
        });
        execute(conn, qb).await?;
    }
    Ok(())
}

async fn videos(conn: &mut SqliteConnection, data: &Dataset) -> Result<()> {
    for chunk in data.videos.chunks(CHUNK) {
        let mut qb = QueryBuilder::new(
            "INSERT INTO videos (id, owner_id, storage_path, filename, status, duration_s, \
             frame_rate, width, height, error_message, created_at, updated_at, queued_at, \
             processing_started_at, processing_finished_at, processing_duration_ms, \
             processing_stage, processing_attempt) ",
        );
        qb.push_values(chunk, |mut b, v| {
            b.push_bind(uuid_text(v.id.0))
                .push_bind(uuid_text(v.owner_id.0))
                .push_bind(v.storage_path.clone())
                .push_bind(v.filename.clone())
                .push_bind(v.status.as_str())
                .push_bind(v.duration_s)
                .push_bind(v.frame_rate)
                .push_bind(v.width)
                .push_bind(v.height)
                .push_bind(v.error_message.clone())
                .push_bind(micros(v.created_at))
                .push_bind(micros(v.updated_at))
                .push_bind(opt_micros(v.queued_at))
                .push_bind(opt_micros(v.processing_started_at))
                .push_bind(opt_micros(v.processing_finished_at))
                .push_bind(v.processing_duration_ms)
                .push_bind(v.processing_stage.clone())
                .push_bind(v.processing_attempt);
        });
        execute(conn, qb).await?;
    }
    Ok(())
}

async fn searches(conn: &mut SqliteConnection, data: &Dataset) -> Result<()> {
    for chunk in data.searches.chunks(CHUNK) {
        let mut qb = QueryBuilder::new(
            "INSERT INTO search_queries \
             (id, user_id, video_id, query_text, results_count, latency_ms, created_at) ",
        );
        qb.push_values(chunk, |mut b, s| {
            b.push_bind(uuid_text(s.id.0))
                .push_bind(s.user_id.map(|u| uuid_text(u.0)))
                .push_bind(s.video_id.map(|v| uuid_text(v.0)))
                .push_bind(s.query_text.clone())
                .push_bind(s.results_count)
                .push_bind(s.latency_ms)
                .push_bind(micros(s.created_at));
        });
        execute(conn, qb).await?;
    }
    Ok(())
}

async fn stage_timings(conn: &mut SqliteConnection, data: &Dataset) -> Result<()> {
    for chunk in data.stage_timings.chunks(CHUNK) {
        let mut qb = QueryBuilder::new(
            "INSERT INTO video_stage_timings \
             (video_id, attempt, stage, started_at, finished_at, duration_ms, outcome, error) ",
        );
        qb.push_values(chunk, |mut b, t| {
            b.push_bind(uuid_text(t.video_id.0))
                .push_bind(t.attempt)
                .push_bind(t.stage.as_str().to_owned())
                .push_bind(micros(t.started_at))
                .push_bind(opt_micros(t.finished_at))
                .push_bind(t.duration_ms)
                .push_bind(t.outcome.clone())
                .push_bind(t.error.clone());
        });
        execute(conn, qb).await?;
    }
    Ok(())
}
