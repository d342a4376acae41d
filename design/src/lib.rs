//! Bulkhead's pure domain crate: no IO, no async; builds for wasm32 as well as natively.
//!
//! # Reading and writing designs
//! - [`parse_document`]`(text: &str) -> Result<RawDesign, ParseError>` reads YAML or JSON.
//! - [`to_canonical_yaml`]`(&RawDesign) -> String` writes it back, deterministically.
//! - [`templates::get`]`(name) -> Option<&'static str>` and [`templates::NAMES`].

mod canonical;
mod parse;
pub mod raw;
pub mod templates;

pub use canonical::to_canonical_yaml;
pub use parse::{ParseError, parse_document};
pub use raw::RawDesign;
