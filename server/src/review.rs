//! Two states of a design compared, as reviewers read them: the structural changes field by
//! field, the reachability delta (the one `bulkhead diff` prints), the findings gained and
//! resolved, and the YAML text diff. Pure and bounded: callers run it off the async threads.

use std::collections::BTreeSet;
use std::time::Duration;

use app::model::{FieldChange, FindingRow, PairChange, ReachDelta, RevisionDiff, YamlLine};
use design::diff::{ChangeKind, Diff, PairDelta};
use design::reach::Reachability;

/// How long the YAML text diff may search for the smallest diff before it settles for a
/// larger one (it is always correct, only less tidy).
const TEXT_DIFF_DEADLINE: Duration = Duration::from_millis(500);

/// The reachability part of a diff, against `baseline` (the revision compared with, when
/// there is one).
pub fn reach_delta(diff: &Diff, baseline: Option<i64>) -> ReachDelta {
    let pair = |d: &PairDelta, ports: String| PairChange {
        from: d.from.clone(),
        to: d.to.clone(),
        ports,
        why: d.why.clone(),
    };
    ReachDelta {
        baseline,
        gained: diff
            .reachability
            .iter()
            .filter_map(|d| Some(pair(d, d.gained_text()?)))
            .collect(),
        lost: diff
            .reachability
            .iter()
            .filter_map(|d| Some(pair(d, d.lost_text()?)))
            .collect(),
        exposure: diff.exposure.iter().map(ToString::to_string).collect(),
    }
}

fn shown(v: &Option<serde_json::Value>) -> Option<String> {
    v.as_ref().map(|v| match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    })
}

fn findings(reach: &Reachability<'_>) -> Vec<FindingRow> {
    design::findings::findings(reach.design(), reach)
        .into_iter()
        .map(|f| FindingRow {
            code: f.code.to_string(),
            severity: f.severity.to_string(),
            path: f.path,
            message: f.message,
            cis: f.cis.map(str::to_owned),
        })
        .collect()
}

/// Every finding of a document (what validated of it), errors first.
pub fn findings_of(document: &str) -> Result<Vec<FindingRow>, String> {
    let raw = design::parse_document(document).map_err(|e| e.to_string())?;
    let (valid, _) = design::validate(&raw);
    let reach = Reachability::compute(&valid);
    let mut all = findings(&reach);
    let rank = |s: &str| match s {
        "error" => 0,
        "warning" => 1,
        _ => 2,
    };
    all.sort_by_key(|f| rank(&f.severity));
    Ok(all)
}

/// The YAML diff in hunks, each with three lines of context.
fn text_diff(before: &str, after: &str) -> Vec<YamlLine> {
    let diff = similar::TextDiff::configure()
        .timeout(TEXT_DIFF_DEADLINE)
        .diff_lines(before, after);
    let mut out = Vec::new();
    for group in diff.grouped_ops(3) {
        let (Some(first), Some(last)) = (group.first(), group.last()) else {
            continue;
        };
        let (old, new) = (first.old_range().start, first.new_range().start);
        let (old_end, new_end) = (last.old_range().end, last.new_range().end);
        out.push(YamlLine {
            tag: "@".into(),
            text: format!(
                "@@ -{},{} +{},{} @@",
                old + 1,
                old_end - old,
                new + 1,
                new_end - new
            ),
        });
        for op in &group {
            for change in diff.iter_changes(op) {
                let tag = match change.tag() {
                    similar::ChangeTag::Delete => "-",
                    similar::ChangeTag::Insert => "+",
                    similar::ChangeTag::Equal => " ",
                };
                out.push(YamlLine {
                    tag: tag.into(),
                    text: change.value().trim_end_matches('\n').to_owned(),
                });
            }
        }
    }
    out
}

/// What revision `after` changed from `before` (the one before it; `None` for the first),
/// in one line.
pub fn summary(before: Option<&str>, after: &str) -> String {
    let Ok(new) = design::parse_document(after) else {
        return "a document that does not read".to_owned();
    };
    let old = match before.map(design::parse_document) {
        Some(Ok(old)) => old,
        Some(Err(_)) => return "after a document that does not read".to_owned(),
        None => match design::parse_document("bulkhead: 1\nname: x\n") {
            Ok(mut empty) => {
                empty.name = new.name.clone();
                empty
            }
            Err(e) => return format!("not summarised ({e})"),
        },
    };
    design::diff::summary(&old, &new)
}

/// Compares `before` (described as `from`) with revision `to`'s document `after`.
pub fn compare(
    from: String,
    baseline: Option<i64>,
    before: &str,
    to: i64,
    after: &str,
) -> Result<RevisionDiff, String> {
    let old = design::parse_document(before).map_err(|e| format!("{from}: {e}"))?;
    let new = design::parse_document(after).map_err(|e| format!("revision {to}: {e}"))?;
    // Each side validated and analysed once, for the diff and the findings alike.
    let (old_valid, _) = design::validate(&old);
    let (new_valid, _) = design::validate(&new);
    let (before_reach, after_reach) = (
        Reachability::compute(&old_valid),
        Reachability::compute(&new_valid),
    );
    let diff = design::diff::diff_analysed(&old, &new, &before_reach, &after_reach);
    let key = |f: &FindingRow| (f.code.clone(), f.path.clone(), f.severity.clone());
    let (was, is) = (findings(&before_reach), findings(&after_reach));
    let was_keys: BTreeSet<_> = was.iter().map(key).collect();
    let is_keys: BTreeSet<_> = is.iter().map(key).collect();
    Ok(RevisionDiff {
        from,
        to,
        changes: diff
            .changes
            .iter()
            .map(|c| FieldChange {
                kind: match c.kind {
                    ChangeKind::Added => "added",
                    ChangeKind::Removed => "removed",
                    ChangeKind::Changed => "changed",
                }
                .into(),
                path: c.path.clone(),
                before: shown(&c.before),
                after: shown(&c.after),
            })
            .collect(),
        delta: reach_delta(&diff, baseline),
        new_findings: is
            .into_iter()
            .filter(|f| !was_keys.contains(&key(f)))
            .collect(),
        resolved_findings: was
            .into_iter()
            .filter(|f| !is_keys.contains(&key(f)))
            .collect(),
        yaml: text_diff(before, after),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const BEFORE: &str = "bulkhead: 1\nname: d\nzones:\n  a: { trust: internal }\nservices:\n  web: { image: busybox:1.36, zones: [a] }\n  db: { image: postgres:16, zones: [a] }\n";

    /// A flow-free zone made isolated: web loses db, the structural change names the field,
    /// the YAML diff shows the line, and the comparison is the same read either way round.
    #[test]
    fn isolating_a_zone() {
        let after = BEFORE.replace("{ trust: internal }", "{ trust: internal, isolated: true }");
        let d = compare("revision 1".into(), Some(1), BEFORE, 2, &after).unwrap();
        assert!(
            d.changes
                .iter()
                .any(|c| c.path == "zones.a.isolated" && c.kind == "added"),
            "{:?}",
            d.changes
        );
        assert!(d.delta.gained.is_empty(), "{:?}", d.delta);
        assert!(
            d.delta.lost.iter().any(|p| p.from == "web" && p.to == "db"),
            "{:?}",
            d.delta
        );
        assert!(
            d.yaml
                .iter()
                .any(|l| l.tag == "+" && l.text.contains("isolated: true"))
        );
        assert!(
            d.yaml
                .iter()
                .any(|l| l.tag == "-" && l.text.contains("{ trust: internal }"))
        );
        assert_eq!(d.yaml[0].tag, "@");
        let back = compare("revision 2".into(), Some(2), &after, 1, BEFORE).unwrap();
        assert!(
            back.delta
                .gained
                .iter()
                .any(|p| p.from == "web" && p.to == "db")
        );
    }

    /// A privileged service is a new finding; dropping it resolves it.
    #[test]
    fn findings_gained_and_resolved() {
        let after = BEFORE.replace(
            "db: { image: postgres:16, zones: [a] }",
            "db: { image: postgres:16, zones: [a], hardening: { privileged: true } }",
        );
        let d = compare("revision 1".into(), Some(1), BEFORE, 2, &after).unwrap();
        assert!(
            d.new_findings
                .iter()
                .any(|f| f.code == "privileged" && f.cis.as_deref() == Some("5.5")),
            "{:?}",
            d.new_findings
        );
        let back = compare("revision 2".into(), Some(2), &after, 3, BEFORE).unwrap();
        assert!(
            back.resolved_findings
                .iter()
                .any(|f| f.code == "privileged")
        );
        assert!(back.new_findings.is_empty(), "{:?}", back.new_findings);
    }
}
