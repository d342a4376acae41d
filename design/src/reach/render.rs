//! The reachability matrix as text and as JSON, for `bulkhead reach`.

use std::fmt::Write;

use serde::Serialize;

use crate::model::{ServiceId, ValidDesign};

use super::analysis::Reachability;
use super::explain::PairReach;

/// A `--from` or `--to` name that is not a service of the design.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{name:?} is not a service of this design; services are: {known}")]
pub struct UnknownService {
    /// The name asked for.
    pub name: String,
    /// The design's services, comma-separated.
    pub known: String,
}

fn select(design: &ValidDesign, name: Option<&str>) -> Result<Vec<ServiceId>, UnknownService> {
    match name {
        None => Ok((0..design.services.len())
            .map(|i| ServiceId(i as u32))
            .collect()),
        Some(n) => design
            .service_id(n)
            .map(|id| vec![id])
            .ok_or_else(|| UnknownService {
                name: n.to_owned(),
                known: design
                    .services
                    .iter()
                    .map(|s| s.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            }),
    }
}

fn pairs(
    reach: &Reachability<'_>,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<Vec<PairReach>, UnknownService> {
    let design = reach.design();
    let sources = select(design, from)?;
    let targets = select(design, to)?;
    Ok(sources
        .iter()
        .flat_map(|&a| targets.iter().map(move |&b| (a, b)))
        .filter(|(a, b)| a != b)
        .map(|(a, b)| reach.pair(a, b))
        .collect())
}

/// One JSON entry per ordered pair of distinct services (optionally only those from
/// `from` and/or to `to`): `from`, `to`, `allowed`, `ports`, `zones`, `why`, `per_zone`.
pub fn matrix_json(
    design: &ValidDesign,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<String, UnknownService> {
    let reach = Reachability::compute(design);
    let pairs = pairs(&reach, from, to)?;
    Ok(to_json(&pairs))
}

fn to_json<T: Serialize>(value: &T) -> String {
    // Every type serialised here has string keys and no non-finite numbers.
    serde_json::to_string_pretty(value).unwrap_or_else(|e| unreachable!("JSON rendering: {e}"))
}

fn cell(reach: &Reachability<'_>, a: ServiceId, b: ServiceId) -> String {
    if a == b {
        return "·".to_owned();
    }
    let ports = reach.ports(a, b);
    let direct = if ports.is_empty() {
        "-".to_owned()
    } else {
        ports.to_strings().join(",")
    };
    let host = reach.host_path_ports(a, b);
    if host.is_empty() {
        direct
    } else {
        format!("{direct} +host:{}", host.to_strings().join(","))
    }
}

/// The matrix as text. With neither `from` nor `to`: a grid of every pair, then what
/// reaches each service from outside and which services reach the internet. With one
/// or both: each selected pair with its explanation, zone by zone.
pub fn matrix_text(
    design: &ValidDesign,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<String, UnknownService> {
    let reach = Reachability::compute(design);
    let mut out = String::new();
    if from.is_some() || to.is_some() {
        for pair in pairs(&reach, from, to)? {
            let _ = writeln!(
                out,
                "{} -> {}: {}",
                pair.from,
                pair.to,
                if pair.allowed { "allowed" } else { "denied" }
            );
            if !pair.ports.is_empty() {
                let _ = writeln!(out, "  ports: {}", pair.ports);
            }
            let _ = writeln!(out, "  why: {}", pair.why);
            for z in &pair.per_zone {
                let _ = writeln!(out, "  in {}: {} ({})", z.zone, z.ports, z.why);
            }
            for h in &pair.via_host {
                let _ = writeln!(out, "  via the host: {} ({})", h.ports, h.why);
            }
        }
        return Ok(out);
    }
    let ids: Vec<ServiceId> = (0..design.services.len())
        .map(|i| ServiceId(i as u32))
        .collect();
    let _ = writeln!(
        out,
        "reachability of {} ({} services, {} zones)",
        design.name,
        ids.len(),
        design.zones.len()
    );
    let _ = writeln!(
        out,
        "rows: from, columns: to; any = every port, - = denied; +host:P = also reaches the\n\
         published host ports P through the host (any container with a route to the host\n\
         reaches the ports published there, whatever its zones; host.protect_published closes them)\n"
    );
    let names: Vec<&str> = design.services.iter().map(|s| s.name.as_str()).collect();
    let cells: Vec<Vec<String>> = ids
        .iter()
        .map(|&a| ids.iter().map(|&b| cell(&reach, a, b)).collect())
        .collect();
    let first = names
        .iter()
        .map(|n| n.chars().count())
        .max()
        .unwrap_or(0)
        .max("from \\ to".len());
    let widths: Vec<usize> = (0..ids.len())
        .map(|j| {
            cells
                .iter()
                .map(|row| row[j].chars().count())
                .max()
                .unwrap_or(0)
                .max(names[j].chars().count())
        })
        .collect();
    let pad = |s: &str, w: usize| format!("{s}{}", " ".repeat(w.saturating_sub(s.chars().count())));
    let mut header = pad("from \\ to", first);
    for (j, n) in names.iter().enumerate() {
        header.push_str("  ");
        header.push_str(&pad(n, widths[j]));
    }
    let _ = writeln!(out, "{}", header.trim_end());
    for (i, row) in cells.iter().enumerate() {
        let mut line = pad(names[i], first);
        for (j, c) in row.iter().enumerate() {
            line.push_str("  ");
            line.push_str(&pad(c, widths[j]));
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
    let inbound = reach.inbound();
    let _ = writeln!(out, "\nfrom outside the host:");
    if inbound.is_empty() {
        let _ = writeln!(out, "  nothing is published");
    }
    for i in &inbound {
        let who = match i.audience {
            super::Audience::Outside => "reachable from outside",
            super::Audience::HostOnly => "host only",
            super::Audience::Nobody => "not reachable",
        };
        let _ = writeln!(out, "  {} {}: {who} ({})", i.service, i.port, i.why);
    }
    let _ = writeln!(out, "\nto the host itself:");
    for &s in &ids {
        let h = reach.host_access(s);
        let ports = if h.ports.is_empty() {
            "nothing".to_owned()
        } else {
            h.ports.to_string()
        };
        let _ = writeln!(out, "  {}: {ports} ({})", h.service, h.why);
    }
    let _ = writeln!(out, "\nto the internet:");
    for &s in &ids {
        let e = reach.egress(s);
        let _ = writeln!(
            out,
            "  {}: {} ({})",
            e.service,
            if e.allowed { "yes" } else { "no" },
            e.why
        );
    }
    Ok(out)
}
