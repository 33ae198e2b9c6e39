//! [`Dropped`]: the count of timing events a buffered sink gave up on.

use std::sync::atomic::{AtomicU64, Ordering};

/// Counts dropped events and logs them without flooding the log under sustained overload.
#[derive(Debug, Default)]
pub struct Dropped(AtomicU64);

impl Dropped {
    /// Counts `n` more drops, logging `why` on the first drop and on every power of two after it.
    pub fn add(&self, n: u64, why: &str) {
        if n == 0 {
            return;
        }
        let before = self.0.fetch_add(n, Ordering::Relaxed);
        let after = before + n;
        if before == 0 || after.ilog2() > before.ilog2() {
            tracing::warn!(dropped_total = after, reason = why, "timing events dropped");
        }
    }

    /// Events dropped so far.
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::Dropped;

    #[test]
    fn drops_add_up_and_zero_adds_nothing() {
        let dropped = Dropped::default();
        dropped.add(0, "nothing");
        dropped.add(3, "full");
        dropped.add(2, "refused");
        assert_eq!(dropped.get(), 5);
    }
}
