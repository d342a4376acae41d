//! Snapshots of every rendering: check (text, JSON, SARIF), reach (text, JSON), diff.

use design::report::{CheckReport, check_json, check_sarif, check_text};
use design::{diff, parse_document, reach, templates, validate};

fn template(name: &str) -> (&'static str, design::RawDesign) {
    let text = templates::get(name).expect("template exists");
    (text, parse_document(text).expect("template parses"))
}

const BROKEN: &str = "bulkhead: 1
name: broken
zones:
  dmz: { trust: public }
  data: { trust: vault, subnet: 10.0.0.0/24 }
  more: { trust: public, subnet: 10.0.0.0/25 }
services:
  web: { image: nginx, zones: [dmz], ports: ['80:80'], network: host }
  db: { image: 'postgres 16', zones: [data] }
flows:
  - { from: web, to: db, ports: [tcp/5432] }
";

/// `check` as text, JSON and SARIF for the three-tier template.
#[test]
fn check_three_tier() {
    let (text, raw) = template("three-tier");
    let report = CheckReport::new(&raw);
    assert_eq!(report.exit_code(false), 0);
    assert_eq!(report.exit_code(true), 1);
    insta::assert_snapshot!("check_three_tier_text", check_text(&report));
    insta::assert_snapshot!("check_three_tier_json", check_json(&report));
    insta::assert_snapshot!(
        "check_three_tier_sarif",
        check_sarif(&report, "three-tier.yaml", text)
    );
}

/// `check` of a design with validation errors, as text and SARIF.
#[test]
fn check_broken() {
    let raw = parse_document(BROKEN).expect("parses");
    let report = CheckReport::new(&raw);
    assert_eq!(report.exit_code(false), 1);
    insta::assert_snapshot!("check_broken_text", check_text(&report));
    insta::assert_snapshot!(
        "check_broken_sarif",
        check_sarif(&report, "broken.yaml", BROKEN)
    );
}

/// `reach` as text and JSON for both templates, and one pair explained.
#[test]
fn reach_templates() {
    for name in templates::NAMES {
        let (_, raw) = template(name);
        let (design, _) = validate(&raw);
        insta::assert_snapshot!(
            format!("reach_{name}_text"),
            reach::matrix_text(&design, None, None).expect("ok")
        );
        insta::assert_snapshot!(
            format!("reach_{name}_json"),
            reach::matrix_json(&design, None, None).expect("ok")
        );
    }
    let (_, raw) = template("three-tier");
    let (design, _) = validate(&raw);
    insta::assert_snapshot!(
        "reach_three_tier_api",
        reach::matrix_text(&design, Some("api"), None).expect("ok")
    );
    insta::assert_snapshot!(
        "reach_three_tier_cache_postgres",
        reach::matrix_text(&design, Some("cache"), Some("postgres")).expect("ok")
    );
    assert!(reach::matrix_text(&design, Some("nobody"), None).is_err());
}

/// `diff` of the three-tier template against a reviewed change, as text and JSON.
#[test]
fn diff_three_tier() {
    let (text, old) = template("three-tier");
    let changed = text
        .replace(
            "database-tier:    { trust: vault, internal: true, isolated: true,",
            "database-tier:    { trust: vault, internal: true,",
        )
        .replace(
            "  cache:    { image: redis:7, zones: [database-tier] }",
            "  cache:    { image: redis:7.2, zones: [database-tier], ports: [\"6379:6379\"] }",
        )
        .replace(
            "  - { from: api, to: cache, ports: [tcp/6379], note: session cache }\n",
            "",
        );
    let new = parse_document(&changed).expect("parses");
    let d = diff::diff(&old, &new);
    insta::assert_snapshot!("diff_three_tier_text", d.to_text());
    insta::assert_snapshot!("diff_three_tier_json", d.to_json());
    assert!(diff::diff(&old, &old).is_empty());
}
