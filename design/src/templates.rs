//! Built-in designs to start from: the templates, and the blank design.

use crate::raw::{RawDefaults, RawDesign, RawHardening, RawHost, Scalar};

/// The names of the built-in templates, in the order they are offered.
pub const NAMES: &[&str] = &["three-tier", "segmented-host"];

/// The YAML text of the template called `name`.
pub fn get(name: &str) -> Option<&'static str> {
    match name {
        "three-tier" => Some(include_str!("../templates/three-tier.yaml")),
        "segmented-host" => Some(include_str!("../templates/segmented-host.yaml")),
        _ => None,
    }
}

/// The hardening a new design starts from, as the segmented-host template writes it: every
/// capability dropped, no new privileges, a read-only root filesystem, and a memory and a
/// process limit.
pub fn baseline_hardening() -> RawHardening {
    RawHardening {
        cap_drop: Some(vec!["ALL".into()]),
        no_new_privileges: Some(true),
        read_only: Some(true),
        pids_limit: Some(256),
        memory: Some(Scalar::from("512m")),
        ..RawHardening::default()
    }
}

/// A new design called `name` with no zones or services yet, whose services start from
/// [`baseline_hardening`], and whose zones reach nothing on the host itself until the design
/// lists it (`host.protect_host`), published ports included (`host.protect_published`).
pub fn blank(name: &str) -> RawDesign {
    RawDesign {
        bulkhead: 1,
        name: name.to_owned(),
        description: None,
        mode: None,
        defaults: RawDefaults {
            subnet_pool: None,
            hardening: Some(baseline_hardening()),
        },
        zones: Default::default(),
        services: Default::default(),
        flows: Vec::new(),
        host: Some(RawHost {
            protect_host: true,
            protect_published: true,
            ..RawHost::default()
        }),
        volumes: Default::default(),
        secrets: Default::default(),
    }
}
