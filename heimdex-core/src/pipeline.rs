//! PLACEHOLDER — being written.
#![allow(missing_docs)]
use async_trait::async_trait;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;
use crate::{cancel::Cancellation, job::{Job, JobContext, JobOutcome}, stage::{Outcome, Stage, StageName}, timing::TimingSink};

#[async_trait]
pub trait Pipeline: Send + Sync + fmt::Debug {
    async fn run(&self, job: Job, sink: &dyn TimingSink, cancel: &Cancellation) -> RunReport;
}
#[derive(Debug)]
pub struct StageReport { pub stage: StageName, pub elapsed: Duration, pub outcome: Outcome, pub optional: bool }
#[derive(Debug)]
pub struct RunReport { pub outcome: JobOutcome, pub elapsed: Duration, pub stages: Vec<StageReport>, pub context: JobContext }
#[derive(Debug, Default)]
pub struct SequentialPipeline { stages: Vec<(Arc<dyn Stage>, bool)> }
