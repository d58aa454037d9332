//! Organization settings: its name and slug.

use super::{scope, Services};
use crate::authz::{Action, Permission, Principal, Resource, Scope};
use crate::model::{Org, OrgChanges};
use crate::store::{self, audit::AuditEvent, orgs::OrgRow};
use crate::{slug, Error};

fn view(o: OrgRow) -> Org {
    Org {
        id: o.id,
        slug: o.slug,
        name: o.name,
    }
}

pub async fn get(s: &Services, p: &Principal, org_ref: &str) -> Result<Org, Error> {
    let mut conn = s.db.pool().acquire().await?;
    let org = scope::org(&mut conn, p, org_ref).await?;
    p.require(Permission::new(Resource::Org, Action::Read), &Scope::Org)?;
    Ok(view(org))
}

pub async fn update(
    s: &Services,
    p: &Principal,
    org_ref: &str,
    changes: OrgChanges,
) -> Result<Org, Error> {
    let mut tx = s.db.pool().begin().await?;
    let mut org = scope::org(&mut tx, p, org_ref).await?;
    p.require(Permission::new(Resource::Org, Action::Update), &Scope::Org)?;
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
