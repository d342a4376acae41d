//! Snapshots of every format for both templates and the kitchen-sink design.

use design::compile::{Format, compile};
use design::templates;

use crate::helpers::{KITCHEN_SINK, OBSERVED, template, valid};

/// Every format of every template, and of the kitchen sink.
#[test]
fn every_format() {
    let mut designs: Vec<(String, design::ValidDesign)> = templates::NAMES
        .iter()
        .map(|n| ((*n).to_owned(), template(n)))
        .collect();
    designs.push(("sink".to_owned(), valid(KITCHEN_SINK)));
    designs.push(("observe".to_owned(), valid(OBSERVED)));
    for (name, design) in &designs {
        for format in Format::ALL {
            let text = compile(design, format, Some(3));
            assert_eq!(text, compile(design, format, Some(3)), "deterministic");
            insta::assert_snapshot!(format!("{name}_{}", format.as_str()), text);
        }
    }
}
