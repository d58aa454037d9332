//! `/tokens`: API tokens — mint one (its secret is shown once, right here), list with
//! filters, regenerate, revoke.

use crate::api::roles::list_roles;
use crate::api::tokens::{list_tokens, new_submission, take_new_token, CreateToken, RotateToken};
use crate::components::{
    counted, use_summary, AppWords, ConsoleFrame, CopyButton, FollowsSearch, ListSearch, LoadError,
    PageHeading, Pager, Panel, PermissionGrid, Submit, TeamPicker, BUTTON, INPUT, QUIET,
};
use crate::pages::confirm_href;
use crate::pages::query_param;
use foxgate_core::authz::application::is_app_word;
use foxgate_core::authz::{BuiltinRole, Grants, Permission};
use foxgate_core::model::Doomed;
use foxgate_core::model::{format_utc, CreatedToken, Role, TokenMode, TokenPage, TokenStatus};
use foxgate_core::token::TokenKind;
use foxgate_core::use_cases::TOKENS_CREATE;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn Tokens() -> impl IntoView {
    view! {
        <Title text="Tokens" />
        <ConsoleFrame active="/tokens">
            <PageHeading title="API tokens" subtitle="Credentials for programs: roles in one team or the whole organization, or a personal token that acts as you." />
            <TokensBody />
        </ConsoleFrame>
    }
}

/// Everything the page shows, loaded together.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
struct PageData {
    tokens: TokenPage,
    roles: Vec<Role>,
    /// A secret minted by a plain form post, handed over through the session once.
    flashed: Option<CreatedToken>,
    /// The mint form's one-time key, new after each mint.
    submission: String,
}

#[component]
fn TokensBody() -> impl IntoView {
    let (q, team, status, kind_filter, cursor) = (
        query_param("q"),
        query_param("team"),
        query_param("status"),
        query_param("kind"),
        query_param("cursor"),
    );
    let data = Resource::new(
        move || (q(), team(), status(), kind_filter(), cursor()),
        |(q, team, status, kind, cursor)| async move {
            let (tokens, roles, flashed, submission) = futures::join!(
                list_tokens(q, team, status, kind, cursor),
                list_roles(),
                take_new_token(),
                new_submission()
            );
            Ok::<_, crate::error::UiError>(PageData {
                tokens: tokens?,
                roles: roles.unwrap_or_default(),
                flashed: flashed.unwrap_or_default(),
                submission: submission?,
            })
        },
    );
    let summary = use_summary();
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let policy = summary
                    .get()
                    .and_then(Result::ok)
                    .map(|s| (s.grants, s.app_permissions, s.max_token_lifetime_days));
                data.get()
                    .zip(policy)
                    .map(|(result, (grants, held_apps, lifetime))| match result {
                        Ok(page) => view! {
                            {page.flashed.clone().map(|created| view! { <NewSecret created /> })}
                            <MintForm grants held_apps roles=page.roles.clone() lifetime submission=page.submission.clone() />
                        }
                        .into_any(),
                        Err(_) => ().into_any(),
                    })
            }}
        </Suspense>
        <Filters />
        <Suspense fallback=|| view! { <p class="text-sm">"Loading…"</p> }>
            {move || {
                data.get()
                    .map(|result| match result {
                        Ok(page) => view! {
                            <FollowsSearch search="token-filters"><TokenTable page=page.tokens roles=page.roles /></FollowsSearch>
                        }
                        .into_any(),
                        Err(e) => view! { <LoadError error=e /> }.into_any(),
                    })
            }}
        </Suspense>
    }
}

/// The one moment a secret is visible: a dialog that takes focus, the secret as one
/// click-to-select block, "Copy" (in the browser: "Copied ✓", or when the clipboard is
/// refused or missing, the text selected and "press Ctrl+C"), and "Done — I have stored it",
/// which leads to the token's row (without JavaScript, a reload that no longer shows it).
#[component]
fn NewSecret(created: CreatedToken) -> impl IntoView {
    let row = format!("token-{}", created.info.id);
    // A secure-mode token has no secret: what is shown once is its key id.
    let Some(secret) = created.token.clone() else {
        return view! {
            <div role="dialog" aria-labelledby="new-secret-title" tabindex="-1" autofocus class="mb-6 rounded-xl border border-emerald-300 bg-emerald-50 p-5 focus:outline-none focus-visible:ring-2 focus-visible:ring-orange-500 dark:border-emerald-800 dark:bg-emerald-950" data-testid="new-signed-token">
                <h2 id="new-secret-title" class="text-sm font-semibold">{format!("Secure-mode token “{}” is ready", created.info.name)}</h2>
                <p class="mb-2 text-sm">"It has no secret. Sign each request with your private key, with this key id (keyid):"</p>
                <code class="block break-all rounded-lg bg-white p-3 font-mono text-sm select-all dark:bg-slate-950" data-testid="new-key-id">{created.info.id.clone()}</code>
                <div class="mt-3 flex flex-wrap items-center gap-2">
                    <SecretDone row label="Done".to_string() />
                </div>
            </div>
        }
        .into_any();
    };
    let grace = created
        .info
        .previous_valid_until
        .map(|until| {
            format!(
                " The previous secret keeps working until {}.",
                format_utc(until)
            )
        })
        .unwrap_or_default();
    view! {
        <div role="dialog" aria-labelledby="new-secret-title" aria-describedby="new-secret-warning" tabindex="-1" autofocus class="mb-6 rounded-xl border border-amber-300 bg-amber-50 p-5 focus:outline-none focus-visible:ring-2 focus-visible:ring-orange-500 dark:border-amber-800 dark:bg-amber-950">
            <h2 id="new-secret-title" class="text-sm font-semibold">{format!("Token “{}” is ready", created.info.name)}</h2>
            <p id="new-secret-warning" class="mb-2 text-sm">{format!("Copy it now: you will not see it again.{grace}")}</p>
            <code id="new-secret" class="block break-all rounded-lg bg-white p-3 font-mono text-sm select-all dark:bg-slate-950" data-testid="new-token">
                {secret}
            </code>
            <div class="mt-3 flex flex-wrap items-center gap-2">
                // Without JavaScript there is nothing a Copy button could do: the block
                // selects whole on one click instead.
                <CopyButton target="new-secret".to_string() status_testid="copy-status" />
                <SecretDone row label="Done — I have stored it".to_string() />
            </div>
        </div>
    }
    .into_any()
}

/// The dialog's way out, to the new token's row. An island: in the browser the dialog goes
/// and the row takes the focus without a reload.
#[island]
fn SecretDone(row: String, label: String) -> impl IntoView {
    let href = format!("/tokens#{row}");
    let done = move |ev: leptos::ev::MouseEvent| {
        #[cfg(feature = "hydrate")]
        {
            use web_sys::wasm_bindgen::JsCast;
            ev.prevent_default();
            let dialog = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .and_then(|link| link.closest("[role=dialog]").ok().flatten());
            if let Some(dialog) = dialog {
                dialog.remove();
            }
            if let Some(row) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.get_element_by_id(&row))
            {
                let _ = row.unchecked_into::<web_sys::HtmlElement>().focus();
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, &row);
    };
    view! { <a href=href class=BUTTON on:click=done>{label}</a> }
}

/// The mint form. Without JavaScript every field shows (each says which kind it is for); in
/// the browser, only the fields of the chosen kind do (`data-shown-when`,
/// frontend/src/linked_fields.rs).
#[component]
fn MintForm(
    grants: Grants,
    /// The viewer's applications' permissions (`@team:` marks those held in one team).
    held_apps: Vec<String>,
    roles: Vec<Role>,
    lifetime: Option<u32>,
    submission: String,
) -> impl IntoView {
    let org_tokens = TOKENS_CREATE.allowed_by(&grants, None);
    // A team token may be minted by whoever holds tokens:create in some team.
    let team_tokens = org_tokens
        || grants
            .team_sets()
            .iter()
            .any(|(team, _)| TOKENS_CREATE.allowed_by(&grants, Some(team)));
    let kind = if team_tokens { "team" } else { "personal" };
    let mine: Vec<Permission> = Permission::all()
        .filter(|perm| {
            grants.org.contains(*perm) || grants.team_sets().iter().any(|(_, s)| s.contains(*perm))
        })
        .collect();
    // A personal token names an application permission once, wherever its user holds it.
    let mut mine_apps: Vec<String> = held_apps
        .iter()
        .map(|w| w.split("@team:").next().unwrap_or(w).to_string())
        .collect();
    mine_apps.sort();
    mine_apps.dedup();
    let presets: Vec<u32> = [7, 30, 90]
        .into_iter()
        .filter(|d| lifetime.is_none_or(|max| *d <= max))
        .collect();
    // Only roles whose every Foxgate permission the viewer holds (the service refuses the
    // others). Application words are left to the service: an owner holds them all without a
    // grant naming them.
    let holds = |word: &String| {
        word.parse::<Permission>()
            .map_or(true, |perm| mine.contains(&perm))
    };
    let roles: Vec<Role> = roles
        .into_iter()
        .filter(|r| r.permissions.iter().all(holds))
        .collect();
    let create = ServerAction::<CreateToken>::new();
    let offered: Vec<String> = mine.iter().map(Permission::to_string).collect();
    view! {
        <Panel title="New token">
            <ActionForm action=create attr:class="space-y-3">
                <div class="flex flex-wrap items-end gap-3">
                    <label class="text-sm">"Name" <input name="name" required class=INPUT placeholder="ci-deploy" /></label>
                    <label class="text-sm">
                        "Kind"
                        <select name="kind" class=INPUT>
                            {team_tokens.then(|| view! { <option value="team" selected=kind == "team">"Team token"</option> })}
                            {org_tokens.then(|| view! { <option value="org_admin">"Org admin token"</option> })}
                            <option value="personal" selected=kind == "personal">"Personal token (acts as you)"</option>
                        </select>
                    </label>
                    {team_tokens.then(|| view! {
                        <label class="text-sm" data-shown-when="kind=team">
                            "Team (team tokens)"
                            <TeamPicker name="team" id="mint-team" />
                        </label>
                    })}
                    <label class="text-sm">
                        "Expires"
                        <select name="expires" class=INPUT>
                            {presets.iter().map(|d| view! { <option value=d.to_string() selected=*d == 30>{format!("in {d} days")}</option> }).collect_view()}
                            <option value="date" selected=presets.is_empty()>"on the date below"</option>
                            {lifetime.is_none().then(|| view! { <option value="never">"never"</option> })}
                        </select>
                    </label>
                    // A typed date is the choice: the select follows it (and without
                    // JavaScript the server takes the date over the select).
                    <label class="text-sm">
                        "Date (last day, UTC)"
                        <input type="date" name="expires_on" class=INPUT data-picks="expires=date" />
                    </label>
                </div>
                {lifetime.is_none().then(|| view! {
                    <p class="text-xs text-amber-800 dark:text-amber-300" data-shown-when="expires=never" data-testid="never-warning">
                        "A token that never expires keeps working until someone revokes it: if it leaks, nothing stops it. Prefer a date."
                    </p>
                })}
                {lifetime.map(|days| view! { <p class="text-xs text-slate-600 dark:text-slate-400">{format!("This organization's tokens expire within {days} days.")}</p> })}
                {team_tokens.then(|| view! {
                    <fieldset class="flex flex-wrap gap-4 text-sm" data-shown-when="kind=team org_admin">
                        <legend class="mb-1 font-medium">"Roles (team and org admin tokens)"</legend>
                        {roles
                            .into_iter()
                            .map(|r| {
                                // Org Owner is for the whole organization: not offered for a team.
                                if r.id == BuiltinRole::Owner.id() {
                                    view! {
                                        <label class="flex items-center gap-1" data-shown-when="kind=org_admin">
                                            <input type="checkbox" name="roles[]" value=r.id />{format!("{} (org admin tokens only)", r.name)}
                                        </label>
                                    }
                                    .into_any()
                                } else {
                                    view! { <label class="flex items-center gap-1"><input type="checkbox" name="roles[]" value=r.id />{r.name}</label> }.into_any()
                                }
                            })
                            .collect_view()}
                    </fieldset>
                })}
                <fieldset class="flex flex-wrap gap-4 text-sm" data-shown-when="kind=personal">
                    <legend class="mb-1 font-medium">"Permissions (personal tokens: never more than you hold)"</legend>
                    <PermissionGrid granted=Vec::new() editable=true offered=offered />
                    {mine_apps
                        .into_iter()
                        .map(|perm| view! { <label class="flex items-center gap-1 font-mono text-xs"><input type="checkbox" name="permissions[]" value=perm.clone() />{perm.clone()}</label> })
                        .collect_view()}
                </fieldset>
                // Secure mode: the console takes a public key only, never a private one.
                <details class="text-sm" data-testid="secure-mode">
                    <summary class="cursor-pointer font-medium">"Secure mode: bind the token to a public key (optional)"</summary>
                    <p class="mt-1 text-xs text-slate-600 dark:text-slate-400">
                        "A secure-mode token has no secret: each request is signed with your private key (HTTP Message Signatures, RFC 9421), so neither a captured request nor a database copy can be reused. Paste the public key (Ed25519 or P-256, PEM or JWK). Never paste the private key."
                    </p>
                    <label class="mt-2 block">
                        "Public key"
                        <textarea name="public_key" rows="4" class=format!("{INPUT} block w-full font-mono text-xs") placeholder="-----BEGIN PUBLIC KEY-----"></textarea>
                    </label>
                </details>
                <input type="hidden" name="submission" value=submission />
                // The server refuses the same form twice: a double submit mints one token.
                <Submit label="Create token" />
            </ActionForm>
        </Panel>
    }
}

/// Narrows the list by name, kind, team and status: a GET form, so it works without
/// JavaScript; with it, the list follows the typing.
#[component]
fn Filters() -> impl IntoView {
    let (q, team, status, kind) = (
        query_param("q"),
        query_param("team"),
        query_param("status"),
        query_param("kind"),
    );
    let chosen_status = status().unwrap_or_default();
    let chosen_kind = kind().unwrap_or_default();
    view! {
        <ListSearch path="/tokens" testid="token-filters" clear="Show every token">
            <label class="text-sm">
                "Name" <input type="search" name="q" value=move || q().unwrap_or_default() class=INPUT placeholder="e.g. ci-" maxlength="100" />
            </label>
            <label class="text-sm">
                "Kind"
                <select name="kind" class=INPUT>
                    <option value="">"All"</option>
                    {TokenKind::ALL.into_iter().map(|k| view! { <option value=k.as_str() selected=k.as_str() == chosen_kind>{kind_label(k)}</option> }).collect_view()}
                </select>
            </label>
            <label class="text-sm">
                "Team" <TeamPicker name="team" id="filter-team" value=team().unwrap_or_default() placeholder="any team" />
            </label>
            <label class="text-sm">
                "Status"
                <select name="status" class=INPUT>
                    <option value="">"All"</option>
                    {TokenStatus::ALL.into_iter().map(|s| view! { <option value=s.as_str() selected=s.as_str() == chosen_status>{s.as_str()}</option> }).collect_view()}
                </select>
            </label>
        </ListSearch>
    }
}

fn kind_label(kind: TokenKind) -> &'static str {
    match kind {
        TokenKind::Team => "team",
        TokenKind::OrgAdmin => "org admin",
        TokenKind::Personal => "personal",
    }
}

#[component]
fn TokenTable(page: TokenPage, roles: Vec<Role>) -> impl IntoView {
    let rotate = ServerAction::<RotateToken>::new();
    let filters =
        ["q", "team", "status", "kind"].map(|name| (name, query_param(name)().unwrap_or_default()));
    let filtered = filters.iter().any(|(_, v)| !v.is_empty());
    let count = counted(&page.total, "token", "tokens", filtered);
    let rows = page
        .tokens
        .into_iter()
        .map(|t| {
            let live = t.status == TokenStatus::Active;
            // A secure-mode token has no secret to regenerate.
            let rotatable = live && t.mode == TokenMode::Bearer;
            let mode = t.key.as_ref().map(|key| {
                let title = format!("key thumbprint {}", key.thumbprint);
                view! { <span class="block text-xs text-emerald-800 dark:text-emerald-300" title=title data-testid="token-mode">{format!("signed · {}", key.algorithm.as_str())}</span> }
            });
            let (rotate_id, revoke_id, row_id) = (t.id.clone(), t.id.clone(), format!("token-{}", t.id));
            // Row actions say which token they act on, for screen readers and voice control.
            let (rotate_label, revoke_label) = (format!("Regenerate token {}", t.name), format!("Revoke token {}", t.name));
            let (powers, words) = if t.kind == TokenKind::Personal {
                let own: Vec<String> = t.permissions.iter().filter(|w| !is_app_word(w)).cloned().collect();
                (own.join(", "), t.permissions)
            } else {
                let held: Vec<&Role> = t.roles.iter().filter_map(|id| roles.iter().find(|r| &r.id == id)).collect();
                (
                    held.iter().map(|r| r.name.as_str()).collect::<Vec<_>>().join(", "),
                    held.iter().flat_map(|r| r.permissions.iter().cloned()).collect(),
                )
            };
            view! {
                <tr data-testid="token-row" id=row_id tabindex="-1">
                    <td class="py-2 pr-2">
                        <span class="font-medium">{t.name}</span>
                        <span class="block font-mono text-xs text-slate-600 dark:text-slate-400">{t.id}</span>
                    </td>
                    <td class="py-2 pr-2">
                        {kind_label(t.kind)}
                        {mode}
                        <span class="block text-xs text-slate-600 dark:text-slate-400">{t.team_name.clone().or(t.team_id.clone()).unwrap_or_default()}</span>
                    </td>
                    <td class="py-2 pr-2 text-xs">{powers} <AppWords words /></td>
                    <td class="py-2 text-xs" data-testid="token-created">
                        {format!("{} by {}", format_utc(t.created_at), t.created_by_email.unwrap_or_else(|| "a token".into()))}
                    </td>
                    <td class="py-2 text-xs">{t.expires_at.map_or_else(|| "never".to_string(), format_utc)}</td>
                    <td class="py-2 text-xs" data-testid="token-last-used">
                        {match (t.last_used_at, t.last_used_ip) {
                            (Some(at), ip) => format!("{} from {}", format_utc(at), ip.unwrap_or_default()),
                            (None, _) => "never".to_string(),
                        }}
                    </td>
                    <td class="py-2" data-testid="token-status">
                        {t.status.as_str()}
                        {t.previous_valid_until.map(|until| view! { <span class="block text-xs text-slate-600 dark:text-slate-400">{format!("old secret until {}", format_utc(until))}</span> })}
                    </td>
                    <td class="py-2">
                        {live.then(|| view! {
                            <div class="flex flex-col items-end gap-1">
                                {rotatable.then(|| view! {
                                    <ActionForm action=rotate attr:class="flex gap-1">
                                        <input type="hidden" name="token" value=rotate_id />
                                        <select name="grace_hours" class=INPUT aria-label="Old secret keeps working">
                                            <option value="0">"old stops now"</option>
                                            <option value="1">"old works 1 h"</option>
                                            <option value="24">"old works 24 h"</option>
                                        </select>
                                        <Submit label="Regenerate" class=QUIET name=rotate_label />
                                    </ActionForm>
                                })}
                                <a href=confirm_href(Doomed::Token, &revoke_id) class=QUIET aria-label=revoke_label>"Revoke"</a>
                            </div>
                        })}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <Panel title="Tokens">
            <p class="mb-2 text-sm text-slate-600 dark:text-slate-400" role="status" data-testid="token-count">{count}</p>
            <div class="overflow-x-auto">
            <table class="w-full text-left text-sm" data-testid="tokens-table">
                <thead>
                    <tr class="text-xs uppercase text-slate-600 dark:text-slate-400">
                        <th class="py-2">"Name / id"</th>
                        <th class="py-2">"Kind / team"</th>
                        <th class="py-2">"Roles / permissions"</th>
                        <th class="py-2">"Created"</th>
                        <th class="py-2">"Expires"</th>
                        <th class="py-2">"Last used"</th>
                        <th class="py-2">"Status"</th>
                        <th class="py-2"></th>
                    </tr>
                </thead>
                <tbody class="divide-y divide-slate-200 dark:divide-slate-800">{rows}</tbody>
            </table>
            </div>
            <Pager path="/tokens" label="Pages of tokens" testid="tokens" kept=filters.to_vec() next_cursor=page.next_cursor />
        </Panel>
    }
}
