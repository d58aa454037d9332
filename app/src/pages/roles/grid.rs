//! The permission grids of a role form: Foxgate's resources × create/read/update/delete,
//! and the permissions the org's applications declare.

use crate::components::{Panel, INPUT};
use foxgate_core::authz::application::is_app_word;
use foxgate_core::authz::{Action, Permission, Resource as R};
use foxgate_core::model::Application;
use leptos::prelude::*;

/// The permission grid: one row per resource, one checkbox per action. Checkboxes post as
/// `permissions[]=resource:action`. Once hydrated, an editable grid has "all" per row and per
/// column, which ticks the whole line (or clears it when it is already full).
#[component]
pub fn Grid(granted: Vec<String>, editable: bool) -> impl IntoView {
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
pub fn AppGrid(apps: Vec<Application>, granted: Vec<String>, editable: bool) -> impl IntoView {
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
