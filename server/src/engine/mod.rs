//! The Docker engine boundary (docs/architecture.md, "On an engine"): [`DockerEngine`] wraps bollard, one file per
//! resource, and converts bollard's models to our own at once, so nothing outside this
//! module sees a bollard type. On top of it: [`plan()`], [`apply()`], [`verify()`],
//! [`drift()`], [`import_docker`], quarantine ([`isolate()`], [`restore()`]), [`destroy()`].

mod apply;
mod containers;
pub mod counters;
pub mod denied;
mod destroy;
mod diff;
mod drift;
mod error;
mod firewall;
mod host_net;
mod images;
mod import;
mod info;
mod inventory;
mod live;
mod networks;
mod plan;
mod quarantine;
mod report;
mod snapshot;
mod spec;
mod verify;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

pub use apply::{
    ApplyEvent, ApplyOptions, ApplyReport, EventStatus, FirewallOutcome, apply, firewall_step,
};
pub use destroy::{DestroyReport, destroy};
pub use diff::diff;
pub use drift::{Difference, DriftReport, drift};
pub use error::EngineError;
pub(crate) use firewall::state as firewall_state;
pub use firewall::{
    FirewallBackend, FirewallState, HostFirewall, by_hand as firewall_by_hand,
    left_out as firewall_left_out,
};
pub use firewall::{design_needs_firewall, wanted as firewall_wanted};
pub use host_net::{HostAddress, HostNet, HostRoute};
pub use images::{PROBE_IMAGE, busybox_image};
pub use import::import_docker;
pub use info::EngineInfo;
pub use inventory::{DeployedDesign, Inventory, inventory};
pub use live::{LiveContainer, LiveEndpoint, LiveNetwork};
pub use plan::{Action, ActionKind, Conflict, Phase, Plan};
pub use quarantine::{
    QuarantineRecord, QuarantinedEndpoint, isolate, legacy_records, restore, snapshot,
};
pub use report::Report;
pub use snapshot::Live;
pub use spec::{
    ContainerNetwork, ContainerSpec, EndpointSpec, Healthcheck, NetworkSpec, PortBinding, Specs,
    container_specs, network_specs,
};
pub use verify::{Check, Target, Transport, VerifyOptions, VerifyReport, verify};

/// Labels on every object Bulkhead creates.
pub mod labels {
    /// The design an object belongs to; its presence is what "Bulkhead owns it" means.
    pub const DESIGN: &str = "io.bulkhead.design";
    /// The zone a network implements.
    pub const ZONE: &str = "io.bulkhead.zone";
    /// The service a container implements.
    pub const SERVICE: &str = "io.bulkhead.service";
    /// Hash of the container's desired configuration, to compare without false drift.
    pub const CONFIG_HASH: &str = "io.bulkhead.config-hash";
    /// Marks an isolated zone's network where ICC cannot tell it (nftables engines keep ICC
    /// on), so that importing the engine finds the zone isolated.
    pub const ISOLATED: &str = "io.bulkhead.isolated";
    /// Marks a short-lived verify probe.
    pub const PROBE: &str = "io.bulkhead.probe";
}

/// The files a TLS connection to an engine uses, as paths on this host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    /// The CA certificate the engine's certificate must chain to.
    pub ca: std::path::PathBuf,
    /// The client certificate.
    pub cert: std::path::PathBuf,
    /// The client certificate's key.
    pub key: std::path::PathBuf,
}

/// How long connecting (and learning the engine's version) may take before the engine
/// counts as unreachable.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// A connection to one Docker engine, with what was learned about it on connect.
#[derive(Clone)]
pub struct DockerEngine {
    docker: bollard::Docker,
    info: Arc<EngineInfo>,
    /// Calls that change the engine (create, remove, connect …), for "apply twice changes
    /// nothing" and for progress figures.
    changes: Arc<AtomicUsize>,
}

impl std::fmt::Debug for DockerEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DockerEngine")
            .field("info", &self.info)
            .finish()
    }
}

impl DockerEngine {
    /// Connects through `DOCKER_HOST` (unix, tcp, tcp+TLS with `DOCKER_TLS_VERIFY` and
    /// `DOCKER_CERT_PATH`) or the default socket.
    pub async fn connect() -> Result<Self, EngineError> {
        let host = std::env::var("DOCKER_HOST")
            .ok()
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| "unix:///var/run/docker.sock".to_owned());
        Self::connect_to(&host).await
    }

    /// Connects to `host` (`unix:///path`, `tcp://host:port`, `https://host:port`).
    pub async fn connect_to(host: &str) -> Result<Self, EngineError> {
        let docker =
            bollard::Docker::connect_with_host(host).map_err(|e| EngineError::Unreachable {
                host: host.to_owned(),
                reason: e.to_string(),
            })?;
        Self::negotiate(docker, host).await
    }

    /// Connects to `host` (`tcp://` or `https://`) over TLS: the engine's certificate is
    /// checked against `tls.ca`, and the client shows `tls.cert` with its key.
    pub async fn connect_tls(host: &str, tls: &TlsFiles) -> Result<Self, EngineError> {
        let addr = host
            .strip_prefix("https://")
            .or_else(|| host.strip_prefix("tcp://"))
            .unwrap_or(host);
        let docker = bollard::Docker::connect_with_ssl(
            addr,
            &tls.key,
            &tls.cert,
            &tls.ca,
            CONNECT_TIMEOUT.as_secs(),
            bollard::API_DEFAULT_VERSION,
        )
        .map_err(|e| EngineError::Unreachable {
            host: host.to_owned(),
            reason: e.to_string(),
        })?;
        Self::negotiate(docker, host).await
    }

    /// Agrees on an API version with the engine and learns about it, within
    /// [`CONNECT_TIMEOUT`] each.
    async fn negotiate(docker: bollard::Docker, host: &str) -> Result<Self, EngineError> {
        let unreachable = |reason: String| EngineError::Unreachable {
            host: host.to_owned(),
            reason,
        };
        let docker = tokio::time::timeout(CONNECT_TIMEOUT, docker.negotiate_version())
            .await
            .map_err(|_| unreachable(format!("no answer within {} s", CONNECT_TIMEOUT.as_secs())))?
            .map_err(|e| unreachable(e.to_string()))?;
        let info = tokio::time::timeout(CONNECT_TIMEOUT, info::learn(&docker, host))
            .await
            .map_err(|_| {
                unreachable(format!("no answer within {} s", CONNECT_TIMEOUT.as_secs()))
            })??;
        Ok(Self {
            docker,
            info: Arc::new(info),
            changes: Arc::new(AtomicUsize::new(0)),
        })
    }

    /// What was learned about the engine on connect.
    pub fn info(&self) -> &EngineInfo {
        &self.info
    }

    /// How many changing calls this connection has made so far.
    pub fn changes_made(&self) -> usize {
        self.changes.load(Ordering::Relaxed)
    }

    fn changing(&self) {
        self.changes.fetch_add(1, Ordering::Relaxed);
    }
}

/// Reads the engine once and lists what applying `design` would change, by the pure
/// comparison [`diff()`]. Nothing is changed.
pub async fn plan(
    design: &design::ValidDesign,
    engine: &DockerEngine,
) -> Result<Plan, EngineError> {
    let specs = Specs::of(design, engine.info().firewall.backend);
    let live = Live::read(engine, &specs).await?;
    Ok(diff(&specs, &live))
}
