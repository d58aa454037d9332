//! `/teams/{team}`: one team, its members and the roles they hold in it.

use crate::api::roles::list_roles;
use crate::api::teams::team_detail;
use crate::components::{ConsoleFrame, LoadError, Panel};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn TeamDetail() -> impl IntoView {
    let params = use_params_map();
    let data = Resource::new(
        move || params.read().get("team").unwrap_or_default(),
        |team| async move {
            let (detail, roles) = futures::join!(team_detail(team), list_roles());
            // Role names are a nicety: without permission to read roles, show their ids.
            Ok::<_, crate::error::UiError>((detail?, roles.unwrap_or_default()))
        },
    );
    view! {
        <Title text="Team" />
        <ConsoleFrame active="/teams">
            <Suspense fallback=|| view! { <p class="text-sm">"Loading…"</p> }>
                {move || {
                    data.get()
                        .map(|result| match result {
                            Ok(((team, members), roles)) => {
                                let role_name = move |id: &str| {
                                    roles.iter().find(|r| r.id == id).map_or_else(|| id.to_string(), |r| r.name.clone())
                                };
                                let rows = members
                                    .into_iter()
                                    .map(|m| {
                                        let held = m.grants.iter().map(|g| role_name(&g.role)).collect::<Vec<_>>().join(", ");
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
                                        <table class="w-full text-left text-sm" data-testid="team-members">
                                            <tbody class="divide-y divide-slate-200 dark:divide-slate-800">{rows}</tbody>
                                        </table>
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
