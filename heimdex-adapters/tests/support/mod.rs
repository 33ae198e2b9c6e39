//! Helpers shared by the `postgres_*` tests.
#![allow(dead_code)]

pub mod cluster;
pub mod events;
pub mod pg;
