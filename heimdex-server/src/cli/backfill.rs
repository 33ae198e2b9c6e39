//! `heimdex backfill [--dry-run] [--batch-size N]`: fills `processing_finished_at` from
//! `updated_at` on finished rows written before timing existed, with a progress bar on a terminal.

use std::io::IsTerminal;

use clap::Args;
use heimdex_adapters::{BackfillOptions, BackfillProgress, BackfillReport, StoreConfig};
use indicatif::{ProgressBar, ProgressStyle};

use super::CliError;

/// Arguments of `heimdex backfill`.
#[derive(Debug, Args)]
pub struct BackfillArgs {
    /// Count the rows that would change, change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Rows per transaction.
    #[arg(long, default_value_t = BackfillOptions::default().batch_size, value_parser = clap::value_parser!(u32).range(1..))]
    pub batch_size: u32,
}

impl BackfillArgs {
    /// The adapters' options.
    pub fn options(&self) -> BackfillOptions {
        BackfillOptions {
            dry_run: self.dry_run,
            batch_size: self.batch_size,
        }
    }
}

pub(crate) async fn run(store: StoreConfig, args: BackfillArgs) -> Result<(), CliError> {
    let bar = if std::io::stderr().is_terminal() && !args.dry_run {
        let bar = ProgressBar::new(0);
        if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} rows ({eta} left)") {
            bar.set_style(style);
        }
        bar
    } else {
        ProgressBar::hidden()
    };
    let progress = {
        let bar = bar.clone();
        move |p: BackfillProgress| {
            bar.set_length(p.total);
            bar.set_position(p.done);
        }
    };
    let report = heimdex_adapters::backfill(&store, args.options(), &progress).await;
    bar.finish_and_clear();
    println!("{}", summary(&report?));
    Ok(())
}

/// One line for the operator.
fn summary(report: &BackfillReport) -> String {
    if report.dry_run {
        format!(
            "dry run: {} finished rows lack processing_finished_at; nothing changed",
            report.candidates
        )
    } else {
        format!(
            "backfilled processing_finished_at on {} of {} rows in {} batches",
            report.updated, report.candidates, report.batches
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_says_whether_anything_changed() {
        let dry = BackfillReport {
            candidates: 7,
            updated: 0,
            batches: 0,
            dry_run: true,
        };
        assert_eq!(
            summary(&dry),
            "dry run: 7 finished rows lack processing_finished_at; nothing changed"
        );
        let real = BackfillReport {
            candidates: 7,
            updated: 7,
            batches: 2,
            dry_run: false,
        };
        assert_eq!(
            summary(&real),
            "backfilled processing_finished_at on 7 of 7 rows in 2 batches"
        );
    }
}
