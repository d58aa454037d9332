//! Small building blocks shared by the console's pages: cards, form fields, alerts, the header.

mod copy;
mod frame;
mod paging;
mod permission_grid;
mod team_picker;

pub use copy::{CopyButton, Copyable};
pub use frame::{use_summary, viewer_may, ConsoleFrame, PageHeading, Panel};
pub use paging::{counted, FollowsSearch, ListSearch, Pager};
pub use permission_grid::PermissionGrid;
pub use team_picker::TeamPicker;

use foxgate_core::model::{ConsoleSummary, Org};
use leptos::prelude::*;

/// Classes of the console's compact form controls.
pub const INPUT: &str = "rounded-lg border border-slate-300 bg-white px-3 py-1.5 text-sm dark:border-slate-700 dark:bg-slate-950";
pub const BUTTON: &str =
    "rounded-lg bg-orange-700 px-3 py-1.5 text-sm font-semibold text-white hover:bg-orange-800";
pub const QUIET: &str = "rounded-lg border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800";

/// A centered card, the frame of the sign-in and setup pages.
#[component]
pub fn AuthCard(title: &'static str, subtitle: &'static str, children: Children) -> impl IntoView {
    view! {
        <main class="flex min-h-screen items-center justify-center p-6">
            <div class="w-full max-w-md rounded-2xl border border-slate-200 bg-white p-8 shadow-sm dark:border-slate-800 dark:bg-slate-900">
                <p class="mb-6 text-sm font-semibold tracking-wide text-orange-700 dark:text-orange-400">"Foxgate"</p>
                <h1 class="text-2xl font-semibold">{title}</h1>
                <p class="mt-1 mb-6 text-sm text-slate-600 dark:text-slate-400">{subtitle}</p>
                {children()}
            </div>
        </main>
    }
}

/// A labelled input. `name` is also the id, so the label is clickable.
#[component]
pub fn Field(
    label: &'static str,
    name: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(default = true)] required: bool,
    #[prop(optional)] hint: Option<&'static str>,
    /// What the visitor typed before (never a password).
    #[prop(optional, into)]
    value: Option<String>,
    #[prop(optional)] autofocus: bool,
) -> impl IntoView {
    view! {
        <div>
            <label for=name class="block text-sm font-medium">{label}</label>
            <input
                id=name
                name=name
                type=kind
                autocomplete=autocomplete
                required=required
                value=value
                autofocus=autofocus
                class="mt-1 block w-full rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus-visible:border-orange-500 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-orange-500/40 dark:border-slate-700 dark:bg-slate-950"
            />
            {hint.map(|h| view! { <p class="mt-1 text-xs text-slate-600 dark:text-slate-400">{h}</p> })}
        </div>
    }
}

#[component]
pub fn SubmitButton(label: &'static str) -> impl IntoView {
    view! {
        <button
            type="submit"
            class="w-full rounded-lg bg-orange-700 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-orange-800 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-orange-500 focus-visible:ring-offset-2 dark:focus-visible:ring-offset-slate-900"
        >
            {label}
        </button>
    }
}

/// A console form's submit button. Once pressed, the browser disables it and it says
/// "Working…" until the next page arrives (frontend/src/busy.rs): a second click cannot
/// send the form again.
#[component]
pub fn Submit(
    label: &'static str,
    #[prop(default = BUTTON)] class: &'static str,
    /// The accessible name, when the label alone does not say what it acts on.
    #[prop(optional, into)]
    name: Option<String>,
) -> impl IntoView {
    view! { <button type="submit" class=class aria-label=name>{label}</button> }
}

/// A page's object that could not be loaded: its message, and a 404 status when it does
/// not exist (or is not the viewer's to see).
#[component]
pub fn LoadError(error: crate::error::UiError) -> impl IntoView {
    if error.code() == foxgate_core::ErrorCode::NotFound {
        crate::api::mark_not_found();
    }
    view! { <p class="text-sm text-red-700 dark:text-red-400">{error.message().to_string()}</p> }
}

/// A message box; `error` selects the red variant, otherwise it is informational.
#[component]
pub fn Alert(#[prop(default = true)] error: bool, children: Children) -> impl IntoView {
    let class = if error {
        "mb-4 rounded-lg border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800 dark:border-red-900 dark:bg-red-950 dark:text-red-200"
    } else {
        "mb-4 rounded-lg border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-800 dark:border-emerald-900 dark:bg-emerald-950 dark:text-emerald-200"
    };
    view! { <div role="alert" class=class>{children()}</div> }
}

/// The console's top bar: the org (a switcher when the viewer has several), and a user
/// menu with sign-out. Both are `<details>` with plain forms, so they work without JavaScript.
#[component]
pub fn Header(summary: ConsoleSummary) -> impl IntoView {
    let ConsoleSummary {
        org_name,
        org_slug,
        user_name,
        user_email,
        orgs,
        ..
    } = summary;
    let others: Vec<Org> = orgs.into_iter().filter(|o| o.slug != org_slug).collect();
    let org = if others.is_empty() {
        view! { <span class="font-medium" data-testid="org-name">{org_name}</span> }.into_any()
    } else {
        view! {
            <details class="relative">
                <summary class="cursor-pointer list-none font-medium" data-testid="org-name">{org_name}</summary>
                <div class="absolute left-0 z-10 mt-2 w-64 rounded-xl border border-slate-200 bg-white p-2 shadow-lg dark:border-slate-800 dark:bg-slate-900">
                    {others
                        .into_iter()
                        .map(|o| {
                            view! {
                                <form method="post" action="/orgs/switch">
                                    <input type="hidden" name="org" value=o.slug />
                                    <button type="submit" class="w-full rounded-lg px-3 py-2 text-left text-sm hover:bg-slate-100 dark:hover:bg-slate-800">
                                        {format!("Switch to {}", o.name)}
                                    </button>
                                </form>
                            }
                        })
                        .collect_view()}
                </div>
            </details>
        }
        .into_any()
    };
    view! {
        <header class="border-b border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
            <div class="mx-auto flex max-w-5xl items-center justify-between px-6 py-3">
                <div class="flex items-center gap-3">
                    <span class="font-semibold text-orange-700 dark:text-orange-400">"Foxgate"</span>
                    <span class="text-slate-400">"/"</span>
                    {org}
                </div>
                <details class="relative">
                    <summary class="cursor-pointer list-none rounded-lg px-3 py-1.5 text-sm font-medium hover:bg-slate-100 dark:hover:bg-slate-800" data-testid="user-menu">
                        {user_name}
                    </summary>
                    <div class="absolute right-0 z-10 mt-2 w-64 rounded-xl border border-slate-200 bg-white p-2 shadow-lg dark:border-slate-800 dark:bg-slate-900">
                        <p class="truncate px-3 py-2 text-sm text-slate-600 dark:text-slate-400" data-testid="user-email">{user_email}</p>
                        <form method="post" action="/logout">
                            <button type="submit" class="w-full rounded-lg px-3 py-2 text-left text-sm hover:bg-slate-100 dark:hover:bg-slate-800">
                                "Sign out"
                            </button>
                        </form>
                    </div>
                </details>
            </div>
        </header>
    }
}

/// Applications' permissions among `words` (Foxgate's own are left out), as one quiet line
/// under the roles or permissions they come from; nothing when there are none.
#[component]
pub fn AppWords(words: Vec<String>) -> impl IntoView {
    let apps: Vec<String> = words
        .into_iter()
        .filter(|w| foxgate_core::authz::application::is_app_word(w))
        .collect();
    (!apps.is_empty()).then(|| {
        view! {
            <span class="block font-mono text-xs text-slate-600 dark:text-slate-400" data-testid="app-permissions">
                {apps.join(" ")}
            </span>
        }
    })
}
