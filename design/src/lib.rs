//! Bulkhead's pure domain crate: no IO, no async; builds for wasm32 as well as natively.
