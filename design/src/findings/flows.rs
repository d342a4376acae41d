//! Findings about flows that change nothing.

use crate::model::{Flow, PortSet, ValidDesign};
use crate::raw::Action;
use crate::reach::Reachability;

use super::{Finding, FindingCode};

enum Effect {
    /// The flow changes what this pair can reach.
    Effective,
    /// Nothing to change: an open zone already allows it, or nothing it denies is reachable.
    None,
    /// Earlier flows already do what it does (or denies cut all it allows).
    Covered,
}

fn effect(reach: &Reachability<'_>, fi: u32, flow: &Flow, a: usize, b: usize) -> Effect {
    let (za, zb) = (&reach.zones[a], &reach.zones[b]);
    let open = za.intersects_outside(zb, &reach.isolated);
    let isolated = za.intersects_within(zb, &reach.isolated);
    let Some(pf) = reach.pair_flows(reach.owner[a], reach.owner[b]) else {
        return Effect::None;
    };
    let earlier = |list: &[u32]| -> Vec<u32> { list.iter().copied().filter(|&f| f < fi).collect() };
    match flow.action {
        Action::Allow => {
            if !isolated {
                return Effect::None;
            }
            let adds = flow.port_set.difference(&reach.union(&pf.deny));
            if adds.is_empty() || adds.is_subset(&reach.union(&earlier(&pf.allow))) {
                Effect::Covered
            } else {
                Effect::Effective
            }
        }
        Action::Deny => {
            let mut base = if open {
                PortSet::any()
            } else {
                PortSet::empty()
            };
            if isolated {
                base = base.union(&reach.union(&pf.allow));
            }
            let cuts = base.intersection(&flow.port_set);
            if cuts.is_empty() {
                Effect::None
            } else if cuts.is_subset(&reach.union(&earlier(&pf.deny))) {
                Effect::Covered
            } else {
                Effect::Effective
            }
        }
    }
}

/// Flows with no effect, and flows covered by earlier ones.
pub(super) fn check(design: &ValidDesign, reach: &Reachability<'_>, out: &mut Vec<Finding>) {
    // Flows via the host open published ports, which the direct analysis does not look at.
    for (fi, flow) in design.flows.iter().enumerate().filter(|(_, f)| !f.via_host) {
        let sources = design.endpoint_services(flow.from);
        let targets = design.endpoint_services(flow.to);
        let mut any_effective = false;
        let mut any_covered = false;
        'pairs: for &a in &sources {
            for &b in &targets {
                let (oa, ob) = (
                    reach.owner[a.index()] as usize,
                    reach.owner[b.index()] as usize,
                );
                if oa == ob {
                    continue;
                }
                match effect(reach, fi as u32, flow, a.index(), b.index()) {
                    Effect::Effective => {
                        any_effective = true;
                        break 'pairs;
                    }
                    Effect::Covered => any_covered = true,
                    Effect::None => {}
                }
            }
        }
        if any_effective {
            continue;
        }
        let (from, to) = (
            design.endpoint_name(flow.from),
            design.endpoint_name(flow.to),
        );
        let path = format!("flows[{}]", flow.index);
        if any_covered {
            out.push(Finding::new(
                FindingCode::FlowShadowed,
                path,
                format!("the {} flow {from} -> {to} ({}) is covered by earlier flows and changes nothing; remove it or change its ports", flow.action.as_str(), flow.port_set),
            ));
        } else {
            let why = match flow.action {
                Action::Allow => {
                    "they share a zone that is not isolated, which already allows every port"
                }
                Action::Deny => "nothing it denies is reachable in the first place",
            };
            out.push(Finding::new(
                FindingCode::FlowNoEffect,
                path,
                format!("the {} flow {from} -> {to} ({}) has no effect: {why}; remove it, or make the zone isolated if the flow is meant to be the only way in", flow.action.as_str(), flow.port_set),
            ));
        }
    }
}
