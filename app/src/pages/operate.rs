use crate::api::{ApplyPlan, PlanDesign, get_design, list_engines};
use crate::components::auth::{RequireRole, use_session};
use crate::components::deployments::Deployments;
use crate::components::error::ErrorBanner;
use crate::components::live::Live;
use crate::error::AppError;
use crate::model::{PairChange, PlanView, ReachDelta, Role};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// A design on the engines: choose an engine and see what applying a revision there would
/// change, read from the live engine.
#[component]
pub fn Operate() -> impl IntoView {
    view! {
        <Title text="Plan" />
        <RequireRole min=Role::Viewer>
            <OperateDesign />
        </RequireRole>
    }
}

#[component]
fn OperateDesign() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.read().get("id").and_then(|s| s.parse::<i64>().ok());
    let rev = move || query.read().get("rev").and_then(|s| s.parse::<i64>().ok());
    let design = crate::loaded::load(
        move || (id(), rev()),
        |(id, rev)| async move {
            match id {
                Some(id) => get_design(id, rev).await,
                None => Err(AppError::NotFound {
                    what: "This design".into(),
                }),
            }
        },
    );
    let engines = crate::loaded::load(|| (), |_| list_engines());
    let session = use_session();
    let can_plan = move || session.user().is_some_and(|m| m.role >= Role::Editor);
    let plan = ServerAction::<PlanDesign>::new();
    let engine = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    Effect::new(move |_| error.set(plan.value().get().and_then(|r| r.err())));
    view! {
        <ErrorBanner error=error />
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let d = match design.await {
                    Ok(d) => d,
                    Err(e) => return view! { <p class="banner banner-error" role="alert">{e.to_string()}</p> }.into_any(),
                };
                let list = engines.await.unwrap_or_default();
                if engine.get_untracked().is_empty()
                    && let Some(first) = list.first()
                {
                    engine.set(first.id.to_string());
                }
                let (design_id, number) = (d.id, d.revision.number);
                let on_plan = move |ev: leptos::ev::SubmitEvent| {
                    ev.prevent_default();
                    if let Ok(engine_id) = engine.get_untracked().parse() {
                        plan.dispatch(PlanDesign { id: design_id, revision: Some(number), engine_id });
                    }
                };
                view! {
                    <div class="page-head">
                        <h1>{format!("{} on an engine", d.name)}</h1>
                        <a href=format!("/designs/{design_id}?rev={number}")>{format!("back to revision {number}")}</a>
                    </div>
                    {if list.is_empty() {
                        view! { <p class="muted">"No engine is registered: an admin registers one on the " <a href="/engines">"engines page"</a> "."</p> }.into_any()
                    } else if can_plan() {
                        view! {
                            <form class="card row-form" on:submit=on_plan data-test="plan-form">
                                <label>
                                    "Engine"
                                    <select name="engine" bind:value=engine>
                                        {list.into_iter().map(|e| view! { <option value=e.id.to_string()>{e.name}</option> }).collect_view()}
                                    </select>
                                </label>
                                <button class="btn btn-primary" type="submit" data-test="plan" disabled=move || plan.pending().get()>
                                    {format!("Plan revision {number}")}
                                </button>
                                {move || plan.pending().get().then(|| view! { <span class="muted">"Reading the engine…"</span> })}
                            </form>
                        }.into_any()
                    } else {
                        view! { <p class="muted">"Planning needs the editor role."</p> }.into_any()
                    }}
                }.into_any()
            })}
        </Transition>
        {move || plan.value().get().and_then(|r| r.ok()).map(|p| view! { <Plan p /> })}
        <section class="card">
            <h2>"Live"</h2>
            {move || id().map(|design| view! { <Live design=Some(design) engine=None /> })}
        </section>
        <section class="card">
            <h2>"Applied"</h2>
            {move || id().map(|design| view! { <Deployments design=Some(design) engine=None /> })}
        </section>
    }
}

/// Apply, for approvers: carries out the plan shown as a job, then follows it.
#[component]
fn ApplyButton(plan_id: i64) -> impl IntoView {
    let apply = ServerAction::<ApplyPlan>::new();
    let error = RwSignal::new(None::<AppError>);
    let navigate = leptos_router::hooks::use_navigate();
    Effect::new(move |_| match apply.value().get() {
        Some(Ok(job)) => {
            navigate(&format!("/jobs/{}", job.id), Default::default());
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    view! {
        <ErrorBanner error=error />
        <button class="btn btn-primary" data-test="apply" disabled=move || apply.pending().get()
            on:click=move |_| { apply.dispatch(ApplyPlan { plan_id }); }>
            "Apply this plan"
        </button>
    }
}

#[component]
fn Plan(p: PlanView) -> impl IntoView {
    let session = use_session();
    let can_apply = session.user().is_some_and(|m| m.role >= Role::Approver);
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
            <p class="muted small">{format!("Plan hash {}; engine fingerprint {}.", short(&p.hash), short(&p.fingerprint))}</p>
            {(p.conflicts.is_empty() && p.blocked.is_empty() && can_apply).then(|| view! { <ApplyButton plan_id=p.id /> })}
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
    let pairs = |list: Vec<PairChange>, class: &'static str, sign: &'static str| {
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
    };
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

fn short(hash: &str) -> &str {
    &hash[..hash.len().min(12)]
}
