//! Helpers shared by the `embedded_*` tests: temporary folders and small fixtures.
#![allow(dead_code)]

pub mod events;

use std::path::{Path, PathBuf};

use chrono::{TimeZone, Utc};
use heimdex_core::record::{NewProfile, VideoRecord};
use heimdex_core::time::Timestamp;
use heimdex_core::{Catalog, UserId, VideoId, VideoStatus};
use heimdex_embedded::{EmbeddedOptions, EmbeddedStore};

/// A fresh folder under the system temp dir, removed on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new() -> Self {
        let dir = std::env::temp_dir().join(format!("heimdex-embedded-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    pub fn db(&self) -> PathBuf {
        self.0.join("heimdex.db")
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A fixed instant with a microsecond part, so exact round-trips are really checked.
pub fn t0() -> Timestamp {
    Utc.with_ymd_and_hms(2025, 12, 23, 10, 30, 0).unwrap()
        + chrono::TimeDelta::microseconds(123_456)
}

/// Options whose clock always reads `at`.
pub fn pinned(at: Timestamp) -> EmbeddedOptions {
    EmbeddedOptions::default().with_clock(move || at)
}

/// A store on a file in `dir` with the clock pinned at [`t0`].
pub async fn file_store(dir: &TempDir) -> EmbeddedStore {
    EmbeddedStore::open_with(&dir.db(), pinned(t0()))
        .await
        .unwrap()
}

/// Creates a profile and returns its id.
pub async fn profile(store: &dyn Catalog, name: &str) -> UserId {
    let user_id = UserId::new_v4();
    store
        .upsert_profile(NewProfile {
            user_id,
            full_name: name.into(),
        })
        .await
        .unwrap();
    user_id
}

/// A finished video row with every timing column set, for imports.
pub fn finished_video(owner: UserId, status: VideoStatus, finished: Timestamp) -> VideoRecord {
    let mut v = VideoRecord::pending(VideoId::new_v4(), owner, "/videos/a.mp4", finished);
    v.status = status;
    v.filename = Some("a.mp4".into());
    v.duration_s = Some(3600.0);
    v.queued_at = Some(finished - chrono::TimeDelta::minutes(60));
    v.processing_started_at = Some(finished - chrono::TimeDelta::minutes(50));
    v.processing_finished_at = Some(finished);
    v.processing_duration_ms = Some(3_000_000);
    v.processing_stage = Some("completed".into());
    v.processing_attempt = Some(1);
    v
}

/// Whether `a` and `b` serialize to the same JSON, numbers compared within 1e-9 relative
/// (the contract's tolerance: summing in another order may change the last bits).
pub fn same_json(a: &impl serde::Serialize, b: &impl serde::Serialize) -> Result<(), String> {
    fn walk(a: &serde_json::Value, b: &serde_json::Value, path: &str) -> Result<(), String> {
        use serde_json::Value;
        match (a, b) {
            (Value::Number(x), Value::Number(y)) => {
                let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
                let scale = x.abs().max(y.abs()).max(f64::MIN_POSITIVE);
                if x == y || (x - y).abs() / scale <= 1e-9 {
                    Ok(())
                } else {
                    Err(format!("{path}: {x} != {y}"))
                }
            }
            (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
                .iter()
                .zip(y)
                .enumerate()
                .try_for_each(|(i, (x, y))| walk(x, y, &format!("{path}[{i}]"))),
            (Value::Object(x), Value::Object(y)) if x.len() == y.len() => {
                x.iter().try_for_each(|(k, xv)| {
                    let yv = y.get(k).ok_or_else(|| format!("{path}.{k} missing"))?;
                    walk(xv, yv, &format!("{path}.{k}"))
                })
            }
            (x, y) if x == y => Ok(()),
            (x, y) => Err(format!("{path}: {x} != {y}")),
        }
    }
    walk(
        &serde_json::to_value(a).unwrap(),
        &serde_json::to_value(b).unwrap(),
        "$",
    )
}
