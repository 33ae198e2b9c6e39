//! The `heimdex` command. Everything lives in the library (`heimdex_server::cli`); this file only
//! parses the arguments, sets up logging and reports a failure with its causes.

use clap::Parser;
use heimdex_server::cli::{init_tracing, run, Cli};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    init_tracing();
    run(cli).await?;
    Ok(())
}
