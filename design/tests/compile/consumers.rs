//! Every artifact checked by its real consumer on this machine. These tests fail, never
//! skip, when a tool is missing.

use design::compile::{Format, chain_name, compile, input_chain_name};
use design::templates;

use crate::helpers::{KITCHEN_SINK, OBSERVED, TempFile, run, run_ok, template, valid};

fn designs() -> Vec<design::ValidDesign> {
    let mut all: Vec<design::ValidDesign> = templates::NAMES.iter().map(|n| template(n)).collect();
    all.push(valid(KITCHEN_SINK));
    all.push(valid(OBSERVED));
    all.push(valid(&long_names()));
    all
}

/// Every name as long as names go (63 characters): an isolated zone with a flow.
fn long_names() -> String {
    let long = |start: &str| format!("{start:-<63}");
    let (d, z, a, b) = (long("design"), long("zone"), long("client"), long("server"));
    format!(
        "bulkhead: 1\nname: {d}\nzones:\n  {z}: {{ trust: internal, isolated: true }}\n\
         services:\n  {a}: {{ image: 'x:1', zones: [{z}] }}\n  {b}: {{ image: 'x:1', zones: [{z}] }}\n\
         flows:\n  - {{ from: {a}, to: {b}, ports: [tcp/5432] }}\n"
    )
}

/// Comments too long for the firewall keep both ends: the design's prefix and what kind of
/// rule it is at the start, `… isolated` or `… established` at the end.
#[test]
fn long_names_keep_both_ends_of_each_rule_comment() {
    let design = valid(&long_names());
    let text = compile(&design, Format::Iptables, None);
    let prefix = format!("bulkhead {} ", design.name);
    let comments: Vec<&str> = text
        .lines()
        .filter_map(|l| {
            l.split_once("--comment \"")
                .map(|(_, c)| c.split('"').next().unwrap())
        })
        .collect();
    assert!(comments.len() >= 3, "{text}");
    for c in &comments {
        assert!(c.len() <= design::compile::COMMENT_MAX, "{c}");
        assert!(c.starts_with(&prefix), "{c}");
    }
    assert!(
        comments
            .iter()
            .any(|c| c.ends_with(" isolated") && c.contains(" .. "))
    );
    assert!(
        comments
            .iter()
            .any(|c| c[prefix.len()..].starts_with("flow[0] allow "))
    );
}

fn compose_schema() -> jsonschema::Validator {
    // Vendored with its origin and licence: design/tests/data/README.md.
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/compose-spec.json");
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("the Compose schema is required at {path}: {e}"));
    let schema: serde_json::Value = serde_json::from_str(&text).expect("schema is JSON");
    jsonschema::validator_for(&schema).expect("schema compiles")
}

/// The Compose export validates against the Compose Specification's JSON schema.
#[test]
fn compose_matches_the_schema() {
    let validator = compose_schema();
    for design in designs() {
        let text = compile(&design, Format::Compose, None);
        let doc: serde_json::Value = serde_norway::from_str(&text).expect("export is YAML");
        let errors: Vec<String> = validator
            .iter_errors(&doc)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", design.name);
    }
}

/// `docker-compose config` (v1, PyYAML: YAML 1.1) accepts the export and reads back the
/// names, addresses and options as written.
#[test]
fn compose_accepted_by_docker_compose_config() {
    for design in designs() {
        let text = compile(&design, Format::Compose, None);
        let file = TempFile::new(".yml", &text);
        let path = file.0.to_str().expect("utf-8 path");
        let out = run_ok(
            "docker-compose",
            &["-p", design.name.as_str(), "-f", path, "config"],
            None,
        );
        let back: serde_json::Value = serde_norway::from_str(&out).expect("config is YAML");
        for zone in &design.zones {
            let net = &back["networks"][zone.name.as_str()];
            assert_eq!(net["name"], format!("{}_{}", design.name, zone.name));
            assert_eq!(
                net["driver_opts"]["com.docker.network.bridge.name"],
                zone.bridge.as_str()
            );
            assert_eq!(net["ipam"]["config"][0]["subnet"], zone.subnet.to_string());
        }
        for v in &design.volumes {
            assert!(back["volumes"][v.key.as_str()].is_object(), "{}", v.key);
        }
        for secret in &design.secrets {
            assert_eq!(
                back["secrets"][secret.key.as_str()]["file"],
                secret.file.as_str()
            );
        }
        for svc in design.services.iter().filter(|s| s.image.is_some()) {
            let s = &back["services"][svc.name.as_str()];
            assert_eq!(
                s["container_name"],
                format!("{}-{}-1", design.name, svc.name)
            );
            for m in &svc.zones {
                let zone = design.zone(m.zone).name.as_str();
                assert_eq!(s["networks"][zone]["ipv4_address"], m.ipv4.to_string());
            }
            // A `$` reaches the container as written: Compose reads `$$`, never the
            // environment of whoever runs it.
            if let Some(env) = svc.compose.get("environment").and_then(|e| e.as_object()) {
                for (k, v) in env {
                    let written = v.as_str().unwrap_or_default().replace('$', "$$");
                    assert_eq!(s["environment"][k], written.as_str(), "{k}");
                }
            }
            // Published ports stay strings, never YAML 1.1 sexagesimal numbers.
            for (i, p) in svc.ports.iter().enumerate() {
                assert!(
                    s["ports"][i].is_string() || s["ports"][i].is_object(),
                    "{p}: {:?}",
                    s["ports"][i]
                );
            }
        }
    }
}

/// `iptables-restore --test --noflush` accepts the ruleset; nothing is applied.
#[test]
fn iptables_ruleset_passes_iptables_restore_test() {
    for design in designs() {
        let text = compile(&design, Format::Iptables, None);
        run_ok("iptables-restore", &["--test", "--noflush"], Some(&text));
    }
}

/// Every rule goes into the design's own chain and names one of the design's bridges, so
/// other containers' traffic never matches; the chain name fits iptables.
#[test]
fn iptables_rules_touch_only_the_designs_bridges() {
    for design in designs() {
        let chain = chain_name(&design.name);
        let input = input_chain_name(&design.name);
        assert!(chain.len() <= 28 && input.len() <= 28);
        let ours = [chain.as_str(), input.as_str()];
        let bridges: Vec<&str> = design.zones.iter().map(|z| z.bridge.as_str()).collect();
        let text = compile(&design, Format::Iptables, None);
        let mut rules = 0;
        for line in text.lines() {
            let words: Vec<&str> = line.split_whitespace().collect();
            match words.first() {
                Some(&"-A") => {
                    rules += 1;
                    assert!(ours.contains(&words[1]), "{line}");
                    assert!(
                        words
                            .windows(2)
                            .any(|w| (w[0] == "-i" || w[0] == "-o") && bridges.contains(&w[1])),
                        "rule names none of the design's bridges: {line}"
                    );
                }
                Some(&"-F") => assert!(ours.contains(&words[1]), "{line}"),
                Some(l) if l.starts_with(':') => assert!(ours.contains(&&l[1..]), "{line}"),
                Some(&"*filter") | Some(&"COMMIT") => {}
                Some(l) => assert!(l.starts_with('#'), "unexpected line {line}"),
                None => {}
            }
        }
        assert!(rules > 0);
    }
}

/// The script is valid bash, and its `--check` runs the real `iptables-restore --test`.
#[test]
fn iptables_script_checks_with_the_real_tools() {
    for design in designs() {
        let text = compile(&design, Format::IptablesScript, None);
        let file = TempFile::new(".sh", &text);
        let path = file.0.to_str().expect("utf-8 path");
        run_ok("bash", &["-n", path], None);
        let out = run_ok("bash", &[path, "--check"], None);
        assert!(out.contains("pass iptables-restore --test"), "{out}");
        let bad = run("bash", &[path, "--bogus"], None);
        assert_eq!(bad.status.code(), Some(2));
    }
}

/// `nft -c -f` accepts the table; nothing is applied.
#[test]
fn nftables_passes_nft_check() {
    for design in designs() {
        let text = compile(&design, Format::Nftables, None);
        let file = TempFile::new(".nft", &text);
        run_ok(
            "nft",
            &["-c", "-f", file.0.to_str().expect("utf-8 path")],
            None,
        );
    }
}
