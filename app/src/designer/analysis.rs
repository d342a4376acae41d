//! The live analysis of the document being edited: validation, findings and the reachability
//! matrix, by the same `design` code the server and the CLI run.

use design::reach::Reachability;
use design::{Diagnostic, Finding, RawDesign, Severity, ValidDesign};
use std::collections::BTreeMap;

/// One matrix cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cell {
    Same,
    Denied,
    /// Blocked at the target's own addresses, reachable through the host at a port it
    /// publishes.
    ViaHost,
    Ports,
    Any,
}

impl Cell {
    pub fn class(self) -> &'static str {
        match self {
            Cell::Same => "cell-self",
            Cell::Denied => "cell-denied",
            Cell::ViaHost => "cell-via-host",
            Cell::Ports => "cell-ports",
            Cell::Any => "cell-any",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Analysis {
    pub valid: ValidDesign,
    pub diagnostics: Vec<Diagnostic>,
    pub findings: Vec<Finding>,
    /// Service names in matrix order.
    pub services: Vec<String>,
    /// Row-major `services.len()²` cells: row = from, column = to.
    pub cells: Vec<Cell>,
    /// Row-major, as `cells`: the source also reaches the target through the host.
    pub via_host: Vec<bool>,
    /// Each zone's subnet as validated (allocated ones included).
    pub subnets: BTreeMap<String, String>,
    /// How long the analysis took, in the browser (0 on the server).
    pub elapsed_ms: f64,
}

fn now_ms() -> f64 {
    #[cfg(target_arch = "wasm32")]
    {
        web_sys::window()
            .and_then(|w| w.performance())
            .map(|p| p.now())
            .unwrap_or(0.0)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        0.0
    }
}

impl PartialEq for Analysis {
    fn eq(&self, other: &Self) -> bool {
        self.services == other.services
            && self.cells == other.cells
            && self.via_host == other.via_host
            && self.diagnostics == other.diagnostics
            && self.findings == other.findings
            && self.subnets == other.subnets
    }
}

impl Analysis {
    pub fn of(doc: &RawDesign) -> Analysis {
        let started = now_ms();
        let (valid, diagnostics) = design::validate(doc);
        let reach = Reachability::compute(&valid);
        let findings = design::findings::findings(&valid, &reach);
        let n = valid.services.len();
        let mut cells = Vec::with_capacity(n * n);
        let mut via_host = Vec::with_capacity(n * n);
        for a in 0..n {
            for b in 0..n {
                let (ia, ib) = (
                    design::model::ServiceId(a as u32),
                    design::model::ServiceId(b as u32),
                );
                let host = a != b && reach.via_host(ia, ib);
                via_host.push(host);
                cells.push(if a == b {
                    Cell::Same
                } else if !reach.allowed_directly(ia, ib) {
                    if host { Cell::ViaHost } else { Cell::Denied }
                } else if reach.ports(ia, ib).is_any() {
                    Cell::Any
                } else {
                    Cell::Ports
                });
            }
        }
        let services = valid.services.iter().map(|s| s.name.to_string()).collect();
        let subnets = valid
            .zones
            .iter()
            .map(|z| (z.name.to_string(), z.subnet.to_string()))
            .collect();
        Analysis {
            valid,
            diagnostics,
            findings,
            services,
            cells,
            via_host,
            subnets,
            elapsed_ms: now_ms() - started,
        }
    }

    pub fn errors(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    pub fn cell(&self, from: usize, to: usize) -> Cell {
        self.cells[from * self.services.len() + to]
    }

    /// The cell's classes: its kind, and `cell-host` when the source also reaches the
    /// target through the host.
    pub fn classes(&self, k: usize) -> String {
        let cell = self.cells[k];
        if self.via_host[k] && cell != Cell::ViaHost {
            format!("{} cell-host", cell.class())
        } else {
            cell.class().to_owned()
        }
    }

    /// The explanation of one pair, in words.
    pub fn explain(&self, from: &str, to: &str) -> Option<String> {
        design::reach::explain(&self.valid, from, to).map(|p| {
            let ports = if p.ports.is_empty() {
                String::new()
            } else {
                format!(" on {}", p.ports)
            };
            format!("{} → {}{}: {}", p.from, p.to, ports, p.why)
        })
    }

    /// The first error or warning about `path` (a field, e.g. `zones.db.subnet`).
    pub fn at(&self, path: &str) -> Option<String> {
        self.diagnostics
            .iter()
            .find(|d| d.path == path || d.path.starts_with(&format!("{path}[")))
            .map(|d| d.message.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The matrix agrees with the analysis: frontend cannot reach postgres, api can on 5432.
    #[test]
    fn three_tier_matrix() {
        let doc = design::parse_document(design::templates::get("three-tier").unwrap()).unwrap();
        let a = Analysis::of(&doc);
        let i = |n: &str| a.services.iter().position(|s| s == n).unwrap();
        assert_eq!(a.errors(), 0);
        assert_eq!(a.cell(i("frontend"), i("postgres")), Cell::Denied);
        assert_eq!(a.cell(i("api"), i("postgres")), Cell::Ports);
        assert_eq!(a.cell(i("lb"), i("frontend")), Cell::Any);
        assert!(
            a.explain("frontend", "postgres")
                .unwrap()
                .contains("share no zone")
        );
    }
}
