//! Observe mode in the analysis (docs/design-format.md, "Observe mode" and rule 9): what
//! observes lets through counts as reachable, explained; zones stay walls; the finding and
//! the list of what enforcing would block.

use design::model::{PortSet, PortSpec};
use design::reach::{Audience, Reachability, would_block};
use design::{FindingCode, parse_document, validate};

fn design_of(body: &str) -> design::ValidDesign {
    let text = format!("bulkhead: 1\nname: t\n{body}");
    let (design, diags) = validate(&parse_document(&text).expect("parses"));
    assert!(diags.is_empty(), "{diags:#?}");
    design
}

const ZONES: &str = "zones:
  data: { trust: vault, internal: true, isolated: true, mode: observe }
  app: { trust: internal }
  ops: { trust: restricted, internal: true, isolated: true }
services:
  api: { image: 'x:1', zones: [app, data] }
  db: { image: 'x:1', zones: [data] }
  cache: { image: 'x:1', zones: [data] }
  web: { image: 'x:1', zones: [app] }
  agent: { image: 'x:1', zones: [ops] }
  probe: { image: 'x:1', zones: [ops] }
flows:
  - { from: api, to: db, ports: [tcp/5432] }
  - { from: api, to: cache, ports: [tcp/6379], action: deny }
  - { from: web, to: api, ports: [tcp/22], action: deny }
";

/// A zone that observes lets every port through between its members, and says what
/// enforcing would drop; other zones enforce; zones stay walls.
#[test]
fn an_observing_zone_lets_through_and_explains() {
    let d = design_of(ZONES);
    let r = Reachability::compute(&d);
    let db_cache = r.explain("db", "cache").unwrap();
    assert!(db_cache.allowed && db_cache.ports.is_any(), "{db_cache:?}");
    assert!(
        db_cache
            .why
            .contains("data is in observe mode: enforced, every port would be dropped"),
        "{}",
        db_cache.why
    );
    let api_db = r.explain("api", "db").unwrap();
    assert!(api_db.ports.is_any());
    assert!(
        api_db
            .why
            .contains("every port but tcp/5432 would be dropped"),
        "{}",
        api_db.why
    );
    // The deny flow in the observing zone is not enforced.
    assert!(r.explain("api", "cache").unwrap().ports.is_any());
    // The deny flow in the open zone that enforces still is.
    let web_api = r.explain("web", "api").unwrap();
    assert!(!web_api.ports.is_any(), "{web_api:?}");
    // The zone that enforces stays isolated; zones stay walls.
    assert!(!r.explain("agent", "probe").unwrap().allowed);
    assert!(!r.explain("web", "db").unwrap().allowed);
    assert!(!r.explain("db", "agent").unwrap().allowed);
}

/// What enforcing would block: the pairs and ports, nothing else.
#[test]
fn would_block_lists_what_enforcing_closes() {
    let d = design_of(ZONES);
    let mut pairs: Vec<(String, String, bool)> = would_block(&d)
        .into_iter()
        .map(|w| (w.from, w.to, w.ports.is_any()))
        .collect();
    pairs.sort();
    assert_eq!(
        pairs,
        vec![
            ("api".into(), "cache".into(), true),
            ("api".into(), "db".into(), false),
            ("cache".into(), "api".into(), true),
            ("cache".into(), "db".into(), true),
            ("db".into(), "api".into(), true),
            ("db".into(), "cache".into(), true),
        ]
    );
    let api_db = would_block(&d)
        .into_iter()
        .find(|w| w.from == "api" && w.to == "db")
        .unwrap();
    let flow = PortSet::from_specs(&[PortSpec::parse("tcp/5432").unwrap()]);
    assert_eq!(api_db.ports, PortSet::any().difference(&flow));
    assert!(would_block(&design_of(&ZONES.replace(", mode: observe", ""))).is_empty());
}

/// The design's own mode observes the host policy too, and a zone may enforce anyway.
#[test]
fn the_design_observes_its_host_policy() {
    let body = "mode: observe
zones:
  web: { trust: public }
  data: { trust: vault, internal: true, isolated: true, mode: enforce }
services:
  proxy: { image: 'x:1', zones: [web], ports: ['8443:443', '9000:9000'] }
  db: { image: 'x:1', zones: [data] }
  cache: { image: 'x:1', zones: [data] }
host: { external_interface: eth0, allow_inbound: [tcp/8443], protect_host: true, protect_published: true }
";
    let d = design_of(body);
    let r = Reachability::compute(&d);
    let nine = r
        .inbound()
        .into_iter()
        .find(|i| i.port.to_string().starts_with("9000"))
        .unwrap();
    assert_eq!(nine.audience, Audience::Outside, "{nine:?}");
    assert!(nine.why.contains("observe mode"), "{}", nine.why);
    let proxy = d.service_id("proxy").unwrap();
    assert!(r.host_ports(proxy).is_any(), "protect_host observes");
    assert!(!r.explain("db", "cache").unwrap().allowed, "data enforces");
    let findings = design::findings::lint(&d);
    let observe: Vec<_> = findings
        .iter()
        .filter(|f| f.code == FindingCode::ObserveMode)
        .collect();
    assert_eq!(observe.len(), 1);
    assert_eq!(observe[0].path, "mode");
    assert!(
        observe[0]
            .message
            .contains("Docker's separation of zones stays enforced")
    );
}

/// One finding per observing zone under a design that enforces, with the count.
#[test]
fn an_observing_zone_is_a_finding() {
    let findings = design::findings::lint(&design_of(ZONES));
    let observe: Vec<_> = findings
        .iter()
        .filter(|f| f.code == FindingCode::ObserveMode)
        .collect();
    assert_eq!(observe.len(), 1, "{observe:?}");
    assert_eq!(observe[0].path, "zones.data.mode");
    assert!(
        observe[0].message.contains("6 pairs"),
        "{}",
        observe[0].message
    );
}
