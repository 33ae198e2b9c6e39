//! [`PerceptualHash`]: a 64-bit fingerprint of what a frame looks like, the DCT hash ("pHash")
//! that Python's `imagehash.phash` computes.
//!
//! The gray frame is shrunk to 32×32 by averaging, transformed with a 2-D DCT-II, and the 8×8
//! lowest frequencies (the DC term included) are compared with their median: each one above it
//! is a 1 bit, row by row, the first the most significant. Frames that look alike (the same shot
//! re-encoded, rescaled, a little brighter) differ in a few bits; unrelated frames in about half.
//! [`PerceptualHash::distance`] counts the differing bits.
//!
//! As with every DCT hash, a picture that is symmetric about its centre lines (bars, stripes,
//! a flat colour) has many coefficients at or near zero, and their bits follow noise: such
//! pictures hash consistently on one machine but can move many bits when re-encoded.

use std::f64::consts::PI;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Side of the shrunk image the DCT runs on.
const SHRUNK: usize = 32;
/// Side of the block of lowest frequencies that makes the hash: 8 × 8 = 64 bits.
const LOW: usize = 8;

/// A 64-bit perceptual hash; shown and parsed as 16 lowercase hex digits, as `imagehash` prints
/// one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PerceptualHash(pub u64);

impl PerceptualHash {
    /// The hash of the `width`×`height` gray image whose rows start every `stride` bytes of
    /// `gray`; `None` for an empty image.
    ///
    /// # Panics
    /// When `gray` is shorter than `height` rows of `stride` bytes (the last may be `width` long)
    /// or `stride < width`.
    pub fn of_gray(gray: &[u8], width: usize, height: usize, stride: usize) -> Option<Self> {
        if width == 0 || height == 0 {
            return None;
        }
        assert!(
            stride >= width,
            "stride {stride} is less than the width {width}"
        );
        assert!(
            gray.len() >= (height - 1) * stride + width,
            "{} bytes cannot hold {height} rows of {width} every {stride}",
            gray.len()
        );
        let low = low_frequencies(&shrink(gray, width, height, stride));
        Some(Self::from_coefficients(&low))
    }

    /// The hash of 64 DCT coefficients (row by row): a 1 bit for each above their median.
    fn from_coefficients(low: &[f64; LOW * LOW]) -> Self {
        let mut sorted = *low;
        sorted.sort_by(f64::total_cmp);
        let half = sorted.len() / 2;
        let median = (sorted[half - 1] + sorted[half]) / 2.0;
        let bits = low
            .iter()
            .fold(0u64, |bits, &c| bits << 1 | u64::from(c > median));
        Self(bits)
    }

    /// The 64 bits as a signed integer, as an SQL `BIGINT` column keeps them.
    pub fn to_i64(self) -> i64 {
        i64::from_ne_bytes(self.0.to_ne_bytes())
    }

    /// The hash whose 64 bits [`PerceptualHash::to_i64`] gave.
    pub fn from_i64(bits: i64) -> Self {
        Self(u64::from_ne_bytes(bits.to_ne_bytes()))
    }

    /// How many of the 64 bits differ: 0 for look-alike frames, about 32 for unrelated ones.
    pub fn distance(self, other: Self) -> u32 {
        (self.0 ^ other.0).count_ones()
    }
}

impl fmt::Display for PerceptualHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

impl FromStr for PerceptualHash {
    type Err = String;

    /// Parses 16 hex digits.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("a perceptual hash is 16 hex digits, not {s:?}");
        if s.len() != 16 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad());
        }
        u64::from_str_radix(s, 16).map(Self).map_err(|_| bad())
    }
}

impl Serialize for PerceptualHash {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PerceptualHash {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// The image shrunk to 32×32 by averaging: output cell `(i, j)` is the mean of the input rows
/// `⌊i·h/32⌋ …` and columns `⌊j·w/32⌋ …` up to the next cell's start (at least one each, so
/// images smaller than 32 repeat their pixels).
fn shrink(gray: &[u8], width: usize, height: usize, stride: usize) -> [f64; SHRUNK * SHRUNK] {
    let span = |i: usize, n: usize| {
        let start = i * n / SHRUNK;
        start..((i + 1) * n / SHRUNK).max(start + 1)
    };
    let columns: Vec<_> = (0..SHRUNK).map(|j| span(j, width)).collect();
    let mut out = [0.0; SHRUNK * SHRUNK];
    for (i, cells) in out.chunks_exact_mut(SHRUNK).enumerate() {
        let rows = span(i, height);
        let count = rows.len();
        let mut sums = [0u64; SHRUNK];
        for y in rows {
            let row = &gray[y * stride..y * stride + width];
            for (sum, range) in sums.iter_mut().zip(&columns) {
                *sum += row[range.clone()]
                    .iter()
                    .map(|&p| u64::from(p))
                    .sum::<u64>();
            }
        }
        for ((cell, sum), range) in cells.iter_mut().zip(sums).zip(&columns) {
            *cell = sum as f64 / (count * range.len()) as f64;
        }
    }
    out
}

/// The 8×8 lowest coefficients of the 32×32 image's 2-D DCT-II, row by row (vertical frequency
/// first), unnormalised as `scipy.fftpack.dct` computes them: `2 Σ x[n] cos(π k (2n + 1) / 2N)`
/// along each axis.
fn low_frequencies(image: &[f64; SHRUNK * SHRUNK]) -> [f64; LOW * LOW] {
    let mut cosines = [[0.0; SHRUNK]; LOW];
    for (k, row) in cosines.iter_mut().enumerate() {
        for (n, c) in row.iter_mut().enumerate() {
            *c = 2.0 * (PI * k as f64 * (2 * n + 1) as f64 / (2 * SHRUNK) as f64).cos();
        }
    }
    // Along each row first: the 8 lowest horizontal frequencies of every row.
    let mut across = [[0.0; LOW]; SHRUNK];
    for (row, out) in image.chunks_exact(SHRUNK).zip(across.iter_mut()) {
        for (coefficient, cos) in out.iter_mut().zip(&cosines) {
            *coefficient = row.iter().zip(cos).map(|(x, c)| x * c).sum();
        }
    }
    // Then down each of those 8 columns.
    let mut low = [0.0; LOW * LOW];
    for (u, cos) in cosines.iter().enumerate() {
        for v in 0..LOW {
            low[u * LOW + v] = across.iter().zip(cos).map(|(row, c)| row[v] * c).sum();
        }
    }
    low
}

#[cfg(test)]
#[path = "phash_tests.rs"]
mod tests;
