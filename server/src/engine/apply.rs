//! Apply: execute a plan. Networks one at a time, container work with bounded
//! concurrency, a progress event per action, the firewall last (first on nftables); on a
//! failure it stops and reports what was done and what was not. Running it again
//! converges, since the next plan starts from what is there.

use std::collections::BTreeSet;

use design::ValidDesign;
use futures_util::StreamExt;
use futures_util::stream;
use serde::Serialize;

use super::DockerEngine;
use super::error::EngineError;
use super::firewall::FirewallBackend;
use super::plan::{Action, ActionKind, Phase, Plan};
use super::spec::ContainerSpec;

mod install_firewall;
mod pipeline;

use install_firewall::install_firewall;
use pipeline::pipeline;

/// How to apply.
#[derive(Debug, Clone, Copy)]
pub struct ApplyOptions {
    /// Also install the design's firewall chain (or nftables table) on this host.
    pub firewall: bool,
    /// How many container operations run at once.
    pub concurrency: usize,
}

impl Default for ApplyOptions {
    fn default() -> Self {
        Self {
            firewall: false,
            concurrency: 8,
        }
    }
}

/// Where one action stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum EventStatus {
    /// Under way.
    Started,
    /// Finished.
    Done,
    /// Failed; apply stops after the current phase.
    Failed { error: String },
}

/// Progress of one action, for the command line and the UI's stream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApplyEvent {
    /// Position in the plan (0-based).
    pub index: usize,
    /// Number of actions in the plan.
    pub total: usize,
    /// What (`create network` …).
    pub verb: String,
    /// On what.
    pub target: String,
    /// Where it stands.
    pub status: EventStatus,
}

/// What happened to the firewall.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum FirewallOutcome {
    /// Installed (or replaced) atomically.
    Installed {
        chain: String,
        /// What became of connections opened before it, when there was something to say.
        #[serde(skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// Not installed: why, and what to run instead.
    NotInstalled { reason: String },
    /// Installing failed.
    Failed { error: String },
}

/// What an apply did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ApplyReport {
    /// The design.
    pub design: String,
    /// Actions done, as `verb target`.
    pub done: Vec<String>,
    /// The first failure, as (`verb target`, error).
    pub failed: Option<(String, String)>,
    /// Actions not attempted because of the failure.
    pub not_done: Vec<String>,
    /// The firewall's part.
    pub firewall: FirewallOutcome,
    /// Changing calls made to the engine.
    pub engine_calls: usize,
}

impl ApplyReport {
    /// True when everything was done (the firewall not counted unless it failed).
    pub fn succeeded(&self) -> bool {
        self.failed.is_none() && !matches!(self.firewall, FirewallOutcome::Failed { .. })
    }

    fn text(&self) -> String {
        let mut out = format!("{}: {} action(s) done\n", self.design, self.done.len());
        if let Some((what, error)) = &self.failed {
            out.push_str(&format!("FAILED: {what}: {error}\n"));
            for n in &self.not_done {
                out.push_str(&format!("  not done: {n}\n"));
            }
            out.push_str(
                "Run apply again after fixing the cause: it continues from what is there.\n",
            );
        }
        match &self.firewall {
            FirewallOutcome::Installed { chain, note } => {
                out.push_str(&format!("firewall: chain {chain} installed\n"));
                if let Some(note) = note {
                    out.push_str(&format!("firewall: {note}\n"));
                }
            }
            FirewallOutcome::NotInstalled { reason } => {
                out.push_str(&format!("firewall: {reason}\n"))
            }
            FirewallOutcome::Failed { error } => {
                out.push_str(&format!("firewall: FAILED: {error}\n"))
            }
        }
        out
    }
}

super::report::report!(ApplyReport, |r| r.succeeded());

/// Where the firewall comes in an apply on `backend`, in the job's words.
pub fn firewall_step(backend: FirewallBackend) -> &'static str {
    match backend {
        FirewallBackend::Iptables => "waiting for the containers",
        FirewallBackend::Nftables => "first, before any container starts",
    }
}

fn label(a: &Action) -> String {
    format!("{} {}", a.kind.verb(), a.target)
}

async fn create_container(
    engine: &DockerEngine,
    spec: &ContainerSpec,
    recreate: bool,
) -> Result<(), EngineError> {
    if recreate {
        engine.remove_container(&spec.name).await?;
    }
    engine.create_container(spec).await?;
    for endpoint in spec.networks.iter().skip(1) {
        engine.join_network(&spec.name, endpoint).await?;
    }
    engine.start(&spec.name).await
}

async fn execute(engine: &DockerEngine, action: &Action) -> Result<(), EngineError> {
    match &action.kind {
        ActionKind::CreateNetwork { spec } => engine.create_network(spec).await,
        ActionKind::RecreateNetwork { spec, reconnect } => {
            for c in reconnect {
                engine.disconnect(c, &spec.name).await?;
            }
            engine.remove_network(&spec.name).await?;
            engine.create_network(spec).await
        }
        ActionKind::RemoveNetwork { name } => engine.remove_network(name).await,
        ActionKind::CreateContainer { spec } => create_container(engine, spec, false).await,
        ActionKind::RecreateContainer { spec } => create_container(engine, spec, true).await,
        ActionKind::RemoveContainer { name } => engine.remove_container(name).await,
        ActionKind::Connect {
            container,
            endpoint,
        } => engine.join_network(container, endpoint).await,
        ActionKind::Disconnect { container, network } => {
            engine.disconnect(container, network).await
        }
        ActionKind::StartContainer { name } => engine.start(name).await,
    }
}

/// Applies `plan` (made by [`super::plan()`] for `design` on `engine`), reporting each
/// action to `on_event`. A design with a finding of severity error that is not accepted with
/// a reason is refused before anything changes.
pub async fn apply(
    design: &ValidDesign,
    engine: &DockerEngine,
    plan: &Plan,
    options: ApplyOptions,
    on_event: &(dyn Fn(&ApplyEvent) + Send + Sync),
) -> Result<ApplyReport, EngineError> {
    design::findings::release(design)
        .map_err(|blocked| EngineError::Design(blocked.to_string()))?;
    let before = engine.changes_made();
    // Every image first: a missing one stops apply before anything changes.
    let images: BTreeSet<&str> = plan
        .actions
        .iter()
        .filter_map(|a| match &a.kind {
            ActionKind::CreateContainer { spec } | ActionKind::RecreateContainer { spec } => {
                Some(spec.image.as_str())
            }
            _ => None,
        })
        .collect();
    for image in images {
        engine.ensure_image(image).await?;
    }
    // On nftables the design's table is what isolates its isolated zones (Docker's ICC stays
    // on there): it goes in before any container starts, and nothing changes without it.
    let backend = engine.info().firewall.backend;
    let early = match backend {
        FirewallBackend::Nftables => Some(install_firewall(design, engine, options.firewall).await),
        FirewallBackend::Iptables => None,
    };
    if let Some(outcome) = &early
        && let Some(why) =
            install_firewall::refusal(design, engine, options.firewall, outcome).await
    {
        return Ok(ApplyReport {
            design: design.name.as_str().to_owned(),
            done: Vec::new(),
            failed: Some(("install firewall".into(), why)),
            not_done: plan.actions.iter().map(label).collect(),
            firewall: outcome.clone(),
            engine_calls: engine.changes_made() - before,
        });
    }

    let total = plan.actions.len();
    let run = |k: usize| {
        let action = &plan.actions[k];
        async move {
            on_event(&ApplyEvent {
                index: k,
                total,
                verb: action.kind.verb().to_owned(),
                target: action.target.clone(),
                status: EventStatus::Started,
            });
            let result = execute(engine, action).await;
            on_event(&ApplyEvent {
                index: k,
                total,
                verb: action.kind.verb().to_owned(),
                target: action.target.clone(),
                status: match &result {
                    Ok(()) => EventStatus::Done,
                    Err(e) => EventStatus::Failed {
                        error: e.to_string(),
                    },
                },
            });
            (k, Some(result))
        }
    };
    let width = options.concurrency.max(1);
    let mut done = Vec::new();
    let mut failed: Option<(String, String)> = None;
    let mut not_done = Vec::new();
    let mut i = 0;
    while i < total {
        let p = plan.actions[i].kind.phase();
        // Networks and the containers that join them form one stage (see `pipeline`).
        let network_stage = Phase::Networks..=Phase::Containers;
        let in_stage = |q: Phase| {
            if network_stage.contains(&p) {
                network_stage.contains(&q)
            } else {
                q == p
            }
        };
        let mut j = i;
        while j < total && in_stage(plan.actions[j].kind.phase()) {
            j += 1;
        }
        if failed.is_some() {
            not_done.extend(plan.actions[i..j].iter().map(label));
            i = j;
            continue;
        }
        let mut results: Vec<(usize, Option<Result<(), EngineError>>)> =
            if network_stage.contains(&p) {
                pipeline(plan, i..j, width, &run).await
            } else {
                // Containers sharing another's network namespace wait for it: one at a time.
                let width = if p == Phase::SharedNamespace {
                    1
                } else {
                    width
                };
                stream::iter(i..j)
                    .map(&run)
                    .buffer_unordered(width)
                    .collect()
                    .await
            };
        results.sort_by_key(|(k, _)| *k);
        for (k, result) in results {
            match result {
                Some(Ok(())) => done.push(label(&plan.actions[k])),
                Some(Err(e)) if failed.is_none() => {
                    failed = Some((label(&plan.actions[k]), e.to_string()))
                }
                _ => not_done.push(label(&plan.actions[k])),
            }
        }
        i = j;
    }

    let firewall = match early {
        Some(outcome) => outcome,
        None if failed.is_some() => FirewallOutcome::NotInstalled {
            reason: "not attempted: the engine part failed".into(),
        },
        None => install_firewall(design, engine, options.firewall).await,
    };
    Ok(ApplyReport {
        design: design.name.as_str().to_owned(),
        done,
        failed,
        not_done,
        firewall,
        engine_calls: engine.changes_made() - before,
    })
}
