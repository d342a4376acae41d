//! `bulkhead check`: validation diagnostics and findings as text, JSON and SARIF 2.1.0.

mod locate;
mod sarif;

use std::fmt::Write;

use serde::Serialize;

pub use locate::line_of;
pub use sarif::check_sarif;

use crate::diagnostic::{Diagnostic, Severity};
use crate::findings::{self, Finding};
use crate::raw::RawDesign;

/// Everything `check` has to say about one design.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckReport {
    /// The design's name as written.
    pub design: String,
    /// Validation diagnostics; any error means the design cannot be exported or applied.
    pub diagnostics: Vec<Diagnostic>,
    /// Findings on what did validate.
    pub findings: Vec<Finding>,
}

/// Counts by severity over diagnostics and findings together.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Errors.
    pub errors: usize,
    /// Warnings.
    pub warnings: usize,
    /// Notes.
    pub notes: usize,
}

impl CheckReport {
    /// Validates `raw` and lints what validated.
    pub fn new(raw: &RawDesign) -> Self {
        let (design, diagnostics) = crate::validate(raw);
        let findings = findings::lint(&design);
        Self {
            design: raw.name.clone(),
            diagnostics,
            findings,
        }
    }

    /// True when no diagnostic is an error.
    pub fn is_valid(&self) -> bool {
        !self
            .diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }

    /// Counts by severity.
    pub fn summary(&self) -> Summary {
        let mut s = Summary::default();
        let severities = self
            .diagnostics
            .iter()
            .map(|d| d.severity)
            .chain(self.findings.iter().map(|f| f.severity));
        for sev in severities {
            match sev {
                Severity::Error => s.errors += 1,
                Severity::Warning => s.warnings += 1,
                Severity::Note => s.notes += 1,
            }
        }
        s
    }

    /// The command's exit code: 1 when the design has validation errors, or with
    /// `strict` when anything is of warning severity or worse; 0 otherwise.
    pub fn exit_code(&self, strict: bool) -> i32 {
        let worst = self.findings.iter().map(|f| f.severity).max();
        if !self.is_valid() || (strict && worst.is_some_and(|s| s >= Severity::Warning)) {
            1
        } else {
            0
        }
    }
}

/// The report as text: a summary line, then each diagnostic and finding on its own line.
pub fn check_text(report: &CheckReport) -> String {
    let s = report.summary();
    let mut out = String::new();
    let verdict = if report.is_valid() {
        "valid"
    } else {
        "invalid"
    };
    let _ = writeln!(
        out,
        "{}: {verdict}; {} error(s), {} warning(s), {} note(s)",
        report.design, s.errors, s.warnings, s.notes
    );
    for d in &report.diagnostics {
        let _ = writeln!(out, "{d}");
    }
    for f in &report.findings {
        let _ = writeln!(out, "{f}");
    }
    out
}

#[derive(Serialize)]
struct JsonReport<'a> {
    design: &'a str,
    valid: bool,
    summary: Summary,
    diagnostics: &'a [Diagnostic],
    findings: &'a [Finding],
}

/// The report as JSON: `design`, `valid`, `summary`, `diagnostics`, `findings`.
pub fn check_json(report: &CheckReport) -> String {
    to_json(&JsonReport {
        design: &report.design,
        valid: report.is_valid(),
        summary: report.summary(),
        diagnostics: &report.diagnostics,
        findings: &report.findings,
    })
}

pub(crate) fn to_json<T: Serialize>(value: &T) -> String {
    // Every type rendered here has string keys and no non-finite numbers.
    serde_json::to_string_pretty(value).unwrap_or_else(|e| unreachable!("JSON rendering: {e}"))
}
