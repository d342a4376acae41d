//! The comment header every artifact starts with.

use crate::ValidDesign;
use crate::findings;

/// `Bulkhead design three-tier, revision 7`.
pub(crate) fn title(design: &ValidDesign, revision: Option<u64>) -> String {
    match revision {
        Some(r) => format!("Bulkhead design {}, revision {r}", design.name),
        None => format!("Bulkhead design {}", design.name),
    }
}

/// Text made safe for a `#` comment in YAML, bash, iptables-restore and nft input:
/// printable ASCII only, one line.
pub(crate) fn comment_text(text: &str) -> String {
    text.chars()
        .map(|c| if (' '..='~').contains(&c) { c } else { '?' })
        .collect()
}

/// The design's findings as comment lines (`# ` included), or one line saying there are
/// none. Findings never block an export; they are listed so the reader sees them.
pub(crate) fn findings_lines(design: &ValidDesign) -> Vec<String> {
    let found = findings::lint(design);
    if found.is_empty() {
        return vec!["# Findings: none.".to_owned()];
    }
    let mut out = vec![format!(
        "# Findings ({}; `bulkhead check` explains them):",
        found.len()
    )];
    out.extend(
        found
            .iter()
            .map(|f| format!("#   {}", comment_text(&f.to_string()))),
    );
    out
}
