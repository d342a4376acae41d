//! The design commands: `check`, `reach`, `diff`, `template`. They read files, call the
//! `design` crate, print, and exit 0 (fine), 1 (the design has errors), 2 (unreadable).

use design::RawDesign;
use std::path::Path;
use std::process::ExitCode;

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckFormat {
    Text,
    Json,
    Sarif,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
}

/// Reads and parses a design file; the error is printed and means exit 2.
pub fn read(path: &Path) -> Result<(String, RawDesign), ExitCode> {
    let text = std::fs::read(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))
        .and_then(|bytes| {
            String::from_utf8(bytes).map_err(|e| {
                format!(
                    "{} is not UTF-8 text (byte {}); save it as UTF-8",
                    path.display(),
                    e.utf8_error().valid_up_to()
                )
            })
        });
    let text = match text {
        Ok(t) => t,
        Err(m) => {
            eprintln!("bulkhead: {m}");
            return Err(ExitCode::from(2));
        }
    };
    match design::parse_document(&text) {
        Ok(raw) => Ok((text, raw)),
        Err(e) => {
            eprintln!("bulkhead: {}: {e}", path.display());
            Err(ExitCode::from(2))
        }
    }
}

pub fn check(path: &Path, format: CheckFormat, strict: bool) -> ExitCode {
    let (text, raw) = match read(path) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let report = design::report::CheckReport::new(&raw);
    let out = match format {
        CheckFormat::Text => design::report::check_text(&report),
        CheckFormat::Json => design::report::check_json(&report),
        CheckFormat::Sarif => {
            design::report::check_sarif(&report, &path.display().to_string(), &text)
        }
    };
    print!("{out}");
    if !out.ends_with('\n') {
        println!();
    }
    ExitCode::from(report.exit_code(strict) as u8)
}

/// A valid design or exit 1 with its diagnostics printed.
fn valid(raw: &RawDesign) -> Result<design::ValidDesign, ExitCode> {
    design::check(raw).map_err(|diagnostics| {
        eprintln!("bulkhead: the design has errors; fix them first (`bulkhead check` lists them):");
        for d in diagnostics
            .iter()
            .filter(|d| d.severity == design::Severity::Error)
        {
            eprintln!("  {}: {} [{}]", d.path, d.message, d.code);
        }
        ExitCode::from(1)
    })
}

pub fn reach(path: &Path, from: Option<&str>, to: Option<&str>, format: Format) -> ExitCode {
    let (_, raw) = match read(path) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let design = match valid(&raw) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let out = match format {
        Format::Text => design::reach::matrix_text(&design, from, to),
        Format::Json => design::reach::matrix_json(&design, from, to),
    };
    match out {
        Ok(out) => {
            print!("{out}");
            if !out.ends_with('\n') {
                println!();
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("bulkhead: {e}");
            ExitCode::from(2)
        }
    }
}

pub fn diff(old: &Path, new: &Path, format: Format) -> ExitCode {
    let (old, new) = match (read(old), read(new)) {
        (Ok((_, o)), Ok((_, n))) => (o, n),
        (Err(code), _) | (_, Err(code)) => return code,
    };
    let d = design::diff::diff(&old, &new);
    let out = match format {
        Format::Text => d.to_text(),
        Format::Json => d.to_json(),
    };
    print!("{out}");
    if !out.ends_with('\n') {
        println!();
    }
    ExitCode::SUCCESS
}

pub fn template(name: &str) -> ExitCode {
    match design::templates::get(name) {
        Some(t) => {
            print!("{t}");
            ExitCode::SUCCESS
        }
        None => {
            eprintln!(
                "bulkhead: there is no template `{name}`; the templates are: {}",
                design::templates::NAMES.join(", ")
            );
            ExitCode::from(2)
        }
    }
}
