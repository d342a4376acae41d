//! Resource limits (`compose: ulimits`), which apply sets on the container as the Compose
//! export does.

use serde::Serialize;
use serde_json::Value;

/// The limits Docker knows, by their Compose names.
pub const ULIMIT_NAMES: &[&str] = &[
    "as",
    "core",
    "cpu",
    "data",
    "fsize",
    "locks",
    "memlock",
    "msgqueue",
    "nice",
    "nofile",
    "nproc",
    "rss",
    "rtprio",
    "rttime",
    "sigpending",
    "stack",
];

/// The accepted notation, as users need to hear it.
pub const ULIMIT_RULE: &str = "write a map of limit names to a number (soft = hard) or {soft: N, hard: N} with soft at most hard, e.g. {nofile: {soft: 1024, hard: 4096}, nproc: 512}";

/// One limit: `nofile: {soft: 1024, hard: 4096}`, or `nproc: 512` for both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Ulimit {
    /// Its name, one of [`ULIMIT_NAMES`].
    pub name: &'static str,
    /// The soft limit.
    pub soft: i64,
    /// The hard limit.
    pub hard: i64,
}

fn number(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

impl Ulimit {
    /// Parses `compose: ulimits`; each problem comes with the key it concerns (empty for
    /// the whole value).
    pub fn parse_all(value: &Value) -> Result<Vec<Ulimit>, Vec<(String, String)>> {
        let Some(map) = value.as_object() else {
            return Err(vec![(String::new(), ULIMIT_RULE.to_owned())]);
        };
        let mut out = Vec::new();
        let mut problems = Vec::new();
        for (key, limit) in map {
            let Some(name) = ULIMIT_NAMES.iter().find(|n| **n == key.as_str()) else {
                problems.push((
                    key.clone(),
                    format!(
                        "{key:?} is not a limit Docker knows; use one of {}",
                        ULIMIT_NAMES.join(", ")
                    ),
                ));
                continue;
            };
            let pair = match limit {
                Value::Object(o) => o
                    .keys()
                    .all(|k| k == "soft" || k == "hard")
                    .then(|| Some((number(o.get("soft")?)?, number(o.get("hard")?)?)))
                    .flatten(),
                other => number(other).map(|n| (n, n)),
            };
            match pair {
                Some((soft, hard))
                    if soft >= -1 && hard >= -1 && (hard == -1 || (soft != -1 && soft <= hard)) =>
                {
                    out.push(Ulimit { name, soft, hard });
                }
                _ => problems.push((
                    key.clone(),
                    format!("{key}: {limit} is not a limit; {ULIMIT_RULE}"),
                )),
            }
        }
        if problems.is_empty() {
            Ok(out)
        } else {
            Err(problems)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn both_forms_and_the_errors() {
        let ok = Ulimit::parse_all(&json!({"nofile": {"soft": 1024, "hard": 4096}, "nproc": 512}))
            .unwrap();
        assert_eq!(
            ok[0],
            Ulimit {
                name: "nofile",
                soft: 1024,
                hard: 4096
            }
        );
        assert_eq!(
            ok[1],
            Ulimit {
                name: "nproc",
                soft: 512,
                hard: 512
            }
        );
        for bad in [
            json!({"nofile": {"soft": 5, "hard": 4}}),
            json!({"nofiles": 5}),
            json!({"nofile": {"soft": 5}}),
            json!({"nofile": {"soft": 1, "hard": 2, "max": 3}}),
            json!({"nofile": "many"}),
            json!([1]),
        ] {
            assert!(Ulimit::parse_all(&bad).is_err(), "{bad}");
        }
    }
}
