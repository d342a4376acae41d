//! API tokens on the users page (admins): made for a user and shown once, listed, revoked.

use crate::api::{CreateToken, RevokeToken, list_tokens, list_users};
use crate::components::error::ErrorBanner;
use crate::error::AppError;
use crate::model::TokenRow;
use leptos::prelude::*;

#[component]
pub fn Tokens() -> impl IntoView {
    let create = ServerAction::<CreateToken>::new();
    let revoke = ServerAction::<RevokeToken>::new();
    let tokens = crate::loaded::load(
        move || (create.version().get(), revoke.version().get()),
        |_| list_tokens(),
    );
    let users = crate::loaded::load(|| (), |_| list_users());
    let user = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    Effect::new(move |_| {
        let latest = [
            create.value().get().and_then(|r| r.err()),
            revoke.value().get().and_then(|r| r.err()),
        ];
        error.set(latest.into_iter().flatten().next());
    });
    let on_create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Ok(user_id) = user.get_untracked().parse() {
            create.dispatch(CreateToken {
                user_id,
                name: name.get_untracked(),
            });
            name.set(String::new());
        }
    };
    view! {
        <section class="card" data-test="tokens">
            <h2>"API tokens"</h2>
            <p class="muted small">
                "For scripts and CI on the JSON API (Authorization: Bearer …), never for pages. A token acts as its user, with that user's role; its secret is shown once."
            </p>
            <ErrorBanner error=error />
            {move || create.value().get().and_then(|r| r.ok()).map(|made| view! {
                <div class="banner banner-info" role="status" data-test="new-token">
                    <p>{format!("Token {} for {} — copy it now, it is not shown again:", made.row.name, made.row.user)}</p>
                    <code data-test="secret">{made.token}</code>
                </div>
            })}
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let list = users.await.unwrap_or_default();
                    if user.get_untracked().is_empty() && let Some(first) = list.first() {
                        user.set(first.id.to_string());
                    }
                    view! {
                        <select name="user_id" bind:value=user>
                            {list.into_iter().map(|u| view! { <option value=u.id.to_string()>{u.name}</option> }).collect_view()}
                        </select>
                    }
                })}
            </Transition>
            <form class="row-form" on:submit=on_create data-test="create-token">
                <label>"Used by" <input name="name" required maxlength="64" placeholder="ci" bind:value=name /></label>
                <button class="btn btn-primary" type="submit" disabled=move || create.pending().get()>"Make a token"</button>
            </form>
            <Transition fallback=|| view! { <p class="muted">"Loading tokens…"</p> }>
                {move || Suspend::new(async move {
                    match tokens.await {
                        Ok(list) if list.is_empty() => view! { <p class="muted">"No token yet."</p> }.into_any(),
                        Ok(list) => view! {
                            <table class="table" data-test="token-list">
                                <thead><tr><th>"User"</th><th>"Name"</th><th>"Token"</th><th>"Made"</th><th>"Last used"</th><th>"State"</th><th></th></tr></thead>
                                <tbody>{list.into_iter().map(|t| view! { <TokenLine t revoke /> }).collect_view()}</tbody>
                            </table>
                        }.into_any(),
                        Err(e) => view! { <p class="banner banner-error" role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn TokenLine(t: TokenRow, revoke: ServerAction<RevokeToken>) -> impl IntoView {
    let id = t.id;
    let in_force = t.revoked.is_none();
    let key = t.name.clone();
    view! {
        <tr data-token=key data-in-force=in_force.to_string()>
            <td>{t.user}</td>
            <td>{t.name}</td>
            <td><code>{format!("{}…", t.prefix)}</code></td>
            <td>{format!("{} by {}", t.created_at, t.created_by)}</td>
            <td>{t.last_used.unwrap_or_else(|| "never".into())}</td>
            <td>{t.revoked.map(|r| format!("revoked {r}")).unwrap_or_else(|| "in force".into())}</td>
            <td class="actions">
                {in_force.then(|| view! {
                    <button class="btn btn-small btn-danger" data-test="revoke" disabled=move || revoke.pending().get()
                        on:click=move |_| { revoke.dispatch(RevokeToken { id }); }>"Revoke"</button>
                })}
            </td>
        </tr>
    }
}
