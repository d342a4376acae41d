//! The Compose export: a Compose file that implements the design. With the firewall
//! script it isolates as Bulkhead's own apply does.
//!
//! Names are written out (`container_name`, network `name`) rather than left to the
//! Compose tool, so `docker-compose` v1 (which would name containers
//! `<project>_<service>_1`) and Compose v2 create the same objects as Bulkhead's apply.
//! No top-level `name:` or `version:`: v1 refuses the first, and the specification has
//! deprecated the second; the project name is given with `-p`. What Compose has no key
//! for (trust levels, flows, the host policy, accepted findings) travels in labels and an
//! `x-bulkhead` extension, so that importing the export gives the design back.

use serde_json::{Map, Value, json};

use crate::ValidDesign;
use crate::model::{ACCEPT_LABEL, Accepted, NetworkMode, Service, Zone};
use crate::raw::Driver;

use super::compose_values::{cpus, parsed_compose_value};
use super::header::{comment_text, findings_lines, title};
use super::names::{container_name, network_name};
use super::yaml::to_yaml;

pub(super) fn strings<I: IntoIterator<Item = S>, S: AsRef<str>>(items: I) -> Value {
    Value::Array(
        items
            .into_iter()
            .map(|s| Value::String(s.as_ref().to_owned()))
            .collect(),
    )
}

fn network(design: &ValidDesign, zone: &Zone) -> Value {
    let mut n = Map::new();
    n.insert("name".into(), network_name(&design.name, &zone.name).into());
    n.insert("driver".into(), zone.driver.as_str().into());
    if zone.internal {
        n.insert("internal".into(), true.into());
    }
    if zone.driver == Driver::Bridge {
        let mut opts = Map::new();
        opts.insert(
            "com.docker.network.bridge.name".into(),
            zone.bridge.as_str().into(),
        );
        if zone.isolated {
            opts.insert(
                "com.docker.network.bridge.enable_icc".into(),
                "false".into(),
            );
        }
        n.insert("driver_opts".into(), Value::Object(opts));
    }
    n.insert(
        "ipam".into(),
        json!({ "config": [ { "subnet": zone.subnet.to_string(), "gateway": zone.gateway.to_string() } ] }),
    );
    let mut labels = Map::new();
    labels.insert("io.bulkhead.design".into(), design.name.as_str().into());
    labels.insert("io.bulkhead.zone".into(), zone.name.as_str().into());
    labels.insert("io.bulkhead.trust".into(), zone.trust.as_str().into());
    if zone.isolated {
        labels.insert("io.bulkhead.isolated".into(), "true".into());
    }
    accept_labels(&mut labels, &zone.accept);
    for (k, v) in &zone.labels {
        labels.insert(k.clone(), v.clone().into());
    }
    n.insert("labels".into(), Value::Object(labels));
    Value::Object(n)
}

fn service(design: &ValidDesign, svc: &Service) -> Option<Value> {
    let image = svc.image.as_ref()?;
    let mut s = Map::new();
    s.insert("image".into(), image.as_str().into());
    s.insert(
        "container_name".into(),
        container_name(&design.name, &svc.name).into(),
    );
    match svc.network {
        NetworkMode::Closed => {
            s.insert("network_mode".into(), "none".into());
        }
        NetworkMode::Host => {
            s.insert("network_mode".into(), "host".into());
        }
        NetworkMode::Container(target) => {
            s.insert(
                "network_mode".into(),
                format!("service:{}", design.service(target).name).into(),
            );
        }
        NetworkMode::Bridged if svc.zones.is_empty() => {
            // Compose would put it on `<project>_default`; the design means Docker's
            // default bridge.
            s.insert("network_mode".into(), "bridge".into());
        }
        NetworkMode::Bridged => {
            let mut nets = Map::new();
            for m in &svc.zones {
                let mut entry = Map::new();
                if !m.aliases.is_empty() {
                    entry.insert("aliases".into(), strings(&m.aliases));
                }
                entry.insert("ipv4_address".into(), m.ipv4.to_string().into());
                nets.insert(
                    design.zone(m.zone).name.as_str().to_owned(),
                    Value::Object(entry),
                );
            }
            s.insert("networks".into(), Value::Object(nets));
        }
    }
    if !svc.ports.is_empty() {
        s.insert(
            "ports".into(),
            strings(svc.ports.iter().map(ToString::to_string)),
        );
    }
    let h = &svc.hardening;
    if let Some(user) = &h.user {
        s.insert("user".into(), user.as_str().into());
    }
    if h.read_only {
        s.insert("read_only".into(), true.into());
    }
    if !h.cap_drop.is_empty() {
        s.insert("cap_drop".into(), strings(&h.cap_drop));
    }
    if !h.cap_add.is_empty() {
        s.insert("cap_add".into(), strings(&h.cap_add));
    }
    let mut security_opt: Vec<String> = Vec::new();
    if h.no_new_privileges {
        security_opt.push("no-new-privileges:true".to_owned());
    }
    security_opt.extend(h.security_opt.iter().cloned());
    if !security_opt.is_empty() {
        s.insert("security_opt".into(), strings(&security_opt));
    }
    if h.privileged {
        s.insert("privileged".into(), true.into());
    }
    if !h.tmpfs.is_empty() {
        s.insert("tmpfs".into(), strings(&h.tmpfs));
    }
    if let Some(p) = h.pids_limit {
        s.insert("pids_limit".into(), p.into());
    }
    if let Some(m) = &h.memory {
        s.insert("mem_limit".into(), m.as_str().into());
    }
    if let Some(c) = &h.cpus {
        s.insert("cpus".into(), cpus(c));
    }
    let mut labels = Map::new();
    labels.insert("io.bulkhead.design".into(), design.name.as_str().into());
    labels.insert("io.bulkhead.service".into(), svc.name.as_str().into());
    accept_labels(&mut labels, &svc.accept);
    s.insert("labels".into(), Value::Object(labels));
    for (k, v) in &svc.compose {
        match parsed_compose_value(svc, k) {
            Some(Some(parsed)) => {
                s.insert(k.clone(), parsed);
            }
            Some(None) => {}
            None => {
                s.insert(k.clone(), v.clone());
            }
        }
    }
    Some(Value::Object(s))
}

/// Accepted findings as labels, so that importing the export keeps them: the codes in
/// `io.bulkhead.accept`, each reason in `io.bulkhead.accept.<code>`.
fn accept_labels(labels: &mut Map<String, Value>, accept: &[Accepted]) {
    if accept.is_empty() {
        return;
    }
    let codes: Vec<&str> = accept.iter().map(|a| a.code.as_str()).collect();
    labels.insert(ACCEPT_LABEL.into(), codes.join(",").into());
    for a in accept {
        if let Some(reason) = &a.reason {
            labels.insert(format!("{ACCEPT_LABEL}.{}", a.code), reason.as_str().into());
        }
    }
}

/// What Compose has no key for: flows, the host policy, the pool, the description.
fn extension(design: &ValidDesign) -> Value {
    let mut x = Map::new();
    x.insert("bulkhead".into(), 1.into());
    x.insert("name".into(), design.name.as_str().into());
    if let Some(d) = &design.description {
        x.insert("description".into(), d.as_str().into());
    }
    x.insert("subnet_pool".into(), design.subnet_pool.to_string().into());
    if !design.flows.is_empty() {
        let flows = design
            .flows
            .iter()
            .map(|f| {
                let mut m = Map::new();
                m.insert("from".into(), design.endpoint_name(f.from).into());
                m.insert("to".into(), design.endpoint_name(f.to).into());
                m.insert(
                    "ports".into(),
                    strings(f.ports.iter().map(ToString::to_string)),
                );
                m.insert("action".into(), f.action.as_str().into());
                if f.log {
                    m.insert("log".into(), true.into());
                }
                if let Some(n) = &f.note {
                    m.insert("note".into(), n.as_str().into());
                }
                if f.via_host {
                    m.insert("via".into(), "host".into());
                }
                Value::Object(m)
            })
            .collect();
        x.insert("flows".into(), Value::Array(flows));
    }
    if let Some(h) = &design.host {
        let mut m = Map::new();
        if let Some(i) = &h.external_interface {
            m.insert("external_interface".into(), i.as_str().into());
        }
        if let Some(a) = &h.allow_inbound {
            m.insert(
                "allow_inbound".into(),
                strings(a.iter().map(ToString::to_string)),
            );
        }
        if !h.rate_limits.is_empty() {
            let mut rl = Map::new();
            for r in &h.rate_limits {
                let mut e = Map::new();
                if let Some(rate) = r.per_source {
                    e.insert(
                        "per_source".into(),
                        format!("{}/{}", rate.count, rate.unit).into(),
                    );
                }
                if let Some(max) = r.max_connections {
                    e.insert("max_connections".into(), max.into());
                }
                rl.insert(r.port.to_string(), Value::Object(e));
            }
            m.insert("rate_limit".into(), Value::Object(rl));
        }
        if h.log_denied {
            m.insert("log_denied".into(), true.into());
        }
        if h.protect_host {
            m.insert("protect_host".into(), true.into());
            if !h.host_ports.is_empty() {
                m.insert(
                    "host_ports".into(),
                    strings(h.host_ports.iter().map(ToString::to_string)),
                );
            }
        }
        if h.protect_published {
            m.insert("protect_published".into(), true.into());
        }
        x.insert("host".into(), Value::Object(m));
    }
    Value::Object(x)
}

/// The Compose file of a design: deterministic bytes, a comment header naming the design,
/// the revision when known, how to use it with the firewall script, and the findings.
pub fn compose(design: &ValidDesign, revision: Option<u64>) -> String {
    let name = &design.name;
    let mut out = format!("# {}: Compose file.\n", title(design, revision));
    out.push_str(
        "# Generated by Bulkhead; edit the design and export again rather than this file.\n",
    );
    out.push_str(&format!(
        "# Bring it up with the design's name as the project name:\n\
         #   docker compose -p {name} up -d    (or: docker-compose -p {name} up -d)\n\
         # then, as root, the firewall (its flows and host policy):\n\
         #   bulkhead export DESIGN --format iptables-script -o firewall.sh && bash firewall.sh\n"
    ));
    let isolated: Vec<&str> = design
        .zones
        .iter()
        .filter(|z| z.isolated)
        .map(|z| z.name.as_str())
        .collect();
    if !isolated.is_empty() {
        out.push_str(&format!(
            "# Isolated zones ({}) have ICC off: their members reach each other only along\n\
             # the design's flows, and those work only once the firewall script is applied.\n\
             # On an engine whose firewall is nftables (Docker 29+) Docker's ICC-off drop is\n\
             # final: there, remove enable_icc from these networks and install the table\n\
             # (--format nftables) before `up`; the table isolates the zones instead.\n",
            isolated.join(", ")
        ));
    }
    let mut services = Map::new();
    for svc in &design.services {
        match service(design, svc) {
            Some(v) => {
                services.insert(svc.name.as_str().to_owned(), v);
            }
            None => out.push_str(&format!(
                "# Service {} has no image and no network; Compose cannot run it, so it is left out.\n",
                comment_text(svc.name.as_str())
            )),
        }
    }
    for line in findings_lines(design) {
        out.push_str(&line);
        out.push('\n');
    }
    let mut doc = Map::new();
    doc.insert("services".into(), Value::Object(services));
    if !design.zones.is_empty() {
        let networks = design
            .zones
            .iter()
            .map(|z| (z.name.as_str().to_owned(), network(design, z)))
            .collect();
        doc.insert("networks".into(), Value::Object(networks));
    }
    if !design.volumes.is_empty() {
        let volumes = design
            .volumes
            .iter()
            .map(|v| {
                let mut m = Map::new();
                if let Some(n) = &v.name {
                    m.insert("name".into(), n.as_str().into());
                }
                if v.external {
                    m.insert("external".into(), true.into());
                }
                if !v.labels.is_empty() {
                    let labels = v.labels.iter().map(|(k, l)| (k.clone(), l.as_str().into()));
                    m.insert("labels".into(), Value::Object(labels.collect()));
                }
                (v.key.as_str().to_owned(), Value::Object(m))
            })
            .collect();
        doc.insert("volumes".into(), Value::Object(volumes));
    }
    if !design.secrets.is_empty() {
        let secrets = design
            .secrets
            .iter()
            .map(|s| (s.key.as_str().to_owned(), json!({ "file": s.file })))
            .collect();
        doc.insert("secrets".into(), Value::Object(secrets));
    }
    doc.insert("x-bulkhead".into(), extension(design));
    let mut doc = Value::Object(doc);
    escape_interpolation(&mut doc);
    out.push_str(&to_yaml(&doc));
    out
}

/// Every `$` in every string value written as `$$`, so that Compose passes the value as the
/// design holds it (and as apply gives it to Docker) instead of filling `${NAME}` from the
/// environment of whoever runs `compose up`. Keys are not interpolated, so they stay.
fn escape_interpolation(value: &mut Value) {
    match value {
        Value::String(s) if s.contains('$') => *s = s.replace('$', "$$"),
        Value::Array(items) => items.iter_mut().for_each(escape_interpolation),
        Value::Object(map) => map.values_mut().for_each(escape_interpolation),
        _ => {}
    }
}
