//! A service's `compose:` map: no key the design manages, and the keys the engine applies
//! besides the export (`restart`, `healthcheck`, `ulimits`, the process: `command`,
//! `entrypoint`, `environment`, `working_dir`) parsed like the design's own fields.

use crate::diagnostic::Code;
use crate::model::{Healthcheck, Process, RESTART_RULE, RestartPolicy, Ulimit};
use crate::raw::{MANAGED_COMPOSE_KEYS, RawService};
use crate::validate::ctx::{Ctx, key};

/// `compose:` checked: no key the design manages, and the keys the engine applies besides
/// the export (`restart`, `healthcheck`) parsed, each problem at its own path.
pub(super) struct Compose {
    pub(super) map: serde_json::Map<String, serde_json::Value>,
    pub(super) restart: Option<RestartPolicy>,
    pub(super) healthcheck: Option<Healthcheck>,
    pub(super) ulimits: Vec<Ulimit>,
    pub(super) process: Process,
}

/// Reports each problem of a parsed `compose:` value at `base` and the key it names.
fn located(ctx: &mut Ctx, base: &str, problems: Vec<(String, String)>) {
    for (at, message) in problems {
        let at = if at.is_empty() {
            String::new()
        } else {
            format!(".{}", key(&at))
        };
        ctx.error(Code::InvalidComposeValue, format!("{base}{at}"), message);
    }
}

pub(super) fn check(ctx: &mut Ctx, path: &str, raw: &RawService) -> Compose {
    let map = raw.compose.clone().unwrap_or_default();
    for k in map.keys() {
        if MANAGED_COMPOSE_KEYS.contains(&k.as_str()) {
            ctx.error(
                Code::ComposeManagedKey,
                format!("{path}.compose.{}", key(k)),
                format!("`{k}` is managed by the design itself; use the service's zones, ports, network or hardening instead of compose.{k}"),
            );
        }
    }
    let restart = map.get("restart").and_then(|v| {
        let parsed = match v.as_str() {
            Some(text) => RestartPolicy::parse(text),
            None => Err(format!("{v} is not a restart policy; {RESTART_RULE}")),
        };
        parsed
            .map_err(|e| {
                ctx.error(
                    Code::InvalidComposeValue,
                    format!("{path}.compose.restart"),
                    e,
                )
            })
            .ok()
    });
    let healthcheck = map.get("healthcheck").and_then(|v| {
        Healthcheck::parse(v)
            .map_err(|problems| located(ctx, &format!("{path}.compose.healthcheck"), problems))
            .ok()
    });
    let ulimits = map
        .get("ulimits")
        .map(|v| {
            Ulimit::parse_all(v).unwrap_or_else(|problems| {
                located(ctx, &format!("{path}.compose.ulimits"), problems);
                Vec::new()
            })
        })
        .unwrap_or_default();
    let process = Process::parse(&map).unwrap_or_else(|problems| {
        located(ctx, &format!("{path}.compose"), problems);
        Process::default()
    });
    Compose {
        map,
        restart,
        healthcheck,
        ulimits,
        process,
    }
}
