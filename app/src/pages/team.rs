//! `/teams/{team}`: one team, its members and the roles they hold in it.

use crate::api::teams::team_detail;
use crate::components::{
    counted, ConsoleFrame, FollowsSearch, ListSearch, LoadError, Pager, Panel, INPUT,
};
use crate::pages::query_param;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn TeamDetail() -> impl IntoView {
    let params = use_params_map();
    let (q, cursor) = (query_param("q"), query_param("cursor"));
    let data = Resource::new(
        move || (params.read().get("team").unwrap_or_default(), q(), cursor()),
        |(team, q, cursor)| team_detail(team, q, cursor),
    );
    view! {
        <Title text="Team" />
        <ConsoleFrame active="/teams">
            <Suspense fallback=|| view! { <p class="text-sm">"Loading…"</p> }>
                {move || {
                    data.get()
                        .map(|result| match result {
                            Ok((team, page)) => {
                                let filtered = q().is_some_and(|q| !q.is_empty());
                                let count = counted(&page.total, "member", "members", filtered);
                                let path = format!("/teams/{}", team.slug);
                                let rows = page
                                    .members
                                    .into_iter()
                                    .map(|m| {
                                        let held = m.grants.iter().map(|g| g.role_name.clone()).collect::<Vec<_>>().join(", ");
                                        view! {
                                            <tr>
                                                <td class="py-2">{m.display_name}</td>
                                                <td class="py-2 text-slate-600 dark:text-slate-400">{m.email}</td>
                                                <td class="py-2">{held}</td>
                                            </tr>
                                        }
                                    })
                                    .collect_view();
                                view! {
                                    <h1 class="text-2xl font-semibold">{team.name}</h1>
                                    <p class="mt-1 mb-6 font-mono text-sm text-slate-600 dark:text-slate-400">{team.slug}</p>
                                    <Panel title="Members of this team">
                                        <TeamMemberSearch path=path.clone() />
                                        <FollowsSearch search="team-member-search">
                                            <p class="mb-2 text-sm text-slate-600 dark:text-slate-400" role="status" data-testid="team-member-count">{count}</p>
                                            <table class="w-full text-left text-sm" data-testid="team-members">
                                                <tbody class="divide-y divide-slate-200 dark:divide-slate-800">{rows}</tbody>
                                            </table>
                                            <Pager path=path label="Pages of the team's members" testid="team-members" kept=vec![("q", q().unwrap_or_default())] next_cursor=page.next_cursor />
                                        </FollowsSearch>
                                    </Panel>
                                }
                                .into_any()
                            }
                            Err(e) => view! { <LoadError error=e /> }.into_any(),
                        })
                }}
            </Suspense>
        </ConsoleFrame>
    }
}

/// Search the team's members by email or name.
#[component]
fn TeamMemberSearch(path: String) -> impl IntoView {
    let q = query_param("q");
    view! {
        <ListSearch path=path testid="team-member-search" clear="Show every member">
            <label class="text-sm">
                "Email or name" <input type="search" name="q" value=move || q().unwrap_or_default() class=INPUT maxlength="254" />
            </label>
        </ListSearch>
    }
}
