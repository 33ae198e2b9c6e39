//! `heimdex migrate`: applies the configured store's migrations.

use heimdex_adapters::StoreConfig;

use super::CliError;

pub(crate) async fn run(store: StoreConfig) -> Result<(), CliError> {
    heimdex_adapters::migrate(&store).await?;
    println!("migrations applied ({} store)", store.kind());
    if let StoreConfig::Postgres { grant_roles, .. } = &store {
        let others = if grant_roles.is_empty() {
            " only".to_owned()
        } else {
            format!(" and {}", grant_roles.join(", "))
        };
        println!("access to Heimdex's tables: their owner{others}");
    }
    Ok(())
}
