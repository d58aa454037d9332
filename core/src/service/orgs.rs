//! Organization settings: its name, slug, token lifetime, sign-in, retention and decision
//! logging policies.

use super::Services;
use crate::authz::{BuiltinRole, Principal};
use crate::model::{AuditAction, EntityType};
use crate::model::{NewOrg, Org, OrgChanges, PendingRetention};
use crate::store::{self, audit::AuditEvent, grants, orgs::OrgRow, users};
use crate::use_cases::{ORG_CREATE, ORG_READ, ORG_UPDATE, SSO_UPDATE};
use crate::{slug, Error};

/// The longest lifetime policy an org may set (ten years).
pub const MAX_TOKEN_LIFETIME_DAYS: u32 = 3650;
/// The longest an org may keep its audit events (ten years).
pub const MAX_AUDIT_RETENTION_DAYS: u32 = 3650;
/// How long a lowered audit retention waits before it takes effect: a week in which the
/// other owners, and anyone reading the log, see it coming.
pub const RETENTION_LOWERING_DELAY_MS: i64 = 7 * 24 * 3600 * 1000;

fn view(o: OrgRow) -> Org {
    let now = store::now_ms();
    let retention = o.retention_days_at(now);
    Org {
        id: o.id,
        slug: o.slug,
        name: o.name,
        max_token_lifetime_days: o
            .max_token_lifetime_days
            .and_then(|d| u32::try_from(d).ok()),
        require_sso: o.require_sso,
        audit_retention_days: u32::try_from(retention).unwrap_or(30),
        audit_retention_pending: o.audit_retention_pending.filter(|(_, at)| *at > now).map(
            |(days, at)| PendingRetention {
                days: u32::try_from(days).unwrap_or(30),
                effective_at: at,
            },
        ),
        log_denied_decisions: o.log_denied_decisions,
        script_idle_days: o.script_idle_days.and_then(|d| u32::try_from(d).ok()),
        script_max_days: o.script_max_days.and_then(|d| u32::try_from(d).ok()),
    }
}

pub async fn get(s: &Services, p: &Principal, org_ref: &str) -> Result<Org, Error> {
    let cx = ORG_READ.read(s, p, org_ref, None).await?;
    Ok(view(cx.org))
}

pub async fn update(
    s: &Services,
    p: &Principal,
    org_ref: &str,
    changes: OrgChanges,
) -> Result<Org, Error> {
    let mut cx = ORG_UPDATE.begin(s, p, org_ref, None).await?;
    let before = view(cx.org.clone());
    let mut org = cx.org.clone();
    if let Some(slug) = &changes.slug {
        org.slug = slug::validate("slug", slug)?;
    }
    if let Some(name) = &changes.name {
        org.name = crate::text::name("name", name, 100)?;
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
    let mut retention_change = None;
    if let Some(days) = changes.audit_retention_days {
        let min = s.audit_min_retention_days;
        if !(min..=MAX_AUDIT_RETENTION_DAYS).contains(&days) {
            return Err(Error::invalid(
                "audit_retention_days",
                format!("must be {min} to {MAX_AUDIT_RETENTION_DAYS} days (this instance keeps at least {min})"),
            ));
        }
        let now = store::now_ms();
        let old = org.retention_days_at(now);
        let days = i64::from(days);
        if days >= old {
            // Keeping more is never a risk: at once, and it cancels a pending lowering.
            org.audit_retention_days = days;
            org.audit_retention_pending = None;
        } else {
            // Shortening the log is how a quiet intruder would cover tracks: only an owner,
            // and only after a week in which it is visible.
            let user_id = p.user_id().map_err(|_| Error::Forbidden)?;
            if p.via_token.is_some()
                || !super::signin::is_owner(&mut cx.db, &org.id, user_id).await?
            {
                return Err(Error::Forbidden);
            }
            org.audit_retention_days = old;
            org.audit_retention_pending = Some((days, now + RETENTION_LOWERING_DELAY_MS));
        }
        retention_change = Some((old, days, org.audit_retention_pending.map(|(_, at)| at)));
    }
    if let Some(required) = changes.require_sso {
        cx = cx.also(&SSO_UPDATE).await?;
        let providers = store::identity_providers::list(&mut cx.db, &org.id).await?;
        if required && !providers.iter().any(|provider| provider.enabled) {
            return Err(Error::invalid(
                "require_sso",
                "add and enable an identity provider first, or nobody but owners could sign in",
            ));
        }
        org.require_sso = required;
    }
    if let Some(on) = changes.log_denied_decisions {
        org.log_denied_decisions = on;
    }
    if let Some(days) = changes.script_idle_days {
        org.script_idle_days = script_days("script_idle_days", days, MAX_SCRIPT_IDLE_DAYS)?;
    }
    if let Some(days) = changes.script_max_days {
        org.script_max_days = script_days("script_max_days", days, MAX_SCRIPT_DAYS)?;
    }
    let (idle, max) = super::scripts::lifetimes_days(&org);
    if idle > max {
        return Err(Error::invalid(
            "script_idle_days",
            format!("must not be longer than the grant's whole life ({max} days)"),
        ));
    }
    store::orgs::update(&mut cx.db, &org).await.map_err(|e| {
        if store::is_unique_violation(&e) {
            Error::Conflict("slug: another organization already uses it".into())
        } else {
            e.into()
        }
    })?;
    let mut event = cx
        .event(AuditAction::OrgUpdated)
        .entity(EntityType::Org, &org.id, &org.name);
    let mut changed = store::audit::changes(&before, &view(org.clone()));
    if let Some((old, new, effective_at)) = retention_change {
        // What was asked, even while the lowering waits out its week.
        changed.insert(
            "audit_retention_days".into(),
            serde_json::json!({"old": old, "new": new, "effective_at": effective_at}),
        );
    }
    event = event.snapshot(changed.into());
    event.insert(&mut cx.db).await?;
    cx.commit().await?;
    Ok(view(org))
}

/// The orgs the signed-in user belongs to, for the org switcher.
pub async fn mine(s: &Services, p: &Principal) -> Result<Vec<Org>, Error> {
    let user_id = p.user_id()?;
    let mut conn = s.db.pool().acquire().await?;
    of_user(&mut conn, user_id).await
}

/// The orgs `user_id` belongs to, on a connection the caller already holds.
pub(crate) async fn of_user(
    conn: &mut sqlx::AnyConnection,
    user_id: &str,
) -> Result<Vec<Org>, Error> {
    let mut out = Vec::new();
    for id in users::org_ids(&mut *conn, user_id).await? {
        if let Some(org) = store::orgs::get(&mut *conn, &id).await? {
            out.push(view(org));
        }
    }
    Ok(out)
}

/// An org the user may switch their session to: one they are a member of.
/// What an org switch comes to.
#[derive(Debug)]
pub enum Switch {
    /// The session may work in the org now.
    Entered(Org),
    /// The org requires single sign-on and this session did not come through one of its
    /// providers (and the user is not an owner): sign in through the org's IdP first.
    NeedsSignIn(Org),
}

/// Moving the console to another org the user belongs to. The target org's sign-in policy
/// applies as if the user signed in there: with `require_sso`, the session must have been
/// opened through one of that org's providers (`session_provider`), unless they own it.
/// Both outcomes are audit events (`org.switched`) in the target org.
pub async fn switch(
    s: &Services,
    p: &Principal,
    org_ref: &str,
    session_provider: Option<&str>,
) -> Result<Switch, Error> {
    let user_id = p.user_id()?;
    let mut tx = s.db.begin().await?;
    let org = store::orgs::find(&mut tx, org_ref)
        .await?
        .ok_or(Error::NotFound)?;
    if !users::is_member(&mut tx, &org.id, user_id).await? {
        return Err(Error::NotFound);
    }
    let through_its_idp = match session_provider {
        Some(id) => store::identity_providers::get(&mut tx, id)
            .await?
            .is_some_and(|provider| provider.org_id == org.id && provider.enabled),
        None => false,
    };
    let allowed = !org.require_sso
        || through_its_idp
        || super::signin::is_owner(&mut tx, &org.id, user_id).await?;
    let mut event = AuditEvent::by(p, AuditAction::OrgSwitched)
        .org(&org.id)
        .entity(EntityType::Org, &org.id, &org.name);
    if !allowed {
        event = event.failed("sso_required");
    }
    event.insert(&mut tx).await?;
    tx.commit().await?;
    Ok(if allowed {
        Switch::Entered(view(org))
    } else {
        Switch::NeedsSignIn(view(org))
    })
}

/// Creates an organization; its creator becomes its owner. Needs `org:create` where the
/// creator works now (owners have it).
pub async fn create(s: &Services, p: &Principal, input: NewOrg) -> Result<Org, Error> {
    let user_id = p.user_id()?.to_string();
    // Checked in the org the creator works in now.
    let here = p.org_id.as_deref().ok_or(Error::Unauthorized)?;
    let mut cx = ORG_CREATE.begin(s, p, here, None).await?;
    let name = crate::text::name("name", &input.name, 100)?;
    let org = OrgRow {
        id: store::new_id(),
        slug: slug::validate("slug", &input.slug)?,
        name,
        max_token_lifetime_days: None,
        require_sso: false,
        audit_retention_days: i64::from(s.audit_min_retention_days.max(30)),
        audit_retention_pending: None,
        log_denied_decisions: false,
        script_idle_days: None,
        script_max_days: None,
    };
    let now = store::now_ms();
    store::orgs::insert(&mut cx.db, &org, now)
        .await
        .map_err(|e| {
            if store::is_unique_violation(&e) {
                Error::Conflict("slug: another organization already uses it".into())
            } else {
                e.into()
            }
        })?;
    users::insert_membership(&mut cx.db, &org.id, &user_id, now).await?;
    grants::insert(
        &mut cx.db,
        &org.id,
        &user_id,
        BuiltinRole::Owner.id(),
        None,
        now,
    )
    .await?;
    cx.event(AuditAction::OrgCreated)
        .org(&org.id)
        .entity(EntityType::Org, &org.id, &org.name)
        .insert(&mut cx.db)
        .await?;
    cx.commit().await?;
    Ok(view(org))
}

/// The longest a script grant may live unused, and at all (days).
const MAX_SCRIPT_IDLE_DAYS: u32 = 365;
const MAX_SCRIPT_DAYS: u32 = 3650;

/// A script lifetime as asked: `null` for the default, or 1 to `max` days.
fn script_days(field: &'static str, days: Option<u32>, max: u32) -> Result<Option<i64>, Error> {
    match days {
        Some(d) if !(1..=max).contains(&d) => Err(Error::invalid(
            field,
            format!("must be 1 to {max} days, or null for the default"),
        )),
        other => Ok(other.map(i64::from)),
    }
}
