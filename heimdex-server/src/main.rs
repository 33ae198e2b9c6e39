//! The `heimdex` command. Everything lives in the library (`heimdex_server::cli`); this file only
//! parses the arguments, sets up logging and reports a failure with its causes.

use std::error::Error as _;
use std::process::ExitCode;

use clap::Parser;
use heimdex_server::cli::{init_tracing, run, Cli};

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing();
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            let mut message = format!("error: {err}");
            let mut cause = err.source();
            while let Some(inner) = cause {
                message.push_str(&format!("\n  caused by: {inner}"));
                cause = inner.source();
            }
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}
