//! Mock stages and a mock sink with event predicates, for the interaction tests.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Mutex;

use async_trait::async_trait;
use heimdex_core::stage::MockStage;
use heimdex_core::timing::MockTimingSink;
use heimdex_core::{
    FailureKind, Job, JobContext, JobOutcome, Outcome, Stage, StageError, StageName, TimingEvent,
    TimingSink, VideoId,
};
use mockall::Sequence;

/// A mock sink whose broken expectations are kept instead of swallowed by the pipeline.
pub struct Checked {
    pub mock: MockTimingSink,
    pub broken: Mutex<Vec<String>>,
}

impl std::fmt::Debug for Checked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Checked")
    }
}

impl TimingSink for Checked {
    fn record(&self, event: TimingEvent) {
        let shown = format!("{event:?}");
        if catch_unwind(AssertUnwindSafe(|| self.mock.record(event))).is_err() {
            self.broken.lock().unwrap().push(shown);
        }
    }
}

pub type Pred = Box<dyn Fn(&TimingEvent) -> bool + Send>;

pub fn job_started() -> Pred {
    Box::new(|e| matches!(e, TimingEvent::JobStarted { attempt: 4, .. }))
}
pub fn stage_started(name: &StageName) -> Pred {
    let name = name.clone();
    Box::new(
        move |e| matches!(e, TimingEvent::StageStarted { stage, attempt: 4, .. } if *stage == name),
    )
}
pub fn stage_ok(name: &StageName) -> Pred {
    let name = name.clone();
    Box::new(
        move |e| matches!(e, TimingEvent::StageFinished { stage, outcome: Outcome::Ok, .. } if *stage == name),
    )
}
pub fn stage_failed(name: &StageName, want: FailureKind) -> Pred {
    let name = name.clone();
    Box::new(
        move |e| matches!(e, TimingEvent::StageFinished { stage, outcome: Outcome::Failed { kind, .. }, .. } if *stage == name && *kind == want),
    )
}
pub fn job_finished(want: JobOutcome) -> Pred {
    Box::new(
        move |e| matches!(e, TimingEvent::JobFinished { outcome, attempt: 4, .. } if *outcome == want),
    )
}
pub fn job_failed(name: &StageName, kind: FailureKind, message: &str) -> Pred {
    let (stage, message) = (name.clone(), message.to_owned());
    let want = move |o: &JobOutcome| matches!(o, JobOutcome::Failed { stage: s, kind: k, message: m } if *s == stage && *k == kind && (message.is_empty() || *m == message));
    Box::new(move |e| matches!(e, TimingEvent::JobFinished { outcome, .. } if want(outcome)))
}

pub fn job_interrupted() -> Pred {
    Box::new(|e| matches!(e, TimingEvent::JobInterrupted { attempt: 4, .. }))
}

pub fn expect(sink: &mut MockTimingSink, seq: &mut Sequence, pred: Pred) {
    sink.expect_record()
        .withf(move |e| pred(e))
        .times(1)
        .in_sequence(seq)
        .return_const(());
}

pub fn checked(mock: MockTimingSink) -> Checked {
    Checked {
        mock,
        broken: Mutex::new(Vec::new()),
    }
}

/// Asserts no expectation broke, then verifies the `times` of every expectation.
pub fn verify(sink: Checked) {
    assert_eq!(
        *sink.broken.lock().unwrap(),
        Vec::<String>::new(),
        "unexpected or out-of-order events"
    );
    let mut mock = sink.mock;
    mock.checkpoint();
}

pub const NAMES: [StageName; 3] = [
    StageName::METADATA,
    StageName::TRANSCRIPTION,
    StageName::INDEXING,
];

pub fn stage(name: &StageName) -> MockStage {
    let mut s = MockStage::new();
    s.expect_name().return_const(name.clone());
    s
}

pub fn job() -> Job {
    Job {
        attempt: 4,
        ..Job::new(VideoId::new_v4(), "talk.mp4")
    }
}

/// A stage that never finishes (mock stages return at once).
#[derive(Debug)]
pub struct Hang(pub StageName);

#[async_trait]
impl Stage for Hang {
    fn name(&self) -> StageName {
        self.0.clone()
    }
    async fn run(&self, _ctx: &mut JobContext) -> Result<(), StageError> {
        std::future::pending().await
    }
}
