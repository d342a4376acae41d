//! Writing a design back as canonical YAML.

use crate::raw::RawDesign;

/// Writes the design as YAML: fields in a fixed order, maps in document order, defaults
/// left out. Deterministic, and [`crate::parse_document`] reads it back to an equal model.
pub fn to_canonical_yaml(design: &RawDesign) -> String {
    // Every field of the raw model is a string, number, bool, sequence or string-keyed
    // map, all of which YAML can represent, so serialisation cannot fail.
    serde_norway::to_string(design)
        .unwrap_or_else(|err| unreachable!("a raw design always serialises to YAML: {err}"))
}
