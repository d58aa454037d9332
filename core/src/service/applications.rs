//! Applications: declaring an org's other services, their resource types and actions.
//! Whatever a change stops declaring leaves every role and personal token in the same
//! transaction as the change and its audit event.

use super::page;
use super::use_case::Change;
use super::Services;
use crate::authz::application::{valid_action_name, valid_resource_name, AppPermission};
use crate::authz::Principal;
use crate::model::{
    Application, ApplicationChanged, ApplicationChanges, ApplicationPage, AuditAction, EntityType,
    NewApplication, PageAsk, ResourceType,
};
use crate::store::{self, applications::ApplicationRow};
use crate::use_cases::{
    APPLICATIONS_CREATE, APPLICATIONS_DELETE, APPLICATIONS_READ, APPLICATIONS_UPDATE,
};
use crate::Error;
use std::collections::BTreeSet;

/// An org declares at most this many applications.
pub const MAX_APPLICATIONS: i64 = 2_000;
/// An application declares at most this many resource types.
pub const MAX_RESOURCE_TYPES: usize = 200;
/// A resource type declares at most this many actions.
pub const MAX_ACTIONS: usize = 50;

fn view(a: &ApplicationRow) -> Application {
    Application {
        id: a.id.clone(),
        slug: a.slug.clone(),
        name: a.name.clone(),
        description: a.description.clone(),
        permissions: permissions(a).iter().map(|p| p.to_string()).collect(),
        resource_types: a.resource_types.clone(),
        created_at: a.created_at,
        updated_at: a.updated_at,
    }
}

/// Every permission an application declares, in declaration order.
fn permissions(a: &ApplicationRow) -> Vec<AppPermission> {
    a.resource_types
        .iter()
        .flat_map(|rt| {
            rt.actions
                .iter()
                .map(|action| AppPermission::new(&a.slug, &rt.name, action))
        })
        .collect()
}

/// Checks a declaration: named resource types, each with 1 to 50 distinct actions, no
/// name twice. Names are trimmed; nothing else is changed.
fn validate_resource_types(types: &[ResourceType]) -> Result<Vec<ResourceType>, Error> {
    const FIELD: &str = "resource_types";
    if types.len() > MAX_RESOURCE_TYPES {
        return Err(Error::invalid(
            FIELD,
            format!("at most {MAX_RESOURCE_TYPES} resource types per application"),
        ));
    }
    let mut names = BTreeSet::new();
    let mut out = Vec::with_capacity(types.len());
    for rt in types {
        let name = rt.name.trim();
        if !valid_resource_name(name) {
            return Err(Error::invalid(
                FIELD,
                format!("{name:?}: a resource type is 1 to 100 letters, digits and _ - . /"),
            ));
        }
        if !names.insert(name.to_string()) {
            return Err(Error::invalid(FIELD, format!("{name:?} is declared twice")));
        }
        if rt.actions.is_empty() || rt.actions.len() > MAX_ACTIONS {
            return Err(Error::invalid(
                FIELD,
                format!("{name:?}: declare 1 to {MAX_ACTIONS} actions"),
            ));
        }
        let mut actions = Vec::with_capacity(rt.actions.len());
        for action in &rt.actions {
            let action = action.trim();
            if !valid_action_name(action) {
                return Err(Error::invalid(
                    FIELD,
                    format!("{name:?}: action {action:?} is not 1 to 50 letters, digits and _ - ."),
                ));
            }
            if actions.iter().any(|a| a == action) {
                return Err(Error::invalid(
                    FIELD,
                    format!("{name:?}: action {action:?} is declared twice"),
                ));
            }
            actions.push(action.to_string());
        }
        out.push(ResourceType {
            name: name.to_string(),
            actions,
        });
    }
    Ok(out)
}

fn slug_taken(e: sqlx::Error) -> Error {
    if store::is_unique_violation(&e) {
        Error::Conflict("slug: another application of this organization already uses it".into())
    } else {
        e.into()
    }
}

fn snapshot(a: &ApplicationRow) -> serde_json::Value {
    serde_json::json!({
        "id": a.id, "slug": a.slug, "name": a.name, "description": a.description,
        "resource_types": a.resource_types,
    })
}

/// One page of the org's applications, by slug.
pub async fn list(
    s: &Services,
    p: &Principal,
    org_ref: &str,
    asked: &PageAsk,
) -> Result<ApplicationPage, Error> {
    let size = page::size(asked.limit)?;
    let after = page::after::<1>(asked.cursor.as_deref())?;
    let mut cx = APPLICATIONS_READ.read(s, p, org_ref, None).await?;
    let after_slug = after.as_ref().map(|[slug]| slug.as_str());
    let rows = store::applications::page(&mut cx.db, &cx.org.id, after_slug, size).await?;
    let (rows, next_cursor) = page::cut(rows, size, |a| page::cursor(&[&a.slug]));
    Ok(ApplicationPage {
        applications: rows.iter().map(view).collect(),
        next_cursor,
    })
}

pub async fn get(
    s: &Services,
    p: &Principal,
    org_ref: &str,
    app_ref: &str,
) -> Result<Application, Error> {
    let mut cx = APPLICATIONS_READ.read(s, p, org_ref, None).await?;
    let row = store::applications::find(&mut cx.db, &cx.org.id, app_ref)
        .await?
        .ok_or(Error::NotFound)?;
    Ok(view(&row))
}

pub async fn create(
    s: &Services,
    p: &Principal,
    org_ref: &str,
    input: NewApplication,
) -> Result<Application, Error> {
    let mut cx = APPLICATIONS_CREATE.begin(s, p, org_ref, None).await?;
    let now = store::now_ms();
    let row = ApplicationRow {
        id: store::new_id(),
        org_id: cx.org.id.clone(),
        slug: crate::slug::validate("slug", &input.slug)?,
        name: crate::text::name("name", &input.name, 100)?,
        description: crate::text::free_text("description", &input.description, 500)?,
        resource_types: validate_resource_types(&input.resource_types)?,
        created_at: now,
        updated_at: now,
    };
    if store::applications::count(&mut cx.db, &row.org_id).await? >= MAX_APPLICATIONS {
        return Err(Error::Conflict(format!(
            "an organization declares at most {MAX_APPLICATIONS} applications"
        )));
    }
    store::applications::insert(&mut cx.db, &row)
        .await
        .map_err(slug_taken)?;
    cx.event(AuditAction::ApplicationCreated)
        .entity(EntityType::Application, &row.id, &row.name)
        .snapshot(snapshot(&row))
        .insert(&mut cx.db)
        .await?;
    cx.commit().await?;
    Ok(view(&row))
}

/// Renames, redescribes or redeclares an application. Permissions it stops declaring are
/// taken from every role and personal token of the org in the same transaction, and the
/// audit event records the declaration before and after and who lost what.
pub async fn update(
    s: &Services,
    p: &Principal,
    org_ref: &str,
    app_ref: &str,
    changes: ApplicationChanges,
) -> Result<ApplicationChanged, Error> {
    let mut cx = APPLICATIONS_UPDATE.begin(s, p, org_ref, None).await?;
    let before = store::applications::find(&mut cx.db, &cx.org.id, app_ref)
        .await?
        .ok_or(Error::NotFound)?;
    let mut after = before.clone();
    if let Some(name) = &changes.name {
        after.name = crate::text::name("name", name, 100)?;
    }
    if let Some(description) = &changes.description {
        after.description = crate::text::free_text("description", description, 500)?;
    }
    if let Some(types) = &changes.resource_types {
        after.resource_types = validate_resource_types(types)?;
    }
    after.updated_at = store::now_ms();
    let kept: BTreeSet<String> = permissions(&after).iter().map(|p| p.to_string()).collect();
    let removed: Vec<AppPermission> = permissions(&before)
        .into_iter()
        .filter(|p| !kept.contains(&p.to_string()))
        .collect();
    store::applications::update(&mut cx.db, &after).await?;
    let (roles_changed, tokens_changed) = strip(&mut cx, &before.slug, |p| {
        removed
            .iter()
            .any(|r| r.app == p.app && r.resource == p.resource && r.action == p.action)
    })
    .await?;
    let removed: Vec<String> = removed.iter().map(|p| p.to_string()).collect();
    cx.event(AuditAction::ApplicationUpdated)
        .entity(EntityType::Application, &after.id, &after.name)
        .snapshot(serde_json::json!({
            "before": snapshot(&before), "after": snapshot(&after),
            "removed_permissions": removed, "roles_changed": roles_changed,
            "tokens_changed": tokens_changed,
        }))
        .insert(&mut cx.db)
        .await?;
    cx.commit().await?;
    Ok(ApplicationChanged {
        application: Some(view(&after)),
        removed_permissions: removed,
        roles_changed,
        tokens_changed,
    })
}

/// Deletes an application. While roles or personal tokens hold its permissions it is in
/// use, and only `confirm` deletes it (taking them away in the same transaction).
pub async fn delete(
    s: &Services,
    p: &Principal,
    org_ref: &str,
    app_ref: &str,
    confirm: bool,
) -> Result<ApplicationChanged, Error> {
    let mut cx = APPLICATIONS_DELETE.begin(s, p, org_ref, None).await?;
    let app = store::applications::find(&mut cx.db, &cx.org.id, app_ref)
        .await?
        .ok_or(Error::NotFound)?;
    store::applications::delete(&mut cx.db, &app.id).await?;
    let slug = app.slug.clone();
    let (roles_changed, tokens_changed) = strip(&mut cx, &slug, |p| p.app == slug).await?;
    let in_use = !(roles_changed.is_empty() && tokens_changed.is_empty());
    if in_use && !confirm {
        cx.db.rollback().await?;
        return Err(Error::Conflict(format!(
            "the application is in use by {} role(s) and {} personal token(s); confirm to \
             delete it and take its permissions from them",
            roles_changed.len(),
            tokens_changed.len()
        )));
    }
    cx.event(AuditAction::ApplicationDeleted)
        .entity(EntityType::Application, &app.id, &app.name)
        .snapshot(serde_json::json!({
            "application": snapshot(&app), "roles_changed": roles_changed,
            "tokens_changed": tokens_changed,
        }))
        .insert(&mut cx.db)
        .await?;
    cx.commit().await?;
    Ok(ApplicationChanged {
        application: None,
        removed_permissions: permissions(&app).iter().map(|p| p.to_string()).collect(),
        roles_changed,
        tokens_changed,
    })
}

/// Takes the application permissions `gone` picks (of application `slug`) from the org's
/// custom roles and personal tokens; the ids of those changed.
async fn strip(
    cx: &mut Change<'_>,
    slug: &str,
    gone: impl Fn(&AppPermission) -> bool,
) -> Result<(Vec<String>, Vec<String>), Error> {
    let org_id = cx.org.id.clone();
    let now = store::now_ms();
    let mut roles_changed = Vec::new();
    for mut role in store::roles::list(&mut cx.db, &org_id).await? {
        let before = role.apps.len();
        role.apps.retain(|p| !gone(p));
        if role.apps.len() != before {
            store::roles::update(&mut cx.db, &role, now).await?;
            roles_changed.push(role.id);
        }
    }
    let mut tokens_changed = Vec::new();
    for (id, words) in store::tokens::mentioning(&mut cx.db, &org_id, &format!("{slug}:")).await? {
        let kept: Vec<&str> = words
            .split_whitespace()
            .filter(|w| w.parse::<AppPermission>().map_or(true, |p| !gone(&p)))
            .collect();
        if kept.len() != words.split_whitespace().count() {
            store::tokens::set_permissions(&mut cx.db, &id, &kept.join(" ")).await?;
            tokens_changed.push(id);
        }
    }
    Ok((roles_changed, tokens_changed))
}
