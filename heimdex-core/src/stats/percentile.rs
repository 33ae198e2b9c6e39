//! `percentile_cont`, exactly as PostgreSQL computes it, and p50/p95/p99 in linear time.
//!
//! For values sorted ascending `x[0..n)` and a fraction `q` in `[0, 1]`, the rank is
//! `h = q·(n−1)` and the answer is `x[⌊h⌋] + (h−⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋])`; when `h` is a whole
//! number the answer is `x[h]` itself (PostgreSQL's `percentile_cont_float8_final` does the
//! same). Over `1..=5`: p50 = 3, p95 = 4.8, p99 = 4.96.
//!
//! # Invalid input
//!
//! One rule everywhere: the `try_*` functions return [`Error::InvalidInput`] for a NaN or infinite
//! value and for a `q` outside `[0, 1]` (NaN included), and `Ok(None)` for an empty input (SQL
//! `NULL`). The plain functions ([`percentile_cont`], [`percentiles`]) are the same computations
//! with every error turned into `None`; they never panic. The summaries only feed them finite
//! values (integers in ms, and ratios of finite numbers), so for them `None` means "empty".
//!
//! The interpolation is PostgreSQL's `lo + (hi − lo)·frac`: with neighbours of opposite sign near
//! `f64::MAX` the difference overflows to infinity, exactly as it does in PostgreSQL.

use crate::error::Error;

/// The three percentiles every latency-like summary reports.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Percentiles {
    /// Median (`q = 0.5`).
    pub p50: f64,
    /// 95th percentile (`q = 0.95`).
    pub p95: f64,
    /// 99th percentile (`q = 0.99`).
    pub p99: f64,
}

/// Continuous percentile `q` of `values` (any order), or `None` when `values` is empty, `q` is
/// outside `[0, 1]`, or any value is NaN or infinite. See [`try_percentile_cont`].
///
/// ```
/// use heimdex_core::stats::percentile_cont;
/// assert_eq!(percentile_cont(&[5.0, 1.0, 4.0, 2.0, 3.0], 0.95), Some(4.8));
/// assert_eq!(percentile_cont(&[], 0.5), None);
/// ```
pub fn percentile_cont(values: &[f64], q: f64) -> Option<f64> {
    try_percentile_cont(values, q).ok().flatten()
}

/// Continuous percentile `q` of `values` (any order): `Ok(None)` when empty, `InvalidInput` for a
/// non-finite value or a `q` outside `[0, 1]`. Copies `values` once and selects in O(n).
pub fn try_percentile_cont(values: &[f64], q: f64) -> Result<Option<f64>, Error> {
    check_fraction(q)?;
    check_finite(values)?;
    if values.is_empty() {
        return Ok(None);
    }
    let mut scratch = values.to_vec();
    let mut selector = Selector::new(&mut scratch);
    Ok(Some(selector.percentile(q)))
}

/// p50, p95 and p99 of `values` (reordered in place), or `None` when empty or any value is NaN
/// or infinite. See [`try_percentiles`].
pub fn percentiles(values: &mut [f64]) -> Option<Percentiles> {
    try_percentiles(values).ok().flatten()
}

/// p50, p95 and p99 of `values`, reordering it in place: `Ok(None)` when empty, `InvalidInput`
/// when any value is NaN or infinite.
///
/// Runs in O(n): `select_nth_unstable_by` finds the lower neighbour of each rank and the minimum
/// of the partition to its right is the upper neighbour; each later rank is selected only in the
/// part of the slice above the previous one. No full sort.
pub fn try_percentiles(values: &mut [f64]) -> Result<Option<Percentiles>, Error> {
    check_finite(values)?;
    if values.is_empty() {
        return Ok(None);
    }
    let mut selector = Selector::new(values);
    let p50 = selector.percentile(0.5);
    let p95 = selector.percentile(0.95);
    let p99 = selector.percentile(0.99);
    Ok(Some(Percentiles { p50, p95, p99 }))
}

/// `InvalidInput` unless every value is finite.
pub fn check_finite(values: &[f64]) -> Result<(), Error> {
    match values.iter().position(|v| !v.is_finite()) {
        None => Ok(()),
        Some(i) => Err(Error::invalid(format!(
            "percentile input {} at index {i} is not a finite number",
            values[i]
        ))),
    }
}

fn check_fraction(q: f64) -> Result<(), Error> {
    if (0.0..=1.0).contains(&q) {
        Ok(())
    } else {
        Err(Error::invalid(format!(
            "percentile fraction {q} is outside [0, 1]"
        )))
    }
}

/// Answers percentiles of non-decreasing `q` over one slice, selecting each rank only in the part
/// of the slice above the previous one.
struct Selector<'a> {
    values: &'a mut [f64],
    /// Every value at or above this position is >= every value below it, and when it is not 0,
    /// position `floor − 1` holds the rank last selected.
    floor: usize,
}

impl<'a> Selector<'a> {
    fn new(values: &'a mut [f64]) -> Self {
        Self { values, floor: 0 }
    }

    /// Percentile `q` of the non-empty slice.
    fn percentile(&mut self, q: f64) -> f64 {
        let n = self.values.len();
        let h = q * (n - 1) as f64;
        let lo = h.floor() as usize;
        let frac = h - lo as f64;
        let x_lo = self.select(lo);
        if frac == 0.0 || lo + 1 >= n {
            return x_lo;
        }
        // Everything right of `lo` is >= x_lo, so its minimum is the next order statistic.
        let x_hi = self.values[lo + 1..]
            .iter()
            .copied()
            .min_by(f64::total_cmp)
            .unwrap_or(x_lo);
        x_lo + (x_hi - x_lo) * frac
    }

    /// The `k`-th smallest value (0-based).
    fn select(&mut self, k: usize) -> f64 {
        if k + 1 == self.floor {
            return self.values[k];
        }
        if k < self.floor {
            // Asked below the last rank (never by this module): start over on the whole slice.
            self.floor = 0;
        }
        let rest = &mut self.values[self.floor..];
        let (_, value, _) = rest.select_nth_unstable_by(k - self.floor, f64::total_cmp);
        let value = *value;
        self.floor = k + 1;
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_to_five_matches_the_contract() {
        let v = [3.0, 1.0, 5.0, 2.0, 4.0];
        assert_eq!(percentile_cont(&v, 0.5), Some(3.0));
        assert_eq!(percentile_cont(&v, 0.95), Some(4.8));
        assert_eq!(percentile_cont(&v, 0.99), Some(4.96));
        let mut w = v;
        let p = percentiles(&mut w).unwrap();
        assert_eq!((p.p50, p.p95, p.p99), (3.0, 4.8, 4.96));
    }

    #[test]
    fn empty_input_is_none_not_an_error() {
        assert_eq!(try_percentile_cont(&[], 0.5).unwrap(), None);
        assert_eq!(try_percentiles(&mut []).unwrap(), None);
        assert_eq!(percentiles(&mut []), None);
    }

    #[test]
    fn single_value_is_every_percentile() {
        let p = percentiles(&mut [7.5]).unwrap();
        assert_eq!((p.p50, p.p95, p.p99), (7.5, 7.5, 7.5));
        assert_eq!(percentile_cont(&[7.5], 0.0), Some(7.5));
        assert_eq!(percentile_cont(&[7.5], 1.0), Some(7.5));
    }

    #[test]
    fn extremes_are_min_and_max() {
        let v = [9.0, -2.0, 4.0, 4.0];
        assert_eq!(percentile_cont(&v, 0.0), Some(-2.0));
        assert_eq!(percentile_cont(&v, 1.0), Some(9.0));
    }

    #[test]
    fn two_values_interpolate_linearly() {
        // h = 0.95 · 1 = 0.95 → 10 + 0.95 · (20 − 10)
        assert_eq!(
            percentile_cont(&[20.0, 10.0], 0.95),
            Some(10.0 + 0.95 * 10.0)
        );
        let p = percentiles(&mut [20.0, 10.0]).unwrap();
        assert_eq!(p.p50, 15.0);
    }

    #[test]
    fn ties_and_settled_ranks_are_handled() {
        // n = 101: ranks 50, 95 and 99 are whole numbers, so each answer is one order statistic.
        let mut v: Vec<f64> = (0..101).rev().map(|i| f64::from(i / 2)).collect();
        let sorted = {
            let mut s = v.clone();
            s.sort_by(f64::total_cmp);
            s
        };
        let p = percentiles(&mut v).unwrap();
        assert_eq!((p.p50, p.p95, p.p99), (sorted[50], sorted[95], sorted[99]));
    }

    #[test]
    fn nan_and_infinity_are_rejected() {
        for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            let err = try_percentiles(&mut [1.0, bad]).unwrap_err();
            assert!(matches!(err, Error::InvalidInput(_)), "{bad}");
            assert!(try_percentile_cont(&[bad], 0.5).is_err());
            assert_eq!(percentile_cont(&[1.0, bad], 0.5), None);
            assert_eq!(percentiles(&mut [bad]), None);
        }
    }

    #[test]
    fn fractions_outside_zero_to_one_are_rejected() {
        for q in [-0.01, 1.01, f64::NAN, f64::INFINITY] {
            assert!(matches!(
                try_percentile_cont(&[1.0, 2.0], q),
                Err(Error::InvalidInput(_))
            ));
            assert_eq!(percentile_cont(&[1.0, 2.0], q), None);
        }
    }
}
