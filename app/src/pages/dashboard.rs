//! `/`: the console's home: which org you are in, who you are, and your role.

use crate::api::orgs::{CreateOrg, SetScriptLifetimes, SetTokenLifetime, UpdateOrg};
use crate::components::{use_summary, viewer_may, ConsoleFrame, Panel, Submit, INPUT};
use foxgate_core::model::HeldRole;
use foxgate_core::use_cases::{ORG_CREATE, ORG_UPDATE};
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
                            <dl class="mt-8 mb-8 grid gap-4 md:grid-cols-3">
                                <Stat label="Organization" value=s.org_name.clone() testid="stat-org" />
                                <Stat label="Slug" value=s.org_slug.clone() testid="stat-slug" />
                                <Stat label="Your role" value=s.role_name testid="stat-role" />
                            </dl>
                            <HeldRoles held=s.held_roles />
                            <OrgSettings name=s.org_name slug=s.org_slug lifetime=s.max_token_lifetime_days scripts=s.script_lifetimes />
                        }
                    })
            }}
        </Suspense>
    }
}

/// Every role the viewer holds here, and where.
#[component]
fn HeldRoles(held: Vec<HeldRole>) -> impl IntoView {
    (!held.is_empty()).then(|| {
        view! {
            <Panel title="Your roles">
                <ul class="space-y-1 text-sm" data-testid="held-roles">
                    {held
                        .into_iter()
                        .map(|h| view! { <li><span class="font-medium">{h.role}</span> " in " {h.place}</li> })
                        .collect_view()}
                </ul>
            </Panel>
        }
    })
}

/// Renaming the org, its token lifetime policy, and creating another org, for those who may.
#[component]
fn OrgSettings(
    name: String,
    slug: String,
    lifetime: Option<u32>,
    scripts: (Option<u32>, Option<u32>),
) -> impl IntoView {
    let update = ServerAction::<UpdateOrg>::new();
    let policy = ServerAction::<SetTokenLifetime>::new();
    let script_policy = ServerAction::<SetScriptLifetimes>::new();
    let days = |d: Option<u32>| d.map(|d| d.to_string());
    let create = ServerAction::<CreateOrg>::new();
    let may_update = viewer_may(ORG_UPDATE, None);
    let may_create = viewer_may(ORG_CREATE, None);
    let (name, slug) = (StoredValue::new(name), StoredValue::new(slug));
    view! {
        <Show when=move || may_update.get()>
            <Panel title="Organization settings">
                <ActionForm action=update attr:class="flex flex-wrap items-end gap-3">
                    <label class="text-sm">"Name" <input name="name" required class=INPUT value=name.get_value() /></label>
                    <label class="text-sm">"Slug" <input name="slug" required class=INPUT value=slug.get_value() /></label>
                    <Submit label="Save" />
                </ActionForm>
                <ActionForm action=policy attr:class="mt-4 flex flex-wrap items-end gap-3">
                    <label class="text-sm">
                        "Maximum token lifetime (days; empty: tokens may never expire)"
                        <input name="max_days" type="number" min="1" max="3650" class=INPUT value=lifetime.map(|d| d.to_string()) />
                    </label>
                    <Submit label="Save policy" />
                </ActionForm>
                <ActionForm action=script_policy attr:class="mt-4 flex flex-wrap items-end gap-3">
                    <label class="text-sm">
                        "Scripts: days a grant lives unused (empty: 30)"
                        <input name="idle_days" type="number" min="1" max="365" class=INPUT value=days(scripts.0) />
                    </label>
                    <label class="text-sm">
                        "at most (empty: 90)"
                        <input name="max_days" type="number" min="1" max="3650" class=INPUT value=days(scripts.1) />
                    </label>
                    <Submit label="Save script lifetimes" />
                </ActionForm>
            </Panel>
        </Show>
        <Show when=move || may_create.get()>
            <Panel title="New organization">
                <ActionForm action=create attr:class="flex flex-wrap items-end gap-3">
                    <label class="text-sm">"Name" <input name="name" required class=INPUT /></label>
                    <label class="text-sm">"Slug" <input name="slug" required class=INPUT /></label>
                    <Submit label="Create organization" />
                </ActionForm>
            </Panel>
        </Show>
    }
}

#[component]
fn Stat(label: &'static str, value: String, testid: &'static str) -> impl IntoView {
    view! {
        <div class="rounded-xl border border-slate-200 bg-white p-5 dark:border-slate-800 dark:bg-slate-900">
            <dt class="text-xs font-medium uppercase tracking-wide text-slate-600 dark:text-slate-400">{label}</dt>
            <dd class="mt-2 text-lg font-semibold" data-testid=testid>{value}</dd>
        </div>
    }
}
