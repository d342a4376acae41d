//! The reachability matrix (services × services) and the list of diagnostics and findings.

use super::analysis::Cell;
use super::state::{Ed, Selection};
use leptos::prelude::*;

#[component]
pub fn Matrix(ed: Ed) -> impl IntoView {
    let services = Memo::new(move |_| ed.analysis.with(|a| a.services.clone()));
    let hovered = RwSignal::new(None::<(usize, usize)>);
    let selected = Memo::new(move |_| match ed.selection.get() {
        Selection::Service(s, _) => services.with(|v| v.iter().position(|n| *n == s)),
        _ => None,
    });
    let explanation = move || {
        let (i, j) = hovered.get()?;
        let names = services.get();
        let (a, b) = (names.get(i)?.clone(), names.get(j)?.clone());
        ed.analysis.with(|an| an.explain(&a, &b))
    };
    view! {
        <section class="matrix-panel" aria-label="Reachability matrix">
            <h2>"Who can reach whom"</h2>
            <p class="muted small">
                "Rows reach columns. " <span class="legend cell-any">"any port"</span>
                <span class="legend cell-ports">"some ports"</span>
                <span class="legend cell-denied">"blocked"</span>
            </p>
            <div class="matrix-scroll">
                {move || {
                    let names = services.get();
                    let n = names.len();
                    view! {
                        <table class="matrix" data-test="matrix">
                            <thead>
                                <tr>
                                    <th></th>
                                    {names.iter().map(|s| view! { <th class="col-head" scope="col"><span>{s.clone()}</span></th> }).collect_view()}
                                </tr>
                            </thead>
                            <tbody>
                                {(0..n).map(|i| {
                                    let row_name = names[i].clone();
                                    view! {
                                        <tr class:row-selected=move || selected.get() == Some(i)>
                                            <th scope="row">{row_name.clone()}</th>
                                            {(0..n).map(|j| {
                                                let (from, to) = (names[i].clone(), names[j].clone());
                                                let class = move || ed.analysis.with(|a| {
                                                    if a.services.len() == n { a.cell(i, j) } else { Cell::Same }
                                                }).class();
                                                view! {
                                                    <td
                                                        class=class
                                                        class:col-selected=move || selected.get() == Some(j)
                                                        data-from=from.clone()
                                                        data-to=to.clone()
                                                        data-cell=move || ed.analysis.with(|a| {
                                                            if a.services.len() == n { a.cell(i, j) } else { Cell::Same }
                                                        }).class()
                                                        tabindex=move || if selected.get() == Some(i) { "0" } else { "-1" }
                                                        aria-label=format!("{from} to {to}")
                                                        on:mouseenter=move |_| hovered.set(Some((i, j)))
                                                        on:focus=move |_| hovered.set(Some((i, j)))
                                                    ></td>
                                                }
                                            }).collect_view()}
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }
                }}
            </div>
            <p class="explain" data-test="explain" aria-live="polite">
                {move || explanation().unwrap_or_else(|| "Hover or focus a cell to see why.".into())}
            </p>
        </section>
    }
}

fn selection_for(path: &str) -> Selection {
    let mut parts = path.split('.');
    match (parts.next(), parts.next()) {
        (Some("zones"), Some(z)) => Selection::Zone(z.to_string()),
        (Some("services"), Some(s)) => Selection::Service(s.to_string(), None),
        (Some(f), _) if f.starts_with("flows[") => f
            .trim_start_matches("flows[")
            .trim_end_matches(']')
            .parse()
            .map(Selection::Flow)
            .unwrap_or_default(),
        _ => Selection::Design,
    }
}

#[component]
pub fn Problems(ed: Ed) -> impl IntoView {
    let items = move || {
        ed.analysis.with(|a| {
            a.diagnostics
                .iter()
                .map(|d| {
                    (
                        d.severity.to_string(),
                        d.code.to_string(),
                        d.path.clone(),
                        d.message.clone(),
                        None,
                    )
                })
                .chain(a.findings.iter().map(|f| {
                    (
                        f.severity.to_string(),
                        f.code.to_string(),
                        f.path.clone(),
                        f.message.clone(),
                        f.cis,
                    )
                }))
                .collect::<Vec<_>>()
        })
    };
    view! {
        <section class="problems" aria-label="Diagnostics and findings" data-test="problems">
            <h2>
                "Checks "
                <span class="count">{move || {
                    let a = ed.analysis.get();
                    format!("{} error(s) · {} finding(s)", a.errors(), a.findings.len())
                }}</span>
            </h2>
            <ul>
                {move || items().into_iter().map(|(sev, code, path, message, cis)| {
                    let target = selection_for(&path);
                    view! {
                        <li class=format!("problem sev-{sev}") data-code=code.clone()>
                            <button type="button" class="problem-link" on:click=move |_| ed.selection.set(target.clone())>
                                <span class="sev">{sev.clone()}</span>
                                <code>{code.clone()}</code>
                                {cis.map(|c| view! { <span class="cis">{format!("CIS {c}")}</span> })}
                                <span class="path">{path.clone()}</span>
                                <span class="message">{message.clone()}</span>
                            </button>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}
