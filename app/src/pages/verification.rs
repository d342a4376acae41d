use crate::api::get_verification;
use crate::components::auth::RequireRole;
use crate::error::AppError;
use crate::model::{Role, VerificationView, VerifyCheck};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// A stored verify report: mismatches first, then the matrix the analysis predicted beside
/// the one the probes observed, cell by cell, with what could not be judged marked, and the
/// notes. Everyone signed in reads past reports.
#[component]
pub fn Verification() -> impl IntoView {
    view! {
        <Title text="Verify report" />
        <RequireRole min=Role::Viewer>
            <Loader />
        </RequireRole>
    }
}

#[component]
fn Loader() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|s| s.parse::<i64>().ok());
    let report = crate::loaded::load(id, |id| async move {
        match id {
            Some(id) => get_verification(id).await,
            None => Err(AppError::NotFound {
                what: "This report".into(),
            }),
        }
    });
    view! {
        <Transition fallback=|| view! { <p class="muted">"Loading the report…"</p> }>
            {move || Suspend::new(async move {
                match report.await {
                    Ok(v) => view! { <Report v /> }.into_any(),
                    Err(e) => view! { <p class="banner banner-error" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Report(v: VerificationView) -> impl IntoView {
    let s = &v.summary;
    let title = match s.revision {
        Some(r) => format!("Verify of {} r{r} on {}", v.design, v.engine),
        None => format!("Verify of {} on {}", v.design, v.engine),
    };
    let verdict = if s.passed {
        format!(
            "Passed: the engine does what the design says ({} checks, {} not judged).",
            s.checks, s.not_judged
        )
    } else {
        format!(
            "The engine does not do what the design says: {} mismatch(es) of {} checks, {} not judged{}.",
            s.mismatches,
            s.checks,
            s.not_judged,
            if v.unprobed.is_empty() {
                String::new()
            } else {
                format!("; not probed: {}", v.unprobed.join(", "))
            }
        )
    };
    let mismatches: Vec<VerifyCheck> = v
        .checks
        .iter()
        .filter(|c| c.is_mismatch())
        .cloned()
        .collect();
    let back = v.design_id.map(|d| format!("/designs/{d}/operate"));
    view! {
        <div class="page-head">
            <h1>{title}</h1>
            {back.map(|href| view! { <a href=href>"back to the design's engines"</a> })}
        </div>
        <section class="card" data-test="verification" data-passed=s.passed.to_string()
            data-mismatches=s.mismatches.to_string()>
            <p class="banner" class:banner-info=s.passed class:banner-error=!s.passed data-test="verdict">{verdict}</p>
            <p class="muted small">
                {format!("Run by {} on {}, {} ms. Firewall: {}.", s.by, s.at, v.elapsed_ms, v.firewall)}
            </p>
            {(!mismatches.is_empty()).then(|| view! {
                <h2>"Mismatches"</h2>
                <Checks checks=mismatches />
            })}
            <h2>"Predicted and observed"</h2>
            <p class="muted small">
                "Each cell lists the ports reached (tcp/…, udp/…, icmp). Red: a probe contradicts the prediction. Hatched: not judged (the firewall the prediction needs is missing, or a UDP port stayed silent). host:tcp/… is a port the target publishes, reached through the host: a container that reaches the host reaches every port published there, whatever its zones, unless host.protect_published closes it."
            </p>
            <div class="matrices">
                <Matrix checks=v.checks.clone() observed=false />
                <Matrix checks=v.checks.clone() observed=true />
            </div>
            {(!v.notes.is_empty() || !v.engine_changes.is_empty()).then(|| view! {
                <h2>"Notes"</h2>
                <ul data-test="notes">
                    {v.notes.iter().map(|n| view! { <li>{n.clone()}</li> }).collect_view()}
                    {v.engine_changes.iter().map(|c| view! {
                        <li>{format!("the engine changed while the probes ran: {c}")}</li>
                    }).collect_view()}
                </ul>
            })}
            <details>
                <summary>{format!("Every check ({})", v.checks.len())}</summary>
                <Checks checks=v.checks.clone() />
            </details>
        </section>
    }
}

/// Sources down, targets across; a cell lists what the analysis predicted (or the probes
/// observed) as reached.
#[component]
fn Matrix(checks: Vec<VerifyCheck>, observed: bool) -> impl IntoView {
    let mut sources: Vec<String> = Vec::new();
    let mut targets: Vec<String> = Vec::new();
    for c in &checks {
        if !sources.contains(&c.from) {
            sources.push(c.from.clone());
        }
        if !targets.contains(&c.to) {
            targets.push(c.to.clone());
        }
    }
    let cell = move |from: &str, to: &str| {
        let here: Vec<&VerifyCheck> = checks
            .iter()
            .filter(|c| c.from == from && c.to == to)
            .collect();
        if here.is_empty() {
            return view! { <td class="muted">"·"</td> }.into_any();
        }
        let mut reached: Vec<String> = here
            .iter()
            .filter(|c| if observed { c.observed } else { c.expected })
            .map(|c| c.port_label())
            .collect();
        reached.dedup();
        let text = if reached.is_empty() {
            "—".to_owned()
        } else {
            reached.join(" ")
        };
        let mismatch = here.iter().any(|c| c.is_mismatch());
        let unjudged = here.iter().any(|c| c.not_judged());
        view! {
            <td class:mismatch=mismatch class:unjudged=unjudged && !mismatch class:reach=!reached.is_empty()
                data-cell=format!("{from}>{to}")>{text}</td>
        }
        .into_any()
    };
    let caption = if observed { "Observed" } else { "Predicted" };
    view! {
        <table class="table matrix" data-test=if observed { "observed" } else { "predicted" }>
            <caption>{caption}</caption>
            <thead><tr>
                <th>"from \\ to"</th>
                {targets.iter().map(|t| view! { <th>{t.clone()}</th> }).collect_view()}
            </tr></thead>
            <tbody>
                {sources.iter().map(|s| view! {
                    <tr>
                        <th>{s.clone()}</th>
                        {targets.iter().map(|t| cell(s, t)).collect_view()}
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
fn Checks(checks: Vec<VerifyCheck>) -> impl IntoView {
    let judged = |c: &VerifyCheck| {
        if c.unverifiable {
            "not judged: firewall missing"
        } else if c.inconclusive {
            "not judged: silent UDP"
        } else if c.is_mismatch() {
            "MISMATCH"
        } else {
            "as predicted"
        }
    };
    view! {
        <table class="table">
            <thead><tr>
                <th>"From"</th><th>"To"</th><th>"Zone"</th><th>"Address"</th><th>"Port"</th>
                <th>"Predicted"</th><th>"Observed"</th><th>"Judged"</th>
            </tr></thead>
            <tbody>
                {checks.into_iter().map(|c| {
                    let yes = |b: bool| if b { "reached" } else { "blocked" };
                    view! {
                        <tr class:mismatch=c.is_mismatch()>
                            <td>{c.from.clone()}</td><td>{c.to.clone()}</td>
                            <td>{match (&c.zone, c.via_host) {
                                (Some(z), true) => format!("via the host ({z}'s gateway)"),
                                (None, true) => "via the host".to_owned(),
                                (z, false) => z.clone().unwrap_or_default(),
                            }}</td><td>{c.address.clone()}</td>
                            <td>{c.port_label()}</td><td>{yes(c.expected)}</td>
                            <td>{format!("{} ({})", yes(c.observed), c.detail)}</td>
                            <td>{judged(&c)}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}
