//! The port impls that only hand a call on, written once for both stores.

/// Implements `TimingSink` and `Flush` for a store by handing every call to its
/// [`BufferedSink`](heimdex_core::timing::buffered::BufferedSink) field.
///
/// ```text
/// heimdex_sql::timing_sink_via!(PgStore, sink);
/// ```
#[macro_export]
macro_rules! timing_sink_via {
    ($store:ty, $field:ident) => {
        impl $crate::__private::core::TimingSink for $store {
            fn record(&self, event: $crate::__private::core::TimingEvent) {
                self.$field.record(event);
            }
        }

        #[$crate::__private::async_trait]
        impl $crate::__private::core::Flush for $store {
            async fn flush(&self) -> $crate::__private::core::Result<()> {
                $crate::__private::core::Flush::flush(&self.$field).await
            }

            /// Waits for the buffer, then writes `events` in one transaction of their own.
            async fn write_now(
                &self,
                events: ::std::vec::Vec<$crate::__private::core::TimingEvent>,
            ) -> $crate::__private::core::Result<()> {
                self.$field.write_now(&events).await
            }
        }
    };
}

/// Implements `JobQueue` for a store's queue whose inherent methods hold the bodies, one file
/// each: `enqueue_one`, `claim_next` (one claim statement, see
/// [`claim_runnable`](heimdex_core::queue::claim_runnable)), `extend` (heartbeat), `finish_one`, `release_one`,
/// `list_dead` and `revive` (requeue a dead job). Methods the queue does better than the
/// trait's defaults (`claim_batch`, `finish_batch`) follow in braces.
///
/// ```text
/// heimdex_sql::job_queue_via_parts!(EmbeddedJobQueue {});
/// ```
#[macro_export]
macro_rules! job_queue_via_parts {
    ($queue:ty { $($overrides:tt)* }) => {
        #[$crate::__private::async_trait]
        impl $crate::__private::core::JobQueue for $queue {
            async fn enqueue(
                &self,
                job: $crate::__private::core::queue::NewJob,
            ) -> $crate::__private::core::Result<$crate::__private::core::queue::EnqueueOutcome> {
                self.enqueue_one(&job).await
            }

            async fn claim(
                &self,
                worker: &$crate::__private::core::WorkerId,
                lease: ::std::time::Duration,
            ) -> $crate::__private::core::Result<
                ::std::option::Option<$crate::__private::core::queue::ClaimedJob>,
            > {
                $crate::__private::core::queue::claim_runnable(|| self.claim_next(worker, lease))
                    .await
            }

            async fn heartbeat(
                &self,
                job: &$crate::__private::core::queue::ClaimedJob,
                lease: ::std::time::Duration,
            ) -> $crate::__private::core::Result<$crate::__private::core::queue::Lease> {
                self.extend(job, lease).await
            }

            async fn finish(
                &self,
                job: &$crate::__private::core::queue::ClaimedJob,
                outcome: &$crate::__private::core::JobOutcome,
            ) -> $crate::__private::core::Result<$crate::__private::core::queue::FinishOutcome> {
                self.finish_one(job, outcome).await
            }

            async fn release(
                &self,
                job: &$crate::__private::core::queue::ClaimedJob,
            ) -> $crate::__private::core::Result<()> {
                self.release_one(job).await
            }

            async fn dead_jobs(
                &self,
            ) -> $crate::__private::core::Result<
                ::std::vec::Vec<$crate::__private::core::queue::DeadJob>,
            > {
                self.list_dead().await
            }

            async fn requeue_dead(
                &self,
                video: $crate::__private::core::VideoId,
            ) -> $crate::__private::core::Result<()> {
                self.revive(video).await
            }

            $($overrides)*
        }
    };
}
