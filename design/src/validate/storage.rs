//! The design's named volumes and secrets: names Docker takes, nothing that binds a host path
//! behind the design's back, secrets only from absolute file paths outside the host's own
//! directories.

use crate::diagnostic::Code;
use crate::findings::sensitive_host_path;
use crate::model::{Secret, StorageName, Volume};
use crate::raw::RawDesign;

use super::ctx::{Ctx, has_control, key, quote};
use super::zones::check_labels;

fn name(ctx: &mut Ctx, path: String, text: &str, what: &str) -> Option<StorageName> {
    StorageName::parse(text)
        .map_err(|e| {
            ctx.error(
                Code::InvalidName,
                path,
                format!("{what} {} {e}", quote(text)),
            )
        })
        .ok()
}

/// The volumes that check, in document order.
pub(super) fn volumes(ctx: &mut Ctx, raw: &RawDesign) -> Vec<Volume> {
    let mut out = Vec::new();
    for (k, v) in raw.volumes.iter() {
        let path = format!("volumes.{}", key(k));
        let v = v.clone().unwrap_or_default();
        let key_name = name(ctx, path.clone(), k, "volume");
        let engine_name = match &v.name {
            Some(n) => name(ctx, format!("{path}.name"), n, "volume name").map(Some),
            None => Some(None),
        };
        for (field, present) in [
            ("driver", v.driver.is_some()),
            ("driver_opts", v.driver_opts.is_some()),
        ] {
            if present {
                ctx.error(
                    Code::InvalidStorage,
                    format!("{path}.{field}"),
                    "a volume driver or its options can mount any host path (o: bind, device: /) where the design does not show it; create such a volume outside the design and declare it here with external: true",
                );
            }
        }
        if v.external && !v.labels.is_empty() {
            ctx.error(
                Code::InvalidStorage,
                format!("{path}.labels"),
                "an external volume exists already, so the design cannot label it; remove labels, or drop external: true to have the volume created",
            );
        }
        let labels = check_labels(ctx, &path, &v.labels);
        if let (Some(key), Some(name), Some(labels)) = (key_name, engine_name, labels) {
            out.push(Volume {
                key,
                name,
                external: v.external,
                labels,
            });
        }
    }
    out
}

/// The secrets that check, in document order.
pub(super) fn secrets(ctx: &mut Ctx, raw: &RawDesign) -> Vec<Secret> {
    let mut out = Vec::new();
    for (k, s) in raw.secrets.iter() {
        let path = format!("secrets.{}", key(k));
        let key_name = name(ctx, path.clone(), k, "secret");
        if s.environment.is_some() {
            ctx.error(
                Code::InvalidStorage,
                format!("{path}.environment"),
                "a secret from the environment takes the value of whoever runs compose up (and of Bulkhead's own process on apply); write the secret to a file only root can read (chmod 600) and give its path as file:",
            );
        }
        if s.external.is_some() {
            ctx.error(
                Code::InvalidStorage,
                format!("{path}.external"),
                "external secrets exist only in Swarm; write the secret to a file only root can read and give its path as file:",
            );
        }
        let file = match s.file.as_deref() {
            None => {
                if s.environment.is_none() && s.external.is_none() {
                    ctx.error(
                        Code::InvalidStorage,
                        path.clone(),
                        "a secret needs file: the absolute path of the file holding it on the host",
                    );
                }
                None
            }
            Some(f)
                if !f.starts_with('/') || f.contains(':') || has_control(f) || f.contains('\n') =>
            {
                ctx.error(
                    Code::InvalidStorage,
                    format!("{path}.file"),
                    format!("{} is not an absolute path without ':' or control characters; give the file's full path (apply and compose up must read the same file), e.g. /srv/bulkhead/secrets/{k}", quote(f)),
                );
                None
            }
            Some(f) => match sensitive_host_path(f) {
                Some(why) => {
                    ctx.error(
                        Code::InvalidStorage,
                        format!("{path}.file"),
                        format!("{why}: a secret's file is mounted into the services that use it; keep secrets in a directory made for them, e.g. /srv/bulkhead/secrets/{k}"),
                    );
                    None
                }
                None => Some(f.to_owned()),
            },
        };
        if let (Some(key), Some(file)) = (key_name, file) {
            out.push(Secret { key, file });
        }
    }
    out
}
