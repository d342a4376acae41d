//! A Compose file read into a design (issue: Compose import). Networks become zones,
//! services become services; what a design has no field for is carried under `compose:`
//! or, when it cannot be mapped at all, reported as a note rather than dropped silently.
//! A file Bulkhead exported comes back as the design it came from: trust levels,
//! accepted findings, flows and the host policy travel in `io.bulkhead.*` labels and the
//! `x-bulkhead` extension.

mod networks;
mod services;
mod values;

use indexmap::IndexMap;
use serde_json::{Map, Value};

use crate::budget::{Budget, Counted, MAX_VALUES};
use crate::raw::{RawDefaults, RawDesign, RawFlow, RawHost, UniqueMap};
use networks::zones;
use services::service;
use values::scalar;

/// A Compose file read as a design, with what could not be mapped.
#[derive(Debug, Clone, PartialEq)]
pub struct ComposeImport {
    /// The design (not yet validated: run [`crate::validate`] on it).
    pub design: RawDesign,
    /// What was left out or changed, each at the Compose path it concerns.
    pub notes: Vec<ImportNote>,
}

/// Something of the Compose file the design does not carry as it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportNote {
    /// Dotted path in the Compose file, e.g. `networks.backend.external`.
    pub path: String,
    /// What happened to it, and what to do.
    pub message: String,
}

/// Why a Compose file could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    /// The YAML is malformed.
    #[error("line {line}, column {column}: {message}")]
    Yaml {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// The document is valid YAML but not a Compose file.
    #[error("{0}")]
    NotCompose(String),
}

/// The most notes an import keeps; past it they are counted, so that a hostile file cannot
/// make the answer grow with every value it holds.
pub const MAX_NOTES: usize = 200;

#[derive(Default)]
struct Ctx {
    notes: Vec<ImportNote>,
    dropped: usize,
}

impl Ctx {
    pub(super) fn note(&mut self, path: impl Into<String>, message: impl Into<String>) {
        if self.notes.len() >= MAX_NOTES {
            self.dropped += 1;
            return;
        }
        self.notes.push(ImportNote {
            path: path.into(),
            message: message.into(),
        });
    }

    /// The notes, with one more saying how many were left out.
    fn finish(mut self) -> Vec<ImportNote> {
        if self.dropped > 0 {
            self.notes.push(ImportNote {
                path: String::new(),
                message: format!(
                    "{} more notes were left out; fix the ones above and import again to see them",
                    self.dropped
                ),
            });
        }
        self.notes
    }
}

fn parse_yaml(text: &str) -> Result<Value, ImportError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if let Some((line, column)) = crate::nesting::too_deep(text) {
        return Err(ImportError::Yaml {
            line,
            column,
            message: crate::nesting::too_deep_message(),
        });
    }
    let located = |e: &serde_norway::Error| {
        let (line, column) = e.location().map_or((1, 1), |l| (l.line(), l.column()));
        let message = e.to_string();
        let message = match message.rfind(" at line ") {
            Some(at) => message[..at].to_owned(),
            None => message,
        };
        ImportError::Yaml {
            line,
            column,
            message,
        }
    };
    crate::expansion::check(text).map_err(|r| ImportError::Yaml {
        line: r.line,
        column: r.column,
        message: r.message,
    })?;
    let budget = Budget::new(MAX_VALUES);
    let counted = Counted {
        inner: serde_norway::Deserializer::from_str(text),
        budget: &budget,
    };
    let mut value = <serde_norway::Value as serde::Deserialize>::deserialize(counted)
        .map_err(|e| located(&e))?;
    value.apply_merge().map_err(|e| located(&e))?;
    serde_json::to_value(&value).map_err(|e| {
        ImportError::NotCompose(format!(
            "the file uses YAML that has no JSON equivalent ({e}); use string keys"
        ))
    })
}

/// Every string value read as Compose gives it to Docker where it can be without an
/// environment: `$$` is a `$`. A `$NAME` or `${NAME}` that Compose would fill from the
/// environment of whoever runs it is kept as written text, with a note, since a design holds
/// the value itself (its export escapes the `$`).
fn uninterpolate(ctx: &mut Ctx, path: &str, value: &mut Value) {
    let at = |k: &str| {
        if path.is_empty() {
            k.to_owned()
        } else {
            format!("{path}.{k}")
        }
    };
    match value {
        Value::String(s) if s.contains('$') => {
            let mut out = String::with_capacity(s.len());
            let mut chars = s.chars().peekable();
            let mut interpolated = false;
            while let Some(c) = chars.next() {
                if c == '$' {
                    match chars.peek() {
                        Some('$') => {
                            chars.next();
                        }
                        Some(n) if *n == '{' || *n == '_' || n.is_ascii_alphabetic() => {
                            interpolated = true;
                        }
                        _ => {}
                    }
                }
                out.push(c);
            }
            if interpolated {
                ctx.note(
                    path,
                    "Compose fills $NAME and ${NAME} from the environment of whoever runs it; the design keeps the text as written, so put the value itself here (or, for a secret, use the design's secrets:)",
                );
            }
            *s = out;
        }
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                uninterpolate(ctx, &format!("{path}[{i}]"), item);
            }
        }
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                uninterpolate(ctx, &at(k), v);
            }
        }
        _ => {}
    }
}

/// A top-level `volumes:` or `secrets:` map, entry by entry: an entry in a form the design
/// has no place for is left out with a note (validation then names the services that use it).
fn section<T: serde::de::DeserializeOwned>(
    ctx: &mut Ctx,
    name: &str,
    value: &Value,
) -> UniqueMap<T> {
    let mut out = UniqueMap::default();
    let Some(map) = value.as_object() else {
        ctx.note(name, "not a map; left out");
        return out;
    };
    for (k, v) in map {
        match serde_json::from_value::<T>(v.clone()) {
            Ok(entry) => {
                out.0.insert(k.clone(), entry);
            }
            Err(e) => ctx.note(
                format!("{name}.{k}"),
                format!("a design has no place for this entry ({e}); left out"),
            ),
        }
    }
    out
}

/// The `x-bulkhead` extension a Bulkhead export carries.
fn extension(ctx: &mut Ctx, design: &mut RawDesign, x: &Value) {
    let Some(x) = x.as_object() else {
        ctx.note("x-bulkhead", "not a map; left out");
        return;
    };
    if let Some(d) = x.get("description").and_then(Value::as_str) {
        design.description = Some(d.to_owned());
    }
    if let Some(p) = x.get("subnet_pool").and_then(scalar) {
        design.defaults.subnet_pool = Some(p);
    }
    if let Some(flows) = x.get("flows") {
        match serde_json::from_value::<Vec<RawFlow>>(flows.clone()) {
            Ok(f) => design.flows = f,
            Err(e) => ctx.note(
                "x-bulkhead.flows",
                format!("not design flows ({e}); left out"),
            ),
        }
    }
    if let Some(host) = x.get("host") {
        match serde_json::from_value::<RawHost>(host.clone()) {
            Ok(h) => design.host = Some(h),
            Err(e) => ctx.note(
                "x-bulkhead.host",
                format!("not a host policy ({e}); left out"),
            ),
        }
    }
}

/// Reads a Compose file as a design. The design's name is the `x-bulkhead` name of a
/// Bulkhead export, else the file's top-level `name:`, else `fallback_name` (Compose's
/// own default is the directory's name). Malformed YAML is refused with its line and
/// column; everything else that cannot be mapped becomes a note.
pub fn compose(text: &str, fallback_name: &str) -> Result<ComposeImport, ImportError> {
    let mut doc = parse_yaml(text)?;
    let mut ctx = Ctx::default();
    uninterpolate(&mut ctx, "", &mut doc);
    let Some(doc) = doc.as_object() else {
        return Err(ImportError::NotCompose(
            "a Compose file is a map with `services:`; this document is not a map".to_owned(),
        ));
    };
    let ext = doc.get("x-bulkhead");
    let name = ext
        .and_then(|x| x.get("name"))
        .and_then(Value::as_str)
        .or_else(|| doc.get("name").and_then(Value::as_str))
        .unwrap_or(fallback_name)
        .to_owned();
    for (k, _) in doc {
        if ![
            "services",
            "networks",
            "volumes",
            "secrets",
            "name",
            "version",
            "x-bulkhead",
        ]
        .contains(&k.as_str())
        {
            ctx.note(k.clone(), format!("top-level `{k}` has no place in a design; left out (services that refer to it keep their reference under compose:)"));
        }
    }
    let mut zones = zones(&mut ctx, &name, doc);
    let services = match doc.get("services") {
        Some(Value::Object(s)) => s.clone(),
        Some(_) => {
            return Err(ImportError::NotCompose(
                "`services` must be a map of service names to definitions".to_owned(),
            ));
        }
        None => Map::new(),
    };
    let containers: IndexMap<String, String> = services
        .iter()
        .map(|(n, s)| {
            let cn = s.get("container_name").and_then(Value::as_str).map_or_else(
                || crate::compile::container_name_of(&name, n),
                str::to_owned,
            );
            (cn, n.clone())
        })
        .collect();
    let mut raw_services = UniqueMap::default();
    for (n, s) in &services {
        let empty = Map::new();
        let s = match s {
            Value::Object(m) => m,
            Value::Null => &empty,
            _ => {
                ctx.note(
                    format!("services.{n}"),
                    "not a service definition; left out",
                );
                continue;
            }
        };
        let svc = service(&mut ctx, &name, n, s, &mut zones, &containers);
        raw_services.0.insert(n.clone(), svc);
    }
    let mut design = RawDesign {
        bulkhead: 1,
        name,
        description: None,
        mode: None,
        defaults: RawDefaults::default(),
        zones: zones.raw,
        services: raw_services,
        flows: Vec::new(),
        host: None,
        volumes: Default::default(),
        secrets: Default::default(),
    };
    if let Some(v) = doc.get("volumes") {
        design.volumes = section(&mut ctx, "volumes", v);
    }
    if let Some(v) = doc.get("secrets") {
        design.secrets = section(&mut ctx, "secrets", v);
    }
    if let Some(x) = ext {
        extension(&mut ctx, &mut design, x);
    }
    Ok(ComposeImport {
        design,
        notes: ctx.finish(),
    })
}
