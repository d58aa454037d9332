//! The application half of a role form: the permissions the org's applications declare
//! (Foxgate's own are the shared `PermissionGrid`).

use crate::components::{Panel, INPUT};
use foxgate_core::authz::application::is_app_word;
use foxgate_core::model::Application;
use leptos::prelude::*;

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
