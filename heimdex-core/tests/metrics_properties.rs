//! Property tests: `percentile_cont`, `percentiles` and every summary's percentile fields against
//! a naive sort-and-interpolate reference, on random data with ties, single values, huge and
//! negative values; non-finite input is rejected.

use chrono::{TimeDelta, TimeZone, Utc};
use heimdex_core::ids::{UserId, VideoId};
use heimdex_core::record::{StageTimingRecord, VideoRecord};
use heimdex_core::stats::{
    self, percentile_cont, percentiles, try_percentile_cont, try_percentiles,
};
use heimdex_core::time::Timestamp;
use heimdex_core::{Error, StageName, VideoStatus, Window};
use proptest::collection::vec;
use proptest::prelude::*;
use uuid::Uuid;

/// Sort a copy, take rank q·(n−1), interpolate linearly between its neighbours.
fn naive(values: &[f64], q: f64) -> Option<f64> {
    let mut sorted = values.to_vec();
    sorted.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let rank = q * (sorted.len().checked_sub(1)?) as f64;
    let (lo, hi) = (rank.floor() as usize, rank.ceil() as usize);
    if lo == hi {
        return Some(sorted[lo]);
    }
    Some(sorted[lo] + (rank - lo as f64) * (sorted[hi] - sorted[lo]))
}

fn naive_three(values: &[f64]) -> [Option<f64>; 3] {
    [naive(values, 0.5), naive(values, 0.95), naive(values, 0.99)]
}

/// Non-empty samples: wide, tied, huge (±1e300) and integer-valued.
fn samples() -> impl Strategy<Value = Vec<f64>> {
    prop_oneof![
        vec(-1e6..1e6f64, 1..300),
        vec((0i32..4).prop_map(f64::from), 1..100),
        vec(
            prop_oneof![Just(1e300), Just(-1e300), Just(0.0), -1e300..1e300f64],
            1..60
        ),
        vec(any::<i32>().prop_map(f64::from), 1..400),
        (-1e9..1e9f64).prop_map(|v| vec![v]),
    ]
}

fn now() -> Timestamp {
    Utc.with_ymd_and_hms(2025, 6, 15, 12, 0, 0).unwrap()
}

fn status() -> impl Strategy<Value = VideoStatus> {
    prop_oneof![
        Just(VideoStatus::Ready),
        Just(VideoStatus::Failed),
        Just(VideoStatus::Pending),
        Just(VideoStatus::Processing)
    ]
}

/// A video finished `minutes` ago with complete timing.
fn video(
    n: usize,
    status: VideoStatus,
    ms: i32,
    media_s: Option<f64>,
    minutes: i64,
) -> VideoRecord {
    let finished = now() - TimeDelta::minutes(minutes);
    let mut v = VideoRecord::pending(
        VideoId(Uuid::from_u128(n as u128)),
        UserId(Uuid::nil()),
        "x",
        finished,
    );
    v.status = status;
    v.duration_s = media_s;
    v.processing_duration_ms = Some(ms);
    v.processing_finished_at = Some(finished);
    v.processing_started_at = Some(finished - TimeDelta::milliseconds(i64::from(ms)));
    v.queued_at = v.processing_started_at;
    v
}

fn videos() -> impl Strategy<Value = Vec<VideoRecord>> {
    let ms = prop_oneof![
        0..5_000_000i32,
        prop_oneof![Just(0), Just(1000), Just(60_000)]
    ];
    let media = prop_oneof![
        Just(None),
        Just(Some(0.0)),
        (0.25..7200.0f64).prop_map(Some)
    ];
    vec((status(), ms, media, 0..(40 * 24 * 60i64)), 0..200).prop_map(|rows| {
        rows.into_iter()
            .enumerate()
            .map(|(n, (s, ms, media, minutes))| video(n, s, ms, media, minutes))
            .collect()
    })
}

proptest! {
    #[test]
    fn percentile_cont_matches_the_naive_reference(values in samples(), q in 0.0..=1.0f64) {
        prop_assert_eq!(percentile_cont(&values, q), naive(&values, q));
    }

    #[test]
    fn selection_percentiles_match_the_naive_reference(mut values in samples()) {
        let want = naive_three(&values);
        let got = percentiles(&mut values).unwrap();
        prop_assert_eq!([Some(got.p50), Some(got.p95), Some(got.p99)], want);
    }

    #[test]
    fn any_non_finite_value_is_rejected(mut values in samples(), at in any::<prop::sample::Index>(), bad in prop_oneof![Just(f64::NAN), Just(f64::INFINITY), Just(f64::NEG_INFINITY)]) {
        let i = at.index(values.len() + 1);
        values.insert(i, bad);
        prop_assert!(matches!(try_percentiles(&mut values.clone()), Err(Error::InvalidInput(_))));
        prop_assert!(matches!(try_percentile_cont(&values, 0.5), Err(Error::InvalidInput(_))));
        prop_assert_eq!(percentile_cont(&values, 0.5), None);
        prop_assert_eq!(percentiles(&mut values), None);
    }

    #[test]
    fn latency_percentiles_are_those_of_the_measured_durations(rows in videos(), days in 1..=45u16) {
        let w = Window::new(days).unwrap();
        let ms: Vec<f64> = rows
            .iter()
            .filter(|v| v.status.is_finished() && v.processing_finished_at.unwrap() >= now() - TimeDelta::days(i64::from(days)))
            .map(|v| f64::from(v.processing_duration_ms.unwrap()))
            .collect();
        let s = stats::latency(&rows, w, now());
        prop_assert_eq!(s.videos_measured as usize, ms.len());
        prop_assert_eq!([s.p50_processing_ms, s.p95_processing_ms, s.p99_processing_ms], naive_three(&ms));
    }

    #[test]
    fn rtf_percentiles_are_those_of_the_ready_ratios(rows in videos()) {
        let ratios: Vec<f64> = rows
            .iter()
            .filter(|v| v.status == VideoStatus::Ready && v.duration_s.is_some_and(|d| d > 0.0))
            .map(|v| (f64::from(v.processing_duration_ms.unwrap()) / 1000.0) / v.duration_s.unwrap())
            .collect();
        let s = stats::rtf(&rows, Window::new(365).unwrap(), now());
        prop_assert_eq!(s.videos_measured as usize, ratios.len());
        prop_assert_eq!([s.p50_rtf, s.p95_rtf, s.p99_rtf], naive_three(&ratios));
    }

    #[test]
    fn stage_percentiles_are_those_of_each_stages_durations(runs in vec((0..3usize, prop_oneof![0..1_000i32, Just(500)], any::<bool>()), 0..150)) {
        let names = ["downloading", "metadata", "transcription"];
        let rows: Vec<StageTimingRecord> = runs
            .iter()
            .enumerate()
            .map(|(n, &(stage, ms, finished))| StageTimingRecord {
                video_id: VideoId(Uuid::from_u128(n as u128)),
                attempt: 1,
                stage: StageName::new(names[stage]).unwrap(),
                started_at: now() - TimeDelta::hours(1),
                finished_at: finished.then(|| now() - TimeDelta::minutes(1)),
                duration_ms: finished.then_some(ms),
                outcome: finished.then(|| "ok".into()),
                error: None,
            })
            .collect();
        let out = stats::stage_latency(&rows, Window::seven_days(), now());
        for s in &out {
            let ms: Vec<f64> = rows
                .iter()
                .filter(|r| r.stage.as_str() == s.stage && r.duration_ms.is_some())
                .map(|r| f64::from(r.duration_ms.unwrap()))
                .collect();
            prop_assert_eq!(s.runs as usize, ms.len());
            prop_assert_eq!([s.p50_ms, s.p95_ms, s.p99_ms], naive_three(&ms));
        }
        let measured = runs.iter().filter(|r| r.2).count() as u64;
        prop_assert_eq!(out.iter().map(|s| s.runs).sum::<u64>(), measured);
    }
}

#[test]
fn the_contract_example_holds() {
    let v = [1.0, 2.0, 3.0, 4.0, 5.0];
    assert_eq!(percentile_cont(&v, 0.95), Some(4.8));
    assert_eq!(percentile_cont(&v, 0.99), Some(4.96));
    assert_eq!(percentile_cont(&[], 0.5), None);
}
