//! The `design` crate's integration tests: one binary, one module per concern.

mod docs;
mod findings;
mod host_path;
mod observe;
mod parse;
mod properties;
mod reach;
mod snapshots;
mod validation;
