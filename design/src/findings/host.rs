//! Findings about what a service takes from the host: bind mounts, the host's namespaces,
//! devices, another runtime or cgroup, disabled security profiles, and secrets written into
//! the environment. Each `compose:` key read here is in [`ANALYSED_COMPOSE_KEYS`].

use serde_json::Value;

use crate::model::Service;

use super::{Finding, FindingCode};

/// `compose:` keys that are carried into the export but analysed first, since each can
/// give a container the host (see docs/design-format.md, "Findings").
pub const ANALYSED_COMPOSE_KEYS: &[&str] = &[
    "volumes",
    "environment",
    "pid",
    "ipc",
    "uts",
    "userns_mode",
    "cgroup",
    "devices",
    "volumes_from",
    "runtime",
    "cgroup_parent",
];

/// Host directories whose mount hands a container the host: system configuration, the
/// kernel's views, devices, boot files, runtime sockets, Docker's and containerd's state,
/// and root's home.
const SENSITIVE_DIRS: &[&str] = &[
    "/etc",
    "/root",
    "/run",
    "/var/run",
    "/var/lib/docker",
    "/var/lib/containerd",
    "/proc",
    "/sys",
    "/dev",
    "/boot",
];

/// The path with `.`, `..`, repeated and trailing slashes resolved as text, so that
/// `/var/./lib//docker/` and `/tmp/../etc` read as what they name.
fn normalise(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    format!("/{}", parts.join("/"))
}

/// Why mounting host path `source` owns the host, or `None` for an ordinary directory.
pub fn sensitive_host_path(source: &str) -> Option<String> {
    if source.contains("docker.sock") || source.contains("containerd.sock") {
        return Some(format!(
            "{source} is a container runtime's socket, root on the host"
        ));
    }
    if !source.starts_with('/') {
        return None;
    }
    let path = normalise(source);
    if path == "/" {
        return Some("/ is the host's whole filesystem".into());
    }
    SENSITIVE_DIRS.iter().find_map(|dir| {
        let under = path == *dir || path.starts_with(&format!("{dir}/"));
        let above = dir.starts_with(&format!("{path}/"));
        (under || above).then(|| format!("{source} is or holds the host's {dir}"))
    })
}

/// A volume of `compose: volumes` as the host path it binds, when it is a bind mount (not
/// a named volume or a tmpfs).
fn bind_source(volume: &Value) -> Option<String> {
    match volume {
        Value::String(s) => {
            let source = s.split(':').next().unwrap_or_default();
            let is_path = source.starts_with('/')
                || source.starts_with('.')
                || source.starts_with('~')
                || source.contains("docker.sock");
            (s.contains(':') && is_path).then(|| source.to_owned())
        }
        Value::Object(o) => {
            let kind = o.get("type").and_then(Value::as_str).unwrap_or("volume");
            let source = o.get("source").and_then(Value::as_str).unwrap_or_default();
            (kind == "bind" || source.contains("docker.sock")).then(|| source.to_owned())
        }
        _ => None,
    }
}

fn mounts(path: &str, s: &Service, out: &mut Vec<Finding>) {
    let Some(volumes) = s.compose.get("volumes").and_then(Value::as_array) else {
        return;
    };
    for (i, v) in volumes.iter().enumerate() {
        let Some(source) = bind_source(v) else {
            continue;
        };
        let at = format!("{path}.compose.volumes[{i}]");
        if source.contains("docker.sock") {
            out.push(Finding::new(
                FindingCode::DockerSocket,
                at,
                format!("{} mounts the Docker socket, which is root on the host; remove the mount, or use a socket proxy that allows only the calls it needs", s.name),
            ));
        } else if let Some(why) = sensitive_host_path(&source) {
            out.push(Finding::new(
                FindingCode::SensitiveMount,
                at,
                format!("{} mounts {source} from the host: {why}, so the container can read or change the host; mount a directory made for it instead, or a named volume", s.name),
            ));
        } else {
            out.push(Finding::new(
                FindingCode::BindMount,
                at,
                format!("{} mounts host directory {source}; make sure nothing else on the host relies on it, mount it read-only (:ro) if the service only reads, or use a named volume", s.name),
            ));
        }
    }
}

fn namespaces(path: &str, s: &Service, out: &mut Vec<Finding>) {
    let shared = [
        (
            "pid",
            FindingCode::HostPid,
            "see and signal every process on the host",
        ),
        ("ipc", FindingCode::HostIpc, "read the host's shared memory"),
        ("uts", FindingCode::HostUts, "change the host's name"),
        (
            "userns_mode",
            FindingCode::HostUserns,
            "run as the host's root when user namespaces are on",
        ),
        (
            "cgroup",
            FindingCode::HostCgroup,
            "see and change the host's control groups",
        ),
    ];
    for (key, code, what) in shared {
        if s.compose.get(key).and_then(Value::as_str) == Some("host") {
            out.push(Finding::new(
                code,
                format!("{path}.compose.{key}"),
                format!("{} shares the host's {key} namespace ({key}: host), which lets it {what}; remove {key}: host", s.name),
            ));
        }
    }
    if s.compose.contains_key("devices") {
        out.push(Finding::new(
            FindingCode::HostDevices,
            format!("{path}.compose.devices"),
            format!("{} is given host devices, which reach the host's kernel and hardware directly; remove devices, or accept it with the reason the device is needed", s.name),
        ));
    }
    let others = [
        (
            "volumes_from",
            FindingCode::VolumesFrom,
            "mounts every volume of another container, whatever that container holds; mount the volumes it needs by name",
        ),
        (
            "runtime",
            FindingCode::CustomRuntime,
            "runs under another container runtime, whose isolation Bulkhead does not check; remove runtime unless the host's administrator installed it for this",
        ),
        (
            "cgroup_parent",
            FindingCode::CgroupParent,
            "is placed under another control group, outside the limits Docker sets; remove cgroup_parent",
        ),
    ];
    for (key, code, what) in others {
        if s.compose.contains_key(key) {
            out.push(Finding::new(
                code,
                format!("{path}.compose.{key}"),
                format!("{} {what}", s.name),
            ));
        }
    }
}

/// True for a `security_opt` entry that turns a kernel protection off.
fn disables_protection(option: &str) -> bool {
    let o = option.to_ascii_lowercase().replace(':', "=");
    matches!(
        o.as_str(),
        "seccomp=unconfined" | "apparmor=unconfined" | "systempaths=unconfined" | "label=disable"
    )
}

fn profiles(path: &str, s: &Service, out: &mut Vec<Finding>) {
    for option in s
        .hardening
        .security_opt
        .iter()
        .filter(|o| disables_protection(o))
    {
        out.push(Finding::new(
            FindingCode::ProfileDisabled,
            format!("{path}.hardening.security_opt"),
            format!("{} sets security_opt {option}, which turns off a kernel protection that stops an escape to the host; remove it, or give a profile made for the service", s.name),
        ));
    }
}

/// True for an environment variable whose name says it holds a secret.
fn names_secret(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    if upper.ends_with("_FILE") {
        return false;
    }
    upper.split(['_', '-', '.']).any(|part| {
        matches!(
            part,
            "PASSWORD" | "PASSWD" | "SECRET" | "TOKEN" | "KEY" | "APIKEY" | "CREDENTIALS"
        )
    })
}

fn environment(path: &str, s: &Service, out: &mut Vec<Finding>) {
    let literal: Vec<String> = match s.compose.get("environment") {
        Some(Value::Object(map)) => map
            .iter()
            .filter(|(k, v)| names_secret(k) && !matches!(v, Value::Null) && v.as_str() != Some(""))
            .map(|(k, _)| k.clone())
            .collect(),
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .filter_map(|item| item.split_once('='))
            .filter(|(k, v)| names_secret(k) && !v.is_empty())
            .map(|(k, _)| k.to_owned())
            .collect(),
        _ => Vec::new(),
    };
    for name in literal {
        out.push(Finding::new(
            FindingCode::LiteralSecret,
            format!("{path}.compose.environment.{name}"),
            format!("{} has the secret {name} written into the design, where every reader of the design and of `docker inspect` sees it; declare it under the design's top-level secrets:, give the service secrets: [<name>] and set {name}_FILE=/run/secrets/<name> if the image reads one", s.name),
        ));
    }
}

/// The findings of one service about the host.
pub(super) fn check(path: &str, s: &Service, out: &mut Vec<Finding>) {
    mounts(path, s, out);
    namespaces(path, s, out);
    profiles(path, s, out);
    environment(path, s, out);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sensitive_paths_are_found_however_written() {
        for p in [
            "/",
            "/etc",
            "/etc/",
            "/var/run/docker.sock",
            "/run/containerd/containerd.sock",
            "/var",
            "/var/lib/docker/volumes",
            "/tmp/../etc",
            "//proc",
            "/var/./lib//docker",
            "/sys/fs/cgroup",
            "/dev/kvm",
            "/root/.ssh",
        ] {
            assert!(sensitive_host_path(p).is_some(), "{p}");
        }
        for p in [
            "/srv/app",
            "/opt/data",
            "/var/lib/app",
            "./config",
            "/data",
            "/var/log/app",
            "/home/app",
        ] {
            assert!(sensitive_host_path(p).is_none(), "{p}");
        }
    }

    #[test]
    fn secret_names() {
        for n in [
            "DB_PASSWORD",
            "api_key",
            "GITHUB_TOKEN",
            "AWS_SECRET_ACCESS_KEY",
            "KEY",
        ] {
            assert!(names_secret(n), "{n}");
        }
        for n in [
            "DB_PASSWORD_FILE",
            "MONKEY",
            "KEYBOARD",
            "PWD",
            "HOME",
            "TOKENIZER_MODEL",
        ] {
            assert!(!names_secret(n), "{n}");
        }
    }

    #[test]
    fn profiles_written_either_way() {
        for o in [
            "seccomp=unconfined",
            "seccomp:unconfined",
            "apparmor=unconfined",
            "label=disable",
            "systempaths=unconfined",
            "Label:Disable",
        ] {
            assert!(disables_protection(o), "{o}");
        }
        for o in [
            "apparmor=docker-default",
            "no-new-privileges:true",
            "seccomp=/etc/profile.json",
        ] {
            assert!(!disables_protection(o), "{o}");
        }
    }
}
