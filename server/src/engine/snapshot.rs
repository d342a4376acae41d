//! What plan reads of an engine for one design, read once and concurrently where it can, so
//! that comparing it with the design is a pure function ([`super::diff`]); its hash is the
//! engine's fingerprint, which tells whether the engine changed since a plan was made.

use std::collections::{BTreeMap, BTreeSet};

use futures_util::future::try_join_all;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::error::EngineError;
use super::host_net::HostNet;
use super::live::{LiveContainer, LiveNetwork};
use super::spec::Specs;
use super::{DockerEngine, labels};

/// The part of an engine one design concerns.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Live {
    /// Every network on the engine, by name; the design's own ones with their attached
    /// containers.
    pub networks: BTreeMap<String, LiveNetwork>,
    /// The containers the design could touch, by name: those its specs name, those attached
    /// to its networks, and those carrying its label.
    pub containers: BTreeMap<String, LiveContainer>,
    /// The names of the containers carrying the design's label.
    pub labelled: BTreeSet<String>,
    /// The host's own interfaces, routes and addresses, when the engine runs on this host.
    pub host: Option<HostNet>,
}

impl Live {
    /// Reads the engine for `specs`.
    pub async fn read(engine: &DockerEngine, specs: &Specs) -> Result<Live, EngineError> {
        let label = format!("{}={}", labels::DESIGN, specs.design);
        let host = async {
            match engine.info().local {
                true => HostNet::read().await.map(Some),
                false => Ok(None),
            }
        };
        let (list, labelled, host) = futures_util::try_join!(
            engine.networks(),
            engine.container_names_with_label(&label),
            host
        )?;
        let mut networks: BTreeMap<String, LiveNetwork> =
            list.into_iter().map(|n| (n.name.clone(), n)).collect();
        // The design's networks in full, with the containers attached to them.
        let present: Vec<&str> = specs
            .networks
            .iter()
            .map(|n| n.name.as_str())
            .filter(|n| networks.contains_key(*n))
            .collect();
        for network in try_join_all(present.iter().map(|n| engine.network(n)))
            .await?
            .into_iter()
            .flatten()
        {
            networks.insert(network.name.clone(), network);
        }
        let mut names: BTreeSet<&str> = specs.containers.iter().map(|c| c.name.as_str()).collect();
        names.extend(labelled.iter().map(String::as_str));
        for network in present.iter().filter_map(|n| networks.get(*n)) {
            names.extend(network.containers.iter().map(|(c, _)| c.as_str()));
        }
        let containers = try_join_all(names.iter().map(|n| engine.container(n)))
            .await?
            .into_iter()
            .flatten()
            .map(|c| (c.name.clone(), c))
            .collect();
        Ok(Live {
            networks,
            containers,
            labelled: labelled.into_iter().collect(),
            host,
        })
    }

    /// A hash of everything read: two reads of an unchanged engine give the same value, and
    /// any change a plan depends on (an object created, removed, stopped, reconnected or
    /// relabelled) gives another.
    pub fn fingerprint(&self) -> String {
        let bytes = serde_json::to_vec(self).expect("plain data always serialises");
        hex::encode(Sha256::digest(&bytes))
    }
}
