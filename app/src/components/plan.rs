//! A plan as the pages show it: on a design's planning page and on a change request.

use crate::model::{PairChange, PlanView, ReachDelta};
use leptos::prelude::*;

/// A stored plan: what applying a revision to an engine changes, what blocks it, who reaches
/// whom differently, and what happens to the firewall.
#[component]
pub fn PlanDetails(p: PlanView) -> impl IntoView {
    let summary = if p.changes == 0 {
        format!("Nothing to change on {}.", p.engine)
    } else {
        format!("{} change(s) on {}.", p.changes, p.engine)
    };
    view! {
        <section class="card plan" data-test="plan-view" data-changes=p.changes.to_string()>
            <h2>{format!("Plan {}: {} revision {}", p.id, p.design, p.revision)}</h2>
            {(!p.conflicts.is_empty()).then(|| view! {
                <div class="banner banner-error" role="alert" data-test="conflicts">
                    <strong>"Objects in the way (apply is blocked; Bulkhead never touches them):"</strong>
                    <ul>{p.conflicts.iter().map(|c| view! { <li>{c.clone()}</li> }).collect_view()}</ul>
                </div>
            })}
            {(!p.blocked.is_empty()).then(|| view! {
                <div class="banner banner-error" role="alert" data-test="blocked">
                    <ul>{p.blocked.iter().map(|c| view! { <li>{c.clone()}</li> }).collect_view()}</ul>
                </div>
            })}
            <p data-test="summary">{summary}</p>
            {p.groups.iter().map(|g| view! {
                <h3 data-group=g.kind.clone()>{format!("{} ({})", g.kind, g.lines.len())}</h3>
                <ul class="plan-lines">
                    {g.lines.iter().map(|l| view! {
                        <li><code>{l.target.clone()}</code>" — "<span class="muted">{l.reason.clone()}</span></li>
                    }).collect_view()}
                </ul>
            }).collect_view()}
            <Delta d=p.delta.clone() engine=p.engine.clone() />
            <h3 data-group="firewall">"firewall"</h3>
            <p data-test="firewall">{p.firewall.clone()}</p>
            {(!p.notes.is_empty()).then(|| view! {
                <ul class="muted small">{p.notes.iter().map(|n| view! { <li>{n.clone()}</li> }).collect_view()}</ul>
            })}
            <p class="muted small" data-test="plan-hash" data-hash=p.hash.clone()>
                {format!("Plan hash {}; engine fingerprint {}.", short(&p.hash), short(&p.fingerprint))}
            </p>
        </section>
    }
}

/// Who reaches whom differently once the plan is applied: newly reachable pairs first, in
/// red; pairs that become blocked in green.
#[component]
fn Delta(d: ReachDelta, engine: String) -> impl IntoView {
    let against = match d.baseline {
        Some(r) => format!("against revision {r}, live on {engine}"),
        None => format!("nothing of this design is live on {engine}"),
    };
    let nothing = d.gained.is_empty() && d.lost.is_empty() && d.exposure.is_empty();
    let (gained, lost) = (d.gained.len(), d.lost.len());
    view! {
        <section data-test="delta" data-gained=gained.to_string() data-lost=lost.to_string()>
            <h3>{format!("Reachability ({against})")}</h3>
            {nothing.then(|| view! { <p class="muted">"No pair changes."</p> })}
            {(!d.gained.is_empty()).then(|| view! {
                <p class="small">{format!("Newly reachable ({gained}):")}</p>
                <ul class="delta">{pairs(d.gained, "gained", "+")}</ul>
            })}
            {(!d.lost.is_empty()).then(|| view! {
                <p class="small">{format!("Newly blocked ({lost}):")}</p>
                <ul class="delta">{pairs(d.lost, "lost", "−")}</ul>
            })}
            {(!d.exposure.is_empty()).then(|| view! {
                <p class="small">"Exposure:"</p>
                <ul class="delta">{d.exposure.into_iter().map(|e| view! { <li data-test="exposure">{e}</li> }).collect_view()}</ul>
            })}
        </section>
    }
}

/// Pairs whose reachability changes, as list items: `+ a → b: tcp/80 (why)` (newly reachable,
/// `class` "gained") or `− a → b …` (newly blocked, "lost").
pub fn pairs(list: Vec<PairChange>, class: &'static str, sign: &'static str) -> impl IntoView {
    list.into_iter()
        .map(|c| {
            view! {
                <li class=class data-pair=format!("{}>{}", c.from, c.to)>
                    <strong>{format!("{sign} {} → {}", c.from, c.to)}</strong>
                    {format!(": {}", c.ports)}
                    <span class="muted small">{format!(" ({})", c.why)}</span>
                </li>
            }
        })
        .collect_view()
}

/// The first 12 characters of a hash, as the pages show it.
pub fn short(hash: &str) -> &str {
    &hash[..hash.len().min(12)]
}
