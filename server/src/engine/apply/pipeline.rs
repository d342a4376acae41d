//! Apply's network stage: networks made one at a time, and meanwhile each container made as
//! soon as the networks it joins exist.

use std::collections::HashMap;

use futures_util::StreamExt;
use futures_util::stream;

use crate::engine::error::EngineError;
use crate::engine::plan::{ActionKind, Phase, Plan};

/// The network stage: network actions one at a time in plan order (the engine serialises
/// address management anyway), and meanwhile, with `width` at once, every bridged container
/// whose networks already exist, so container work does not wait for the last network.
/// After a failed network action the rest of the stage is not attempted (`None`).
pub(super) async fn pipeline<F, Fut>(
    plan: &Plan,
    range: std::ops::Range<usize>,
    width: usize,
    run: &F,
) -> Vec<(usize, Option<Result<(), EngineError>>)>
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = (usize, Option<Result<(), EngineError>>)>,
{
    let networks: Vec<usize> = range
        .clone()
        .filter(|&k| plan.actions[k].kind.phase() != Phase::Containers)
        .collect();
    // Position (1-based) in `networks` of the action that creates each network.
    let created: HashMap<&str, usize> = networks
        .iter()
        .enumerate()
        .filter_map(|(pos, &k)| match &plan.actions[k].kind {
            ActionKind::CreateNetwork { spec } | ActionKind::RecreateNetwork { spec, .. } => {
                Some((spec.name.as_str(), pos + 1))
            }
            _ => None,
        })
        .collect();
    // Position (1-based) of each network recreation that disconnects a container first: the
    // container's own work waits for it, or both would change the container at once.
    let disconnects = |container: &str| -> usize {
        networks
            .iter()
            .enumerate()
            .filter(|(_, k)| {
                matches!(&plan.actions[**k].kind,
                    ActionKind::RecreateNetwork { reconnect, .. } if reconnect.iter().any(|c| c == container))
            })
            .map(|(pos, _)| pos + 1)
            .max()
            .unwrap_or(0)
    };
    let mut containers: Vec<(usize, usize)> = range
        .filter(|&k| plan.actions[k].kind.phase() == Phase::Containers)
        .map(|k| {
            let needs = match &plan.actions[k].kind {
                ActionKind::CreateContainer { spec } | ActionKind::RecreateContainer { spec } => {
                    let joins = spec
                        .networks
                        .iter()
                        .filter_map(|e| created.get(e.network.as_str()).copied())
                        .max()
                        .unwrap_or(0);
                    joins.max(disconnects(&spec.name))
                }
                _ => 0,
            };
            (needs, k)
        })
        .collect();
    // The ones ready first go first, so no slot waits while another could work.
    containers.sort_unstable();

    // How many network actions have succeeded, and whether one failed.
    let (progress, watch) = tokio::sync::watch::channel((0usize, false));
    let network_side = async {
        let mut out = Vec::new();
        for (pos, &k) in networks.iter().enumerate() {
            if progress.borrow().1 {
                out.push((k, None));
                continue;
            }
            let (k, result) = run(k).await;
            let ok = matches!(result, Some(Ok(())));
            out.push((k, result));
            progress.send_modify(|p| {
                if ok {
                    p.0 = pos + 1;
                } else {
                    p.1 = true;
                }
            });
        }
        out
    };
    let container_side = stream::iter(containers)
        .map(|(needs, k)| {
            let mut watch = watch.clone();
            async move {
                let ready = watch
                    .wait_for(|(done, failed)| *done >= needs || *failed)
                    .await
                    .is_ok_and(|p| p.0 >= needs);
                if ready { run(k).await } else { (k, None) }
            }
        })
        .buffer_unordered(width)
        .collect::<Vec<_>>();
    let (mut out, containers) = futures_util::join!(network_side, container_side);
    out.extend(containers);
    out
}
