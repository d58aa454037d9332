//! Signing in with a local account (email + password) and signing out, both audited.

use super::{password, Services};
use crate::authz::{BuiltinRole, Principal, RequestContext};
use crate::model::{AuditAction, EntityType, SigninRefusal};
use crate::secret::Secret;
use crate::store::{audit::AuditEvent, grants, orgs, users};
use crate::{email, Error};

/// A successful sign-in: the user, the org their session starts in, and how they signed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedIn {
    pub user_id: String,
    pub org_id: String,
    /// Through an IdP: which, and the ID token to hand back at sign-out (`id_token_hint`).
    pub sso: Option<SsoSignIn>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SsoSignIn {
    pub provider_id: String,
    pub provider_name: String,
    pub id_token: Secret<String>,
}

impl SignedIn {
    /// How the Sessions page names the way in.
    pub fn method(&self) -> String {
        match &self.sso {
            Some(sso) => sso.provider_name.clone(),
            None => "password".into(),
        }
    }
}

/// Checks an email and password. Every failure answers the same `unauthorized` (the
/// reason goes to the audit log only); repeated failures answer `rate_limited`.
pub async fn with_password(
    s: &Services,
    ctx: &RequestContext,
    email_input: &str,
    password_input: &Secret<String>,
) -> Result<SignedIn, Error> {
    email::check_length("email", email_input)?;
    password::check_length(password_input)?;
    let account = email::normalize(email_input);
    let ip = ctx.ip.as_deref().unwrap_or("unknown");
    s.limits
        .signin_failures
        .attempt(ip, &account)
        .map_err(|retry_after_secs| Error::RateLimited { retry_after_secs })?;

    let credential = {
        let mut conn = s.db.pool().acquire().await?;
        users::find_local_credential(&mut conn, &account).await?
    };
    let user_id = credential.as_ref().map(|(id, _)| id.clone());
    // No connection is held while the password is hashed: a burst of sign-ins must not
    // drain the pool that every other request needs.
    let password_ok = password::verify(credential.map(|(_, hash)| hash), password_input).await;
    let mut conn = s.db.pool().acquire().await?;

    let (user, (org_id, sso_only)) = match &user_id {
        Some(id) => (
            users::get(&mut conn, id).await?,
            password_org(&mut conn, id).await?,
        ),
        None => (None, (None, false)),
    };
    let refusal = match (&user, &org_id) {
        (None, _) => Some(SigninRefusal::UnknownAccount),
        _ if !password_ok => Some(SigninRefusal::BadPassword),
        (Some(u), _) if u.disabled_at.is_some() => Some(SigninRefusal::AccountDisabled),
        (_, None) if sso_only => Some(SigninRefusal::SsoRequired),
        (_, None) => Some(SigninRefusal::NoMembership),
        _ => None,
    };
    drop(conn);

    match (refusal, user, org_id) {
        (None, Some(user), Some(org_id)) => {
            s.limits.signin_failures.succeeded(ip, &account);
            let mut tx = s.db.begin().await?;
            users::record_signin(&mut tx, &org_id, &user.id, crate::store::now_ms()).await?;
            AuditEvent::anonymous(AuditAction::SigninSucceeded, ctx.clone())
                .actor_user(&user.id, &user.email)
                .org(&org_id)
                .entity(EntityType::User, &user.id, &user.email)
                .insert(&mut tx)
                .await?;
            tx.commit().await?;
            Ok(SignedIn {
                user_id: user.id,
                org_id,
                sso: None,
            })
        }
        (reason, user, org_id) => {
            let mut event = AuditEvent::anonymous(AuditAction::SigninFailed, ctx.clone())
                .failed(reason.map_or("refused", SigninRefusal::as_str));
            // Only a known account is named: an unknown "email" may be a mistyped password.
            if let Some(user) = &user {
                event = event.entity(EntityType::User, &user.id, &user.email);
            }
            if let Some(org_id) = &org_id {
                event = event.org(org_id);
            }
            let mut tx = s.db.begin().await?;
            event.insert(&mut tx).await?;
            tx.commit().await?;
            // The password was right: saying that SSO is required reveals nothing new.
            if reason == Some(SigninRefusal::SsoRequired) {
                return Err(Error::Forbidden);
            }
            Err(Error::Unauthorized)
        }
    }
}

/// The first org the user may enter with a password: one that does not require single
/// sign-on, or one they own (owners keep a way in when the IdP is down). The flag says the
/// user is a member somewhere, but only of orgs that require SSO.
async fn password_org(
    conn: &mut sqlx::AnyConnection,
    user_id: &str,
) -> Result<(Option<String>, bool), Error> {
    let org_ids = users::org_ids(conn, user_id).await?;
    for org_id in &org_ids {
        let requires_sso = orgs::get(conn, org_id)
            .await?
            .is_some_and(|o| o.require_sso);
        if !requires_sso {
            return Ok((Some(org_id.clone()), false));
        }
        if is_owner(conn, org_id, user_id).await? {
            return Ok((Some(org_id.clone()), false));
        }
    }
    Ok((None, !org_ids.is_empty()))
}

/// Whether the user holds Owner org-wide: owners keep their password way into an org that
/// requires single sign-on, for when the IdP is down.
pub(crate) async fn is_owner(
    conn: &mut sqlx::AnyConnection,
    org_id: &str,
    user_id: &str,
) -> Result<bool, Error> {
    let held = grants::of_member(conn, org_id, user_id).await?;
    Ok(held
        .iter()
        .any(|g| g.team_id.is_none() && g.builtin() == Some(BuiltinRole::Owner)))
}

/// Records a sign-out. The caller deletes the session itself.
pub async fn sign_out(s: &Services, principal: &Principal) -> Result<(), Error> {
    let user_id = principal.user_id()?.to_string();
    let label = match &principal.identity {
        crate::authz::Identity::User { email, .. } => email.clone(),
        crate::authz::Identity::Anonymous | crate::authz::Identity::Token { .. } => String::new(),
    };
    let mut tx = s.db.begin().await?;
    AuditEvent::by(principal, AuditAction::SignoutSucceeded)
        .entity(EntityType::User, &user_id, &label)
        .insert(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(())
}
