//! Seeded random datasets with every awkward case the metrics must handle, for comparing stores
//! with each other ([`assert_same_answers`]) and with naive references.

use chrono::TimeDelta;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use uuid::{Builder, Uuid};

use crate::ids::{SearchId, UserId, VideoId};
use crate::record::{Dataset, SearchRecord, StageTimingRecord, UserProfile, VideoRecord};
use crate::stage::StageName;
use crate::status::VideoStatus;
use crate::time::{truncate_micros, Timestamp};

pub use super::compare::assert_same_answers;

const DAY_US: i64 = 86_400_000_000;
/// Windowed timestamps keep this far from every `now − k days`.
const MARGIN_US: i64 = 60_000_000;

/// `videos` random videos of about `videos / 20 + 3` profiles (some with nothing), twice as many
/// searches and a few stage rows per video, spread over the `days` days before `now` (and a few in
/// the hour after it), always the same for the same arguments.
///
/// It holds: every status, READY/FAILED rows without finish time (completion falls back to
/// `updated_at`), without start or queue time, without `processing_duration_ms`, with zero
/// durations and zero or missing `duration_s`, FAILED rows without a stage; repeated values (ties
/// in every percentile and sort); searches without user or latency; running, failed and cancelled stage rows.
/// Media durations are multiples of 0.25 s, so sums of them are exact in any order.
///
/// Every timestamp a window looks at (finish, completion, search and stage-finish times) is at
/// least a minute away from every `now − k days`, so stores queried within a minute of each other
/// (or of `now`) see the same rows in every window.
pub fn random_dataset(seed: u64, videos: usize, days: i64, now: Timestamp) -> Dataset {
    let mut g = Gen {
        rng: StdRng::seed_from_u64(seed),
        now: truncate_micros(now),
        days: days.max(1),
    };
    let profiles: Vec<UserProfile> = (0..videos / 20 + 3).map(|i| g.profile(i)).collect();
    let owners: Vec<UserId> = profiles.iter().map(|p| p.user_id).skip(1).collect(); // profile 0 owns nothing
    let video_rows: Vec<VideoRecord> = (0..videos)
        .map(|i| {
            let owner = *owners.choose(&mut g.rng).expect("owners");
            g.video(i, owner)
        })
        .collect();
    let searches = (0..videos * 2)
        .map(|_| g.search(&profiles, &video_rows))
        .collect();
    let stage_timings = video_rows.iter().flat_map(|v| g.stages(v)).collect();
    Dataset {
        profiles,
        videos: video_rows,
        searches,
        stage_timings,
    }
}

struct Gen {
    rng: StdRng,
    now: Timestamp,
    days: i64,
}

impl Gen {
    fn uuid(&mut self) -> Uuid {
        Builder::from_random_bytes(self.rng.gen()).into_uuid()
    }

    /// A windowed instant: in the `days` days before `now` (1 in 50 in the hour after it), never
    /// within [`MARGIN_US`] of a whole number of days before `now`.
    fn instant(&mut self) -> Timestamp {
        if self.rng.gen_ratio(1, 50) {
            return self.now
                + TimeDelta::microseconds(self.rng.gen_range(MARGIN_US..3_600_000_000));
        }
        let day = self.rng.gen_range(0..self.days);
        // Whole seconds half of the time, so that instants repeat and tie.
        let within = if self.rng.gen_bool(0.5) {
            self.rng
                .gen_range(MARGIN_US / 1_000_000..(DAY_US - MARGIN_US) / 1_000_000)
                * 1_000_000
        } else {
            self.rng.gen_range(MARGIN_US..DAY_US - MARGIN_US)
        };
        self.now - TimeDelta::microseconds(day * DAY_US + within)
    }

    fn micros(&mut self, max_s: i64) -> TimeDelta {
        TimeDelta::microseconds(self.rng.gen_range(0..=max_s * 1_000_000))
    }

    fn maybe<T>(&mut self, p_none: f64, value: T) -> Option<T> {
        (!self.rng.gen_bool(p_none)).then_some(value)
    }

    fn profile(&mut self, i: usize) -> UserProfile {
        let at = self.now - TimeDelta::days(self.days + 30);
        UserProfile {
            user_id: UserId(self.uuid()),
            full_name: format!("user {i}"),
            created_at: at,
            updated_at: at,
        }
    }

    fn video(&mut self, i: usize, owner: UserId) -> VideoRecord {
        let status = *[
            VideoStatus::Ready,
            VideoStatus::Ready,
            VideoStatus::Ready,
            VideoStatus::Failed,
            VideoStatus::Failed,
            VideoStatus::Pending,
            VideoStatus::Processing,
        ]
        .choose(&mut self.rng)
        .expect("statuses");
        let mut v = VideoRecord::pending(
            VideoId(self.uuid()),
            owner,
            format!("uploads/{i}.mp4"),
            self.now,
        );
        v.filename = self.maybe(0.2, format!("{i}.mp4"));
        v.duration_s = match self.rng.gen_range(0..20) {
            0 | 1 => None,
            2 => Some(0.0),
            3 => Some(1800.0), // a common length: ties
            _ => Some(f64::from(self.rng.gen_range(1..=4 * 7200)) * 0.25),
        };
        let ms = match self.rng.gen_range(0..20) {
            0 => 0,
            1..=5 => [1_000, 60_000, 3_000_000]
                .choose(&mut self.rng)
                .copied()
                .expect("ms"),
            _ => self.rng.gen_range(1..=5_000_000),
        };
        v.status = status;
        let anchor = self.instant();
        match status {
            VideoStatus::Pending => {
                v.queued_at = self.maybe(0.5, anchor);
                v.updated_at = anchor;
            }
            VideoStatus::Processing => {
                let started = anchor;
                v.processing_started_at = self.maybe(0.1, started);
                let wait = self.micros(600);
                v.queued_at = self.maybe(0.1, started - wait);
                v.processing_stage = self.maybe(0.2, "transcription".into());
                v.processing_attempt = Some(self.rng.gen_range(1..=3));
                v.updated_at = started;
            }
            VideoStatus::Ready | VideoStatus::Failed => {
                let finished = self.maybe(0.1, anchor);
                let processing = TimeDelta::milliseconds(i64::from(ms));
                let started = anchor - processing;
                v.processing_finished_at = finished;
                v.processing_started_at = self.maybe(0.1, started);
                let wait = self.micros(900);
                v.queued_at = self.maybe(0.15, started - wait);
                v.processing_duration_ms = self.maybe(0.1, ms);
                v.processing_attempt = Some(self.rng.gen_range(1..=3));
                // Later writes move updated_at, but not the completion time of a timed row.
                v.updated_at = if finished.is_some() {
                    anchor + self.micros(7200)
                } else {
                    anchor
                };
                if status == VideoStatus::Ready {
                    v.processing_stage = Some("completed".into());
                } else {
                    let stages = [
                        "downloading",
                        "metadata",
                        "transcription",
                        "scene_detection",
                        "indexing",
                    ];
                    let stage = stages.choose(&mut self.rng).expect("stages").to_string();
                    v.processing_stage = self.maybe(0.15, stage);
                    v.error_message = Some(format!("failure {i}"));
                }
            }
        }
        v.created_at = v.queued_at.unwrap_or(v.updated_at).min(v.updated_at) - self.micros(3600);
        v
    }

    fn search(&mut self, profiles: &[UserProfile], videos: &[VideoRecord]) -> SearchRecord {
        let user = profiles.choose(&mut self.rng).map(|p| p.user_id);
        let video = videos.choose(&mut self.rng).map(|v| v.id);
        let latency = if self.rng.gen_bool(0.3) {
            100
        } else {
            self.rng.gen_range(0..=2_000)
        };
        let results = self.rng.gen_range(0..50);
        SearchRecord {
            id: SearchId(self.uuid()),
            user_id: user.and_then(|u| self.maybe(0.15, u)),
            video_id: video.and_then(|v| self.maybe(0.7, v)),
            query_text: format!("query {}", self.rng.gen_range(0..100)),
            results_count: self.maybe(0.1, results),
            latency_ms: self.maybe(0.15, latency),
            created_at: self.instant(),
        }
    }

    /// Up to four distinct stages of the video's attempt, some running, some failed or cancelled.
    fn stages(&mut self, v: &VideoRecord) -> Vec<StageTimingRecord> {
        let Some(attempt) = v.processing_attempt else {
            return Vec::new();
        };
        let mut names = [
            "downloading",
            "metadata",
            "transcription",
            "scene_processing",
            "indexing",
            "ocr_v2",
        ];
        names.shuffle(&mut self.rng);
        let count = self.rng.gen_range(0..=4);
        names[..count]
            .iter()
            .map(|name| {
                let running = self.rng.gen_ratio(1, 10);
                let ms = if self.rng.gen_bool(0.2) {
                    0
                } else {
                    self.rng.gen_range(1..=900_000)
                };
                let finished = self.instant();
                StageTimingRecord {
                    video_id: v.id,
                    attempt,
                    stage: StageName::new(*name).expect("valid stage"),
                    started_at: finished - TimeDelta::milliseconds(i64::from(ms)),
                    finished_at: (!running).then_some(finished),
                    duration_ms: (!running).then_some(ms),
                    outcome: (!running).then(|| {
                        match self.rng.gen_range(0..16) {
                            0 | 1 => "failed",
                            2 => "cancelled",
                            _ => "ok",
                        }
                        .to_owned()
                    }),
                    error: None,
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_rows() {
        let now = crate::time::now();
        assert_eq!(
            random_dataset(7, 200, 30, now),
            random_dataset(7, 200, 30, now)
        );
        assert_ne!(
            random_dataset(7, 200, 30, now).videos,
            random_dataset(8, 200, 30, now).videos
        );
    }

    #[test]
    fn windowed_instants_keep_away_from_window_starts() {
        let now = crate::time::now();
        let data = random_dataset(1, 2_000, 40, now);
        let windowed = data
            .videos
            .iter()
            .map(VideoRecord::completed_at)
            .chain(data.searches.iter().map(|s| s.created_at))
            .chain(data.stage_timings.iter().filter_map(|t| t.finished_at));
        for ts in windowed {
            let from_boundary = (now - ts).num_microseconds().unwrap().rem_euclid(DAY_US);
            assert!(
                (MARGIN_US..=DAY_US - MARGIN_US).contains(&from_boundary),
                "{ts} is too close to a window start"
            );
        }
    }

    #[test]
    fn every_awkward_case_is_present() {
        let data = random_dataset(3, 3_000, 30, crate::time::now());
        let v = &data.videos;
        for status in [
            VideoStatus::Pending,
            VideoStatus::Processing,
            VideoStatus::Ready,
            VideoStatus::Failed,
        ] {
            assert!(v.iter().any(|r| r.status == status), "{status}");
        }
        assert!(v
            .iter()
            .any(|r| r.status.is_finished() && r.processing_finished_at.is_none()));
        assert!(v
            .iter()
            .any(|r| r.status == VideoStatus::Failed && r.processing_stage.is_none()));
        assert!(v.iter().any(|r| r.processing_duration_ms == Some(0)));
        assert!(
            v.iter().any(|r| r.duration_s == Some(0.0)) && v.iter().any(|r| r.duration_s.is_none())
        );
        assert!(
            data.searches.iter().any(|s| s.user_id.is_none())
                && data.searches.iter().any(|s| s.latency_ms.is_none())
        );
        assert!(data.stage_timings.iter().any(|t| t.finished_at.is_none()));
        assert!(data
            .stage_timings
            .iter()
            .any(|t| t.outcome.as_deref() == Some("failed")));
        assert!(data
            .stage_timings
            .iter()
            .any(|t| t.outcome.as_deref() == Some("cancelled")));
        assert!(v.iter().all(|r| r.created_at <= r.updated_at));
    }
}
