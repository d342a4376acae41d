//! What a deployment's firewall has done since the apply: the rules that stopped the most
//! traffic first, the newest denied packets the kernel logged, then every rule with its
//! packets, bytes and rate, read from the host when opened and again every ten seconds while
//! open.

use crate::api::firewall_counters;
use crate::model::counters::{DeniedPacket, FirewallCounters, OBSERVE, RuleCount};
use leptos::prelude::*;

/// How often an open panel reads the counters again.
const EVERY_SECONDS: u64 = 10;

#[component]
pub fn Counters(design: i64, engine: i64) -> impl IntoView {
    let tick = RwSignal::new(0u32);
    let counters = crate::loaded::load(
        move || (design, engine, tick.get()),
        |(design, engine, _)| firewall_counters(design, engine),
    );
    #[cfg(feature = "hydrate")]
    {
        let every = std::time::Duration::from_secs(EVERY_SECONDS);
        let handle = set_interval_with_handle(move || tick.update(|t| *t += 1), every).ok();
        on_cleanup(move || {
            if let Some(h) = handle {
                h.clear();
            }
        });
    }
    view! {
        <div class="counters" data-test="counters">
            <Transition fallback=|| view! { <p class="muted small">"Reading the firewall…"</p> }>
                {move || Suspend::new(async move {
                    match counters.await {
                        Ok(c) => view! { <Table c /> }.into_any(),
                        Err(e) => view! {
                            <p class="muted small" data-test="counters-unavailable">{e.to_string()}</p>
                        }.into_any(),
                    }
                })}
            </Transition>
            <button class="btn btn-small" data-test="read-counters" on:click=move |_| tick.update(|t| *t += 1)>
                "Read again"
            </button>
            <span class="muted small">{format!(" (every {EVERY_SECONDS} s while open)")}</span>
        </div>
    }
}

fn rate(r: &RuleCount) -> String {
    r.rate
        .map(|p| format!("{p:.1}/s"))
        .unwrap_or_else(|| "—".into())
}

#[component]
fn Table(c: FirewallCounters) -> impl IntoView {
    let top: Vec<RuleCount> = c.top_blocked(5).into_iter().cloned().collect();
    let would: Vec<RuleCount> = c.top_observed(5).into_iter().cloned().collect();
    let observes = c.rules.iter().any(|r| r.verdict == OBSERVE);
    let head = format!(
        "Since r{} was applied ({}); read {}{}.",
        c.revision,
        c.since,
        c.read_at,
        c.interval
            .map(|s| format!(", rates over the last {s:.0} s"))
            .unwrap_or_default()
    );
    view! {
        <p class="small">{head}</p>
        {if top.is_empty() {
            view! { <p class="small ok" data-test="top-blocked">"Nothing was stopped."</p> }.into_any()
        } else {
            view! {
                <p class="small top-blocked-head">"Stopped the most:"</p>
                <ol class="small top-blocked" data-test="top-blocked">
                    {top.into_iter().map(|r| view! {
                        <li class="blocked">{format!("{}: {} packets", r.rule, r.packets)}</li>
                    }).collect_view()}
                </ol>
            }.into_any()
        }}
        <BlockedPairs pairs=c.blocked_pairs(false) />
        {observes.then(|| view! { <Observed rules=would pairs=c.blocked_pairs(true) /> })}
        <Denied packets=c.denied note=c.denied_note />
        <table class="table counters-table">
            <thead><tr><th>"Rule"</th><th>"For"</th><th>"Does"</th><th>"Packets"</th><th>"Bytes"</th><th>"Rate"</th></tr></thead>
            <tbody>
                {c.rules.into_iter().map(|r| {
                    let blocked = r.verdict == "drop" && r.packets > 0;
                    let would = r.verdict == OBSERVE && r.packets > 0;
                    let does = if r.verdict == OBSERVE {
                        "observe: would drop, lets through".to_owned()
                    } else {
                        r.verdict.clone()
                    };
                    view! {
                        <tr data-rule=r.rule.clone() data-packets=r.packets.to_string()
                            data-flow=r.flow.map(|f| f.to_string()) class:blocked=blocked class:would-block=would>
                            <td><code>{r.rule.clone()}</code></td>
                            <td>{r.kind.label()}{(r.hook == "input").then_some(" (to the host)")}</td>
                            <td>{does}</td>
                            <td class="num">{r.packets}</td>
                            <td class="num">{r.bytes}</td>
                            <td class="num">{rate(&r)}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// The newest denied packets the kernel logged, newest first.
#[component]
fn Denied(packets: Vec<DeniedPacket>, note: Option<String>) -> impl IntoView {
    if let Some(note) = note {
        return view! { <p class="muted small" data-test="denied-note">{note}</p> }.into_any();
    }
    if packets.is_empty() {
        return view! { <p class="small ok" data-test="denied">"No denied packet in the kernel's log."</p> }
            .into_any();
    }
    view! {
        <details class="small denied" data-test="denied">
            <summary>{format!(
                "Logged: the newest {} denied (or, in observe mode, would-be denied) packet(s) the kernel's log still holds (since the host started, earlier revisions included)",
                packets.len()
            )}</summary>
            <table class="table">
                <thead><tr><th>"When"</th><th>"From"</th><th>"To"</th><th>"What"</th><th>"Zone"</th><th>"Was"</th></tr></thead>
                <tbody>
                    {packets.into_iter().rev().map(|p| view! {
                        <tr class:would-block=p.observed>
                            <td>{p.at}</td><td>{p.from}</td><td>{p.to}</td><td>{p.what}</td><td>{p.zone}</td>
                            <td>{if p.observed { "let through (observe)" } else { "dropped" }}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </details>
    }
    .into_any()
}

/// Who tried to reach whom, among the denied packets the kernel logged.
#[component]
fn BlockedPairs(pairs: Vec<(String, String, String, usize)>) -> impl IntoView {
    (!pairs.is_empty()).then(|| {
        view! {
            <p class="small top-blocked-head">"Blocked pairs (logged packets):"</p>
            <ol class="small top-blocked" data-test="blocked-pairs">
                {pairs.into_iter().take(5).map(|(from, to, what, n)| view! {
                    <li class="blocked">{format!("{from} → {to} {what}: {n}")}</li>
                }).collect_view()}
            </ol>
        }
    })
}

/// Observe mode: what the rules that observe would have stopped, by rule and by pair.
#[component]
fn Observed(rules: Vec<RuleCount>, pairs: Vec<(String, String, String, usize)>) -> impl IntoView {
    view! {
        <div class="observed" data-test="observed">
            <p class="small top-blocked-head">
                "Observe mode — would have been blocked (logged, counted and let through; Docker's separation of zones is enforced anyway):"
            </p>
            {if rules.is_empty() {
                view! { <p class="small ok" data-test="would-block">"Nothing yet: enforcing would have stopped no traffic so far."</p> }.into_any()
            } else {
                view! {
                    <ol class="small top-blocked" data-test="would-block">
                        {rules.into_iter().map(|r| view! {
                            <li class="would-block">{format!("{}: {} packets", r.rule, r.packets)}</li>
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
            {(!pairs.is_empty()).then(|| view! {
                <ol class="small top-blocked" data-test="would-block-pairs">
                    {pairs.into_iter().take(10).map(|(from, to, what, n)| view! {
                        <li class="would-block">{format!("{from} → {to} {what}: {n} logged")}</li>
                    }).collect_view()}
                </ol>
            })}
        </div>
    }
}

/// For the audit view of a design: what its firewall has done since each apply that is live,
/// one engine at a time (those of `engine` only, when the view names one), read when asked.
#[component]
pub fn FirewallSince(design: i64, engine: Option<String>) -> impl IntoView {
    let open = RwSignal::new(false);
    view! {
        <section class="card" data-test="firewall-since">
            <h2>"What the firewall did since"</h2>
            <button type="button" class="btn btn-small" data-test="show-firewall-since"
                on:click=move |_| open.update(|o| *o = !*o)>
                "Read the firewall of each engine where this design is live"
            </button>
            <Show when=move || open.get()>
                <FirewallRows design engine=engine.clone() />
            </Show>
        </section>
    }
}

#[component]
fn FirewallRows(design: i64, engine: Option<String>) -> impl IntoView {
    let rows = crate::loaded::load(move || design, |d| crate::api::list_live(Some(d), None));
    view! {
        <Transition fallback=|| view! { <p class="muted small">"Loading…"</p> }>
            {move || {
                let engine = engine.clone();
                Suspend::new(async move {
                    let rows: Vec<_> = match rows.await {
                        Ok(rows) => rows
                            .into_iter()
                            .filter(|r| engine.as_ref().is_none_or(|e| *e == r.engine))
                            .collect(),
                        Err(e) => {
                            return view! { <p class="banner banner-error" role="alert">{e.to_string()}</p> }
                                .into_any();
                        }
                    };
                    if rows.is_empty() {
                        return view! { <p class="muted small">"Not live on any engine: nothing to read."</p> }
                            .into_any();
                    }
                    rows.into_iter()
                        .map(|r| view! {
                            <div data-firewall-since=r.engine.clone()>
                                <h3>{format!("On {}, since r{} was applied ({}, by {})", r.engine, r.revision, r.applied_at, r.applied_by)}</h3>
                                <Counters design=r.design_id engine=r.engine_id />
                            </div>
                        })
                        .collect_view()
                        .into_any()
                })
            }}
        </Transition>
    }
}
