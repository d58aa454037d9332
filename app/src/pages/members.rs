//! `/members`: the org's members with their roles — add local accounts, give and take
//! back roles (org-wide or for one team), remove members.

use crate::api::members::{list_members, CreateMember, GrantRole};
use crate::api::roles::{role_labels, RoleLabel};
use crate::components::{
    counted, viewer_may, AppWords, ConsoleFrame, FollowsSearch, ListSearch, LoadError, PageHeading,
    Pager, Panel, Submit, TeamPicker, INPUT,
};
use crate::pages::confirm_href;
use crate::pages::query_param;
use foxgate_core::model::Doomed;
use foxgate_core::model::{format_utc, GrantView, MemberGrants, MemberPage};
use foxgate_core::use_cases::{MEMBERS_CREATE, MEMBERS_REMOVE};
use leptos::prelude::*;
use leptos_meta::Title;

/// A row's destructive links (revoke a grant, remove a member): small, red, repeated on
/// every row, so short.
const DESTROY: &str = "text-xs text-red-700 hover:underline dark:text-red-400";

#[component]
pub fn Members() -> impl IntoView {
    view! {
        <Title text="Members" />
        <ConsoleFrame active="/members">
            <PageHeading title="Members" subtitle="People of your organization and the roles they hold." />
            <MembersBody />
        </ConsoleFrame>
    }
}

#[component]
fn MembersBody() -> impl IntoView {
    let create = ServerAction::<CreateMember>::new();
    let grant = ServerAction::<GrantRole>::new();
    let (q, role, cursor) = (query_param("q"), query_param("role"), query_param("cursor"));
    let data = Resource::new(
        move || (q(), role(), cursor()),
        |(q, role, cursor)| list_members(q, role, cursor),
    );
    // Loaded apart, and once: the search form stays put while typing, and the roles travel
    // to the browser once whatever the page shows.
    let roles = Resource::new(|| (), |_| role_labels());
    let may_create = viewer_may(MEMBERS_CREATE, None);
    view! {
        <Show when=move || may_create.get()>
            <Panel title="Add a local account">
                <ActionForm action=create attr:class="flex flex-wrap items-end gap-3">
                    <label class="text-sm">"Email" <input name="email" type="email" required class=INPUT /></label>
                    <label class="text-sm">"Name" <input name="display_name" class=INPUT /></label>
                    <label class="text-sm">
                        "Password" <input name="password" type="password" required minlength="12" class=INPUT autocomplete="new-password" />
                    </label>
                    <Submit label="Add member" />
                </ActionForm>
            </Panel>
        </Show>
        <MemberSearch roles />
        <Suspense fallback=|| view! { <p class="text-sm">"Loading…"</p> }>
            {move || {
                data.get()
                    .zip(roles.get())
                    .map(|(page, roles)| match page.and_then(|page| Ok((page, roles?))) {
                        Ok((page, roles)) => view! {
                            <GrantForm grant members=page.members.clone() roles=roles.clone() />
                            <FollowsSearch search="member-search"><MemberTable page roles /></FollowsSearch>
                        }
                        .into_any(),
                        Err(e) => view! { <LoadError error=e /> }.into_any(),
                    })
            }}
        </Suspense>
    }
}

/// Gives a role to one of the members the page shows: search first to find someone.
#[component]
fn GrantForm(
    grant: ServerAction<GrantRole>,
    members: Vec<MemberGrants>,
    roles: Vec<RoleLabel>,
) -> impl IntoView {
    view! {
        <Panel title="Give a role">
            <ActionForm action=grant attr:class="flex flex-wrap items-end gap-3">
                // The members a search finds are the ones offered.
                <FollowsSearch search="member-search">
                    <label class="text-sm">
                        "Member"
                        <select name="user_id" class=INPUT>
                            {members.into_iter().map(|m| view! { <option value=m.user_id>{m.email}</option> }).collect_view()}
                        </select>
                    </label>
                </FollowsSearch>
                <label class="text-sm">
                    "Role"
                    <select name="role" class=INPUT>
                        {roles.into_iter().map(|r| view! { <option value=r.id>{r.name}</option> }).collect_view()}
                    </select>
                </label>
                <label class="text-sm">
                    "Team (blank: whole organization)" <TeamPicker name="team" id="grant-team" placeholder="whole organization" />
                </label>
                <Submit label="Give role" />
            </ActionForm>
            <p class="mt-2 text-xs text-slate-600 dark:text-slate-400">"The members listed below can be picked: search to find someone."</p>
        </Panel>
    }
}

/// Search by email or name, and filter by role: a GET form, so it works without JavaScript
/// and the URL says what is shown; with JavaScript the list follows the typing.
#[component]
fn MemberSearch(roles: Resource<Result<Vec<RoleLabel>, crate::error::UiError>>) -> impl IntoView {
    let (q, role) = (query_param("q"), query_param("role"));
    view! {
        <ListSearch path="/members" testid="member-search" clear="Show everyone">
            <label class="text-sm">
                "Email or name" <input type="search" name="q" value=move || q().unwrap_or_default() class=INPUT placeholder="e.g. carol" maxlength="254" />
            </label>
            <label class="text-sm">
                "Role"
                <select name="role" class=INPUT>
                    <option value="">"Any role"</option>
                    <Suspense fallback=|| ()>
                        {move || {
                            let chosen = role().unwrap_or_default();
                            roles.get().and_then(Result::ok).map(|list| {
                                list.into_iter()
                                    .map(|r| {
                                        let selected = r.id == chosen;
                                        view! { <option value=r.id selected=selected>{r.name}</option> }
                                    })
                                    .collect_view()
                            })
                        }}
                    </Suspense>
                </select>
            </label>
        </ListSearch>
    }
}

/// How a member signs in: badges for single sign-on and a Foxgate password.
fn ways_in(m: &MemberGrants) -> impl IntoView {
    const BADGE: &str = "mr-1 rounded bg-slate-100 px-1 text-xs dark:bg-slate-800";
    view! {
        {m.sso.then(|| view! { <span class=BADGE>"SSO"</span> })}
        {m.password.then(|| view! { <span class=BADGE>"password"</span> })}
        {m.disabled.then(|| view! { <span class=BADGE>"disabled"</span> })}
    }
}

#[component]
fn MemberTable(page: MemberPage, roles: Vec<RoleLabel>) -> impl IntoView {
    let MemberPage {
        members,
        next_cursor,
        total,
    } = page;
    let may_remove = viewer_may(MEMBERS_REMOVE, None);
    let words = move |id: &str| {
        roles
            .iter()
            .find(|r| r.id == id)
            .map(|r| r.app_words.clone())
            .unwrap_or_default()
    };
    let place = |g: &GrantView| match (&g.team_id, &g.team_name) {
        (None, _) => "whole organization".to_string(),
        (Some(_), Some(name)) => format!("team {name}"),
        (Some(id), None) => format!("team {id}"),
    };
    let rows = members
        .into_iter()
        .map(|m| {
            // A row shows the member's first grants; the count says what it leaves out.
            let shown = i64::try_from(m.grants.len()).unwrap_or(i64::MAX);
            let more = (m.grants_held > shown).then(|| m.grants_held - shown);
            let grants = m
                .grants
                .iter()
                .map(|g| {
                    let words = words(&g.role);
                    let label = format!("{} · {}", g.role_name, place(g));
                    let revoke_label = format!("Revoke {label} from {}", m.email);
                    let id = g.id.clone();
                    // No wrapper or layout classes per grant: a member row may hold 20 of them.
                    view! {
                        <li>
                            {label}" "<a href=confirm_href(Doomed::Grant, &id) class=DESTROY aria-label=revoke_label>"revoke"</a>
                            <AppWords words />
                        </li>
                    }
                })
                .collect_view();
            let ways = ways_in(&m);
            let user_id = m.user_id.clone();
            let remove_label = format!("Remove member {}", m.email);
            let remove_form = move || {
                let (user_id, remove_label) = (user_id.clone(), remove_label.clone());
                may_remove.get().then(move || {
                    view! {
                        <a href=confirm_href(Doomed::Member, &user_id) class=DESTROY aria-label=remove_label>"Remove"</a>
                    }
                })
            };
            view! {
                <tr>
                    <td class="py-2 align-top">
                        <div class="font-medium">{m.display_name}</div>
                        <div class="text-xs text-slate-600 dark:text-slate-400">{m.email}</div>
                    </td>
                    <td class="py-2 align-top">
                        <ul class="space-y-1">{grants}</ul>
                        {more.map(|n| view! { <p class="text-xs text-slate-600 dark:text-slate-400">{format!("and {n} more")}</p> })}
                    </td>
                    <td class="py-2 align-top text-xs" data-testid="member-signin">
                        {ways}
                        <span class="block text-slate-600 dark:text-slate-400">
                            {m.last_signin_at.map_or_else(|| "never signed in".to_string(), |at| format!("last {}", format_utc(at)))}
                        </span>
                    </td>
                    <td class="py-2 text-right align-top">{remove_form}</td>
                </tr>
            }
        })
        .collect_view();
    let (q, role) = (query_param("q")(), query_param("role")());
    let filtered = q.as_deref().is_some_and(|q| !q.is_empty())
        || role.as_deref().is_some_and(|r| !r.is_empty());
    let count = counted(&total, "member", "members", filtered);
    let kept = vec![
        ("q", q.unwrap_or_default()),
        ("role", role.unwrap_or_default()),
    ];
    view! {
        <Panel title="Members">
            <p class="mb-2 text-sm text-slate-600 dark:text-slate-400" role="status" data-testid="member-count">{count}</p>
            <table class="w-full text-left text-sm" data-testid="members-table">
                <thead>
                    <tr class="text-xs uppercase text-slate-600 dark:text-slate-400">
                        <th class="py-2">"Member"</th>
                        <th class="py-2">"Roles"</th>
                        <th class="py-2">"Sign-in"</th>
                        <th class="py-2"></th>
                    </tr>
                </thead>
                <tbody class="divide-y divide-slate-200 dark:divide-slate-800">{rows}</tbody>
            </table>
            <Pager path="/members" label="Pages of members" testid="members" kept next_cursor />
        </Panel>
    }
}
