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
//! - `bulkhead check`: [`report::CheckReport::new`]`(&RawDesign)`, then
//!   [`report::check_text`]`(&report)`, [`report::check_json`]`(&report)`,
//!   [`report::check_sarif`]`(&report, uri, text)`, and `report.exit_code(strict)`
//!   (0 valid, 1 errors or, with `strict`, warnings; a [`ParseError`] is exit 2).
//! - `bulkhead reach`: [`reach::matrix_text`] / [`reach::matrix_json`]`(&ValidDesign,
//!   from: Option<&str>, to: Option<&str>) -> Result<String, UnknownService>`.
//! - `bulkhead diff`: [`diff::diff`]`(&old, &new) -> Diff`, then `Diff::to_text()` and
//!   `Diff::to_json()`.
//! - `bulkhead template`: [`templates::get`].
//!
//! # Extension to the file format
//! `services.<name>.accept: [code, …]` lists finding codes the team has reviewed for that
//! service (e.g. `host-network`); such findings are reported as notes marked accepted.

mod alloc;
mod canonical;
pub mod diagnostic;
pub mod diff;
pub mod findings;
pub mod model;
mod parse;
pub mod raw;
pub mod reach;
pub mod report;
pub mod templates;
mod validate;

pub use canonical::to_canonical_yaml;
pub use diagnostic::{Code, Diagnostic, Severity};
pub use findings::{Finding, FindingCode};
pub use model::ValidDesign;
pub use parse::{ParseError, parse_document};
pub use raw::RawDesign;
pub use validate::{DEFAULT_SUBNET_POOL, check, validate};
