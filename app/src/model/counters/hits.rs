//! What the canvas draws of a deployment's counters: the packets per flow and per isolated
//! zone.

use super::{FirewallCounters, OBSERVE, RuleKind};

/// Packets a flow's or a zone's rules matched.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Hit {
    pub packets: u64,
    /// Its rules stop traffic (a deny flow, a zone's isolation).
    pub blocked: bool,
    /// Its rules are in observe mode: they would stop it.
    pub observed: bool,
}

/// What the canvas shows of a deployment's counters.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Hits {
    /// By flow index.
    pub flows: std::collections::BTreeMap<usize, Hit>,
    /// By zone name: its isolation.
    pub zones: std::collections::BTreeMap<String, Hit>,
}

impl Hits {
    /// The isolation of zone `name`: by its name, or by both ends of it when the rule's
    /// comment was cut in the middle to fit the firewall (`zone-a-lo .. ng-name`).
    pub fn zone(&self, name: &str) -> Option<Hit> {
        self.zones.get(name).copied().or_else(|| {
            self.zones.iter().find_map(|(key, hit)| {
                let (head, tail) = key.split_once(" .. ")?;
                let fits = name.len() >= head.len() + tail.len();
                (fits && name.starts_with(head) && name.ends_with(tail)).then_some(*hit)
            })
        })
    }
}

impl FirewallCounters {
    /// What the canvas draws: per flow (by its index) and per isolated zone (by name), the
    /// packets their rules matched and whether those were stopped or, in observe mode, would
    /// have been.
    pub fn hits(&self) -> Hits {
        let mut hits = Hits::default();
        for r in &self.rules {
            let hit = Hit {
                packets: r.packets,
                blocked: r.verdict == "drop",
                observed: r.verdict == OBSERVE,
            };
            let slot = match (r.kind, r.flow) {
                (RuleKind::Allow | RuleKind::Deny | RuleKind::ViaHost, Some(i)) => {
                    hits.flows.entry(i).or_default()
                }
                (RuleKind::Isolation, _) => {
                    let body = r.rule.strip_prefix("observe ").unwrap_or(&r.rule);
                    let Some(zone) = body
                        .strip_prefix("zone ")
                        .and_then(|z| z.strip_suffix(" isolated"))
                    else {
                        continue;
                    };
                    hits.zones.entry(zone.to_owned()).or_default()
                }
                _ => continue,
            };
            slot.packets += hit.packets;
            slot.blocked |= hit.blocked;
            slot.observed |= hit.observed;
        }
        hits
    }
}

#[cfg(test)]
mod tests {
    use super::super::{RuleCount, classify};
    use super::*;

    #[test]
    fn hits_by_flow_and_zone() {
        let rule = |rule: &str, verdict: &str, packets: u64| {
            let (kind, flow, verdict) = classify(rule, verdict);
            RuleCount {
                kind,
                flow,
                rule: rule.into(),
                hook: "forward".into(),
                verdict: verdict.into(),
                packets,
                bytes: packets * 60,
                rate: None,
            }
        };
        let c = FirewallCounters::sample(
            vec![
                rule("zone data established", "accept", 50),
                rule("flow[0] allow api>db tcp/5432 zone data", "accept", 3),
                rule("flow[0] allow api>db tcp/5432 zone ops", "accept", 2),
                rule(
                    "observe flow[1] deny cache>db tcp/5432 zone data",
                    "accept",
                    4,
                ),
                rule("zone data isolated", "drop", 7),
                rule("observe zone web isolated", "accept", 1),
            ],
            Vec::new(),
        );
        let h = c.hits();
        assert_eq!(
            h.flows[&0],
            Hit {
                packets: 5,
                blocked: false,
                observed: false
            }
        );
        assert_eq!(
            h.flows[&1],
            Hit {
                packets: 4,
                blocked: false,
                observed: true
            }
        );
        assert_eq!(
            h.zones["data"],
            Hit {
                packets: 7,
                blocked: true,
                observed: false
            }
        );
        assert_eq!(
            h.zones["web"],
            Hit {
                packets: 1,
                blocked: false,
                observed: true
            }
        );
        assert_eq!(h.zones.len(), 2);
    }

    #[test]
    fn a_zone_whose_comment_was_cut_is_found_by_both_ends() {
        let mut h = Hits::default();
        let hit = Hit {
            packets: 3,
            blocked: true,
            observed: false,
        };
        h.zones.insert("zone-with-a-lo .. g-name".into(), hit);
        assert_eq!(h.zone("zone-with-a-long-name"), Some(hit));
        assert_eq!(h.zone("zone-with-a-long-other"), None);
        assert_eq!(h.zone("zone-with-a-lo"), None, "both ends, not overlapping");
    }
}
