//! What the canvas marks when a revision is compared with another (`?compare=N`): zones,
//! services and flows added (green) or changed (amber) since that revision, and what it had
//! that is gone (red, as ghosts). Worked out from the two documents, again on each edit;
//! nothing of it runs when nothing is compared.

use std::collections::HashSet;

use design::RawDesign;

/// The marks: keys `zone:NAME`, `service:NAME`, `flow:INDEX` of the current document.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Marks {
    /// The revision compared with.
    pub against: i64,
    pub added: HashSet<String>,
    pub changed: HashSet<String>,
    /// What the compared revision had and this one has not, in words (`service cache`).
    pub removed: Vec<String>,
}

impl Marks {
    /// `added`, `changed` or `None` for the thing of `key`.
    pub fn of(&self, key: &str) -> Option<&'static str> {
        if self.added.contains(key) {
            Some("added")
        } else if self.changed.contains(key) {
            Some("changed")
        } else {
            None
        }
    }
}

/// The marks of `doc` against `base` (revision `against`).
pub fn marks(against: i64, base: &RawDesign, doc: &RawDesign) -> Marks {
    let mut m = Marks {
        against,
        ..Marks::default()
    };
    for (name, z) in doc.zones.iter() {
        match base.zones.get(name) {
            None => m.added.insert(format!("zone:{name}")),
            Some(b) if b != z => m.changed.insert(format!("zone:{name}")),
            Some(_) => false,
        };
    }
    for (name, _) in base.zones.iter() {
        if doc.zones.get(name).is_none() {
            m.removed.push(format!("zone {name}"));
        }
    }
    for (name, s) in doc.services.iter() {
        match base.services.get(name) {
            None => m.added.insert(format!("service:{name}")),
            Some(b) if b != s => m.changed.insert(format!("service:{name}")),
            Some(_) => false,
        };
    }
    for (name, _) in base.services.iter() {
        if doc.services.get(name).is_none() {
            m.removed.push(format!("service {name}"));
        }
    }
    let same_ends =
        |a: &design::raw::RawFlow, b: &design::raw::RawFlow| a.from == b.from && a.to == b.to;
    for (i, f) in doc.flows.iter().enumerate() {
        if base.flows.contains(f) {
            continue;
        }
        let key = format!("flow:{i}");
        if base.flows.iter().any(|b| same_ends(b, f)) {
            m.changed.insert(key);
        } else {
            m.added.insert(key);
        }
    }
    for b in &base.flows {
        if !doc.flows.iter().any(|f| same_ends(b, f)) {
            m.removed.push(format!("flow {} → {}", b.from, b.to));
        }
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> RawDesign {
        design::parse_document(text).unwrap()
    }

    #[test]
    fn added_changed_and_removed() {
        let base = doc(
            "bulkhead: 1\nname: d\nzones:\n  a: { trust: internal }\n  b: { trust: internal }\nservices:\n  web: { image: 'x:1', zones: [a] }\n  db: { image: 'y:1', zones: [a] }\nflows:\n  - { from: web, to: db, ports: [tcp/5432] }\n  - { from: db, to: web }\n",
        );
        assert_eq!(
            marks(3, &base, &base),
            Marks {
                against: 3,
                ..Marks::default()
            }
        );
        let now = doc(
            "bulkhead: 1\nname: d\nzones:\n  a: { trust: internal, isolated: true }\n  c: { trust: internal }\nservices:\n  web: { image: 'x:2', zones: [a] }\n  cache: { image: 'z:1', zones: [c] }\nflows:\n  - { from: web, to: db, ports: [tcp/5433] }\n  - { from: web, to: cache }\n",
        );
        let m = marks(3, &base, &now);
        let set = |keys: &[&str]| keys.iter().map(|k| (*k).to_owned()).collect::<HashSet<_>>();
        assert_eq!(m.added, set(&["zone:c", "service:cache", "flow:1"]));
        assert_eq!(m.changed, set(&["zone:a", "service:web", "flow:0"]));
        assert_eq!(m.removed, ["zone b", "service db", "flow db → web"]);
        assert_eq!(m.of("service:web"), Some("changed"));
        assert_eq!(m.of("zone:c"), Some("added"));
        assert_eq!(m.of("flow:9"), None);
    }
}
