//! A change in one line, as a design's history lists it: `+2 services, 1 flow changed`.

use std::collections::BTreeMap;

use super::structural::{Change, ChangeKind, changes};
use crate::raw::RawDesign;

/// The sections a summary counts things of, with their words (one, many).
const SECTIONS: [(&str, &str, &str); 3] = [
    ("zones", "zone", "zones"),
    ("services", "service", "services"),
    ("flows", "flow", "flows"),
];

/// The section and thing a change is about: (`services`, `web`), (`flows`, `flows[a -> b]`),
/// or (`host`, ``) for the other sections.
fn thing(path: &str) -> (&str, &str) {
    if path.starts_with("flows[") {
        let end = path.find(']').map_or(path.len(), |i| i + 1);
        return ("flows", &path[..end]);
    }
    let mut parts = path.splitn(3, '.');
    let section = parts.next().unwrap_or_default();
    match section {
        "zones" | "services" => (section, parts.next().unwrap_or_default()),
        other => (other, ""),
    }
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `+2 services, −1 zone, 1 flow changed, host policy changed`; `no change` when the two are
/// the same.
pub fn summary(old: &RawDesign, new: &RawDesign) -> String {
    summarise(&changes(old, new))
}

/// [`summary`] of changes already computed.
pub fn summarise(changes: &[Change]) -> String {
    // Per section, each thing's kind: added or removed when the whole thing is, else changed.
    let mut things: BTreeMap<(&str, &str), ChangeKind> = BTreeMap::new();
    let mut other: Vec<&str> = Vec::new();
    for c in changes {
        let (section, name) = thing(&c.path);
        if name.is_empty() {
            if !other.contains(&section) {
                other.push(section);
            }
            continue;
        }
        let whole = c.path == format!("{section}.{name}") || c.path == name;
        let kind = if whole { c.kind } else { ChangeKind::Changed };
        things
            .entry((section, name))
            .and_modify(|k| {
                if *k != kind {
                    *k = ChangeKind::Changed;
                }
            })
            .or_insert(kind);
    }
    let mut out = Vec::new();
    for (kind, sign) in [(ChangeKind::Added, "+"), (ChangeKind::Removed, "−")] {
        for (section, one, many) in SECTIONS {
            let n = things
                .iter()
                .filter(|((s, _), k)| *s == section && **k == kind)
                .count();
            if n > 0 {
                out.push(format!("{sign}{}", count(n, one, many)));
            }
        }
    }
    for (section, one, many) in SECTIONS {
        let n = things
            .iter()
            .filter(|((s, _), k)| *s == section && **k == ChangeKind::Changed)
            .count();
        if n > 0 {
            out.push(format!("{} changed", count(n, one, many)));
        }
    }
    for section in other {
        out.push(match section {
            "host" => "host policy changed".to_owned(),
            "design" => "name or description changed".to_owned(),
            other => format!("{other} changed"),
        });
    }
    if out.is_empty() {
        "no change".to_owned()
    } else {
        out.join(", ")
    }
}

#[cfg(all(test, feature = "yaml"))]
mod tests {
    use super::*;

    fn doc(text: &str) -> RawDesign {
        crate::parse_document(text).unwrap()
    }

    #[test]
    fn counts_what_was_added_removed_and_changed() {
        let old = doc(
            "bulkhead: 1\nname: d\nzones:\n  a: { trust: internal }\n  b: { trust: internal }\nservices:\n  web: { image: 'x:1', zones: [a] }\n  db: { image: 'y:1', zones: [a] }\nflows:\n  - { from: web, to: db, ports: [tcp/5432] }\n",
        );
        let new = doc(
            "bulkhead: 1\nname: d\nzones:\n  a: { trust: internal, isolated: true }\nservices:\n  web: { image: 'x:2', zones: [a] }\n  db: { image: 'y:1', zones: [a] }\n  cache: { image: 'z:1', zones: [a] }\n  queue: { image: 'q:1', zones: [a] }\nflows:\n  - { from: web, to: db, ports: [tcp/5433] }\nhost: { protect_host: true }\n",
        );
        assert_eq!(
            summary(&old, &new),
            "+2 services, −1 zone, 1 zone changed, 1 service changed, 1 flow changed, host policy changed"
        );
        assert_eq!(summary(&new, &new), "no change");
        let empty = doc("bulkhead: 1\nname: d\n");
        assert_eq!(summary(&empty, &old), "+2 zones, +2 services, +1 flow");
    }
}
