//! SARIF 2.1.0, so CI systems can show diagnostics and findings on the design file.

use serde_json::{Value, json};

use crate::diagnostic::{Code, Severity};
use crate::findings::FindingCode;

use super::{CheckReport, line_of, to_json};

fn rules() -> Vec<Value> {
    let diagnostics = Code::ALL.iter().map(|c| {
        json!({
            "id": c.as_str(),
            "shortDescription": { "text": format!("Validation: {}", c.as_str().replace('-', " ")) },
            "defaultConfiguration": { "level": "error" },
        })
    });
    let findings = FindingCode::ALL.iter().map(|c| {
        let mut rule = json!({
            "id": c.as_str(),
            "shortDescription": { "text": c.description() },
            "defaultConfiguration": { "level": c.severity().as_str() },
        });
        if let Some(cis) = c.cis() {
            rule["properties"] =
                json!({ "cis-docker-benchmark": cis, "tags": ["security", format!("CIS-{cis}")] });
        } else {
            rule["properties"] = json!({ "tags": ["security"] });
        }
        rule
    });
    diagnostics.chain(findings).collect()
}

fn rule_index(code: &str) -> usize {
    Code::ALL
        .iter()
        .map(|c| c.as_str())
        .chain(FindingCode::ALL.iter().map(|c| c.as_str()))
        .position(|c| c == code)
        .unwrap_or(0)
}

fn result(code: &str, level: Severity, path: &str, message: &str, uri: &str, text: &str) -> Value {
    let line = line_of(text, path).unwrap_or(1);
    json!({
        "ruleId": code,
        "ruleIndex": rule_index(code),
        "level": level.as_str(),
        "message": { "text": message },
        "locations": [{
            "physicalLocation": {
                "artifactLocation": { "uri": uri },
                "region": { "startLine": line },
            },
            "logicalLocations": [{ "fullyQualifiedName": path, "kind": "member" }],
        }],
    })
}

/// The report as a SARIF 2.1.0 log. `uri` names the design file as CI should show it;
/// `text` is its content, used to point each result at a line.
pub fn check_sarif(report: &CheckReport, uri: &str, text: &str) -> String {
    let results: Vec<Value> = report
        .diagnostics
        .iter()
        .map(|d| result(d.code.as_str(), d.severity, &d.path, &d.message, uri, text))
        .chain(
            report
                .findings
                .iter()
                .map(|f| result(f.code.as_str(), f.severity, &f.path, &f.message, uri, text)),
        )
        .collect();
    to_json(&json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "bulkhead",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules(),
            } },
            "artifacts": [{ "location": { "uri": uri } }],
            "results": results,
        }],
    }))
}
