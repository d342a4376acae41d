//! Specs of the templates, and the configuration hash pinned across versions.

use super::*;
use crate::engine::labels;

/// Three-tier: names, labels, ICC off on the isolated zone, one hash per service.
#[test]
fn three_tier_specs() {
    let raw = design::parse_document(design::templates::get("three-tier").unwrap()).unwrap();
    let d = design::check(&raw).unwrap();
    let nets = network_specs(&d, FirewallBackend::Iptables);
    let data = nets.iter().find(|n| n.zone == "database-tier").unwrap();
    assert_eq!(data.name, "three-tier_database-tier");
    assert_eq!(data.options["com.docker.network.bridge.name"], "bh-data");
    assert_eq!(
        data.options["com.docker.network.bridge.enable_icc"],
        "false"
    );
    let containers = container_specs(&d);
    let pg = containers.iter().find(|c| c.service == "postgres").unwrap();
    assert_eq!(pg.name, "three-tier-postgres-1");
    assert_eq!(pg.networks[0].aliases, vec!["postgres", "db"]);
    assert!(
        pg.env
            .contains(&"POSTGRES_PASSWORD_FILE=/run/secrets/db_password".to_owned())
    );
    assert!(pg.labels.contains_key(labels::CONFIG_HASH));
    assert!(
        pg.security_opt
            .contains(&"no-new-privileges:true".to_owned())
    );
}

/// The configuration hash is what tells a running container from a changed one: if it
/// moved with an upgrade of Bulkhead, every container would be recreated. These values
/// were computed before the engine read typed values from the design.
#[test]
fn configuration_hash_is_stable() {
    let text = "bulkhead: 1\nname: hashcheck\nzones: { a: { trust: internal, subnet: 10.9.1.0/24 } }\nservices:\n  web:\n    image: nginx:1.27\n    zones: [a]\n    ports: ['127.0.0.1:8080:80']\n    hardening: { cap_drop: [ALL], read_only: true, memory: 512m, cpus: '0.3', pids_limit: 100, user: '1000:1000', tmpfs: [/tmp] }\n    compose:\n      restart: on-failure:3\n      healthcheck: { test: [CMD, 'true'], interval: 1m30s, timeout: 5s, retries: 3, start_period: 10s }\n      environment: { A: b }\n      command: [sleep, '100']\n  side: { image: 'busybox:1', network: 'container:web', compose: { restart: always } }\n  plain: { image: 'x:1', zones: [a], hardening: { memory: 1g, cpus: '2' } }\n";
    let d = design::check(&design::parse_document(text).unwrap()).unwrap();
    let hashes: Vec<(String, String)> = container_specs(&d)
        .into_iter()
        .map(|c| (c.name, c.labels[labels::CONFIG_HASH].clone()))
        .collect();
    let want = [
        ("hashcheck-web-1", "905ed6ef3f912b24"),
        ("hashcheck-plain-1", "6235f92faa5a65f6"),
        ("hashcheck-side-1", "1d09ff036e447544"),
    ];
    let want: Vec<(String, String)> = want
        .iter()
        .map(|(n, h)| (n.to_string(), h.to_string()))
        .collect();
    assert_eq!(hashes, want);
}

/// The same for a CPU limit the engine gets in billionths (computed as before, 4.1 giving
/// 4 099 999 999) and a disabled healthcheck with timings (which Docker ignores).
#[test]
fn configuration_hash_is_stable_for_cpus_and_disabled_healthchecks() {
    let text = "bulkhead: 1\nname: hashcheck\nzones: { a: { trust: internal, subnet: 10.9.1.0/24 } }\nservices:\n  cpu: { image: 'x:1', zones: [a], hardening: { cpus: '4.1' } }\n  off: { image: 'x:1', zones: [a], compose: { healthcheck: { disable: true, interval: 10s, retries: 2 } } }\n";
    let d = design::check(&design::parse_document(text).unwrap()).unwrap();
    let hashes: Vec<(String, String)> = container_specs(&d)
        .into_iter()
        .map(|c| (c.name, c.labels[labels::CONFIG_HASH].clone()))
        .collect();
    assert_eq!(
        hashes,
        [
            ("hashcheck-cpu-1".to_owned(), "e867e9d4b8b5b6e3".to_owned()),
            ("hashcheck-off-1".to_owned(), "21dadbbecfc64456".to_owned()),
        ]
    );
}

/// Volumes and secrets are mounted where Compose mounts them: a named volume under its
/// engine name, a host path as written, the long syntax read too, each secret's file
/// read-only under `/run/secrets/`.
#[test]
fn mounts_follow_compose() {
    let text = "bulkhead: 1\nname: shop\nvolumes:\n  data:\n  shared: { external: true }\n  pinned: { name: legacy-data }\nsecrets:\n  db_password: { file: /srv/bulkhead/secrets/db }\nservices:\n  db:\n    image: postgres:16\n    network: closed\n    compose:\n      volumes:\n        - data:/var/lib/postgresql/data\n        - shared:/shared:ro\n        - { type: volume, source: pinned, target: /old, read_only: true }\n        - { type: bind, source: /srv/conf, target: /etc/conf }\n        - /srv/logs:/logs\n        - { type: tmpfs, target: /scratch }\n      secrets: [db_password, { source: db_password, target: pw }, { source: db_password, target: /etc/pw }]\n";
    let d = design::check(&design::parse_document(text).unwrap()).unwrap();
    let db = &container_specs(&d)[0];
    assert_eq!(
        db.binds,
        [
            "shop_data:/var/lib/postgresql/data",
            "shared:/shared:ro",
            "legacy-data:/old:ro",
            "/srv/conf:/etc/conf",
            "/srv/logs:/logs",
            "/srv/bulkhead/secrets/db:/run/secrets/db_password:ro",
            "/srv/bulkhead/secrets/db:/run/secrets/pw:ro",
            "/srv/bulkhead/secrets/db:/etc/pw:ro",
        ]
    );
    assert!(!db.unapplied.contains(&"secrets".to_owned()));
}

/// What the container runs is what the Compose export writes: one parse of `command`,
/// `entrypoint`, `environment` and `working_dir`, a quoted command line split as a shell
/// (and Compose) splits it.
#[test]
fn process_is_the_exported_one() {
    let text = "bulkhead: 1\nname: proc\nzones: { a: { trust: internal, subnet: 10.9.2.0/24 } }\nservices:\n  job:\n    image: busybox:1.36\n    zones: [a]\n    compose:\n      command: \"sh -c 'echo hello world'\"\n      entrypoint: [/bin/env, 3]\n      environment: [B=2, A=x y]\n      working_dir: /srv\n";
    let d = design::check(&design::parse_document(text).unwrap()).unwrap();
    let spec = container_specs(&d).remove(0);
    assert_eq!(
        spec.cmd.as_deref(),
        Some(&["sh", "-c", "echo hello world"].map(String::from)[..])
    );
    assert_eq!(
        spec.entrypoint.as_deref(),
        Some(&["/bin/env", "3"].map(String::from)[..])
    );
    assert_eq!(spec.env, ["A=x y", "B=2"]);
    assert_eq!(spec.working_dir.as_deref(), Some("/srv"));

    let exported = design::compile::compose(&d, None);
    let doc: serde_json::Value = serde_norway::from_str(&exported).unwrap();
    let job = &doc["services"]["job"];
    assert_eq!(job["command"], serde_json::json!(spec.cmd.unwrap()));
    assert_eq!(
        job["entrypoint"],
        serde_json::json!(spec.entrypoint.unwrap())
    );
    assert_eq!(
        job["environment"],
        serde_json::json!({"B": "2", "A": "x y"})
    );
    assert_eq!(job["working_dir"], "/srv");
}

/// An isolated zone in observe mode keeps Docker's ICC off (so a missing firewall fails
/// closed), which is why such a design needs its firewall even with no flow and no host
/// policy: without the firewall's accepts, Docker would drop what the analysis lets through.
#[test]
fn an_observing_isolated_zone_needs_its_firewall() {
    let text = "bulkhead: 1\nname: quiet\nzones:\n  z: { trust: internal, isolated: true }\n\
                services:\n  a: { image: 'x:1', zones: [z] }\n  b: { image: 'x:1', zones: [z] }\n";
    let enforcing = design::check(&design::parse_document(text).unwrap()).unwrap();
    let iptables = FirewallBackend::Iptables;
    assert!(!crate::engine::design_needs_firewall(&enforcing, iptables));
    let observing = text.replace("isolated: true }", "isolated: true, mode: observe }");
    let observing = design::check(&design::parse_document(&observing).unwrap()).unwrap();
    assert!(crate::engine::design_needs_firewall(&observing, iptables));
    let net = &network_specs(&observing, iptables)[0];
    assert_eq!(net.options["com.docker.network.bridge.enable_icc"], "false");
}

/// On an nftables engine Docker's ICC-off drop would be final and beat the design's
/// accepts, so isolated zones keep ICC on and the design's table isolates them: every
/// design with an isolated zone needs its firewall there, even one with no flow.
#[test]
fn on_nftables_the_table_isolates_and_icc_stays_on() {
    let text = "bulkhead: 1\nname: quiet\nzones:\n  z: { trust: internal, isolated: true }\n  \
                o: { trust: internal }\nservices:\n  a: { image: 'x:1', zones: [z] }\n  \
                b: { image: 'x:1', zones: [z, o] }\n";
    let d = design::check(&design::parse_document(text).unwrap()).unwrap();
    let nft = FirewallBackend::Nftables;
    for net in network_specs(&d, nft) {
        assert!(
            !net.options
                .contains_key("com.docker.network.bridge.enable_icc"),
            "{}: ICC left as Docker's default (on)",
            net.name
        );
        // What tells an import that the zone is isolated, since ICC cannot.
        let marked = net.labels.get(labels::ISOLATED).map(String::as_str);
        assert_eq!(marked, (net.zone == "z").then_some("true"), "{}", net.name);
    }
    for net in network_specs(&d, FirewallBackend::Iptables) {
        assert!(!net.labels.contains_key(labels::ISOLATED), "{}", net.name);
    }
    assert!(crate::engine::design_needs_firewall(&d, nft));
    assert!(!crate::engine::design_needs_firewall(
        &d,
        FirewallBackend::Iptables
    ));
    let open = design::check(
        &design::parse_document(&text.replace("isolated: true", "isolated: false")).unwrap(),
    )
    .unwrap();
    assert!(!crate::engine::design_needs_firewall(&open, nft));
}
