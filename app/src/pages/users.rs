use crate::api::{ClearSignInLock, CreateUser, ResetPassword, SetDisabled, SetRole, list_users};
use crate::components::auth::{RequireRole, use_session};
use crate::components::error::ErrorBanner;
use crate::error::AppError;
use crate::model::{MIN_PASSWORD_LEN, Role, UserRow};
use leptos::prelude::*;
use leptos_meta::Title;

/// Admins manage users: create, change roles, disable, reset passwords.
#[component]
pub fn Users() -> impl IntoView {
    view! {
        <Title text="Users" />
        <RequireRole min=Role::Admin>
            <UserAdmin />
            <crate::components::tokens::Tokens />
        </RequireRole>
    }
}

#[derive(Clone, Copy)]
struct Actions {
    set_role: ServerAction<SetRole>,
    set_disabled: ServerAction<SetDisabled>,
    reset: ServerAction<ResetPassword>,
    unlock: ServerAction<ClearSignInLock>,
}

#[component]
fn UserAdmin() -> impl IntoView {
    let create = ServerAction::<CreateUser>::new();
    let actions = Actions {
        set_role: ServerAction::new(),
        set_disabled: ServerAction::new(),
        reset: ServerAction::new(),
        unlock: ServerAction::new(),
    };
    let users = crate::loaded::load(
        move || {
            (
                create.version().get(),
                actions.set_role.version().get(),
                actions.set_disabled.version().get(),
                actions.unlock.version().get(),
                actions.reset.version().get(),
            )
        },
        |_| list_users(),
    );
    let error = RwSignal::new(None::<AppError>);
    let notice = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        let latest = [
            create.value().get().and_then(|r| r.err()),
            actions.set_role.value().get().and_then(|r| r.err()),
            actions.set_disabled.value().get().and_then(|r| r.err()),
            actions.reset.value().get().and_then(|r| r.err()),
            actions.unlock.value().get().and_then(|r| r.err()),
        ];
        error.set(latest.into_iter().flatten().next());
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = actions.reset.value().get() {
            notice.set(Some(
                "Password reset; that user's sessions have ended.".into(),
            ));
        }
    });

    let name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let role = RwSignal::new("viewer".to_string());
    let on_create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let r = match role.get_untracked().parse::<Role>() {
            Ok(r) => r,
            Err(e) => {
                error.set(Some(AppError::invalid("role", e.to_string())));
                return;
            }
        };
        create.dispatch(CreateUser {
            name: name.get_untracked(),
            password: password.get_untracked(),
            role: r,
        });
        password.set(String::new());
    };

    view! {
        <div class="page-head"><h1>"Users"</h1></div>
        <ErrorBanner error=error />
        {move || notice.get().map(|n| view! { <p class="banner banner-info" role="status">{n}</p> })}
        <form class="card row-form" on:submit=on_create data-test="create-user">
            <label>"User name" <input name="name" required bind:value=name /></label>
            <label>
                "Initial password"
                <input name="password" type="password" required minlength=MIN_PASSWORD_LEN.to_string()
                    autocomplete="new-password" bind:value=password />
            </label>
            <label>
                "Role"
                <select name="role" bind:value=role>
                    {Role::ALL.into_iter().map(|r| view! { <option value=r.as_str()>{r.as_str()}</option> }).collect_view()}
                </select>
            </label>
            <button class="btn btn-primary" type="submit" disabled=move || create.pending().get()>
                "Create user"
            </button>
        </form>
        <Transition fallback=|| view! { <p class="muted">"Loading users…"</p> }>
            {move || Suspend::new(async move {
                match users.await {
                    Ok(list) => view! {
                        <table class="table" data-test="user-list">
                            <thead>
                                <tr><th>"Name"</th><th>"Role"</th><th>"Status"</th><th>"Created"</th><th class="actions-col">"Actions"</th></tr>
                            </thead>
                            <tbody>
                                {list.into_iter().map(|u| view! { <UserLine u actions /> }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                    Err(e) => view! { <p class="banner banner-error" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn UserLine(u: UserRow, actions: Actions) -> impl IntoView {
    let session = use_session();
    let is_me = session.user().is_some_and(|m| m.id == u.id);
    let id = u.id;
    let role = RwSignal::new(u.role.as_str().to_string());
    let new_password = RwSignal::new(String::new());
    let resetting = RwSignal::new(false);
    let disabled = u.disabled;
    let failures = u.recent_failures;
    view! {
        <tr data-user=u.name.clone() class:deleted=disabled>
            <td>{u.name.clone()}{is_me.then_some(" (you)")}</td>
            <td>
                <select aria-label="Role" bind:value=role disabled=is_me on:change=move |_| {
                    if let Ok(r) = role.get_untracked().parse() {
                        actions.set_role.dispatch(SetRole { user_id: id, role: r });
                    }
                }>
                    {Role::ALL.into_iter().map(|r| view! {
                        <option value=r.as_str() selected=r == u.role>{r.as_str()}</option>
                    }).collect_view()}
                </select>
            </td>
            <td>
                {if disabled { "disabled" } else { "active" }}
                {(failures > 0).then(|| view! {
                    <span class="muted small" data-test="failures">{format!(" · {failures} failed sign-in(s) lately")}</span>
                })}
            </td>
            <td><time>{u.created_at.clone()}</time></td>
            <td class="actions-col">
                {(!is_me).then(|| view! {
                    <button class="btn btn-small" on:click=move |_| {
                        actions.set_disabled.dispatch(SetDisabled { user_id: id, disabled: !disabled });
                    }>{if disabled { "Enable" } else { "Disable" }}</button>
                })}
                {(failures > 0).then(|| view! {
                    <button class="btn btn-small btn-quiet" data-test="unlock" on:click=move |_| {
                        actions.unlock.dispatch(ClearSignInLock { user_id: id });
                    }>"Clear failed sign-ins"</button>
                })}
                <Show when=move || resetting.get() fallback=move || view! {
                    <button class="btn btn-small btn-quiet" on:click=move |_| resetting.set(true)>"Reset password"</button>
                }>
                    <form class="inline" on:submit=move |ev: leptos::ev::SubmitEvent| {
                        ev.prevent_default();
                        actions.reset.dispatch(ResetPassword { user_id: id, password: new_password.get_untracked() });
                        new_password.set(String::new());
                        resetting.set(false);
                    }>
                        <input type="password" aria-label="New password" minlength=MIN_PASSWORD_LEN.to_string() required
                            autocomplete="new-password" bind:value=new_password />
                        <button class="btn btn-small" type="submit">"Set"</button>
                    </form>
                </Show>
            </td>
        </tr>
    }
}
