//! The one definition of how a [`TimingEvent`] changes a video row (docs/spec.md#timing-events),
//! used by every store: the in-memory store applies it directly, the embedded and PostgreSQL
//! timing writers load the batch's rows, apply it in Rust and write them back (through
//! [`apply_fenced`], which also honours the queue's latest claim). The sink conformance suite
//! holds them together.
//!
//! | event | effect on the `videos` row |
//! |---|---|
//! | `JobQueued` | `queued_at = at`, `processing_stage = 'queued'` (no attempt guard) |
//! | `JobStarted{attempt}` | stale if `processing_attempt > attempt`; else `processing_attempt = attempt`, `processing_started_at = at`, `status = PROCESSING`, `error_message`, `processing_finished_at`, `processing_duration_ms` cleared |
//! | `StageStarted` | stale unless `attempt = processing_attempt` (or it is null); `processing_stage = stage` |
//! | `StageFinished` | nothing (its history row comes from [`stage_timing_row`]) |
//! | `JobFinished` | same guard; success: `READY`, stage `completed`; failure: `FAILED`, `error_message` (500 characters at most), stage = the stage that failed (never `failed`); both set `processing_finished_at = at` and `processing_duration_ms` |
//! | `JobInterrupted` | same guard; `PENDING`, stage `queued`, `error_message`, `processing_finished_at`, `processing_duration_ms` cleared (the job is queued again; nothing failed) |
//! | `JobBuried` | stale if `processing_attempt > attempt`; a `PENDING` or `PROCESSING` row becomes `FAILED` with `error_message = reason`, `processing_finished_at = at`, `processing_duration_ms` null, stage kept; a READY or FAILED row is left alone |
//!
//! Every change sets `updated_at = written_at`. An event accepted on a row whose
//! `processing_attempt` is null also sets `processing_attempt` to its attempt, so a later event of
//! an older attempt is recognised as stale. Timestamps are cut to whole microseconds, durations to
//! whole milliseconds (truncated). A rejected or stale event leaves the row exactly as it was: the
//! function checks everything before it writes anything.

use std::time::Duration;

use crate::job::JobOutcome;
use crate::record::{clip_error_message, StageTimingRecord, VideoRecord};
use crate::stage::{Outcome, StageName};
use crate::status::VideoStatus;
use crate::time::{truncate_micros, Timestamp};
use crate::timing::TimingEvent;

/// What an accepted event did to the row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applied {
    /// The row changed (and `updated_at` moved).
    Updated,
    /// The event does not touch the video row (`StageFinished`, or `JobBuried` on a finished row).
    Unchanged,
    /// The event belongs to an older attempt than `processing_attempt`; the row was left alone.
    Stale,
}

/// Why an event was refused. A refused event never changes a row; stores count and log it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Rejected {
    /// The event is about another video than the row it was applied to.
    #[error("event for video {event} applied to row {row}")]
    WrongVideo {
        /// The event's video.
        event: crate::ids::VideoId,
        /// The row's video.
        row: crate::ids::VideoId,
    },
    /// Attempts are 1-based and stored as a 32-bit integer.
    #[error("attempt {0} is outside 1..=2147483647")]
    AttemptOutOfRange(u32),
    /// The elapsed time does not fit the `integer` milliseconds column.
    #[error("elapsed time {0:?} does not fit in i32 milliseconds")]
    ElapsedOutOfRange(Duration),
    /// The end is earlier than the start (a job finished before its attempt started, or a stage
    /// ended before it began).
    #[error("finished at {finished} before it started at {started}")]
    FinishedBeforeStart {
        /// The recorded start.
        started: Timestamp,
        /// The event's end.
        finished: Timestamp,
    },
}

/// Applies `event` to `video`, stamping any change with `written_at`. On `Err` and on
/// `Ok(Applied::Stale)` the row is untouched.
pub fn apply_to_video(
    video: &mut VideoRecord,
    event: &TimingEvent,
    written_at: Timestamp,
) -> Result<Applied, Rejected> {
    if event.video() != video.id {
        return Err(Rejected::WrongVideo {
            event: event.video(),
            row: video.id,
        });
    }
    match event {
        TimingEvent::JobQueued { at, .. } => {
            video.queued_at = Some(truncate_micros(*at));
            video.processing_stage = Some(StageName::QUEUED.as_str().to_owned());
        }
        TimingEvent::JobStarted { attempt, at, .. } => {
            let attempt = attempt_i32(*attempt)?;
            if video
                .processing_attempt
                .is_some_and(|current| current > attempt)
            {
                return Ok(Applied::Stale);
            }
            video.processing_attempt = Some(attempt);
            video.processing_started_at = Some(truncate_micros(*at));
            video.status = VideoStatus::Processing;
            video.error_message = None;
            video.processing_finished_at = None;
            video.processing_duration_ms = None;
        }
        TimingEvent::StageStarted { attempt, stage, .. } => {
            let attempt = attempt_i32(*attempt)?;
            if !current_attempt(video, attempt) {
                return Ok(Applied::Stale);
            }
            video.processing_attempt = Some(attempt);
            video.processing_stage = Some(stage.as_str().to_owned());
        }
        TimingEvent::StageFinished { .. } => {
            // Validated like the row it produces, so a store never writes half of an event.
            stage_row(event)?;
            return Ok(Applied::Unchanged);
        }
        TimingEvent::JobFinished {
            attempt,
            at,
            elapsed,
            outcome,
            ..
        } => {
            let attempt = attempt_i32(*attempt)?;
            let ms = elapsed_ms(*elapsed)?;
            if !current_attempt(video, attempt) {
                return Ok(Applied::Stale);
            }
            let finished = truncate_micros(*at);
            if let Some(started) = video.processing_started_at.filter(|s| *s > finished) {
                return Err(Rejected::FinishedBeforeStart { started, finished });
            }
            video.processing_attempt = Some(attempt);
            video.processing_finished_at = Some(finished);
            video.processing_duration_ms = Some(ms);
            match outcome {
                JobOutcome::Succeeded => {
                    video.status = VideoStatus::Ready;
                    video.processing_stage = Some(StageName::COMPLETED.as_str().to_owned());
                    video.error_message = None;
                }
                JobOutcome::Failed { stage, message, .. } => {
                    video.status = VideoStatus::Failed;
                    video.processing_stage = Some(stage.as_str().to_owned());
                    video.error_message = Some(clip_error_message(message));
                }
            }
        }
        TimingEvent::JobInterrupted { attempt, .. } => {
            let attempt = attempt_i32(*attempt)?;
            if !current_attempt(video, attempt) {
                return Ok(Applied::Stale);
            }
            video.processing_attempt = Some(attempt);
            video.status = VideoStatus::Pending;
            video.processing_stage = Some(StageName::QUEUED.as_str().to_owned());
            video.error_message = None;
            video.processing_finished_at = None;
            video.processing_duration_ms = None;
        }
        TimingEvent::JobBuried {
            attempt,
            at,
            reason,
            ..
        } => {
            let attempt = attempt_i32(*attempt)?;
            if video
                .processing_attempt
                .is_some_and(|current| current > attempt)
            {
                return Ok(Applied::Stale);
            }
            if video.status.is_finished() {
                return Ok(Applied::Unchanged);
            }
            video.status = VideoStatus::Failed;
            video.error_message = Some(clip_error_message(reason));
            video.processing_finished_at = Some(truncate_micros(*at));
            video.processing_duration_ms = None;
        }
    }
    video.updated_at = truncate_micros(written_at);
    Ok(Applied::Updated)
}

/// [`apply_to_video`] behind the queue's fence: `newest_claim` is the latest attempt the queue
/// has handed out for the video (`jobs.attempt`). An event of an older attempt is stale whatever
/// the row says, so a worker that lost its lease cannot overwrite the newer attempt's status
/// even before the newer attempt's first event is written. Its stage row is still written by
/// the stores (keyed by its own attempt), as for any stale event.
pub fn apply_fenced(
    video: &mut VideoRecord,
    event: &TimingEvent,
    written_at: Timestamp,
    newest_claim: Option<i32>,
) -> Result<Applied, Rejected> {
    let older = event
        .attempt()
        .zip(newest_claim)
        .is_some_and(|(attempt, newest)| i64::from(attempt) < i64::from(newest));
    if older && event.video() == video.id {
        return Ok(Applied::Stale);
    }
    apply_to_video(video, event, written_at)
}

/// The `video_stage_timings` row an event writes, keyed by `(video_id, attempt, stage)`:
/// `StageStarted` gives the row with `finished_at`, `duration_ms` and `outcome` null (a stage in
/// progress), `StageFinished` the complete row (replacing the started one; a failure's `error` is
/// clipped to 500 characters like `error_message`). Every other event, and an event that
/// [`apply_to_video`] would reject, gives `None`.
///
/// Stores write this row for every event `apply_to_video` accepted, stale ones included: the
/// stages of an older attempt did run, and their rows are keyed by that attempt.
pub fn stage_timing_row(event: &TimingEvent) -> Option<StageTimingRecord> {
    stage_row(event).ok().flatten()
}

fn stage_row(event: &TimingEvent) -> Result<Option<StageTimingRecord>, Rejected> {
    match event {
        TimingEvent::StageStarted {
            video,
            attempt,
            stage,
            at,
        } => Ok(Some(StageTimingRecord {
            video_id: *video,
            attempt: attempt_i32(*attempt)?,
            stage: stage.clone(),
            started_at: truncate_micros(*at),
            finished_at: None,
            duration_ms: None,
            outcome: None,
            error: None,
        })),
        TimingEvent::StageFinished {
            video,
            attempt,
            stage,
            started_at,
            finished_at,
            elapsed,
            outcome,
        } => {
            let (started, finished) = (truncate_micros(*started_at), truncate_micros(*finished_at));
            if finished < started {
                return Err(Rejected::FinishedBeforeStart { started, finished });
            }
            Ok(Some(StageTimingRecord {
                video_id: *video,
                attempt: attempt_i32(*attempt)?,
                stage: stage.clone(),
                started_at: started,
                finished_at: Some(finished),
                duration_ms: Some(elapsed_ms(*elapsed)?),
                outcome: Some(outcome.as_str().to_owned()),
                error: match outcome {
                    Outcome::Ok => None,
                    Outcome::Failed { message, .. } => Some(clip_error_message(message)),
                },
            }))
        }
        _ => Ok(None),
    }
}

/// True when `attempt` is the row's attempt, or the row has none yet.
fn current_attempt(video: &VideoRecord, attempt: i32) -> bool {
    video
        .processing_attempt
        .is_none_or(|current| current == attempt)
}

fn attempt_i32(attempt: u32) -> Result<i32, Rejected> {
    i32::try_from(attempt)
        .ok()
        .filter(|a| *a >= 1)
        .ok_or(Rejected::AttemptOutOfRange(attempt))
}

/// Whole milliseconds (truncated), if they fit the `integer` column.
fn elapsed_ms(elapsed: Duration) -> Result<i32, Rejected> {
    i32::try_from(elapsed.as_millis()).map_err(|_| Rejected::ElapsedOutOfRange(elapsed))
}

#[cfg(test)]
#[path = "apply_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "apply_end_tests.rs"]
mod end_tests;
