use crate::api::{audit, audit_entry};
use crate::components::auth::RequireRole;
use crate::model::Role;
use crate::model::audit::{ActionGroup, AuditEntry, AuditFilter, AuditPage, Outcome};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// The query-string fields of a view of the log (see [`AuditFilter`]).
const FIELDS: [&str; 10] = [
    "from", "to", "user", "group", "action", "design", "engine", "result", "q", "before",
];

/// The audit log, newest first, as the filters in the address view it: time range, actor,
/// action (by group or by name), design, engine, result and words of the summary; the
/// timeline of the design or engine filtered on; the view exported as CSV or JSON Lines.
#[component]
pub fn Audit() -> impl IntoView {
    view! {
        <Title text="Audit log" />
        <RequireRole min=Role::Viewer>
            <AuditLog />
        </RequireRole>
    }
}

#[component]
fn AuditLog() -> impl IntoView {
    let query = use_query_map();
    let fields = move || {
        let q = query.read();
        FIELDS.map(|k| q.get(k).filter(|v| !v.trim().is_empty()))
    };
    let page = crate::loaded::load(
        fields,
        |[
            from,
            to,
            user,
            group,
            action,
            design,
            engine,
            result,
            q,
            before,
        ]| {
            audit(
                from, to, user, group, action, design, engine, result, q, before,
            )
        },
    );

    view! {
        <div class="page-head"><h1>"Audit log"</h1></div>
        <Transition fallback=|| view! { <p class="muted">"Loading the log…"</p> }>
            {move || Suspend::new(async move {
                let values = fields();
                let filter = AuditFilter::from_pairs(
                    FIELDS.iter().zip(values.iter()).filter_map(|(k, v)| v.as_deref().map(|v| (*k, v))),
                ).unwrap_or_default();
                match page.await {
                    Ok(p) => view! { <Filters filter=filter.clone() page=p.clone() /> <Listing filter page=p /> }.into_any(),
                    Err(e) => view! {
                        <Filters filter page=AuditPage::default() />
                        <p class="banner banner-error" role="alert" data-test="audit-error">{e.to_string()}</p>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The filter form: a GET form, so the view is the page's address.
#[component]
fn Filters(filter: AuditFilter, page: AuditPage) -> impl IntoView {
    let groups: Vec<ActionGroup> = ActionGroup::ALL
        .into_iter()
        .filter(|g| page.everything || g.for_everyone())
        .collect();
    let f = filter;
    view! {
        <form class="card audit-filter" method="get" action="/audit" data-test="audit-filter">
            <label>"From" <input type=bound_type(&f.from) name="from" value=f.from.clone() /></label>
            <label>"To" <input type=bound_type(&f.to) name="to" value=f.to.clone() /></label>
            <label>"Who"
                <input name="user" list="audit-users" placeholder="anyone" value=f.user.clone() />
                <datalist id="audit-users">
                    {page.users.iter().map(|u| view! { <option value=u.clone()></option> }).collect_view()}
                </datalist>
            </label>
            <label>"Actions"
                <select name="group">
                    <option value="">"all"</option>
                    {groups.iter().map(|g| view! {
                        <option value=g.key() selected=f.group == Some(*g)>{g.label()}</option>
                    }).collect_view()}
                </select>
            </label>
            <label>"Action"
                <select name="action">
                    <option value="">"any"</option>
                    {groups.iter().map(|g| view! {
                        <optgroup label=g.label()>
                            {g.actions().iter().map(|a| view! {
                                <option value=*a selected=f.action.as_deref() == Some(*a)>{*a}</option>
                            }).collect_view()}
                        </optgroup>
                    }).collect_view()}
                </select>
            </label>
            <label>"Design"
                <select name="design">
                    <option value="">"any"</option>
                    {page.designs.iter().map(|(id, name)| view! {
                        <option value=id.to_string() selected=f.design == Some(*id)>{name.clone()}</option>
                    }).collect_view()}
                </select>
            </label>
            <label>"Engine"
                <select name="engine">
                    <option value="">"any"</option>
                    {page.engines.iter().map(|e| view! {
                        <option value=e.clone() selected=f.engine.as_deref() == Some(e.as_str())>{e.clone()}</option>
                    }).collect_view()}
                </select>
            </label>
            <label>"Result"
                <select name="result">
                    <option value="">"any"</option>
                    {Outcome::ALL.map(|o| view! {
                        <option value=o.key() selected=f.outcome == Some(o)>{o.key()}</option>
                    }).collect_view()}
                </select>
            </label>
            <label class="grow">"Summary holds"
                <input type="search" name="q" placeholder="words, e.g. svc-a prod" value=f.text.clone() />
            </label>
            <button class="btn btn-primary" type="submit" data-test="apply-filter">"Filter"</button>
            <a class="btn btn-quiet" href="/audit">"Clear"</a>
            <p class="muted hint">"Times are UTC; both ends of the range are included."</p>
        </form>
    }
}

/// A day picker for a day (or nothing), a time picker for a bound given as a time: the
/// field keeps what the address says.
fn bound_type(bound: &Option<String>) -> &'static str {
    if bound.as_deref().is_some_and(|b| b.contains('T')) {
        "datetime-local"
    } else {
        "date"
    }
}

/// The timeline, the export links, the entries and the link to older ones.
#[component]
fn Listing(filter: AuditFilter, page: AuditPage) -> impl IntoView {
    let query = filter.query();
    let with = |extra: &str| {
        if query.is_empty() {
            format!("?{extra}")
        } else {
            format!("?{query}&{extra}")
        }
    };
    let older = page
        .entries
        .last()
        .map(|e| e.id)
        .filter(|_| page.more)
        .map(|last| format!("/audit{}", with(&format!("before={last}"))));
    let csv = format!("/audit/export{}", with("format=csv"));
    let jsonl = format!("/audit/export{}", with("format=jsonl"));
    let everything = page.everything;
    let timeline = (!page.timeline.is_empty()).then(|| {
        view! {
            <section class="card timeline-card">
                <h2>"Timeline"</h2>
                <ol class="timeline" data-test="timeline">
                    {page.timeline.into_iter().map(|s| view! {
                        <li class=format!("step step-{}", s.tone) data-tone=s.tone.clone()>
                            <a href=format!("/audit/{}", s.id)>{s.label}</a>
                            <time>{s.at}</time>
                        </li>
                    }).collect_view()}
                </ol>
            </section>
        }
    });
    let empty = page.entries.is_empty();
    let firewall = filter.design.map(|d| {
        view! { <crate::components::counters::FirewallSince design=d engine=filter.engine.clone() /> }
    });
    view! {
        {timeline}
        {firewall}
        <p class="export-links">
            "Export this view with each entry's hash: "
            <a class="btn btn-small" href=csv rel="external" download="" data-test="export-csv">"CSV"</a>
            " "
            <a class="btn btn-small" href=jsonl rel="external" download="" data-test="export-jsonl">"JSON Lines"</a>
            {(!everything).then(|| view! { <span class="muted">" (client addresses are withheld below admin)"</span> })}
            {everything.then(|| view! { " · " <a href="/admin/forwarding" data-test="forwarding-link">"Forward the log (syslog, file, HTTP)"</a> })}
        </p>
        {empty.then(|| view! { <p class="empty" data-test="audit-empty">"No entry matches this view."</p> })}
        {(!empty).then(|| view! {
            <table class="table audit" data-test="audit-list">
                <thead><tr>
                    <th>"When"</th><th>"Who"</th>{everything.then(|| view! { <th>"From"</th> })}
                    <th>"Action"</th><th>"Object"</th><th>"Summary"</th>
                </tr></thead>
                <tbody>{page.entries.into_iter().map(|e| row(e, everything)).collect_view()}</tbody>
            </table>
        })}
        {older.map(|href| view! { <p><a href=href data-test="older">"Older entries →"</a></p> })}
    }
}

fn row(e: AuditEntry, everything: bool) -> impl IntoView {
    let object = object_text(e.object_kind, e.object_id, None, e.target);
    let action = e.action.clone();
    let result = if e.failed {
        Some(("failed", "badge badge-failed"))
    } else if e.overridden {
        Some(("override", "badge badge-override"))
    } else {
        None
    };
    view! {
        <tr data-action=action data-id=e.id data-result=result.map_or("ok", |r| r.0)>
            <td><a href=format!("/audit/{}", e.id)><time>{e.at}</time></a></td>
            <td>{e.actor.unwrap_or_else(|| "—".into())}</td>
            {everything.then(|| view! { <td class="muted">{e.address.unwrap_or_default()}</td> })}
            <td><code>{e.action}</code></td>
            <td>{object}</td>
            <td>{result.map(|(text, class)| view! { <span class=class>{text}</span>" " })}{e.summary}</td>
        </tr>
    }
}

/// `/audit/:id`: one entry in full: its structured details, its neighbours in the reader's
/// view, and what the chain says about it.
#[component]
pub fn AuditEntryPage() -> impl IntoView {
    view! {
        <Title text="Audit entry" />
        <RequireRole min=Role::Viewer>
            <EntryDetail />
        </RequireRole>
    }
}

#[component]
fn EntryDetail() -> impl IntoView {
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let detail = crate::loaded::load(id, audit_entry);
    view! {
        <Transition fallback=|| view! { <p class="muted">"Loading the entry…"</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(d) => {
                        let e = d.entry;
                        let c = d.chain;
                        let yes_no = |ok: bool, yes: &str, no: &str| {
                            let text = if ok { yes.to_owned() } else { no.to_owned() };
                            view! { <li class=if ok { "ok" } else { "field-error" } data-ok=ok.to_string()>{text}</li> }
                        };
                        view! {
                            <div class="page-head">
                                <h1>"Audit entry "{e.id}</h1>
                                <a class="btn btn-quiet" href="/audit">"← the log"</a>
                            </div>
                            <dl class="card entry-detail" data-test="audit-entry">
                                <dt>"When"</dt><dd>{e.at}</dd>
                                <dt>"Who"</dt><dd>{e.actor.unwrap_or_else(|| "—".into())}{e.address.map(|a| format!(" from {a}"))}</dd>
                                <dt>"Action"</dt><dd><code data-test="entry-action">{e.action}</code>{e.failed.then_some(" · failed")}{e.overridden.then_some(" · override")}</dd>
                                <dt>"Object"</dt><dd>{object_text(e.object_kind, e.object_id, e.design_id, e.target)}</dd>
                                <dt>"Summary"</dt><dd>{e.summary}</dd>
                                <dt>"Details"</dt><dd><pre class="details" data-test="entry-details">{d.details}</pre></dd>
                                <dt>"Hash"</dt><dd><code class="hash">{d.hash}</code></dd>
                                <dt>"Links to"</dt><dd><code class="hash">{d.prev_hash}</code></dd>
                            </dl>
                            <section class="card">
                                <h2>"Chain"</h2>
                                <ul class="chain" data-test="entry-chain">
                                    {yes_no(c.sealed, "Its hash matches its content.", "Its hash does not match its content: the entry was changed.")}
                                    {yes_no(c.links_back, "It links to the entry before it.", "It does not link to the entry before it: an entry was removed or inserted.")}
                                    {c.linked_from_next.map(|ok| yes_no(ok, "The entry after it links to it.", "The entry after it does not link to it."))}
                                    {match c.checkpoint {
                                        Some(n) => view! { <li class="ok">{format!("The signed checkpoint at entry {n} vouches that it was not removed.")}</li> }.into_any(),
                                        None => view! { <li class="muted">"No signed checkpoint covers it yet (one is written every few minutes)."</li> }.into_any(),
                                    }}
                                </ul>
                                <p class="muted">"The whole chain is checked by " <code>"bulkhead audit verify"</code> "."</p>
                            </section>
                            <p class="entry-nav">
                                {d.previous.map(|p| view! { <a class="btn" href=format!("/audit/{p}") data-test="previous">"← entry "{p}</a> })}
                                " "
                                {d.next.map(|n| view! { <a class="btn" href=format!("/audit/{n}") data-test="next">"entry "{n}" →"</a> })}
                            </p>
                        }.into_any()
                    }
                    Err(e) => view! { <p class="banner banner-error" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

fn object_text(
    kind: Option<String>,
    id: Option<String>,
    design: Option<i64>,
    engine: Option<String>,
) -> String {
    let mut parts = Vec::new();
    match (kind, id) {
        (Some(k), Some(i)) => parts.push(format!("{k} {i}")),
        (Some(k), None) => parts.push(k),
        _ => {}
    }
    if let Some(d) = design {
        parts.push(format!("design {d}"));
    }
    if let Some(e) = engine {
        parts.push(format!("on engine {e}"));
    }
    if parts.is_empty() {
        "—".into()
    } else {
        parts.join(" · ")
    }
}
