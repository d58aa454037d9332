//! `/applications`: the org's other services and what they declare — resource types as
//! rows, each with its actions — whose permissions roles then hold.

use crate::api::applications::{list_applications, DeleteApplication, SaveApplication};
use crate::api::orgs::{org_settings, SetDecisionLogging};
use crate::components::{
    viewer_may, ConsoleFrame, LoadError, PageHeading, Panel, Submit, INPUT, QUIET,
};
use foxgate_core::model::{Application, ResourceType};
use foxgate_core::use_cases::{
    APPLICATIONS_CREATE, APPLICATIONS_DELETE, APPLICATIONS_UPDATE, ORG_UPDATE,
};
use leptos::prelude::*;
use leptos_meta::Title;

/// Blank rows offered under the declared ones, for new resource types.
const BLANK_ROWS: usize = 3;

#[component]
pub fn Applications() -> impl IntoView {
    view! {
        <Title text="Applications" />
        <ConsoleFrame active="/applications">
            <PageHeading
                title="Applications"
                subtitle="Declare your services' resource types and actions; their permissions (app:resource:action) then go into roles."
            />
            <ApplicationsBody />
            <DecisionLogging />
        </ConsoleFrame>
    }
}

#[component]
fn ApplicationsBody() -> impl IntoView {
    let save = ServerAction::<SaveApplication>::new();
    let delete = ServerAction::<DeleteApplication>::new();
    let apps = Resource::new(|| (), |_| list_applications());
    let may_create = viewer_may(APPLICATIONS_CREATE, None);
    let may_update = viewer_may(APPLICATIONS_UPDATE, None);
    let may_delete = viewer_may(APPLICATIONS_DELETE, None);
    view! {
        <Show when=move || may_create.get()>
            <Panel title="New application">
                <ActionForm action=save attr:class="space-y-3">
                    <input type="hidden" name="application" value="" />
                    <div class="flex flex-wrap gap-3">
                        <label class="text-sm">"Slug" <input name="slug" required class=INPUT placeholder="deploy" /></label>
                        <label class="text-sm">"Name" <input name="name" required class=INPUT placeholder="Deploy API" /></label>
                        <label class="text-sm">"Description" <input name="description" class=INPUT /></label>
                    </div>
                    <Declaration types=Vec::new() editable=true />
                    <Submit label="Declare application" />
                </ActionForm>
            </Panel>
        </Show>
        <Suspense fallback=|| view! { <p class="text-sm">"Loading…"</p> }>
            {move || {
                apps.get()
                    .map(|result| match result {
                        Ok(list) if list.is_empty() => view! {
                            <p class="text-sm text-slate-600 dark:text-slate-400">"No applications declared yet."</p>
                        }.into_any(),
                        Ok(list) => list
                            .into_iter()
                            .map(|app| view! {
                                <ApplicationCard app save delete editable=may_update.get() deletable=may_delete.get() />
                            })
                            .collect_view()
                            .into_any(),
                        Err(e) => view! { <LoadError error=e /> }.into_any(),
                    })
            }}
        </Suspense>
    }
}

/// Whether each denied decision is written to the activity log, for those who may change
/// the org's settings.
#[component]
fn DecisionLogging() -> impl IntoView {
    let set = ServerAction::<SetDecisionLogging>::new();
    let settings = Resource::new(|| (), |_| org_settings());
    let may_update = viewer_may(ORG_UPDATE, None);
    view! {
        <Show when=move || may_update.get()>
            <Panel title="Decision logging">
                <p class="mb-3 text-sm text-slate-600 dark:text-slate-400">
                    "Every decision is counted per calling service and minute in the activity log (decisions.counted). "
                    "Turned on, each denied decision is logged too (decision.denied), with its subject as the entity, so the activity log's entity filter finds a person's denials."
                </p>
                <Suspense fallback=|| view! { <p class="text-sm">"Loading…"</p> }>
                    {move || settings.get().and_then(Result::ok).map(|org| view! {
                        <ActionForm action=set attr:class="flex flex-wrap items-center gap-3">
                            <label class="text-sm">
                                <input type="checkbox" name="log_denied" value="on" checked=org.log_denied_decisions />
                                " Log each denied decision"
                            </label>
                            <Submit label="Save decision logging" />
                            <span class="text-sm" data-testid="decision-logging">
                                {if org.log_denied_decisions { "On" } else { "Off" }}
                            </span>
                        </ActionForm>
                    })}
                </Suspense>
            </Panel>
        </Show>
    }
}

#[component]
fn ApplicationCard(
    app: Application,
    save: ServerAction<SaveApplication>,
    delete: ServerAction<DeleteApplication>,
    editable: bool,
    deletable: bool,
) -> impl IntoView {
    let heading = format!("{} ({})", app.name, app.slug);
    let id = app.id.clone();
    let body = if editable {
        view! {
            <ActionForm action=save attr:class="space-y-3">
                <input type="hidden" name="application" value=app.id.clone() />
                <div class="flex flex-wrap gap-3">
                    <label class="text-sm">"Name" <input name="name" required class=INPUT value=app.name.clone() /></label>
                    <label class="text-sm">"Description" <input name="description" class=INPUT value=app.description.clone() /></label>
                </div>
                <Declaration types=app.resource_types.clone() editable=true />
                <p class="text-xs text-slate-600 dark:text-slate-400">"Removing an action or a resource type takes it from every role that holds it."</p>
                <Submit label="Save application" />
            </ActionForm>
        }
        .into_any()
    } else {
        view! {
            <p class="mb-3 text-sm text-slate-600 dark:text-slate-400">{app.description.clone()}</p>
            <Declaration types=app.resource_types.clone() editable=false />
        }
        .into_any()
    };
    let removal = deletable.then(|| {
        view! {
            <ActionForm action=delete attr:class="mt-3 flex flex-wrap items-center gap-3">
                <input type="hidden" name="application" value=id />
                <label class="text-sm">
                    <input type="checkbox" name="confirm" value="yes" />
                    " Also take its permissions from the roles and tokens that hold them"
                </label>
                <Submit label="Delete application" class=QUIET />
            </ActionForm>
        }
    });
    view! {
        <section class="mb-6 rounded-xl border border-slate-200 bg-white p-5 dark:border-slate-800 dark:bg-slate-900" data-testid="application-card">
            <h2 class="mb-2 font-semibold">{heading}</h2>
            <p class="mb-3 font-mono text-xs text-slate-600 dark:text-slate-400">{app.permissions.join("  ")}</p>
            {body}
            {removal}
        </section>
    }
}

/// The declaration as a grid: one row per resource type, its actions comma-separated,
/// with blank rows to add more. Posts `resources[]` and `actions[]` row by row.
#[component]
fn Declaration(types: Vec<ResourceType>, editable: bool) -> impl IntoView {
    let blank = if editable { BLANK_ROWS } else { 0 };
    let rows = types
        .into_iter()
        .map(|t| (t.name, t.actions.join(", ")))
        .chain(std::iter::repeat_n((String::new(), String::new()), blank))
        .enumerate()
        .map(|(i, (name, actions))| {
            let row = i + 1;
            view! {
                <tr>
                    <td class="py-1 pr-3">
                        <input name="resources[]" value=name class=INPUT readonly=!editable
                            placeholder="deployments" aria-label=format!("Resource type {row}") />
                    </td>
                    <td class="py-1">
                        <input name="actions[]" value=actions class=INPUT readonly=!editable
                            placeholder="read, create, approve" aria-label=format!("Actions of resource type {row}") />
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="text-sm">
            <thead>
                <tr class="text-left text-xs uppercase text-slate-600 dark:text-slate-400">
                    <th class="pr-3">"Resource type"</th>
                    <th>"Actions"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}
