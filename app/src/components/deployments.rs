//! Where designs were applied: the newest applies of a design, or on an engine.

use crate::api::list_deployments;
use leptos::prelude::*;

/// The applies of `design` and/or on `engine`, newest first.
#[component]
pub fn Deployments(design: Option<i64>, engine: Option<i64>) -> impl IntoView {
    let rows = crate::loaded::load(
        move || (design, engine),
        |(design, engine)| list_deployments(design, engine),
    );
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match rows.await {
                    Ok(list) if list.is_empty() => view! {
                        <p class="muted small" data-test="deployments">"Nothing applied yet."</p>
                    }.into_any(),
                    Ok(list) => view! {
                        <table class="table" data-test="deployments">
                            <thead><tr>
                                <th>"Design"</th><th>"Engine"</th><th>"By"</th><th>"Ended"</th>
                                <th>"Result"</th><th>"Firewall"</th>
                            </tr></thead>
                            <tbody>
                                {list.into_iter().map(|d| {
                                    let what = match d.revision {
                                        Some(r) => format!("{} r{r}", d.design_name),
                                        None => format!("{} (file)", d.design_name),
                                    };
                                    let result = match &d.failed_step {
                                        Some(step) => format!("{}: {step}", d.result),
                                        None => d.result.clone(),
                                    };
                                    view! {
                                        <tr data-deployment=d.id.to_string() data-result=d.result.clone()>
                                            <td>{what}</td><td>{d.engine}</td><td>{d.actor}</td>
                                            <td><time>{d.finished_at}</time></td>
                                            <td class:warn=d.result != "applied">{result}</td>
                                            <td>{d.firewall}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                    Err(e) => view! { <p class="banner banner-error" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}
