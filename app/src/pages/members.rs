//! `/members`: the org's members with their roles — add local accounts, give and take
//! back roles (org-wide or for one team), remove members.

use crate::api::members::{list_members, CreateMember, GrantRole};
use crate::api::roles::list_roles;
use crate::api::teams::list_teams;
use crate::components::{
    clear_on_success, failure, success, successes, viewer_may, ActionDone, ActionError, AppWords,
    ConsoleFrame, LoadError, PageHeading, Panel, Submit, INPUT, QUIET,
};
use crate::pages::confirm_href;
use crate::pages::{query_param, urlencode};
use foxgate_core::model::Doomed;
use foxgate_core::model::{format_utc, Member, MemberGrants, MemberPage, Role, Team};
use foxgate_core::use_cases::{MEMBERS_CREATE, MEMBERS_REMOVE};
use leptos::prelude::*;
use leptos_meta::Title;

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
    let (created, granted) = (successes(create), successes(grant));
    let data = Resource::new(
        move || (q(), role(), cursor(), created.get(), granted.get()),
        |(q, role, cursor, _, _)| async move {
            let (members, roles, teams) =
                futures_join(list_members(q, role, cursor), list_roles(), list_teams()).await;
            Ok::<_, crate::error::UiError>((members?, roles?, teams?))
        },
    );
    let may_create = viewer_may(MEMBERS_CREATE, None);
    let form = NodeRef::<leptos::html::Form>::new();
    clear_on_success(create, form);
    view! {
        <ActionError message=failure(create) />
        <ActionError message=failure(grant) />
        <ActionDone message=success(create, |m: &Member| format!("{} added. Give them a role below.", m.email)) />
        <ActionDone message=success(grant, |_| "Role given.".to_string()) />
        <Show when=move || may_create.get()>
            <Panel title="Add a local account">
                <ActionForm action=create node_ref=form attr:class="flex flex-wrap items-end gap-3">
                    <label class="text-sm">"Email" <input name="email" type="email" required class=INPUT /></label>
                    <label class="text-sm">"Name" <input name="display_name" class=INPUT /></label>
                    <label class="text-sm">
                        "Password" <input name="password" type="password" required minlength="12" class=INPUT autocomplete="new-password" />
                    </label>
                    <Submit pending=create.pending() label="Add member" />
                </ActionForm>
            </Panel>
        </Show>
        <Suspense fallback=|| view! { <p class="text-sm">"Loading…"</p> }>
            {move || {
                data.get()
                    .map(|result| match result {
                        Ok((page, roles, teams)) => view! {
                            <GrantForm grant members=page.members.clone() roles=roles.clone() teams=teams.clone() />
                            <MemberSearch roles=roles.clone() />
                            <MemberTable page roles teams />
                        }
                        .into_any(),
                        Err(e) => view! { <LoadError error=e /> }.into_any(),
                    })
            }}
        </Suspense>
    }
}

/// Runs three server calls at once.
async fn futures_join<A, B, C>(
    a: impl std::future::Future<Output = A>,
    b: impl std::future::Future<Output = B>,
    c: impl std::future::Future<Output = C>,
) -> (A, B, C) {
    let (a, (b, c)) = futures::join!(a, async { futures::join!(b, c) });
    (a, b, c)
}

#[component]
fn GrantForm(
    grant: ServerAction<GrantRole>,
    members: Vec<MemberGrants>,
    roles: Vec<Role>,
    teams: Vec<Team>,
) -> impl IntoView {
    view! {
        <Panel title="Give a role">
            <ActionForm action=grant attr:class="flex flex-wrap items-end gap-3">
                <label class="text-sm">
                    "Member"
                    <select name="user_id" class=INPUT>
                        {members.into_iter().map(|m| view! { <option value=m.user_id>{m.email}</option> }).collect_view()}
                    </select>
                </label>
                <label class="text-sm">
                    "Role"
                    <select name="role" class=INPUT>
                        {roles.into_iter().map(|r| view! { <option value=r.id>{r.name}</option> }).collect_view()}
                    </select>
                </label>
                <label class="text-sm">
                    "Where"
                    <select name="team" class=INPUT>
                        <option value="">"Whole organization"</option>
                        {teams.into_iter().map(|t| view! { <option value=t.id>{format!("Team {}", t.name)}</option> }).collect_view()}
                    </select>
                </label>
                <Submit pending=grant.pending() label="Give role" />
            </ActionForm>
        </Panel>
    }
}

/// Search by email or name, and filter by role: a GET form, so it works without JavaScript
/// and the URL says what is shown.
#[component]
fn MemberSearch(roles: Vec<Role>) -> impl IntoView {
    let (q, role) = (query_param("q"), query_param("role"));
    let chosen = role().unwrap_or_default();
    view! {
        <form method="get" action="/members" role="search" class="mb-3 flex flex-wrap items-end gap-3" data-testid="member-search">
            <label class="text-sm">
                "Email or name" <input type="search" name="q" value=q().unwrap_or_default() class=INPUT placeholder="e.g. carol" />
            </label>
            <label class="text-sm">
                "Role"
                <select name="role" class=INPUT>
                    <option value="">"Any role"</option>
                    {roles
                        .into_iter()
                        .map(|r| {
                            let selected = r.id == chosen;
                            view! { <option value=r.id selected=selected>{r.name}</option> }
                        })
                        .collect_view()}
                </select>
            </label>
            <button type="submit" class=QUIET>"Search"</button>
            <a href="/members" class="text-sm text-orange-700 underline dark:text-orange-400">"Show everyone"</a>
        </form>
    }
}

/// How a member signs in: badges for single sign-on and a Foxgate password.
fn ways_in(m: &MemberGrants) -> impl IntoView {
    const BADGE: &str = "mr-1 rounded bg-slate-100 px-1.5 py-0.5 text-xs dark:bg-slate-800";
    view! {
        {m.sso.then(|| view! { <span class=BADGE>"SSO"</span> })}
        {m.password.then(|| view! { <span class=BADGE>"password"</span> })}
    }
}

#[component]
fn MemberTable(page: MemberPage, roles: Vec<Role>, teams: Vec<Team>) -> impl IntoView {
    let MemberPage {
        members,
        next_cursor,
        total,
    } = page;
    let may_remove = viewer_may(MEMBERS_REMOVE, None);
    let role = move |id: &str| {
        roles.iter().find(|r| r.id == id).map_or_else(
            || (id.to_string(), Vec::new()),
            |r| (r.name.clone(), r.permissions.clone()),
        )
    };
    let place = move |team: &Option<String>| match team {
        None => "whole organization".to_string(),
        Some(id) => teams
            .iter()
            .find(|t| &t.id == id)
            .map_or_else(|| id.clone(), |t| format!("team {}", t.name)),
    };
    let rows = members
        .into_iter()
        .map(|m| {
            let grants = m
                .grants
                .iter()
                .map(|g| {
                    let (name, words) = role(&g.role);
                    let label = format!("{name} · {}", place(&g.team_id));
                    let revoke_label = format!("Revoke {label} from {}", m.email);
                    let id = g.id.clone();
                    view! {
                        <li class="flex items-center gap-2">
                            <span>{label} <AppWords words /></span>
                            <a href=confirm_href(Doomed::Grant, &id) class="text-xs text-red-700 hover:underline dark:text-red-400" aria-label=revoke_label>"revoke"</a>
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
                        <a href=confirm_href(Doomed::Member, &user_id) class=QUIET aria-label=remove_label>"Remove"</a>
                    }
                })
            };
            view! {
                <tr>
                    <td class="py-2 align-top">
                        <div class="font-medium">{m.display_name}</div>
                        <div class="text-xs text-slate-600 dark:text-slate-400">{m.email}</div>
                    </td>
                    <td class="py-2 align-top"><ul class="space-y-1">{grants}</ul></td>
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
    let counted = match (total, filtered) {
        (0, true) => "No members match.".to_string(),
        (1, _) => "1 member".to_string(),
        (n, true) => format!("{} members match", thousands(n)),
        (n, false) => format!("{} members", thousands(n)),
    };
    // The same search, one page on; and back to its start once past it.
    let page_href = move |cursor: Option<&str>| {
        let pairs: Vec<String> = [
            ("q", q.as_deref()),
            ("role", role.as_deref()),
            ("cursor", cursor),
        ]
        .into_iter()
        .filter_map(|(name, value)| {
            value
                .filter(|v| !v.is_empty())
                .map(|v| format!("{name}={}", urlencode(v)))
        })
        .collect();
        format!("/members?{}", pairs.join("&"))
    };
    let first = query_param("cursor")()
        .is_some()
        .then(|| view! { <a href=page_href(None) class=QUIET data-testid="members-first">"First page"</a> });
    let next = next_cursor.map(|cursor| {
        view! { <a href=page_href(Some(&cursor)) class=QUIET data-testid="members-next">"Next page"</a> }
    });
    view! {
        <Panel title="Members">
            <p class="mb-2 text-sm text-slate-600 dark:text-slate-400" role="status" data-testid="member-count">{counted}</p>
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
            <nav aria-label="Pages of members" class="mt-3 flex gap-3">{first}{next}</nav>
        </Panel>
    }
}

/// `1204` as `1,204`.
fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    if n < 0 {
        out.insert(0, '-');
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts_are_grouped_by_thousands() {
        assert_eq!(super::thousands(0), "0");
        assert_eq!(super::thousands(999), "999");
        assert_eq!(super::thousands(1204), "1,204");
        assert_eq!(super::thousands(1_000_000), "1,000,000");
    }
}
