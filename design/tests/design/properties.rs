//! Property tests: random valid designs validate clean and round-trip; allocation is
//! stable; names built from shell and YAML metacharacters are always refused.

use std::collections::BTreeMap;

use design::raw::{
    RawDesign, RawFlow, RawMembership, RawMemberships, RawService, RawZone, Scalar, Trust,
    UniqueMap,
};
use design::{Code, parse_document, to_canonical_yaml, validate};
use proptest::prelude::*;

fn zone(trust: Trust, isolated: bool) -> RawZone {
    RawZone {
        trust,
        subnet: None,
        gateway: None,
        internal: false,
        isolated,
        mode: None,
        bridge: None,
        driver: None,
        labels: UniqueMap::default(),
        accept: Vec::new(),
    }
}

fn service(zones: &[String]) -> RawService {
    RawService {
        image: Some("example/app:1".to_owned()),
        zones: RawMemberships(
            zones
                .iter()
                .map(|z| (z.clone(), RawMembership::default()))
                .collect(),
        ),
        ..RawService::default()
    }
}

fn empty_design() -> RawDesign {
    RawDesign {
        bulkhead: 1,
        name: "prop".to_owned(),
        description: None,
        mode: None,
        defaults: Default::default(),
        zones: UniqueMap::default(),
        services: UniqueMap::default(),
        flows: Vec::new(),
        host: None,
        volumes: UniqueMap::default(),
        secrets: UniqueMap::default(),
    }
}

prop_compose! {
    /// A valid design: zones z-*, services s-* each in 1..=3 zones, flows between
    /// services that share a zone.
    fn valid_design()(
        zone_names in prop::collection::btree_set("[a-z][a-z0-9]{0,8}", 1..6),
        service_names in prop::collection::btree_set("[a-z][a-z0-9-]{0,8}[a-z0-9]", 0..12),
        seed in prop::collection::vec((0usize..100, 0usize..100, any::<bool>(), 0u8..4), 12),
        flow_picks in prop::collection::vec((0usize..100, 0usize..100, 1u16..65535, any::<bool>()), 0..8),
    ) -> RawDesign {
        let zones: Vec<String> = zone_names.into_iter().map(|z| format!("z-{z}")).collect();
        let services: Vec<String> = service_names.into_iter().map(|s| format!("s-{s}")).collect();
        let mut raw = empty_design();
        let trusts = [Trust::Public, Trust::Internal, Trust::Restricted, Trust::Vault];
        for (i, z) in zones.iter().enumerate() {
            let (_, _, isolated, trust) = seed[i % seed.len()];
            raw.zones.0.insert(z.clone(), zone(trusts[trust as usize], isolated));
        }
        let mut member_of: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (i, s) in services.iter().enumerate() {
            let (a, b, two, _) = seed[i % seed.len()];
            let mut mine = vec![zones[a % zones.len()].clone()];
            let other = zones[b % zones.len()].clone();
            if two && !mine.contains(&other) {
                mine.push(other);
            }
            raw.services.0.insert(s.clone(), service(&mine));
            member_of.insert(s.clone(), mine);
        }
        for (a, b, port, deny) in flow_picks {
            if services.len() < 2 { break; }
            let (from, to) = (&services[a % services.len()], &services[b % services.len()]);
            let shared = member_of[from].iter().any(|z| member_of[to].contains(z));
            if from == to || !shared { continue; }
            raw.flows.push(RawFlow {
                from: from.clone(),
                to: to.clone(),
                ports: Some(vec![Scalar(format!("tcp/{port}"))]),
                action: deny.then_some(design::raw::Action::Deny),
                log: false,
                note: None,
                via: None,
            });
        }
        raw
    }
}

fn allocation(raw: &RawDesign) -> (BTreeMap<String, String>, BTreeMap<(String, String), String>) {
    let (design, diags) = validate(raw);
    assert!(diags.is_empty(), "{diags:#?}");
    let subnets = design
        .zones
        .iter()
        .map(|z| (z.name.to_string(), z.subnet.to_string()))
        .collect();
    let addresses = design
        .services
        .iter()
        .flat_map(|s| s.zones.iter().map(move |m| (s.name.to_string(), m)))
        .map(|(s, m)| {
            (
                (s, design.zone(m.zone).name.to_string()),
                m.ipv4.to_string(),
            )
        })
        .collect();
    (subnets, addresses)
}

/// Shell and YAML metacharacters, quotes, newlines and non-ASCII.
fn hostile() -> impl Strategy<Value = String> {
    let bad = prop::sample::select(vec![
        ";", "$(id)", "`id`", "'", "\"", "\n", "#", ": ", "{}", "é", " ", "\t", "|", "&", ">",
        "\\", "\u{0}", "ü",
    ]);
    ("[a-z]{0,5}", bad, "[a-z]{0,5}").prop_map(|(a, b, c)| format!("{a}{b}{c}"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Random valid designs validate with no diagnostic and survive parse ∘ write.
    #[test]
    fn valid_designs_validate_clean_and_round_trip(raw in valid_design()) {
        let (_, diags) = validate(&raw);
        prop_assert!(diags.is_empty(), "{:#?}", diags);
        let yaml = to_canonical_yaml(&raw);
        prop_assert_eq!(parse_document(&yaml).expect("canonical YAML parses"), raw.clone());
        prop_assert_eq!(to_canonical_yaml(&raw), yaml);
    }

    /// Document order does not matter to allocation.
    #[test]
    fn allocation_ignores_document_order(raw in valid_design()) {
        let mut reversed = raw.clone();
        reversed.zones.0.reverse();
        reversed.services.0.reverse();
        prop_assert_eq!(allocation(&raw), allocation(&reversed));
    }

    /// Adding an unrelated zone with a member renumbers nothing else, whenever what the
    /// newcomer got was free before (the only case where it cannot compete; see alloc.rs).
    #[test]
    fn adding_a_zone_renumbers_nothing(raw in valid_design(), extra in "[a-z]{1,8}") {
        let (subnets, addresses) = allocation(&raw);
        let mut bigger = raw.clone();
        let zone_name = format!("new-{extra}");
        bigger.zones.0.insert(zone_name.clone(), zone(Trust::Internal, false));
        bigger.services.0.insert(format!("newsvc-{extra}"), service(std::slice::from_ref(&zone_name)));
        let (subnets2, addresses2) = allocation(&bigger);
        prop_assume!(!subnets.values().any(|s| *s == subnets2[&zone_name]));
        for (zone, subnet) in &subnets {
            prop_assert_eq!(&subnets2[zone], subnet);
        }
        for (key, addr) in &addresses {
            prop_assert_eq!(&addresses2[key], addr);
        }
    }

    /// Adding a service to an existing zone renumbers no other member, whenever its
    /// address was free before.
    #[test]
    fn adding_a_service_renumbers_nothing(raw in valid_design(), extra in "[a-z]{1,8}") {
        let (_, addresses) = allocation(&raw);
        let mut bigger = raw.clone();
        let zone_name = bigger.zones.0.keys().next().cloned().expect("a zone");
        let name = format!("new-{extra}");
        bigger.services.0.insert(name.clone(), service(std::slice::from_ref(&zone_name)));
        let (_, addresses2) = allocation(&bigger);
        let got = &addresses2[&(name, zone_name)];
        prop_assume!(!addresses.values().any(|a| a == got));
        for (key, addr) in &addresses {
            prop_assert_eq!(&addresses2[key], addr);
        }
    }

    /// Hostile zone names are refused with a diagnostic naming the zone.
    #[test]
    fn hostile_zone_names_refused(name in hostile()) {
        let mut raw = empty_design();
        raw.zones.0.insert(name.clone(), zone(Trust::Public, false));
        let (design, diags) = validate(&raw);
        prop_assert!(design.zones.is_empty());
        prop_assert!(diags.iter().any(|d| d.code == Code::InvalidName && d.path == format!("zones.{name:?}")), "{:#?}", diags);
        prop_assert_eq!(parse_document(&to_canonical_yaml(&raw)).expect("round trip"), raw);
    }

    /// Hostile service names are refused with a diagnostic naming the service.
    #[test]
    fn hostile_service_names_refused(name in hostile()) {
        let mut raw = empty_design();
        raw.services.0.insert(name.clone(), service(&[]));
        let (design, diags) = validate(&raw);
        prop_assert!(design.services.is_empty());
        prop_assert!(diags.iter().any(|d| d.code == Code::InvalidName && d.path == format!("services.{name:?}")), "{:#?}", diags);
    }

    /// Hostile images are refused with a diagnostic on the image field.
    #[test]
    fn hostile_images_refused(image in hostile()) {
        let mut raw = empty_design();
        let mut svc = service(&[]);
        svc.image = Some(format!("nginx{image}"));
        raw.services.0.insert("web".to_owned(), svc);
        let (design, diags) = validate(&raw);
        prop_assert!(design.services.is_empty());
        prop_assert!(diags.iter().any(|d| d.code == Code::InvalidImage && d.path == "services.web.image"), "{:#?}", diags);
    }

    /// Hostile bridge names are refused with a diagnostic on the bridge field.
    #[test]
    fn hostile_bridge_names_refused(bridge in hostile()) {
        let mut raw = empty_design();
        let mut z = zone(Trust::Public, false);
        z.bridge = Some(bridge);
        raw.zones.0.insert("dmz".to_owned(), z);
        let (design, diags) = validate(&raw);
        prop_assert!(design.zones.is_empty());
        prop_assert!(diags.iter().any(|d| d.code == Code::InvalidBridgeName && d.path == "zones.dmz.bridge"), "{:#?}", diags);
    }

    /// Hostile design names are refused with a diagnostic on `name`.
    #[test]
    fn hostile_design_names_refused(name in hostile()) {
        let mut raw = empty_design();
        raw.name = name;
        let (_, diags) = validate(&raw);
        prop_assert!(diags.iter().any(|d| d.code == Code::InvalidName && d.path == "name"), "{:#?}", diags);
    }
}
