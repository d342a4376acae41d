use crate::api::get_design;
use crate::components::auth::{RequireRole, use_session};
use crate::designer::Designer;
use crate::model::Role;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// One design in the designer.
#[component]
pub fn DesignPage() -> impl IntoView {
    crate::components::hydrated::mark_when_hydrated();
    view! {
        <RequireRole min=Role::Viewer>
            <DesignLoader />
        </RequireRole>
    }
}

#[component]
fn DesignLoader() -> impl IntoView {
    let session = use_session();
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.read().get("id").and_then(|s| s.parse::<i64>().ok());
    let rev = move || query.read().get("rev").and_then(|s| s.parse::<i64>().ok());
    // `?compare=N`: the canvas marks what changed since revision N.
    let compare = move || {
        query
            .read()
            .get("compare")
            .and_then(|s| s.parse::<i64>().ok())
    };
    let baseline = crate::loaded::load(
        move || (id(), compare()),
        |(id, compare)| async move {
            match (id, compare) {
                (Some(id), Some(n)) => get_design(id, Some(n)).await.ok().map(|d| (n, d.model)),
                _ => None,
            }
        },
    );
    let reload = RwSignal::new(0u32);
    let design = crate::loaded::load(
        move || (id(), rev(), reload.get()),
        |(id, rev, _)| async move {
            match id {
                Some(id) => get_design(id, rev).await,
                None => Err(crate::error::AppError::NotFound {
                    what: "This design".into(),
                }),
            }
        },
    );
    let can_edit = Signal::derive(move || session.user().is_some_and(|m| m.role >= Role::Editor));
    view! {
        <Transition fallback=|| view! { <p class="muted">"Loading the design…"</p> }>
            {move || Suspend::new(async move {
                let compare = baseline.await;
                match design.await {
                    Ok(detail) => {
                        let title = detail.name.clone();
                        view! {
                            <Title text=title />
                            <Designer detail reload can_edit compare=compare />
                        }
                            .into_any()
                    }
                    Err(e) => {
                        view! {
                            <Title text="Design" />
                            <p class="banner banner-error" role="alert">{e.to_string()}</p>
                            <p><a href="/designs">"Back to the designs"</a></p>
                        }
                            .into_any()
                    }
                }
            })}
        </Transition>
    }
}
