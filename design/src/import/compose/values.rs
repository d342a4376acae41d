//! Reading Compose's loosely typed values: scalars, string lists, label maps, booleans.

use indexmap::IndexMap;
use serde_json::Value;

use super::Ctx;

/// Text of a scalar (string, number or bool).
pub(super) fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

pub(super) fn strings(ctx: &mut Ctx, path: &str, v: &Value) -> Vec<String> {
    match v {
        Value::Array(items) => items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| {
                let s = scalar(item);
                if s.is_none() {
                    ctx.note(format!("{path}[{i}]"), "not a string; left out");
                }
                s
            })
            .collect(),
        Value::Null => Vec::new(),
        other => match scalar(other) {
            Some(s) => vec![s],
            None => {
                ctx.note(path, "expected a list of strings; left out");
                Vec::new()
            }
        },
    }
}

/// Compose's `labels`: a map, or a list of `key=value`.
pub(super) fn labels(ctx: &mut Ctx, path: &str, v: &Value) -> IndexMap<String, String> {
    let mut out = IndexMap::new();
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                out.insert(k.clone(), scalar(v).unwrap_or_default());
            }
        }
        Value::Array(items) => {
            for s in strings(ctx, path, &Value::Array(items.clone())) {
                let (k, v) = s.split_once('=').unwrap_or((&s, ""));
                out.insert(k.to_owned(), v.to_owned());
            }
        }
        Value::Null => {}
        _ => ctx.note(
            path,
            "labels must be a map or a list of key=value; left out",
        ),
    }
    out
}

pub(super) fn as_bool(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::String(s) => match s.as_str() {
            "true" | "True" | "TRUE" | "1" => Some(true),
            "false" | "False" | "FALSE" | "0" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// The accepted findings an export wrote in `labels`: the codes in `io.bulkhead.accept`,
/// each reason in `io.bulkhead.accept.<code>`.
pub(super) fn accepts(labels: &IndexMap<String, String>) -> Vec<crate::raw::RawAccept> {
    use crate::model::ACCEPT_LABEL;
    let Some(codes) = labels.get(ACCEPT_LABEL) else {
        return Vec::new();
    };
    codes
        .split(',')
        .filter(|c| !c.is_empty())
        .map(|code| crate::raw::RawAccept {
            code: code.to_owned(),
            reason: labels.get(&format!("{ACCEPT_LABEL}.{code}")).cloned(),
        })
        .collect()
}
