//! Finding the line a field path points at in the document text, for SARIF and editors.

/// The 1-based line of the field at `path` (e.g. `services.lb.ports[0]`) in a YAML or
/// JSON document, found by looking for each key in turn; the line of the deepest key
/// found, or `None` when not even the first key is found.
pub fn line_of(text: &str, path: &str) -> Option<usize> {
    let mut offset = 0;
    let mut line = None;
    for segment in path.split('.') {
        let key = segment
            .split('[')
            .next()
            .unwrap_or(segment)
            .trim_matches('"');
        if key.is_empty() {
            continue;
        }
        match find_key(&text[offset..], key) {
            Some(at) => {
                offset += at + key.len();
                line = Some(text[..offset].matches('\n').count() + 1);
            }
            None => break,
        }
    }
    line
}

/// The byte offset of `key` used as a mapping key (followed by `:` or `":`), as a whole word.
fn find_key(text: &str, key: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(pos) = text[from..].find(key) {
        let at = from + pos;
        let before = text[..at].chars().next_back();
        let after = &text[at + key.len()..];
        let word_start =
            before.is_none_or(|c| !(c.is_alphanumeric() || matches!(c, '_' | '-' | '.')));
        let rest = after
            .strip_prefix('"')
            .unwrap_or(after)
            .trim_start_matches(' ');
        if word_start && rest.starts_with(':') {
            return Some(at);
        }
        from = at + key.len();
    }
    None
}
