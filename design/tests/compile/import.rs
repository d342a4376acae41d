//! The Compose round trip, both ways, on the templates and on Compose files of our own.

use design::compile::compose;
use design::import::{ImportError, compose as import};
use design::{check, templates};

use crate::helpers::{KITCHEN_SINK, template, valid};

/// Exports, imports, exports again: the same bytes, and nothing to report.
fn assert_design_round_trip(design: &design::ValidDesign) {
    let first = compose(design, None);
    let imported = import(&first, "unused").expect("the export imports");
    assert_eq!(imported.notes, vec![], "{}", design.name);
    let again = check(&imported.design).unwrap_or_else(|d| panic!("{d:#?}"));
    assert_eq!(compose(&again, None), first, "{}", design.name);
    assert_eq!(again.zones.len(), design.zones.len());
    assert_eq!(again.flows, design.flows);
    assert_eq!(again.host, design.host);
}

/// Design → Compose → design → Compose is stable for both templates and the kitchen sink.
#[test]
fn design_round_trip() {
    for name in templates::NAMES {
        assert_design_round_trip(&template(name));
    }
    assert_design_round_trip(&valid(KITCHEN_SINK));
}

/// A hand-written Compose file with several networks, `internal`, static addresses,
/// every `network_mode`, capabilities and keys a design carries under `compose:`.
const OWN: &str = r#"
services:
  web:
    image: nginx:1.27
    ports: ["8080:80", {target: 443, published: "8443", host_ip: 127.0.0.1, protocol: tcp}]
    networks:
      front: { aliases: [www] }
      back: { ipv4_address: 10.214.2.10 }
    cap_drop: [ALL]
    cap_add: [NET_BIND_SERVICE]
    security_opt: ["no-new-privileges:true"]
    read_only: true
    tmpfs: /var/cache/nginx
    environment: { TZ: UTC }
    depends_on: [db]
  db:
    image: postgres:16
    networks: { back: { ipv4_address: 10.214.2.20 }, vault: { ipv4_address: 10.214.3.20 } }
    user: "999:999"
    mem_limit: 1g
    pids_limit: 200
    volumes: [dbdata:/var/lib/postgresql/data]
  backup:
    image: example/backup:1
    networks: [vault]
    cpus: 0.25
    privileged: false
  metrics:
    image: example/exporter:1
    network_mode: service:db
  offline:
    image: example/tool:1
    network_mode: none
  legacy:
    image: example/legacy:1
networks:
  front: {}
  back:
    ipam: { config: [{ subnet: 10.214.2.0/24, gateway: 10.214.2.1 }] }
  vault:
    internal: true
    driver_opts: { com.docker.network.bridge.name: bh-own-vault, com.docker.network.bridge.enable_icc: "false" }
    ipam: { config: [{ subnet: 10.214.3.0/24 }] }
    labels: [team=data]
volumes:
  dbdata: {}
"#;

/// Compose → design: networks become zones with their options, services keep addresses,
/// aliases, modes and hardening; other keys go under `compose:`; named volumes are carried.
#[test]
fn own_compose_file_imports() {
    let imported = import(OWN, "own").expect("imports");
    let d = &imported.design;
    assert_eq!(d.name, "own");
    let zones: Vec<&str> = d.zones.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(zones, ["front", "back", "vault", "default"]);
    let vault = d.zones.get("vault").expect("vault");
    assert!(vault.internal && vault.isolated);
    assert_eq!(vault.trust, design::raw::Trust::Restricted);
    assert_eq!(vault.bridge.as_deref(), Some("bh-own-vault"));
    assert_eq!(vault.labels.get("team").map(|s| s.as_str()), Some("data"));
    let web = d.services.get("web").expect("web");
    assert_eq!(web.ports[1].as_str(), "127.0.0.1:8443:443/tcp");
    let h = web.hardening.as_ref().expect("hardening");
    assert_eq!(h.no_new_privileges, Some(true));
    assert_eq!(
        h.cap_add.as_deref(),
        Some(&["NET_BIND_SERVICE".to_owned()][..])
    );
    assert!(
        web.compose
            .as_ref()
            .expect("compose")
            .contains_key("depends_on")
    );
    assert_eq!(
        d.services
            .get("metrics")
            .expect("metrics")
            .network
            .as_deref(),
        Some("container:db")
    );
    assert_eq!(
        d.services
            .get("offline")
            .expect("offline")
            .network
            .as_deref(),
        Some("closed")
    );
    let legacy = d.services.get("legacy").expect("legacy");
    assert_eq!(legacy.zones.0.keys().collect::<Vec<_>>(), ["default"]);
    assert!(d.volumes.get("dbdata").is_some(), "{:#?}", d.volumes);
    assert!(
        !imported.notes.iter().any(|n| n.path.starts_with("volumes")),
        "{:#?}",
        imported.notes
    );
    check(d).unwrap_or_else(|e| panic!("{e:#?}"));
}

/// Compose → design → Compose → design → Compose: the two exports are the same bytes.
#[test]
fn own_compose_file_round_trip() {
    let first = check(&import(OWN, "own").expect("imports").design).expect("valid");
    let exported = compose(&first, None);
    let second = import(&exported, "ignored").expect("re-imports");
    assert_eq!(second.notes, vec![]);
    let second = check(&second.design).expect("valid");
    assert_eq!(compose(&second, None), exported);
    // Equal but for `pinned`: the export writes every allocated address out.
    let unpinned = |d: &design::ValidDesign| {
        let mut services = d.services.clone();
        services
            .iter_mut()
            .flat_map(|s| s.zones.iter_mut())
            .for_each(|m| m.pinned = false);
        services
    };
    assert_eq!(unpinned(&second), unpinned(&first));
}

/// What cannot be mapped is reported with its path, never dropped silently.
#[test]
fn unmappable_things_are_reported() {
    let text = "services:\n  a:\n    image: x\n    networks: [ext, mac]\n    container_name: mine\n    labels: { team: a }\nnetworks:\n  ext: { external: true }\n  mac: { driver: macvlan }\n";
    let imported = import(text, "t").expect("imports");
    let paths: Vec<&str> = imported.notes.iter().map(|n| n.path.as_str()).collect();
    for expected in [
        "networks.ext.external",
        "networks.mac.driver",
        "services.a.container_name",
        "services.a.networks.ext",
        "services.a.networks.mac",
        "services.a.labels.team",
    ] {
        assert!(
            paths.contains(&expected),
            "{expected} missing from {paths:?}"
        );
    }
}

/// Malformed YAML is refused with the line and column of the problem.
#[test]
fn malformed_yaml_is_located() {
    let err = import("services:\n  a:\n    image: [x\n  b: {}\n", "t").expect_err("malformed");
    match err {
        ImportError::Yaml { line, column, .. } => {
            assert!(line >= 3 && column > 0, "{line}:{column}")
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        import("- a\n- b\n", "t"),
        Err(ImportError::NotCompose(_))
    ));
}

/// A Compose file whose aliases expand past the budget is refused with the limit named.
#[test]
fn compose_alias_bombs_are_refused() {
    let items = vec!["0"; 1000].join(",");
    let aliases = vec!["*a"; 2000].join(",");
    let bomb =
        format!("x-a: &a [{items}]\nx-b: [{aliases}]\nservices:\n  web: {{ image: 'x:1' }}\n");
    let e = design::import::compose(&bomb, "bomb")
        .unwrap_err()
        .to_string();
    assert!(e.contains(&design::budget::MAX_VALUES.to_string()), "{e}");
}

/// A Compose file's `$$` is a `$`; a `${NAME}` that Compose would fill from the environment
/// of whoever runs it is kept as text, with a note at its path. Exporting the design again
/// escapes every `$`, so Compose passes the same text.
#[test]
fn interpolation_is_kept_as_text_with_a_note() {
    let text = "services:\n  a:\n    image: x:1\n    environment: { PRICE: 'costs $$5', KEY: '${AWS_SECRET_ACCESS_KEY}' }\n";
    let imported = import(text, "shop").expect("imports");
    let env = &imported
        .design
        .services
        .get("a")
        .expect("a")
        .compose
        .as_ref()
        .expect("compose")["environment"];
    assert_eq!(env["PRICE"], "costs $5");
    assert_eq!(env["KEY"], "${AWS_SECRET_ACCESS_KEY}");
    let notes: Vec<&str> = imported.notes.iter().map(|n| n.path.as_str()).collect();
    assert_eq!(
        notes,
        ["services.a.environment.KEY"],
        "{:#?}",
        imported.notes
    );
    let valid = check(&imported.design).expect("valid");
    let again = design::compile::compose(&valid, None);
    assert!(
        again.contains("KEY: \"$${AWS_SECRET_ACCESS_KEY}\""),
        "{again}"
    );
    assert!(again.contains("PRICE: \"costs $$5\""), "{again}");
}
