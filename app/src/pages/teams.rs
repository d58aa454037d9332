//! `/teams`: the teams of the org — create, rename, delete. Plain forms that post to the
//! server functions and come back to this page, which says what happened.

use crate::api::teams::{list_teams, CreateTeam, RenameTeam};
use crate::components::{
    counted, viewer_may, ConsoleFrame, FollowsSearch, ListSearch, LoadError, PageHeading, Pager,
    Panel, Submit, INPUT, QUIET,
};
use crate::pages::{confirm_href, query_param};
use foxgate_core::model::Doomed;
use foxgate_core::model::Team;
use foxgate_core::use_cases::{TEAMS_CREATE, TEAMS_DELETE, TEAMS_UPDATE};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn Teams() -> impl IntoView {
    view! {
        <Title text="Teams" />
        <ConsoleFrame active="/teams">
            <PageHeading title="Teams" subtitle="Workspaces inside your organization. Roles can be given for one team." />
            <TeamsBody />
        </ConsoleFrame>
    }
}

#[component]
fn TeamsBody() -> impl IntoView {
    let create = ServerAction::<CreateTeam>::new();
    let rename = ServerAction::<RenameTeam>::new();
    let (q, cursor) = (query_param("q"), query_param("cursor"));
    let teams = Resource::new(move || (q(), cursor()), |(q, cursor)| list_teams(q, cursor));
    let may_create = viewer_may(TEAMS_CREATE, None);
    view! {
        <Show when=move || may_create.get()>
            <Panel title="New team">
                <ActionForm action=create attr:class="flex flex-wrap items-end gap-3">
                    <label class="text-sm">"Name" <input name="name" required class=INPUT /></label>
                    <label class="text-sm">"Slug" <input name="slug" required class=INPUT placeholder="payments" /></label>
                    <Submit label="Create team" />
                </ActionForm>
            </Panel>
        </Show>
        <Panel title="Teams">
            <ListSearch path="/teams" testid="team-search" clear="Show every team">
                <label class="text-sm">
                    "Name or slug" <input type="search" name="q" value=move || q().unwrap_or_default() class=INPUT placeholder="e.g. pay" maxlength="100" />
                </label>
            </ListSearch>
            <Suspense fallback=|| view! { <p class="text-sm">"Loading…"</p> }>
                {move || {
                    teams
                        .get()
                        .map(|result| match result {
                            Ok(page) => {
                                let filtered = q().is_some_and(|q| !q.is_empty());
                                view! {
                                    <FollowsSearch search="team-search">
                                        <p class="mb-2 text-sm text-slate-600 dark:text-slate-400" role="status" data-testid="team-count">
                                            {counted(&page.total, "team", "teams", filtered)}
                                        </p>
                                        <table class="w-full text-left text-sm" data-testid="teams-table">
                                            <thead>
                                                <tr class="text-xs uppercase text-slate-600 dark:text-slate-400">
                                                    <th class="py-2">"Name"</th>
                                                    <th class="py-2">"Slug"</th>
                                                    <th class="py-2"></th>
                                                </tr>
                                            </thead>
                                            <tbody class="divide-y divide-slate-200 dark:divide-slate-800">
                                                {page.teams.into_iter().map(|team| view! { <TeamRow team rename /> }).collect_view()}
                                            </tbody>
                                        </table>
                                        <Pager path="/teams" label="Pages of teams" testid="teams" kept=vec![("q", q().unwrap_or_default())] next_cursor=page.next_cursor />
                                    </FollowsSearch>
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

#[component]
fn TeamRow(team: Team, rename: ServerAction<RenameTeam>) -> impl IntoView {
    let may_update = viewer_may(TEAMS_UPDATE, Some(team.id.clone()));
    let may_delete = viewer_may(TEAMS_DELETE, Some(team.id.clone()));
    let (id, name) = (team.id.clone(), team.name.clone());
    let rename_form = move || {
        let (id, name) = (id.clone(), name.clone());
        let rename_label = format!("Rename team {name}");
        may_update.get().then(move || {
            view! {
                <ActionForm action=rename attr:class="flex gap-2">
                    <input type="hidden" name="team" value=id />
                    <input name="name" required class=INPUT aria-label="New name" value=name />
                    <Submit label="Rename" class=QUIET name=rename_label />
                </ActionForm>
            }
        })
    };
    let id = team.id.clone();
    let delete_label = format!("Delete team {}", team.name);
    let delete_form = move || {
        let (id, delete_label) = (id.clone(), delete_label.clone());
        may_delete.get().then(move || {
            view! {
                <a href=confirm_href(Doomed::Team, &id) class=QUIET aria-label=delete_label>"Delete"</a>
            }
        })
    };
    view! {
        <tr>
            <td class="py-2 font-medium">
                <a href=format!("/teams/{}", team.slug) class="hover:underline">
                    {team.name}
                </a>
            </td>
            <td class="py-2 font-mono text-xs">{team.slug}</td>
            <td class="py-2">
                <div class="flex justify-end gap-2">{rename_form} {delete_form}</div>
            </td>
        </tr>
    }
}
