//! The queue's writes on the embedded store's `videos` rows (docs/spec.md#stages). They never fail
//! a queue operation: a failure is logged and the operation goes on.
//!
//! The store keeps ids as hyphenated UUID text and instants as INTEGER microseconds since the
//! Unix epoch (`migrations/embedded/0001_metrics_schema.sql`).

use heimdex_core::record::clip_error_message;
use heimdex_core::time::Timestamp;
use heimdex_core::VideoId;
use sqlx::SqliteConnection;

/// `videos.id` as the embedded store keeps it.
pub(super) fn video_key(video: VideoId) -> String {
    video.to_string()
}

/// Enqueue timing: `queued_at = at`, `processing_stage = 'queued'`.
pub(super) async fn mark_queued(conn: &mut SqliteConnection, video: VideoId, at: Timestamp) {
    let written = sqlx::query(
        "UPDATE videos SET queued_at = ?2, processing_stage = 'queued', updated_at = ?2 WHERE id = ?1",
    )
    .bind(video_key(video))
    .bind(at.timestamp_micros())
    .execute(conn)
    .await;
    if let Err(err) = written {
        tracing::warn!(%video, error = %err, "could not write queued_at; the job is enqueued anyway");
    }
}

/// A retry, release or redelivery: queue time counts from when the job became claimable.
pub(super) async fn move_queued_at(
    conn: &mut SqliteConnection,
    video: VideoId,
    at: Timestamp,
) -> bool {
    let written = sqlx::query("UPDATE videos SET queued_at = ?2, updated_at = ?3 WHERE id = ?1")
        .bind(video_key(video))
        .bind(at.timestamp_micros())
        .bind(heimdex_core::time::now().timestamp_micros())
        .execute(conn)
        .await;
    match written {
        Ok(_) => true,
        Err(err) => {
            tracing::warn!(%video, error = %err, "could not write queued_at of a retry");
            false
        }
    }
}

/// A buried job's video becomes FAILED with the reason; its `processing_stage` is kept and the
/// unknown duration of an attempt nobody finished is cleared.
pub(super) async fn mark_failed(
    conn: &mut SqliteConnection,
    video: VideoId,
    reason: &str,
    at: Timestamp,
) {
    let written = sqlx::query(
        "UPDATE videos SET status = 'FAILED', error_message = ?2, processing_finished_at = ?3, \
         processing_duration_ms = NULL, updated_at = ?4 \
         WHERE id = ?1 AND status IN ('PENDING', 'PROCESSING')",
    )
    .bind(video_key(video))
    .bind(clip_error_message(reason))
    .bind(at.timestamp_micros())
    .bind(heimdex_core::time::now().timestamp_micros())
    .execute(conn)
    .await;
    if let Err(err) = written {
        tracing::warn!(%video, error = %err, "could not mark the video of a dead job FAILED");
    }
}
