//! First-run setup: creating the first organization and its owner, exactly once.

use super::{password, Services};
use crate::authz::{BuiltinRole, RequestContext};
use crate::model::{AuditAction, EntityType};
use crate::model::{SetupDone, SetupInput};
use crate::secret::Secret;
use crate::store::{self, audit::AuditEvent, grants, orgs, users};
use crate::{email, slug, Error};
use rand::Rng;
use std::sync::atomic::Ordering;
use subtle::ConstantTimeEq;

/// What authorizes a setup: the code from the server log (web), or local access to the
/// database (`foxgate bootstrap`).
#[derive(Debug, Clone, Copy)]
pub enum SetupProof<'a> {
    Code(&'a str),
    LocalOperator,
}

pub async fn is_done(s: &Services) -> Result<bool, Error> {
    if s.setup_done.load(Ordering::Relaxed) {
        return Ok(true);
    }
    let mut conn = s.db.pool().acquire().await?;
    let done = orgs::is_setup(&mut conn).await?;
    s.setup_done.store(done, Ordering::Relaxed);
    Ok(done)
}

/// When the instance is not set up yet, makes a fresh one-time setup code and returns it,
/// for the server to print to its log; None when setup already happened.
pub async fn issue_code(s: &Services) -> Result<Option<Secret<String>>, Error> {
    if is_done(s).await? {
        return Ok(None);
    }
    let code = Secret::new(generate_code());
    *s.setup_code.lock().unwrap_or_else(|e| e.into_inner()) = Some(code.clone());
    Ok(Some(code))
}

/// 15 characters of an unambiguous alphabet (≈ 75 bits), grouped for reading off a log.
fn generate_code() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rngs::OsRng;
    let chars: Vec<char> = (0..15)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect();
    chars
        .chunks(5)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

fn code_matches(s: &Services, given: &str) -> bool {
    let expected = s
        .setup_code
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    let given = given.trim().to_ascii_uppercase();
    expected.is_some_and(|e| bool::from(e.expose().as_bytes().ct_eq(given.as_bytes())))
}

/// Setup through the web (form or API): authorized by the input's setup code.
pub async fn complete_with_code(
    s: &Services,
    ctx: &RequestContext,
    mut input: SetupInput,
) -> Result<SetupDone, Error> {
    let code = input.setup_code.take().unwrap_or_default();
    complete(s, ctx, SetupProof::Code(code.expose()), input).await
}

/// Creates the first org, its owner (a local account) and the owner grant, with the audit
/// event, in one transaction. Answers `conflict` once the instance is set up.
pub async fn complete(
    s: &Services,
    ctx: &RequestContext,
    proof: SetupProof<'_>,
    input: SetupInput,
) -> Result<SetupDone, Error> {
    if is_done(s).await? {
        return Err(Error::Conflict("Foxgate is already set up".into()));
    }
    if let SetupProof::Code(code) = proof {
        let ip = ctx.ip.as_deref().unwrap_or("unknown");
        s.limits
            .signin_failures
            .attempt(ip, "setup")
            .map_err(|retry_after_secs| Error::RateLimited { retry_after_secs })?;
        if code_matches(s, code) {
            s.limits.signin_failures.succeeded(ip, "setup");
        } else {
            return Err(Error::invalid(
                "setup_code",
                "does not match the code printed in the server log",
            ));
        }
    }
    let org_name = crate::text::name("org_name", &input.org_name, 100)?;
    let org_slug = slug::validate("org_slug", &input.org_slug)?;
    let owner_email = email::validate("email", &input.email)?;
    let display_name = match input.display_name.as_deref().map(str::trim) {
        Some(name) if !name.is_empty() => crate::text::name("display_name", name, 100)?,
        _ => owner_email
            .split('@')
            .next()
            .unwrap_or_default()
            .to_string(),
    };
    password::validate(&input.password)?;
    let password_hash = password::hash(&input.password).await?;

    let now = store::now_ms();
    let org = orgs::OrgRow {
        id: store::new_id(),
        slug: org_slug,
        name: org_name,
        max_token_lifetime_days: None,
        require_sso: false,
        audit_retention_days: i64::from(s.audit_min_retention_days.max(30)),
        audit_retention_pending: None,
        log_denied_decisions: false,
        script_idle_days: None,
        script_max_days: None,
    };
    let user = users::UserRow {
        id: store::new_id(),
        email: owner_email,
        display_name,
        disabled_at: None,
    };
    let mut tx = s.db.begin().await?;
    orgs::mark_setup(&mut tx, now).await.map_err(|e| {
        if store::is_unique_violation(&e) {
            Error::Conflict("Foxgate is already set up".into())
        } else {
            e.into()
        }
    })?;
    orgs::insert(&mut tx, &org, now).await?;
    users::insert(&mut tx, &user, now).await?;
    users::insert_local_credential(&mut tx, &user.id, &user.email, &password_hash, now).await?;
    users::insert_membership(&mut tx, &org.id, &user.id, now).await?;
    grants::insert(
        &mut tx,
        &org.id,
        &user.id,
        BuiltinRole::Owner.id(),
        None,
        now,
    )
    .await?;
    AuditEvent::anonymous(AuditAction::SetupCompleted, ctx.clone())
        .actor_user(&user.id, &user.email)
        .org(&org.id)
        .entity(EntityType::Org, &org.id, &org.name)
        .insert(&mut tx)
        .await?;
    tx.commit().await?;
    *s.setup_code.lock().unwrap_or_else(|e| e.into_inner()) = None;
    s.setup_done.store(true, Ordering::Relaxed);
    Ok(SetupDone {
        org_id: org.id,
        org_slug: org.slug,
        user_id: user.id,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn codes_are_grouped_and_unambiguous() {
        let code = super::generate_code();
        assert_eq!(code.len(), 17);
        assert_eq!(code.matches('-').count(), 2);
        assert!(!code.contains(['0', 'O', '1', 'I', 'L']));
        assert_ne!(code, super::generate_code());
    }
}
