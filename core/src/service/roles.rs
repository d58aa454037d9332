//! Roles: the built-in ones (read-only, from code) and an org's custom roles, whose
//! permission grid is changed under the escalation guard. Holders see a change on their
//! next request, since the Principal is rebuilt from the database every time.

use super::page;
use super::tokens::Carried;
use super::Services;
use crate::authz::{BuiltinRole, Principal};
use crate::model::{AuditAction, EntityType};
use crate::model::{NewRole, PageAsk, Role, RoleChanges, RolePage};
use crate::store::{self, roles::RoleRow};
use crate::use_cases::{ROLES_CREATE, ROLES_DELETE, ROLES_READ, ROLES_UPDATE};
use crate::Error;

fn view(r: RoleRow) -> Role {
    Role {
        id: r.id,
        name: r.name,
        description: r.description,
        permissions: r
            .permissions
            .to_words()
            .into_iter()
            .chain(r.apps.iter().map(|a| a.to_string()))
            .collect(),
        builtin: false,
    }
}

fn builtin_view(r: BuiltinRole) -> Role {
    Role {
        id: r.id().into(),
        name: r.name().into(),
        description: r.description().into(),
        permissions: r.permissions().to_words(),
        builtin: true,
    }
}

fn validate_name(name: &str) -> Result<String, Error> {
    let name = crate::text::name("name", name, 60)?;
    let name = name.as_str();
    if BuiltinRole::ALL
        .iter()
        .any(|b| b.name().eq_ignore_ascii_case(name) || b.id() == name)
    {
        return Err(Error::invalid("name", "is the name of a built-in role"));
    }
    Ok(name.to_string())
}

fn validate_description(text: &str) -> Result<String, Error> {
    crate::text::free_text("description", text, 500)
}

/// A role's words, Foxgate's and the applications' the org declares.
async fn parse_permissions(
    s: &Services,
    conn: &mut sqlx::AnyConnection,
    org_id: &str,
    words: &[String],
) -> Result<Carried, Error> {
    let vocabulary = s.vocabulary(conn, org_id).await?;
    super::tokens::parse_words(&vocabulary, words)
}

fn name_taken(e: sqlx::Error) -> Error {
    if store::is_unique_violation(&e) {
        Error::Conflict("name: another role of this organization already uses it".into())
    } else {
        e.into()
    }
}

/// An org defines at most this many custom roles: role pickers offer every role, and
/// references by name are resolved against them all.
pub const MAX_CUSTOM_ROLES: i64 = 200;

/// Where a page of roles continues: after a built-in role (by id) or a custom one (by name).
const AFTER_BUILTIN: &str = "builtin";
const AFTER_CUSTOM: &str = "custom";

/// One page of roles: built-in roles first, then the org's custom roles by name. Anyone who
/// may read roles somewhere (org-wide or in a team) may read the definitions.
pub async fn list(
    s: &Services,
    p: &Principal,
    org_ref: &str,
    asked: &PageAsk,
) -> Result<RolePage, Error> {
    let size = page::size(asked.limit)?;
    let bad = || Error::invalid("cursor", "is not a cursor this API gave out");
    let (builtin_from, custom_after) = match page::after::<2>(asked.cursor.as_deref())? {
        None => (0, None),
        Some([stage, id]) if stage == AFTER_BUILTIN => {
            let at = BuiltinRole::ALL.iter().position(|b| b.id() == id);
            (at.ok_or_else(bad)? + 1, None)
        }
        Some([stage, name]) if stage == AFTER_CUSTOM => (BuiltinRole::ALL.len(), Some(name)),
        Some(_) => return Err(bad()),
    };
    let mut cx = ROLES_READ.read(s, p, org_ref, None).await?;
    let mut rows: Vec<(&str, String, Role)> = BuiltinRole::ALL[builtin_from..]
        .iter()
        .take(size as usize + 1)
        .map(|b| (AFTER_BUILTIN, b.id().to_string(), builtin_view(*b)))
        .collect();
    if rows.len() <= size as usize {
        let room = size - rows.len() as u32;
        let custom =
            store::roles::page(&mut cx.db, &cx.org.id, custom_after.as_deref(), room).await?;
        rows.extend(
            custom
                .into_iter()
                .map(|r| (AFTER_CUSTOM, r.name.clone(), view(r))),
        );
    }
    let (rows, next_cursor) = page::cut(rows, size, |(stage, key, _)| page::cursor(&[stage, key]));
    Ok(RolePage {
        roles: rows.into_iter().map(|(_, _, role)| role).collect(),
        next_cursor,
    })
}

/// One role by id or name (any case): a built-in one or a custom role of the org.
pub async fn get(
    s: &Services,
    p: &Principal,
    org_ref: &str,
    role_ref: &str,
) -> Result<Role, Error> {
    let mut cx = ROLES_READ.read(s, p, org_ref, None).await?;
    let id = super::members::role_id(&mut cx.db, &cx.org.id, role_ref).await?;
    if let Some(builtin) = BuiltinRole::from_id(&id) {
        return Ok(builtin_view(builtin));
    }
    store::roles::get(&mut cx.db, &cx.org.id, &id)
        .await?
        .map(view)
        .ok_or(Error::NotFound)
}

pub async fn create(
    s: &Services,
    p: &Principal,
    org_ref: &str,
    input: NewRole,
) -> Result<Role, Error> {
    let mut cx = ROLES_CREATE.begin(s, p, org_ref, None).await?;
    let org_id = cx.org.id.clone();
    let wanted = parse_permissions(s, &mut cx.db, &org_id, &input.permissions).await?;
    let mut cx = cx
        .escalation(wanted.set)
        .await?
        .escalation_apps(&wanted.apps)
        .await?;
    if store::roles::count(&mut cx.db, &cx.org.id).await? >= MAX_CUSTOM_ROLES {
        return Err(Error::Conflict(format!(
            "an organization defines at most {MAX_CUSTOM_ROLES} custom roles"
        )));
    }
    let role = RoleRow {
        id: store::new_id(),
        org_id: cx.org.id.clone(),
        name: validate_name(&input.name)?,
        description: validate_description(&input.description)?,
        permissions: wanted.set,
        apps: wanted.apps,
    };
    store::roles::insert(&mut cx.db, &role, store::now_ms())
        .await
        .map_err(name_taken)?;
    cx.event(AuditAction::RoleCreated)
        .entity(EntityType::Role, &role.id, &role.name)
        .insert(&mut cx.db)
        .await?;
    cx.commit().await?;
    Ok(view(role))
}

/// Editing a role needs every permission involved — the ones it had and the ones it gets.
pub async fn update(
    s: &Services,
    p: &Principal,
    org_ref: &str,
    role_id: &str,
    changes: RoleChanges,
) -> Result<Role, Error> {
    let mut pending = ROLES_UPDATE.open(s, p, org_ref, None).await?;
    let org_id = pending.org().id.clone();
    let mut role = find_custom(pending.db(), p, &org_id, role_id).await?;
    let mut cx = pending.authorize(None).await?;
    let shown_before = view(role.clone());
    let before = (role.permissions, role.apps.clone());
    if let Some(words) = &changes.permissions {
        let wanted = parse_permissions(s, &mut cx.db, &org_id, words).await?;
        role.permissions = wanted.set;
        role.apps = wanted.apps;
    }
    let mut involved = before.1;
    involved.extend(role.apps.iter().cloned());
    let mut cx = cx
        .escalation(before.0.union(role.permissions))
        .await?
        .escalation_apps(&involved)
        .await?;
    if let Some(name) = &changes.name {
        role.name = validate_name(name)?;
    }
    if let Some(description) = &changes.description {
        role.description = validate_description(description)?;
    }
    store::roles::update(&mut cx.db, &role, store::now_ms())
        .await
        .map_err(name_taken)?;
    let after = view(role);
    cx.event(AuditAction::RoleUpdated)
        .entity(EntityType::Role, &after.id, &after.name)
        .snapshot(store::audit::changes(&shown_before, &after).into())
        .insert(&mut cx.db)
        .await?;
    cx.commit().await?;
    Ok(after)
}

/// Deletes a custom role and its grants; the audit event keeps the role's definition.
pub async fn delete(
    s: &Services,
    p: &Principal,
    org_ref: &str,
    role_id: &str,
) -> Result<(), Error> {
    let mut pending = ROLES_DELETE.open(s, p, org_ref, None).await?;
    let org_id = pending.org().id.clone();
    let role = find_custom(pending.db(), p, &org_id, role_id).await?;
    let mut cx = pending
        .authorize(None)
        .await?
        .escalation(role.permissions)
        .await?
        .escalation_apps(&role.apps)
        .await?;
    store::roles::delete(&mut cx.db, &role.id).await?;
    let snapshot = serde_json::json!({
        "id": role.id, "name": role.name, "description": role.description, "permissions": view(role.clone()).permissions,
    });
    cx.event(AuditAction::RoleDeleted)
        .entity(EntityType::Role, &role.id, &role.name)
        .snapshot(snapshot)
        .insert(&mut cx.db)
        .await?;
    cx.commit().await?;
    Ok(())
}

/// A custom role of the org; built-in roles are read-only (`invalid_input`), unknown ids `not_found`.
async fn find_custom(
    conn: &mut sqlx::AnyConnection,
    p: &Principal,
    org_id: &str,
    role_id: &str,
) -> Result<RoleRow, Error> {
    if BuiltinRole::from_id(role_id).is_some() {
        return Err(Error::invalid("role", "built-in roles cannot be changed"));
    }
    let role = store::roles::get(conn, org_id, role_id)
        .await?
        .ok_or(Error::NotFound)?;
    if !p.can_anywhere(ROLES_READ.permission) {
        return Err(Error::NotFound);
    }
    Ok(role)
}
