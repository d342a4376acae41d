//! One service's container as the engine should hold it: image, `compose:` keys the engine
//! applies, hardening, ports, networking, labels, and the hash that tells a running
//! container from a changed one.

use std::collections::BTreeMap;

use design::ValidDesign;
use design::compile::{container_name, network_name};
use design::model::{
    MemoryLimit, NanoCpus, NetworkMode, Service, named_volume, secret_source, secret_target,
};
use sha2::{Digest, Sha256};

use super::{ContainerNetwork, ContainerSpec, EndpointSpec, Healthcheck, PortBinding};
use crate::engine::labels;

const APPLIED_COMPOSE_KEYS: &[&str] = &[
    "command",
    "entrypoint",
    "environment",
    "volumes",
    "secrets",
    "restart",
    "working_dir",
    "healthcheck",
    "ulimits",
];

/// One `compose: volumes` entry as a Docker bind (`source:target[:options]`), as Compose
/// mounts it: a named volume under its engine name, a host path as written; `None` for what
/// a bind cannot carry (a tmpfs in the long syntax).
fn volume_bind(d: &ValidDesign, entry: &serde_json::Value) -> Option<String> {
    let engine_name = |key: &str| {
        d.volumes
            .iter()
            .find(|v| v.key.as_str() == key)
            .map_or_else(|| key.to_owned(), |v| v.engine_name(&d.name))
    };
    match entry {
        serde_json::Value::String(text) => Some(match named_volume(entry) {
            Some(key) => format!("{}{}", engine_name(key), &text[key.len()..]),
            None => text.clone(),
        }),
        serde_json::Value::Object(o) => {
            let kind = o.get("type").and_then(|t| t.as_str()).unwrap_or("volume");
            let target = o.get("target").and_then(|t| t.as_str())?;
            let source = o.get("source").and_then(|t| t.as_str()).unwrap_or_default();
            let source = match kind {
                "volume" if source.is_empty() => return Some(target.to_owned()),
                "volume" => engine_name(source),
                "bind" => source.to_owned(),
                _ => return None,
            };
            let read_only = o.get("read_only").and_then(|r| r.as_bool()) == Some(true);
            Some(format!(
                "{source}:{target}{}",
                if read_only { ":ro" } else { "" }
            ))
        }
        _ => None,
    }
}

/// One `compose: secrets` entry as a read-only bind of the secret's file, where Compose
/// puts it: `target` (absolute, or under `/run/secrets/`), else `/run/secrets/<key>`.
fn secret_bind(d: &ValidDesign, entry: &serde_json::Value) -> Option<String> {
    let key = secret_source(entry)?;
    let secret = d.secrets.iter().find(|s| s.key.as_str() == key)?;
    let target = match entry.get("target").and_then(|t| t.as_str()) {
        Some(t) if t.starts_with('/') => t.to_owned(),
        Some(t) => format!("/run/secrets/{t}"),
        None => secret_target(&secret.key),
    };
    Some(format!("{}:{target}:ro", secret.file))
}

/// Every mount of service `s`: its volumes, then its secrets.
fn binds(d: &ValidDesign, s: &Service) -> Vec<String> {
    let list = |key: &str| {
        s.compose
            .get(key)
            .and_then(|v| v.as_array())
            .cloned()
            .unwrap_or_default()
    };
    let volumes = list("volumes");
    let secrets = list("secrets");
    volumes
        .iter()
        .filter_map(|v| volume_bind(d, v))
        .chain(secrets.iter().filter_map(|e| secret_bind(d, e)))
        .collect()
}

/// The container of service `s`, with its configuration hash among its labels.
pub(super) fn container_spec(d: &ValidDesign, s: &Service) -> ContainerSpec {
    let design = d.name.as_str();
    let compose = &s.compose;
    let process = &s.process;
    let mut env: Vec<String> = process
        .environment
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    env.sort();
    let mut labels: BTreeMap<String, String> = BTreeMap::new();
    labels.insert(labels::DESIGN.into(), design.into());
    labels.insert(labels::SERVICE.into(), s.name.as_str().into());
    let h = &s.hardening;
    let mut security_opt = h.security_opt.clone();
    if h.no_new_privileges
        && !security_opt
            .iter()
            .any(|o| o.starts_with("no-new-privileges"))
    {
        security_opt.push("no-new-privileges:true".into());
    }
    let tmpfs = h
        .tmpfs
        .iter()
        .map(|t| match t.split_once(':') {
            Some((path, opts)) => (path.to_owned(), opts.to_owned()),
            None => (t.clone(), String::new()),
        })
        .collect();
    let ports = s
        .ports
        .iter()
        .flat_map(|p| {
            let range = p.container_ports;
            (range.lo()..=range.hi())
                .enumerate()
                .map(move |(i, cp)| PortBinding {
                    container_port: cp,
                    protocol: p.protocol.as_str().to_owned(),
                    host_ip: p
                        .host_ip
                        .map_or_else(|| "0.0.0.0".to_owned(), |ip| ip.to_string()),
                    host_port: p.host_ports.map(|h| {
                        if h.len() == 1 {
                            h.lo()
                        } else {
                            h.lo() + i as u16
                        }
                    }),
                })
        })
        .collect();
    let network_mode = match s.network {
        NetworkMode::Bridged => ContainerNetwork::Bridge,
        NetworkMode::Closed => ContainerNetwork::None,
        NetworkMode::Host => ContainerNetwork::Host,
        NetworkMode::Container(id) => {
            ContainerNetwork::Container(container_name(&d.name, &d.service(id).name))
        }
    };
    let networks = if s.network == NetworkMode::Bridged {
        s.zones
            .iter()
            .map(|m| {
                let zone = &d.zone(m.zone).name;
                let mut aliases = vec![s.name.as_str().to_owned()];
                aliases.extend(m.aliases.iter().map(|a| a.as_str().to_owned()));
                EndpointSpec {
                    network: network_name(&d.name, zone),
                    zone: zone.as_str().to_owned(),
                    ipv4: m.ipv4,
                    aliases,
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    let mut spec = ContainerSpec {
        name: container_name(&d.name, &s.name),
        service: s.name.as_str().to_owned(),
        image: s
            .image
            .as_ref()
            .map(|i| i.as_str().to_owned())
            .unwrap_or_default(),
        cmd: process.command.clone(),
        entrypoint: process.entrypoint.clone(),
        env,
        binds: binds(d, s),
        restart: s.restart,
        working_dir: process.working_dir.clone(),
        healthcheck: s.healthcheck.as_ref().map(Healthcheck::of),
        user: h.user.clone(),
        read_only: h.read_only,
        cap_add: h.cap_add.clone(),
        cap_drop: h.cap_drop.clone(),
        security_opt,
        privileged: h.privileged,
        tmpfs,
        pids_limit: h.pids_limit,
        memory: h.memory.as_ref().map(MemoryLimit::bytes),
        nano_cpus: h.cpus.as_ref().map(NanoCpus::nanos),
        ulimits: s.ulimits.clone(),
        ports,
        network_mode,
        networks,
        labels,
        unapplied: compose
            .keys()
            .filter(|k| !APPLIED_COMPOSE_KEYS.contains(&k.as_str()))
            .cloned()
            .collect(),
    };
    let hash = spec.config_hash();
    spec.labels.insert(labels::CONFIG_HASH.into(), hash);
    spec
}

impl ContainerSpec {
    /// A hash of everything fixed at create time (networks are compared live instead).
    pub fn config_hash(&self) -> String {
        let mut copy = self.clone();
        copy.networks.clear();
        copy.labels.remove(labels::CONFIG_HASH);
        let bytes = serde_json::to_vec(&copy).expect("a container spec always serialises");
        hex::encode(Sha256::digest(&bytes))[..16].to_owned()
    }
}
