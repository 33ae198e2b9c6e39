//! The [`SceneIndex`] port: the scenes a video was cut into, with what the pipeline learned about
//! each, stored for search (the `video_scenes` table).

use std::fmt;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::ids::VideoId;
use crate::phash::PerceptualHash;

/// One scene of a video as stored by the indexing stage.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SceneRecord {
    /// 0-based position in the video; unique per video.
    pub index: u32,
    /// Start, in seconds from the beginning of the video.
    pub start_s: f64,
    /// End, in seconds (not before `start_s`).
    pub end_s: f64,
    /// What is said during the scene (empty when nothing is).
    pub transcript: String,
    /// Where the scene's keyframe images were written.
    pub keyframes: Vec<String>,
    /// Frame quality score (brightness and sharpness), when computed.
    pub quality: Option<f64>,
    /// Text embedding of the transcript, when computed.
    pub embedding: Option<Vec<f32>>,
    /// Image embedding of the scene's best keyframe (`keyframes[0]`) from a CLIP-style model,
    /// when one is configured and the scene has a keyframe.
    pub image_embedding: Option<Vec<f32>>,
    /// Perceptual hash of the scene's best keyframe (`keyframes[0]`), when it has one: scenes
    /// that look alike have hashes a few bits apart ([`PerceptualHash::distance`]).
    pub perceptual_hash: Option<PerceptualHash>,
}

impl SceneRecord {
    /// A scene with times only.
    pub fn new(index: u32, start_s: f64, end_s: f64) -> Self {
        Self {
            index,
            start_s,
            end_s,
            transcript: String::new(),
            keyframes: Vec::new(),
            quality: None,
            embedding: None,
            image_embedding: None,
            perceptual_hash: None,
        }
    }

    /// Checks what every store requires: finite times with `0 ≤ start ≤ end`, a finite quality
    /// and finite embedding values (text and image).
    pub fn validate(&self) -> Result<()> {
        let bad = |why: &str| Err(Error::invalid(format!("scene {}: {why}", self.index)));
        if !(self.start_s.is_finite() && self.end_s.is_finite()) {
            return bad("times must be finite");
        }
        if self.start_s < 0.0 || self.end_s < self.start_s {
            return bad("times must satisfy 0 <= start_s <= end_s");
        }
        if self.quality.is_some_and(|q| !q.is_finite()) {
            return bad("quality must be finite");
        }
        if let Some(embedding) = &self.embedding {
            if embedding.iter().any(|v| !v.is_finite()) {
                return bad("embedding values must be finite");
            }
        }
        if let Some(embedding) = &self.image_embedding {
            if embedding.iter().any(|v| !v.is_finite()) {
                return bad("image embedding values must be finite");
            }
        }
        Ok(())
    }
}

/// Checks a whole set of scenes: each valid, and no index twice.
pub fn validate_scenes(scenes: &[SceneRecord]) -> Result<()> {
    let mut seen = std::collections::HashSet::with_capacity(scenes.len());
    for scene in scenes {
        scene.validate()?;
        if !seen.insert(scene.index) {
            return Err(Error::invalid(format!(
                "scene index {} appears twice",
                scene.index
            )));
        }
    }
    Ok(())
}

/// The fence of a scenes write: `Conflict` when `attempt` (a pipeline's; `None` for a write
/// outside a run) is older than `newest`, the latest attempt the video's row or its queue records.
pub fn check_attempt(video: VideoId, attempt: Option<u32>, newest: Option<i64>) -> Result<()> {
    match (attempt, newest) {
        (Some(attempt), Some(newest)) if i64::from(attempt) < newest => {
            Err(Error::Conflict(format!(
                "attempt {attempt} of video {video} was replaced by a newer attempt; its scenes are not written"
            )))
        }
        _ => Ok(()),
    }
}

/// A validated replacement of one video's scenes, for [`SceneIndex::write_scenes`].
#[derive(Clone, Copy, Debug)]
pub struct SceneWrite<'a> {
    /// The video.
    pub video: VideoId,
    /// The attempt writing them, when a pipeline run does: older attempts are refused.
    pub attempt: Option<u32>,
    /// The new scenes, valid, in any order.
    pub scenes: &'a [SceneRecord],
}

impl SceneWrite<'_> {
    /// `Conflict` when the write is fenced by an attempt older than `newest`, the latest attempt
    /// the video's row or the queue records.
    pub fn check(&self, newest: Option<i64>) -> Result<()> {
        check_attempt(self.video, self.attempt, newest)
    }
}

/// The scenes a stage prepared for indexing, left in the job's context.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct IndexedScenes(pub Vec<SceneRecord>);

/// Stores and reads a video's scenes.
#[cfg_attr(any(test, feature = "mock"), mockall::automock)]
#[async_trait]
pub trait SceneIndex: Send + Sync + fmt::Debug {
    /// Writes a validated replacement of a video's scenes in one step: what every store
    /// implements. Refused with `Conflict` (and nothing changes) when `write.attempt` is given
    /// and a newer attempt of the video exists (its row, or the queue, records a later one;
    /// [`SceneWrite::check`]); `NotFound` for an unknown video.
    async fn write_scenes<'a>(&self, write: SceneWrite<'a>) -> Result<()>;
    /// Replaces every scene of `video` with `scenes` in one step, once each passes
    /// [`SceneRecord::validate`] and no index repeats (`InvalidInput`, and nothing changes),
    /// fenced by `attempt` as [`SceneIndex::write_scenes`] says. The two calls below are the ones callers use.
    async fn replace_scenes_fenced(
        &self,
        video: VideoId,
        attempt: Option<u32>,
        scenes: &[SceneRecord],
    ) -> Result<()> {
        validate_scenes(scenes)?;
        let write = SceneWrite {
            video,
            attempt,
            scenes,
        };
        self.write_scenes(write).await
    }
    /// Replaces every scene of `video` with `scenes` in one step: re-running a video never
    /// duplicates its scenes. `NotFound` for an unknown video, `InvalidInput` for a bad scene
    /// (and then nothing changes).
    async fn replace_scenes(&self, video: VideoId, scenes: &[SceneRecord]) -> Result<()> {
        self.replace_scenes_fenced(video, None, scenes).await
    }
    /// [`SceneIndex::replace_scenes`] for the run of `attempt` (what a pipeline stage calls):
    /// `Conflict`, and nothing changes, once a newer attempt of the video exists, so a worker
    /// that lost its lease never overwrites the newer attempt's scenes.
    async fn replace_scenes_of_attempt(
        &self,
        video: VideoId,
        attempt: u32,
        scenes: &[SceneRecord],
    ) -> Result<()> {
        self.replace_scenes_fenced(video, Some(attempt), scenes)
            .await
    }
    /// The scenes of `video`, by index (empty when it has none or is unknown).
    async fn scenes(&self, video: VideoId) -> Result<Vec<SceneRecord>>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_out_of_order_negative_or_not_finite_are_rejected() {
        for (start, end) in [
            (2.0, 1.0),
            (-1.0, 1.0),
            (f64::NAN, 1.0),
            (0.0, f64::INFINITY),
        ] {
            assert!(
                SceneRecord::new(0, start, end).validate().is_err(),
                "{start} {end}"
            );
        }
        assert!(SceneRecord::new(0, 1.5, 1.5).validate().is_ok());
    }

    #[test]
    fn non_finite_quality_or_embedding_and_repeated_indexes_are_rejected() {
        let mut scene = SceneRecord::new(0, 0.0, 1.0);
        scene.quality = Some(f64::NAN);
        assert!(scene.validate().is_err());
        scene.quality = Some(0.5);
        scene.embedding = Some(vec![0.1, f32::INFINITY]);
        assert!(scene.validate().is_err());
        scene.embedding = None;
        scene.image_embedding = Some(vec![f32::NAN]);
        let err = scene.validate().unwrap_err();
        assert!(err.to_string().contains("image embedding"), "{err}");
        scene.image_embedding = None;
        let twice = [SceneRecord::new(3, 0.0, 1.0), SceneRecord::new(3, 1.0, 2.0)];
        let err = validate_scenes(&twice).unwrap_err();
        assert!(err.to_string().contains("appears twice"), "{err}");
    }
}
