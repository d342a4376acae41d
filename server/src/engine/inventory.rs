//! What Bulkhead owns on an engine: its networks and containers, by design, and whether
//! each design's firewall is in place, for the engines page.

use std::collections::{BTreeMap, HashMap};

use bollard::query_parameters::ListContainersOptions;
use serde::Serialize;

use super::error::EngineError;
use super::firewall::{self, FirewallState};
use super::{DockerEngine, labels};

/// One design found on an engine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeployedDesign {
    /// The design's name (its objects' `io.bulkhead.design` label).
    pub name: String,
    /// Its networks.
    pub networks: usize,
    /// Its containers (verify's probes aside).
    pub containers: usize,
    /// How many of them run.
    pub running: usize,
    /// Its firewall on the engine's host.
    pub firewall: FirewallState,
}

/// Everything Bulkhead owns on an engine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Inventory {
    /// Networks carrying Bulkhead's label.
    pub networks: usize,
    /// Containers carrying it (probes aside).
    pub containers: usize,
    /// By design, in name order.
    pub designs: Vec<DeployedDesign>,
}

/// Reads what Bulkhead owns on `engine`.
pub async fn inventory(engine: &DockerEngine) -> Result<Inventory, EngineError> {
    let mut designs: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    let networks = engine.networks().await?;
    let mut network_count = 0;
    for n in &networks {
        if let Some(d) = n.labels.get(labels::DESIGN) {
            network_count += 1;
            designs.entry(d.clone()).or_default().0 += 1;
        }
    }
    let list = engine
        .docker
        .list_containers(Some(ListContainersOptions {
            all: true,
            filters: Some(HashMap::from([(
                "label".to_owned(),
                vec![labels::DESIGN.to_owned()],
            )])),
            ..Default::default()
        }))
        .await
        .map_err(|e| EngineError::docker("listing containers", e))?;
    let mut container_count = 0;
    for c in list {
        let labels = c.labels.unwrap_or_default();
        if labels.contains_key(labels::PROBE) {
            continue;
        }
        if let Some(d) = labels.get(labels::DESIGN) {
            container_count += 1;
            let entry = designs.entry(d.clone()).or_default();
            entry.1 += 1;
            if c.state.is_some_and(|s| s.to_string() == "running") {
                entry.2 += 1;
            }
        }
    }
    let fw = &engine.info().firewall;
    let mut out = Vec::with_capacity(designs.len());
    for (name, (networks, containers, running)) in designs {
        let firewall = match design::model::DesignName::parse(&name) {
            Ok(design) => firewall::state_by_name(fw, &design).await,
            Err(_) => FirewallState::Unknown {
                reason: "the label is not a design name Bulkhead would write".into(),
            },
        };
        out.push(DeployedDesign {
            name,
            networks,
            containers,
            running,
            firewall,
        });
    }
    Ok(Inventory {
        networks: network_count,
        containers: container_count,
        designs: out,
    })
}
