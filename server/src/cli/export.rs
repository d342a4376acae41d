//! `bulkhead export FILE --format compose|iptables|iptables-script|nftables|design [-o OUT]`:
//! a checked design compiled to an artifact. Exit 0 written, 1 the design has errors
//! (nothing is written), 2 unreadable.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use design::compile::{Export, compile};

use super::design::read;

#[derive(clap::Args, Debug)]
pub struct ExportArgs {
    /// The design file.
    file: PathBuf,
    /// compose, iptables-script (a bash script that checks, applies, removes or shows the
    /// chain), iptables (iptables-restore input), nftables, or design (canonical YAML).
    #[arg(long, default_value = "compose")]
    format: Export,
    /// Write to this file instead of stdout.
    #[arg(short = 'o', long = "output")]
    output: Option<PathBuf>,
    /// The revision number to name in the header.
    #[arg(long)]
    revision: Option<u64>,
}

/// Writes `text` to `output` (whole or not at all), or stdout; a script is made executable.
pub fn write_out(output: Option<&Path>, text: &str, executable: bool) -> ExitCode {
    let Some(path) = output else {
        print!("{text}");
        return ExitCode::SUCCESS;
    };
    match crate::files::write_atomically(path, text.as_bytes(), executable) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => super::fail(format!("cannot write {}: {e}", path.display())),
    }
}

pub fn run(args: &ExportArgs) -> ExitCode {
    let (_, raw) = match read(&args.file) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let valid = match design::check(&raw) {
        Ok(v) => v,
        Err(diagnostics) => {
            eprintln!(
                "bulkhead: {} has errors, so nothing was exported; fix them first (`bulkhead check` lists them):",
                args.file.display()
            );
            for d in diagnostics
                .iter()
                .filter(|d| d.severity == design::Severity::Error)
            {
                eprintln!("  {}: {} [{}]", d.path, d.message, d.code);
            }
            return ExitCode::from(1);
        }
    };
    let text = match args.format {
        Export::Artifact(f) => {
            if let Err(blocked) = design::findings::release(&valid) {
                eprint!("bulkhead: nothing was exported: {blocked}");
                return ExitCode::from(1);
            }
            compile(&valid, f, args.revision)
        }
        Export::Design => design::to_canonical_yaml(&raw),
    };
    write_out(args.output.as_deref(), &text, args.format.is_executable())
}
