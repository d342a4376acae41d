//! What a container runs, and with what: `compose: command, entrypoint, environment,
//! working_dir`, parsed once so that the engine and the Compose export run the same thing.

use serde::Serialize;
use serde_json::{Map, Value};

/// A service's process, as its `compose:` map gives it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Process {
    /// Arguments replacing the image's command.
    pub command: Option<Vec<String>>,
    /// Arguments replacing the image's entrypoint.
    pub entrypoint: Option<Vec<String>>,
    /// Variables, in document order, each with its value.
    pub environment: Vec<(String, String)>,
    /// The directory the process starts in (absolute).
    pub working_dir: Option<String>,
}

/// The `compose:` keys read into a [`Process`].
pub const PROCESS_KEYS: [&str; 4] = ["command", "entrypoint", "environment", "working_dir"];

const WORDS_RULE: &str = "write a command line, or a list of arguments, e.g. [sleep, \"3600\"]";

/// A number or a boolean written where text is meant, as its text; `None` for others.
fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A command line split as Compose splits it (POSIX shell words), or a list of arguments.
fn words(v: &Value) -> Result<Vec<String>, String> {
    match v {
        Value::String(line) => shell_words::split(line)
            .map_err(|e| format!("{line:?} cannot be split into arguments ({e}); {WORDS_RULE}")),
        Value::Array(items) => items
            .iter()
            .map(|i| text(i).ok_or_else(|| format!("{i} is not an argument; {WORDS_RULE}")))
            .collect(),
        other => Err(format!("{other} is not a command; {WORDS_RULE}")),
    }
}

fn no_value(name: &str) -> String {
    format!(
        "{name} has no value: give it one (NAME=value); Bulkhead does not take values from the environment it runs in"
    )
}

fn variable_name(name: &str) -> Result<(), String> {
    if name.is_empty() || name.contains('=') || name.chars().any(char::is_whitespace) {
        return Err(format!(
            "{name:?} is not a variable name; use letters, digits and _ without = or spaces"
        ));
    }
    Ok(())
}

fn environment(v: &Value) -> Result<Vec<(String, String)>, String> {
    let pairs: Vec<(String, String)> = match v {
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| {
                variable_name(k)?;
                match v {
                    Value::Null => Err(no_value(k)),
                    v => text(v)
                        .map(|t| (k.clone(), t))
                        .ok_or_else(|| format!("{k}: {v} is not a value; write text")),
                }
            })
            .collect::<Result<_, _>>()?,
        Value::Array(items) => items
            .iter()
            .map(|i| {
                let entry = i.as_str().ok_or_else(|| format!("{i} is not NAME=value"))?;
                let (k, v) = entry.split_once('=').ok_or_else(|| no_value(entry))?;
                variable_name(k)?;
                Ok((k.to_owned(), v.to_owned()))
            })
            .collect::<Result<_, String>>()?,
        other => {
            return Err(format!(
                "{other} is not an environment; write a map of NAME: value, or a list of NAME=value"
            ));
        }
    };
    let mut seen = std::collections::HashSet::new();
    for (k, _) in &pairs {
        if !seen.insert(k.as_str()) {
            return Err(format!("{k} is set twice; keep one"));
        }
    }
    Ok(pairs)
}

impl Process {
    /// Reads the process keys of a `compose:` map. Every problem is returned with the key it
    /// concerns and a message that states the rule.
    pub fn parse(map: &Map<String, Value>) -> Result<Self, Vec<(String, String)>> {
        let mut problems = Vec::new();
        let mut p = Process::default();
        let mut at = |key: &str, r: Result<(), String>| {
            if let Err(e) = r {
                problems.push((key.to_owned(), e));
            }
        };
        if let Some(v) = map.get("command") {
            at("command", words(v).map(|w| p.command = Some(w)));
        }
        if let Some(v) = map.get("entrypoint") {
            at("entrypoint", words(v).map(|w| p.entrypoint = Some(w)));
        }
        if let Some(v) = map.get("environment") {
            at("environment", environment(v).map(|e| p.environment = e));
        }
        if let Some(v) = map.get("working_dir") {
            let dir = match v.as_str() {
                Some(d) if d.starts_with('/') => Ok(d.to_owned()),
                _ => Err(format!(
                    "{v} is not a working directory; write an absolute path, e.g. /app"
                )),
            };
            at("working_dir", dir.map(|d| p.working_dir = Some(d)));
        }
        if problems.is_empty() {
            Ok(p)
        } else {
            Err(problems)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(v: Value) -> Result<Process, Vec<(String, String)>> {
        Process::parse(v.as_object().unwrap())
    }

    #[test]
    fn command_lines_split_as_a_shell_does() {
        let p =
            parse(json!({"command": "sh -c 'echo hello world'", "entrypoint": ["sleep", 3600]}))
                .unwrap();
        assert_eq!(
            p.command.unwrap(),
            ["sh", "-c", "echo hello world"].map(String::from)
        );
        assert_eq!(p.entrypoint.unwrap(), ["sleep", "3600"].map(String::from));
        let bad = parse(json!({"command": "echo 'unclosed", "entrypoint": {"a": 1}})).unwrap_err();
        assert_eq!(bad.len(), 2);
        assert_eq!(bad[0].0, "command");
        assert!(bad[0].1.contains("cannot be split"), "{bad:?}");
        assert_eq!(bad[1].0, "entrypoint");
    }

    #[test]
    fn environment_needs_a_value_for_every_name() {
        let p = parse(json!({"environment": {"B": 1, "A": "x y", "C": true}})).unwrap();
        assert_eq!(
            p.environment,
            vec![
                ("B".into(), "1".into()),
                ("A".into(), "x y".into()),
                ("C".into(), "true".into())
            ]
        );
        let p = parse(json!({"environment": ["A=1", "B=x=y", "C="]})).unwrap();
        assert_eq!(p.environment[1], ("B".into(), "x=y".into()));
        assert_eq!(p.environment[2], ("C".into(), String::new()));
        for bad in [
            json!({"environment": {"A": null}}),
            json!({"environment": ["A"]}),
            json!({"environment": ["A=1", "A=2"]}),
            json!({"environment": "A=1"}),
            json!({"environment": {"A B": "1"}}),
        ] {
            let e = parse(bad.clone()).unwrap_err();
            assert_eq!(e[0].0, "environment", "{bad}");
        }
        let e = parse(json!({"environment": ["TOKEN"]})).unwrap_err();
        assert!(e[0].1.contains("TOKEN has no value"), "{e:?}");
    }

    #[test]
    fn working_dir_is_absolute() {
        assert_eq!(
            parse(json!({"working_dir": "/srv"})).unwrap().working_dir,
            Some("/srv".into())
        );
        assert!(parse(json!({"working_dir": "srv"})).is_err());
        assert!(parse(json!({"working_dir": 3})).is_err());
    }
}
