//! Compose networks as zones: driver, internal, IPAM, bridge options and Bulkhead's labels;
//! what a zone cannot say becomes a note.

use serde_json::{Map, Value};

use super::Ctx;
use super::values::{accepts, as_bool, labels, scalar};
use crate::raw::{Driver, RawZone, Scalar, Trust, UniqueMap};

/// The zones read, and the networks that could not become one.
pub(super) struct Zones {
    pub(super) raw: UniqueMap<RawZone>,
    pub(super) unmapped: Vec<String>,
}

pub(super) fn zone(ctx: &mut Ctx, design: &str, key: &str, net: &Value) -> Option<RawZone> {
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
        mode: None,
        bridge: None,
        driver,
        labels: UniqueMap::default(),
        accept: Vec::new(),
    };
    let mut trust_labelled = false;
    for (k, v) in net {
        let kpath = format!("{path}.{k}");
        match k.as_str() {
            "driver" | "internal" | "external" => {}
            "name" => {
                let expected = crate::compile::network_name_of(design, key);
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
                let labels = labels(ctx, &kpath, v);
                zone.accept = accepts(&labels);
                for (lk, lv) in labels {
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

pub(super) fn zones(ctx: &mut Ctx, design: &str, doc: &Map<String, Value>) -> Zones {
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
