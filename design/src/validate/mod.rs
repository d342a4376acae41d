//! `RawDesign` → `(ValidDesign, Vec<Diagnostic>)`: every problem at once.

mod accept;
mod ctx;
mod flows;
mod hardening;
mod host;
mod published;
mod services;
mod storage;
mod zones;

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::limits::{MAX_FLOWS, MAX_SECRETS, MAX_SERVICES, MAX_VOLUMES, MAX_ZONES};
use crate::model::{Cidr, DesignName, ValidDesign};
use crate::raw::RawDesign;

use ctx::{Ctx, has_control, key, quote};

/// The pool zones without a subnet are given a /24 from, unless the design names one.
pub const DEFAULT_SUBNET_POOL: &str = "172.30.0.0/16";

/// Checks a raw design. The returned model holds only what passed its checks (so the
/// designer can still show a half-finished design); the diagnostics say what did not.
/// A design with any error diagnostic must not be exported or applied: use [`check`]
/// where a complete design is required.
pub fn validate(raw: &RawDesign) -> (ValidDesign, Vec<Diagnostic>) {
    let mut ctx = Ctx::default();
    // Over a size limit nothing else is looked at: the model stays empty, so no analysis
    // grows with the design.
    if too_large(&mut ctx, raw) {
        let name = DesignName::parse(&raw.name)
            .or_else(|_| DesignName::parse("unnamed"))
            .unwrap_or_else(|_| unreachable!("`unnamed` is a valid name"));
        let pool = Cidr::parse(DEFAULT_SUBNET_POOL)
            .unwrap_or_else(|_| unreachable!("the default pool parses"));
        let empty = ValidDesign {
            name,
            description: None,
            mode: raw.mode.unwrap_or_default(),
            subnet_pool: pool,
            zones: Vec::new(),
            services: Vec::new(),
            flows: Vec::new(),
            host: None,
            volumes: Vec::new(),
            secrets: Vec::new(),
        };
        return (empty, ctx.diags);
    }
    if raw.bulkhead != 1 {
        ctx.error(
            Code::UnsupportedVersion,
            "bulkhead",
            format!(
                "format version {} is not supported; this build reads `bulkhead: 1`",
                raw.bulkhead
            ),
        );
    }
    let name = DesignName::parse(&raw.name).unwrap_or_else(|e| {
        ctx.error(
            Code::InvalidName,
            "name",
            format!("design name {} {e}", quote(&raw.name)),
        );
        DesignName::parse("unnamed").unwrap_or_else(|_| unreachable!("`unnamed` is a valid name"))
    });
    if raw.description.as_deref().is_some_and(has_control) {
        ctx.error(
            Code::InvalidText,
            "description",
            "the description holds control characters; write plain text",
        );
    }
    let pool_text = raw
        .defaults
        .subnet_pool
        .as_deref()
        .unwrap_or(DEFAULT_SUBNET_POOL);
    let pool = match Cidr::parse(pool_text) {
        Ok(p) if p.prefix_len() <= 24 => Some(p),
        Ok(p) => {
            ctx.error(
                Code::InvalidSubnetPool,
                "defaults.subnet_pool",
                format!("{p} is smaller than a /24, and zones get a /24 each; use a /24 or larger, e.g. 172.30.0.0/16"),
            );
            None
        }
        Err(e) => {
            ctx.error(
                Code::InvalidSubnetPool,
                "defaults.subnet_pool",
                e.to_string(),
            );
            None
        }
    };
    let defaults = raw
        .defaults
        .hardening
        .as_ref()
        .map(|h| hardening::check(&mut ctx, h, "defaults.hardening"))
        .unwrap_or_default();

    let zones = zones::check(&mut ctx, raw, raw.name.as_str(), pool);
    let services = services::check(&mut ctx, raw, &zones, &defaults);
    for (svc, _) in raw.services.iter() {
        if raw.zones.get(svc).is_some() {
            ctx.error(
                Code::NameClash,
                format!("services.{}", key(svc)),
                format!("{svc} names both a zone and a service, so a flow naming it is ambiguous; rename one of them"),
            );
        }
    }
    let mut design = ValidDesign {
        name,
        description: raw.description.clone(),
        mode: raw.mode.unwrap_or_default(),
        subnet_pool: pool.unwrap_or_else(|| {
            Cidr::parse(DEFAULT_SUBNET_POOL)
                .unwrap_or_else(|_| unreachable!("the default pool parses"))
        }),
        zones: zones.zones.clone(),
        services: services.services.clone(),
        flows: Vec::new(),
        host: raw.host.as_ref().map(|h| host::check(&mut ctx, h)),
        volumes: storage::volumes(&mut ctx, raw),
        secrets: storage::secrets(&mut ctx, raw),
    };
    design.flows = flows::check(&mut ctx, raw, &zones, &services, &design);
    published::check(&mut ctx, &design);
    (design, ctx.diags)
}

/// Reports each top-level collection over its limit; true when one is.
fn too_large(ctx: &mut Ctx, raw: &RawDesign) -> bool {
    let counts = [
        ("zones", raw.zones.len(), MAX_ZONES),
        ("services", raw.services.len(), MAX_SERVICES),
        ("flows", raw.flows.len(), MAX_FLOWS),
        ("volumes", raw.volumes.len(), MAX_VOLUMES),
        ("secrets", raw.secrets.len(), MAX_SECRETS),
    ];
    let mut over = false;
    for (field, count, max) in counts {
        if count > max {
            over = true;
            ctx.error(
                Code::TooLarge,
                field,
                format!("the design has {count} {field}, over the limit of {max}; split it into several designs"),
            );
        }
    }
    over
}

/// Checks a raw design and returns it only when it has no error diagnostic: the gate in
/// front of export and apply.
pub fn check(raw: &RawDesign) -> Result<ValidDesign, Vec<Diagnostic>> {
    let (design, diags) = validate(raw);
    if diags.iter().any(|d| d.severity == Severity::Error) {
        Err(diags)
    } else {
        Ok(design)
    }
}

impl RawDesign {
    /// See [`validate`].
    pub fn validate(&self) -> (ValidDesign, Vec<Diagnostic>) {
        validate(self)
    }
}
