//! Real-time factor: seconds of processing per second of media (docs/spec.md#rtf).
//!
//! `rtf = (processing_duration_ms / 1000) / duration_s`. Below 1 the pipeline is faster than real
//! time. There is no factor for media of zero, negative, NaN or infinite length.

use std::time::Duration;

/// Processing time per unit of media time, or `None` when `media_s` is not a positive finite number.
///
/// ```
/// use std::time::Duration;
/// use heimdex_core::stats::real_time_factor;
/// assert_eq!(real_time_factor(Duration::from_secs(3000), 3600.0), Some(3000.0 / 3600.0));
/// assert_eq!(real_time_factor(Duration::from_secs(1), 0.0), None);
/// ```
pub fn real_time_factor(processing: Duration, media_s: f64) -> Option<f64> {
    rtf_from_ms(processing.as_secs_f64() * 1000.0, media_s)
}

/// The summaries' form: `(processing_ms / 1000) / media_s`, with the same `None` rule as
/// [`real_time_factor`] (and `None` for a NaN or infinite `processing_ms`).
///
/// The operations are exactly those of the SQL `(processing_duration_ms / 1000.0) / duration_s`,
/// in that order, so the stores agree to the last bit.
pub fn rtf_from_ms(processing_ms: f64, media_s: f64) -> Option<f64> {
    if media_s > 0.0 && media_s.is_finite() && processing_ms.is_finite() {
        Some((processing_ms / 1000.0) / media_s)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contract_golden_ratios() {
        // v1: 3,000,000 ms over 3600 s; v2: 3,540,000 ms over 1800 s.
        assert_eq!(rtf_from_ms(3_000_000.0, 3600.0), Some(3000.0 / 3600.0));
        assert_eq!(rtf_from_ms(3_540_000.0, 1800.0), Some(3540.0 / 1800.0));
        assert_eq!(
            real_time_factor(Duration::from_millis(3_540_000), 1800.0),
            Some(3540.0 / 1800.0)
        );
    }

    #[test]
    fn zero_processing_is_a_factor_of_zero() {
        assert_eq!(rtf_from_ms(0.0, 10.0), Some(0.0));
    }

    #[test]
    fn no_factor_without_positive_finite_media() {
        for media in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert_eq!(rtf_from_ms(1000.0, media), None, "{media}");
            assert_eq!(real_time_factor(Duration::from_secs(1), media), None);
        }
        assert_eq!(rtf_from_ms(f64::NAN, 1.0), None);
    }
}
