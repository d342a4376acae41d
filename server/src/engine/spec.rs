//! What the engine should hold for a design: one [`NetworkSpec`] per zone and one
//! [`ContainerSpec`] per service, named as Compose names them and labelled as ours.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use ipnet::Ipv4Net;

use design::ValidDesign;
use design::compile::{container_name, network_name};
use design::model::{MemoryLimit, NanoCpus, NetworkMode, RestartPolicy, Service};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::labels;

/// A zone's network, as Bulkhead creates it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NetworkSpec {
    /// `<design>_<zone>`.
    pub name: String,
    /// The zone.
    pub zone: String,
    /// `bridge` or `overlay`.
    pub driver: String,
    /// `--internal`.
    pub internal: bool,
    /// IPv4 subnet.
    pub subnet: Ipv4Net,
    /// Gateway address.
    pub gateway: Ipv4Addr,
    /// Driver options: bridge name, and ICC off for isolated zones.
    pub options: BTreeMap<String, String>,
    /// Labels, ours included.
    pub labels: BTreeMap<String, String>,
}

/// A container's place in one network.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EndpointSpec {
    /// Network name.
    pub network: String,
    /// The zone.
    pub zone: String,
    /// Fixed address.
    pub ipv4: Ipv4Addr,
    /// DNS aliases: the service name first, as Compose does, then the design's.
    pub aliases: Vec<String>,
}

/// A service's container, as Bulkhead creates it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ContainerSpec {
    /// `<design>-<service>-1`.
    pub name: String,
    /// The service.
    pub service: String,
    /// Image reference.
    pub image: String,
    /// `compose: command`.
    pub cmd: Option<Vec<String>>,
    /// `compose: entrypoint`.
    pub entrypoint: Option<Vec<String>>,
    /// `compose: environment`, as `KEY=value`, sorted.
    pub env: Vec<String>,
    /// `compose: volumes` (short syntax binds).
    pub binds: Vec<String>,
    /// `compose: restart` (serialised as Compose writes it).
    pub restart: Option<RestartPolicy>,
    /// `compose: working_dir`.
    pub working_dir: Option<String>,
    /// `compose: healthcheck` test and timings (nanoseconds).
    pub healthcheck: Option<Healthcheck>,
    /// Hardening: user.
    pub user: Option<String>,
    /// Hardening: read-only root filesystem.
    pub read_only: bool,
    /// Hardening: capabilities added.
    pub cap_add: Vec<String>,
    /// Hardening: capabilities dropped.
    pub cap_drop: Vec<String>,
    /// Hardening: security options (no-new-privileges included).
    pub security_opt: Vec<String>,
    /// Hardening: privileged.
    pub privileged: bool,
    /// Hardening: tmpfs mounts, path to options.
    pub tmpfs: BTreeMap<String, String>,
    /// Hardening: pids limit.
    pub pids_limit: Option<i64>,
    /// Hardening: memory limit in bytes.
    pub memory: Option<i64>,
    /// Hardening: CPU limit in billionths of a CPU.
    pub nano_cpus: Option<i64>,
    /// Published ports.
    pub ports: Vec<PortBinding>,
    /// How it is networked.
    pub network_mode: ContainerNetwork,
    /// Networks with addresses, first one joined at create.
    pub networks: Vec<EndpointSpec>,
    /// Labels, ours included (the config hash among them).
    pub labels: BTreeMap<String, String>,
    /// `compose:` keys the engine API has no field for (carried by the export only).
    pub unapplied: Vec<String>,
}

/// A healthcheck as the engine takes it (nanoseconds). Its serialised form is part of the
/// configuration hash, so fields are only ever added, and only when set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Healthcheck {
    /// `["CMD", …]`, `["CMD-SHELL", …]` or `["NONE"]`; empty keeps the image's test.
    pub test: Vec<String>,
    /// Interval in ns.
    pub interval: Option<i64>,
    /// Timeout in ns.
    pub timeout: Option<i64>,
    /// Retries.
    pub retries: Option<i64>,
    /// Start period in ns.
    pub start_period: Option<i64>,
    /// Interval during the start period in ns.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_interval: Option<i64>,
}

impl Healthcheck {
    /// The engine's form of the design's healthcheck.
    pub fn of(h: &design::model::Healthcheck) -> Self {
        let ns = |d: &Option<design::model::Duration>| d.as_ref().map(|d| d.nanos());
        Self {
            test: h.test.clone().unwrap_or_default(),
            interval: ns(&h.interval),
            timeout: ns(&h.timeout),
            retries: h.retries.map(i64::from),
            start_period: ns(&h.start_period),
            start_interval: ns(&h.start_interval),
        }
    }
}

/// How a container is networked, as the engine is told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContainerNetwork {
    /// On the design's networks: created on the first, then joined to the others.
    Bridge,
    /// No network at all.
    None,
    /// The host's network stack.
    Host,
    /// Another container's network namespace, by container name.
    Container(String),
}

impl ContainerNetwork {
    /// Docker's word for it: `bridge`, `none`, `host` or `container:<name>`.
    pub fn docker_mode(&self) -> String {
        match self {
            Self::Bridge => "bridge".to_owned(),
            Self::None => "none".to_owned(),
            Self::Host => "host".to_owned(),
            Self::Container(name) => format!("container:{name}"),
        }
    }
}

// Serialised as Docker's word, as before it was a type: the configuration hash reads it.
impl Serialize for ContainerNetwork {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.docker_mode())
    }
}

/// One published port.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PortBinding {
    /// Container port.
    pub container_port: u16,
    /// `tcp` or `udp`.
    pub protocol: String,
    /// Host address (`0.0.0.0` for all).
    pub host_ip: String,
    /// Host port; `None` lets Docker choose.
    pub host_port: Option<u16>,
}

/// Everything the engine should hold for one design.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Specs {
    /// The design's name (the value of its objects' `io.bulkhead.design` label).
    pub design: String,
    /// One network per zone, in zone order.
    pub networks: Vec<NetworkSpec>,
    /// One container per service with an image; namespace owners first.
    pub containers: Vec<ContainerSpec>,
}

impl Specs {
    /// The specs of `design`.
    pub fn of(design: &ValidDesign) -> Self {
        Self {
            design: design.name.as_str().to_owned(),
            networks: network_specs(design),
            containers: container_specs(design),
        }
    }
}

/// The networks of a design.
pub fn network_specs(d: &ValidDesign) -> Vec<NetworkSpec> {
    let design = d.name.as_str();
    d.zones
        .iter()
        .map(|z| {
            let mut options = BTreeMap::new();
            if z.driver.as_str() == "bridge" {
                options.insert(
                    "com.docker.network.bridge.name".to_owned(),
                    z.bridge.as_str().to_owned(),
                );
                if z.isolated {
                    options.insert(
                        "com.docker.network.bridge.enable_icc".to_owned(),
                        "false".to_owned(),
                    );
                }
            }
            let mut labels: BTreeMap<String, String> = z.labels.clone().into_iter().collect();
            labels.insert(self::labels::DESIGN.into(), design.into());
            labels.insert(self::labels::ZONE.into(), z.name.as_str().into());
            NetworkSpec {
                name: network_name(&d.name, &z.name),
                zone: z.name.as_str().to_owned(),
                driver: z.driver.as_str().to_owned(),
                internal: z.internal,
                subnet: z.subnet.net(),
                gateway: z.gateway,
                options,
                labels,
            }
        })
        .collect()
}

/// The containers of a design (services without an image, closed and zoneless, have none).
pub fn container_specs(d: &ValidDesign) -> Vec<ContainerSpec> {
    let depth = |s: &Service| {
        let mut n = 0;
        let mut mode = s.network;
        while let NetworkMode::Container(next) = mode {
            n += 1;
            mode = d.service(next).network;
            if n > d.services.len() {
                break;
            }
        }
        n
    };
    // Namespace owners come before the containers that join them.
    let mut services: Vec<&Service> = d.services.iter().filter(|s| s.image.is_some()).collect();
    services.sort_by_key(|s| depth(s));
    services.into_iter().map(|s| container_spec(d, s)).collect()
}

fn strings(v: &serde_json::Value) -> Option<Vec<String>> {
    match v {
        serde_json::Value::String(s) => Some(s.split_whitespace().map(str::to_owned).collect()),
        serde_json::Value::Array(items) => Some(
            items
                .iter()
                .map(|i| match i {
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect(),
        ),
        _ => None,
    }
}

fn scalar(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

const APPLIED_COMPOSE_KEYS: &[&str] = &[
    "command",
    "entrypoint",
    "environment",
    "volumes",
    "restart",
    "working_dir",
    "healthcheck",
];

fn container_spec(d: &ValidDesign, s: &Service) -> ContainerSpec {
    let design = d.name.as_str();
    let compose = &s.compose;
    let env = match compose.get("environment") {
        Some(serde_json::Value::Object(map)) => {
            let mut env: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{k}={}", scalar(v)))
                .collect();
            env.sort();
            env
        }
        Some(other) => strings(other).unwrap_or_default(),
        None => Vec::new(),
    };
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
        cmd: compose.get("command").and_then(strings),
        entrypoint: compose.get("entrypoint").and_then(strings),
        env,
        binds: compose
            .get("volumes")
            .and_then(|v| v.as_array())
            .map(|items| {
                items
                    .iter()
                    .filter_map(|i| i.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default(),
        restart: s.restart,
        working_dir: compose.get("working_dir").map(scalar),
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
        let bytes = serde_json::to_vec(&copy).unwrap_or_default();
        hex::encode(Sha256::digest(&bytes))[..16].to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Three-tier: names, labels, ICC off on the isolated zone, one hash per service.
    #[test]
    fn three_tier_specs() {
        let raw = design::parse_document(design::templates::get("three-tier").unwrap()).unwrap();
        let d = design::check(&raw).unwrap();
        let nets = network_specs(&d);
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
}
