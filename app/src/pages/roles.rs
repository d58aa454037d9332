//! `/roles`: built-in roles (read-only) and the org's custom roles, edited as a grid of
//! resource × create/read/update/delete checkboxes.

use crate::api::applications::list_applications;
use crate::api::roles::{list_roles, CreateRole, UpdateRole};
use crate::components::{
    failure, viewer_may, ActionError, ConsoleFrame, PageHeading, Panel, Submit, INPUT, QUIET,
};
use crate::pages::confirm_href;
use foxgate_core::authz::application::is_app_word;
use foxgate_core::authz::{Action, Permission, Resource as R};
use foxgate_core::model::Doomed;
use foxgate_core::model::{Application, Role};
use foxgate_core::use_cases::{ROLES_CREATE, ROLES_UPDATE};
use leptos::prelude::*;
use leptos_meta::Title;

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
    let update = ServerAction::<UpdateRole>::new();
    let roles = Resource::new(
        move || (create.version().get(), update.version().get()),
        |_| list_roles(),
    );
    // Readers of roles who may not read applications see only Foxgate's permissions.
    let apps = Resource::new(|| (), |_| list_applications());
    let may_create = viewer_may(ROLES_CREATE, None);
    let may_update = viewer_may(ROLES_UPDATE, None);
    view! {
        <ActionError message=failure(create) />
        <ActionError message=failure(update) />
        <Show when=move || may_create.get()>
            <Panel title="New custom role">
                <ActionForm action=create attr:class="space-y-3">
                    <div class="flex flex-wrap gap-3">
                        <label class="text-sm">"Name" <input name="name" required class=INPUT /></label>
                        <label class="text-sm">"Description" <input name="description" class=INPUT /></label>
                    </div>
                    <Grid granted=Vec::new() editable=true />
                    <Suspense fallback=|| ()>
                        {move || apps.get().map(|a| view! { <AppGrid apps=a.unwrap_or_default() granted=Vec::new() editable=true /> })}
                    </Suspense>
                    <Submit pending=create.pending() label="Create role" />
                </ActionForm>
            </Panel>
        </Show>
        <Suspense fallback=|| view! { <p class="text-sm">"Loading…"</p> }>
            {move || {
                roles
                    .get()
                    .map(|result| match result {
                        Ok(list) => list
                            .into_iter()
                            .map(|role| {
                                let declared = apps.get().and_then(Result::ok).unwrap_or_default();
                                view! { <RoleCard role apps=declared update editable=may_update.get() /> }
                            })
                            .collect_view()
                            .into_any(),
                        Err(e) => view! { <p class="text-sm text-red-700">{e.message().to_string()}</p> }.into_any(),
                    })
            }}
        </Suspense>
    }
}

#[component]
fn RoleCard(
    role: Role,
    apps: Vec<Application>,
    update: ServerAction<UpdateRole>,
    editable: bool,
) -> impl IntoView {
    let title = if role.builtin {
        format!("{} (built in)", role.name)
    } else {
        role.name.clone()
    };
    let body = if role.builtin || !editable {
        view! {
            <p class="mb-3 text-sm text-slate-600 dark:text-slate-400">{role.description.clone()}</p>
            <Grid granted=role.permissions.clone() editable=false />
            <AppGrid apps=apps.clone() granted=role.permissions.clone() editable=false />
        }
        .into_any()
    } else {
        let id = role.id.clone();
        view! {
            <ActionForm action=update attr:class="space-y-3">
                <input type="hidden" name="role" value=role.id.clone() />
                <div class="flex flex-wrap gap-3">
                    <label class="text-sm">"Name" <input name="name" required class=INPUT value=role.name.clone() /></label>
                    <label class="text-sm">"Description" <input name="description" class=INPUT value=role.description.clone() /></label>
                </div>
                <Grid granted=role.permissions.clone() editable=true />
                <AppGrid apps=apps.clone() granted=role.permissions.clone() editable=true />
                <Submit pending=update.pending() label="Save role" />
            </ActionForm>
            <p class="mt-3">
                <a href=confirm_href(Doomed::Role, &id) class=QUIET>"Delete role"</a>
            </p>
        }
        .into_any()
    };
    view! {
        <section class="mb-6 rounded-xl border border-slate-200 bg-white p-5 dark:border-slate-800 dark:bg-slate-900" data-testid="role-card">
            <h2 class="mb-2 font-semibold">{title}</h2>
            {body}
        </section>
    }
}

/// The permission grid: one row per resource, one checkbox per action. Checkboxes post as
/// `permissions[]=resource:action`. Once hydrated, an editable grid has "all" per row and per
/// column, which ticks the whole line (or clears it when it is already full).
#[component]
fn Grid(granted: Vec<String>, editable: bool) -> impl IntoView {
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let ticked: Vec<Vec<RwSignal<bool>>> = R::ALL
        .into_iter()
        .map(|resource| {
            Action::ALL
                .into_iter()
                .map(|action| {
                    RwSignal::new(granted.contains(&Permission::new(resource, action).to_string()))
                })
                .collect()
        })
        .collect();
    let all_button = move |label: String, line: Vec<RwSignal<bool>>| {
        let toggle = move |_| {
            let full = line.iter().all(|t| t.get_untracked());
            line.iter().for_each(|t| t.set(!full));
        };
        view! {
            <Show when=move || editable && hydrated.get()>
                <button type="button" class="ml-1 text-xs text-orange-700 underline dark:text-orange-400" aria-label=label.clone() on:click=toggle.clone()>"all"</button>
            </Show>
        }
    };
    let rows = R::ALL
        .into_iter()
        .zip(ticked.iter().cloned())
        .map(|(resource, line)| {
            let cells = Action::ALL
                .into_iter()
                .zip(line.iter().copied())
                .map(|(action, tick)| {
                    let word = Permission::new(resource, action).to_string();
                    view! {
                        <td class="px-2 py-1 text-center">
                            <input
                                type="checkbox"
                                name="permissions[]"
                                value=word.clone()
                                checked=tick.get_untracked()
                                prop:checked=move || tick.get()
                                on:change=move |ev| tick.set(event_target_checked(&ev))
                                disabled=!editable
                                aria-label=word
                            />
                        </td>
                    }
                })
                .collect_view();
            view! {
                <tr>
                    <th class="py-1 pr-4 text-left font-mono text-xs font-normal">
                        {resource.as_str()} {all_button(format!("All of {}", resource.as_str()), line)}
                    </th>
                    {cells}
                </tr>
            }
        })
        .collect_view();
    let columns = Action::ALL
        .into_iter()
        .enumerate()
        .map(|(i, action)| {
            let column: Vec<RwSignal<bool>> = ticked.iter().map(|line| line[i]).collect();
            view! { <th class="px-2">{action.as_str()} {all_button(format!("All {}", action.as_str()), column)}</th> }
        })
        .collect_view();
    view! {
        <Panel title="Permissions">
            <table class="text-sm">
                <thead>
                    <tr class="text-xs uppercase text-slate-600 dark:text-slate-400">
                        <th></th>
                        {columns}
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </Panel>
    }
}

/// Applications' permissions, grouped by application: one row per resource type with a
/// checkbox per declared action; permissions limited to objects (`[own]`, `[12,40]`) held by
/// the role are listed as ticked boxes, and a field takes a new one.
#[component]
fn AppGrid(apps: Vec<Application>, granted: Vec<String>, editable: bool) -> impl IntoView {
    let restricted: Vec<String> = granted
        .iter()
        .filter(|w| is_app_word(w) && w.contains('['))
        .cloned()
        .collect();
    if apps.is_empty() && restricted.is_empty() {
        return ().into_any();
    }
    let groups = apps
        .into_iter()
        .map(|app| {
            let rows = app
                .resource_types
                .iter()
                .map(|rt| {
                    let boxes = rt
                        .actions
                        .iter()
                        .map(|action| {
                            let word = format!("{}:{}:{}", app.slug, rt.name, action);
                            let checked = granted.contains(&word);
                            view! {
                                <label class="mr-3 whitespace-nowrap">
                                    <input type="checkbox" name="permissions[]" value=word.clone()
                                        checked=checked disabled=!editable aria-label=word.clone() />
                                    " " {action.clone()}
                                </label>
                            }
                        })
                        .collect_view();
                    view! {
                        <tr>
                            <th class="py-1 pr-4 text-left font-mono text-xs font-normal">{rt.name.clone()}</th>
                            <td class="py-1">{boxes}</td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <h3 class="mt-2 text-sm font-semibold">{format!("{} ({})", app.name, app.slug)}</h3>
                <table class="text-sm"><tbody>{rows}</tbody></table>
            }
        })
        .collect_view();
    let limited = restricted
        .into_iter()
        .map(|word| {
            view! {
                <label class="mr-3 block font-mono text-xs">
                    <input type="checkbox" name="permissions[]" value=word.clone() checked=true
                        disabled=!editable aria-label=word.clone() />
                    " " {word.clone()}
                </label>
            }
        })
        .collect_view();
    let more = editable.then(|| {
        view! {
            <label class="mt-2 block text-sm">
                "Limit a permission to some objects "
                <input name="permissions[]" class=INPUT placeholder="todo:todos:delete[own] or docs:folders:read[12,40]" />
            </label>
        }
    });
    view! {
        <Panel title="Application permissions">
            {groups}
            {limited}
            {more}
        </Panel>
    }
    .into_any()
}
