//! Properties: adversarial text never reaches an artifact unquoted. Names with shell,
//! YAML or ruleset metacharacters are refused before any compiler runs; free text that a
//! design may hold (labels, `compose:` values, notes, the description) appears only in
//! the Compose file, quoted so that it reads back as exactly the same string, and never
//! in a firewall artifact.

use design::compile::{Format, compile};
use design::raw::{RawDesign, RawFlow, RawService, RawZone, Scalar, Trust, UniqueMap};
use design::{check, parse_document};
use proptest::prelude::*;

/// Shell, YAML, iptables and nft metacharacters, quotes, newlines and non-ASCII, as in the
/// design crate's own property tests, plus comment and rule separators.
fn hostile() -> impl Strategy<Value = String> {
    let bad = prop::sample::select(vec![
        ";",
        "$(id)",
        "`id`",
        "'",
        "\"",
        "\n",
        "#",
        ": ",
        "{}",
        "é",
        " ",
        "\t",
        "|",
        "&",
        ">",
        "\\",
        "\u{0}",
        "ü",
        "\r",
        "-j ACCEPT",
        "*filter",
        "}",
        "\u{2028}",
        "!",
    ]);
    ("[a-z]{1,5}", bad, "[a-z]{0,5}").prop_map(|(a, b, c)| format!("{a}{b}{c}"))
}

fn base() -> RawDesign {
    parse_document(
        "bulkhead: 1\nname: prop\nzones:\n  dmz: { trust: public, isolated: true }\nservices:\n  a: { image: example/a:1, zones: [dmz] }\n  b: { image: example/b:1, zones: [dmz] }\nflows:\n  - { from: a, to: b, ports: [tcp/80] }\nhost: { external_interface: eth0, allow_inbound: [tcp/443] }\n",
    )
    .expect("base parses")
}

fn artifacts(raw: &RawDesign) -> Option<Vec<(Format, String)>> {
    let design = check(raw).ok()?;
    Some(
        Format::ALL
            .iter()
            .map(|&f| (f, compile(&design, f, Some(1))))
            .collect(),
    )
}

/// Where a hostile name can be put.
#[derive(Debug, Clone, Copy)]
enum Place {
    Design,
    Zone,
    Service,
    Bridge,
    Image,
    Alias,
    User,
    Tmpfs,
    Interface,
}

fn place() -> impl Strategy<Value = Place> {
    prop::sample::select(vec![
        Place::Design,
        Place::Zone,
        Place::Service,
        Place::Bridge,
        Place::Image,
        Place::Alias,
        Place::User,
        Place::Tmpfs,
        Place::Interface,
    ])
}

fn with_hostile(place: Place, text: &str) -> RawDesign {
    let mut raw = base();
    match place {
        Place::Design => raw.name = text.to_owned(),
        Place::Zone => {
            let z: RawZone = raw.zones.0.shift_remove("dmz").expect("dmz");
            raw.zones.0.insert(text.to_owned(), z);
            for (_, s) in raw.services.0.iter_mut() {
                s.zones.0 = s
                    .zones
                    .0
                    .drain(..)
                    .map(|(_, m)| (text.to_owned(), m))
                    .collect();
            }
        }
        Place::Service => {
            let s: RawService = raw.services.0.shift_remove("a").expect("a");
            raw.services.0.insert(text.to_owned(), s);
            raw.flows[0].from = text.to_owned();
        }
        Place::Bridge => raw.zones.0["dmz"].bridge = Some(text.to_owned()),
        Place::Image => raw.services.0["a"].image = Some(format!("example/{text}")),
        Place::Alias => {
            raw.services.0["a"].zones.0["dmz"].aliases = vec![text.to_owned()];
        }
        Place::User => {
            raw.services.0["a"].hardening = Some(design::raw::RawHardening {
                user: Some(Scalar(text.to_owned())),
                ..Default::default()
            });
        }
        Place::Tmpfs => {
            raw.services.0["a"].hardening = Some(design::raw::RawHardening {
                tmpfs: Some(vec![format!("/tmp/{text}")]),
                ..Default::default()
            });
        }
        Place::Interface => {
            if let Some(h) = raw.host.as_mut() {
                h.external_interface = Some(text.to_owned());
            }
        }
    }
    raw
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// A hostile name, image, address, user, tmpfs or interface is refused: no artifact
    /// is made from the design at all.
    #[test]
    fn hostile_values_never_reach_an_artifact(place in place(), text in hostile()) {
        let raw = with_hostile(place, &text);
        prop_assert!(artifacts(&raw).is_none(), "{place:?} {text:?} was accepted");
    }

    /// Free text reaches only the Compose file, quoted: it reads back as the same
    /// string, in the same place, and the document keeps its shape.
    #[test]
    fn free_text_is_quoted_in_compose_and_absent_elsewhere(text in hostile(), label in hostile()) {
        let mut raw = base();
        raw.zones.0["dmz"].labels = UniqueMap([(label.clone(), Scalar(text.clone()))].into_iter().collect());
        let mut env = serde_json::Map::new();
        env.insert("X".to_owned(), serde_json::Value::String(text.clone()));
        let mut compose = serde_json::Map::new();
        compose.insert("environment".to_owned(), serde_json::Value::Object(env));
        raw.services.0["a"].compose = Some(compose);
        raw.flows[0].note = Some(text.clone());
        raw.flows.push(RawFlow { from: "b".into(), to: "a".into(), ports: None, action: None, log: false, note: Some(label.clone()), via: None });
        raw.zones.0["dmz"].trust = Trust::Internal;
        // Texts the design itself refuses (control characters) make no artifact at all.
        let Some(all) = artifacts(&raw) else { return Ok(()); };
        for (format, out) in &all {
            if *format == Format::Compose {
                let doc: serde_json::Value = serde_norway::from_str(out).expect("export is YAML");
                prop_assert_eq!(&doc["networks"]["dmz"]["labels"][&label], &serde_json::Value::String(text.clone()));
                prop_assert_eq!(&doc["services"]["a"]["environment"]["X"], &serde_json::Value::String(text.clone()));
                prop_assert_eq!(&doc["x-bulkhead"]["flows"][0]["note"], &serde_json::Value::String(text.clone()));
                let top: Vec<&String> = doc.as_object().expect("map").keys().collect();
                prop_assert_eq!(top, vec!["services", "networks", "x-bulkhead"]);
            } else {
                prop_assert!(!out.contains(&text), "{:?} leaked into {}", text, format.as_str());
                prop_assert!(!out.contains(&label), "{:?} leaked into {}", label, format.as_str());
            }
        }
    }
}
