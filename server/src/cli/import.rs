//! `bulkhead import compose FILE [--name NAME] [-o OUT]`: a Compose file as a design.
//! Prints the design (canonical YAML); notes on what could not be mapped and the design's
//! errors go to stderr. Exit 0 imported, 2 unreadable or malformed.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::export::write_out;

#[derive(clap::Args, Debug)]
pub struct ComposeArgs {
    /// The Compose file.
    file: PathBuf,
    /// The design's name (default: the export's own, the file's `name:`, or the
    /// directory's name, as Compose picks a project name).
    #[arg(long)]
    name: Option<String>,
    /// Write to this file instead of stdout.
    #[arg(short = 'o', long = "output")]
    output: Option<PathBuf>,
}

/// The directory's name normalised as Compose normalises project names.
fn directory_name(file: &Path) -> String {
    let dir = std::fs::canonicalize(file)
        .ok()
        .and_then(|p| {
            p.parent()
                .and_then(|d| d.file_name())
                .map(|n| n.to_string_lossy().into_owned())
        })
        .unwrap_or_default();
    let name: String = dir
        .to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect();
    let name = name.trim_start_matches(['_', '-']).to_owned();
    if name.is_empty() {
        "imported".to_owned()
    } else {
        name
    }
}

pub fn compose(args: &ComposeArgs) -> ExitCode {
    let text = match std::fs::read_to_string(&args.file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("bulkhead: cannot read {}: {e}", args.file.display());
            return ExitCode::from(2);
        }
    };
    let fallback = args
        .name
        .clone()
        .unwrap_or_else(|| directory_name(&args.file));
    let mut imported = match design::import::compose(&text, &fallback) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("bulkhead: {}: {e}", args.file.display());
            return ExitCode::from(2);
        }
    };
    if let Some(name) = &args.name {
        imported.design.name = name.clone();
    }
    for note in &imported.notes {
        eprintln!("bulkhead: note: {}: {}", note.path, note.message);
    }
    let (_, diagnostics) = design::validate(&imported.design);
    for d in diagnostics
        .iter()
        .filter(|d| d.severity == design::Severity::Error)
    {
        eprintln!(
            "bulkhead: the imported design has an error to fix: {}: {} [{}]",
            d.path, d.message, d.code
        );
    }
    write_out(
        args.output.as_deref(),
        &design::to_canonical_yaml(&imported.design),
        false,
    )
}
