//! Import: a design from the live engine's networks and containers. Docker's default
//! networks appear only where containers use them; objects Bulkhead does not own are
//! marked with the zone label `io.bulkhead.unmanaged` or noted in the header.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use super::error::EngineError;
use super::live::LiveNetwork;
use super::{DockerEngine, labels};

const DEFAULT_NETWORKS: &[&str] = &["bridge", "host", "none"];

fn zone_name(n: &LiveNetwork) -> String {
    n.labels
        .get(labels::ZONE)
        .cloned()
        .unwrap_or_else(|| n.name.clone())
}

/// Reads the engine and writes a design named `name` (canonical YAML, with a comment header
/// listing what was not mapped).
pub async fn import_docker(engine: &DockerEngine, name: &str) -> Result<String, EngineError> {
    let networks = engine.networks().await?;
    let mut containers = Vec::new();
    for c in engine.container_names().await? {
        if let Some(live) = engine.container(&c).await? {
            if live.labels.contains_key(labels::PROBE) {
                continue;
            }
            containers.push(live);
        }
    }
    let mut notes: Vec<String> = Vec::new();
    let used: BTreeSet<&str> = containers
        .iter()
        .flat_map(|c| c.networks.iter().map(|e| e.network.as_str()))
        .collect();
    let mut zones = Map::new();
    for n in &networks {
        if n.driver != "bridge" && n.driver != "overlay" {
            continue;
        }
        if DEFAULT_NETWORKS.contains(&n.name.as_str()) && !used.contains(n.name.as_str()) {
            continue;
        }
        let mut zone = Map::new();
        zone.insert(
            "trust".into(),
            json!(if n.internal { "restricted" } else { "internal" }),
        );
        if let Some(s) = &n.subnet {
            zone.insert("subnet".into(), json!(s));
        }
        if let Some(g) = &n.gateway {
            zone.insert("gateway".into(), json!(g));
        }
        if n.internal {
            zone.insert("internal".into(), json!(true));
        }
        let icc_off = n.options.get("com.docker.network.bridge.enable_icc");
        if icc_off.map(String::as_str) == Some("false")
            || n.labels.get(labels::ISOLATED).map(String::as_str) == Some("true")
        {
            zone.insert("isolated".into(), json!(true));
        }
        if let Some(b) = n.options.get("com.docker.network.bridge.name") {
            zone.insert("bridge".into(), json!(b));
        }
        if n.driver == "overlay" {
            zone.insert("driver".into(), json!("overlay"));
        }
        if !n.labels.contains_key(labels::DESIGN) {
            zone.insert("labels".into(), json!({ "io.bulkhead.unmanaged": "true" }));
        }
        zones.insert(zone_name(n), Value::Object(zone));
    }
    let zone_of = |network: &str| networks.iter().find(|n| n.name == network).map(zone_name);
    let mut services = Map::new();
    for c in &containers {
        let sname = c
            .labels
            .get(labels::SERVICE)
            .cloned()
            .unwrap_or_else(|| c.name.clone());
        let mut s = Map::new();
        if c.image.starts_with("sha256:") {
            notes.push(format!(
                "{}: its image {} has no name; set one",
                c.name, c.image
            ));
        }
        s.insert("image".into(), json!(c.image));
        if let Some(target) = c.network_mode.strip_prefix("container:") {
            let owner = containers
                .iter()
                .find(|o| o.id == target || o.name == target)
                .map(|o| {
                    o.labels
                        .get(labels::SERVICE)
                        .cloned()
                        .unwrap_or_else(|| o.name.clone())
                });
            match owner {
                Some(o) => {
                    s.insert("network".into(), json!(format!("container:{o}")));
                }
                None => notes.push(format!(
                    "{}: shares the namespace of unknown container {target}",
                    c.name
                )),
            }
        } else if c.network_mode == "none" {
            s.insert("network".into(), json!("closed"));
        } else if c.network_mode == "host" {
            s.insert("network".into(), json!("host"));
            s.insert("accept".into(), json!(["host-network"]));
        } else {
            let mut memberships = Map::new();
            for e in &c.networks {
                let Some(zone) = zone_of(&e.network) else {
                    notes.push(format!(
                        "{}: network {} is not a bridge network; left out",
                        c.name, e.network
                    ));
                    continue;
                };
                let mut m = Map::new();
                if let Some(ip) = e.pinned {
                    m.insert("ipv4".into(), json!(ip.to_string()));
                }
                let aliases: Vec<&String> = e.aliases.iter().filter(|a| **a != sname).collect();
                if !aliases.is_empty() {
                    m.insert("aliases".into(), json!(aliases));
                }
                memberships.insert(zone, Value::Object(m));
            }
            s.insert("zones".into(), Value::Object(memberships));
        }
        let ports: Vec<String> = c
            .ports
            .iter()
            .filter_map(|p| {
                // host_ip:host_port:container_port/proto
                let mut parts = p.splitn(3, ':');
                let (ip, host, container) = (parts.next()?, parts.next()?, parts.next()?);
                let host = if host.is_empty() {
                    String::new()
                } else {
                    format!("{host}:")
                };
                Some(if ip == "0.0.0.0" {
                    format!("{host}{container}")
                } else {
                    format!("{ip}:{host}{container}")
                })
            })
            .collect();
        if !ports.is_empty() && c.network_mode != "host" {
            s.insert("ports".into(), json!(ports));
        }
        let mut h = Map::new();
        h.insert("read_only".into(), json!(c.read_only));
        h.insert("privileged".into(), json!(c.privileged));
        h.insert("no_new_privileges".into(), json!(false));
        if !c.cap_add.is_empty() {
            h.insert("cap_add".into(), json!(c.cap_add));
        }
        if !c.cap_drop.is_empty() {
            h.insert("cap_drop".into(), json!(c.cap_drop));
        }
        if let Some(u) = &c.user {
            h.insert("user".into(), json!(u));
        }
        s.insert("hardening".into(), Value::Object(h));
        if !c.labels.contains_key(labels::DESIGN) {
            notes.push(format!("{}: not managed by Bulkhead", c.name));
        }
        services.insert(sname, Value::Object(s));
    }
    let doc = json!({
        "bulkhead": 1,
        "name": name,
        "description": "imported from a live Docker engine",
        "zones": zones,
        "services": services,
    });
    let raw = design::parse_document(&doc.to_string())
        .map_err(|e| EngineError::Design(format!("the imported design does not parse: {e}")))?;
    let mut out = format!(
        "# Imported from the Docker engine at {}\n",
        engine.info().host
    );
    for n in &notes {
        out.push_str(&format!("# {n}\n"));
    }
    out.push_str(&design::to_canonical_yaml(&raw));
    Ok(out)
}
