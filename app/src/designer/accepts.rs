//! The accepted findings of a service or a zone: each finding code with the reason a review
//! reads. A finding of severity error is accepted only with a reason; until it has one it
//! stays an error and stops apply and export.

use super::edit::opt;
use super::fields::Text;
use super::state::Ed;
use design::FindingCode;
use design::raw::{RawAccept, RawDesign};
use leptos::prelude::*;

/// Whose `accept:` list: the service or the zone of this name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    /// `services.<name>.accept`.
    Service,
    /// `zones.<name>.accept`.
    Zone,
}

impl Owner {
    fn path(self, name: &str) -> String {
        match self {
            Owner::Service => format!("services.{name}.accept"),
            Owner::Zone => format!("zones.{name}.accept"),
        }
    }

    fn list(self, d: &RawDesign, name: &str) -> Vec<RawAccept> {
        match self {
            Owner::Service => d.services.get(name).map(|s| s.accept.clone()),
            Owner::Zone => d.zones.get(name).map(|z| z.accept.clone()),
        }
        .unwrap_or_default()
    }

    fn list_mut<'a>(self, d: &'a mut RawDesign, name: &str) -> Option<&'a mut Vec<RawAccept>> {
        match self {
            Owner::Service => d.services.0.get_mut(name).map(|s| &mut s.accept),
            Owner::Zone => d.zones.0.get_mut(name).map(|z| &mut z.accept),
        }
    }
}

/// The list, one row per accepted finding (code, reason, remove), and a row to accept
/// another.
#[component]
pub fn Accepts(ed: Ed, owner: Owner, name: StoredValue<String>) -> impl IntoView {
    let entries = move || ed.doc.with(|d| owner.list(d, &name.get_value()));
    let picked = RwSignal::new(String::new());
    let add = move |_| {
        let code = picked.get_untracked();
        if code.is_empty() {
            return;
        }
        ed.apply(|d, _| {
            let Some(list) = owner.list_mut(d, &name.get_value()) else {
                return false;
            };
            if list.iter().any(|a| a.code == code) {
                return false;
            }
            list.push(RawAccept::code(code));
            true
        });
        picked.set(String::new());
    };
    view! {
        <fieldset class="accepts" data-test="accepts">
            <legend>"Accepted findings"</legend>
            <p class="muted small">"An accepted finding is shown as a note. An error needs a reason before apply and export go ahead; reviews show it."</p>
            {move || entries().into_iter().enumerate().map(|(i, entry)| {
                let base = owner.path(&name.get_value());
                let code = entry.code.clone();
                let severity = code.parse::<FindingCode>().map(|c| c.severity().to_string()).unwrap_or_default();
                view! {
                    <div class="accept" data-accept=code.clone()>
                        <span class="chip" title=severity.clone()>{code.clone()}</span>
                        <Text ed label="Reason" path=format!("{base}[{i}].reason") placeholder="what needs it, and what limits the risk"
                            read=move |d| owner.list(d, &name.get_value()).get(i).and_then(|a| a.reason.clone()).unwrap_or_default()
                            write=move |d, v| owner.list_mut(d, &name.get_value()).and_then(|l| l.get_mut(i)).map(|a| a.reason = opt(&v)).is_some() />
                        <button type="button" class="btn btn-small btn-quiet" disabled=move || ed.readonly.get()
                            on:click=move |_| { ed.apply(|d, _| owner.list_mut(d, &name.get_value()).filter(|l| i < l.len()).map(|l| { l.remove(i); }).is_some()); }>
                            {format!("Remove {code}")}
                        </button>
                    </div>
                }
            }).collect_view()}
            <div class="row">
                <label class="field">
                    "Accept a finding"
                    <select data-test="accept-code" disabled=move || ed.readonly.get()
                        prop:value=move || picked.get()
                        on:change=move |ev| picked.set(event_target_value(&ev))>
                        <option value="">"choose a code…"</option>
                        {FindingCode::ALL.iter().map(|c| view! {
                            <option value=c.as_str()>{format!("{} ({})", c.as_str(), c.severity())}</option>
                        }).collect_view()}
                    </select>
                </label>
                <button type="button" class="btn btn-small" data-test="accept-add"
                    disabled=move || ed.readonly.get() || picked.get().is_empty() on:click=add>"Accept"</button>
            </div>
        </fieldset>
    }
}
