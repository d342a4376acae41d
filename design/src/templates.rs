//! Built-in designs to start from.

/// The names of the built-in templates, in the order they are offered.
pub const NAMES: &[&str] = &["three-tier", "segmented-host"];

/// The YAML text of the template called `name`.
pub fn get(name: &str) -> Option<&'static str> {
    match name {
        "three-tier" => Some(include_str!("../templates/three-tier.yaml")),
        "segmented-host" => Some(include_str!("../templates/segmented-host.yaml")),
        _ => None,
    }
}
