//! `heimdex migrate`: applies the configured store's migrations.

use heimdex_adapters::StoreConfig;

use super::CliError;

pub(crate) async fn run(store: StoreConfig) -> Result<(), CliError> {
    heimdex_adapters::migrate(&store).await?;
    println!("migrations applied ({} store)", store.kind());
    Ok(())
}
