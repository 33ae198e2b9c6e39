//! A job (one attempt at processing one video), its context and its outcome.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::failure::FailureKind;
use crate::ids::{UserId, VideoId};
use crate::stage_name::StageName;

/// One attempt at processing one video.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Job {
    /// The video being processed.
    pub video: VideoId,
    /// 1 for the first attempt, incremented on every retry or redelivery.
    pub attempt: u32,
    /// Where the source lives (local path or URI).
    pub source: String,
    /// The video's owner, when known.
    pub owner: Option<UserId>,
}

impl Job {
    /// The first attempt at `video` from `source`.
    pub fn new(video: VideoId, source: impl Into<String>) -> Self {
        Self {
            video,
            attempt: 1,
            source: source.into(),
            owner: None,
        }
    }
}

/// How a whole job ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum JobOutcome {
    /// Every required stage succeeded: the video is READY.
    Succeeded,
    /// A required stage failed: the video is FAILED and `stage` is kept as its `processing_stage`.
    Failed {
        /// The stage that failed.
        stage: StageName,
        /// Why, as a tag.
        kind: FailureKind,
        /// The message stored in `error_message`.
        message: String,
    },
}

impl JobOutcome {
    /// True for [`JobOutcome::Succeeded`].
    pub fn is_success(&self) -> bool {
        matches!(self, JobOutcome::Succeeded)
    }

    /// For a failure, what a queue stores as the job's last error (`stage: message`) and the
    /// failure's kind; `None` for success.
    pub fn failure(&self) -> Option<(String, FailureKind)> {
        match self {
            JobOutcome::Succeeded => None,
            JobOutcome::Failed {
                stage,
                kind,
                message,
            } => Some((format!("{stage}: {message}"), *kind)),
        }
    }
}

/// What the stages of one job share: the job, and typed values stages leave for later stages
/// (metadata, scenes, transcript…), keyed by type.
pub struct JobContext {
    /// The job being run.
    pub job: Job,
    values: HashMap<TypeId, Box<dyn Any + Send + Sync>>,
}

impl JobContext {
    /// An empty context for `job`.
    pub fn new(job: Job) -> Self {
        Self {
            job,
            values: HashMap::new(),
        }
    }

    /// Stores `value`, replacing (and returning) any earlier value of the same type.
    pub fn insert<T: Any + Send + Sync>(&mut self, value: T) -> Option<T> {
        self.values
            .insert(TypeId::of::<T>(), Box::new(value))
            .and_then(|old| old.downcast::<T>().ok().map(|b| *b))
    }

    /// The value of type `T`, if a stage stored one.
    pub fn get<T: Any + Send + Sync>(&self) -> Option<&T> {
        self.values.get(&TypeId::of::<T>())?.downcast_ref::<T>()
    }

    /// Mutable access to the value of type `T`.
    pub fn get_mut<T: Any + Send + Sync>(&mut self) -> Option<&mut T> {
        self.values.get_mut(&TypeId::of::<T>())?.downcast_mut::<T>()
    }

    /// Removes and returns the value of type `T`.
    pub fn remove<T: Any + Send + Sync>(&mut self) -> Option<T> {
        self.values
            .remove(&TypeId::of::<T>())
            .and_then(|old| old.downcast::<T>().ok().map(|b| *b))
    }
}

impl fmt::Debug for JobContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JobContext")
            .field("job", &self.job)
            .field("values", &self.values.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq)]
    struct Duration(f64);

    #[test]
    fn a_failure_is_stored_as_stage_and_message_with_its_kind() {
        let failed = JobOutcome::Failed {
            stage: StageName::new("transcription").unwrap(),
            kind: FailureKind::Model,
            message: "no model".into(),
        };
        assert_eq!(
            failed.failure(),
            Some(("transcription: no model".to_owned(), FailureKind::Model))
        );
        assert_eq!(JobOutcome::Succeeded.failure(), None);
    }

    #[test]
    fn context_keeps_one_value_per_type() {
        let mut ctx = JobContext::new(Job::new(VideoId::new_v4(), "a.mp4"));
        assert!(ctx.insert(Duration(1.0)).is_none());
        assert_eq!(ctx.insert(Duration(2.0)), Some(Duration(1.0)));
        ctx.get_mut::<Duration>().unwrap().0 += 1.0;
        assert_eq!(ctx.get::<Duration>(), Some(&Duration(3.0)));
        assert_eq!(ctx.remove::<Duration>(), Some(Duration(3.0)));
        assert!(ctx.get::<Duration>().is_none());
    }
}
