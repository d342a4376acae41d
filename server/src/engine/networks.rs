//! Networks: list, inspect, create, remove, connect and disconnect containers.

use std::collections::{BTreeMap, HashMap};
use std::net::Ipv4Addr;

use bollard::models::{
    EndpointIpamConfig, EndpointSettings, Ipam, IpamConfig, NetworkConnectRequest,
    NetworkCreateRequest, NetworkDisconnectRequest,
};
use bollard::query_parameters::{EventsOptions, InspectNetworkOptions, ListNetworksOptions};
use futures_util::StreamExt;

use super::DockerEngine;
use super::error::{EngineError, is_not_found};
use super::live::LiveNetwork;
use super::spec::{EndpointSpec, NetworkSpec};

fn addr(text: &str) -> Option<Ipv4Addr> {
    text.split('/').next().and_then(|a| a.parse().ok())
}

fn sorted(map: Option<HashMap<String, String>>) -> BTreeMap<String, String> {
    map.unwrap_or_default().into_iter().collect()
}

impl DockerEngine {
    /// Networks created or removed on the engine from now on, as `create NAME` /
    /// `destroy NAME`, for as long as the stream is read; a failure of the stream is an
    /// item too, so the reader can say what it may have missed. (Docker keeps only a short
    /// history of events, and a remote engine's clock may differ from ours, so this listens
    /// live rather than asking for a time window afterwards.)
    pub fn network_changes(
        &self,
    ) -> impl futures_util::Stream<Item = Result<String, EngineError>> + use<> {
        let options = EventsOptions {
            since: None,
            until: None,
            filters: Some(HashMap::from([
                ("type".to_owned(), vec!["network".to_owned()]),
                (
                    "event".to_owned(),
                    vec!["create".to_owned(), "destroy".to_owned()],
                ),
            ])),
        };
        self.docker.events(Some(options)).map(|event| {
            let event = event.map_err(|e| EngineError::docker("listening to network events", e))?;
            let name = event
                .actor
                .and_then(|a| a.attributes)
                .and_then(|mut a| a.remove("name"))
                .unwrap_or_else(|| "?".to_owned());
            Ok(format!("{} {name}", event.action.unwrap_or_default()))
        })
    }

    /// Every network on the engine (without attached containers: see [`Self::network`]).
    pub async fn networks(&self) -> Result<Vec<LiveNetwork>, EngineError> {
        let list = self
            .docker
            .list_networks(None::<ListNetworksOptions>)
            .await
            .map_err(|e| EngineError::docker("listing networks", e))?;
        Ok(list
            .into_iter()
            .map(|n| {
                let ipam = n.ipam.and_then(|i| i.config).unwrap_or_default();
                let first = ipam
                    .into_iter()
                    .find(|c| c.subnet.as_deref().is_some_and(|s| s.contains('.')));
                LiveNetwork {
                    id: n.id.unwrap_or_default(),
                    name: n.name.unwrap_or_default(),
                    driver: n.driver.unwrap_or_default(),
                    internal: n.internal.unwrap_or(false),
                    subnet: first.as_ref().and_then(|c| c.subnet.clone()),
                    gateway: first.and_then(|c| c.gateway),
                    options: sorted(n.options),
                    labels: sorted(n.labels),
                    containers: Vec::new(),
                }
            })
            .collect())
    }

    /// The network called exactly `name`, with its attached containers; `None` when absent.
    pub async fn network(&self, name: &str) -> Result<Option<LiveNetwork>, EngineError> {
        let step = || format!("inspecting network {name}");
        let n = match self
            .docker
            .inspect_network(name, None::<InspectNetworkOptions>)
            .await
        {
            Ok(n) => n,
            Err(e) if is_not_found(&e) => return Ok(None),
            Err(e) => return Err(EngineError::docker(step(), e)),
        };
        // The engine also matches id prefixes: only an exact name is this network.
        if n.name.as_deref() != Some(name) {
            return Ok(None);
        }
        let ipam = n.ipam.and_then(|i| i.config).unwrap_or_default();
        let first = ipam
            .into_iter()
            .find(|c| c.subnet.as_deref().is_some_and(|s| s.contains('.')));
        let mut containers: Vec<(String, Option<Ipv4Addr>)> = n
            .containers
            .unwrap_or_default()
            .into_values()
            .map(|c| {
                (
                    c.name.unwrap_or_default(),
                    c.ipv4_address.as_deref().and_then(addr),
                )
            })
            .collect();
        containers.sort();
        Ok(Some(LiveNetwork {
            id: n.id.unwrap_or_default(),
            name: n.name.unwrap_or_default(),
            driver: n.driver.unwrap_or_default(),
            internal: n.internal.unwrap_or(false),
            subnet: first.as_ref().and_then(|c| c.subnet.clone()),
            gateway: first.and_then(|c| c.gateway),
            options: sorted(n.options),
            labels: sorted(n.labels),
            containers,
        }))
    }

    /// Creates a network from its spec.
    pub async fn create_network(&self, spec: &NetworkSpec) -> Result<(), EngineError> {
        self.changing();
        let request = NetworkCreateRequest {
            name: spec.name.clone(),
            driver: Some(spec.driver.clone()),
            internal: Some(spec.internal),
            attachable: Some(spec.driver == "overlay"),
            ipam: Some(Ipam {
                driver: Some("default".into()),
                config: Some(vec![IpamConfig {
                    subnet: Some(spec.subnet.to_string()),
                    gateway: Some(spec.gateway.to_string()),
                    ..Default::default()
                }]),
                options: None,
            }),
            options: Some(spec.options.clone().into_iter().collect()),
            labels: Some(spec.labels.clone().into_iter().collect()),
            ..Default::default()
        };
        self.docker
            .create_network(request)
            .await
            .map_err(|e| EngineError::docker(format!("creating network {}", spec.name), e))?;
        Ok(())
    }

    /// Removes a network by name.
    pub async fn remove_network(&self, name: &str) -> Result<(), EngineError> {
        self.changing();
        match self.docker.remove_network(name).await {
            Ok(()) => Ok(()),
            Err(e) if is_not_found(&e) => Ok(()),
            Err(e) => Err(EngineError::docker(format!("removing network {name}"), e)),
        }
    }

    /// Connects a container to a network with a fixed address and aliases.
    pub async fn join_network(
        &self,
        container: &str,
        endpoint: &EndpointSpec,
    ) -> Result<(), EngineError> {
        self.connect_endpoint(
            container,
            &endpoint.network,
            Some(endpoint.ipv4),
            &endpoint.aliases,
        )
        .await
    }

    /// Connects a container to a network, with an address when one is given.
    pub async fn connect_endpoint(
        &self,
        container: &str,
        network: &str,
        ipv4: Option<Ipv4Addr>,
        aliases: &[String],
    ) -> Result<(), EngineError> {
        self.changing();
        let request = NetworkConnectRequest {
            container: container.to_owned(),
            endpoint_config: Some(settings(ipv4, aliases)),
        };
        self.docker
            .connect_network(network, request)
            .await
            .map_err(|e| {
                let at = ipv4.map(|a| format!(" as {a}")).unwrap_or_default();
                EngineError::docker(format!("connecting {container} to {network}{at}"), e)
            })
    }

    /// Disconnects a container from a network (forcibly, so a stopped one works too).
    pub async fn disconnect(&self, container: &str, network: &str) -> Result<(), EngineError> {
        self.changing();
        let request = NetworkDisconnectRequest {
            container: container.to_owned(),
            force: Some(true),
        };
        self.docker
            .disconnect_network(network, request)
            .await
            .map_err(|e| {
                EngineError::docker(format!("disconnecting {container} from {network}"), e)
            })
    }
}

/// The endpoint settings for one network membership.
pub(super) fn endpoint_settings(endpoint: &EndpointSpec) -> EndpointSettings {
    settings(Some(endpoint.ipv4), &endpoint.aliases)
}

fn settings(ipv4: Option<Ipv4Addr>, aliases: &[String]) -> EndpointSettings {
    EndpointSettings {
        ipam_config: ipv4.map(|a| EndpointIpamConfig {
            ipv4_address: Some(a.to_string()),
            ..Default::default()
        }),
        aliases: (!aliases.is_empty()).then(|| aliases.to_vec()),
        ..Default::default()
    }
}
