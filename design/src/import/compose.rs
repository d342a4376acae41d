//! A Compose file read into a design (issue: Compose import). Networks become zones,
//! services become services; what a design has no field for is carried under `compose:`
//! or, when it cannot be mapped at all, reported as a note rather than dropped silently.
//! A file Bulkhead exported comes back as the design it came from: trust levels,
//! accepted findings, flows and the host policy travel in `io.bulkhead.*` labels and the
//! `x-bulkhead` extension.

use indexmap::IndexMap;
use serde_json::{Map, Value};

use crate::raw::{
    Driver, MANAGED_COMPOSE_KEYS, RawDefaults, RawDesign, RawFlow, RawHardening, RawHost,
    RawMembership, RawMemberships, RawService, RawZone, Scalar, Trust, UniqueMap,
};

/// A Compose file read as a design, with what could not be mapped.
#[derive(Debug, Clone, PartialEq)]
pub struct ComposeImport {
    /// The design (not yet validated: run [`crate::validate`] on it).
    pub design: RawDesign,
    /// What was left out or changed, each at the Compose path it concerns.
    pub notes: Vec<ImportNote>,
}

/// Something of the Compose file the design does not carry as it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportNote {
    /// Dotted path in the Compose file, e.g. `networks.backend.external`.
    pub path: String,
    /// What happened to it, and what to do.
    pub message: String,
}

/// Why a Compose file could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    /// The YAML is malformed.
    #[error("line {line}, column {column}: {message}")]
    Yaml {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// The document is valid YAML but not a Compose file.
    #[error("{0}")]
    NotCompose(String),
}

struct Ctx {
    notes: Vec<ImportNote>,
}

impl Ctx {
    fn note(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.notes.push(ImportNote {
            path: path.into(),
            message: message.into(),
        });
    }
}

fn parse_yaml(text: &str) -> Result<Value, ImportError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let located = |e: &serde_norway::Error| {
        let (line, column) = e.location().map_or((1, 1), |l| (l.line(), l.column()));
        let message = e.to_string();
        let message = match message.rfind(" at line ") {
            Some(at) => message[..at].to_owned(),
            None => message,
        };
        ImportError::Yaml {
            line,
            column,
            message,
        }
    };
    let mut value: serde_norway::Value = serde_norway::from_str(text).map_err(|e| located(&e))?;
    value.apply_merge().map_err(|e| located(&e))?;
    serde_json::to_value(&value).map_err(|e| {
        ImportError::NotCompose(format!(
            "the file uses YAML that has no JSON equivalent ({e}); use string keys"
        ))
    })
}

/// Text of a scalar (string, number or bool).
fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn strings(ctx: &mut Ctx, path: &str, v: &Value) -> Vec<String> {
    match v {
        Value::Array(items) => items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| {
                let s = scalar(item);
                if s.is_none() {
                    ctx.note(format!("{path}[{i}]"), "not a string; left out");
                }
                s
            })
            .collect(),
        Value::Null => Vec::new(),
        other => match scalar(other) {
            Some(s) => vec![s],
            None => {
                ctx.note(path, "expected a list of strings; left out");
                Vec::new()
            }
        },
    }
}

/// Compose's `labels`: a map, or a list of `key=value`.
fn labels(ctx: &mut Ctx, path: &str, v: &Value) -> IndexMap<String, String> {
    let mut out = IndexMap::new();
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                out.insert(k.clone(), scalar(v).unwrap_or_default());
            }
        }
        Value::Array(items) => {
            for s in strings(ctx, path, &Value::Array(items.clone())) {
                let (k, v) = s.split_once('=').unwrap_or((&s, ""));
                out.insert(k.to_owned(), v.to_owned());
            }
        }
        Value::Null => {}
        _ => ctx.note(
            path,
            "labels must be a map or a list of key=value; left out",
        ),
    }
    out
}

fn as_bool(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::String(s) => match s.as_str() {
            "true" | "True" | "TRUE" | "1" => Some(true),
            "false" | "False" | "FALSE" | "0" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

struct Zones {
    raw: UniqueMap<RawZone>,
    unmapped: Vec<String>,
}

fn zone(ctx: &mut Ctx, design: &str, key: &str, net: &Value) -> Option<RawZone> {
    let path = format!("networks.{key}");
    let empty = Map::new();
    let net = match net {
        Value::Object(m) => m,
        Value::Null => &empty,
        _ => {
            ctx.note(&path, "not a network definition; left out");
            return None;
        }
    };
    if net.get("external").and_then(as_bool) == Some(true)
        || net.get("external").is_some_and(Value::is_object)
    {
        ctx.note(
            format!("{path}.external"),
            "an external network is not created by this project, so it cannot become a zone; it is left out together with its memberships",
        );
        return None;
    }
    let driver = match net.get("driver").and_then(Value::as_str) {
        None | Some("bridge") => None,
        Some("overlay") => Some(Driver::Overlay),
        Some(other) => {
            ctx.note(
                format!("{path}.driver"),
                format!("driver {other:?} is not one a zone can use (bridge, overlay); the network is left out together with its memberships"),
            );
            return None;
        }
    };
    let mut zone = RawZone {
        trust: Trust::Internal,
        subnet: None,
        gateway: None,
        internal: net.get("internal").and_then(as_bool).unwrap_or(false),
        isolated: false,
        bridge: None,
        driver,
        labels: UniqueMap::default(),
    };
    let mut trust_labelled = false;
    for (k, v) in net {
        let kpath = format!("{path}.{k}");
        match k.as_str() {
            "driver" | "internal" | "external" => {}
            "name" => {
                let expected = format!("{design}_{key}");
                if v.as_str() != Some(expected.as_str()) {
                    ctx.note(
                        kpath,
                        format!("the network is named {expected} in the design (<design>_<zone>); the name {} is not kept", scalar(v).unwrap_or_default()),
                    );
                }
            }
            "driver_opts" => {
                for (opt, value) in v.as_object().into_iter().flatten() {
                    match opt.as_str() {
                        "com.docker.network.bridge.name" => zone.bridge = scalar(value),
                        "com.docker.network.bridge.enable_icc" => {
                            zone.isolated = as_bool(value) == Some(false);
                        }
                        _ => ctx.note(
                            format!("{kpath}.{opt}"),
                            "a design has no place for this driver option; left out",
                        ),
                    }
                }
            }
            "ipam" => {
                for (ik, iv) in v.as_object().into_iter().flatten() {
                    match ik.as_str() {
                        "config" => {
                            let configs = iv.as_array().cloned().unwrap_or_default();
                            for (i, c) in configs.iter().enumerate() {
                                let cpath = format!("{kpath}.config[{i}]");
                                let subnet = c.get("subnet").and_then(scalar);
                                if i > 0 || subnet.as_deref().is_some_and(|s| s.contains(':')) {
                                    ctx.note(
                                        cpath,
                                        "a zone has one IPv4 subnet; this IPAM entry is left out",
                                    );
                                    continue;
                                }
                                zone.subnet = subnet;
                                zone.gateway = c.get("gateway").and_then(scalar);
                                for extra in c.as_object().into_iter().flatten().map(|(k, _)| k) {
                                    if extra != "subnet" && extra != "gateway" {
                                        ctx.note(
                                            format!("{cpath}.{extra}"),
                                            "a zone has no place for this IPAM setting; left out",
                                        );
                                    }
                                }
                            }
                        }
                        "driver" if iv.as_str() == Some("default") => {}
                        _ => ctx.note(
                            format!("{kpath}.{ik}"),
                            "a zone has no place for this IPAM setting; left out",
                        ),
                    }
                }
            }
            "labels" => {
                for (lk, lv) in labels(ctx, &kpath, v) {
                    match lk.as_str() {
                        "io.bulkhead.trust" => {
                            let trust = match lv.as_str() {
                                "public" => Some(Trust::Public),
                                "internal" => Some(Trust::Internal),
                                "restricted" => Some(Trust::Restricted),
                                "vault" => Some(Trust::Vault),
                                _ => None,
                            };
                            match trust {
                                Some(t) => {
                                    zone.trust = t;
                                    trust_labelled = true;
                                }
                                None => ctx.note(
                                    format!("{kpath}.{lk}"),
                                    "not a trust level; the zone's trust is derived instead",
                                ),
                            }
                        }
                        "io.bulkhead.isolated" => zone.isolated |= lv == "true",
                        k if k.starts_with("io.bulkhead.") => {}
                        _ => {
                            zone.labels.0.insert(lk, Scalar(lv));
                        }
                    }
                }
            }
            _ => ctx.note(
                kpath,
                "a zone has no place for this network setting; left out",
            ),
        }
    }
    if !trust_labelled && zone.internal {
        zone.trust = Trust::Restricted;
    }
    Some(zone)
}

fn zones(ctx: &mut Ctx, design: &str, doc: &Map<String, Value>) -> Zones {
    let mut out = Zones {
        raw: UniqueMap::default(),
        unmapped: Vec::new(),
    };
    if let Some(nets) = doc.get("networks") {
        let Some(nets) = nets.as_object() else {
            ctx.note("networks", "not a map of networks; left out");
            return out;
        };
        for (key, net) in nets {
            match zone(ctx, design, key, net) {
                Some(z) => {
                    out.raw.0.insert(key.clone(), z);
                }
                None => out.unmapped.push(key.clone()),
            }
        }
    }
    out
}

/// Compose long-syntax port → short syntax.
fn port(ctx: &mut Ctx, path: &str, v: &Value) -> Option<String> {
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

fn hardening(ctx: &mut Ctx, path: &str, svc: &Map<String, Value>) -> Option<RawHardening> {
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

fn service(
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
        let expected = format!("{design}-{name}-1");
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
                        bridge: None,
                        driver: None,
                        labels: UniqueMap::default(),
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
        for (k, v) in labels(ctx, &format!("{path}.labels"), l) {
            match k.as_str() {
                "io.bulkhead.accept" => {
                    out.accept = v
                        .split(',')
                        .filter(|c| !c.is_empty())
                        .map(str::to_owned)
                        .collect();
                }
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

/// The `x-bulkhead` extension a Bulkhead export carries.
fn extension(ctx: &mut Ctx, design: &mut RawDesign, x: &Value) {
    let Some(x) = x.as_object() else {
        ctx.note("x-bulkhead", "not a map; left out");
        return;
    };
    if let Some(d) = x.get("description").and_then(Value::as_str) {
        design.description = Some(d.to_owned());
    }
    if let Some(p) = x.get("subnet_pool").and_then(scalar) {
        design.defaults.subnet_pool = Some(p);
    }
    if let Some(flows) = x.get("flows") {
        match serde_json::from_value::<Vec<RawFlow>>(flows.clone()) {
            Ok(f) => design.flows = f,
            Err(e) => ctx.note(
                "x-bulkhead.flows",
                format!("not design flows ({e}); left out"),
            ),
        }
    }
    if let Some(host) = x.get("host") {
        match serde_json::from_value::<RawHost>(host.clone()) {
            Ok(h) => design.host = Some(h),
            Err(e) => ctx.note(
                "x-bulkhead.host",
                format!("not a host policy ({e}); left out"),
            ),
        }
    }
}

/// Reads a Compose file as a design. The design's name is the `x-bulkhead` name of a
/// Bulkhead export, else the file's top-level `name:`, else `fallback_name` (Compose's
/// own default is the directory's name). Malformed YAML is refused with its line and
/// column; everything else that cannot be mapped becomes a note.
pub fn compose(text: &str, fallback_name: &str) -> Result<ComposeImport, ImportError> {
    let doc = parse_yaml(text)?;
    let Some(doc) = doc.as_object() else {
        return Err(ImportError::NotCompose(
            "a Compose file is a map with `services:`; this document is not a map".to_owned(),
        ));
    };
    let mut ctx = Ctx { notes: Vec::new() };
    let ext = doc.get("x-bulkhead");
    let name = ext
        .and_then(|x| x.get("name"))
        .and_then(Value::as_str)
        .or_else(|| doc.get("name").and_then(Value::as_str))
        .unwrap_or(fallback_name)
        .to_owned();
    for (k, _) in doc {
        if !["services", "networks", "name", "version", "x-bulkhead"].contains(&k.as_str()) {
            ctx.note(k.clone(), format!("top-level `{k}` has no place in a design; left out (services that refer to it keep their reference under compose:)"));
        }
    }
    let mut zones = zones(&mut ctx, &name, doc);
    let services = match doc.get("services") {
        Some(Value::Object(s)) => s.clone(),
        Some(_) => {
            return Err(ImportError::NotCompose(
                "`services` must be a map of service names to definitions".to_owned(),
            ));
        }
        None => Map::new(),
    };
    let containers: IndexMap<String, String> = services
        .iter()
        .map(|(n, s)| {
            let cn = s
                .get("container_name")
                .and_then(Value::as_str)
                .map_or_else(|| format!("{name}-{n}-1"), str::to_owned);
            (cn, n.clone())
        })
        .collect();
    let mut raw_services = UniqueMap::default();
    for (n, s) in &services {
        let empty = Map::new();
        let s = match s {
            Value::Object(m) => m,
            Value::Null => &empty,
            _ => {
                ctx.note(
                    format!("services.{n}"),
                    "not a service definition; left out",
                );
                continue;
            }
        };
        let svc = service(&mut ctx, &name, n, s, &mut zones, &containers);
        raw_services.0.insert(n.clone(), svc);
    }
    let mut design = RawDesign {
        bulkhead: 1,
        name,
        description: None,
        defaults: RawDefaults::default(),
        zones: zones.raw,
        services: raw_services,
        flows: Vec::new(),
        host: None,
    };
    if let Some(x) = ext {
        extension(&mut ctx, &mut design, x);
    }
    Ok(ComposeImport {
        design,
        notes: ctx.notes,
    })
}
