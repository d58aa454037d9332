//! Signing in with a local account (email + password) and signing out, both audited.

use super::{password, Services};
use crate::authz::{Principal, RequestContext};
use crate::secret::Secret;
use crate::store::{audit::AuditEvent, users};
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
    let account = email::normalize(email_input);
    let ip = ctx.ip.as_deref().unwrap_or("unknown");
    s.signin_failures
        .check(ip, &account)
        .map_err(|retry_after_secs| Error::RateLimited { retry_after_secs })?;

    let mut conn = s.db.pool().acquire().await?;
    let credential = users::find_local_credential(&mut conn, &account).await?;
    let user_id = credential.as_ref().map(|(id, _)| id.clone());
    let password_ok = password::verify(credential.map(|(_, hash)| hash), password_input).await;

    let (user, org_id) = match &user_id {
        Some(id) => (
            users::get(&mut conn, id).await?,
            users::org_ids(&mut conn, id).await?.into_iter().next(),
        ),
        None => (None, None),
    };
    let refusal = match (&user, &org_id) {
        (None, _) => Some("unknown_account"),
        _ if !password_ok => Some("bad_password"),
        (Some(u), _) if u.disabled_at.is_some() => Some("account_disabled"),
        (_, None) => Some("no_membership"),
        _ => None,
    };
    drop(conn);

    match (refusal, user, org_id) {
        (None, Some(user), Some(org_id)) => {
            s.signin_failures.record_success(&account);
            let mut tx = s.db.pool().begin().await?;
            AuditEvent::anonymous("signin.succeeded", ctx.clone())
                .actor_user(&user.id, &user.email)
                .org(&org_id)
                .entity("user", &user.id, &user.email)
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
            s.signin_failures.record_failure(ip, &account);
            let mut event = AuditEvent::anonymous("signin.failed", ctx.clone())
                .failed(reason.unwrap_or("refused"));
            // Only a known account is named: an unknown "email" may be a mistyped password.
            if let Some(user) = &user {
                event = event.entity("user", &user.id, &user.email);
            }
            if let Some(org_id) = &org_id {
                event = event.org(org_id);
            }
            let mut tx = s.db.pool().begin().await?;
            event.insert(&mut tx).await?;
            tx.commit().await?;
            Err(Error::Unauthorized)
        }
    }
}

/// Records a sign-out. The caller deletes the session itself.
pub async fn sign_out(s: &Services, principal: &Principal) -> Result<(), Error> {
    let user_id = principal.user_id()?.to_string();
    let label = match &principal.identity {
        crate::authz::Identity::User { email, .. } => email.clone(),
        crate::authz::Identity::Anonymous | crate::authz::Identity::Token { .. } => String::new(),
    };
    let mut tx = s.db.pool().begin().await?;
    AuditEvent::by(principal, "signout.succeeded")
        .entity("user", &user_id, &label)
        .insert(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(())
}
