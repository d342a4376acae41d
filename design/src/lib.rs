//! Bulkhead's pure domain crate: no IO, no async; builds for wasm32 as well as natively.
//!
//! # Reading and writing designs
//! - [`parse_document`]`(text: &str) -> Result<RawDesign, ParseError>` reads YAML or JSON.
//! - [`to_canonical_yaml`]`(&RawDesign) -> String` writes it back, deterministically.
//! - [`templates::get`]`(name) -> Option<&'static str>` and [`templates::NAMES`].
//!
//! # Checking
//! - [`validate`]`(&RawDesign) -> (ValidDesign, Vec<Diagnostic>)` (also
//!   `RawDesign::validate`): every problem at once; the model keeps what passed.
//! - [`check`]`(&RawDesign) -> Result<ValidDesign, Vec<Diagnostic>>`: the gate before
//!   export or apply (no error diagnostics).
//!
//! # Analysis
//! - [`reach::Reachability::compute`]`(&ValidDesign)`, then `.pair(a, b)`,
//!   `.explain("api", "postgres")`, `.allowed(a, b)`, `.ports(a, b)`, `.inbound()`,
//!   `.egress(s)`; or [`reach::explain`]`(&ValidDesign, from, to)`.
//! - [`findings::lint`]`(&ValidDesign) -> Vec<Finding>`.
//!
//! # Renderings for the command line and the API
//! - [`reach::matrix_text`] / [`reach::matrix_json`]`(&ValidDesign, from, to)`.

mod alloc;
mod canonical;
pub mod diagnostic;
pub mod findings;
pub mod model;
mod parse;
pub mod raw;
pub mod reach;
pub mod templates;
mod validate;

pub use canonical::to_canonical_yaml;
pub use diagnostic::{Code, Diagnostic, Severity};
pub use findings::{Finding, FindingCode};
pub use model::ValidDesign;
pub use parse::{ParseError, parse_document};
pub use raw::RawDesign;
pub use validate::{DEFAULT_SUBNET_POOL, check, validate};
