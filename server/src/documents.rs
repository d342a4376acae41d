//! Design documents as the server stores them: always parseable, named like their design.

/// The design's name as its document states it; a parse error says where the problem is.
pub fn name_of(document: &str) -> Result<String, String> {
    design::parse_document(document)
        .map(|d| d.name)
        .map_err(|e| format!("the document does not parse: {e}"))
}

/// What saving learns of a document.
#[derive(Debug, Clone, PartialEq)]
pub struct Inspected {
    /// The design's name as the document states it.
    pub name: String,
    /// The findings of severity error it accepts, each with its path, code and reason, for
    /// the audit entry of the revision that stores it (at most 100).
    pub accepted_errors: Vec<serde_json::Value>,
}

/// Reads a document to store: refused when it does not parse (the error says where) or is
/// larger than Bulkhead analyses (the limit is named); a design with other validation
/// errors is a draft and is stored.
pub fn inspect(document: &str) -> Result<Inspected, String> {
    let raw = design::parse_document(document)
        .map_err(|e| format!("the document does not parse: {e}"))?;
    let (valid, diagnostics) = design::validate(&raw);
    if let Some(big) = diagnostics
        .iter()
        .find(|d| d.code == design::Code::TooLarge)
    {
        return Err(format!("{}: {}", big.path, big.message));
    }
    let accepted_errors = design::findings::lint(&valid)
        .into_iter()
        .filter(|f| f.accepted && f.code.severity() == design::Severity::Error)
        .take(100)
        .map(|f| serde_json::json!({ "path": f.path, "code": f.code.as_str(), "reason": f.reason }))
        .collect();
    Ok(Inspected {
        name: raw.name,
        accepted_errors,
    })
}

/// The model of a stored document, for the designer; when it does not parse, a design with
/// only the name, and why.
pub fn model_of(document: &str, name: &str) -> (design::RawDesign, Option<String>) {
    match design::parse_document(document) {
        Ok(model) => (model, None),
        Err(e) => (design::templates::blank(name), Some(e.to_string())),
    }
}

/// What saving stores: a document sent as JSON (the designer sends its model so) becomes
/// the canonical YAML; YAML is kept as written, comments and all.
pub fn normalise(document: String) -> Result<String, String> {
    if !document.trim_start().starts_with('{') {
        return Ok(document);
    }
    design::parse_document(&document)
        .map(|model| design::to_canonical_yaml(&model))
        .map_err(|e| format!("the document does not parse: {e}"))
}

/// A new, empty design, hardened like the templates.
pub fn blank(name: &str) -> String {
    design::to_canonical_yaml(&design::templates::blank(name))
}

/// A built-in template, named `name`.
pub fn from_template(template: &str, name: &str) -> Result<String, String> {
    let text = design::templates::get(template).ok_or_else(|| {
        format!(
            "there is no template `{template}`; choose one of: {}",
            design::templates::NAMES.join(", ")
        )
    })?;
    rename(text, name)
}

/// The document with its top-level `name:` replaced, keeping every other line (and comment)
/// as the author wrote it; a document without such a line is rewritten canonically.
/// `name` has been checked against the naming rule, so it needs no quoting.
pub fn rename(document: &str, name: &str) -> Result<String, String> {
    let mut lines: Vec<&str> = document.lines().collect();
    let replacement = format!("name: {name}");
    let renamed = match lines.iter().position(|l| l.starts_with("name:")) {
        Some(i) => {
            lines[i] = &replacement;
            let mut text = lines.join("\n");
            if document.ends_with('\n') {
                text.push('\n');
            }
            text
        }
        None => {
            let mut raw = design::parse_document(document).map_err(|e| e.to_string())?;
            raw.name = name.to_string();
            design::to_canonical_yaml(&raw)
        }
    };
    match name_of(&renamed)? {
        n if n == name => Ok(renamed),
        n => Err(format!(
            "renaming produced the name `{n}` instead of `{name}`"
        )),
    }
}

/// A stored revision read and checked off the async threads, for the engine work that
/// follows: the design and what blocks applying it (unaccepted error findings), or its
/// errors in one line.
pub async fn checked(
    document: String,
) -> Result<Result<(design::ValidDesign, Vec<String>), String>, crate::offload::OffloadError> {
    crate::offload::run("checking the design", document.len(), move || {
        let raw = design::parse_document(&document).map_err(|e| e.to_string())?;
        let valid = design::check(&raw).map_err(|diagnostics| {
            diagnostics
                .iter()
                .filter(|d| d.severity == design::Severity::Error)
                .map(|d| format!("{}: {}", d.path, d.message))
                .collect::<Vec<_>>()
                .join("; ")
        })?;
        let blocked = match design::findings::release(&valid) {
            Ok(()) => Vec::new(),
            Err(b) => vec![b.to_string()],
        };
        Ok((valid, blocked))
    })
    .await
}

/// `; accepts errors: host-pid at services.tool, …` for a revision that accepts findings of
/// severity error (their reasons are in the entry's details and the revision itself).
pub fn accepting_summary(accepted: &[serde_json::Value]) -> String {
    if accepted.is_empty() {
        return String::new();
    }
    let named: Vec<String> = accepted
        .iter()
        .take(5)
        .map(|a| {
            format!(
                "{} at {}",
                a["code"].as_str().unwrap_or_default(),
                a["path"].as_str().unwrap_or_default()
            )
        })
        .collect();
    let more = accepted.len().saturating_sub(named.len());
    let more = if more > 0 {
        format!(" and {more} more")
    } else {
        String::new()
    };
    format!("; accepts errors: {}{more}", named.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Renaming keeps comments and the rest of the text; templates come out named.
    #[test]
    fn rename_keeps_text() {
        let doc = "bulkhead: 1\n# the web host\nname: old\nzones: {}\nservices: {}\n";
        let out = rename(doc, "new-name").unwrap();
        assert_eq!(
            out,
            "bulkhead: 1\n# the web host\nname: new-name\nzones: {}\nservices: {}\n"
        );
        let t = from_template("three-tier", "shop").unwrap();
        assert_eq!(name_of(&t).unwrap(), "shop");
        assert!(
            from_template("nope", "x")
                .unwrap_err()
                .contains("three-tier")
        );
        assert_eq!(name_of(&blank("b1")).unwrap(), "b1");
    }
}
