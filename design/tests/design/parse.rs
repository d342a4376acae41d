//! Reading and writing the design file.

use design::{parse_document, templates, to_canonical_yaml};

/// Each broken document gives the line, column, field path and message expected.
#[test]
fn parse_errors_locate_the_problem() {
    let cases: &[(&str, &str)] = &[
        (
            "bulkhead: 1\nname: x\nzones:\n  database-tier:\n    trust: vault\n    subnett: 1.2.3.0/24\n",
            "line 6, column 5: zones.database-tier.subnett: unknown field `subnett`, expected one of `trust`, `subnet`, `gateway`, `internal`, `isolated`, `mode`, `bridge`, `driver`, `labels`, `accept`",
        ),
        (
            "bulkhead: 1\nname: x\nzones:\n  a: { trust: vault }\n  a: { trust: public }\n",
            "line 4, column 3: zones: duplicate key `a`: each name may appear only once",
        ),
        (
            "bulkhead: 1\nname: x\nservices:\n  a: { zones: [b, b] }\n",
            "line 4, column 15: services.a.zones: zone `b` is listed twice",
        ),
        (
            "bulkhead: 1\nname: x\nzones:\n  a: { trust: secret }\n",
            "line 4, column 15: zones.a.trust: unknown variant `secret`, expected one of `public`, `internal`, `restricted`, `vault`",
        ),
        (
            "{\"bulkhead\": 1, \"name\": \"x\", \"zones\": {\"a\": {\"trust\": \"vault\", \"subnett\": 1}}}",
            "line 1, column 72: zones.a.subnett: unknown field `subnett`, expected one of `trust`, `subnet`, `gateway`, `internal`, `isolated`, `mode`, `bridge`, `driver`, `labels`, `accept`",
        ),
        (
            "{\"bulkhead\": 1, \"name\": \"x\",}",
            "line 1, column 29: trailing comma",
        ),
        ("name: x\n", "line 1, column 1: missing field `bulkhead`"),
        (
            "  \n",
            "the document is empty: a design starts with `bulkhead: 1` and `name:`",
        ),
    ];
    for (text, expected) in cases {
        let err = parse_document(text).expect_err(text);
        assert_eq!(&err.to_string(), expected, "for {text:?}");
    }
}

/// The parse error's fields are what its Display shows.
#[test]
fn parse_error_fields() {
    let err = parse_document("bulkhead: 1\nname: x\nzones:\n  a: { trust: vault, subnett: x }\n")
        .expect_err("unknown field");
    assert_eq!(err.line, Some(4));
    assert_eq!(err.path.as_deref(), Some("zones.a.subnett"));
    assert!(err.message.starts_with("unknown field `subnett`"));
}

/// Keys under a service's `compose:` are carried as they are, in order.
#[test]
fn compose_map_is_free_form_and_ordered() {
    let text = "bulkhead: 1\nname: x\nservices:\n  a:\n    compose: { zeta: 1, alpha: [x, { y: 2 }], healthcheck: { test: [CMD, true] } }\n";
    let design = parse_document(text).expect("valid");
    let compose = design
        .services
        .get("a")
        .and_then(|s| s.compose.as_ref())
        .expect("compose");
    let keys: Vec<&str> = compose.keys().map(String::as_str).collect();
    assert_eq!(keys, ["zeta", "alpha", "healthcheck"]);
}

/// Every template parses, and canonical YAML reads back to the same model.
#[test]
fn templates_round_trip() {
    for name in templates::NAMES {
        let text = templates::get(name).expect("template exists");
        let design = parse_document(text).expect("template parses");
        assert_eq!(design.name(), *name);
        let written = to_canonical_yaml(&design);
        assert_eq!(parse_document(&written).expect("canonical parses"), design);
        assert_eq!(
            to_canonical_yaml(&design),
            written,
            "writing is deterministic"
        );
    }
    assert!(templates::get("no-such-template").is_none());
}

/// A document whose aliases expand past the budget is refused, with the limit named; the
/// same values written out once still read.
#[test]
fn alias_bombs_are_refused() {
    let items = vec!["0"; 1000].join(",");
    let aliases = vec!["*a"; 2000].join(",");
    let bomb = format!(
        "bulkhead: 1\nname: bomb\nservices:\n  s:\n    image: 'x:1'\n    compose: {{ x-a: &a [{items}], x-b: [{aliases}] }}\n"
    );
    let e = parse_document(&bomb).unwrap_err();
    assert!(
        e.message.contains(&design::budget::MAX_VALUES.to_string()),
        "{e}"
    );
    let fine = format!(
        "bulkhead: 1\nname: fine\nservices:\n  s:\n    image: 'x:1'\n    compose: {{ x-a: &a [{items}], x-b: [*a, *a] }}\n"
    );
    assert!(parse_document(&fine).is_ok());
}
