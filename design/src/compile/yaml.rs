//! A small block-style YAML writer for Compose files: every string double-quoted and
//! escaped, so no value can be read back as another type (PyYAML, which `docker-compose`
//! v1 uses, follows YAML 1.1, where `443:443` is a number and `no` a boolean) and no value
//! can break out of its place.

use std::fmt::Write;

use serde_json::Value;

/// Writes `value` (a mapping) as a YAML block document.
pub(crate) fn to_yaml(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Object(map) if !map.is_empty() => write_map(&mut out, map, 0),
        other => {
            out.push_str(&inline(other));
            out.push('\n');
        }
    }
    out
}

fn indent(out: &mut String, level: usize) {
    for _ in 0..level {
        out.push_str("  ");
    }
}

fn is_block(value: &Value) -> bool {
    match value {
        Value::Object(m) => !m.is_empty(),
        Value::Array(a) => !a.is_empty(),
        _ => false,
    }
}

fn write_map(out: &mut String, map: &serde_json::Map<String, Value>, level: usize) {
    for (k, v) in map {
        indent(out, level);
        out.push_str(&key(k));
        out.push(':');
        write_value_after_key(out, v, level);
    }
}

fn write_value_after_key(out: &mut String, v: &Value, level: usize) {
    match v {
        Value::Object(m) if !m.is_empty() => {
            out.push('\n');
            write_map(out, m, level + 1);
        }
        Value::Array(a) if !a.is_empty() => {
            out.push('\n');
            write_seq(out, a, level + 1);
        }
        scalar => {
            out.push(' ');
            out.push_str(&inline(scalar));
            out.push('\n');
        }
    }
}

fn write_seq(out: &mut String, items: &[Value], level: usize) {
    for item in items {
        indent(out, level);
        out.push('-');
        match item {
            Value::Object(m) if !m.is_empty() => {
                // The first key goes on the dash's line, the rest line up under it.
                let mut first = true;
                for (k, v) in m {
                    if first {
                        out.push(' ');
                        first = false;
                    } else {
                        indent(out, level + 1);
                    }
                    out.push_str(&key(k));
                    out.push(':');
                    write_value_after_key(out, v, level + 1);
                }
            }
            Value::Array(a) if !a.is_empty() => {
                out.push('\n');
                write_seq(out, a, level + 1);
            }
            scalar => {
                out.push(' ');
                out.push_str(&inline(scalar));
                out.push('\n');
            }
        }
    }
}

/// A scalar, or an empty collection, on one line.
fn inline(value: &Value) -> String {
    debug_assert!(!is_block(value));
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => quote(s),
        Value::Array(_) => "[]".to_owned(),
        Value::Object(_) => "{}".to_owned(),
    }
}

/// YAML 1.1 words that read as booleans or null when plain.
const SPECIAL: &[&str] = &[
    "y", "n", "yes", "no", "on", "off", "true", "false", "null", "~",
];

/// A mapping key: plain when it is a simple name no YAML version reads as anything but a
/// string, double-quoted otherwise.
fn key(k: &str) -> String {
    let plain = k.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && k.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b))
        && !SPECIAL.contains(&k.to_ascii_lowercase().as_str());
    if plain { k.to_owned() } else { quote(k) }
}

/// A double-quoted YAML scalar: printable ASCII and non-control Unicode as they are,
/// everything else escaped.
pub(crate) fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            ' '..='~' => out.push(ch),
            c if (c as u32) < 0xa0
                || c == '\u{2028}'
                || c == '\u{2029}'
                || c == '\u{feff}'
                || c == '\u{fffe}'
                || c == '\u{ffff}' =>
            {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Strings are always quoted; keys only when YAML could misread them.
    #[test]
    fn quoting() {
        let doc = json!({"a": "443:443", "no": ["x\ny", "\u{7f}", "é"], "1x": {}, "t": [], "n": 1.5, "b": true, "m": [{"k": 1, "l": [2]}]});
        assert_eq!(
            to_yaml(&doc),
            "a: \"443:443\"\n\"no\":\n  - \"x\\ny\"\n  - \"\\u007f\"\n  - \"é\"\n\"1x\": {}\nt: []\n\"n\": 1.5\nb: true\nm:\n  - k: 1\n    l:\n      - 2\n"
        );
    }
}
