use crate::api::get_job;
use crate::components::auth::RequireRole;
use crate::error::AppError;
use crate::model::{JobView, Role};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// A job on an engine (an apply, a verify), followed live: each step as it starts and ends, then the
/// result. Reloading, or opening it in another browser, shows the same job where it stands.
#[component]
pub fn Job() -> impl IntoView {
    view! {
        <Title text="Job" />
        <RequireRole min=Role::Viewer>
            <JobLoader />
        </RequireRole>
    }
}

#[component]
fn JobLoader() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|s| s.parse::<u64>().ok());
    let job = crate::loaded::load(id, |id| async move {
        match id {
            Some(id) => get_job(id).await,
            None => Err(AppError::NotFound {
                what: "This job".into(),
            }),
        }
    });
    view! {
        <Transition fallback=|| view! { <p class="muted">"Loading the job…"</p> }>
            {move || Suspend::new(async move {
                match job.await {
                    Ok(view) => view! { <Follow initial=view /> }.into_any(),
                    Err(e) => view! { <p class="banner banner-error" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Follow(initial: JobView) -> impl IntoView {
    let id = initial.id;
    let job = RwSignal::new(initial);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| follow(id, job));
    #[cfg(not(feature = "hydrate"))]
    let _ = id;
    let done = move || {
        job.with(|j| {
            j.steps
                .iter()
                .filter(|s| s.what != "firewall" && s.state == "done")
                .count()
        })
    };
    let succeeded =
        move || job.with(|j| ["applied", "passed", "removed"].contains(&j.result.as_str()));
    view! {
        <div class="page-head">
            <h1>{move || job.with(|j| j.title.clone())}</h1>
            <a href=move || format!("/designs/{}/operate", job.with(|j| j.design_id))>"back to the design's engines"</a>
        </div>
        <section class="card job" data-test="job" data-result=move || job.with(|j| j.result.clone())>
            <p data-test="progress">
                {move || job.with(|j| if j.kind != "apply" {
                    format!("On {}, started {}: {}.", j.engine, j.started_at, j.result)
                } else {
                    format!(
                        "On {}, started {}: {} of {} change(s) done — {}.",
                        j.engine, j.started_at, done(), j.total, j.result
                    )
                })}
            </p>
            {move || job.with(|j| j.summary.clone()).map(|s| view! {
                <p class="banner" class:banner-info=succeeded class:banner-error=move || !succeeded() data-test="summary">{s}</p>
            })}
            {move || job.with(|j| j.verification).map(|v| view! {
                <p><a href=format!("/verifications/{v}") data-test="report">"Open the verify report"</a></p>
            })}
            <ol class="job-steps">
                {move || job.with(|j| j.steps.iter().map(|s| {
                    let state = s.state.clone();
                    let class = state.split(':').next().unwrap_or("").replace(' ', "-");
                    view! {
                        <li data-step=s.what.clone() data-state=class.clone() class=format!("step-{class}")>
                            <code>{s.what.clone()}</code>" — "{state}
                        </li>
                    }
                }).collect_view())}
            </ol>
        </section>
    }
}

/// Follows the job's server-sent events until it ends, or the page goes away.
#[cfg(feature = "hydrate")]
fn follow(id: u64, job: RwSignal<JobView>) {
    use crate::model::JobStep;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    if job.with_untracked(|j| j.result != "running") {
        return;
    }
    let Ok(source) = web_sys::EventSource::new(&format!("/jobs/{id}/events")) else {
        return;
    };
    let on_step =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
            if let Some(step) = e
                .data()
                .as_string()
                .and_then(|t| serde_json::from_str::<JobStep>(&t).ok())
            {
                job.update(|j| {
                    j.steps.retain(|s| s.what != step.what);
                    j.steps.push(step);
                });
            }
        });
    let _ = source.add_event_listener_with_callback("step", on_step.as_ref().unchecked_ref());
    on_step.forget();
    let closing = source.clone();
    let on_end =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
            if let Some(view) = e
                .data()
                .as_string()
                .and_then(|t| serde_json::from_str::<JobView>(&t).ok())
            {
                job.set(view);
            }
            closing.close();
        });
    let _ = source.add_event_listener_with_callback("end", on_end.as_ref().unchecked_ref());
    on_end.forget();
    let kept = StoredValue::new_local(source);
    on_cleanup(move || kept.with_value(web_sys::EventSource::close));
}
