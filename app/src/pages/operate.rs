use crate::api::{ApplyPlan, PlanDesign, get_design, list_engines};
use crate::components::auth::{RequireRole, use_session};
use crate::components::deployments::Deployments;
use crate::components::error::ErrorBanner;
use crate::components::live::Live;
use crate::components::plan::PlanDetails;
use crate::components::propose::Propose;
use crate::error::AppError;
use crate::model::{PlanView, Role};
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
        {move || {
            let design_id = id()?;
            plan.value().get().and_then(|r| r.ok()).map(|p| view! { <Plan p design_id /> })
        }}
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

/// The plan, and what may be done with it: apply it on an engine that asks for no approval
/// (approvers), or propose the revision in a change request (editors).
#[component]
fn Plan(p: PlanView, design_id: i64) -> impl IntoView {
    let session = use_session();
    let can_apply = session.user().is_some_and(|m| m.role >= Role::Approver);
    let can_propose = session.user().is_some_and(|m| m.role >= Role::Editor);
    let clear = p.conflicts.is_empty() && p.blocked.is_empty();
    let gated = p.approvals_required > 0;
    let (plan_id, revision, engine_id) = (p.id, p.revision, p.engine_id);
    let policy = crate::model::approvals_words(p.approvals_required);
    view! {
        <PlanDetails p />
        <section class="card">
            <p class="muted" data-test="approval-policy">{format!("On this engine, {policy}.")}</p>
            {(clear && can_apply && !gated).then(|| view! { <ApplyButton plan_id /> })}
            {can_propose.then(|| view! { <Propose design_id revision engine_id /> })}
        </section>
    }
}
