//! `/sessions`: the viewer's own browser sessions (device, address, how and when they signed
//! in, last use) with "End" for each and "End all other sessions"; admins can end every
//! session of a member.

use crate::api::members::list_members;
use crate::api::scripts::{list_script_grants, member_scripts};
use crate::api::sessions::{list_sessions, EndMemberSessions, EndOtherSessions};
use crate::components::{
    viewer_may, ConsoleFrame, LoadError, PageHeading, Panel, Submit, INPUT, QUIET,
};
use crate::pages::confirm_href;
use foxgate_core::model::format_utc;
use foxgate_core::model::Doomed;
use foxgate_core::use_cases::SESSIONS_END;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn Sessions() -> impl IntoView {
    view! {
        <Title text="Sessions" />
        <ConsoleFrame active="/sessions">
            <PageHeading
                title="Sessions"
                subtitle="Where you are signed in. End any you do not recognise."
            />
            <SessionsBody />
        </ConsoleFrame>
    }
}

#[component]
fn SessionsBody() -> impl IntoView {
    let end_all = ServerAction::<EndMemberSessions>::new();
    let end_others = ServerAction::<EndOtherSessions>::new();
    let sessions = Resource::new(|| (), |_| list_sessions());
    let may_end_others = viewer_may(SESSIONS_END, None);
    let members = Resource::new(|| (), |_| list_members(None, None, None));
    view! {
        <Panel title="Your sessions">
            <Suspense fallback=|| view! { <p class="text-sm">"Loading…"</p> }>
                {move || {
                    sessions
                        .get()
                        .map(|result| match result {
                            Ok(page) => {
                                let more = page.next_cursor.is_some().then(|| view! {
                                    <p class="mt-2 text-sm">"Only the sessions that last longest are shown; “End all other sessions” ends the rest too."</p>
                                });
                                let rows = page
                                    .sessions
                                    .into_iter()
                                    .map(|s| {
                                        let when = |t: Option<i64>| t.map(format_utc).unwrap_or_else(|| "–".into());
                                        view! {
                                            <tr class="border-t border-slate-100 dark:border-slate-800" data-testid="session-row">
                                                <td class="py-2 pr-3">
                                                    {s.device.clone()}
                                                    {s.current.then(|| view! { <span class="ml-2 rounded bg-emerald-100 px-1 text-xs text-emerald-800 dark:bg-emerald-900 dark:text-emerald-200">"this session"</span> })}
                                                </td>
                                                <td class="py-2 pr-3">{s.ip.clone().unwrap_or_default()}</td>
                                                <td class="py-2 pr-3">{s.method.clone()}</td>
                                                <td class="py-2 pr-3">{when(s.signed_in_at)}</td>
                                                <td class="py-2 pr-3">{when(s.last_seen_at)}</td>
                                                <td class="py-2">
                                                    <a href=confirm_href(Doomed::Session, &s.id) class=QUIET aria-label=format!("End session on {}", s.device)>"End"</a>
                                                </td>
                                            </tr>
                                        }
                                    })
                                    .collect_view();
                                view! {
                                    <ActionForm action=end_others attr:class="mb-3">
                                        <Submit label="End all other sessions" class=QUIET />
                                    </ActionForm>
                                    <ListTable headers=&["Device", "Address", "Signed in with", "Signed in", "Last used", ""]>{rows}</ListTable>
                                    {more}
                                }
                                .into_any()
                            }
                            Err(e) => view! { <LoadError error=e /> }.into_any(),
                        })
                }}
            </Suspense>
        </Panel>
        <ScriptGrants />
        <Show when=move || may_end_others.get()>
            <Panel title="End a member's sessions and scripts">
                <ActionForm action=end_all attr:class="flex flex-wrap items-end gap-3">
                    <MemberSelect name="user_id" members />
                    <Submit label="End all their sessions" class=QUIET />
                </ActionForm>
                <form method="get" action="/sessions" class="mt-4 flex flex-wrap items-end gap-3">
                    <MemberSelect name="member" members />
                    <button type="submit" class=QUIET>"Show their scripts"</button>
                </form>
                <MemberScripts />
            </Panel>
        </Show>
    }
}

/// A table of rows under a row of column names.
#[component]
fn ListTable(headers: &'static [&'static str], children: Children) -> impl IntoView {
    view! {
        <table class="w-full text-left text-sm">
            <thead class="text-xs uppercase text-slate-600 dark:text-slate-400">
                <tr>{headers.iter().map(|h| view! { <th>{*h}</th> }).collect_view()}</tr>
            </thead>
            <tbody>{children()}</tbody>
        </table>
    }
}

/// The scripts the viewer approved (device flow), each with its permissions and last use.
#[component]
fn ScriptGrants() -> impl IntoView {
    let grants = Resource::new(|| (), |_| list_script_grants());
    view! {
        <Panel title="Scripts acting as you">
            <Suspense fallback=|| view! { <p class="text-sm">"Loading…"</p> }>
                {move || {
                    grants.get().map(|result| match result {
                        Ok(list) if list.is_empty() => view! {
                            <p class="text-sm text-slate-600 dark:text-slate-400" data-testid="no-scripts">
                                "No script acts as you. A script asks with a code you approve at /device."
                            </p>
                        }
                        .into_any(),
                        Ok(list) => {
                            let rows = list
                                .into_iter()
                                .map(|g| {
                                    let refreshed = match (g.last_refreshed_at, g.last_refreshed_ip) {
                                        (Some(at), ip) => format!("{} {}", format_utc(at), ip.unwrap_or_default()),
                                        (None, _) => "–".into(),
                                    };
                                    view! {
                                        <tr class="border-t border-slate-100 dark:border-slate-800" data-testid="script-row">
                                            <td class="py-2 pr-3 font-medium">{g.client_id.clone()}</td>
                                            <td class="py-2 pr-3 font-mono text-xs">{g.permissions.join(" ")}</td>
                                            <td class="py-2 pr-3">{format_utc(g.created_at)}" "{g.requested_ip.unwrap_or_default()}</td>
                                            <td class="py-2 pr-3">{refreshed}</td>
                                            <td class="py-2 pr-3">{format_utc(g.expires_at)}</td>
                                            <td class="py-2">
                                                <a href=confirm_href(Doomed::Script, &g.id) class=QUIET aria-label=format!("Revoke script {}", g.client_id)>"Revoke"</a>
                                            </td>
                                        </tr>
                                    }
                                })
                                .collect_view();
                            view! {
                                <ListTable headers=&["Script", "Permissions", "Approved", "Last refreshed", "Ends", ""]>{rows}</ListTable>
                            }
                            .into_any()
                        }
                        Err(e) => view! { <LoadError error=e /> }.into_any(),
                    })
                }}
            </Suspense>
        </Panel>
    }
}

/// The org's members (the first page, by email) to pick one from.
#[component]
fn MemberSelect(
    name: &'static str,
    members: Resource<Result<foxgate_core::model::MemberPage, crate::error::UiError>>,
) -> impl IntoView {
    view! {
        <label class="text-sm">
            "Member "
            <select name=name class=INPUT>
                <Suspense fallback=|| ()>
                    {move || {
                        members
                            .get()
                            .and_then(Result::ok)
                            .map(|page| {
                                page.members
                                    .into_iter()
                                    .map(|m| view! { <option value=m.user_id>{m.email}</option> })
                                    .collect_view()
                            })
                    }}
                </Suspense>
            </select>
        </label>
    }
}

/// The scripts acting as the member picked above (`?member=<user id>`), for an admin.
#[component]
fn MemberScripts() -> impl IntoView {
    let member = crate::pages::query_param("member");
    let grants = Resource::new(member, |member| async move {
        match member {
            Some(id) => member_scripts(id).await.map(Some),
            None => Ok(None),
        }
    });
    view! {
        <Suspense fallback=|| ()>
            {move || {
                grants.get().map(|result| match result {
                    Ok(Some(list)) if list.is_empty() => view! {
                        <p class="mt-2 text-sm" data-testid="member-scripts">"No script acts as them."</p>
                    }
                    .into_any(),
                    Ok(Some(list)) => {
                        let rows = list
                            .into_iter()
                            .map(|g| view! {
                                <tr class="border-t border-slate-100 dark:border-slate-800">
                                    <td class="py-2 pr-3 font-medium">{g.client_id}</td>
                                    <td class="py-2 pr-3 font-mono text-xs">{g.permissions.join(" ")}</td>
                                    <td class="py-2 pr-3">{format_utc(g.created_at)}</td>
                                    <td class="py-2">{format_utc(g.expires_at)}</td>
                                </tr>
                            })
                            .collect_view();
                        view! {
                            <div class="mt-2" data-testid="member-scripts">
                                <ListTable headers=&["Script", "Permissions", "Approved", "Ends"]>{rows}</ListTable>
                            </div>
                        }
                        .into_any()
                    }
                    Ok(None) => ().into_any(),
                    Err(e) => view! { <LoadError error=e /> }.into_any(),
                })
            }}
        </Suspense>
    }
}
