//! The firewall's counts drawn on the canvas: pick an engine where this design is live, and
//! each flow arrow and isolated zone gets a badge with the packets its rules matched since
//! the apply (stopped ones in red, those observe mode would have stopped in amber), read
//! again every ten seconds while shown.

use crate::api::{firewall_counters, list_live};
use crate::model::LiveRow;
use crate::model::counters::{Hit, Hits};
use leptos::prelude::*;

/// How often shown counts are read again.
const EVERY_SECONDS: u64 = 10;

/// The counts shown on the canvas, with where they come from.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Shown {
    pub hits: Hits,
    /// "r7 on local, read 12:04:10".
    pub from: String,
    /// The live revision differs from the one on the canvas: flows may be numbered
    /// differently.
    pub other_revision: Option<i64>,
}

/// A badge's text and class for `hit`.
pub fn badge(hit: &Hit) -> (String, &'static str) {
    let class = match (hit.packets > 0, hit.blocked, hit.observed) {
        (true, true, _) => "hits hits-blocked",
        (true, _, true) => "hits hits-observed",
        _ => "hits",
    };
    let verb = if hit.observed { " would stop" } else { "" };
    (format!("{} pkt{verb}", hit.packets), class)
}

/// The picker above the canvas; fills `shown` while an engine is chosen.
#[component]
pub fn HitsPicker(design: i64, revision: i64, shown: RwSignal<Option<Shown>>) -> impl IntoView {
    let open = RwSignal::new(false);
    let chosen = RwSignal::new(None::<LiveRow>);
    let error = RwSignal::new(None::<String>);
    let live = crate::loaded::load(
        move || open.get(),
        move |open| async move {
            if open {
                list_live(Some(design), None).await
            } else {
                Ok(Vec::new())
            }
        },
    );
    let tick = RwSignal::new(0u32);
    #[cfg(feature = "hydrate")]
    {
        let every = std::time::Duration::from_secs(EVERY_SECONDS);
        let handle = set_interval_with_handle(
            move || {
                if chosen.get_untracked().is_some() {
                    tick.update(|t| *t += 1);
                }
            },
            every,
        )
        .ok();
        on_cleanup(move || {
            if let Some(h) = handle {
                h.clear();
            }
        });
    }
    Effect::new(move |_| {
        tick.track();
        let Some(row) = chosen.get() else {
            shown.set(None);
            return;
        };
        leptos::task::spawn_local(async move {
            match firewall_counters(row.design_id, row.engine_id).await {
                Ok(c) => {
                    error.set(None);
                    shown.set(Some(Shown {
                        hits: c.hits(),
                        from: format!("r{} on {}, read {}", c.revision, c.engine, c.read_at),
                        other_revision: (c.revision != revision).then_some(c.revision),
                    }));
                }
                Err(e) => {
                    shown.set(None);
                    error.set(Some(e.to_string()));
                }
            }
        });
    });
    view! {
        <div class="hits-picker" data-test="hits-picker">
            <button type="button" class="btn btn-small" data-test="show-hits"
                on:click=move |_| open.update(|o| *o = !*o)>"Firewall counts…"</button>
            <Show when=move || open.get()>
                <Transition fallback=|| view! { <span class="muted small">"Loading…"</span> }>
                    {move || Suspend::new(async move {
                        match live.await {
                            Ok(rows) if rows.is_empty() => view! {
                                <span class="muted small" data-test="hits-none">"Not live on any engine: nothing to count."</span>
                            }.into_any(),
                            Ok(rows) => {
                                let options = rows.clone();
                                view! {
                                    <select data-test="hits-engine" on:change=move |ev| {
                                        let id: Option<i64> = event_target_value(&ev).parse().ok();
                                        chosen.set(id.and_then(|id| rows.iter().find(|r| r.engine_id == id).cloned()));
                                    }>
                                        <option value="">"hide the counts"</option>
                                        {options.into_iter().map(|r| view! {
                                            <option value=r.engine_id.to_string()>{format!("{} (r{} live)", r.engine, r.revision)}</option>
                                        }).collect_view()}
                                    </select>
                                }.into_any()
                            }
                            Err(e) => view! { <span class="banner banner-error" role="alert">{e.to_string()}</span> }.into_any(),
                        }
                    })}
                </Transition>
            </Show>
            {move || shown.get().map(|s| view! {
                <span class="muted small" data-test="hits-from">
                    {format!("Packets since the apply: {} (every {EVERY_SECONDS} s).", s.from)}
                    {s.other_revision.map(|r| format!(" The canvas shows revision {revision}, r{r} is live: flows are numbered as in r{r}."))}
                </span>
            })}
            {move || error.get().map(|e| view! { <span class="banner banner-error" role="alert">{e}</span> })}
        </div>
    }
}
