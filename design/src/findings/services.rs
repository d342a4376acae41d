//! Findings about services: networking, hardening, published ports, gateways.

use crate::model::{NetworkMode, Service, ValidDesign, accepting};

use super::{Finding, FindingCode};

const DANGEROUS_CAPS: &[&str] = &[
    "ALL",
    "SYS_ADMIN",
    "NET_ADMIN",
    "SYS_PTRACE",
    "SYS_MODULE",
    "SYS_RAWIO",
    "DAC_READ_SEARCH",
    "SYS_BOOT",
    "SYS_TIME",
    "MAC_ADMIN",
    "MAC_OVERRIDE",
    "BPF",
    "PERFMON",
    "NET_RAW",
];

const DATA_IMAGES: &[&str] = &[
    "postgres",
    "postgis",
    "mysql",
    "mariadb",
    "mongo",
    "mongodb",
    "redis",
    "valkey",
    "memcached",
    "elasticsearch",
    "opensearch",
    "cassandra",
    "couchdb",
    "influxdb",
    "clickhouse-server",
    "clickhouse",
    "neo4j",
    "minio",
    "mssql",
    "oracle",
    "cockroach",
    "etcd",
    "rabbitmq",
    "kafka",
];

fn is_data_service(design: &ValidDesign, service: &Service) -> bool {
    service
        .image
        .as_ref()
        .is_some_and(|i| DATA_IMAGES.contains(&i.base_name()))
        || service
            .zones
            .iter()
            .any(|m| design.zone(m.zone).trust == crate::raw::Trust::Vault)
}

/// True for a `user` that is root: `root` or uid 0, with or without a group.
fn is_root(user: &str) -> bool {
    let uid = user.split(':').next().unwrap_or(user);
    uid == "root" || (!uid.is_empty() && uid.bytes().all(|b| b == b'0'))
}

fn image(path: &str, s: &Service, out: &mut Vec<Finding>) {
    let Some(image) = s.image.as_ref().filter(|i| i.is_floating()) else {
        return;
    };
    let why = match image.tag() {
        Some(_) => "latest moves",
        None => "with no tag Docker pulls latest, which moves",
    };
    out.push(Finding::new(
        FindingCode::FloatingImageTag,
        format!("{path}.image"),
        format!(
            "{}'s image {image} floats: {why} whenever a new image is pushed, so what was reviewed is not what runs; pin a version tag (e.g. {repo}:1.2.3) or a digest ({repo}@sha256:<digest>)",
            s.name,
            repo = image.repository()
        ),
    ));
}

fn hardening(path: &str, s: &Service, out: &mut Vec<Finding>) {
    let name = &s.name;
    let h = &s.hardening;
    if h.privileged {
        out.push(Finding::new(
            FindingCode::Privileged,
            format!("{path}.hardening.privileged"),
            format!("{name} runs privileged, which gives it the host's devices and every capability; remove privileged and add only the capabilities it needs"),
        ));
    }
    if !h.drops_all_caps() {
        out.push(Finding::new(
            FindingCode::CapsNotDropped,
            format!("{path}.hardening.cap_drop"),
            format!("{name} keeps Docker's default capabilities; set cap_drop: [ALL] and add back only what it needs"),
        ));
    }
    for cap in h
        .cap_add
        .iter()
        .filter(|c| DANGEROUS_CAPS.contains(&c.as_str()))
    {
        out.push(Finding::new(
            FindingCode::DangerousCapAdded,
            format!("{path}.hardening.cap_add"),
            format!("{name} adds {cap}, which lets a compromised process escape or spy on others; remove it, or accept it if the service truly needs it"),
        ));
    }
    if !h.read_only {
        out.push(Finding::new(
            FindingCode::WritableRootfs,
            format!("{path}.hardening.read_only"),
            format!("{name}'s root filesystem is writable; set read_only: true and give it tmpfs or volumes where it must write"),
        ));
    }
    if !h.no_new_privileges {
        out.push(Finding::new(
            FindingCode::NewPrivileges,
            format!("{path}.hardening.no_new_privileges"),
            format!(
                "{name} may gain privileges through setuid binaries; set no_new_privileges: true"
            ),
        ));
    }
    match h.user.as_deref() {
        None => out.push(Finding::new(
            FindingCode::RunsAsRoot,
            format!("{path}.hardening.user"),
            format!("{name} runs as its image's default user, which is root for most images; set user to an unprivileged uid:gid, e.g. \"1000:1000\", or accept runs-as-root if it must be root"),
        )),
        Some(user) if is_root(user) => out.push(Finding::new(
            FindingCode::RunsAsRoot,
            format!("{path}.hardening.user"),
            format!("{name} runs as root (user {user:?}); set user to an unprivileged uid:gid, e.g. \"1000:1000\", or accept runs-as-root if it must be root"),
        )),
        Some(_) => {}
    }
    if h.memory.is_none() {
        out.push(Finding::new(
            FindingCode::NoMemoryLimit,
            format!("{path}.hardening.memory"),
            format!("{name} has no memory limit and can starve the host; set memory, e.g. 512m"),
        ));
    }
    if h.pids_limit.is_none_or(|p| p < 0) {
        out.push(Finding::new(
            FindingCode::NoPidsLimit,
            format!("{path}.hardening.pids_limit"),
            format!("{name} has no process limit, so a fork bomb takes the host down; set pids_limit, e.g. 256"),
        ));
    }
}

fn ports(design: &ValidDesign, path: &str, s: &Service, out: &mut Vec<Finding>) {
    let name = &s.name;
    if !s.ports.is_empty() && is_data_service(design, s) {
        out.push(Finding::new(
            FindingCode::DataServicePublished,
            format!("{path}.ports"),
            format!("{name} holds data and publishes ports on the host; remove its ports and let the services that need it reach it through a zone"),
        ));
    }
    let only_internal = s.network == NetworkMode::Bridged
        && !s.zones.is_empty()
        && s.zones.iter().all(|m| design.zone(m.zone).internal);
    for (i, port) in s.ports.iter().enumerate() {
        let ppath = format!("{path}.ports[{i}]");
        if only_internal {
            out.push(Finding::new(
                FindingCode::PortOnInternalZone,
                ppath.clone(),
                format!("{name} is only in internal zones, so Docker does not publish {port}; remove the port, or add {name} to a zone that is not internal"),
            ));
            continue;
        }
        if port.host_ip.is_none() {
            out.push(Finding::new(
                FindingCode::PortAllInterfaces,
                ppath.clone(),
                format!("{port} is published on every host interface; bind it to one address, e.g. \"127.0.0.1:{}\", unless it must be public", port.to_string().trim_start_matches(':')),
            ));
        }
        if port.host_ports.is_some_and(|h| h.lo() < 1024) {
            out.push(Finding::new(
                FindingCode::PrivilegedHostPort,
                ppath,
                format!("{port} uses a privileged host port (below 1024); publish a port of 1024 or above unless the service must answer on a well-known port"),
            ));
        }
    }
}

fn trust_skip(design: &ValidDesign, path: &str, s: &Service, out: &mut Vec<Finding>) {
    let levels = s.zones.iter().map(|m| design.zone(m.zone));
    let (Some(low), Some(high)) = (
        levels.clone().min_by_key(|z| z.trust),
        levels.max_by_key(|z| z.trust),
    ) else {
        return;
    };
    if high.trust.level() - low.trust.level() > 1 {
        out.push(Finding::new(
            FindingCode::TrustSkip,
            format!("{path}.zones"),
            format!(
                "{} joins {} ({}) and {} ({}), more than one trust level apart, so a compromise on the {} side opens a path into {}; add an intermediate zone and gateway, or accept it",
                s.name, low.name, low.trust.as_str(), high.name, high.trust.as_str(), low.trust.as_str(), high.name
            ),
        ));
    }
}

/// Every service's findings, applying its `accept:` list.
pub(super) fn check(design: &ValidDesign, out: &mut Vec<Finding>) {
    for s in &design.services {
        let path = format!("services.{}", s.name);
        let start = out.len();
        match s.network {
            NetworkMode::Host => out.push(Finding::new(
                FindingCode::HostNetwork,
                format!("{path}.network"),
                format!("{} uses the host network and bypasses every zone and flow; make it bridged and put it in a zone, or list host-network under accept: once reviewed", s.name),
            )),
            NetworkMode::Bridged if s.zones.is_empty() => out.push(Finding::new(
                FindingCode::DefaultBridge,
                format!("{path}.zones"),
                format!(
                    "{} joins no zone, so it lands on Docker's default bridge with every other such container{}; put it in a zone, or make it network: closed",
                    s.name,
                    if s.ports.is_empty() {
                        ""
                    } else {
                        ", and its published ports escape the design's host policy"
                    }
                ),
            )),
            _ => {}
        }
        super::host::check(&path, s, out);
        if s.image.is_some() {
            image(&path, s, out);
            hardening(&path, s, out);
        }
        ports(design, &path, s, out);
        trust_skip(design, &path, s, out);
        out[start..].iter_mut().for_each(accepting(&s.accept));
    }
}
