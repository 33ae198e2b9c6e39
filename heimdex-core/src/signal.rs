//! The work-signal port: wake-ups for idle workers, "a job may be claimable now".
//!
//! Announcements are hints, never the only way work is found: a worker that hears nothing still
//! claims every `poll_interval`, so a lost announcement delays a job, it never loses it.

use std::fmt;

use tokio::sync::watch;

/// Something that announces claimable jobs (PostgreSQL `LISTEN`, an in-process queue).
pub trait WorkSignal: Send + Sync + fmt::Debug {
    /// A subscription whose [`watch::Receiver::changed`] resolves after every later announcement.
    fn subscribe(&self) -> watch::Receiver<u64>;
}

/// A counter every announcement bumps; subscribers wake on each change.
#[derive(Debug)]
pub struct Announcer {
    tx: watch::Sender<u64>,
}

impl Announcer {
    /// An announcer nobody has heard from yet.
    pub fn new() -> Self {
        Self {
            tx: watch::Sender::new(0),
        }
    }

    /// Wakes every subscriber (a subscriber busy claiming wakes on its next wait).
    pub fn announce(&self) {
        self.tx.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// How many announcements were made (for tests and metrics).
    pub fn announcements(&self) -> u64 {
        *self.tx.borrow()
    }
}

impl Default for Announcer {
    fn default() -> Self {
        Self::new()
    }
}

impl WorkSignal for Announcer {
    fn subscribe(&self) -> watch::Receiver<u64> {
        self.tx.subscribe()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn an_announcement_made_while_busy_is_heard_on_the_next_wait() {
        let announcer = Announcer::new();
        let mut rx = announcer.subscribe();
        rx.borrow_and_update();
        announcer.announce(); // while the subscriber is "claiming"
        tokio::time::timeout(Duration::from_secs(1), rx.changed())
            .await
            .expect("the announcement is kept until heard")
            .unwrap();
        assert_eq!(announcer.announcements(), 1);
        let quiet = tokio::time::timeout(Duration::from_millis(20), rx.changed()).await;
        assert!(quiet.is_err(), "no announcement, no wake-up");
    }
}
