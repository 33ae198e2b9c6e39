//! The mel filterbank whisper.cpp reads from its model file: librosa's default
//! (`librosa.filters.mel(sr=16000, n_fft=400, n_mels=80)`: Slaney mel scale, Slaney area
//! normalisation), which is what OpenAI's `mel_filters.npz` holds.

/// Whisper's sample rate in Hz.
pub(crate) const SAMPLE_RATE: f64 = 16_000.0;
/// Whisper's FFT size.
pub(crate) const N_FFT: usize = 400;

const F_SP: f64 = 200.0 / 3.0;
const MIN_LOG_HZ: f64 = 1000.0;
const MIN_LOG_MEL: f64 = MIN_LOG_HZ / F_SP;

fn log_step() -> f64 {
    6.4f64.ln() / 27.0
}

/// Hz to mels on the Slaney scale (linear below 1 kHz, logarithmic above).
fn hz_to_mel(hz: f64) -> f64 {
    if hz >= MIN_LOG_HZ {
        MIN_LOG_MEL + (hz / MIN_LOG_HZ).ln() / log_step()
    } else {
        hz / F_SP
    }
}

/// Mels to Hz on the Slaney scale.
fn mel_to_hz(mel: f64) -> f64 {
    if mel >= MIN_LOG_MEL {
        MIN_LOG_HZ * (log_step() * (mel - MIN_LOG_MEL)).exp()
    } else {
        F_SP * mel
    }
}

/// The `n_mels` × (`N_FFT`/2 + 1) filterbank at 16 kHz, row-major, as librosa computes it
/// (in f64, then cast to f32).
pub(crate) fn filterbank(n_mels: usize) -> Vec<f32> {
    let n_bins = N_FFT / 2 + 1;
    let nyquist = SAMPLE_RATE / 2.0;
    let fft_freqs: Vec<f64> = (0..n_bins)
        .map(|i| nyquist * i as f64 / (n_bins - 1) as f64)
        .collect();
    let (lo, hi) = (hz_to_mel(0.0), hz_to_mel(nyquist));
    let mel_f: Vec<f64> = (0..n_mels + 2)
        .map(|i| mel_to_hz(lo + (hi - lo) * i as f64 / (n_mels + 1) as f64))
        .collect();
    let mut out = Vec::with_capacity(n_mels * n_bins);
    for m in 0..n_mels {
        let (left, center, right) = (mel_f[m], mel_f[m + 1], mel_f[m + 2]);
        let norm = 2.0 / (right - left);
        for &f in &fft_freqs {
            let lower = (f - left) / (center - left);
            let upper = (right - f) / (right - center);
            out.push((lower.min(upper).max(0.0) * norm) as f32);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scale_round_trips_on_both_sides_of_1_khz() {
        for hz in [0.0, 440.0, 999.0, 1000.0, 4000.0, 8000.0] {
            assert!((mel_to_hz(hz_to_mel(hz)) - hz).abs() < 1e-6, "{hz}");
        }
        assert!((hz_to_mel(1000.0) - 15.0).abs() < 1e-12);
    }

    #[test]
    fn each_filter_is_a_triangle_of_unit_area_in_hz() {
        let bank = filterbank(80);
        assert_eq!(bank.len(), 80 * 201);
        // OpenAI's mel_filters.npz (librosa 0.8) holds 0.024862593 at [0][1].
        assert!((bank[1] - 0.024_862_593).abs() < 1e-8, "{}", bank[1]);
        let bin_hz = 8000.0 / 200.0;
        for row in bank.chunks(201).skip(10) {
            // Slaney normalisation: each triangle's area is 1 (peak 2 / width).
            let area: f64 = row.iter().map(|&w| f64::from(w) * bin_hz).sum();
            assert!((area - 1.0).abs() < 0.1, "area {area}");
            assert!(row.iter().all(|&w| w >= 0.0));
        }
    }
}
