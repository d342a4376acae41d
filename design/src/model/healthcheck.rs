//! A container's healthcheck, as Compose writes it under `healthcheck:`, parsed once so the
//! engine and the export read the same values.

use serde::Serialize;
use serde_json::Value;

use super::duration::Duration;

/// How Docker checks that a container is healthy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Healthcheck {
    /// `["CMD", …]`, `["CMD-SHELL", …]` or `["NONE"]` (disabled); `None` keeps the image's
    /// own test and changes only its timings.
    pub test: Option<Vec<String>>,
    /// Time between checks.
    pub interval: Option<Duration>,
    /// How long one check may take.
    pub timeout: Option<Duration>,
    /// Failures in a row before the container is unhealthy.
    pub retries: Option<u32>,
    /// Time to start up before failures count.
    pub start_period: Option<Duration>,
    /// Time between checks during the start period.
    pub start_interval: Option<Duration>,
}

const KEYS: &str = "test, interval, timeout, retries, start_period, start_interval or disable";

impl Healthcheck {
    /// Parses Compose's `healthcheck:` map. Every problem is returned, each with the key it
    /// concerns (relative to `healthcheck`) and a message that states the rule.
    pub fn parse(value: &Value) -> Result<Self, Vec<(String, String)>> {
        let Some(map) = value.as_object() else {
            return Err(vec![(
                String::new(),
                format!("a healthcheck is a map of {KEYS}"),
            )]);
        };
        let mut problems = Vec::new();
        let mut check = Healthcheck {
            test: None,
            interval: None,
            timeout: None,
            retries: None,
            start_period: None,
            start_interval: None,
        };
        let mut disabled = false;
        for (key, v) in map {
            let mut fail = |message: String| problems.push((key.clone(), message));
            match key.as_str() {
                "test" => match test(v) {
                    Ok(t) => check.test = Some(t),
                    Err(e) => fail(e),
                },
                "interval" | "timeout" | "start_period" | "start_interval" => {
                    let parsed = match v.as_str() {
                        Some(text) => Duration::parse(text),
                        None => Err(format!(
                            "{v} is not a duration; write it as text, e.g. \"30s\""
                        )),
                    };
                    match parsed {
                        Ok(d) => {
                            let slot = match key.as_str() {
                                "interval" => &mut check.interval,
                                "timeout" => &mut check.timeout,
                                "start_period" => &mut check.start_period,
                                _ => &mut check.start_interval,
                            };
                            *slot = Some(d);
                        }
                        Err(e) => fail(e),
                    }
                }
                "retries" => match v.as_u64().and_then(|n| u32::try_from(n).ok()) {
                    Some(n) => check.retries = Some(n),
                    None => fail(format!(
                        "{v} is not a number of retries; write 0 or more, e.g. 3"
                    )),
                },
                "disable" => match v.as_bool() {
                    Some(d) => disabled = d,
                    None => fail(format!("{v} is not true or false")),
                },
                k if k.starts_with("x-") => {}
                _ => fail(format!("{key} is not a healthcheck key; use {KEYS}")),
            }
        }
        if disabled {
            check.test = Some(vec!["NONE".to_owned()]);
        }
        if problems.is_empty() {
            Ok(check)
        } else {
            Err(problems)
        }
    }
}

/// A test as Docker takes it: a string runs in a shell; a list starts with `CMD`,
/// `CMD-SHELL` or `NONE`.
fn test(value: &Value) -> Result<Vec<String>, String> {
    const RULE: &str = "write a shell command, or a list starting with CMD, CMD-SHELL or NONE, e.g. [CMD, pg_isready]";
    match value {
        Value::String(s) if !s.trim().is_empty() => Ok(vec!["CMD-SHELL".to_owned(), s.clone()]),
        Value::Array(items) => {
            let words: Option<Vec<String>> = items
                .iter()
                .map(|i| i.as_str().map(str::to_owned))
                .collect();
            match words {
                Some(w) if w.first().is_some_and(|f| f == "NONE") && w.len() == 1 => Ok(w),
                Some(w) if w.len() > 1 && matches!(w[0].as_str(), "CMD" | "CMD-SHELL") => Ok(w),
                _ => Err(format!("{value} is not a test; {RULE}")),
            }
        }
        _ => Err(format!("{value} is not a test; {RULE}")),
    }
}

#[cfg(test)]
mod tests {
    use super::Healthcheck;
    use serde_json::json;

    /// Compose's forms parse; every problem is reported at its key.
    #[test]
    fn forms() {
        let h =
            Healthcheck::parse(&json!({"test": "pg_isready", "interval": "1m30s", "retries": 3}))
                .unwrap();
        assert_eq!(h.test.unwrap(), ["CMD-SHELL", "pg_isready"]);
        assert_eq!(h.interval.unwrap().nanos(), 90_000_000_000);
        assert_eq!(h.retries, Some(3));
        let off = Healthcheck::parse(&json!({"disable": true})).unwrap();
        assert_eq!(off.test.unwrap(), ["NONE"]);
        let timings = Healthcheck::parse(&json!({"timeout": "5s"})).unwrap();
        assert!(timings.test.is_none());
        let problems = Healthcheck::parse(&json!({
            "test": ["RUN", "x"], "interval": 30, "timeout": "5", "retries": -1, "every": "1s"
        }))
        .unwrap_err();
        let keys: Vec<&str> = problems.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["test", "interval", "timeout", "retries", "every"]);
        assert!(Healthcheck::parse(&json!("CMD true")).is_err());
    }
}
