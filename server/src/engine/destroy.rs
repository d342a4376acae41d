//! Destroy: remove everything Bulkhead created for a design (containers, networks, the
//! firewall chain) and nothing else.

use design::ValidDesign;
use serde::Serialize;

use super::error::EngineError;
use super::firewall;
use super::spec::{self};
use super::{DockerEngine, labels};

/// What destroy did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DestroyReport {
    /// The design.
    pub design: String,
    /// Containers removed.
    pub containers: Vec<String>,
    /// Networks removed.
    pub networks: Vec<String>,
    /// Objects with the design's names that Bulkhead does not own: left alone.
    pub left_alone: Vec<String>,
    /// The firewall chain (or table) removed, when there was one.
    pub firewall: Option<String>,
    /// Why the firewall was not looked at, when it was not.
    pub firewall_note: Option<String>,
}

impl DestroyReport {
    fn text(&self) -> String {
        let mut out = format!(
            "{}: removed {} container(s), {} network(s)\n",
            self.design,
            self.containers.len(),
            self.networks.len()
        );
        for c in &self.containers {
            out.push_str(&format!("  removed container {c}\n"));
        }
        for n in &self.networks {
            out.push_str(&format!("  removed network {n}\n"));
        }
        if let Some(chain) = &self.firewall {
            out.push_str(&format!("  removed firewall {chain} and the jumps to it\n"));
        }
        if let Some(note) = &self.firewall_note {
            out.push_str(&format!("  firewall: {note}\n"));
        }
        for l in &self.left_alone {
            out.push_str(&format!("  left alone (not Bulkhead's): {l}\n"));
        }
        out
    }
}

super::report::report!(DestroyReport, |_r| true);

/// Removes the design's containers, networks and firewall from the engine.
pub async fn destroy(
    design: &ValidDesign,
    engine: &DockerEngine,
) -> Result<DestroyReport, EngineError> {
    let name = design.name.as_str();
    let owner_label = format!("{}={name}", labels::DESIGN);
    let mut report = DestroyReport {
        design: name.to_owned(),
        containers: Vec::new(),
        networks: Vec::new(),
        left_alone: Vec::new(),
        firewall: None,
        firewall_note: None,
    };
    let owned_containers = engine.container_names_with_label(&owner_label).await?;
    for spec in spec::container_specs(design) {
        if !owned_containers.contains(&spec.name) && engine.container(&spec.name).await?.is_some() {
            report.left_alone.push(format!("container {}", spec.name));
        }
    }
    // Namespace joiners first: a container whose namespace others use cannot go before them.
    let mut ordered = owned_containers;
    let mut joiners = Vec::new();
    for c in &ordered {
        if engine
            .container(c)
            .await?
            .is_some_and(|l| l.network_mode.starts_with("container:"))
        {
            joiners.push(c.clone());
        }
    }
    ordered.retain(|c| !joiners.contains(c));
    for c in joiners.into_iter().chain(ordered) {
        engine.remove_container(&c).await?;
        report.containers.push(c);
    }
    for live in engine.networks().await? {
        if live.labels.get(labels::DESIGN).map(String::as_str) == Some(name) {
            engine.remove_network(&live.name).await?;
            report.networks.push(live.name);
        }
    }
    for spec in spec::network_specs(design, engine.info().firewall.backend) {
        if !report.networks.contains(&spec.name) && engine.network(&spec.name).await?.is_some() {
            report.left_alone.push(format!("network {}", spec.name));
        }
    }
    let fw = &engine.info().firewall;
    if fw.can_change {
        report.firewall = firewall::remove(fw, design).await?;
    } else {
        report.firewall_note = Some(format!(
            "not looked at ({}); remove it with the exported script's --remove",
            fw.note
                .as_deref()
                .unwrap_or("cannot change the host firewall")
        ));
    }
    Ok(report)
}
