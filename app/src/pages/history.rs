use crate::api::{DiffRevisions, RestoreRevision, get_design, list_engines};
use crate::components::auth::{RequireRole, use_session};
use crate::components::error::ErrorBanner;
use crate::components::plan::pairs;
use crate::error::AppError;
use crate::model::{FindingRow, RevisionDiff, Role};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// A design's history: every revision (open it read-only, restore it as a new one), and any
/// two revisions compared, or a revision and what is live on an engine: structure,
/// reachability, findings and the YAML text.
#[component]
pub fn History() -> impl IntoView {
    view! {
        <Title text="History" />
        <RequireRole min=Role::Viewer>
            <DesignHistory />
        </RequireRole>
    }
}

#[component]
fn DesignHistory() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.read().get("id").and_then(|s| s.parse::<i64>().ok());
    let restore = ServerAction::<RestoreRevision>::new();
    let compare = ServerAction::<DiffRevisions>::new();
    let detail = crate::loaded::load(
        move || (id(), restore.version().get()),
        |(id, _)| async move {
            match id {
                Some(id) => get_design(id, None).await,
                None => Err(AppError::NotFound {
                    what: "This design".into(),
                }),
            }
        },
    );
    let engines = crate::loaded::load(|| (), |_| list_engines());
    let to = RwSignal::new(query.get_untracked().get("to").unwrap_or_default());
    let against = RwSignal::new(String::new());
    let engine = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    Effect::new(move |_| {
        let latest = [
            restore.value().get().and_then(|r| r.err()),
            compare.value().get().and_then(|r| r.err()),
        ];
        error.set(latest.into_iter().flatten().next());
    });
    let session = use_session();
    let editor = move || session.user().is_some_and(|m| m.role >= Role::Editor);
    let on_compare = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (Some(id), Ok(to)) = (id(), to.get_untracked().parse()) else {
            return;
        };
        compare.dispatch(DiffRevisions {
            id,
            to,
            against: against.get_untracked().parse().ok(),
            engine: engine.get_untracked().parse().ok(),
        });
    };
    view! {
        <ErrorBanner error=error />
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let d = match detail.await {
                    Ok(d) => d,
                    Err(e) => return view! { <p class="banner banner-error" role="alert">{e.to_string()}</p> }.into_any(),
                };
                let list = engines.await.unwrap_or_default();
                if to.get_untracked().is_empty() {
                    to.set(d.head.to_string());
                }
                let design_id = d.id;
                let numbers: Vec<i64> = d.history.iter().map(|r| r.number).collect();
                let head = d.head;
                view! {
                    <div class="page-head">
                        <h1>{format!("{}: history", d.name)}</h1>
                        <a href=format!("/designs/{design_id}")>"open the newest revision"</a>
                    </div>
                    <form class="card row-form" on:submit=on_compare data-test="compare-form">
                        <label>
                            "Compare revision"
                            <select name="to" bind:value=to>
                                {numbers.iter().map(|n| view! { <option value=n.to_string()>{n.to_string()}</option> }).collect_view()}
                            </select>
                        </label>
                        <label>
                            "with"
                            <select name="against" bind:value=against>
                                <option value="">"the revision before it"</option>
                                {numbers.iter().map(|n| view! { <option value=n.to_string()>{format!("revision {n}")}</option> }).collect_view()}
                            </select>
                        </label>
                        <label>
                            "or with what is live on"
                            <select name="engine" bind:value=engine>
                                <option value="">"(no engine)"</option>
                                {list.into_iter().map(|e| view! { <option value=e.id.to_string()>{e.name}</option> }).collect_view()}
                            </select>
                        </label>
                        <button class="btn btn-primary" type="submit" data-test="compare" disabled=move || compare.pending().get()>"Compare"</button>
                    </form>
                    <section class="card">
                        <table class="table" data-test="revisions">
                            <thead><tr><th>"Revision"</th><th>"By"</th><th>"When"</th><th>"Message"</th><th>"Changes"</th><th></th></tr></thead>
                            <tbody>
                                {d.history.into_iter().map(|r| {
                                    let n = r.number;
                                    view! {
                                        <tr data-revision=n.to_string()>
                                            <td>
                                                <a href=format!("/designs/{design_id}?rev={n}")>{format!("r{n}")}</a>
                                                {(n > 1).then(|| view! {
                                                    " "
                                                    <a class="small" data-test="canvas-compare" title="What this revision changed, marked on the canvas"
                                                        href=format!("/designs/{design_id}?rev={n}&compare={}", n - 1)>"on the canvas"</a>
                                                })}
                                            </td>
                                            <td>{r.author}</td><td><time>{r.created_at}</time></td><td>{r.message}</td>
                                            <td class="muted small" data-test="summary">{r.summary.unwrap_or_default()}</td>
                                            <td class="actions">
                                                {(editor() && n != head).then(|| view! {
                                                    <button class="btn btn-small" data-test="restore" disabled=move || restore.pending().get()
                                                        on:click=move |_| { restore.dispatch(RestoreRevision { id: design_id, revision: n }); }>
                                                        "Restore as new"
                                                    </button>
                                                })}
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </section>
                }.into_any()
            })}
        </Transition>
        {move || compare.value().get().and_then(|r| r.ok()).map(|d| view! { <Diff d /> })}
    }
}

/// The four views of a comparison, one at a time.
#[component]
pub fn Diff(d: RevisionDiff) -> impl IntoView {
    let tab = RwSignal::new("reachability");
    let tabs = [
        (
            "reachability",
            format!(
                "Reachability ({})",
                d.delta.gained.len() + d.delta.lost.len()
            ),
        ),
        ("structure", format!("Structure ({})", d.changes.len())),
        (
            "findings",
            format!(
                "Findings (+{} / −{})",
                d.new_findings.len(),
                d.resolved_findings.len()
            ),
        ),
        ("yaml", "YAML".to_owned()),
    ];
    let RevisionDiff {
        from,
        to,
        changes,
        delta,
        new_findings,
        resolved_findings,
        yaml,
    } = d;
    let findings = |list: Vec<FindingRow>, class: &'static str| {
        list.into_iter()
            .map(|f| {
                view! {
                    <li class=class data-finding=f.code.clone()>
                        <strong>{format!("{} {}", f.severity, f.code)}</strong>
                        {f.cis.map(|c| format!(" (CIS {c})"))}
                        {format!(" at {}: {}", f.path, f.message)}
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <section class="card revision-diff" data-test="diff">
            <h2>{format!("Revision {to} against {from}")}</h2>
            <div class="tabs" role="tablist">
                {tabs.into_iter().map(|(key, label)| view! {
                    <button class="btn btn-small" role="tab" data-tab=key class:btn-primary=move || tab.get() == key
                        on:click=move |_| tab.set(key)>{label}</button>
                }).collect_view()}
            </div>
            <div data-view="reachability" hidden=move || tab.get() != "reachability">
                {(delta.gained.is_empty() && delta.lost.is_empty() && delta.exposure.is_empty())
                    .then(|| view! { <p class="muted">"Nobody reaches anybody differently."</p> })}
                <ul class="delta">{pairs(delta.gained, "gained", "+")}</ul>
                <ul class="delta">{pairs(delta.lost, "lost", "−")}</ul>
                <ul class="delta">{delta.exposure.into_iter().map(|e| view! { <li>{e}</li> }).collect_view()}</ul>
            </div>
            <div data-view="structure" hidden=move || tab.get() != "structure">
                <table class="table">
                    <thead><tr><th></th><th>"Path"</th><th>"Before"</th><th>"After"</th></tr></thead>
                    <tbody>
                        {changes.into_iter().map(|c| view! {
                            <tr class=format!("change-{}", c.kind)>
                                <td>{c.kind.clone()}</td><td><code>{c.path}</code></td>
                                <td><code>{c.before.unwrap_or_default()}</code></td>
                                <td><code>{c.after.unwrap_or_default()}</code></td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <div data-view="findings" hidden=move || tab.get() != "findings">
                <ul class="delta">{findings(new_findings, "gained")}</ul>
                <ul class="delta">{findings(resolved_findings, "lost")}</ul>
            </div>
            <pre data-view="yaml" class="yaml-diff" hidden=move || tab.get() != "yaml">
                {yaml.into_iter().map(|l| {
                    let class = match l.tag.as_str() { "+" => "add", "-" => "del", "@" => "hunk", _ => "ctx" };
                    view! { <span class=class>{format!("{}{}\n", if l.tag == "@" { "" } else { l.tag.as_str() }, l.text)}</span> }
                }).collect_view()}
            </pre>
        </section>
    }
}
