//! `/roles`: the org's custom roles first (each edited on its own page), the form for a new
//! one, and the built-in roles side by side in one comparison matrix.

mod detail;
mod grid;

pub use detail::RoleDetail;

use crate::api::applications::list_applications;
use crate::api::roles::{list_roles, CreateRole};
use crate::components::{
    viewer_may, ConsoleFrame, LoadError, PageHeading, Panel, PermissionGrid, Submit, INPUT,
};
use foxgate_core::authz::{Action, Permission, Resource as R};
use foxgate_core::model::Role;
use foxgate_core::use_cases::ROLES_CREATE;
use grid::AppGrid;
use leptos::prelude::*;
use leptos_meta::Title;

/// The page of one role.
fn role_href(role: &Role) -> String {
    format!("/roles/{}", role.id)
}

#[component]
pub fn Roles() -> impl IntoView {
    view! {
        <Title text="Roles" />
        <ConsoleFrame active="/roles">
            <PageHeading
                title="Roles"
                subtitle="A role is a set of permissions. Give it org-wide or for one team on the Members page."
            />
            <RolesBody />
        </ConsoleFrame>
    }
}

#[component]
fn RolesBody() -> impl IntoView {
    let create = ServerAction::<CreateRole>::new();
    let roles = Resource::new(|| (), |_| list_roles());
    // Readers of roles who may not read applications see only Foxgate's permissions.
    let apps = Resource::new(|| (), |_| list_applications());
    let may_create = viewer_may(ROLES_CREATE, None);
    view! {
        <Suspense fallback=|| view! { <p class="text-sm">"Loading…"</p> }>
            {move || {
                roles
                    .get()
                    .map(|result| match result {
                        Ok(list) => {
                            let (builtin, custom): (Vec<Role>, Vec<Role>) = list.into_iter().partition(|r| r.builtin);
                            view! {
                                <CustomRoles roles=custom />
                                <BuiltinMatrix roles=builtin />
                            }
                            .into_any()
                        }
                        Err(e) => view! { <LoadError error=e /> }.into_any(),
                    })
            }}
        </Suspense>
        <Show when=move || may_create.get()>
            <Panel title="New custom role">
                <ActionForm action=create attr:class="space-y-3">
                    <div class="flex flex-wrap gap-3">
                        <label class="text-sm">"Name" <input name="name" required class=INPUT /></label>
                        <label class="text-sm">"Description" <input name="description" class=INPUT /></label>
                    </div>
                    <Panel title="Permissions"><PermissionGrid granted=Vec::new() editable=true /></Panel>
                    <Suspense fallback=|| ()>
                        {move || apps.get().map(|a| view! { <AppGrid apps=a.unwrap_or_default() granted=Vec::new() editable=true /> })}
                    </Suspense>
                    <Submit label="Create role" />
                </ActionForm>
            </Panel>
        </Show>
    }
}

/// The org's own roles, one row each, linking to the role's page.
#[component]
fn CustomRoles(roles: Vec<Role>) -> impl IntoView {
    let body = if roles.is_empty() {
        view! { <p class="text-sm text-slate-600 dark:text-slate-400">"No custom roles yet. Create one below, or use a built-in role."</p> }
            .into_any()
    } else {
        let rows = roles
            .into_iter()
            .map(|role| {
                let count = match role.permissions.len() {
                    1 => "1 permission".to_string(),
                    n => format!("{n} permissions"),
                };
                view! {
                    <tr>
                        <td class="py-2 pr-4"><a href=role_href(&role) class="font-medium text-orange-700 underline dark:text-orange-400">{role.name.clone()}</a></td>
                        <td class="py-2 pr-4 text-slate-600 dark:text-slate-400">{role.description.clone()}</td>
                        <td class="py-2 text-slate-600 dark:text-slate-400">{count}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <table class="w-full text-left text-sm" data-testid="custom-roles">
                <thead class="text-xs uppercase text-slate-600 dark:text-slate-400">
                    <tr><th class="pb-2">"Role"</th><th class="pb-2">"Description"</th><th class="pb-2">"Grants"</th></tr>
                </thead>
                <tbody class="divide-y divide-slate-200 dark:divide-slate-800">{rows}</tbody>
            </table>
        }
        .into_any()
    };
    view! { <Panel title="Custom roles">{body}</Panel> }
}

/// What one built-in role may do with one resource: "all", "none", or the actions.
fn held(role: &Role, resource: R) -> String {
    let actions: Vec<&str> = Action::ALL
        .into_iter()
        .filter(|a| {
            role.permissions
                .contains(&Permission::new(resource, *a).to_string())
        })
        .map(|a| a.as_str())
        .collect();
    match actions.len() {
        0 => "none".into(),
        n if n == Action::ALL.len() => "all".into(),
        _ => actions.join(", "),
    }
}

/// The built-in roles side by side: one row per resource, one column per role.
#[component]
fn BuiltinMatrix(roles: Vec<Role>) -> impl IntoView {
    let heads = roles
        .iter()
        .map(|role| view! { <th scope="col" class="px-3 pb-2"><a href=role_href(role) class="underline">{role.name.clone()}</a></th> })
        .collect_view();
    let rows = R::ALL
        .into_iter()
        .map(|resource| {
            let cells = roles
                .iter()
                .map(|role| {
                    let what = held(role, resource);
                    let class = if what == "none" {
                        "px-3 py-1 text-slate-500 dark:text-slate-400"
                    } else {
                        "px-3 py-1"
                    };
                    view! { <td class=class>{what}</td> }
                })
                .collect_view();
            view! {
                <tr>
                    <th scope="row" class="py-1 pr-4 text-left font-mono text-xs font-normal">{resource.as_str()}</th>
                    {cells}
                </tr>
            }
        })
        .collect_view();
    view! {
        <Panel title="Built-in roles">
            <p class="mb-3 text-sm text-slate-600 dark:text-slate-400">"Defined by Foxgate, the same in every organization; they cannot be edited."</p>
            <div class="overflow-x-auto">
                <table class="text-left text-sm" data-testid="builtin-matrix">
                    <thead class="text-xs uppercase text-slate-600 dark:text-slate-400">
                        <tr><th scope="col" class="pb-2">"Resource"</th>{heads}</tr>
                    </thead>
                    <tbody class="divide-y divide-slate-200 dark:divide-slate-800">{rows}</tbody>
                </table>
            </div>
        </Panel>
    }
}
