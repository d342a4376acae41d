//! What a service mounts under `compose:`: each named volume and each secret it names must
//! be declared under the design's `volumes:` and `secrets:`, in forms apply and Compose both
//! read the same way.

use serde_json::Value;

use crate::diagnostic::Code;
use crate::model::{named_volume, secret_source};
use crate::raw::{RawDesign, RawService};
use crate::validate::ctx::{Ctx, did_you_mean, quote, suggest};

fn undeclared(
    ctx: &mut Ctx,
    code: Code,
    at: String,
    name: &str,
    section: &str,
    declared: Vec<&str>,
) {
    let hint = did_you_mean(suggest(name, declared.into_iter()));
    ctx.error(
        code,
        at,
        format!(
            "{} is not declared under the design's {section}:; declare it there (Compose refuses an undeclared one, and apply must know what it is).{hint}",
            quote(name)
        ),
    );
}

/// Checks the volumes and secrets `raw` (at `path`) mounts against `design`'s declarations.
pub(super) fn check(ctx: &mut Ctx, path: &str, raw: &RawService, design: &RawDesign) {
    let Some(compose) = &raw.compose else {
        return;
    };
    if let Some(volumes) = compose.get("volumes") {
        let Some(list) = volumes.as_array() else {
            ctx.error(
                Code::InvalidComposeValue,
                format!("{path}.compose.volumes"),
                "volumes is a list of mounts, e.g. [\"data:/var/lib/app\", \"./conf:/etc/app:ro\"]",
            );
            return;
        };
        for (i, entry) in list.iter().enumerate() {
            if let Some(name) = named_volume(entry)
                && design.volumes.get(name).is_none()
            {
                let declared = design.volumes.iter().map(|(k, _)| k.as_str()).collect();
                undeclared(
                    ctx,
                    Code::UnknownVolume,
                    format!("{path}.compose.volumes[{i}]"),
                    name,
                    "volumes",
                    declared,
                );
            }
        }
    }
    if let Some(secrets) = compose.get("secrets") {
        let Some(list) = secrets.as_array() else {
            ctx.error(
                Code::InvalidComposeValue,
                format!("{path}.compose.secrets"),
                "secrets is a list of the design's secret names, e.g. [db_password]",
            );
            return;
        };
        for (i, entry) in list.iter().enumerate() {
            let at = format!("{path}.compose.secrets[{i}]");
            let Some(name) = secret_source(entry) else {
                ctx.error(
                    Code::InvalidComposeValue,
                    at,
                    "a secret is named by its key, or {source: KEY, target: /run/secrets/NAME}",
                );
                continue;
            };
            if let Value::Object(o) = entry
                && let Some(extra) = o
                    .keys()
                    .find(|k| !["source", "target"].contains(&k.as_str()))
            {
                ctx.error(Code::InvalidComposeValue, format!("{at}.{extra}"), format!("{extra} is not applied the same way by Compose and by apply; give only source and target"));
            }
            if let Some(target) = entry.get("target").and_then(Value::as_str)
                && (target.contains(':') || target.contains(',') || target.is_empty())
            {
                ctx.error(
                    Code::InvalidComposeValue,
                    format!("{at}.target"),
                    format!("target {} must be a path without ':' or ','", quote(target)),
                );
            }
            if design.secrets.get(name).is_none() {
                let declared = design.secrets.iter().map(|(k, _)| k.as_str()).collect();
                undeclared(ctx, Code::UnknownSecret, at, name, "secrets", declared);
            }
        }
    }
}
