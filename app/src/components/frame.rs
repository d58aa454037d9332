//! The frame of every console page: header with the user menu, the navigation, and the
//! messages a page shows after a form post (`?error=` or `?done=` in its address).

use super::{Alert, Header};
use crate::api::dashboard_summary;
use crate::error::message_for;
use foxgate_core::model::ConsoleSummary;
use foxgate_core::use_cases::UseCase;
use foxgate_core::ErrorCode;
use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_query_map;

/// Loads the summary once for the page, provides it to the page as a `Resource`, and
/// sends signed-out visitors to `/login`.
#[component]
pub fn ConsoleFrame(active: &'static str, children: Children) -> impl IntoView {
    let summary = Resource::new(|| (), |_| dashboard_summary());
    provide_context(summary);
    view! {
        <a href="#main" class="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:rounded focus:bg-white focus:px-3 focus:py-2 focus:text-sm dark:focus:bg-slate-900">
            "Skip to content"
        </a>
        <Suspense fallback=|| ()>
            {move || {
                summary
                    .get()
                    .map(|result| match result {
                        Ok(s) => view! { <Header summary=s /> }.into_any(),
                        Err(e) if e.code() == ErrorCode::Unauthorized => view! { <Redirect path="/login" /> }.into_any(),
                        Err(e) => view! { <div class="p-6"><Alert>{e.message().to_string()}</Alert></div> }.into_any(),
                    })
            }}
        </Suspense>
        <nav class="border-b border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900" aria-label="Console">
            // Narrow screens (phones, or 200 % zoom): one "Menu" disclosure that works
            // without JavaScript; wider ones: the row of links.
            <details class="px-6 md:hidden" data-testid="nav-menu">
                <summary class="cursor-pointer py-3 text-sm font-medium">
                    "Menu"
                    <span class="text-slate-600 dark:text-slate-400">{format!(" · {}", page_label(active))}</span>
                </summary>
                <div class="flex flex-col pb-2">{nav_links(active)}</div>
            </details>
            <div class="mx-auto hidden max-w-5xl gap-1 px-6 md:flex">{nav_links(active)}</div>
        </nav>
        <main id="main" class="mx-auto max-w-5xl px-6 py-8">
            <QueryError />
            // Pages read the summary (to hide what the viewer cannot do) while they render:
            // inside Suspense, the page is sent once it is known.
            <Suspense fallback=|| ()>{children()}</Suspense>
        </main>
    }
}

/// How the navigation shows a page other than the current one.
const OTHER_PAGE: &str = "border-b-2 border-transparent px-3 py-2 text-sm text-slate-600 hover:text-slate-900 dark:text-slate-400 dark:hover:text-slate-100";

/// The navigation's links, the current page's marked.
fn nav_links(active: &'static str) -> impl IntoView {
    let pages = crate::CONSOLE_PAGES
        .into_iter()
        .map(|(href, label)| {
            let current = href == active;
            let class = if current {
                "border-b-2 border-orange-500 px-3 py-2 text-sm font-medium"
            } else {
                OTHER_PAGE
            };
            view! { <a href=href class=class aria-current=current.then_some("page")>{label}</a> }
        })
        .collect_view();
    // The API reference is its own page (not a console route): it leaves the console.
    let reference = view! {
        <a href="/api-docs" class=format!("{OTHER_PAGE} md:ml-auto")>
            "API reference"
        </a>
    };
    (pages, reference)
}

fn page_label(active: &str) -> &'static str {
    crate::CONSOLE_PAGES
        .into_iter()
        .find(|(href, _)| *href == active)
        .map_or("", |(_, label)| label)
}

/// The page's summary, loaded by `ConsoleFrame`.
pub fn use_summary() -> Resource<Result<ConsoleSummary, crate::error::UiError>> {
    expect_context()
}

/// Whether the viewer may run `use_case` (for `team`, a team id, when it is a team-level
/// case), to hide what they cannot do — decided by the table the service enforces.
pub fn viewer_may(use_case: UseCase, team: Option<String>) -> Signal<bool> {
    let summary = use_summary();
    Signal::derive(move || {
        summary
            .get()
            .and_then(Result::ok)
            .is_some_and(|s| use_case.allowed_by(&s.grants, team.as_deref()))
    })
}

/// What a form post came back with: why it failed (`?error=…&field=…`) or that it is done
/// (`?done=…`). The message takes the focus, so a keyboard or screen-reader user lands on
/// it — unless it names a field, which the server's form echo focuses instead.
#[component]
fn QueryError() -> impl IntoView {
    let query = use_query_map();
    move || {
        let q = query.read();
        let failed = q.get("error").map(|code| {
            let field = q.get("field");
            let focus = field.is_none();
            view! {
                <div tabindex="-1" autofocus=focus class="focus:outline-none" data-testid="query-error">
                    <Alert>{message_for(&code, field.as_deref())}</Alert>
                </div>
            }
        });
        let done = q
            .get("done")
            .and_then(|word| crate::notice::done_sentence(&word))
            .map(|sentence| view! {
                <div tabindex="-1" autofocus class="focus:outline-none" data-testid="query-done">
                    <Alert error=false>{sentence}</Alert>
                </div>
            });
        (failed, done)
    }
}

#[component]
pub fn PageHeading(title: &'static str, subtitle: &'static str) -> impl IntoView {
    view! {
        <h1 class="text-2xl font-semibold">{title}</h1>
        <p class="mt-1 mb-6 text-sm text-slate-600 dark:text-slate-400">{subtitle}</p>
    }
}

/// A titled white box holding a table or a form.
#[component]
pub fn Panel(title: &'static str, children: Children) -> impl IntoView {
    view! {
        <section class="mb-6 rounded-xl border border-slate-200 bg-white p-5 dark:border-slate-800 dark:bg-slate-900">
            <h2 class="mb-4 text-sm font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-400">{title}</h2>
            {children()}
        </section>
    }
}
