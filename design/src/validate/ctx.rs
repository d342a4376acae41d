//! The collector every validation step reports into.

use crate::diagnostic::{Code, Diagnostic};

/// Collects diagnostics so every problem is reported at once.
#[derive(Debug, Default)]
pub(crate) struct Ctx {
    pub(crate) diags: Vec<Diagnostic>,
}

impl Ctx {
    /// Records an error.
    pub(crate) fn error(
        &mut self,
        code: Code,
        path: impl Into<String>,
        message: impl Into<String>,
    ) {
        self.diags.push(Diagnostic::error(code, path, message));
    }
}

/// A name as a path segment: as written when it is plain, quoted and escaped otherwise
/// (so a name holding a newline or a dot cannot break the path or the output).
pub(crate) fn key(name: &str) -> String {
    let plain = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'));
    if plain {
        name.to_owned()
    } else {
        format!("{name:?}")
    }
}

/// A value quoted for a message, escaped so it prints on one line.
pub(crate) fn quote(value: &str) -> String {
    format!("{value:?}")
}

/// The closest of `candidates` to `word`, when close enough to be a likely typo.
pub(crate) fn suggest<'a>(
    word: &str,
    candidates: impl Iterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .map(|c| (distance(word, c), c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 4) && *d < c.len().max(word.len()))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// " Did you mean `x`?" or nothing.
pub(crate) fn did_you_mean(suggestion: Option<&str>) -> String {
    suggestion.map_or_else(String::new, |s| format!(" Did you mean `{s}`?"))
}

/// True when free text holds a control character other than newline and tab.
pub(crate) fn has_control(text: &str) -> bool {
    text.chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
}
