//! Structural changes between two raw designs: what was added, removed or changed.

use serde::Serialize;
use serde_json::Value;

use crate::raw::{RawDesign, RawFlow};

/// Added, removed or changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    /// Only in the new design.
    Added,
    /// Only in the old design.
    Removed,
    /// In both, with a different value.
    Changed,
}

/// One structural change, with the values before and after.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// Added, removed or changed.
    pub kind: ChangeKind,
    /// Dotted path, e.g. `zones.database-tier.isolated` or `flows[api -> cache]`.
    pub path: String,
    /// The old value (absent when added).
    pub before: Option<Value>,
    /// The new value (absent when removed).
    pub after: Option<Value>,
}

fn value<T: Serialize>(v: &T) -> Value {
    // Raw designs hold only strings, numbers, bools, lists and string-keyed maps.
    serde_json::to_value(v).unwrap_or(Value::Null)
}

fn fields(path: &str, before: &Value, after: &Value, out: &mut Vec<Change>) {
    let empty = serde_json::Map::new();
    let b = before.as_object().unwrap_or(&empty);
    let a = after.as_object().unwrap_or(&empty);
    let keys = b.keys().chain(a.keys().filter(|k| !b.contains_key(*k)));
    for k in keys {
        let (old, new) = (b.get(k), a.get(k));
        if old == new {
            continue;
        }
        let kind = match (old, new) {
            (None, _) => ChangeKind::Added,
            (_, None) => ChangeKind::Removed,
            _ => ChangeKind::Changed,
        };
        out.push(Change {
            kind,
            path: format!("{path}.{k}"),
            before: old.cloned(),
            after: new.cloned(),
        });
    }
}

fn named<T: Serialize>(
    section: &str,
    old: &crate::raw::UniqueMap<T>,
    new: &crate::raw::UniqueMap<T>,
    out: &mut Vec<Change>,
) {
    for (name, o) in old.iter() {
        let path = format!("{section}.{name}");
        match new.get(name) {
            None => out.push(Change {
                kind: ChangeKind::Removed,
                path,
                before: Some(value(o)),
                after: None,
            }),
            Some(n) => fields(&path, &value(o), &value(n), out),
        }
    }
    for (name, n) in new.iter() {
        if old.get(name).is_none() {
            out.push(Change {
                kind: ChangeKind::Added,
                path: format!("{section}.{name}"),
                before: None,
                after: Some(value(n)),
            });
        }
    }
}

fn flow_key(f: &RawFlow) -> String {
    let action = f.action.unwrap_or_default();
    format!(
        "flows[{} -> {}{}]",
        f.from,
        f.to,
        if action == crate::raw::Action::Deny {
            ", deny"
        } else {
            ""
        }
    )
}

fn flows(old: &[RawFlow], new: &[RawFlow], out: &mut Vec<Change>) {
    let mut unmatched_new: Vec<Option<&RawFlow>> = new.iter().map(Some).collect();
    let mut unmatched_old = Vec::new();
    for o in old {
        if let Some(slot) = unmatched_new.iter_mut().find(|n| n.is_some_and(|n| n == o)) {
            *slot = None;
        } else {
            unmatched_old.push(o);
        }
    }
    for o in unmatched_old {
        let key = flow_key(o);
        let partner = unmatched_new
            .iter_mut()
            .find(|n| n.is_some_and(|n| flow_key(n) == key));
        match partner {
            Some(slot) => {
                if let Some(n) = slot.take() {
                    fields(&key, &value(o), &value(n), out);
                }
            }
            None => out.push(Change {
                kind: ChangeKind::Removed,
                path: key,
                before: Some(value(o)),
                after: None,
            }),
        }
    }
    for n in unmatched_new.into_iter().flatten() {
        out.push(Change {
            kind: ChangeKind::Added,
            path: flow_key(n),
            before: None,
            after: Some(value(n)),
        });
    }
}

/// The structural changes from `old` to `new`, in document order of the sections.
pub(crate) fn changes(old: &RawDesign, new: &RawDesign) -> Vec<Change> {
    let mut out = Vec::new();
    let top = |d: &RawDesign| {
        serde_json::json!({
            "bulkhead": d.bulkhead,
            "name": d.name,
            "description": d.description,
            "mode": d.mode,
        })
    };
    fields("design", &top(old), &top(new), &mut out);
    fields(
        "defaults",
        &value(&old.defaults),
        &value(&new.defaults),
        &mut out,
    );
    named("zones", &old.zones, &new.zones, &mut out);
    named("services", &old.services, &new.services, &mut out);
    flows(&old.flows, &new.flows, &mut out);
    fields(
        "host",
        &value(&old.host.clone().unwrap_or_default()),
        &value(&new.host.clone().unwrap_or_default()),
        &mut out,
    );
    out
}
