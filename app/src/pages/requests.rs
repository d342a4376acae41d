use crate::api::list_requests;
use crate::components::auth::RequireRole;
use crate::model::{RequestRow, Role};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// Change requests, those in progress first (`?all=1` for every one).
#[component]
pub fn Requests() -> impl IntoView {
    view! {
        <Title text="Change requests" />
        <RequireRole min=Role::Viewer>
            <RequestList />
        </RequireRole>
    }
}

#[component]
fn RequestList() -> impl IntoView {
    let query = use_query_map();
    let all = move || query.read().get("all").is_some();
    let rows = crate::loaded::load(all, |all| async move {
        list_requests(None, None, Some(!all)).await
    });
    view! {
        <div class="page-head">
            <h1>"Change requests"</h1>
            {move || if all() {
                view! { <a href="/requests">"only those in progress"</a> }.into_any()
            } else {
                view! { <a href="/requests?all=1">"every request"</a> }.into_any()
            }}
        </div>
        <p class="muted">"A request proposes a revision of a design for an engine; editors open one from a design's plan."</p>
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match rows.await {
                    Ok(rows) if rows.is_empty() => view! { <p class="muted" data-test="no-requests">"No change request here."</p> }.into_any(),
                    Ok(rows) => view! { <RequestTable rows /> }.into_any(),
                    Err(e) => view! { <p class="banner banner-error" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// Requests in a table: number, title, design and revision, engine, state, approvals.
#[component]
pub fn RequestTable(rows: Vec<RequestRow>) -> impl IntoView {
    view! {
        <table class="table" data-test="requests">
            <thead><tr><th>"#"</th><th>"Title"</th><th>"Design"</th><th>"Engine"</th><th>"By"</th><th>"State"</th><th>"Approvals"</th><th>"Updated"</th></tr></thead>
            <tbody>
                {rows.into_iter().map(|r| view! {
                    <tr data-request=r.id.to_string()>
                        <td><a href=format!("/requests/{}", r.id)>{format!("#{}", r.id)}</a></td>
                        <td><a href=format!("/requests/{}", r.id)>{r.title}</a></td>
                        <td>{format!("{} r{}", r.design, r.revision)}</td>
                        <td>{r.engine}</td>
                        <td>{r.author}</td>
                        <td><span class=format!("state state-{}", r.state.as_str())>{r.state.label()}</span></td>
                        <td>{format!("{} / {}", r.approvals, r.approvals_required)}</td>
                        <td><time>{r.updated_at}</time></td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}
