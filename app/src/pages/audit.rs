use crate::api::audit;
use crate::components::auth::RequireRole;
use crate::model::Role;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The audit log, newest first, filtered by user, action and design through the query string
/// so a filtered view can be linked to.
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
    let filter = move || {
        let q = query.read();
        let get = |k: &str| q.get(k).filter(|v| !v.is_empty());
        (
            get("user"),
            get("action"),
            get("design").and_then(|d| d.parse::<i64>().ok()),
            get("before").and_then(|d| d.parse::<i64>().ok()),
        )
    };
    let page = crate::loaded::load(filter, |(user, action, design, before)| {
        audit(user, action, design, before)
    });

    view! {
        <div class="page-head"><h1>"Audit log"</h1></div>
        <Transition fallback=|| view! { <p class="muted">"Loading the log…"</p> }>
            {move || Suspend::new(async move {
                let (user, action, design, _) = filter();
                match page.await {
                    Ok(p) => {
                        let older = p.entries.last().map(|e| e.id).filter(|_| p.more).map(|last| {
                            let mut q = vec![format!("before={last}")];
                            if let Some(u) = &user { q.push(format!("user={}", urlencode(u))); }
                            if let Some(a) = &action { q.push(format!("action={}", urlencode(a))); }
                            if let Some(d) = design { q.push(format!("design={d}")); }
                            format!("/audit?{}", q.join("&"))
                        });
                        view! {
                            <form class="card row-form" method="get" action="/audit" data-test="audit-filter">
                                <label>"User"
                                    <select name="user">
                                        <option value="">"anyone"</option>
                                        {p.users.iter().map(|u| view! {
                                            <option value=u.clone() selected=user.as_deref() == Some(u.as_str())>{u.clone()}</option>
                                        }).collect_view()}
                                    </select>
                                </label>
                                <label>"Action"
                                    <select name="action">
                                        <option value="">"any"</option>
                                        {p.actions.iter().map(|a| view! {
                                            <option value=a.clone() selected=action.as_deref() == Some(a.as_str())>{a.clone()}</option>
                                        }).collect_view()}
                                    </select>
                                </label>
                                <label>"Design"
                                    <select name="design">
                                        <option value="">"any"</option>
                                        {p.designs.iter().map(|(id, name)| view! {
                                            <option value=id.to_string() selected=design == Some(*id)>{name.clone()}</option>
                                        }).collect_view()}
                                    </select>
                                </label>
                                <button class="btn" type="submit">"Filter"</button>
                                <a class="btn btn-quiet" href="/audit">"Clear"</a>
                            </form>
                            <table class="table audit" data-test="audit-list">
                                <thead><tr><th>"When"</th><th>"Who"</th><th>"From"</th><th>"Action"</th><th>"Object"</th><th>"Summary"</th></tr></thead>
                                <tbody>
                                    {p.entries.into_iter().map(|e| {
                                        let action_attr = e.action.clone();
                                        view! {
                                        <tr data-action=action_attr>
                                            <td><time>{e.at}</time></td>
                                            <td>{e.actor.unwrap_or_else(|| "—".into())}</td>
                                            <td class="muted">{e.address.unwrap_or_default()}</td>
                                            <td><code>{e.action}</code></td>
                                            <td>{match (e.object_kind, e.object_id) {
                                                (Some(k), Some(i)) => format!("{k} {i}"),
                                                (Some(k), None) => k,
                                                _ => String::new(),
                                            }}</td>
                                            <td>{e.summary}</td>
                                        </tr>
                                    }}).collect_view()}
                                </tbody>
                            </table>
                            {older.map(|href| view! { <p><a href=href>"Older entries →"</a></p> })}
                        }.into_any()
                    }
                    Err(e) => view! { <p class="banner banner-error" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
