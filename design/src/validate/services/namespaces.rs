//! Services sharing another's network namespace (`network: container:<service>`): the
//! target must exist, and the chains may not form a circle.

use std::collections::{HashMap, HashSet};

use super::{Draft, Net};
use crate::diagnostic::Code;
use crate::validate::ctx::{Ctx, did_you_mean, key, suggest};

/// Drops services whose `container:` target is missing or refused, and those in a
/// cycle, reporting each root cause once.
pub(super) fn settle(
    ctx: &mut Ctx,
    drafts: &mut Vec<Draft<'_>>,
    refused: &mut HashSet<String>,
    all: &HashSet<&str>,
) {
    loop {
        let alive: HashSet<String> = drafts.iter().map(|d| d.raw_name.to_owned()).collect();
        let before = drafts.len();
        drafts.retain(|d| match &d.net {
            Net::Container(t) if !alive.contains(t) => {
                if !all.contains(t.as_str()) {
                    let hint = did_you_mean(suggest(t, all.iter().copied()));
                    ctx.error(
                        Code::UnknownService,
                        format!("services.{}.network", key(d.raw_name)),
                        format!("container:{t} names no service; name an existing service to share its network.{hint}"),
                    );
                }
                refused.insert(d.raw_name.to_owned());
                false
            }
            _ => true,
        });
        if drafts.len() != before {
            continue;
        }
        let target: HashMap<&str, &str> = drafts
            .iter()
            .filter_map(|d| match &d.net {
                Net::Container(t) => Some((d.raw_name, t.as_str())),
                _ => None,
            })
            .collect();
        let mut in_cycle: HashSet<String> = HashSet::new();
        for &start in target.keys() {
            let mut seen = vec![start];
            let mut cur = start;
            while let Some(&next) = target.get(cur) {
                if let Some(pos) = seen.iter().position(|&s| s == next) {
                    let cycle = &seen[pos..];
                    let mut members: Vec<&str> = cycle.to_vec();
                    members.sort_unstable();
                    if members[0] == start {
                        let chain: Vec<String> = cycle
                            .iter()
                            .map(|s| (*s).to_owned())
                            .chain([next.to_owned()])
                            .collect();
                        ctx.error(
                            Code::ContainerCycle,
                            format!("services.{}.network", key(start)),
                            format!("services share network namespaces in a circle ({}); one of them must be bridged or closed", chain.join(" -> ")),
                        );
                    }
                    in_cycle.extend(cycle.iter().map(|s| (*s).to_owned()));
                    break;
                }
                seen.push(next);
                cur = next;
            }
        }
        if in_cycle.is_empty() {
            return;
        }
        drafts.retain(|d| !in_cycle.contains(d.raw_name));
        refused.extend(in_cycle);
    }
}
