//! Checking and merging `hardening:`.

use crate::diagnostic::Code;
use crate::model::{Hardening, MemoryLimit, NanoCpus};
use crate::raw::{RawHardening, Scalar};

use super::ctx::{Ctx, quote};

/// Hardening fields that passed their checks; `None` where unset or refused.
#[derive(Debug, Clone, Default)]
pub(crate) struct CheckedHardening {
    user: Option<String>,
    read_only: Option<bool>,
    cap_drop: Option<Vec<String>>,
    cap_add: Option<Vec<String>>,
    no_new_privileges: Option<bool>,
    privileged: Option<bool>,
    tmpfs: Option<Vec<String>>,
    pids_limit: Option<i64>,
    memory: Option<MemoryLimit>,
    cpus: Option<NanoCpus>,
    security_opt: Option<Vec<String>>,
}

fn is_user(text: &str) -> bool {
    let part = |p: &str| {
        !p.is_empty()
            && !p.starts_with(['-', '.'])
            && p.len() <= 32
            && p.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b))
    };
    match text.split_once(':') {
        Some((u, g)) => part(u) && part(g),
        None => part(text),
    }
}

fn capability(text: &str) -> Option<String> {
    let upper = text.to_ascii_uppercase();
    let name = upper.strip_prefix("CAP_").unwrap_or(&upper);
    let ok = !name.is_empty()
        && name.starts_with(|c: char| c.is_ascii_uppercase())
        && name
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
    ok.then(|| name.to_owned())
}

fn is_tmpfs(text: &str) -> bool {
    text.starts_with('/')
        && text.len() <= 255
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/_.,=:-".contains(&b))
}

fn is_security_opt(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 255
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_.:=/-,".contains(&b))
}

fn check_list(
    ctx: &mut Ctx,
    path: &str,
    field: &str,
    items: &Option<Vec<String>>,
    check: impl Fn(&str) -> Option<String>,
    rule: &str,
) -> Option<Vec<String>> {
    let items = items.as_ref()?;
    let mut out = Vec::new();
    let mut ok = true;
    for (i, item) in items.iter().enumerate() {
        match check(item) {
            Some(value) => out.push(value),
            None => {
                ok = false;
                ctx.error(
                    Code::InvalidHardening,
                    format!("{path}.{field}[{i}]"),
                    format!("{} is not valid; {rule}", quote(item)),
                );
            }
        }
    }
    ok.then_some(out)
}

fn check_scalar<T>(
    ctx: &mut Ctx,
    path: &str,
    field: &str,
    value: &Option<Scalar>,
    parse: impl Fn(&str) -> Result<T, String>,
) -> Option<T> {
    let value = value.as_ref()?;
    parse(value.as_str())
        .map_err(|rule| {
            ctx.error(
                Code::InvalidHardening,
                format!("{path}.{field}"),
                format!("{} is not valid; {rule}", quote(value.as_str())),
            );
        })
        .ok()
}

/// Checks every field of one `hardening:` block found at `path`.
pub(crate) fn check(ctx: &mut Ctx, raw: &RawHardening, path: &str) -> CheckedHardening {
    const CAP_RULE: &str = "write a capability name such as NET_BIND_SERVICE, or ALL";
    let pids_limit = match raw.pids_limit {
        Some(n) if n == -1 || n > 0 => Some(n),
        Some(n) => {
            ctx.error(
                Code::InvalidHardening,
                format!("{path}.pids_limit"),
                format!(
                    "{n} is not valid; write a positive number of processes, or -1 for no limit"
                ),
            );
            None
        }
        None => None,
    };
    CheckedHardening {
        user: check_scalar(ctx, path, "user", &raw.user, |u| {
            if is_user(u) {
                Ok(u.to_owned())
            } else {
                Err("write a user name or uid, optionally :group, e.g. 1000:1000".to_owned())
            }
        }),
        read_only: raw.read_only,
        cap_drop: check_list(ctx, path, "cap_drop", &raw.cap_drop, capability, CAP_RULE),
        cap_add: check_list(ctx, path, "cap_add", &raw.cap_add, capability, CAP_RULE),
        no_new_privileges: raw.no_new_privileges,
        privileged: raw.privileged,
        tmpfs: check_list(
            ctx,
            path,
            "tmpfs",
            &raw.tmpfs,
            |t| is_tmpfs(t).then(|| t.to_owned()),
            "write an absolute path with optional options, e.g. /tmp:size=64m",
        ),
        pids_limit,
        memory: check_scalar(ctx, path, "memory", &raw.memory, MemoryLimit::parse),
        cpus: check_scalar(ctx, path, "cpus", &raw.cpus, NanoCpus::parse),
        security_opt: check_list(
            ctx,
            path,
            "security_opt",
            &raw.security_opt,
            |t| is_security_opt(t).then(|| t.to_owned()),
            "write an option such as apparmor=docker-default or seccomp=profile.json",
        ),
    }
}

/// The service's fields laid over the defaults.
pub(crate) fn merge(defaults: &CheckedHardening, own: &CheckedHardening) -> Hardening {
    fn pick<T: Clone>(own: &Option<T>, default: &Option<T>) -> Option<T> {
        own.clone().or_else(|| default.clone())
    }
    Hardening {
        user: pick(&own.user, &defaults.user),
        read_only: pick(&own.read_only, &defaults.read_only).unwrap_or(false),
        cap_drop: pick(&own.cap_drop, &defaults.cap_drop).unwrap_or_default(),
        cap_add: pick(&own.cap_add, &defaults.cap_add).unwrap_or_default(),
        no_new_privileges: pick(&own.no_new_privileges, &defaults.no_new_privileges)
            .unwrap_or(false),
        privileged: pick(&own.privileged, &defaults.privileged).unwrap_or(false),
        tmpfs: pick(&own.tmpfs, &defaults.tmpfs).unwrap_or_default(),
        pids_limit: pick(&own.pids_limit, &defaults.pids_limit),
        memory: pick(&own.memory, &defaults.memory),
        cpus: pick(&own.cpus, &defaults.cpus),
        security_opt: pick(&own.security_opt, &defaults.security_opt).unwrap_or_default(),
    }
}
