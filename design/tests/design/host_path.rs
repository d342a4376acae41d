//! The path through the host to published ports: what the analysis predicts for each kind of
//! source (open zone, isolated zone, internal zone, default bridge, host network, closed),
//! each binding (every address, one address, loopback), with and without the protections,
//! and along flows `via: host`; what validation refuses; what findings and diff say.

use design::model::ServiceId;
use design::reach::Reachability;
use design::{Code, FindingCode, parse_document, validate};

fn design_of(body: &str) -> design::ValidDesign {
    let text = format!("bulkhead: 1\nname: t\n{body}");
    let (design, diags) = validate(&parse_document(&text).expect("parses"));
    assert!(diags.is_empty(), "{diags:#?}");
    design
}

fn problems(body: &str) -> Vec<(Code, String, String)> {
    let text = format!("bulkhead: 1\nname: t\n{body}");
    let (_, diags) = validate(&parse_document(&text).expect("parses"));
    diags
        .into_iter()
        .map(|d| (d.code, d.path, d.message))
        .collect()
}

/// The services of [`body`]: `proxy` publishes 8443 on every address and 8444 on loopback
/// only, alone in `edge`; `svc-a` and `svc-b` share the isolated `mesh`; `inner` is only in
/// the internal `vault`; `both` is in `vault` and `mesh`; `plain` joins no zone; `hosted`
/// uses the host network; `sealed` is closed.
fn body(host: &str, flows: &str) -> String {
    format!(
        "zones:
  edge: {{ trust: public }}
  mesh: {{ trust: internal, isolated: true }}
  vault: {{ trust: vault, internal: true }}
services:
  proxy: {{ image: x:1, zones: [edge], ports: [\"8443:8443\", \"127.0.0.1:8444:8444\", \"10.9.9.9:9000:9000/udp\"] }}
  svc-a: {{ image: x:1, zones: [mesh] }}
  svc-b: {{ image: x:1, zones: [mesh] }}
  inner: {{ image: x:1, zones: [vault] }}
  both: {{ image: x:1, zones: [vault, mesh] }}
  plain: {{ image: x:1 }}
  hosted: {{ image: x:1, network: host }}
  sealed: {{ image: x:1, network: closed }}
{flows}{host}"
    )
}

fn id(d: &design::ValidDesign, name: &str) -> ServiceId {
    d.service_id(name).expect(name)
}

/// (source, host ports it reaches on proxy through the host) for every source.
fn paths(d: &design::ValidDesign) -> Vec<(&'static str, Vec<String>)> {
    let reach = Reachability::compute(d);
    let proxy = id(d, "proxy");
    [
        "svc-a", "svc-b", "inner", "both", "plain", "hosted", "sealed",
    ]
    .into_iter()
    .map(|s| (s, reach.host_path_ports(id(d, s), proxy).to_strings()))
    .collect()
}

#[test]
fn without_protection_every_source_with_a_route_out_reaches_published_ports() {
    let d = design_of(&body("", ""));
    let open = vec!["tcp/8443".to_owned(), "udp/9000".to_owned()];
    assert_eq!(
        paths(&d),
        [
            ("svc-a", open.clone()),
            ("svc-b", open.clone()),
            // Only in an internal zone: Docker drops what it translates there.
            ("inner", vec![]),
            ("both", open.clone()),
            ("plain", open.clone()),
            // The host network reaches everything directly; closed reaches nothing.
            ("hosted", vec![]),
            ("sealed", vec![]),
        ]
    );
    let reach = Reachability::compute(&d);
    let (a, proxy) = (id(&d, "svc-a"), id(&d, "proxy"));
    // Blocked at proxy's own addresses, reachable through the host: the pair is allowed.
    assert!(!reach.allowed_directly(a, proxy));
    assert!(reach.allowed(a, proxy));
    let pair = reach.pair(a, proxy);
    assert!(pair.allowed && pair.ports.is_empty(), "{pair:?}");
    assert_eq!(pair.via_host.len(), 2, "{pair:?}");
    assert!(
        pair.why
            .starts_with("allowed via the host: proxy publishes 8443:8443/tcp on 0.0.0.0"),
        "{}",
        pair.why
    );
    assert!(pair.why.contains("share no zone"), "{}", pair.why);
    assert!(
        pair.via_host[1].why.contains("on 10.9.9.9"),
        "{:?}",
        pair.via_host[1]
    );
    // The loopback binding is never among them.
    assert!(
        pair.via_host
            .iter()
            .all(|p| !p.published.to_string().contains("8444"))
    );
}

#[test]
fn protect_published_closes_them_but_along_flows_via_the_host() {
    let d = design_of(&body(
        "host:\n  protect_published: true\n",
        "flows:\n  - { from: svc-b, to: proxy, ports: [tcp/8443], via: host }\n",
    ));
    assert_eq!(
        paths(&d),
        [
            ("svc-a", vec![]),
            ("svc-b", vec!["tcp/8443".to_owned()]),
            ("inner", vec![]),
            ("both", vec![]),
            // Docker's default bridge is not one of the design's bridges: not covered.
            ("plain", vec!["tcp/8443".to_owned(), "udp/9000".to_owned()]),
            ("hosted", vec![]),
            ("sealed", vec![]),
        ]
    );
    let reach = Reachability::compute(&d);
    let (a, b, proxy) = (id(&d, "svc-a"), id(&d, "svc-b"), id(&d, "proxy"));
    assert!(!reach.allowed(a, proxy));
    let pair = reach.pair(b, proxy);
    assert!(pair.allowed, "{pair:?}");
    assert!(
        pair.why.contains("a flow via: host opens tcp/8443"),
        "{}",
        pair.why
    );
    // A flow via the host says nothing about the pair at its own addresses.
    assert!(!reach.allowed_directly(b, proxy));
    // And svc-a -> svc-b in the isolated zone stays denied: the flow is not theirs.
    assert!(!reach.allowed(a, b));
}

#[test]
fn protect_host_limits_published_ports_to_host_ports() {
    let d = design_of(&body(
        "host:\n  protect_host: true\n  host_ports: [tcp/8000-8500]\n",
        "",
    ));
    let got = paths(&d);
    assert_eq!(got[0], ("svc-a", vec!["tcp/8443".to_owned()]));
    assert_eq!(
        got[4],
        ("plain", vec!["tcp/8443".to_owned(), "udp/9000".to_owned()])
    );
}

#[test]
fn with_both_protections_the_flows_via_the_host_decide() {
    let d = design_of(&body(
        "host:\n  protect_host: true\n  protect_published: true\n",
        "flows:\n  - { from: svc-b, to: proxy, ports: [tcp/8443], via: host }\n",
    ));
    let got = paths(&d);
    assert_eq!(got[0], ("svc-a", vec![]));
    // host_ports lists nothing, and the flow still opens the port: its rule comes first.
    assert_eq!(got[1], ("svc-b", vec!["tcp/8443".to_owned()]));
}

#[test]
fn a_port_docker_picks_is_one_of_the_ephemeral_range() {
    let d = design_of(
        "zones:\n  z: { trust: public }\n  y: { trust: public }\nservices:\n  p: { image: x:1, zones: [z], ports: [\"80\"] }\n  s: { image: x:1, zones: [y] }\n",
    );
    let reach = Reachability::compute(&d);
    assert_eq!(
        reach.host_path_ports(id(&d, "s"), id(&d, "p")).to_strings(),
        ["tcp/32768-60999"]
    );
}

#[test]
fn validation_of_the_protection_and_of_flows_via_the_host() {
    // Docker-picked host ports cannot be closed by number.
    let found = problems(
        "zones:\n  z: { trust: public }\nservices:\n  p: { image: x:1, zones: [z], ports: [\"80\", \"127.0.0.1::81\"] }\nhost:\n  protect_published: true\n",
    );
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].0, Code::PublishedPortNotFixed);
    assert_eq!(found[0].1, "services.p.ports[0]");
    assert!(found[0].2.contains("\"80:80/tcp\""), "{}", found[0].2);

    let with = |flow: &str, host: &str| {
        problems(&format!(
            "zones:\n  z: {{ trust: public }}\n  y: {{ trust: public }}\nservices:\n  p: {{ image: x:1, zones: [z], ports: [\"8443:443\", \"127.0.0.1:9000:9000\"] }}\n  s: {{ image: x:1, zones: [y] }}\n  h: {{ image: x:1, network: host }}\nflows:\n  - {flow}\n{host}"
        ))
    };
    let protected = "host:\n  protect_published: true\n";
    // The flow names a host port the target publishes; the ends share no zone, and that is fine.
    assert!(
        with(
            "{ from: s, to: p, ports: [tcp/8443], via: host }",
            protected
        )
        .is_empty()
    );
    assert!(with("{ from: s, to: p, via: host }", protected).is_empty());
    let one = |found: Vec<(Code, String, String)>| {
        assert_eq!(found.len(), 1, "{found:#?}");
        found.into_iter().next().unwrap()
    };
    let (code, path, message) = one(with("{ from: s, to: p, ports: [tcp/8443], via: host }", ""));
    assert_eq!((code, path.as_str()), (Code::FlowViaHost, "flows[0].via"));
    assert!(message.contains("protect_published: true"), "{message}");
    let (code, _, message) = one(with(
        "{ from: s, to: p, ports: [tcp/8443], via: host, action: deny }",
        protected,
    ));
    assert_eq!(code, Code::FlowViaHost);
    assert!(message.contains("cannot deny"), "{message}");
    // The container port, or a loopback-only one, is not what the flow names.
    for ports in ["tcp/443", "tcp/9000", "icmp"] {
        let (code, path, message) = one(with(
            &format!("{{ from: s, to: p, ports: [{ports}], via: host }}"),
            protected,
        ));
        assert_eq!(
            (code, path.as_str()),
            (Code::FlowViaHost, "flows[0]"),
            "{ports}"
        );
        assert!(
            message.contains("it publishes \"8443:443/tcp\""),
            "{message}"
        );
    }
    let (code, _, _) = one(with("{ from: h, to: p, via: host }", protected));
    assert_eq!(code, Code::FlowEndpointNotBridged);
    let (code, _, message) = one(with("{ from: p, to: s, via: host }", protected));
    assert_eq!(code, Code::FlowViaHost);
    assert!(message.contains("s publishes no port"), "{message}");
}

#[test]
fn a_published_port_reached_from_a_lower_trust_zone_is_a_finding() {
    let text = "zones:\n  low: { trust: public }\n  high: { trust: restricted }\nservices:\n  db: { image: x:1, zones: [high], ports: [\"15432:5432\"] }\n  web: { image: x:1, zones: [low] }\n";
    let d = design_of(text);
    let found: Vec<_> = design::findings::lint(&d)
        .into_iter()
        .filter(|f| f.code == FindingCode::PublishedViaHost)
        .collect();
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].path, "services.db.ports[0]");
    assert!(
        found[0].message.contains("web (public)"),
        "{}",
        found[0].message
    );
    assert!(
        found[0].message.contains("host.protect_published: true"),
        "{}",
        found[0].message
    );
    let closed = design_of(&format!("{text}host:\n  protect_published: true\n"));
    assert!(
        design::findings::lint(&closed)
            .iter()
            .all(|f| f.code != FindingCode::PublishedViaHost)
    );
}

#[test]
fn diff_and_the_matrix_show_the_path_through_the_host() {
    let before_text = format!("bulkhead: 1\nname: t\n{}", body("", ""));
    let after_text = format!("{before_text}host:\n  protect_published: true\n");
    let (before, _) = validate(&parse_document(&before_text).unwrap());
    let delta = design::diff::diff(
        &parse_document(&before_text).unwrap(),
        &parse_document(&after_text).unwrap(),
    );
    let lost: Vec<(String, String, Vec<String>)> = delta
        .reachability
        .iter()
        .map(|p| (p.from.clone(), p.to.clone(), p.host_lost.to_strings()))
        .collect();
    assert!(
        lost.contains(&(
            "svc-a".to_owned(),
            "proxy".to_owned(),
            vec!["tcp/8443".to_owned(), "udp/9000".to_owned()]
        )),
        "{lost:#?}"
    );
    let text = design::reach::matrix_text(&before, None, None).unwrap();
    let row = text.lines().find(|l| l.starts_with("svc-a")).expect(&text);
    assert!(row.contains("- +host:tcp/8443,udp/9000"), "{text}");
    let pair = design::reach::matrix_text(&before, Some("svc-a"), Some("proxy")).unwrap();
    assert!(pair.contains("via the host: tcp/8443"), "{pair}");
}
