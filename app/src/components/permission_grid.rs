//! The grid of Foxgate's permissions (resource × create/read/update/delete), shared by the
//! role editor and the personal-token form so both read the same.

use foxgate_core::authz::{Action, Permission, Resource as R};
use leptos::prelude::*;

/// Foxgate's permissions as a grid: one row per resource, one checkbox per action.
/// Checkboxes post as `permissions[]=resource:action`. When `offered` is given, only those
/// may be ticked (a personal token carries only what its owner holds); the others show,
/// disabled, so the grid reads the same everywhere. An island: in the browser, an editable
/// grid has "all" per row and per column, which ticks the line's boxes (or clears them when
/// full).
#[island]
pub fn PermissionGrid(
    granted: Vec<String>,
    editable: bool,
    #[prop(optional, into)] offered: Option<Vec<String>>,
) -> impl IntoView {
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let usable = move |word: &String| editable && offered.as_ref().is_none_or(|o| o.contains(word));
    let cells: Vec<Vec<(String, bool, RwSignal<bool>)>> = R::ALL
        .into_iter()
        .map(|resource| {
            Action::ALL
                .into_iter()
                .map(|action| {
                    let word = Permission::new(resource, action).to_string();
                    let tick = RwSignal::new(granted.contains(&word));
                    (word.clone(), usable(&word), tick)
                })
                .collect()
        })
        .collect();
    // The boxes of a line that "all" may tick.
    let usable_ticks = |line: &[(String, bool, RwSignal<bool>)]| {
        line.iter()
            .filter(|(_, usable, _)| *usable)
            .map(|(_, _, t)| *t)
            .collect::<Vec<_>>()
    };
    let all_button = move |label: String, line: Vec<RwSignal<bool>>| {
        let line_empty = line.is_empty();
        let toggle = move |_| {
            let full = line.iter().all(|t| t.get_untracked());
            line.iter().for_each(|t| t.set(!full));
        };
        view! {
            <Show when=move || editable && hydrated.get() && !line_empty>
                <button type="button" class="ml-1 text-xs text-orange-700 underline dark:text-orange-400" aria-label=label.clone() on:click=toggle.clone()>"all"</button>
            </Show>
        }
    };
    let rows = R::ALL
        .into_iter()
        .zip(cells.iter())
        .map(|(resource, line)| {
            let boxes = line
                .iter()
                .cloned()
                .map(|(word, usable, tick)| {
                    let why = (editable && !usable).then_some("You do not hold this permission");
                    view! {
                        <td class="px-2 py-1 text-center">
                            <input
                                type="checkbox"
                                name="permissions[]"
                                value=word.clone()
                                checked=tick.get_untracked()
                                prop:checked=move || tick.get()
                                on:change=move |ev| tick.set(event_target_checked(&ev))
                                disabled=!usable
                                title=why
                                aria-label=word
                            />
                        </td>
                    }
                })
                .collect_view();
            view! {
                <tr>
                    <th class="py-1 pr-4 text-left font-mono text-xs font-normal">
                        {resource.as_str()} {all_button(format!("All of {}", resource.as_str()), usable_ticks(line))}
                    </th>
                    {boxes}
                </tr>
            }
        })
        .collect_view();
    let columns = Action::ALL
        .into_iter()
        .enumerate()
        .map(|(i, action)| {
            let column: Vec<_> = cells.iter().map(|line| line[i].clone()).collect();
            let column = usable_ticks(&column);
            view! { <th class="px-2">{action.as_str()} {all_button(format!("All {}", action.as_str()), column)}</th> }
        })
        .collect_view();
    view! {
            <table class="text-sm" data-testid="permission-grid">
                <thead>
                    <tr class="text-xs uppercase text-slate-600 dark:text-slate-400">
                        <th></th>
                        {columns}
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
    }
}
