//! `/`: the console's home: which org you are in, who you are, and your role.

use crate::api::dashboard_summary;
use crate::components::{Alert, Header};
use foxgate_core::model::ConsoleSummary;
use foxgate_core::ErrorCode;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;

#[component]
pub fn Dashboard() -> impl IntoView {
    let summary = Resource::new(|| (), |_| dashboard_summary());
    view! {
        <Title text="Dashboard" />
        <Suspense fallback=|| view! { <p class="p-6 text-sm">"Loading…"</p> }>
            {move || {
                summary
                    .get()
                    .map(|result| match result {
                        Ok(s) => view! { <Overview summary=s /> }.into_any(),
                        Err(e) if e.code() == ErrorCode::Unauthorized => view! { <Redirect path="/login" /> }.into_any(),
                        Err(e) => view! { <div class="p-6"><Alert>{e.message().to_string()}</Alert></div> }.into_any(),
                    })
            }}
        </Suspense>
    }
}

#[component]
fn Overview(summary: ConsoleSummary) -> impl IntoView {
    let ConsoleSummary {
        org_name,
        org_slug,
        user_email,
        user_name,
        role_name,
    } = summary;
    view! {
        <Header org_name=org_name.clone() user_name=user_name.clone() user_email=user_email.clone() />
        <main class="mx-auto max-w-5xl px-6 py-10">
            <h1 class="text-2xl font-semibold">"Welcome, " {user_name}</h1>
            <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">"You are signed in to " {org_name.clone()} "."</p>
            <dl class="mt-8 grid gap-4 md:grid-cols-3">
                <Stat label="Organization" value=org_name testid="stat-org" />
                <Stat label="Slug" value=org_slug testid="stat-slug" />
                <Stat label="Your role" value=role_name testid="stat-role" />
            </dl>
        </main>
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
