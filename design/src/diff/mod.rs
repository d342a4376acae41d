//! Differences between two designs, as reviewers read them: structural changes with
//! before and after values, and the reachability delta (what became reachable, what no
//! longer is, from service to service, from outside, and to the internet).

mod structural;
mod summary;

use std::collections::HashMap;
use std::fmt::Write;

use serde::Serialize;

pub use structural::{Change, ChangeKind};
pub use summary::{summarise, summary};

use crate::model::{PortSet, ServiceId};
use crate::raw::RawDesign;
use crate::reach::{Audience, Reachability};

/// A change in what one service reaches on another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PairDelta {
    /// Source service.
    pub from: String,
    /// Target service.
    pub to: String,
    /// Ports newly reachable.
    pub gained: PortSet,
    /// Ports no longer reachable.
    pub lost: PortSet,
    /// Host ports newly reachable through the host (ports the target publishes).
    pub host_gained: PortSet,
    /// Host ports no longer reachable through the host.
    pub host_lost: PortSet,
    /// Why the new design allows or denies the pair (or that a service is gone).
    pub why: String,
}

impl PairDelta {
    /// What became reachable, in words (`tcp/80`, `tcp/8443 through the host`, or both);
    /// `None` when nothing did.
    pub fn gained_text(&self) -> Option<String> {
        ports_text(&self.gained, &self.host_gained)
    }

    /// What is no longer reachable, in words; `None` when nothing.
    pub fn lost_text(&self) -> Option<String> {
        ports_text(&self.lost, &self.host_lost)
    }
}

fn ports_text(direct: &PortSet, host: &PortSet) -> Option<String> {
    match (direct.is_empty(), host.is_empty()) {
        (true, true) => None,
        (false, true) => Some(direct.to_string()),
        (true, false) => Some(format!("{host} through the host")),
        (false, false) => Some(format!("{direct}; and {host} through the host")),
    }
}

/// A change in who can reach a published port, or in a service's route out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExposureDelta {
    /// The service.
    pub service: String,
    /// What: a published port (`443:443/tcp`) or `internet`.
    pub what: String,
    /// Who could reach it before (`outside`, `host-only`, `nobody`, or `yes`/`no` for egress).
    pub before: String,
    /// Who can reach it now.
    pub after: String,
}

/// Everything that differs between two designs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diff {
    /// Structural changes.
    pub changes: Vec<Change>,
    /// Pairs whose reachable ports changed.
    pub reachability: Vec<PairDelta>,
    /// Changes in exposure to the outside and in egress.
    pub exposure: Vec<ExposureDelta>,
}

/// `web 443:443/tcp reachable by: nobody -> outside`, `web reaches the internet: no -> yes`.
impl std::fmt::Display for ExposureDelta {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.what == "internet" {
            write!(f, "{} reaches the internet", self.service)?;
        } else {
            write!(f, "{} {} reachable by", self.service, self.what)?;
        }
        write!(f, ": {} -> {}", self.before, self.after)
    }
}

fn audience(a: Audience) -> &'static str {
    match a {
        Audience::Outside => "outside",
        Audience::HostOnly => "host-only",
        Audience::Nobody => "nobody",
    }
}

/// Compares two designs. Each is validated; the reachability delta covers what
/// validated in each.
pub fn diff(old: &RawDesign, new: &RawDesign) -> Diff {
    let (old_valid, _) = crate::validate(old);
    let (new_valid, _) = crate::validate(new);
    let before = Reachability::compute(&old_valid);
    let after = Reachability::compute(&new_valid);
    diff_analysed(old, new, &before, &after)
}

/// [`diff`], for a caller that has validated and analysed both designs already (and uses
/// the analyses for something else too, such as the findings): `before` and `after` are the
/// reachability of what validated in `old` and `new`.
pub fn diff_analysed(
    old: &RawDesign,
    new: &RawDesign,
    before: &Reachability<'_>,
    after: &Reachability<'_>,
) -> Diff {
    let changes = structural::changes(old, new);
    let (old_valid, new_valid) = (before.design(), after.design());

    let mut names: Vec<&str> = new_valid.services.iter().map(|s| s.name.as_str()).collect();
    for s in &old_valid.services {
        if new_valid.service_id(s.name.as_str()).is_none() {
            names.push(s.name.as_str());
        }
    }
    let old_ids: HashMap<&str, ServiceId> = old_valid
        .services
        .iter()
        .enumerate()
        .map(|(i, s)| (s.name.as_str(), ServiceId(i as u32)))
        .collect();
    let new_ids: HashMap<&str, ServiceId> = new_valid
        .services
        .iter()
        .enumerate()
        .map(|(i, s)| (s.name.as_str(), ServiceId(i as u32)))
        .collect();
    // Each name's service in the old and in the new design, looked up once: the loop below
    // visits every ordered pair.
    let ids: Vec<(Option<ServiceId>, Option<ServiceId>)> = names
        .iter()
        .map(|n| (old_ids.get(n).copied(), new_ids.get(n).copied()))
        .collect();
    let mut reachability = Vec::new();
    for (i, &a) in names.iter().enumerate() {
        for (j, &b) in names.iter().enumerate() {
            if i == j {
                continue;
            }
            let ((a0, a1), (b0, b1)) = (ids[i], ids[j]);
            if let (Some(x0), Some(y0), Some(x1), Some(y1)) = (a0, b0, a1, b1)
                && before.same_ports(x0, y0, after, x1, y1)
            {
                continue;
            }
            let ports =
                |r: &Reachability<'_>, x: Option<ServiceId>, y: Option<ServiceId>| match (x, y) {
                    (Some(x), Some(y)) => r.ports(x, y),
                    _ => PortSet::empty(),
                };
            let (p0, p1) = (ports(before, a0, b0), ports(after, a1, b1));
            let host =
                |r: &Reachability<'_>, x: Option<ServiceId>, y: Option<ServiceId>| match (x, y) {
                    (Some(x), Some(y)) => r.host_path_ports(x, y),
                    _ => PortSet::empty(),
                };
            let (h0, h1) = (host(before, a0, b0), host(after, a1, b1));
            if p0 == p1 && h0 == h1 {
                continue;
            }
            let why = match (a1, b1) {
                (Some(x), Some(y)) => after.pair(x, y).why,
                _ => format!(
                    "{} is no longer in the design",
                    if a1.is_some() { b } else { a }
                ),
            };
            reachability.push(PairDelta {
                from: a.to_owned(),
                to: b.to_owned(),
                gained: p1.difference(&p0),
                lost: p0.difference(&p1),
                host_gained: h1.difference(&h0),
                host_lost: h0.difference(&h1),
                why,
            });
        }
    }

    let mut exposure = Vec::new();
    let inbound = |r: &Reachability<'_>| -> Vec<(String, String, &'static str)> {
        r.inbound()
            .into_iter()
            .map(|i| (i.service, i.port.to_string(), audience(i.audience)))
            .collect()
    };
    let (in0, in1) = (inbound(before), inbound(after));
    for (s, p, a) in &in1 {
        let was = in0
            .iter()
            .find(|(s0, p0, _)| s0 == s && p0 == p)
            .map_or("nobody", |x| x.2);
        if was != *a {
            exposure.push(ExposureDelta {
                service: s.clone(),
                what: p.clone(),
                before: was.to_owned(),
                after: (*a).to_owned(),
            });
        }
    }
    for (s, p, a) in &in0 {
        if *a != "nobody" && !in1.iter().any(|(s1, p1, _)| s1 == s && p1 == p) {
            exposure.push(ExposureDelta {
                service: s.clone(),
                what: p.clone(),
                before: (*a).to_owned(),
                after: "nobody".to_owned(),
            });
        }
    }
    for &name in &names {
        let egress = |r: &Reachability<'_>, ids: &HashMap<&str, ServiceId>| {
            ids.get(name).is_some_and(|&id| r.egress(id).allowed)
        };
        let (e0, e1) = (egress(before, &old_ids), egress(after, &new_ids));
        if e0 != e1 {
            let yn = |b: bool| if b { "yes" } else { "no" }.to_owned();
            exposure.push(ExposureDelta {
                service: name.to_owned(),
                what: "internet".to_owned(),
                before: yn(e0),
                after: yn(e1),
            });
        }
    }
    Diff {
        changes,
        reachability,
        exposure,
    }
}

fn show(v: &Option<serde_json::Value>) -> String {
    match v {
        None => "(absent)".to_owned(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

impl Diff {
    /// True when the designs are the same.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty() && self.reachability.is_empty() && self.exposure.is_empty()
    }

    /// The diff as text for reviewers.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        if self.is_empty() {
            out.push_str("no changes\n");
            return out;
        }
        let _ = writeln!(out, "structural changes ({}):", self.changes.len());
        for c in &self.changes {
            let _ = match c.kind {
                ChangeKind::Added => writeln!(out, "  + {}: {}", c.path, show(&c.after)),
                ChangeKind::Removed => writeln!(out, "  - {}: {}", c.path, show(&c.before)),
                ChangeKind::Changed => writeln!(
                    out,
                    "  ~ {}: {} -> {}",
                    c.path,
                    show(&c.before),
                    show(&c.after)
                ),
            };
        }
        let gained: Vec<(&PairDelta, String)> = self
            .reachability
            .iter()
            .filter_map(|d| Some((d, d.gained_text()?)))
            .collect();
        let lost: Vec<(&PairDelta, String)> = self
            .reachability
            .iter()
            .filter_map(|d| Some((d, d.lost_text()?)))
            .collect();
        let _ = writeln!(out, "\nnewly reachable ({}):", gained.len());
        for (d, ports) in gained {
            let _ = writeln!(out, "  + {} -> {}: {ports} ({})", d.from, d.to, d.why);
        }
        let _ = writeln!(out, "\nno longer reachable ({}):", lost.len());
        for (d, ports) in lost {
            let _ = writeln!(out, "  - {} -> {}: {ports} ({})", d.from, d.to, d.why);
        }
        let _ = writeln!(out, "\nexposure ({}):", self.exposure.len());
        for e in &self.exposure {
            let _ = writeln!(out, "  ~ {e}");
        }
        out
    }

    /// The diff as JSON: `changes`, `reachability`, `exposure`.
    pub fn to_json(&self) -> String {
        crate::report::to_json(self)
    }
}
