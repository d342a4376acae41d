//! How many values a YAML document stands for, counted while its events stream by, before
//! the YAML reader loads it. The reader (serde_norway, on libyaml) keeps every event of the
//! document in memory before it builds a single value, about 300 bytes an event: an alias
//! bomb of under a megabyte cost the server over 100 MB on its way to being refused by
//! [`crate::budget`]. Counted here, it is refused with a few kilobytes: the memory is one
//! number per anchor and one per open collection.
//!
//! The count follows the budget's: one per scalar, sequence and mapping (keys included), and
//! an alias counts what its anchor stood for, so a document refused here would have spent
//! the budget in the reader too. A document this scanner cannot read is refused with where
//! and why: a reader that stopped early would have counted too little to be a bound.

use std::collections::HashMap;

use yaml_rust2::parser::{Event, Parser};

use crate::budget::MAX_VALUES;

/// Why a document was refused before it was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Refused {
    /// 1-based line of the event that passed the limit, or of the syntax error.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What to do about it.
    pub message: String,
}

/// Refuses `text` when it stands for more than [`MAX_VALUES`] values, or does not parse.
pub(crate) fn check(text: &str) -> Result<(), Refused> {
    count(text, MAX_VALUES)
}

fn count(text: &str, limit: u64) -> Result<(), Refused> {
    let mut parser = Parser::new_from_str(text);
    // The expanded size of every anchored node, by anchor id.
    let mut anchored: HashMap<usize, u64> = HashMap::new();
    // Open collections: (anchor id, the total when they opened).
    let mut open: Vec<(usize, u64)> = Vec::new();
    let mut total: u64 = 0;
    loop {
        let (event, mark) = parser.next_token().map_err(|e| Refused {
            line: e.marker().line(),
            column: e.marker().col() + 1,
            message: format!("the document is not valid YAML: {}", e.info()),
        })?;
        match event {
            Event::StreamEnd => return Ok(()),
            Event::Scalar(_, _, anchor, _) => {
                total += 1;
                if anchor != 0 {
                    anchored.insert(anchor, 1);
                }
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                open.push((anchor, total));
                total += 1;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some((anchor, start)) = open.pop()
                    && anchor != 0
                {
                    anchored.insert(anchor, total - start);
                }
            }
            Event::Alias(anchor) => {
                total = total.saturating_add(anchored.get(&anchor).copied().unwrap_or(1));
            }
            Event::Nothing | Event::StreamStart | Event::DocumentStart | Event::DocumentEnd => {}
        }
        if total > limit {
            return Err(Refused {
                line: mark.line(),
                column: mark.col() + 1,
                message: format!(
                    "the document stands for more than {limit} values (YAML aliases repeat what they name); write it out without aliases, or make it smaller"
                ),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Aliases count what they repeat, nested anchors included.
    #[test]
    fn aliases_count_what_they_repeat() {
        // 1 (map) + 2 keys + a: 1 seq + 3 items = 4; b: 1 seq + 2 × 4 = 9; total 16.
        let text = "a: &a [1, 2, 3]\nb: [*a, *a]\n";
        assert!(count(text, 16).is_ok());
        let refused = count(text, 15).unwrap_err();
        assert_eq!(refused.line, 2);
        assert!(
            refused.message.contains("more than 15 values"),
            "{refused:?}"
        );
        // An anchor inside an anchor: c repeats b, which repeats a.
        let nested = "a: &a [1, 2]\nb: &b [*a, *a, *a]\nc: [*b, *b]\n";
        // map 1, keys 3, a 3, b 1 + 3×3 = 10, c 1 + 2×10 = 21: 38.
        assert!(count(nested, 38).is_ok());
        assert!(count(nested, 37).is_err());
    }

    /// The example from the issue, at a tenth of its size, is refused at once.
    #[test]
    fn a_bomb_is_refused_while_it_streams() {
        let items = vec!["0"; 20_000].join(",");
        let refs = vec!["*a"; 15_000].join(",");
        let text = format!("x-a: &a [{items}]\nx-b: [{refs}]\n");
        let refused = check(&text).unwrap_err();
        assert!(refused.message.contains("1000000"), "{refused:?}");
    }

    /// A document this scanner cannot read is refused with its place.
    #[test]
    fn syntax_errors_are_located() {
        let refused = check("a: [1, 2\nb: 3\n").unwrap_err();
        assert!(refused.message.contains("not valid YAML"), "{refused:?}");
        assert!(refused.line >= 1);
        assert!(check("plain: text\nlist: [1, 2]\n").is_ok());
        assert!(check("").is_ok());
    }
}
