//! The `heimdex` command.
fn main() {}
