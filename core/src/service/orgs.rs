//! Organization settings: its name, slug and token lifetime policy.

use super::{scope, Services};
use crate::authz::{BuiltinRole, Principal, Scope};
use crate::model::{NewOrg, Org, OrgChanges};
use crate::store::{self, audit::AuditEvent, grants, orgs::OrgRow, users};
use crate::use_cases;
use crate::{slug, Error};

/// The longest lifetime policy an org may set (ten years).
pub const MAX_TOKEN_LIFETIME_DAYS: u32 = 3650;
/// The longest an org may keep its audit events (ten years).
pub const MAX_AUDIT_RETENTION_DAYS: u32 = 3650;

fn view(o: OrgRow) -> Org {
    Org {
        id: o.id,
        slug: o.slug,
        name: o.name,
        max_token_lifetime_days: o
            .max_token_lifetime_days
            .and_then(|d| u32::try_from(d).ok()),
        require_sso: o.require_sso,
        audit_retention_days: u32::try_from(o.audit_retention_days).unwrap_or(30),
    }
}

pub async fn get(s: &Services, p: &Principal, org_ref: &str) -> Result<Org, Error> {
    let mut conn = s.db.pool().acquire().await?;
    let org = scope::org(&mut conn, p, org_ref).await?;
    p.require(use_cases::ORG_READ.permission, &Scope::Org)?;
    Ok(view(org))
}

pub async fn update(
    s: &Services,
    p: &Principal,
    org_ref: &str,
    changes: OrgChanges,
) -> Result<Org, Error> {
    let mut tx = s.db.begin().await?;
    let mut org = scope::org(&mut tx, p, org_ref).await?;
    p.require(use_cases::ORG_UPDATE.permission, &Scope::Org)?;
    if let Some(slug) = &changes.slug {
        org.slug = slug::validate("slug", slug)?;
    }
    if let Some(name) = &changes.name {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(Error::invalid("name", "must be 1 to 100 characters"));
        }
        org.name = name.to_string();
    }
    if let Some(limit) = changes.max_token_lifetime_days {
        if limit.is_some_and(|days| !(1..=MAX_TOKEN_LIFETIME_DAYS).contains(&days)) {
            return Err(Error::invalid(
                "max_token_lifetime_days",
                format!("must be 1 to {MAX_TOKEN_LIFETIME_DAYS} days, or null for no limit"),
            ));
        }
        org.max_token_lifetime_days = limit.map(i64::from);
    }
    if let Some(days) = changes.audit_retention_days {
        if !(1..=MAX_AUDIT_RETENTION_DAYS).contains(&days) {
            return Err(Error::invalid(
                "audit_retention_days",
                format!("must be 1 to {MAX_AUDIT_RETENTION_DAYS} days"),
            ));
        }
        org.audit_retention_days = i64::from(days);
    }
    if let Some(required) = changes.require_sso {
        p.require(use_cases::SSO_UPDATE.permission, &Scope::Org)?;
        let providers = store::identity_providers::list(&mut tx, &org.id).await?;
        if required && !providers.iter().any(|provider| provider.enabled) {
            return Err(Error::invalid(
                "require_sso",
                "add and enable an identity provider first, or nobody but owners could sign in",
            ));
        }
        org.require_sso = required;
    }
    store::orgs::update(&mut tx, &org).await.map_err(|e| {
        if store::is_unique_violation(&e) {
            Error::Conflict("slug: another organization already uses it".into())
        } else {
            e.into()
        }
    })?;
    AuditEvent::by(p, "org.updated")
        .entity("org", &org.id, &org.name)
        .insert(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(view(org))
}

/// The orgs the signed-in user belongs to, for the org switcher.
pub async fn mine(s: &Services, p: &Principal) -> Result<Vec<Org>, Error> {
    let user_id = p.user_id()?;
    let mut conn = s.db.pool().acquire().await?;
    let mut out = Vec::new();
    for id in users::org_ids(&mut conn, user_id).await? {
        if let Some(org) = store::orgs::get(&mut conn, &id).await? {
            out.push(view(org));
        }
    }
    Ok(out)
}

/// An org the user may switch their session to: one they are a member of.
pub async fn switchable(s: &Services, p: &Principal, org_ref: &str) -> Result<Org, Error> {
    let user_id = p.user_id()?;
    let mut conn = s.db.pool().acquire().await?;
    let org = store::orgs::find(&mut conn, org_ref)
        .await?
        .ok_or(Error::NotFound)?;
    if !users::is_member(&mut conn, &org.id, user_id).await? {
        return Err(Error::NotFound);
    }
    Ok(view(org))
}

/// Creates an organization; its creator becomes its owner. Needs `org:create` where the
/// creator works now (owners have it).
pub async fn create(s: &Services, p: &Principal, input: NewOrg) -> Result<Org, Error> {
    let user_id = p.user_id()?.to_string();
    p.require(use_cases::ORG_CREATE.permission, &Scope::Org)?;
    let name = input.name.trim().to_string();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(Error::invalid("name", "must be 1 to 100 characters"));
    }
    let org = OrgRow {
        id: store::new_id(),
        slug: slug::validate("slug", &input.slug)?,
        name,
        max_token_lifetime_days: None,
        require_sso: false,
        audit_retention_days: 30,
    };
    let now = store::now_ms();
    let mut tx = s.db.begin().await?;
    store::orgs::insert(&mut tx, &org, now).await.map_err(|e| {
        if store::is_unique_violation(&e) {
            Error::Conflict("slug: another organization already uses it".into())
        } else {
            e.into()
        }
    })?;
    users::insert_membership(&mut tx, &org.id, &user_id, now).await?;
    grants::insert(
        &mut tx,
        &org.id,
        &user_id,
        BuiltinRole::Owner.id(),
        None,
        now,
    )
    .await?;
    AuditEvent::by(p, "org.created")
        .org(&org.id)
        .entity("org", &org.id, &org.name)
        .insert(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(view(org))
}
