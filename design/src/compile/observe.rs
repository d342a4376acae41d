//! `mode: observe` (docs/design-format.md, "Observe mode"): every rule that would drop
//! traffic in an observed part of the design logs it instead (rate-limited, prefix
//! [`LOG_OBSERVE`]) and counts it, then lets it through.
//!
//! Which part a rule belongs to:
//! - a rule between members of one zone (its input and output interface are the zone's
//!   bridge: the zone's isolation and the deny flows in it) follows the zone's `mode`;
//! - every other rule (the host policy, `protect_host`, `protect_published`) follows the
//!   design's `mode`.
//!
//! Letting through means what the engine would do without the drop: a rule between members
//! of a zone accepts (the drop was final for that traffic, and on an iptables engine an
//! isolated zone's network has Docker's ICC off: Docker would drop what the zone's isolation
//! rule no longer does, and the accept is what keeps observing from enforcing anyway); any
//! other only counts, and the packet carries on through the rules after it, then Docker's and
//! the host's own. What Docker enforces by itself stays enforced in observe mode:
//! zones' separation from each other and an internal zone's lack of a route out. With the
//! design's firewall missing, an isolated zone on iptables falls back to Docker's ICC off:
//! observing fails closed.
//!
//! A drop with a per-source limit (the host policy's rate limits) counts without logging:
//! a second rule with the same limit would count each connection twice.

use crate::ValidDesign;
use crate::raw::{Driver, PolicyMode};

use super::policy::{LOG_DENY, Rule, Verdict, comment};

/// Log prefix of connections an observed rule would have dropped.
pub const LOG_OBSERVE: &str = "BULKHEAD-OBSERVE ";

/// The word after the design's name in the comment of a rule that observes.
pub const OBSERVE_MARK: &str = "observe";

/// Whether `rule` is in an observed part of `design`.
fn observed(design: &ValidDesign, rule: &Rule) -> bool {
    let mode = match (&rule.in_iface, &rule.out_iface) {
        (Some(i), Some(o)) if i == o => design
            .zones
            .iter()
            .find(|z| z.bridge.as_str() == i.as_str())
            .map_or(design.mode, |z| z.mode),
        _ => design.mode,
    };
    mode == PolicyMode::Observe
}

/// What the artifact's header says of observe mode, when some part of `design` observes.
pub(super) fn notes(design: &ValidDesign) -> Vec<String> {
    let zones: Vec<&str> = design
        .zones
        .iter()
        .filter(|z| z.mode == PolicyMode::Observe && z.driver == Driver::Bridge)
        .map(|z| z.name.as_str())
        .collect();
    let mut notes = Vec::new();
    if design.mode == PolicyMode::Observe {
        notes.push("observe mode: the host policy logs (BULKHEAD-OBSERVE) and counts what it would drop, and lets it through".to_owned());
    }
    if !zones.is_empty() {
        notes.push(format!(
            "observe mode in zone(s) {}: the isolation and deny flows between members log (BULKHEAD-OBSERVE) and count what they would drop, and let it through",
            zones.join(", ")
        ));
    }
    if !notes.is_empty() {
        notes.push("enforced anyway in observe mode: Docker's separation of zones (networks) and internal zones' lack of a route out".to_owned());
    }
    notes
}

/// `rules` with the drops in observed parts of `design` turned into log, count and pass.
pub(super) fn apply(design: &ValidDesign, rules: Vec<Rule>) -> Vec<Rule> {
    let prefix = format!("bulkhead {} ", design.name);
    let mut out = Vec::with_capacity(rules.len());
    for rule in rules {
        if !observed(design, &rule) {
            out.push(rule);
            continue;
        }
        match rule.verdict {
            // The observe log below takes the place of the log of what is denied.
            Verdict::Log(LOG_DENY) => {}
            Verdict::Drop => {
                let between_members = rule.in_iface.is_some() && rule.in_iface == rule.out_iface;
                let marked = match rule.comment.strip_prefix(&prefix) {
                    Some(rest) => format!("{prefix}{OBSERVE_MARK} {rest}"),
                    None => format!("{OBSERVE_MARK} {}", rule.comment),
                };
                let pass = Rule {
                    verdict: if between_members {
                        Verdict::Accept
                    } else {
                        Verdict::Count
                    },
                    comment: comment(marked),
                    ..rule
                };
                if pass.limit.is_none() {
                    out.push(pass.logged(LOG_OBSERVE));
                }
                out.push(pass);
            }
            _ => out.push(rule),
        }
    }
    out
}
