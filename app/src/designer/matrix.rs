//! The reachability matrix (services × services) and the list of diagnostics and findings.

use super::state::{Ed, Selection};
use leptos::prelude::*;

/// Escapes text for HTML (names in a design that does not validate may hold anything).
fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// The matrix body as HTML: one string per analysis, so a 100-service design (10,000 cells)
/// costs one DOM update per edit instead of 10,000 reactive ones.
fn body_html(a: &super::analysis::Analysis, selected: Option<usize>) -> String {
    let n = a.services.len();
    let mut html = String::with_capacity(n * n * 90);
    for i in 0..n {
        let from = esc(&a.services[i]);
        let row_class = if selected == Some(i) {
            " class=\"row-selected\""
        } else {
            ""
        };
        html.push_str(&format!("<tr{row_class}><th scope=\"row\">{from}</th>"));
        for j in 0..n {
            let to = esc(&a.services[j]);
            let cell = a.cell(i, j).class();
            let classes = a.classes(i * n + j);
            let col = if selected == Some(j) {
                " col-selected"
            } else {
                ""
            };
            let tab = if selected == Some(i) { "0" } else { "-1" };
            html.push_str(&format!(
                "<td class=\"{classes}{col}\" data-from=\"{from}\" data-to=\"{to}\" data-cell=\"{cell}\" tabindex=\"{tab}\" aria-label=\"{from} to {to}\"></td>"
            ));
        }
        html.push_str("</tr>");
    }
    html
}

#[component]
pub fn Matrix(ed: Ed) -> impl IntoView {
    let services = Memo::new(move |_| ed.analysis.with(|a| a.services.clone()));
    let hovered = RwSignal::new(None::<(String, String)>);
    let selected = Memo::new(move |_| match ed.selection.get() {
        Selection::Service(s, _) => services.with(|v| v.iter().position(|n| *n == s)),
        _ => None,
    });
    let explanation = move || {
        let (a, b) = hovered.get()?;
        ed.analysis.with(|an| an.explain(&a, &b))
    };
    // The body is drawn once, then patched: an edit usually changes a few cells, and a
    // 100-service matrix has 10,000.
    let body = NodeRef::<leptos::html::Tbody>::new();
    let initial = ed
        .analysis
        .with_untracked(|a| body_html(a, selected.get_untracked()));
    let drawn = StoredValue::new(ed.analysis.with_untracked(|a| {
        (
            a.services.clone(),
            a.cells.clone(),
            a.via_host.clone(),
            selected.get_untracked(),
        )
    }));
    Effect::new(move |_| {
        let sel = selected.get();
        ed.analysis.with(|a| {
            let Some(tbody) = body.get() else { return };
            let (names, cells, hosts, old_sel) = drawn.get_value();
            if names != a.services {
                tbody.set_inner_html(&body_html(a, sel));
            } else {
                let n = names.len();
                let rows = tbody.rows();
                for i in 0..n {
                    let touched_row = old_sel == Some(i) || sel == Some(i);
                    let Some(row) = rows.item(i as u32) else {
                        continue;
                    };
                    if touched_row {
                        row.set_class_name(if sel == Some(i) { "row-selected" } else { "" });
                    }
                    let row: web_sys::HtmlTableRowElement =
                        web_sys::wasm_bindgen::JsCast::unchecked_into(row);
                    let tds = row.cells();
                    for j in 0..n {
                        let k = i * n + j;
                        let col_touched = old_sel == Some(j) || sel == Some(j);
                        if cells[k] == a.cells[k]
                            && hosts[k] == a.via_host[k]
                            && !col_touched
                            && !touched_row
                        {
                            continue;
                        }
                        // The first cell of a row is its heading.
                        let Some(td) = tds.item(j as u32 + 1) else {
                            continue;
                        };
                        let class = a.cells[k].class();
                        let col = if sel == Some(j) { " col-selected" } else { "" };
                        td.set_class_name(&format!("{}{col}", a.classes(k)));
                        let _ = td.set_attribute("data-cell", class);
                        let _ =
                            td.set_attribute("tabindex", if sel == Some(i) { "0" } else { "-1" });
                    }
                }
            }
            drawn.set_value((a.services.clone(), a.cells.clone(), a.via_host.clone(), sel));
        });
    });
    // Hover and focus are handled once for the whole table.
    let pick = move |target: Option<web_sys::EventTarget>| {
        let cell = target
            .and_then(|t| web_sys::wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
            .and_then(|e| e.closest("td[data-from]").ok().flatten());
        if let Some(td) = cell
            && let (Some(f), Some(t)) = (td.get_attribute("data-from"), td.get_attribute("data-to"))
        {
            hovered.set(Some((f, t)));
        }
    };
    view! {
        <section class="matrix-panel" aria-label="Reachability matrix">
            <h2>"Who can reach whom"</h2>
            <p class="muted small">
                "Rows reach columns. " <span class="legend cell-any">"any port"</span>
                <span class="legend cell-ports">"some ports"</span>
                <span class="legend cell-denied">"blocked"</span>
                <span class="legend cell-via-host" title="Any container with a route to the host reaches the ports published there, whatever its zones; host.protect_published closes them">"through the host only"</span>
                <span class="legend cell-any cell-host">"also through the host"</span>
            </p>
            <div class="matrix-scroll">
                <table
                    class="matrix"
                    data-test="matrix"
                    on:mouseover=move |ev| pick(ev.target())
                    on:focusin=move |ev| pick(ev.target())
                >
                    <thead>
                        <tr>
                            <th></th>
                            {move || services.get().into_iter().map(|s| view! { <th class="col-head" scope="col"><span>{s}</span></th> }).collect_view()}
                        </tr>
                    </thead>
                    <tbody node_ref=body inner_html=initial></tbody>
                </table>
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
                <span class="count">{move || ed.analysis.with(|a| {
                    format!("{} error(s) · {} finding(s)", a.errors(), a.findings.len())
                })}</span>
            </h2>
            <ul>
                <For
                    each=items
                    key=|item| item.clone()
                    children=move |(sev, code, path, message, cis): (String, String, String, String, Option<&'static str>)| {
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
                }
                />
            </ul>
        </section>
    }
}
