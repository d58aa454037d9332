//! `/tokens`: API tokens — mint one (its secret is shown once, right here), list, revoke.

use crate::api::roles::list_roles;
use crate::api::teams::list_teams;
use crate::api::tokens::{list_tokens, CreateToken, RevokeToken};
use crate::components::{
    failure, viewer_can, ActionError, ConsoleFrame, PageHeading, Panel, BUTTON, INPUT, QUIET,
};
use foxgate_core::authz::{Action, Permission, Resource as R, Scope};
use foxgate_core::model::{format_utc, Role, Team, TokenInfo};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn Tokens() -> impl IntoView {
    view! {
        <Title text="Tokens" />
        <ConsoleFrame active="/tokens">
            <PageHeading title="API tokens" subtitle="Credentials for programs. Each carries roles in one team or the whole organization." />
            <TokensBody />
        </ConsoleFrame>
    }
}

#[component]
fn TokensBody() -> impl IntoView {
    let create = ServerAction::<CreateToken>::new();
    let revoke = ServerAction::<RevokeToken>::new();
    let data = Resource::new(
        move || (create.version().get(), revoke.version().get()),
        |_| async move {
            let (tokens, roles, teams) = futures::join!(list_tokens(), list_roles(), list_teams());
            Ok::<_, crate::error::UiError>((
                tokens?,
                roles.unwrap_or_default(),
                teams.unwrap_or_default(),
            ))
        },
    );
    let may_create = viewer_can(Permission::new(R::Tokens, Action::Create), Scope::Org);
    view! {
        <ActionError message=failure(create) />
        <ActionError message=failure(revoke) />
        <NewSecret create />
        <Suspense fallback=|| view! { <p class="text-sm">"Loading…"</p> }>
            {move || {
                data.get()
                    .map(|result| match result {
                        Ok((tokens, roles, teams)) => view! {
                            {move || may_create.get().then(|| view! { <MintForm create roles=roles.clone() teams=teams.clone() /> })}
                            <TokenTable tokens revoke />
                        }
                        .into_any(),
                        Err(e) => view! { <p class="text-sm text-red-700">{e.message().to_string()}</p> }.into_any(),
                    })
            }}
        </Suspense>
    }
}

/// The one moment a secret is visible: plain selectable text, with a copy button.
#[component]
fn NewSecret(create: ServerAction<CreateToken>) -> impl IntoView {
    move || {
        create.value().get().and_then(Result::ok).map(|created| {
            let secret = created.token.clone();
            let copy = move |_| {
                #[cfg(feature = "hydrate")]
                {
                    if let Some(window) = web_sys::window() {
                        // The promise is not awaited: the secret stays on screen either way.
                        let _ = window.navigator().clipboard().write_text(&secret);
                    }
                }
                #[cfg(not(feature = "hydrate"))]
                let _ = &secret;
            };
            view! {
                <div role="dialog" aria-label="New token" class="mb-6 rounded-xl border border-amber-300 bg-amber-50 p-5 dark:border-amber-800 dark:bg-amber-950">
                    <p class="mb-2 text-sm font-semibold">{format!("Token “{}” created. Copy it now: you will not see it again.", created.info.name)}</p>
                    <code class="block break-all rounded-lg bg-white p-3 font-mono text-sm select-all dark:bg-slate-950" data-testid="new-token">
                        {created.token}
                    </code>
                    <button type="button" class=format!("mt-3 {QUIET}") on:click=copy>"Copy"</button>
                </div>
            }
        })
    }
}

#[component]
fn MintForm(
    create: ServerAction<CreateToken>,
    roles: Vec<Role>,
    teams: Vec<Team>,
) -> impl IntoView {
    view! {
        <Panel title="New token">
            <ActionForm action=create attr:class="space-y-3">
                <div class="flex flex-wrap items-end gap-3">
                    <label class="text-sm">"Name" <input name="name" required class=INPUT placeholder="ci-deploy" /></label>
                    <label class="text-sm">
                        "Where"
                        <select name="team" class=INPUT>
                            <option value="">"Whole organization (org admin token)"</option>
                            {teams.into_iter().map(|t| view! { <option value=t.id>{format!("Team {}", t.name)}</option> }).collect_view()}
                        </select>
                    </label>
                    <label class="text-sm">
                        "Expires"
                        <select name="expires_in_days" class=INPUT>
                            <option value="7">"in 7 days"</option>
                            <option value="30" selected>"in 30 days"</option>
                            <option value="90">"in 90 days"</option>
                            <option value="">"never"</option>
                        </select>
                    </label>
                </div>
                <fieldset class="flex flex-wrap gap-4 text-sm">
                    <legend class="mb-1 font-medium">"Roles"</legend>
                    {roles
                        .into_iter()
                        .map(|r| view! { <label class="flex items-center gap-1"><input type="checkbox" name="roles[]" value=r.id />{r.name}</label> })
                        .collect_view()}
                </fieldset>
                <button type="submit" class=BUTTON>"Create token"</button>
            </ActionForm>
        </Panel>
    }
}

#[component]
fn TokenTable(tokens: Vec<TokenInfo>, revoke: ServerAction<RevokeToken>) -> impl IntoView {
    let rows = tokens
        .into_iter()
        .map(|t| {
            let status = if t.revoked_at.is_some() {
                "revoked"
            } else {
                "active"
            };
            let live = t.revoked_at.is_none();
            let id = t.id.clone();
            view! {
                <tr data-testid="token-row">
                    <td class="py-2 font-medium">{t.name}</td>
                    <td class="py-2 font-mono text-xs">{t.id}</td>
                    <td class="py-2">{if t.team_id.is_some() { "team" } else { "org admin" }}</td>
                    <td class="py-2">{t.roles.join(", ")}</td>
                    <td class="py-2" data-testid="token-status">{status}</td>
                    <td class="py-2 text-xs" data-testid="token-last-used">
                        {match (t.last_used_at, t.last_used_ip) {
                            (Some(at), ip) => format!("{} from {}", format_utc(at), ip.unwrap_or_default()),
                            (None, _) => "never".to_string(),
                        }}
                    </td>
                    <td class="py-2 text-xs">{t.expires_at.map_or_else(|| "never".to_string(), format_utc)}</td>
                    <td class="py-2 text-right">
                        {live.then(|| view! {
                            <ActionForm action=revoke>
                                <input type="hidden" name="token" value=id />
                                <button type="submit" class=QUIET>"Revoke"</button>
                            </ActionForm>
                        })}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <Panel title="Tokens">
            <table class="w-full text-left text-sm" data-testid="tokens-table">
                <thead>
                    <tr class="text-xs uppercase text-slate-500">
                        <th class="py-2">"Name"</th>
                        <th class="py-2">"Id"</th>
                        <th class="py-2">"Kind"</th>
                        <th class="py-2">"Roles"</th>
                        <th class="py-2">"Status"</th>
                        <th class="py-2">"Last used"</th>
                        <th class="py-2">"Expires"</th>
                        <th class="py-2"></th>
                    </tr>
                </thead>
                <tbody class="divide-y divide-slate-200 dark:divide-slate-800">{rows}</tbody>
            </table>
        </Panel>
    }
}
