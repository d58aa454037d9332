//! `/roles/{role}`: one role on its own page — a built-in role's permissions, or a custom
//! role's form (name, description, the grids) and the way to delete it.

use super::grid::AppGrid;
use crate::api::applications::list_applications;
use crate::api::roles::{role_detail, UpdateRole};
use crate::components::{
    viewer_may, ConsoleFrame, LoadError, Panel, PermissionGrid, Submit, INPUT, QUIET,
};
use crate::pages::confirm_href;
use foxgate_core::model::{Application, Doomed, Role};
use foxgate_core::use_cases::ROLES_UPDATE;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn RoleDetail() -> impl IntoView {
    view! {
        <Title text="Role" />
        <ConsoleFrame active="/roles">
            <p class="mb-2 text-sm"><a href="/roles" class="underline">"← All roles"</a></p>
            <RoleBody />
        </ConsoleFrame>
    }
}

/// Inside the frame, which provides the viewer's summary.
#[component]
fn RoleBody() -> impl IntoView {
    let params = use_params_map();
    let update = ServerAction::<UpdateRole>::new();
    let role = Resource::new(
        move || params.read().get("role").unwrap_or_default(),
        role_detail,
    );
    // Readers of roles who may not read applications see only Foxgate's permissions.
    let apps = Resource::new(|| (), |_| list_applications());
    let may_update = viewer_may(ROLES_UPDATE, None);
    view! {
            <Suspense fallback=|| view! { <p class="text-sm">"Loading…"</p> }>
                {move || {
                    role.get().map(|result| match result {
                        Ok(role) => {
                            let apps = apps.get().and_then(Result::ok).unwrap_or_default();
                            let editable = !role.builtin && may_update.get();
                            view! {
                                <h1 class="text-2xl font-semibold" data-testid="role-name">{role.name.clone()}</h1>
                                <p class="mt-1 mb-6 text-sm text-slate-600 dark:text-slate-400">
                                    {if role.builtin { "Built-in role. " } else { "Custom role. " }}
                                    {role.description.clone()}
                                </p>
                                {if editable {
                                    view! { <RoleForm role apps update /> }.into_any()
                                } else {
                                    let foxgate = role.permissions.clone();
                                    view! {
                                        <Panel title="Permissions"><PermissionGrid granted=foxgate editable=false /></Panel>
                                        <AppGrid apps granted=role.permissions editable=false />
                                    }
                                    .into_any()
                                }}
                            }
                            .into_any()
                        }
                        Err(e) => view! { <LoadError error=e /> }.into_any(),
                    })
                }}
            </Suspense>
    }
}

/// A custom role's form, for a viewer who may change roles.
#[component]
fn RoleForm(role: Role, apps: Vec<Application>, update: ServerAction<UpdateRole>) -> impl IntoView {
    let id = role.id.clone();
    let foxgate = role.permissions.clone();
    view! {
        <ActionForm action=update attr:class="space-y-3">
            <input type="hidden" name="role" value=role.id.clone() />
            <Panel title="Name">
                <div class="flex flex-wrap gap-3">
                    <label class="text-sm">"Name" <input name="name" required class=INPUT value=role.name.clone() /></label>
                    <label class="text-sm">"Description" <input name="description" class=INPUT value=role.description.clone() /></label>
                </div>
            </Panel>
            <Panel title="Permissions"><PermissionGrid granted=foxgate editable=true /></Panel>
            <AppGrid apps granted=role.permissions editable=true />
            <Submit label="Save role" />
        </ActionForm>
        <p class="mt-6">
            <a href=confirm_href(Doomed::Role, &id) class=QUIET>"Delete role"</a>
        </p>
    }
}
