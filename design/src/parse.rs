//! Reading a design document (YAML, or JSON) into a [`RawDesign`].

use std::fmt;

use serde::Serialize;

use crate::budget::{Budget, Counted, MAX_VALUES};
use crate::raw::RawDesign;

/// Why a document could not be read as a design: where, which field, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParseError {
    /// 1-based line of the problem, when known.
    pub line: Option<usize>,
    /// 1-based column of the problem, when known.
    pub column: Option<usize>,
    /// Dotted path of the field, e.g. `zones.database-tier.subnet`.
    pub path: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(line), Some(column)) => write!(f, "line {line}, column {column}: ")?,
            (Some(line), None) => write!(f, "line {line}: ")?,
            _ => {}
        }
        if let Some(path) = &self.path {
            write!(f, "{path}: ")?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for ParseError {}

/// Parses a design document. JSON (a document whose first non-blank character is `{`) is
/// read by a JSON parser for JSON-style errors; everything else as YAML.
pub fn parse_document(text: &str) -> Result<RawDesign, ParseError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(ParseError {
            line: None,
            column: None,
            path: None,
            message: "the document is empty: a design starts with `bulkhead: 1` and `name:`"
                .to_owned(),
        });
    }
    if text.trim_start().starts_with('{') {
        parse_json(text)
    } else {
        parse_yaml(text)
    }
}

fn parse_json(text: &str) -> Result<RawDesign, ParseError> {
    let mut de = serde_json::Deserializer::from_str(text);
    let design = serde_path_to_error::deserialize(&mut de).map_err(|err| {
        let path = path_of(err.path());
        let inner = err.into_inner();
        json_error(&inner, path)
    })?;
    de.end().map_err(|err| json_error(&err, None))?;
    Ok(design)
}

fn json_error(err: &serde_json::Error, path: Option<String>) -> ParseError {
    let located = err.line() != 0;
    let message = strip_location(&err.to_string());
    ParseError {
        line: located.then_some(err.line()),
        column: located.then_some(err.column()),
        path,
        message,
    }
}

fn parse_yaml(text: &str) -> Result<RawDesign, ParseError> {
    if let Some((line, column)) = crate::nesting::too_deep(text) {
        return Err(ParseError {
            line: Some(line),
            column: Some(column),
            path: None,
            message: crate::nesting::too_deep_message(),
        });
    }
    if let Err(refused) = crate::expansion::check(text) {
        return Err(ParseError {
            line: Some(refused.line),
            column: Some(refused.column),
            path: None,
            message: refused.message,
        });
    }
    let budget = Budget::new(MAX_VALUES);
    let de = Counted {
        inner: serde_norway::Deserializer::from_str(text),
        budget: &budget,
    };
    serde_path_to_error::deserialize(de).map_err(|err| {
        let path = path_of(err.path());
        let inner = err.into_inner();
        let location = inner.location();
        let mut message = strip_location(&inner.to_string());
        // serde_norway prefixes its own notion of the path; ours is reported separately.
        if let Some(rest) = path.as_deref().and_then(|p| strip_path_prefix(&message, p)) {
            message = rest;
        }
        ParseError {
            line: location.as_ref().map(serde_norway::Location::line),
            column: location.as_ref().map(serde_norway::Location::column),
            path,
            message,
        }
    })
}

fn path_of(path: &serde_path_to_error::Path) -> Option<String> {
    let text = path.to_string();
    (text != "." && text != "?" && !text.is_empty()).then_some(text)
}

/// Removes the trailing ` at line L column C` both parsers append.
fn strip_location(message: &str) -> String {
    if let Some(at) = message.rfind(" at line ") {
        let tail = &message[at + " at line ".len()..];
        let mut words = tail.split(' ');
        let is_location = matches!(
            (words.next(), words.next(), words.next(), words.next()),
            (Some(l), Some("column"), Some(c), None)
                if l.parse::<usize>().is_ok() && c.parse::<usize>().is_ok()
        );
        if is_location {
            return message[..at].to_owned();
        }
    }
    message.to_owned()
}

/// Strips a leading `<path>: ` when `<path>` is our path or a prefix of it.
fn strip_path_prefix(message: &str, path: &str) -> Option<String> {
    let (head, rest) = message.split_once(": ")?;
    let within = path
        .strip_prefix(head)
        .is_some_and(|tail| tail.starts_with(['.', '[']));
    (path == head || within).then(|| rest.to_owned())
}
