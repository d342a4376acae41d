//! Bulkhead's pure domain crate: no IO, no async; builds for wasm32 as well as natively.
//!
//! # Reading and writing designs
//! - [`parse_document`]`(text: &str) -> Result<RawDesign, ParseError>` reads YAML or JSON
//!   (this, the next line and `import` need the `yaml` feature, on by default).
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
//! # Compilers (pure, deterministic; also in the browser for downloads)
//! - [`compile::compose`]`(&ValidDesign, revision: Option<u64>) -> String`: the Compose file.
//! - [`compile::iptables_restore`]`(&ValidDesign, revision)`: `iptables-restore --noflush`
//!   input that rebuilds the design's chain [`compile::chain_name`]`(&DesignName)`.
//! - [`compile::iptables_script`]`(&ValidDesign, revision)`: the bash script around it
//!   (apply, `--check`, `--remove`, `--status`).
//! - [`compile::nftables`]`(&ValidDesign, revision)`: `nft -f` text for the table
//!   `inet` [`compile::nft_table_name`]`(&DesignName)`.
//! - [`compile::compile`]`(&ValidDesign, Format, revision)` picks one by [`compile::Format`];
//!   [`compile::policy`]`(&ValidDesign) -> Policy` is the rule list both firewalls render.
//! - Object names: [`compile::network_name`], [`compile::container_name`].
//!
//! # Import
//! - [`import::compose`]`(text, fallback_name) -> Result<ComposeImport, ImportError>`: a
//!   Compose file as a [`RawDesign`] plus notes on what could not be mapped; malformed
//!   YAML is refused with its line and column.
//!
//! # Extension to the file format
//! `services.<name>.accept: [code, …]` lists finding codes the team has reviewed for that
//! service (e.g. `host-network`); such findings are reported as notes marked accepted.

mod alloc;
#[cfg(feature = "yaml")]
pub mod budget;
#[cfg(feature = "yaml")]
mod canonical;
pub mod compile;
pub mod diagnostic;
pub mod diff;
#[cfg(feature = "yaml")]
mod expansion;
pub mod findings;
#[cfg(feature = "yaml")]
pub mod import;
pub mod limits;
pub mod model;
pub mod nesting;
#[cfg(feature = "yaml")]
mod parse;
pub mod raw;
pub mod reach;
pub mod report;
pub mod templates;
mod validate;

#[cfg(feature = "yaml")]
pub use canonical::to_canonical_yaml;
pub use diagnostic::{Code, Diagnostic, Severity};
pub use findings::{Finding, FindingCode};
pub use model::ValidDesign;
#[cfg(feature = "yaml")]
pub use parse::{ParseError, parse_document};
pub use raw::RawDesign;
pub use validate::{DEFAULT_SUBNET_POOL, check, validate};
