//! The firewall policy of a design as an ordered list of rules, independent of the
//! firewall that enforces it; the iptables and nftables compilers render the same list.
//!
//! Order (first match wins, as in both firewalls):
//! 1. per bridge: established and related traffic into the bridge is accepted (Docker does
//!    not accept replies inside an `internal` network with ICC off, so allowed flows in
//!    isolated zones need this);
//! 2. host policy (`host.rs`), per bridge of a zone that is not internal, for new connections from `external_interface`: rate limits,
//!    then the allowed original destination ports (`RETURN`: Docker's own rules decide),
//!    then a drop;
//! 3. `deny` flows, in every bridge the two ends share (deny wins over allow);
//! 4. `allow` flows inside isolated zones (`ACCEPT`: Docker's ICC-off rule would drop them);
//! 5. per isolated zone: every other connection between members is dropped.
//!
//! Every rule names one of the design's bridges as its input or output interface, so
//! traffic of other networks on the host never matches.
//!
//! Step 2 also holds `host.protect_published`'s rules for the hairpin-NAT path to published
//! ports (`published.rs`), which the input list below closes for Docker's userland proxy.
//!
//! With `host.protect_host`, a second list guards the host itself (the `INPUT` path: what
//! containers send to any of the host's own addresses, their zone's gateway included), per
//! bridge: replies to the host's own connections pass, then the listed `host_ports`, then
//! everything else is dropped. Passing means leaving the decision to the host's own rules
//! (`RETURN`), so the design only ever closes ports on the host, never opens one.

use std::collections::HashSet;
use std::net::Ipv4Addr;

use crate::model::{Endpoint, PortRange, PortSpec, Protocol, Rate, ServiceId, ValidDesign, Zone};
use crate::raw::{Action, Driver};

use super::{host, observe, published};

/// What a rule matches of the transport.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ports {
    /// Every protocol.
    Any,
    /// ICMP.
    Icmp,
    /// A TCP or UDP port range.
    Range(Protocol, PortRange),
}

impl From<PortSpec> for Ports {
    fn from(spec: PortSpec) -> Self {
        match spec {
            PortSpec::Any => Ports::Any,
            PortSpec::Icmp => Ports::Icmp,
            PortSpec::Ports(p, r) => Ports::Range(p, r),
        }
    }
}

/// Which destination port a rule looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PortField {
    /// The packet's destination port.
    Destination,
    /// The connection's original destination port, before Docker's DNAT (inbound traffic
    /// reaches `DOCKER-USER` already translated to the container's port).
    OriginalDestination,
}

/// The connection states a rule matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Any state.
    Any,
    /// New connections.
    New,
    /// Established and related traffic.
    Established,
    /// Connections Docker translated (DNAT): a published port reached through the host.
    Translated,
}

/// A per-source limit; the rule matches connections over it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Limit {
    /// More than this many new connections per source per time unit; `name` is the
    /// host-wide name of its bookkeeping table.
    Rate {
        /// The rate.
        rate: Rate,
        /// Table name (`--hashlimit-name`, nftables set name).
        name: String,
    },
    /// More than this many concurrent connections per source; `name` as above.
    Connections {
        /// The limit.
        max: u32,
        /// nftables set name.
        name: String,
    },
}

/// What happens to a matching packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Accept it (final in iptables; in nftables Docker's own chains still see it).
    Accept,
    /// Drop it (final in both).
    Drop,
    /// Leave it to the rules after this chain (Docker's own).
    Return,
    /// Log it, rate-limited, with this prefix, and carry on.
    Log(&'static str),
    /// Count it and carry on (observe mode: a drop that lets through).
    Count,
}

/// Log prefix of dropped connections.
pub const LOG_DENY: &str = "BULKHEAD-DENY ";
/// Log prefix of connections along a flow marked `log: true`.
pub const LOG_FLOW: &str = "BULKHEAD-FLOW ";

/// One rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// Input interface.
    pub in_iface: Option<String>,
    /// Output interface.
    pub out_iface: Option<String>,
    /// Source address.
    pub source: Option<Ipv4Addr>,
    /// Destination address.
    pub destination: Option<Ipv4Addr>,
    /// Protocol and ports.
    pub ports: Ports,
    /// Which port the range applies to.
    pub port_field: PortField,
    /// Connection state.
    pub state: State,
    /// Per-source limit.
    pub limit: Option<Limit>,
    /// The verdict.
    pub verdict: Verdict,
    /// What the rule implements: the design and the flow or policy, in safe characters
    /// (`[A-Za-z0-9 _.:/>\[\]-]`), at most 120 of them.
    pub comment: String,
}

/// The design's firewall policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// The bridges of the design's bridge-driver zones, in document order.
    pub bridges: Vec<String>,
    /// The rules for forwarded traffic (between containers, and from outside), in order.
    pub rules: Vec<Rule>,
    /// The rules for traffic from the zones to the host itself, in order; `None` unless
    /// [`has_input_chain`].
    pub input: Option<Vec<Rule>>,
    /// Things the policy cannot enforce, for the artifact's header.
    pub notes: Vec<String>,
}

/// The longest comment (nftables allows 128 bytes).
pub const COMMENT_MAX: usize = 120;

/// A comment in the safe character set, at most [`COMMENT_MAX`] characters. A longer one
/// keeps its start (the design, and what kind of rule it is) and its end (`… isolated`,
/// `… established`), with ` .. ` where the middle was cut: what reads the counters tells the
/// rule by both ends, and no name holds a space, so a cut name never passes for another.
pub(super) fn comment(text: String) -> String {
    let safe: Vec<char> = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || " _.:/>[]-".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    if safe.len() <= COMMENT_MAX {
        return safe.into_iter().collect();
    }
    const CUT: &str = " .. ";
    // The head holds the longest prefix a reader tells a rule by (`bulkhead <63 characters>
    // observe flow[9999] via host `); the tail ` isolated` and ` established`.
    let tail = 15;
    let head = COMMENT_MAX - CUT.len() - tail;
    let mut out: String = safe[..head].iter().collect();
    out.push_str(CUT);
    out.extend(&safe[safe.len() - tail..]);
    out
}

impl Rule {
    pub(super) fn new(verdict: Verdict, comment_text: String) -> Self {
        Self {
            in_iface: None,
            out_iface: None,
            source: None,
            destination: None,
            ports: Ports::Any,
            port_field: PortField::Destination,
            state: State::Any,
            limit: None,
            verdict,
            comment: comment(comment_text),
        }
    }

    fn within(mut self, bridge: &str) -> Self {
        self.in_iface = Some(bridge.to_owned());
        self.out_iface = Some(bridge.to_owned());
        self
    }

    /// The same match, logging instead of deciding.
    pub(super) fn logged(&self, prefix: &'static str) -> Self {
        Rule {
            verdict: Verdict::Log(prefix),
            limit: None,
            ..self.clone()
        }
    }
}

/// Adds a final drop, logged first (rate-limited) when the design logs what it denies.
pub(super) fn push_drop(rules: &mut Vec<Rule>, drop: Rule, log_denied: bool) {
    if log_denied {
        rules.push(drop.logged(LOG_DENY));
    }
    rules.push(drop);
}

/// The bridges two services' namespaces share: (zone, source address, target address).
fn shared(design: &ValidDesign, a: ServiceId, b: ServiceId) -> Vec<(&Zone, Ipv4Addr, Ipv4Addr)> {
    let (sa, sb) = (design.service(a), design.service(b));
    sa.zones
        .iter()
        .filter_map(|ma| {
            let mb = sb.zones.iter().find(|m| m.zone == ma.zone)?;
            let zone = design.zone(ma.zone);
            (zone.driver == Driver::Bridge).then_some((zone, ma.ipv4, mb.ipv4))
        })
        .collect()
}

/// Ordered pairs of namespace owners a flow applies to, deduplicated, in order; linear in
/// the pairs it yields.
pub(super) fn pairs(
    design: &ValidDesign,
    from: Endpoint,
    to: Endpoint,
) -> Vec<(ServiceId, ServiceId)> {
    let targets: Vec<ServiceId> = design
        .endpoint_services(to)
        .into_iter()
        .map(|b| design.namespace_owner(b))
        .collect();
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for a in design.endpoint_services(from) {
        let a = design.namespace_owner(a);
        for &b in &targets {
            if a != b && seen.insert((a, b)) {
                out.push((a, b));
            }
        }
    }
    out
}

/// The policy of a design.
pub fn policy(design: &ValidDesign) -> Policy {
    let name = &design.name;
    let bridge_zones: Vec<&Zone> = design
        .zones
        .iter()
        .filter(|z| z.driver == Driver::Bridge)
        .collect();
    let bridges: Vec<String> = bridge_zones
        .iter()
        .map(|z| z.bridge.as_str().to_owned())
        .collect();
    let mut notes: Vec<String> = design
        .zones
        .iter()
        .filter(|z| z.driver != Driver::Bridge)
        .map(|z| {
            format!(
                "zone {} uses the {} driver and has no local bridge; its flows are not enforced here",
                z.name,
                z.driver.as_str()
            )
        })
        .collect();
    let log_denied = design.host.as_ref().is_some_and(|h| h.log_denied);
    let mut rules = Vec::new();

    for zone in &bridge_zones {
        let mut r = Rule::new(
            Verdict::Accept,
            format!("bulkhead {name} zone {} established", zone.name),
        );
        r.out_iface = Some(zone.bridge.as_str().to_owned());
        r.state = State::Established;
        rules.push(r);
    }

    rules.extend(host::inbound(design, &bridge_zones, log_denied));
    rules.extend(published::forward(design, &bridge_zones, log_denied));

    for action in [Action::Deny, Action::Allow] {
        for flow in design
            .flows
            .iter()
            .filter(|f| f.action == action && !f.via_host)
        {
            for (a, b) in pairs(design, flow.from, flow.to) {
                for (zone, src, dst) in shared(design, a, b) {
                    if action == Action::Allow && !zone.isolated {
                        continue;
                    }
                    for spec in &flow.ports {
                        let verdict = match action {
                            Action::Allow => Verdict::Accept,
                            Action::Deny => Verdict::Drop,
                        };
                        let mut r = Rule::new(
                            verdict,
                            format!(
                                "bulkhead {name} flow[{}] {} {}>{} {spec} zone {}",
                                flow.index,
                                action.as_str(),
                                design.service(a).name,
                                design.service(b).name,
                                zone.name
                            ),
                        )
                        .within(zone.bridge.as_str());
                        r.source = Some(src);
                        r.destination = Some(dst);
                        r.ports = (*spec).into();
                        match action {
                            Action::Deny if flow.log || log_denied => {
                                rules.push(r.logged(LOG_DENY));
                            }
                            Action::Allow if flow.log => rules.push(r.logged(LOG_FLOW)),
                            _ => {}
                        }
                        rules.push(r);
                    }
                }
            }
        }
    }

    for zone in bridge_zones.iter().filter(|z| z.isolated) {
        let drop = Rule::new(
            Verdict::Drop,
            format!("bulkhead {name} zone {} isolated", zone.name),
        )
        .within(zone.bridge.as_str());
        push_drop(&mut rules, drop, log_denied);
    }

    let mut input = published::input(design, &bridge_zones, log_denied);
    if let Some(guard) = host::input(design, &bridge_zones, log_denied) {
        input.extend(guard);
    }
    notes.extend(observe::notes(design));
    Policy {
        bridges,
        rules: observe::apply(design, rules),
        input: has_input_chain(design).then_some(observe::apply(design, input)),
        notes,
    }
}

/// True when the design guards the host from its zones, so that its firewall has an input
/// chain: `host.protect_host`, or `host.protect_published` with ports to close.
pub fn has_input_chain(design: &ValidDesign) -> bool {
    design.host.as_ref().is_some_and(|h| h.protect_host) || published::closes_any(design)
}
