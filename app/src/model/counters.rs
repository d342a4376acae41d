//! What a deployment's firewall has done: each rule Bulkhead installed, with the packets and
//! bytes it matched since the apply that installed it.

use serde::{Deserialize, Serialize};

mod hits;
pub use hits::{Hit, Hits};

/// What a firewall rule is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RuleKind {
    /// A flow's allow rule in an isolated zone.
    Allow,
    /// A flow's deny rule.
    Deny,
    /// A flow through a published port (`via: host`).
    ViaHost,
    /// The drop that isolates a zone (what no flow allows).
    Isolation,
    /// The host policy (inbound limits and allowances, `protect_host`).
    Host,
    /// The closing of published ports (`protect_published`).
    Published,
    /// Replies of allowed connections and other bookkeeping.
    Replies,
}

impl RuleKind {
    pub fn label(self) -> &'static str {
        match self {
            RuleKind::Allow => "flow allowed",
            RuleKind::Deny => "flow denied",
            RuleKind::ViaHost => "flow via the host",
            RuleKind::Isolation => "zone isolation",
            RuleKind::Host => "host policy",
            RuleKind::Published => "published ports closed",
            RuleKind::Replies => "replies",
        }
    }

    /// What a rule tells from its comment (`rule`, without the design's prefix) and its
    /// verdict (`accept`, `drop`, `return`).
    pub fn of(rule: &str, verdict: &str) -> (RuleKind, Option<usize>) {
        if let Some(rest) = rule.strip_prefix("flow[")
            && let Some((n, tail)) = rest.split_once(']')
        {
            let flow = n.parse().ok();
            let kind = if tail.starts_with(" via host ") {
                RuleKind::ViaHost
            } else if verdict == "drop" {
                RuleKind::Deny
            } else {
                RuleKind::Allow
            };
            return (kind, flow);
        }
        let kind = if rule.starts_with("protect_published ") {
            RuleKind::Published
        } else if rule.starts_with("host ")
            || rule.starts_with("host_ports ")
            || rule.starts_with("protect_host ")
        {
            RuleKind::Host
        } else if rule.ends_with(" isolated") {
            RuleKind::Isolation
        } else {
            RuleKind::Replies
        };
        (kind, None)
    }

    /// Whether what the rule matches is stopped.
    pub fn blocks(self, verdict: &str) -> bool {
        verdict == "drop"
    }
}

/// The verdict of a rule in observe mode: it counts and lets through what it would drop.
pub const OBSERVE: &str = "observe";

/// A counted rule's comment (without the design's prefix) and verdict as the firewall has
/// them, told as (rule, verdict, kind, flow): a rule in observe mode (its comment starts
/// with `observe `) is a drop that lets through, whatever it passes with.
pub fn classify(rule: &str, verdict: &str) -> (RuleKind, Option<usize>, &'static str) {
    match rule.strip_prefix("observe ") {
        Some(body) => {
            let (kind, flow) = RuleKind::of(body, "drop");
            (kind, flow, OBSERVE)
        }
        None => {
            let (kind, flow) = RuleKind::of(rule, verdict);
            let verdict = match verdict {
                "accept" => "accept",
                "drop" => "drop",
                "return" => "return",
                _ => "other",
            };
            (kind, flow, verdict)
        }
    }
}

/// One rule's counts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RuleCount {
    pub kind: RuleKind,
    /// The flow it enforces (its index in the design), for flow rules.
    pub flow: Option<usize>,
    /// The rule in words: its comment without the design's prefix
    /// (`flow[2] deny web>db tcp/5432 zone data`).
    pub rule: String,
    /// `forward` (between containers, from outside) or `input` (to the host).
    pub hook: String,
    /// `accept`, `drop`, `return`, or `observe` (a drop in observe mode: it counts and lets
    /// through).
    pub verdict: String,
    pub packets: u64,
    pub bytes: u64,
    /// Packets a second over the interval since the previous reading (none at the first).
    pub rate: Option<f64>,
}

/// A packet the firewall denied and logged, as the host's kernel log has it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeniedPacket {
    /// When (UTC, to the second), displayed.
    pub at: String,
    /// The service that sent it, or its address.
    pub from: String,
    /// The service it was for, or its address.
    pub to: String,
    /// `tcp/5432`, `icmp` …
    pub what: String,
    /// The zone it was caught in (or the interface).
    pub zone: String,
    /// Logged in observe mode: it would have been denied, and was let through.
    #[serde(default)]
    pub observed: bool,
}

/// The counters of one deployment: a design live on an engine.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FirewallCounters {
    pub engine: String,
    pub revision: i64,
    /// When the counted rules were installed (the apply), displayed.
    pub since: String,
    pub read_at: String,
    /// The seconds since the previous reading the rates cover.
    pub interval: Option<f64>,
    /// Every counted rule, in the firewall's order.
    pub rules: Vec<RuleCount>,
    /// The newest denied packets the kernel logged (at most 100), oldest first.
    pub denied: Vec<DeniedPacket>,
    /// Why there are none to show, when it is not that nothing was denied.
    pub denied_note: Option<String>,
}

impl FirewallCounters {
    /// The rules that stopped traffic, most packets first (only those that stopped some).
    pub fn top_blocked(&self, n: usize) -> Vec<&RuleCount> {
        let mut drops: Vec<&RuleCount> = self
            .rules
            .iter()
            .filter(|r| r.kind.blocks(&r.verdict) && r.packets > 0)
            .collect();
        drops.sort_by_key(|r| std::cmp::Reverse(r.packets));
        drops.truncate(n);
        drops
    }

    /// The rules in observe mode that would have stopped traffic, most packets first.
    pub fn top_observed(&self, n: usize) -> Vec<&RuleCount> {
        let mut would: Vec<&RuleCount> = self
            .rules
            .iter()
            .filter(|r| r.verdict == OBSERVE && r.packets > 0)
            .collect();
        would.sort_by_key(|r| std::cmp::Reverse(r.packets));
        would.truncate(n);
        would
    }

    /// The pairs the logged packets went between, most packets first: (from, to, what,
    /// packets); those denied, or with `observed`, those observe mode let through.
    pub fn blocked_pairs(&self, observed: bool) -> Vec<(String, String, String, usize)> {
        let mut pairs: Vec<(String, String, String, usize)> = Vec::new();
        for p in self.denied.iter().filter(|p| p.observed == observed) {
            match pairs
                .iter_mut()
                .find(|(f, t, w, _)| *f == p.from && *t == p.to && *w == p.what)
            {
                Some(pair) => pair.3 += 1,
                None => pairs.push((p.from.clone(), p.to.clone(), p.what.clone(), 1)),
            }
        }
        pairs.sort_by_key(|p| std::cmp::Reverse(p.3));
        pairs
    }

    /// The packets flow `index`'s rules matched, summed over its pairs and zones.
    pub fn flow_packets(&self, index: usize) -> u64 {
        self.rules
            .iter()
            .filter(|r| r.flow == Some(index))
            .map(|r| r.packets)
            .sum()
    }
}

#[cfg(test)]
impl FirewallCounters {
    /// Counters of r1 on `local` holding these rules and logged packets.
    pub(crate) fn sample(rules: Vec<RuleCount>, denied: Vec<DeniedPacket>) -> Self {
        FirewallCounters {
            engine: "local".into(),
            revision: 1,
            since: String::new(),
            read_at: String::new(),
            interval: None,
            rules,
            denied,
            denied_note: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_from_comments() {
        let of = RuleKind::of;
        assert_eq!(
            of("flow[2] deny web>db tcp/5432 zone data", "drop"),
            (RuleKind::Deny, Some(2))
        );
        assert_eq!(
            of("flow[0] allow client>web tcp/80 zone app", "accept"),
            (RuleKind::Allow, Some(0))
        );
        assert_eq!(
            of(
                "flow[4] via host a>proxy tcp/8443 zone mesh gateway",
                "return"
            ),
            (RuleKind::ViaHost, Some(4))
        );
        assert_eq!(of("zone app isolated", "drop"), (RuleKind::Isolation, None));
        // A comment cut in the middle to fit the firewall keeps both ends.
        assert_eq!(
            of(
                "zone zone-of-a-long-name .. the-name-s-end isolated",
                "drop"
            ),
            (RuleKind::Isolation, None)
        );
        assert_eq!(
            of("flow[7] allow clien .. ---------", "accept"),
            (RuleKind::Allow, Some(7))
        );
        assert_eq!(
            of("zone app established", "accept"),
            (RuleKind::Replies, None)
        );
        assert_eq!(of("protect_host zone app", "drop"), (RuleKind::Host, None));
        assert_eq!(
            of("protect_published tcp/8443 zone app gateway", "drop"),
            (RuleKind::Published, None)
        );
        assert_eq!(
            of("host rate_limit web max_connections 5 zone app", "drop"),
            (RuleKind::Host, None)
        );
    }

    #[test]
    fn blocked_pairs_most_first() {
        let logged = |from: &str, to: &str, observed: bool| DeniedPacket {
            at: String::new(),
            from: from.into(),
            to: to.into(),
            what: "tcp/5432".into(),
            zone: "data".into(),
            observed,
        };
        let denied = |from: &str, to: &str| logged(from, to, false);
        let c = FirewallCounters::sample(
            Vec::new(),
            vec![
                denied("web", "db"),
                denied("cache", "db"),
                denied("cache", "db"),
                logged("web", "cache", true),
            ],
        );
        let pairs = c.blocked_pairs(false);
        assert_eq!(
            pairs[0],
            ("cache".into(), "db".into(), "tcp/5432".into(), 2)
        );
        assert_eq!(pairs[1].3, 1);
        assert_eq!(pairs.len(), 2);
        assert_eq!(
            c.blocked_pairs(true),
            vec![("web".into(), "cache".into(), "tcp/5432".into(), 1)]
        );
    }

    #[test]
    fn observed_rules_are_drops_that_let_through() {
        assert_eq!(
            classify("observe flow[2] deny web>db tcp/5432 zone data", "accept"),
            (RuleKind::Deny, Some(2), OBSERVE)
        );
        assert_eq!(
            classify("observe zone app isolated", "accept"),
            (RuleKind::Isolation, None, OBSERVE)
        );
        assert_eq!(
            classify("observe host inbound zone app", "return"),
            (RuleKind::Host, None, OBSERVE)
        );
        assert_eq!(
            classify("zone app isolated", "drop"),
            (RuleKind::Isolation, None, "drop")
        );
    }
}
