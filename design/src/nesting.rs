//! A bound on how deep YAML flow collections (`[ … ]`, `{ … }`) nest, checked by a linear
//! scan before the YAML parser sees the text. The parser's work grows with the square of the
//! nesting depth (it revisits every pending key at each token), so a megabyte of `[` would
//! keep a thread busy for hours before its own depth limit could refuse it.
//!
//! The scan errs on the side of counting: a `[` or `{` counts where a flow collection can
//! begin (the start of a line or of a value, after another opener, or anywhere inside a flow
//! collection), outside comments and quoted text. A quote is taken to end at the end of its
//! line at the latest, so nothing written after a stray quote can hide from the count.

/// The deepest nesting of flow collections a document may have.
pub const MAX_FLOW_DEPTH: usize = 128;

/// Where the document first nests deeper than [`MAX_FLOW_DEPTH`]: 1-based line and column.
/// The scan is linear in the text.
pub fn too_deep(text: &str) -> Option<(usize, usize)> {
    let mut depth = 0usize;
    let (mut line, mut column) = (1usize, 0usize);
    // The last character on this line that was not a space, and whether a space followed it.
    let mut last: Option<char> = None;
    let mut spaced = false;
    let mut quote: Option<char> = None;
    let mut comment = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        column += 1;
        if c == '\n' {
            (line, column, last, spaced, quote, comment) = (line + 1, 0, None, false, None, false);
            continue;
        }
        if comment {
            continue;
        }
        if let Some(q) = quote {
            if q == '"' && c == '\\' {
                chars.next();
                column += 1;
            } else if c == q {
                quote = None;
                (last, spaced) = (Some(c), false);
            }
            continue;
        }
        if c == ' ' || c == '\t' {
            spaced = last.is_some();
            continue;
        }
        let block_value = last.is_none() || (spaced && matches!(last, Some(':' | '-' | '?')));
        let value_start = if depth > 0 {
            matches!(last, None | Some('[' | '{' | ',' | ':' | '?'))
        } else {
            block_value
        };
        match c {
            '#' if last.is_none() || spaced => comment = true,
            '\'' | '"' if value_start => quote = Some(c),
            '[' | '{' if depth > 0 || block_value || matches!(last, Some('[' | '{')) => {
                depth += 1;
                if depth > MAX_FLOW_DEPTH {
                    return Some((line, column));
                }
            }
            ']' | '}' if depth > 0 => depth -= 1,
            _ => {}
        }
        (last, spaced) = (Some(c), false);
    }
    None
}

/// The message for a document that nests too deep.
pub fn too_deep_message() -> String {
    format!(
        "flow collections ([ ] and {{ }}) nest more than {MAX_FLOW_DEPTH} levels deep here; no design needs that, write the value flatter"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_nesting_is_found_wherever_it_hides() {
        let deep = "[".repeat(200_000);
        for text in [
            format!("description: {deep}"),
            format!("x: &a {deep}"),
            format!("- {deep}"),
            format!("a: {{b: {deep}"),
            format!("a: |\n  '\nb: {deep}"),
            format!("a: 'text\nb: {deep}"),
            format!("{deep}\n"),
        ] {
            let at = too_deep(&text);
            assert!(at.is_some(), "{}", &text[..20]);
        }
        assert_eq!(too_deep(&format!("a: {}", "[".repeat(129))), Some((1, 132)));
    }

    #[test]
    fn ordinary_documents_pass() {
        let notes: String = (0..300)
            .map(|i| format!("n{i}: see a[b and c{{d\n"))
            .collect();
        let quoted = format!("a: '{}'\nb: \"{}\"\n", "[".repeat(1000), "{".repeat(1000));
        let flows = "flows:\n  - { from: a, to: b, ports: [tcp/1, tcp/2] }\n  - {from: a, to: c, ports: ['udp/53']}\n";
        let comment = format!("a: 1 # {}\n", "[".repeat(1000));
        let nested = format!("a: {}{}", "[".repeat(128), "]".repeat(128));
        for text in [notes, quoted, flows.to_owned(), comment, nested] {
            assert_eq!(too_deep(&text), None, "{}", &text[..40.min(text.len())]);
        }
    }
}
