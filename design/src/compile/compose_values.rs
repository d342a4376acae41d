//! What the Compose export writes from the design's parsed values rather than from the
//! text: the CPU limit, and the `compose:` keys the design parses (restart, healthcheck,
//! ulimits, the process), so that `compose up` runs what apply runs.

use serde_json::{Map, Value};

use super::compose::strings;
use crate::model::{Healthcheck, NanoCpus, Service, Ulimit};

/// A CPU limit as a YAML number: `2` for whole CPUs, `0.5` otherwise.
pub(super) fn cpus(c: &NanoCpus) -> Value {
    const NANOS: i64 = 1_000_000_000;
    let n = c.nanos();
    if n % NANOS == 0 {
        return Value::from(n / NANOS);
    }
    // At most nine decimals: f64 holds them closely enough for Compose to read back the
    // same billionths.
    serde_json::Number::from_f64(n as f64 / NANOS as f64)
        .map_or_else(|| Value::String(c.as_str().to_owned()), Value::Number)
}

/// A parsed healthcheck as Compose writes it.
fn healthcheck(h: &Healthcheck) -> Value {
    let mut m = Map::new();
    if let Some(test) = &h.test {
        m.insert("test".into(), strings(test));
    }
    for (key, d) in [
        ("interval", &h.interval),
        ("timeout", &h.timeout),
        ("start_period", &h.start_period),
        ("start_interval", &h.start_interval),
    ] {
        if let Some(d) = d {
            m.insert(key.into(), d.as_str().into());
        }
    }
    if let Some(r) = h.retries {
        m.insert("retries".into(), r.into());
    }
    Value::Object(m)
}

/// Parsed ulimits as Compose writes them: one number when soft and hard agree.
fn ulimits(limits: &[Ulimit]) -> Value {
    let mut m = Map::new();
    for u in limits {
        let v = if u.soft == u.hard {
            Value::from(u.soft)
        } else {
            serde_json::json!({ "soft": u.soft, "hard": u.hard })
        };
        m.insert(u.name.into(), v);
    }
    Value::Object(m)
}

/// A `compose:` key the design parsed, written from its parsed value (`None`: a key passed
/// through as written). A parsed key is never copied from the text, so the export runs what
/// the engine runs.
pub(super) fn parsed_compose_value(svc: &Service, key: &str) -> Option<Option<Value>> {
    let p = &svc.process;
    Some(match key {
        "restart" => svc.restart.map(|r| r.to_string().into()),
        "healthcheck" => svc.healthcheck.as_ref().map(healthcheck),
        "ulimits" => Some(ulimits(&svc.ulimits)),
        "command" => p.command.as_ref().map(strings),
        "entrypoint" => p.entrypoint.as_ref().map(strings),
        "environment" => Some(Value::Object(
            p.environment
                .iter()
                .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                .collect(),
        )),
        "working_dir" => p.working_dir.clone().map(Value::String),
        _ => return None,
    })
}
