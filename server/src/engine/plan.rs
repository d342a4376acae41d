//! What a plan is: the changes applying a design would make, each with its reason and its
//! phase, and the objects in the way. [`super::plan()`] makes one; nothing is changed here.

use serde::Serialize;

use super::spec::{ContainerNetwork, ContainerSpec, EndpointSpec, NetworkSpec};

/// One change to the engine.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum ActionKind {
    /// Create a zone's network.
    CreateNetwork { spec: NetworkSpec },
    /// Remove and create a network whose immutable options changed; the named containers
    /// are disconnected first and connected again afterwards.
    RecreateNetwork {
        spec: NetworkSpec,
        reconnect: Vec<String>,
    },
    /// Remove a network of this design whose zone is gone.
    RemoveNetwork { name: String },
    /// Create, connect and start a service's container.
    CreateContainer { spec: Box<ContainerSpec> },
    /// Remove a container and create it again.
    RecreateContainer { spec: Box<ContainerSpec> },
    /// Remove a container of this design whose service is gone.
    RemoveContainer { name: String },
    /// Connect a container to a network.
    Connect {
        container: String,
        endpoint: EndpointSpec,
    },
    /// Disconnect a container from a network.
    Disconnect { container: String, network: String },
    /// Start a stopped container.
    StartContainer { name: String },
}

/// When an action runs: apply goes through the phases in order. Actions of one phase may run
/// concurrently, except that networks are made one at a time (and containers start as soon
/// as their networks exist), and containers sharing another's namespace wait for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Phase {
    /// Containers whose service is gone are removed.
    RemoveContainers,
    /// Containers leave networks they should not be on (or must rejoin).
    Disconnect,
    /// Networks are created or recreated.
    Networks,
    /// Networks whose zone is gone are removed.
    RemoveNetworks,
    /// Containers with networks of their own are created or recreated.
    Containers,
    /// Containers sharing another's network namespace, after it.
    SharedNamespace,
    /// Containers join networks.
    Connect,
    /// Stopped containers are started.
    Start,
}

/// An action with its reason.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Action {
    /// What.
    #[serde(flatten)]
    pub kind: ActionKind,
    /// The object it concerns.
    pub target: String,
    /// Why, in words.
    pub reason: String,
}

/// An object with one of our names that Bulkhead does not own: never touched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Conflict {
    /// `network` or `container`.
    pub object: String,
    /// Its name.
    pub name: String,
    /// Why it is a conflict and what to do.
    pub reason: String,
}

/// What applying a design would do.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    /// The design.
    pub design: String,
    /// The fingerprint of the engine state the plan was computed against
    /// ([`super::Live::fingerprint`]): a plan is stale once the engine's differs.
    pub fingerprint: String,
    /// The changes, in the order apply makes them (phases; see `apply`).
    pub actions: Vec<Action>,
    /// Objects in the way.
    pub conflicts: Vec<Conflict>,
    /// Notes that change nothing (e.g. `compose:` keys only the export carries).
    pub notes: Vec<String>,
}

impl Plan {
    /// True when applying would change nothing on the engine.
    pub fn is_empty(&self) -> bool {
        self.actions.is_empty()
    }

    fn text(&self) -> String {
        let mut out = String::new();
        if self.actions.is_empty() {
            out.push_str(&format!("{}: nothing to change\n", self.design));
        } else {
            out.push_str(&format!(
                "{}: {} change(s)\n",
                self.design,
                self.actions.len()
            ));
            for a in &self.actions {
                out.push_str(&format!(
                    "  {:<19} {:<40} {}\n",
                    a.kind.verb(),
                    a.target,
                    a.reason
                ));
            }
        }
        for c in &self.conflicts {
            out.push_str(&format!(
                "  CONFLICT {} {}: {}\n",
                c.object, c.name, c.reason
            ));
        }
        for n in &self.notes {
            out.push_str(&format!("  note: {n}\n"));
        }
        out
    }
}

super::report::report!(Plan, |r| r.conflicts.is_empty());

impl ActionKind {
    /// When apply runs it.
    pub fn phase(&self) -> Phase {
        match self {
            Self::RemoveContainer { .. } => Phase::RemoveContainers,
            Self::Disconnect { .. } => Phase::Disconnect,
            Self::CreateNetwork { .. } | Self::RecreateNetwork { .. } => Phase::Networks,
            Self::RemoveNetwork { .. } => Phase::RemoveNetworks,
            Self::CreateContainer { spec } | Self::RecreateContainer { spec } => {
                if matches!(spec.network_mode, ContainerNetwork::Container(_)) {
                    Phase::SharedNamespace
                } else {
                    Phase::Containers
                }
            }
            Self::Connect { .. } => Phase::Connect,
            Self::StartContainer { .. } => Phase::Start,
        }
    }

    /// A short verb for listings.
    pub fn verb(&self) -> &'static str {
        match self {
            Self::CreateNetwork { .. } => "create network",
            Self::RecreateNetwork { .. } => "recreate network",
            Self::RemoveNetwork { .. } => "remove network",
            Self::CreateContainer { .. } => "create container",
            Self::RecreateContainer { .. } => "recreate container",
            Self::RemoveContainer { .. } => "remove container",
            Self::Connect { .. } => "connect",
            Self::Disconnect { .. } => "disconnect",
            Self::StartContainer { .. } => "start",
        }
    }
}
