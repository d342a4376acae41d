//! Reachability: one case per rule of docs/design-format.md ("What a design means"), with its explanation.

use design::reach::{Audience, Reachability};
use design::{parse_document, validate};

fn design_of(body: &str) -> design::ValidDesign {
    let text = format!("bulkhead: 1\nname: t\n{body}");
    let (design, diags) = validate(&parse_document(&text).expect("parses"));
    assert!(diags.is_empty(), "{diags:#?}");
    design
}

/// (design body, from, to, allowed, ports, why contains)
type Case = (
    String,
    &'static str,
    &'static str,
    bool,
    &'static [&'static str],
    &'static str,
);

const OPEN: &str = "zones:\n  z: { trust: public }\n  y: { trust: public }\n";
const ISO: &str = "zones:\n  z: { trust: public, isolated: true }\n";

/// Each reachability rule gives the expected answer and explanation.
#[test]
fn reachability_rules() {
    let cases: Vec<Case> = vec![
        // 1. no shared zone
        (
            format!(
                "{OPEN}services:\n  a: {{ image: x, zones: [z] }}\n  b: {{ image: x, zones: [y] }}\n"
            ),
            "a",
            "b",
            false,
            &[],
            "share no zone",
        ),
        // 2. open zone: every port
        (
            format!(
                "{OPEN}services:\n  a: {{ image: x, zones: [z] }}\n  b: {{ image: x, zones: [z] }}\n"
            ),
            "a",
            "b",
            true,
            &["any"],
            "which is not isolated",
        ),
        // 2. deny flow cuts a port out of an open zone
        (
            format!(
                "{OPEN}services:\n  a: {{ image: x, zones: [z] }}\n  b: {{ image: x, zones: [z] }}\nflows:\n  - {{ from: a, to: b, action: deny, ports: [tcp/22] }}\n"
            ),
            "a",
            "b",
            true,
            &["tcp/1-21", "tcp/23-65535", "udp/1-65535", "icmp"],
            "except what flows[0]",
        ),
        // 2. deny any cuts the pair
        (
            format!(
                "{OPEN}services:\n  a: {{ image: x, zones: [z] }}\n  b: {{ image: x, zones: [z] }}\nflows:\n  - {{ from: a, to: b, action: deny }}\n"
            ),
            "a",
            "b",
            false,
            &[],
            "denies every port",
        ),
        // 3. isolated zone without a flow
        (
            format!(
                "{ISO}services:\n  a: {{ image: x, zones: [z] }}\n  b: {{ image: x, zones: [z] }}\n"
            ),
            "a",
            "b",
            false,
            &[],
            "z is isolated and no flow allows a -> b",
        ),
        // 3. isolated zone with a flow
        (
            format!(
                "{ISO}services:\n  a: {{ image: x, zones: [z] }}\n  b: {{ image: x, zones: [z] }}\nflows:\n  - {{ from: a, to: b, ports: [tcp/5432] }}\n"
            ),
            "a",
            "b",
            true,
            &["tcp/5432"],
            "flows[0]",
        ),
        // 3. flows are directed
        (
            format!(
                "{ISO}services:\n  a: {{ image: x, zones: [z] }}\n  b: {{ image: x, zones: [z] }}\nflows:\n  - {{ from: a, to: b, ports: [tcp/5432] }}\n"
            ),
            "b",
            "a",
            false,
            &[],
            "no flow allows b -> a",
        ),
        // flows from a zone mean every member
        (
            format!(
                "{ISO}services:\n  a: {{ image: x, zones: [z] }}\n  b: {{ image: x, zones: [z] }}\n  c: {{ image: x, zones: [z] }}\nflows:\n  - {{ from: z, to: c, ports: [udp/53] }}\n"
            ),
            "b",
            "c",
            true,
            &["udp/53"],
            "flows[0]",
        ),
        // 6. closed reaches nothing
        (
            format!(
                "{OPEN}services:\n  a: {{ image: x, network: closed }}\n  b: {{ image: x, zones: [z] }}\n"
            ),
            "a",
            "b",
            false,
            &[],
            "no network",
        ),
        // 6. container:X shares X's reachability
        (
            format!(
                "{OPEN}services:\n  a: {{ image: x, zones: [z] }}\n  s: {{ image: x, network: 'container:a' }}\n  b: {{ image: x, zones: [z] }}\n"
            ),
            "s",
            "b",
            true,
            &["any"],
            "share z",
        ),
        // 6. container:X and X share a namespace
        (
            format!(
                "{OPEN}services:\n  a: {{ image: x, zones: [z] }}\n  s: {{ image: x, network: 'container:a' }}\n"
            ),
            "s",
            "a",
            true,
            &["any"],
            "namespace",
        ),
        // 6. host network bypasses every zone
        (
            format!(
                "{OPEN}services:\n  h: {{ image: x, network: host }}\n  b: {{ image: x, zones: [y] }}\n"
            ),
            "h",
            "b",
            true,
            &["any"],
            "bypasses every zone",
        ),
    ];
    for (body, from, to, allowed, ports, why) in cases {
        let design = design_of(&body);
        let reach = Reachability::compute(&design);
        let pair = reach.explain(from, to).expect("services exist");
        assert_eq!(pair.allowed, allowed, "{from}->{to} in\n{body}\n{pair:#?}");
        assert_eq!(pair.ports.to_strings(), ports, "{from}->{to} in\n{body}");
        assert!(
            pair.why.contains(why),
            "{from}->{to}: {:?} lacks {why:?}",
            pair.why
        );
    }
}

/// A pair sharing two zones can be allowed in one and denied in the other.
#[test]
fn per_zone_answers() {
    let design = design_of(
        "zones:\n  open: { trust: public }\n  iso: { trust: public, isolated: true }\nservices:\n  a: { image: x, zones: [open, iso] }\n  b: { image: x, zones: [open, iso] }\n",
    );
    let pair = Reachability::compute(&design)
        .explain("a", "b")
        .expect("exists");
    assert_eq!(pair.zones, ["open"]);
    assert_eq!(pair.per_zone.len(), 2);
    assert!(pair.per_zone[1].ports.is_empty());
    assert!(pair.per_zone[1].why.contains("iso is isolated"));
}

/// Egress: only services in a zone that is not internal reach the internet (rule 4).
#[test]
fn egress() {
    let design = design_of(
        "zones:\n  in: { trust: vault, internal: true }\n  out: { trust: public }\nservices:\n  a: { image: x, zones: [in] }\n  b: { image: x, zones: [in, out] }\n  c: { image: x, network: closed }\n",
    );
    let reach = Reachability::compute(&design);
    let answers: Vec<bool> = (0..3)
        .map(|i| reach.egress(design::model::ServiceId(i)).allowed)
        .collect();
    assert_eq!(answers, [false, true, false]);
}

/// From outside: loopback is host only; the host policy drops unlisted ports arriving on its
/// interface (rule 5), and says that other interfaces are not filtered; a service on
/// Docker's default bridge is outside the policy, so its ports are open.
#[test]
fn inbound() {
    let design = design_of(
        "zones:\n  z: { trust: public }\nservices:\n  a: { image: x, zones: [z], ports: ['443:443', '127.0.0.1:8080:80', '9000:9000'] }\n  b: { image: x, ports: ['9001:9001'] }\nhost:\n  external_interface: eth0\n  allow_inbound: [tcp/443]\n",
    );
    let inbound = Reachability::compute(&design).inbound();
    let audiences: Vec<Audience> = inbound.iter().map(|i| i.audience).collect();
    assert_eq!(
        audiences,
        [
            Audience::Outside,
            Audience::HostOnly,
            Audience::Nobody,
            Audience::Outside
        ]
    );
    assert!(
        inbound[2].why.contains("arriving on eth0"),
        "{}",
        inbound[2].why
    );
    assert!(
        inbound[3].why.contains("default bridge"),
        "{}",
        inbound[3].why
    );
}

/// The host itself (rule 7): without `protect_host` every bridged service reaches every port
/// of the host; with it, a service only in bridge zones reaches `host_ports` alone (a
/// host-network service included), while one on Docker's default bridge is not covered.
#[test]
fn the_host_itself() {
    let body = |host: &str| {
        format!(
            "zones:\n  z: {{ trust: public }}\nservices:\n  a: {{ image: x, zones: [z] }}\n  b: {{ image: x }}\n  h: {{ image: x, network: host }}\n  c: {{ image: x, network: closed }}\n{host}"
        )
    };
    let id = design::model::ServiceId;
    let open = design_of(&body(""));
    let reach = Reachability::compute(&open);
    for s in 0..3 {
        assert!(reach.host_access(id(s)).ports.is_any(), "{s}");
    }
    assert!(reach.host_access(id(3)).ports.is_empty());
    assert!(
        reach
            .host_access(id(0))
            .why
            .contains("host.protect_host closes them"),
        "{}",
        reach.host_access(id(0)).why
    );
    assert!(reach.pair(id(0), id(2)).ports.is_any());

    let guarded = design_of(&body(
        "host:\n  protect_host: true\n  host_ports: [tcp/22, udp/53]\n",
    ));
    let reach = Reachability::compute(&guarded);
    let a = reach.host_access(id(0));
    assert_eq!(a.ports.to_strings(), ["tcp/22", "udp/53"], "{a:?}");
    let b = reach.host_access(id(1));
    assert!(
        b.ports.is_any() && b.why.contains("default bridge"),
        "{b:?}"
    );
    assert!(reach.host_access(id(2)).ports.is_any());
    let to_host = reach.pair(id(0), id(2));
    assert!(to_host.allowed, "{to_host:?}");
    assert_eq!(to_host.ports.to_strings(), ["tcp/22", "udp/53"]);
    assert!(to_host.why.contains("host.protect_host"), "{}", to_host.why);
    // From the default bridge the host network is reached on every port.
    assert!(reach.pair(id(1), id(2)).ports.is_any());

    let closed = design_of(&body("host:\n  protect_host: true\n"));
    let reach = Reachability::compute(&closed);
    assert!(reach.host_access(id(0)).ports.is_empty());
    let to_host = reach.pair(id(0), id(2));
    assert!(!to_host.allowed);
    assert!(to_host.why.starts_with("denied:"), "{}", to_host.why);
}
