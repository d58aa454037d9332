//! `/`: the console's home: which org you are in, who you are, and your role.

use crate::components::{use_summary, ConsoleFrame};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn Dashboard() -> impl IntoView {
    view! {
        <Title text="Dashboard" />
        <ConsoleFrame active="/">
            <Overview />
        </ConsoleFrame>
    }
}

#[component]
fn Overview() -> impl IntoView {
    let summary = use_summary();
    view! {
        <Suspense fallback=|| ()>
            {move || {
                summary
                    .get()
                    .and_then(Result::ok)
                    .map(|s| {
                        view! {
                            <h1 class="text-2xl font-semibold">"Welcome, " {s.user_name}</h1>
                            <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">
                                "You are signed in to " {s.org_name.clone()} "."
                            </p>
                            <dl class="mt-8 grid gap-4 md:grid-cols-3">
                                <Stat label="Organization" value=s.org_name testid="stat-org" />
                                <Stat label="Slug" value=s.org_slug testid="stat-slug" />
                                <Stat label="Your role" value=s.role_name testid="stat-role" />
                            </dl>
                        }
                    })
            }}
        </Suspense>
    }
}

#[component]
fn Stat(label: &'static str, value: String, testid: &'static str) -> impl IntoView {
    view! {
        <div class="rounded-xl border border-slate-200 bg-white p-5 dark:border-slate-800 dark:bg-slate-900">
            <dt class="text-xs font-medium uppercase tracking-wide text-slate-500 dark:text-slate-400">{label}</dt>
            <dd class="mt-2 text-lg font-semibold" data-testid=testid>{value}</dd>
        </div>
    }
}
