//! Signing in through an org's identity provider: choosing the provider (by email domain, org
//! or id), the way out to the IdP, and the way back — every check, then the account found by
//! its IdP identity (never by email), provisioned on first sign-in and its mapped grants
//! re-synced from groups on every sign-in, all in one transaction with its audit events.

use super::signin::{SignedIn, SsoSignIn};
use super::{members::role_permissions, sso_providers::provider_ref, Services};
use crate::authz::RequestContext;
use crate::model::{AuditAction, EntityType, SigninRefusal};
use crate::model::{ProviderKind, SignInOption, SignInRoute};
use crate::oidc::{Groups, Identity};
use crate::secret::Secret;
use crate::store::identity_providers::{self as providers, ProviderRow};
use crate::store::{self, audit::AuditEvent, domains, grants, identities, orgs, teams, users};
use crate::Error;
use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;
use std::collections::BTreeSet;
use subtle::ConstantTimeEq;

/// Sign-ins started but not finished that one browser may hold (several tabs).
pub const MAX_PENDING: usize = 4;
/// How long the IdP may take to send the user back.
const PENDING_FOR_MS: i64 = 10 * 60 * 1000;

/// What a browser keeps, server-side in its session, between leaving for the IdP and coming
/// back: it binds state, nonce and the PKCE verifier to that browser.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PendingSignIn {
    pub state: Secret<String>,
    nonce: Secret<String>,
    pkce_verifier: Secret<String>,
    pub provider_id: String,
    pub return_to: String,
    pub started_at: i64,
}

/// The sign-in form: an email, or an org (and optionally which of its providers).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StartRequest {
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub org: Option<String>,
    #[serde(default)]
    pub provider: Option<String>,
    #[serde(default)]
    pub return_to: Option<String>,
}

/// What the IdP sends back to the callback.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Callback {
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub iss: Option<String>,
    #[serde(default)]
    pub error: Option<String>,
}

/// A same-origin path to go to after signing in, or None: no scheme, no `//host`, no
/// backslash (browsers read `/\host` as `//host`), nothing a browser would leave the site for.
pub fn safe_return_to(raw: &str) -> Option<String> {
    let ok = raw.starts_with('/')
        && !raw.starts_with("//")
        && raw.len() <= 1000
        && !raw.contains('\\')
        && !raw.chars().any(|c| c.is_control() || c.is_whitespace());
    ok.then(|| raw.to_string())
}

fn domain_of(email: &str) -> Option<String> {
    email
        .trim()
        .rsplit_once('@')
        .map(|(_, d)| d.to_lowercase())
        .filter(|d| !d.is_empty())
}

async fn choose(conn: &mut AnyConnection, req: &StartRequest) -> Result<ProviderRow, Error> {
    let mut enabled = providers::all_enabled(conn).await?;
    if let Some(org_ref) = req.org.as_deref().map(str::trim).filter(|o| !o.is_empty()) {
        let org = orgs::find(conn, org_ref).await?;
        enabled.retain(|p| org.as_ref().is_some_and(|o| o.id == p.org_id));
        if let Some(id) = req.provider.as_deref() {
            enabled.retain(|p| p.id == id);
        }
        return enabled.into_iter().next().ok_or_else(|| {
            Error::invalid("org", "this organization has no single sign-on set up")
        });
    }
    let email = req.email.as_deref().unwrap_or("");
    let domain =
        domain_of(email).ok_or_else(|| Error::invalid("email", "enter your work email"))?;
    let not_set_up =
        || Error::invalid("email", format!("no single sign-on is set up for {domain}"));
    // Only the org that proved it owns the domain receives its sign-ins: anyone can type a
    // domain into a provider's allowed list, nobody else can publish its DNS record.
    let org_id = domains::verified_org(conn, &domain)
        .await?
        .ok_or_else(not_set_up)?;
    enabled.retain(|p| p.org_id == org_id);
    let preferred = enabled
        .iter()
        .position(|p| p.allowed_domains.contains(&domain))
        .unwrap_or(0);
    if enabled.is_empty() {
        return Err(not_set_up());
    }
    Ok(enabled.swap_remove(preferred))
}

/// Picks the provider and prepares the trip to the IdP: the URL to send the browser to, and
/// what its session must keep until it comes back.
pub async fn start(
    s: &Services,
    ctx: &RequestContext,
    req: StartRequest,
) -> Result<(String, PendingSignIn), Error> {
    let ip = ctx.ip.as_deref().unwrap_or("unknown");
    if let Some(email) = &req.email {
        crate::email::check_length("email", email)?;
    }
    s.limits
        .sso_starts
        .attempt(ip, "")
        .map_err(|retry_after_secs| Error::RateLimited { retry_after_secs })?;
    let provider = {
        let mut conn = s.db.pool().acquire().await?;
        choose(&mut conn, &req).await?
    };
    let return_to = req
        .return_to
        .as_deref()
        .and_then(safe_return_to)
        .unwrap_or_else(|| "/".into());
    let hint = req
        .email
        .as_deref()
        .map(str::trim)
        .filter(|e| e.contains('@'));
    let auth = s
        .oidc
        .authorization(&provider_ref(&provider), &s.sso_redirect_uri, hint)
        .await
        .map_err(|problem| {
            tracing::warn!(provider = %provider.id, %problem, "cannot start single sign-on");
            Error::invalid(
                "provider",
                format!("the identity provider cannot be reached: {problem}"),
            )
        })?;
    Ok((
        auth.url,
        PendingSignIn {
            state: auth.state,
            nonce: auth.nonce,
            pkce_verifier: auth.pkce_verifier,
            provider_id: provider.id,
            return_to,
            started_at: store::now_ms(),
        },
    ))
}

/// The sign-in page's second step for `email`: the provider `start` would pick for it (so the
/// button leads where the SSO form would), and whether its org requires single sign-on.
pub async fn route_for(s: &Services, email: &str) -> Result<SignInRoute, Error> {
    crate::email::check_length("email", email)?;
    let mut conn = s.db.pool().acquire().await?;
    let request = StartRequest {
        email: Some(email.to_string()),
        ..Default::default()
    };
    let provider = match choose(&mut conn, &request).await {
        Ok(provider) => provider,
        Err(Error::InvalidInput { .. }) => return Ok(SignInRoute::default()),
        Err(e) => return Err(e),
    };
    let Some(org) = orgs::get(&mut conn, &provider.org_id).await? else {
        return Ok(SignInRoute::default());
    };
    Ok(SignInRoute {
        sso_required: org.require_sso,
        sso: Some(SignInOption {
            org_slug: org.slug,
            org_name: org.name,
            provider_id: provider.id,
            label: provider.name,
        }),
    })
}

/// The providers an org offers on its sign-in page (`/login?org=…`): names only.
pub async fn options(s: &Services, org_ref: &str) -> Result<Vec<SignInOption>, Error> {
    let mut conn = s.db.pool().acquire().await?;
    let Some(org) = orgs::find(&mut conn, org_ref).await? else {
        return Ok(Vec::new());
    };
    Ok(providers::list(&mut conn, &org.id)
        .await?
        .into_iter()
        .filter(|p| p.enabled)
        .map(|p| SignInOption {
            org_slug: org.slug.clone(),
            org_name: org.name.clone(),
            provider_id: p.id,
            label: p.name,
        })
        .collect())
}

/// Where to send a browser signing out of a session that came through `provider_id`: the
/// IdP's end-session endpoint (RP-initiated logout), which sends it back to the sign-in page.
/// None when the provider is gone, disabled, or offers no such endpoint.
pub async fn sign_out_url(
    s: &Services,
    provider_id: &str,
    id_token: &Secret<String>,
) -> Option<String> {
    let provider = {
        let mut conn = s.db.pool().acquire().await.ok()?;
        providers::get(&mut conn, provider_id).await.ok()??
    };
    if !provider.enabled {
        return None;
    }
    let discovered = s.oidc.discover(&provider_ref(&provider)).await.ok()?;
    let mut url = url::Url::parse(discovered.end_session_endpoint.as_deref()?).ok()?;
    let back = s
        .sso_redirect_uri
        .trim_end_matches("/sso/callback")
        .to_string()
        + "/login";
    url.query_pairs_mut()
        .append_pair("id_token_hint", id_token.expose())
        .append_pair("client_id", &provider.client_id)
        .append_pair("post_logout_redirect_uri", &back);
    Some(url.to_string())
}

/// Takes the pending sign-in the callback's state names out of the list (so it is used once).
pub fn take_pending(pending: &mut Vec<PendingSignIn>, state: &str) -> Option<PendingSignIn> {
    let i = pending
        .iter()
        .position(|p| bool::from(p.state.expose().as_bytes().ct_eq(state.as_bytes())))?;
    Some(pending.remove(i))
}

/// A refused sign-in: the stable reason written to the audit log and shown on the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refused(pub SigninRefusal);

/// The way back from the IdP. `pending` is the sign-in the state named (already removed from
/// the session). The outer error is Foxgate's own failure; the inner one a refusal, which is
/// audited with its reason.
pub async fn finish(
    s: &Services,
    ctx: &RequestContext,
    pending: Option<PendingSignIn>,
    cb: Callback,
) -> Result<Result<(SignedIn, String), Refused>, Error> {
    let Some(pending) = pending else {
        // Anyone can call the callback: one event per address a minute says it happened.
        let address = super::limiter::address_bucket(ctx.ip.as_deref().unwrap_or("unknown"));
        if !s
            .limits
            .anonymous_refusals
            .due(&format!("sso_callback:{address}"))
        {
            return Ok(Err(Refused(SigninRefusal::StateInvalid)));
        }
        return refusal(s, ctx, None, SigninRefusal::StateInvalid).await;
    };
    let provider = {
        let mut conn = s.db.pool().acquire().await?;
        providers::get(&mut conn, &pending.provider_id).await?
    };
    let Some(provider) = provider else {
        return refusal(s, ctx, None, SigninRefusal::ProviderDisabled).await;
    };
    let outcome = match verify(s, ctx, &pending, &provider, &cb).await? {
        Ok(identity) => provision(s, ctx, &provider, &identity).await?,
        Err(refused) => Err(refused),
    };
    match outcome {
        Ok(signed_in) => Ok(Ok((signed_in, pending.return_to))),
        Err(Refused(reason)) => refusal(s, ctx, Some(&provider), reason).await,
    }
}

async fn refusal<T>(
    s: &Services,
    ctx: &RequestContext,
    provider: Option<&ProviderRow>,
    reason: SigninRefusal,
) -> Result<Result<T, Refused>, Error> {
    let mut event =
        AuditEvent::anonymous(AuditAction::SigninFailed, ctx.clone()).failed(reason.as_str());
    if let Some(provider) = provider {
        event = event.org(&provider.org_id).entity(
            EntityType::SsoProvider,
            &provider.id,
            &provider.name,
        );
    }
    let mut tx = s.db.begin().await?;
    event.insert(&mut tx).await?;
    tx.commit().await?;
    Ok(Err(Refused(reason)))
}

/// Every check between the callback and a trusted identity.
async fn verify(
    s: &Services,
    ctx: &RequestContext,
    pending: &PendingSignIn,
    provider: &ProviderRow,
    cb: &Callback,
) -> Result<Result<Identity, Refused>, Error> {
    let refuse = |reason| Ok(Err(Refused(reason)));
    if !provider.enabled {
        return refuse(SigninRefusal::ProviderDisabled);
    }
    if store::now_ms() - pending.started_at > PENDING_FOR_MS {
        return refuse(SigninRefusal::StateExpired);
    }
    if cb.error.is_some() {
        return refuse(SigninRefusal::IdpRefused);
    }
    let Some(code) = cb.code.as_deref().filter(|c| !c.is_empty()) else {
        return refuse(SigninRefusal::CodeMissing);
    };
    let p = provider_ref(provider);
    if let Some(iss) = &cb.iss {
        let discovered = match s.oidc.discover(&p).await {
            Ok(d) => d,
            Err(problem) => return refuse(problem.reason()),
        };
        if !discovered.expected_issuer.accepts_response_iss(iss) {
            return refuse(SigninRefusal::WrongIssuer);
        }
    }
    let Some(secret) = provider
        .client_secret_sealed
        .as_deref()
        .and_then(|sealed| s.keyring.open(sealed).ok())
    else {
        tracing::error!(provider = %provider.id, "the client secret cannot be opened with this server's key");
        return refuse(SigninRefusal::ClientSecretUnreadable);
    };
    let identity = match s
        .oidc
        .complete(
            &p,
            &secret,
            &s.sso_redirect_uri,
            code,
            &pending.pkce_verifier,
            &pending.nonce,
        )
        .await
    {
        Ok(identity) => identity,
        Err(problem) => {
            tracing::info!(provider = %provider.id, request_id = ?ctx.request_id, %problem, "single sign-on refused");
            return refuse(problem.reason());
        }
    };
    if let (Some(iss), false) = (&cb.iss, cb.iss.as_deref() == Some(identity.issuer.as_str())) {
        tracing::info!(provider = %provider.id, %iss, "iss parameter differs from the token's issuer");
        return refuse(SigninRefusal::WrongIssuer);
    }
    if !provider.allowed_tenants.is_empty()
        && !identity
            .tenant_id
            .as_ref()
            .is_some_and(|t| provider.allowed_tenants.contains(&t.to_lowercase()))
    {
        return refuse(SigninRefusal::TenantNotAllowed);
    }
    if !provider.allowed_domains.is_empty() {
        let domain = match (provider.kind, &identity.email) {
            (ProviderKind::Google, _) => identity.hosted_domain.clone(),
            (_, None) => return refuse(SigninRefusal::EmailMissing),
            // Anyone can type any address into an IdP profile; only a confirmed one says
            // which domain the person belongs to.
            (_, Some(_)) if !identity.email_verified => {
                return refuse(SigninRefusal::EmailNotVerified)
            }
            (_, Some(email)) => domain_of(email),
        };
        if !domain.is_some_and(|d| provider.allowed_domains.contains(&d)) {
            return refuse(SigninRefusal::DomainNotAllowed);
        }
    }
    Ok(Ok(identity))
}

/// The (team, role) pairs the user's groups map to; rules naming a team or custom role that
/// no longer exists are skipped.
async fn mapped_grants(
    conn: &mut AnyConnection,
    provider: &ProviderRow,
    groups: &[String],
) -> Result<BTreeSet<(Option<String>, String)>, Error> {
    let matching: Vec<_> = provider
        .group_rules
        .iter()
        .filter(|r| groups.contains(&r.group))
        .collect();
    let named: Vec<String> = matching.iter().filter_map(|r| r.team_id.clone()).collect();
    let team_ids: Vec<String> = teams::with_ids(conn, &provider.org_id, &named)
        .await?
        .into_iter()
        .map(|t| t.id)
        .collect();
    let mut wanted = BTreeSet::new();
    for rule in matching {
        let team_ok = rule.team_id.as_ref().is_none_or(|t| team_ids.contains(t));
        if team_ok
            && role_permissions(conn, &provider.org_id, &rule.role_id)
                .await
                .is_ok()
        {
            wanted.insert((rule.team_id.clone(), rule.role_id.clone()));
        }
    }
    Ok(wanted)
}

/// Finds or creates the account, its membership and grants, in one transaction with the
/// audit events. Refusals leave nothing behind (the transaction is dropped).
async fn provision(
    s: &Services,
    ctx: &RequestContext,
    provider: &ProviderRow,
    identity: &Identity,
) -> Result<Result<SignedIn, Refused>, Error> {
    let org_id = provider.org_id.as_str();
    let by_provider = |action| {
        AuditEvent::anonymous(action, ctx.clone())
            .actor_provider(&provider.id, &provider.name)
            .org(org_id)
    };
    let (issuer_key, subject) = identity.account_key();
    let now = store::now_ms();
    let mut tx = s.db.begin().await?;
    let existing = match identities::find_user(&mut tx, &issuer_key, &subject).await? {
        Some(id) => users::get(&mut tx, &id).await?,
        None => None,
    };
    if existing.as_ref().is_some_and(|u| u.disabled_at.is_some()) {
        return Ok(Err(Refused(SigninRefusal::AccountDisabled)));
    }
    let is_member = match &existing {
        Some(u) => users::is_member(&mut tx, org_id, &u.id).await?,
        None => false,
    };
    let groups: &[String] = match &identity.groups {
        Groups::Listed(g) => g,
        Groups::Overage | Groups::NotSent => &[],
    };
    let wanted = mapped_grants(&mut tx, provider, groups).await?;
    if !is_member && wanted.is_empty() && provider.default_role_id.is_none() {
        return Ok(Err(Refused(SigninRefusal::NoAccess)));
    }
    let user = match existing {
        Some(user) => {
            identities::touch(&mut tx, &issuer_key, &subject, now).await?;
            user
        }
        None => {
            let Some(email) = identity.email.clone() else {
                return Ok(Err(Refused(SigninRefusal::EmailMissing)));
            };
            if users::email_in_use(&mut tx, &email).await? {
                // Someone else's account has this email: an IdP saying so proves nothing.
                return Ok(Err(Refused(SigninRefusal::EmailBelongsToOtherAccount)));
            }
            let user = users::UserRow {
                id: store::new_id(),
                display_name: identity.name.clone().unwrap_or_else(|| email.clone()),
                email,
                disabled_at: None,
            };
            users::insert(&mut tx, &user, now).await?;
            identities::insert(&mut tx, &issuer_key, &subject, &user.id, &provider.id, now).await?;
            by_provider(AuditAction::SsoUserProvisioned)
                .entity(EntityType::User, &user.id, &user.email)
                .insert(&mut tx)
                .await?;
            user
        }
    };
    if !is_member {
        users::insert_membership(&mut tx, org_id, &user.id, now).await?;
        by_provider(AuditAction::MemberAdded)
            .entity(EntityType::User, &user.id, &user.email)
            .insert(&mut tx)
            .await?;
        if let Some(role) = &provider.default_role_id {
            let id = grants::insert(&mut tx, org_id, &user.id, role, None, now).await?;
            by_provider(AuditAction::GrantCreated)
                .entity(EntityType::Grant, &id, role)
                .insert(&mut tx)
                .await?;
        }
    }
    if identity.groups == Groups::Overage {
        by_provider(AuditAction::SsoGroupsOverage)
            .entity(EntityType::User, &user.id, &user.email)
            .failed("groups_overage")
            .insert(&mut tx)
            .await?;
    }
    sync_grants(&mut tx, provider, &user, &wanted, &by_provider).await?;
    users::record_signin(&mut tx, org_id, &user.id, store::now_ms()).await?;
    AuditEvent::anonymous(AuditAction::SigninSucceeded, ctx.clone())
        .actor_user(&user.id, &user.email)
        .org(org_id)
        .entity(EntityType::User, &user.id, &user.email)
        .insert(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(Ok(SignedIn {
        user_id: user.id,
        org_id: org_id.to_string(),
        sso: Some(SsoSignIn {
            provider_id: provider.id.clone(),
            provider_name: provider.name.clone(),
            id_token: identity.id_token.clone(),
        }),
    }))
}

/// Replaces the grants this provider's mapping gave the user with `wanted`, one audit event
/// per grant added or removed; grants given by hand are not touched.
async fn sync_grants(
    tx: &mut crate::store::WriteTx,
    provider: &ProviderRow,
    user: &users::UserRow,
    wanted: &BTreeSet<(Option<String>, String)>,
    by_provider: &impl Fn(AuditAction) -> AuditEvent,
) -> Result<(), Error> {
    let held = grants::mapped(tx, &provider.org_id, &user.id, &provider.id).await?;
    let now = store::now_ms();
    for (id, role, team) in &held {
        if !wanted.contains(&(team.clone(), role.clone())) {
            grants::delete(tx, id).await?;
            let mut event = by_provider(AuditAction::GrantRevoked)
                .entity(EntityType::Grant, id, role)
                .snapshot(serde_json::json!({"id": id, "user_id": user.id, "role": role, "team_id": team, "source": "group_sync"}));
            if let Some(team) = team {
                event = event.team(team);
            }
            event.insert(tx).await?;
        }
    }
    for (team, role) in wanted {
        if !held.iter().any(|(_, r, t)| r == role && t == team) {
            let id = grants::insert_mapped(
                tx,
                &provider.org_id,
                &user.id,
                role,
                team.as_deref(),
                &provider.id,
                now,
            )
            .await?;
            let mut event =
                by_provider(AuditAction::GrantCreated).entity(EntityType::Grant, &id, role);
            if let Some(team) = team {
                event = event.team(team);
            }
            event.insert(tx).await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn return_to_accepts_only_same_origin_paths() {
        assert_eq!(
            safe_return_to("/teams/alpha?x=1").as_deref(),
            Some("/teams/alpha?x=1")
        );
        for bad in [
            "https://evil.example/",
            "//evil.example/",
            "/\\evil.example",
            "\\\\evil.example",
            "javascript:alert(1)",
            "/ok\n//evil",
            "evil.example",
            "",
        ] {
            assert_eq!(safe_return_to(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn pending_sign_ins_are_taken_once_by_state() {
        let pending = |state: &str| PendingSignIn {
            state: Secret::new(state.into()),
            nonce: Secret::new("n".into()),
            pkce_verifier: Secret::new("v".into()),
            provider_id: "p".into(),
            return_to: "/".into(),
            started_at: 0,
        };
        let mut list = vec![pending("a"), pending("b")];
        assert!(take_pending(&mut list, "b").is_some());
        assert!(take_pending(&mut list, "b").is_none(), "single use");
        assert!(take_pending(&mut list, "zz").is_none());
        assert_eq!(list.len(), 1);
    }
}
