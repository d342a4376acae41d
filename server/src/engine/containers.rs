//! Containers: inspect, list by label, create from a spec, start, remove; and the
//! short-lived probe containers verify runs.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use bollard::models::{
    ContainerCreateBody, ContainerInspectResponse, HealthConfig, HostConfig, NetworkingConfig,
    PortBinding, RestartPolicy, RestartPolicyNameEnum,
};
use bollard::query_parameters::{
    CreateContainerOptions, InspectContainerOptions, ListContainersOptions, LogsOptions,
    RemoveContainerOptions, StartContainerOptions, WaitContainerOptions,
};
use futures_util::StreamExt;

use super::DockerEngine;
use super::error::{EngineError, is_not_found};
use super::live::{LiveContainer, LiveEndpoint, normalise_caps};
use super::networks::endpoint_settings;
use super::spec::{ContainerNetwork, ContainerSpec};

fn restart_policy(policy: design::model::RestartPolicy) -> RestartPolicy {
    use design::model::RestartPolicy as Policy;
    let (name, retries) = match policy {
        Policy::No => (RestartPolicyNameEnum::NO, None),
        Policy::Always => (RestartPolicyNameEnum::ALWAYS, None),
        Policy::UnlessStopped => (RestartPolicyNameEnum::UNLESS_STOPPED, None),
        Policy::OnFailure(n) => (RestartPolicyNameEnum::ON_FAILURE, n.map(i64::from)),
    };
    RestartPolicy {
        name: Some(name),
        maximum_retry_count: retries,
    }
}

impl DockerEngine {
    /// What the engine says of the container `name` (by name or id); `None` when absent.
    pub(crate) async fn inspect(
        &self,
        name: &str,
    ) -> Result<Option<ContainerInspectResponse>, EngineError> {
        match self
            .docker
            .inspect_container(name, None::<InspectContainerOptions>)
            .await
        {
            Ok(c) => Ok(Some(c)),
            Err(e) if is_not_found(&e) => Ok(None),
            Err(e) => Err(EngineError::docker(
                format!("inspecting container {name}"),
                e,
            )),
        }
    }

    /// The container called exactly `name`; `None` when absent.
    pub async fn container(&self, name: &str) -> Result<Option<LiveContainer>, EngineError> {
        let Some(c) = self.inspect(name).await? else {
            return Ok(None);
        };
        let live_name = c
            .name
            .unwrap_or_default()
            .trim_start_matches('/')
            .to_owned();
        if live_name != name {
            return Ok(None);
        }
        let id = c.id.unwrap_or_default();
        let short_id: String = id.chars().take(12).collect();
        let config = c.config.unwrap_or_default();
        let host = c.host_config.unwrap_or_default();
        let state = c.state.unwrap_or_default();
        let mut networks: Vec<LiveEndpoint> = c
            .network_settings
            .and_then(|n| n.networks)
            .unwrap_or_default()
            .into_iter()
            .map(|(network, ep)| LiveEndpoint {
                network,
                ipv4: ep.ip_address.as_deref().and_then(|a| a.parse().ok()),
                pinned: ep
                    .ipam_config
                    .and_then(|i| i.ipv4_address)
                    .and_then(|a| a.parse().ok()),
                aliases: ep
                    .aliases
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|a| *a != short_id && *a != live_name)
                    .collect(),
            })
            .collect();
        networks.sort_by(|a, b| a.network.cmp(&b.network));
        let mut ports: Vec<String> = host
            .port_bindings
            .unwrap_or_default()
            .into_iter()
            .flat_map(|(port, bindings)| {
                bindings.unwrap_or_default().into_iter().map(move |b| {
                    format!(
                        "{}:{}:{port}",
                        b.host_ip
                            .filter(|i| !i.is_empty())
                            .unwrap_or_else(|| "0.0.0.0".into()),
                        b.host_port.unwrap_or_default()
                    )
                })
            })
            .collect();
        ports.sort();
        Ok(Some(LiveContainer {
            id,
            name: live_name,
            image: config.image.unwrap_or_default(),
            running: state.running.unwrap_or(false),
            state: state.status.map(|s| s.to_string()).unwrap_or_default(),
            labels: config.labels.unwrap_or_default().into_iter().collect(),
            network_mode: host.network_mode.unwrap_or_default(),
            networks,
            privileged: host.privileged.unwrap_or(false),
            read_only: host.readonly_rootfs.unwrap_or(false),
            cap_add: normalise_caps(&host.cap_add.unwrap_or_default()),
            cap_drop: normalise_caps(&host.cap_drop.unwrap_or_default()),
            user: config.user.filter(|u| !u.is_empty()),
            ports,
        }))
    }

    /// Names of the containers (running or not) carrying `label` (`key` or `key=value`).
    pub async fn container_names_with_label(
        &self,
        label: &str,
    ) -> Result<Vec<String>, EngineError> {
        let mut filters = HashMap::new();
        filters.insert("label".to_owned(), vec![label.to_owned()]);
        let list = self
            .docker
            .list_containers(Some(ListContainersOptions {
                all: true,
                filters: Some(filters),
                ..Default::default()
            }))
            .await
            .map_err(|e| EngineError::docker("listing containers", e))?;
        let mut names: Vec<String> = list
            .into_iter()
            .filter_map(|c| c.names.and_then(|n| n.into_iter().next()))
            .map(|n| n.trim_start_matches('/').to_owned())
            .collect();
        names.sort();
        Ok(names)
    }

    /// Names of every container on the engine.
    pub async fn container_names(&self) -> Result<Vec<String>, EngineError> {
        let list = self
            .docker
            .list_containers(Some(ListContainersOptions {
                all: true,
                ..Default::default()
            }))
            .await
            .map_err(|e| EngineError::docker("listing containers", e))?;
        let mut names: Vec<String> = list
            .into_iter()
            .filter_map(|c| c.names.and_then(|n| n.into_iter().next()))
            .map(|n| n.trim_start_matches('/').to_owned())
            .collect();
        names.sort();
        Ok(names)
    }

    /// Creates a container from its spec, joined to its first network (older engines take
    /// only one at create; the rest are connected afterwards).
    pub async fn create_container(&self, spec: &ContainerSpec) -> Result<(), EngineError> {
        self.changing();
        let mut port_bindings: HashMap<String, Option<Vec<PortBinding>>> = HashMap::new();
        for p in &spec.ports {
            port_bindings
                .entry(format!("{}/{}", p.container_port, p.protocol))
                .or_insert_with(|| Some(Vec::new()))
                .get_or_insert_with(Vec::new)
                .push(PortBinding {
                    host_ip: Some(p.host_ip.clone()),
                    host_port: Some(p.host_port.map(|h| h.to_string()).unwrap_or_default()),
                });
        }
        let mut exposed: Vec<String> = port_bindings.keys().cloned().collect();
        exposed.sort();
        let network_mode = match spec.networks.first() {
            Some(first) if spec.network_mode == ContainerNetwork::Bridge => first.network.clone(),
            _ => spec.network_mode.docker_mode(),
        };
        let networking_config = spec.networks.first().map(|first| NetworkingConfig {
            endpoints_config: Some(HashMap::from([(
                first.network.clone(),
                endpoint_settings(first),
            )])),
        });
        let body = ContainerCreateBody {
            image: Some(spec.image.clone()),
            cmd: spec.cmd.clone(),
            entrypoint: spec.entrypoint.clone(),
            env: Some(spec.env.clone()),
            user: spec.user.clone(),
            working_dir: spec.working_dir.clone(),
            labels: Some(spec.labels.clone().into_iter().collect()),
            exposed_ports: (!exposed.is_empty()).then_some(exposed),
            healthcheck: spec.healthcheck.as_ref().map(|h| HealthConfig {
                // Empty: the image's own test, with these timings.
                test: (!h.test.is_empty()).then(|| h.test.clone()),
                interval: h.interval,
                timeout: h.timeout,
                retries: h.retries,
                start_period: h.start_period,
                start_interval: h.start_interval,
            }),
            host_config: Some(HostConfig {
                binds: (!spec.binds.is_empty()).then(|| spec.binds.clone()),
                network_mode: Some(network_mode),
                port_bindings: (!port_bindings.is_empty()).then_some(port_bindings),
                restart_policy: spec.restart.map(restart_policy),
                cap_add: (!spec.cap_add.is_empty()).then(|| spec.cap_add.clone()),
                cap_drop: (!spec.cap_drop.is_empty()).then(|| spec.cap_drop.clone()),
                privileged: Some(spec.privileged),
                readonly_rootfs: Some(spec.read_only),
                security_opt: (!spec.security_opt.is_empty()).then(|| spec.security_opt.clone()),
                tmpfs: (!spec.tmpfs.is_empty()).then(|| spec.tmpfs.clone().into_iter().collect()),
                pids_limit: spec.pids_limit,
                memory: spec.memory,
                nano_cpus: spec.nano_cpus,
                ulimits: (!spec.ulimits.is_empty()).then(|| {
                    spec.ulimits
                        .iter()
                        .map(|u| bollard::models::ResourcesUlimits {
                            name: Some(u.name.to_owned()),
                            soft: Some(u.soft),
                            hard: Some(u.hard),
                        })
                        .collect()
                }),
                ..Default::default()
            }),
            networking_config,
            ..Default::default()
        };
        self.docker
            .create_container(
                Some(CreateContainerOptions {
                    name: Some(spec.name.clone()),
                    ..Default::default()
                }),
                body,
            )
            .await
            .map_err(|e| EngineError::docker(format!("creating container {}", spec.name), e))?;
        Ok(())
    }

    /// Starts a container.
    pub async fn start(&self, name: &str) -> Result<(), EngineError> {
        self.changing();
        self.docker
            .start_container(name, None::<StartContainerOptions>)
            .await
            .map_err(|e| EngineError::docker(format!("starting container {name}"), e))
    }

    /// Removes a container, running or not; absent is fine.
    pub async fn remove_container(&self, name: &str) -> Result<(), EngineError> {
        self.changing();
        match self
            .docker
            .remove_container(
                name,
                Some(RemoveContainerOptions {
                    force: true,
                    v: false,
                    link: false,
                }),
            )
            .await
        {
            Ok(()) => Ok(()),
            Err(e) if is_not_found(&e) => Ok(()),
            Err(e) => Err(EngineError::docker(format!("removing container {name}"), e)),
        }
    }

    /// Runs a short-lived container to completion and returns its output; the container is
    /// removed whatever happens. `network_mode` is e.g. `container:<name>`.
    pub(crate) async fn run_to_completion(
        &self,
        name: &str,
        image: &str,
        network_mode: &str,
        cmd: Vec<String>,
        labels: BTreeMap<String, String>,
        limit: Duration,
    ) -> Result<String, EngineError> {
        let result = self
            .run_inner(name, image, network_mode, cmd, labels, limit)
            .await;
        let cleanup = self.remove_container(name).await;
        let out = result?;
        cleanup?;
        Ok(out)
    }

    async fn run_inner(
        &self,
        name: &str,
        image: &str,
        network_mode: &str,
        cmd: Vec<String>,
        labels: BTreeMap<String, String>,
        limit: Duration,
    ) -> Result<String, EngineError> {
        let body = ContainerCreateBody {
            image: Some(image.to_owned()),
            cmd: Some(cmd),
            labels: Some(labels.into_iter().collect()),
            network_disabled: None,
            host_config: Some(HostConfig {
                network_mode: Some(network_mode.to_owned()),
                cap_drop: Some(vec!["ALL".into()]),
                cap_add: Some(vec!["NET_RAW".into()]),
                ..Default::default()
            }),
            ..Default::default()
        };
        self.docker
            .create_container(
                Some(CreateContainerOptions {
                    name: Some(name.to_owned()),
                    ..Default::default()
                }),
                body,
            )
            .await
            .map_err(|e| EngineError::docker(format!("creating probe {name}"), e))?;
        self.docker
            .start_container(name, None::<StartContainerOptions>)
            .await
            .map_err(|e| EngineError::docker(format!("starting probe {name}"), e))?;
        let wait = async {
            let mut stream = self
                .docker
                .wait_container(name, None::<WaitContainerOptions>);
            while let Some(item) = stream.next().await {
                // A non-zero exit arrives as an error item; the output still tells.
                if item.is_err() {
                    break;
                }
            }
        };
        tokio::time::timeout(limit, wait).await.map_err(|_| {
            EngineError::docker(
                format!("probe {name}"),
                format!("did not finish within {} s", limit.as_secs()),
            )
        })?;
        let mut logs = self.docker.logs(
            name,
            Some(LogsOptions {
                stdout: true,
                stderr: true,
                ..Default::default()
            }),
        );
        let mut out = String::new();
        while let Some(chunk) = logs.next().await {
            let chunk = chunk
                .map_err(|e| EngineError::docker(format!("reading probe {name} output"), e))?;
            out.push_str(&String::from_utf8_lossy(&chunk.into_bytes()));
        }
        Ok(out)
    }
}
