//! `docs/design-format.md` stays true: its examples parse and validate, the first is the
//! three-tier template word for word, and it lists every code the crate knows.

use design::{Code, FindingCode, Severity, parse_document, templates, validate};

fn document() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/design-format.md");
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The fenced YAML blocks of the document, in order.
fn yaml_blocks(text: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        match (&mut current, line.trim_end()) {
            (None, "```yaml") => current = Some(String::new()),
            (Some(_), "```") => blocks.extend(current.take()),
            (Some(block), _) => {
                block.push_str(line);
                block.push('\n');
            }
            (None, _) => {}
        }
    }
    blocks
}

/// The first example is the `three-tier` template, character for character.
#[test]
fn first_example_is_the_three_tier_template() {
    let blocks = yaml_blocks(&document());
    assert_eq!(
        blocks.first().map(String::as_str),
        templates::get("three-tier")
    );
}

/// Every example parses and validates without an error.
#[test]
fn examples_are_valid_designs() {
    let blocks = yaml_blocks(&document());
    assert!(blocks.len() >= 2, "{} examples", blocks.len());
    for block in blocks {
        let raw = parse_document(&block).unwrap_or_else(|e| panic!("{e}\n{block}"));
        let (_, diagnostics) = validate(&raw);
        let errors: Vec<_> = diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .collect();
        assert!(errors.is_empty(), "{errors:#?}\n{block}");
    }
}

/// Every finding code is in the findings table with its severity and CIS check, and every
/// validation code in the errors table.
#[test]
fn every_code_is_documented() {
    let text = document();
    for code in FindingCode::ALL {
        let cis = code.cis().unwrap_or("—");
        let row = format!("| `{code}` | {} | {cis} |", code.severity());
        assert!(text.contains(&row), "missing or stale row: {row}");
    }
    for code in Code::ALL {
        let row = format!("| `{code}` |");
        assert!(text.contains(&row), "missing row for {code}");
    }
}
