//! Compose services as services: image, networks and addresses, ports, hardening keys, and
//! the rest carried under `compose:`; what a service cannot say becomes a note.

use indexmap::IndexMap;
use serde_json::{Map, Value};

use super::Ctx;
use super::networks::Zones;
use super::values::{accepts, as_bool, labels, scalar, strings};
use crate::raw::{
    MANAGED_COMPOSE_KEYS, RawHardening, RawMembership, RawMemberships, RawService, RawZone, Scalar,
    Trust, UniqueMap,
};

/// Compose long-syntax port → short syntax.
pub(super) fn port(ctx: &mut Ctx, path: &str, v: &Value) -> Option<String> {
    if let Some(s) = scalar(v) {
        return Some(s);
    }
    let m = v.as_object()?;
    let target = m.get("target").and_then(scalar)?;
    let mut out = String::new();
    if let Some(ip) = m.get("host_ip").and_then(scalar) {
        out.push_str(&ip);
        out.push(':');
        if m.get("published").is_none() {
            out.push(':');
        }
    }
    if let Some(p) = m.get("published").and_then(scalar) {
        out.push_str(&p);
        out.push(':');
    }
    out.push_str(&target);
    if let Some(proto) = m.get("protocol").and_then(scalar) {
        out.push('/');
        out.push_str(&proto);
    }
    for k in m.keys() {
        if !["target", "published", "host_ip", "protocol", "mode"].contains(&k.as_str()) {
            ctx.note(
                format!("{path}.{k}"),
                "a published port has no place for this setting; left out",
            );
        }
    }
    Some(out)
}

pub(super) fn hardening(
    ctx: &mut Ctx,
    path: &str,
    svc: &Map<String, Value>,
) -> Option<RawHardening> {
    let mut h = RawHardening::default();
    let mut any = false;
    let mut set = |present: bool| any |= present;
    if let Some(v) = svc.get("user") {
        h.user = scalar(v).map(Scalar);
        set(true);
    }
    if let Some(v) = svc.get("read_only") {
        h.read_only = as_bool(v);
        set(true);
    }
    if let Some(v) = svc.get("cap_drop") {
        h.cap_drop = Some(strings(ctx, &format!("{path}.cap_drop"), v));
        set(true);
    }
    if let Some(v) = svc.get("cap_add") {
        h.cap_add = Some(strings(ctx, &format!("{path}.cap_add"), v));
        set(true);
    }
    if let Some(v) = svc.get("security_opt") {
        let mut rest = Vec::new();
        for opt in strings(ctx, &format!("{path}.security_opt"), v) {
            match opt.as_str() {
                "no-new-privileges" | "no-new-privileges:true" | "no-new-privileges=true" => {
                    h.no_new_privileges = Some(true);
                }
                "no-new-privileges:false" | "no-new-privileges=false" => {
                    h.no_new_privileges = Some(false);
                }
                _ => rest.push(opt),
            }
        }
        if !rest.is_empty() {
            h.security_opt = Some(rest);
        }
        set(true);
    }
    if let Some(v) = svc.get("privileged") {
        h.privileged = as_bool(v);
        set(true);
    }
    if let Some(v) = svc.get("tmpfs") {
        h.tmpfs = Some(strings(ctx, &format!("{path}.tmpfs"), v));
        set(true);
    }
    if let Some(v) = svc.get("pids_limit") {
        h.pids_limit = scalar(v).and_then(|s| s.parse().ok());
        if h.pids_limit.is_none() {
            ctx.note(format!("{path}.pids_limit"), "not a whole number; left out");
        }
        set(true);
    }
    if let Some(v) = svc.get("mem_limit") {
        h.memory = scalar(v).map(Scalar);
        set(true);
    }
    if let Some(v) = svc.get("cpus") {
        h.cpus = scalar(v).map(Scalar);
        set(true);
    }
    any.then_some(h)
}

pub(super) fn service(
    ctx: &mut Ctx,
    design: &str,
    name: &str,
    svc: &Map<String, Value>,
    zones: &mut Zones,
    containers: &IndexMap<String, String>,
) -> RawService {
    let path = format!("services.{name}");
    let mut out = RawService {
        image: svc.get("image").and_then(scalar),
        ..RawService::default()
    };
    if out.image.is_none() {
        ctx.note(
            format!("{path}.image"),
            "the service has no image (a design does not build images); give it the image its build produces",
        );
    }
    if let Some(cn) = svc.get("container_name").and_then(Value::as_str) {
        let expected = crate::compile::container_name_of(design, name);
        if cn != expected {
            ctx.note(
                format!("{path}.container_name"),
                format!("the container is named {expected} in the design (<design>-<service>-1); the name {cn} is not kept"),
            );
        }
    }
    let mode = svc.get("network_mode").and_then(Value::as_str);
    match mode {
        None => {}
        Some("none") => out.network = Some("closed".to_owned()),
        Some("host") => out.network = Some("host".to_owned()),
        Some("bridge") => {}
        Some(m) => {
            let target = m.strip_prefix("service:").map(str::to_owned).or_else(|| {
                m.strip_prefix("container:")
                    .and_then(|c| containers.get(c).cloned())
            });
            match target {
                Some(t) => out.network = Some(format!("container:{t}")),
                None => ctx.note(
                    format!("{path}.network_mode"),
                    format!("{m:?} names no service of this file; the service is left bridged"),
                ),
            }
        }
    }
    let mut memberships: IndexMap<String, RawMembership> = IndexMap::new();
    match svc.get("networks") {
        Some(Value::Array(list)) => {
            for (i, n) in list.iter().enumerate() {
                match n.as_str() {
                    Some(n) => {
                        memberships.insert(n.to_owned(), RawMembership::default());
                    }
                    None => ctx.note(
                        format!("{path}.networks[{i}]"),
                        "not a network name; left out",
                    ),
                }
            }
        }
        Some(Value::Object(map)) => {
            for (n, cfg) in map {
                let mut m = RawMembership::default();
                for (k, v) in cfg.as_object().into_iter().flatten() {
                    match k.as_str() {
                        "ipv4_address" => m.ipv4 = scalar(v),
                        "aliases" => {
                            m.aliases = strings(ctx, &format!("{path}.networks.{n}.aliases"), v)
                        }
                        _ => ctx.note(
                            format!("{path}.networks.{n}.{k}"),
                            "a zone membership has no place for this setting; left out",
                        ),
                    }
                }
                memberships.insert(n.clone(), m);
            }
        }
        Some(_) => ctx.note(
            format!("{path}.networks"),
            "not a list or map of networks; left out",
        ),
        None if mode.is_none() => {
            // As Compose does: a service without networks joins the project's default.
            if !zones.raw.0.contains_key("default")
                && !zones.unmapped.iter().any(|u| u == "default")
            {
                zones.raw.0.insert(
                    "default".to_owned(),
                    RawZone {
                        trust: Trust::Internal,
                        subnet: None,
                        gateway: None,
                        internal: false,
                        isolated: false,
                        mode: None,
                        bridge: None,
                        driver: None,
                        labels: UniqueMap::default(),
                        accept: Vec::new(),
                    },
                );
            }
            memberships.insert("default".to_owned(), RawMembership::default());
        }
        None => {}
    }
    memberships.retain(|n, _| {
        let unmapped = zones.unmapped.contains(n);
        if unmapped {
            ctx.note(
                format!("{path}.networks.{n}"),
                format!("network {n} was not imported, so the service does not join it"),
            );
        }
        !unmapped
    });
    out.zones = RawMemberships(memberships);
    if let Some(p) = svc.get("ports") {
        let list = match p {
            Value::Array(l) => l.clone(),
            other => vec![other.clone()],
        };
        for (i, v) in list.iter().enumerate() {
            match port(ctx, &format!("{path}.ports[{i}]"), v) {
                Some(s) => out.ports.push(Scalar(s)),
                None => ctx.note(format!("{path}.ports[{i}]"), "not a port; left out"),
            }
        }
    }
    out.hardening = hardening(ctx, &path, svc);
    if let Some(l) = svc.get("labels") {
        let labels = labels(ctx, &format!("{path}.labels"), l);
        out.accept = accepts(&labels);
        for (k, _) in labels {
            match k.as_str() {
                k if k.starts_with("io.bulkhead.") => {}
                _ => ctx.note(
                    format!("{path}.labels.{k}"),
                    "a design sets its own container labels; this one is left out",
                ),
            }
        }
    }
    for k in ["expose", "links", "external_links"] {
        if svc.contains_key(k) {
            ctx.note(
                format!("{path}.{k}"),
                "zones and flows decide who reaches the service; left out",
            );
        }
    }
    let compose: Map<String, Value> = svc
        .iter()
        .filter(|(k, _)| !MANAGED_COMPOSE_KEYS.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if !compose.is_empty() {
        out.compose = Some(compose);
    }
    out
}
