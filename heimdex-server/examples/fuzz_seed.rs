//! Seeds a store for `scripts/fuzz-api`: the golden rows (`heimdex_core::testkit::golden`) and a
//! seeded random dataset with every awkward case the metrics handle (`testkit::random_dataset`),
//! imported through `testkit::Import` into the store `DATABASE_URL` (or `HEIMDEX_DB_PATH`) names,
//! migrating it first. Prints the user ids, one a line, so the fuzzer can ask for real users.
//!
//! ```text
//! DATABASE_URL=postgres://… cargo run -p heimdex-server --example fuzz_seed
//! ```

use heimdex_adapters::StoreConfig;
use heimdex_core::testkit::golden::Golden;
use heimdex_core::testkit::random::random_dataset;
use heimdex_core::BoxError;

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let config = StoreConfig::new(
        std::env::var("DATABASE_URL").ok(),
        std::env::var_os("HEIMDEX_DB_PATH").map(Into::into),
    );
    let store = heimdex_adapters::open_importable(&config).await?;
    let now = heimdex_core::time::now();
    let golden = Golden::new(now).dataset;
    let random = random_dataset(7, 300, 60, now);
    for data in [&golden, &random] {
        store.import(data).await?;
    }
    store.flush().await?;
    for profile in golden.profiles.iter().chain(&random.profiles) {
        println!("{}", profile.user_id);
    }
    Ok(())
}
