//! Form fields of the properties panel: each shows its value from the document, applies an
//! edit as you type (one undo step per field), and shows the validation message for its path.

use super::state::Ed;
use design::RawDesign;
use leptos::prelude::*;
use std::sync::Arc;

/// The validation or finding message at `path`, if any.
pub fn problem(ed: Ed, path: String) -> Signal<Option<String>> {
    Signal::derive(move || ed.analysis.with(|a| a.at(&path)))
}

// Each component below is a thin generic shell around one non-generic function: the panel
// has dozens of fields, and a generic body would be compiled once per field.

/// Reads a field's value from the document.
type Read<T> = Box<dyn Fn(&RawDesign) -> T + Send + Sync>;
/// Writes a field's value into the document; returns whether the field's object exists.
type Write<T> = Arc<dyn Fn(&mut RawDesign, T) -> bool + Send + Sync>;

/// A text field bound to the document.
#[component]
pub fn Text(
    ed: Ed,
    label: &'static str,
    /// Dotted path in the design, for the validation message and the undo grouping.
    path: String,
    read: impl Fn(&RawDesign) -> String + Send + Sync + 'static,
    write: impl Fn(&mut RawDesign, String) -> bool + Send + Sync + 'static,
    #[prop(optional)] placeholder: &'static str,
) -> impl IntoView {
    text(
        ed,
        label,
        path,
        Box::new(read),
        Arc::new(write),
        placeholder,
    )
}

fn text(
    ed: Ed,
    label: &'static str,
    path: String,
    read: Read<String>,
    write: Write<String>,
    placeholder: &'static str,
) -> AnyView {
    let error = problem(ed, path.clone());
    let id = format!("f-{}", path.replace(['.', '[', ']'], "-"));
    let key = path.clone();
    let label_for = id.clone();
    view! {
        <label class="field" class:invalid=move || error.get().is_some() for=label_for>
            {label}
            <input
                id=id
                data-field=path.clone()
                placeholder=placeholder
                disabled=move || ed.readonly.get()
                prop:value=move || ed.doc.with(|d| read(d))
                on:input=move |ev| {
                    let v = event_target_value(&ev);
                    let write = write.clone();
                    ed.apply_keyed(Some(&key), move |d, _| write(d, v));
                }
            />
            {move || error.get().map(|e| view! { <span class="field-error" data-field-error=path.clone() role="alert">{e}</span> })}
        </label>
    }
    .into_any()
}

/// A checkbox bound to the document.
#[component]
pub fn Check(
    ed: Ed,
    label: &'static str,
    path: String,
    read: impl Fn(&RawDesign) -> bool + Send + Sync + 'static,
    write: impl Fn(&mut RawDesign, bool) -> bool + Send + Sync + 'static,
) -> impl IntoView {
    check(ed, label, path, Box::new(read), Arc::new(write))
}

fn check(
    ed: Ed,
    label: &'static str,
    path: String,
    read: Read<bool>,
    write: Write<bool>,
) -> AnyView {
    let error = problem(ed, path.clone());
    view! {
        <label class="field field-check">
            <input
                type="checkbox"
                data-field=path.clone()
                disabled=move || ed.readonly.get()
                prop:checked=move || ed.doc.with(|d| read(d))
                on:change=move |ev| {
                    let v = event_target_checked(&ev);
                    let write = write.clone();
                    ed.apply(move |d, _| write(d, v));
                }
            />
            {label}
            {move || error.get().map(|e| view! { <span class="field-error" role="alert">{e}</span> })}
        </label>
    }
    .into_any()
}

/// A select bound to the document.
#[component]
pub fn Choice(
    ed: Ed,
    label: &'static str,
    path: String,
    options: Vec<(String, String)>,
    read: impl Fn(&RawDesign) -> String + Send + Sync + 'static,
    write: impl Fn(&mut RawDesign, String) -> bool + Send + Sync + 'static,
) -> impl IntoView {
    choice(ed, label, path, options, Box::new(read), Arc::new(write))
}

fn choice(
    ed: Ed,
    label: &'static str,
    path: String,
    options: Vec<(String, String)>,
    read: Read<String>,
    write: Write<String>,
) -> AnyView {
    let error = problem(ed, path.clone());
    let current = Memo::new(move |_| ed.doc.with(|d| read(d)));
    view! {
        <label class="field">
            {label}
            <select
                data-field=path.clone()
                disabled=move || ed.readonly.get()
                prop:value=move || current.get()
                on:change=move |ev| {
                    let v = event_target_value(&ev);
                    let write = write.clone();
                    ed.apply(move |d, _| write(d, v));
                }
            >
                {options
                    .into_iter()
                    .map(|(value, text)| {
                        let v2 = value.clone();
                        view! { <option value=value selected=move || current.get() == v2>{text}</option> }
                    })
                    .collect_view()}
            </select>
            {move || error.get().map(|e| view! { <span class="field-error" role="alert">{e}</span> })}
        </label>
    }
    .into_any()
}

/// Comma-separated text for a list.
pub fn join(list: Option<&Vec<String>>) -> String {
    list.map(|l| l.join(", ")).unwrap_or_default()
}

/// A list from comma-separated text; empty text means "not set".
pub fn split(text: &str) -> Option<Vec<String>> {
    let v: Vec<String> = text
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    (!v.is_empty()).then_some(v)
}

/// A tri-state (unset / yes / no) as select options.
pub fn tri_options() -> Vec<(String, String)> {
    vec![
        (String::new(), "default".into()),
        ("true".into(), "yes".into()),
        ("false".into(), "no".into()),
    ]
}

pub fn tri_read(v: Option<bool>) -> String {
    v.map(|b| b.to_string()).unwrap_or_default()
}

pub fn tri_write(s: &str) -> Option<bool> {
    match s {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}
