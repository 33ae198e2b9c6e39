//! Metric math: `percentiles` (O(n) selection) against a full-sort baseline, and the latency and
//! throughput-v2 summaries over random video rows.
//!
//! `cargo bench -p heimdex-benches --bench percentiles -- --warm-up-time 1 --measurement-time 3`
//!
//! Figures are in `benches/README.md` ("Metric math"). Inputs are copied before each iteration
//! (criterion's `iter_batched_ref`), so both percentile variants pay for a fresh unsorted slice and
//! neither times the copy.

use std::hint::black_box;

use criterion::{criterion_main, BatchSize, BenchmarkId, Criterion, Throughput};
use heimdex_core::record::VideoRecord;
use heimdex_core::stats::{latency, percentiles, throughput_v2};
use heimdex_core::testkit::random_dataset;
use heimdex_core::{time, Window};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Durations in ms like the pipeline's: mostly minutes, a long tail, many repeats.
fn samples(n: usize) -> Vec<f64> {
    let mut rng = StdRng::seed_from_u64(42);
    (0..n)
        .map(|_| {
            f64::from(rng.gen_range(1_000..5_000_000))
                * if rng.gen_ratio(1, 100) { 10.0 } else { 1.0 }
        })
        .collect()
}

/// The baseline: sort everything, then interpolate the three ranks.
fn sorted_percentiles(values: &mut [f64]) -> [f64; 3] {
    values.sort_unstable_by(f64::total_cmp);
    [0.5, 0.95, 0.99].map(|q| {
        let h = q * (values.len() - 1) as f64;
        let lo = h.floor() as usize;
        let hi = (lo + 1).min(values.len() - 1);
        values[lo] + (h - lo as f64) * (values[hi] - values[lo])
    })
}

fn bench_percentiles(c: &mut Criterion) {
    let mut group = c.benchmark_group("percentiles");
    for exp in 3..=7u32 {
        let n = 10usize.pow(exp);
        let data = samples(n);
        group.throughput(Throughput::Elements(n as u64));
        group.sample_size(if n >= 1_000_000 { 10 } else { 50 });
        group.bench_with_input(BenchmarkId::new("select", n), &data, |b, d| {
            b.iter_batched_ref(
                || d.clone(),
                |v| black_box(percentiles(v)),
                BatchSize::LargeInput,
            )
        });
        group.bench_with_input(BenchmarkId::new("full_sort", n), &data, |b, d| {
            b.iter_batched_ref(
                || d.clone(),
                |v| black_box(sorted_percentiles(v)),
                BatchSize::LargeInput,
            )
        });
    }
    group.finish();
}

fn bench_summaries(c: &mut Criterion) {
    let now = time::now();
    let mut group = c.benchmark_group("summaries");
    for exp in 4..=6u32 {
        let n = 10usize.pow(exp);
        let videos: Vec<VideoRecord> = random_dataset(7, n, 30, now).videos;
        group.throughput(Throughput::Elements(n as u64));
        group.sample_size(if n >= 1_000_000 { 10 } else { 30 });
        group.bench_with_input(BenchmarkId::new("latency_30d", n), &videos, |b, v| {
            b.iter(|| black_box(latency(v, Window::thirty_days(), now)))
        });
        group.bench_with_input(BenchmarkId::new("throughput_v2_30d", n), &videos, |b, v| {
            b.iter(|| black_box(throughput_v2(v, Window::thirty_days(), now)))
        });
    }
    group.finish();
}

mod group {
    #![allow(missing_docs)] // criterion_group! defines an undocumented `pub fn`
    criterion::criterion_group!(benches, super::bench_percentiles, super::bench_summaries);
}

criterion_main!(group::benches);
