//! Scripts acting as a person (README, "Scripts acting as you"): the device authorization
//! grant (RFC 8628) that asks the person in the console, the short-lived signed access tokens
//! (JWT) and one-use refresh tokens (RFC 9700 rotation) it hands out, Foxgate accepting those
//! access tokens, and the grants people see and revoke.

use super::tokens::{parse_words, secret_hash};
use super::Services;
use crate::authz::{AuthKind, Principal, RequestContext};
use crate::jwt::{self, AccessClaims};
use crate::model::{AuditAction, DeviceRequestInfo, EntityType, ScriptGrantInfo};
use crate::secret::Secret;
use crate::service::signing::{ACCESS_TTL_SECS, LEEWAY_SECS};
use crate::store::audit::AuditEvent;
use crate::store::scripts::{
    self as rows, DeviceRequestRow, DeviceStatus, RefreshRow, ScriptGrantRow,
};
use crate::store::{self, roles, users, DAY_MS};
use crate::use_cases::{OWN_SESSIONS, PERSONAL_TOKENS};
use crate::Error;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::{Rng, RngCore};
use sha2::Digest;

/// How long a device request waits for its person (seconds).
pub const DEVICE_TTL_SECS: i64 = 600;
/// How often a script may poll (seconds); `slow_down` adds 5 each time it polls too fast.
pub const POLL_INTERVAL_SECS: i64 = 5;
/// Requests waiting at once, across the instance: strangers cannot fill the table.
const MAX_WAITING: i64 = 10_000;
/// A grant unused this long ends (days), unless its org chose otherwise.
pub const DEFAULT_IDLE_DAYS: i64 = 30;
/// A grant ends this long after approval however often it refreshes (days), by default.
pub const DEFAULT_MAX_DAYS: i64 = 90;
/// The user-code alphabet RFC 8628 §6.1 suggests: consonants only, no look-alikes.
const USER_CODE_ALPHABET: &[u8] = b"BCDFGHJKLMNPQRSTVWXZ";
const USER_CODE_LEN: usize = 8;
/// Spent refresh tokens remembered per grant to recognise a replay (the most recent ones: a
/// copy is replayed soon after it is stolen, or its thief refreshes first and the owner's
/// next refresh is the replay).
pub const SPENT_KEPT: i64 = 50;
/// Refresh tokens start with this, so a leaked one is recognisable.
const REFRESH_PREFIX: &str = "fgr_";

/// A refusal in OAuth's words (RFC 6749 §5.2, RFC 8628 §3.5).
#[derive(Debug)]
pub enum OAuthError {
    InvalidRequest(&'static str),
    InvalidGrant,
    InvalidScope,
    AuthorizationPending,
    SlowDown,
    AccessDenied,
    ExpiredToken,
    /// Too many requests from one address (seconds to wait), or waiting overall.
    RateLimited(u64),
    Internal(Error),
}

impl OAuthError {
    /// The `error` code of the answer.
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidRequest(_) => "invalid_request",
            Self::InvalidGrant => "invalid_grant",
            Self::InvalidScope => "invalid_scope",
            Self::AuthorizationPending => "authorization_pending",
            Self::SlowDown | Self::RateLimited(_) => "slow_down",
            Self::AccessDenied => "access_denied",
            Self::ExpiredToken => "expired_token",
            Self::Internal(_) => "server_error",
        }
    }
}

impl From<Error> for OAuthError {
    fn from(e: Error) -> Self {
        Self::Internal(e)
    }
}

impl From<sqlx::Error> for OAuthError {
    fn from(e: sqlx::Error) -> Self {
        Self::Internal(e.into())
    }
}

/// What the script receives when it starts (RFC 8628 §3.2).
pub struct DeviceAuthorization {
    pub device_code: Secret<String>,
    /// Shown to the person, `BCDF-GHJK`.
    pub user_code: String,
    pub expires_in: i64,
    pub interval: i64,
}

/// What a script receives for an approved request or a refresh (RFC 6749 §5.1).
pub struct Issued {
    pub access_token: String,
    pub refresh_token: Secret<String>,
    pub expires_in: i64,
    pub scope: String,
}

fn random_text(bytes: usize) -> String {
    let mut b = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut b);
    URL_SAFE_NO_PAD.encode(b)
}

fn new_user_code() -> String {
    let mut rng = rand::rngs::OsRng;
    (0..USER_CODE_LEN)
        .map(|_| USER_CODE_ALPHABET[rng.gen_range(0..USER_CODE_ALPHABET.len())] as char)
        .collect()
}

/// The code as people read it: two groups of four.
fn spaced(code: &str) -> String {
    format!("{}-{}", &code[..4], &code[4..])
}

/// The code a person typed, as stored: case, dashes and spaces do not matter.
pub fn normalise_user_code(typed: &str) -> Option<String> {
    let code: String = typed
        .chars()
        .filter(|c| !matches!(c, '-' | ' '))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (code.len() == USER_CODE_LEN && code.bytes().all(|b| USER_CODE_ALPHABET.contains(&b)))
        .then_some(code)
}

/// A script's name: what it calls itself, bounded and printable.
fn client_name(client_id: &str) -> Result<String, OAuthError> {
    crate::text::name("client_id", client_id, 100)
        .map_err(|_| OAuthError::InvalidRequest("client_id must be 1 to 100 printable characters"))
}

/// The words a script asked for, checked for shape only (the org is chosen later).
fn scope_words(scope: &str) -> Result<Vec<String>, OAuthError> {
    let words: Vec<String> = scope.split_whitespace().map(str::to_string).collect();
    let shaped = |w: &String| {
        (1..=120).contains(&w.len())
            && w.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b':' | b'_' | b'-' | b'.' | b'*'))
    };
    if scope.len() > 4000 || words.len() > 64 || !words.iter().all(shaped) {
        return Err(OAuthError::InvalidScope);
    }
    Ok(words)
}

/// RFC 8628 §3.1–3.2: a script asks to act as someone. Nothing is known about it yet but
/// its address, so requests are limited per address and overall.
pub async fn start(
    s: &Services,
    context: &RequestContext,
    client_id: &str,
    scope: &str,
) -> Result<DeviceAuthorization, OAuthError> {
    let client_id = client_name(client_id)?;
    let words = scope_words(scope)?;
    let ip = context.ip.clone().unwrap_or_else(|| "unknown".into());
    s.limits
        .device_starts
        .attempt(&ip, "")
        .map_err(OAuthError::RateLimited)?;
    let now = store::now_ms();
    let device_code = random_text(32);
    let mut tx = s.db.begin().await?;
    rows::purge_expired_requests(&mut tx, now).await?;
    if rows::count_requests(&mut tx).await? >= MAX_WAITING {
        tx.rollback().await?;
        return Err(OAuthError::RateLimited(POLL_INTERVAL_SECS as u64));
    }
    // A fresh code colliding with a waiting one is rare; try another.
    let mut user_code = new_user_code();
    while rows::request_by_user_code(&mut tx, &user_code)
        .await?
        .is_some()
    {
        user_code = new_user_code();
    }
    let row = DeviceRequestRow {
        id: store::new_id(),
        device_code_hash: secret_hash(s, &device_code),
        user_code: user_code.clone(),
        client_id,
        scope: words.join(" "),
        requested_ip: context.ip.clone(),
        created_at: now,
        expires_at: now + DEVICE_TTL_SECS * 1000,
        interval_secs: POLL_INTERVAL_SECS,
        last_polled_at: None,
        status: DeviceStatus::Pending,
        grant_id: None,
    };
    rows::insert_request(&mut tx, &row).await?;
    tx.commit().await?;
    Ok(DeviceAuthorization {
        device_code: Secret::new(device_code),
        user_code: spaced(&user_code),
        expires_in: DEVICE_TTL_SECS,
        interval: POLL_INTERVAL_SECS,
    })
}

/// Every permission word the person holds anywhere in their current org.
fn held_words(p: &Principal) -> Vec<String> {
    let mut set = p.grants.at(&crate::authz::Scope::Org);
    for (_, team_set) in p.grants.team_sets() {
        set = set.union(*team_set);
    }
    let mut words = set.to_words();
    for (app, _) in p.apps.entries() {
        let word = app.to_string();
        if !words.contains(&word) {
            words.push(word);
        }
    }
    words
}

/// A waiting request the signed-in person typed the code of; NotFound for an unknown,
/// expired or already answered code (one answer, so codes cannot be probed).
async fn waiting(
    s: &Services,
    conn: &mut sqlx::AnyConnection,
    p: &Principal,
    typed: &str,
) -> Result<DeviceRequestRow, Error> {
    let ip = p.context.ip.clone().unwrap_or_else(|| "unknown".into());
    let refused = || match s.limits.user_code_failures.fail(&ip, "") {
        Ok(()) => Error::NotFound,
        Err(retry_after_secs) => Error::RateLimited { retry_after_secs },
    };
    let Some(code) = normalise_user_code(typed) else {
        return Err(refused());
    };
    match rows::request_by_user_code(conn, &code).await? {
        Some(r) if r.status == DeviceStatus::Pending && r.expires_at > store::now_ms() => Ok(r),
        _ => Err(refused()),
    }
}

/// What the person is asked about a request (`/device`).
pub async fn describe(
    s: &Services,
    p: &Principal,
    typed: &str,
) -> Result<DeviceRequestInfo, Error> {
    let mut mine = PERSONAL_TOKENS.read_mine(s, p).await?;
    let request = waiting(s, &mut mine.db, p, typed).await?;
    let org_id = p.org_id.as_deref().ok_or(Error::Unauthorized)?;
    let org = store::orgs::get(&mut mine.db, org_id)
        .await?
        .ok_or(Error::NotFound)?;
    let held = held_words(p);
    let asked: Vec<String> = request
        .scope
        .split_whitespace()
        .map(str::to_string)
        .collect();
    let (offered, not_held) = if asked.is_empty() {
        (held, Vec::new())
    } else {
        asked.into_iter().partition(|w| held.contains(w))
    };
    Ok(DeviceRequestInfo {
        user_code: spaced(&request.user_code),
        client_id: request.client_id,
        requested_ip: request.requested_ip,
        created_at: request.created_at,
        expires_at: request.expires_at,
        org_name: org.name,
        offered,
        not_held,
    })
}

/// The person's answer. Approving needs a browser session (a script cannot approve
/// scripts) and at least one permission, each held by the person now.
pub async fn answer(
    s: &Services,
    p: &Principal,
    typed: &str,
    approve: bool,
    chosen: &[String],
) -> Result<(), Error> {
    if p.auth_kind != AuthKind::Session {
        return Err(Error::Forbidden);
    }
    let mut mine = PERSONAL_TOKENS.begin_mine(s, p).await?;
    let user_id = mine.user_id.to_string();
    let request = waiting(s, &mut mine.db, p, typed).await?;
    if !approve {
        rows::answer(
            &mut mine.db,
            &request.id,
            DeviceStatus::Pending,
            DeviceStatus::Denied,
            None,
        )
        .await?;
        mine.commit().await?;
        return Ok(());
    }
    let org_id = p.org_id.clone().ok_or(Error::Unauthorized)?;
    if chosen.is_empty() {
        return Err(Error::invalid(
            "permissions",
            "choose at least one permission for the script",
        ));
    }
    let vocabulary = s.vocabulary(&mut mine.db, &org_id).await?;
    let wanted = parse_words(&vocabulary, chosen)?;
    if !wanted.set.iter().all(|perm| p.can_anywhere(perm))
        || !wanted.apps.iter().all(|a| p.apps.covers_anywhere(a))
    {
        return Err(Error::Forbidden);
    }
    let words: Vec<String> = wanted
        .set
        .to_words()
        .into_iter()
        .chain(wanted.apps.iter().map(ToString::to_string))
        .collect();
    let now = store::now_ms();
    let org = store::orgs::get(&mut mine.db, &org_id)
        .await?
        .ok_or(Error::NotFound)?;
    let (_, max_days) = lifetimes_days(&org);
    let grant = ScriptGrantRow {
        id: store::new_id(),
        org_id,
        user_id,
        client_id: request.client_id.clone(),
        permissions: words.join(" "),
        requested_ip: request.requested_ip.clone(),
        approved_ip: p.context.ip.clone(),
        created_at: now,
        expires_at: now + max_days * DAY_MS,
        last_refreshed_at: None,
        last_refreshed_ip: None,
        revoked_at: None,
        revoked_reason: None,
    };
    rows::insert_grant(&mut mine.db, &grant).await?;
    if !rows::answer(
        &mut mine.db,
        &request.id,
        DeviceStatus::Pending,
        DeviceStatus::Approved,
        Some(&grant.id),
    )
    .await?
    {
        return Err(Error::NotFound);
    }
    mine.event(AuditAction::ScriptApproved)
        .entity(EntityType::ScriptGrant, &grant.id, &grant.client_id)
        .snapshot(serde_json::json!({
            "client_id": grant.client_id,
            "permissions": words,
            "requested_ip": grant.requested_ip,
            "expires_at": grant.expires_at,
        }))
        .insert(&mut mine.db)
        .await?;
    mine.commit().await?;
    Ok(())
}

/// RFC 8628 §3.4–3.5: a script polls with its device code. Approved once: the tokens, and
/// the request is spent.
pub async fn redeem(
    s: &Services,
    context: &RequestContext,
    client_id: &str,
    device_code: &str,
) -> Result<Issued, OAuthError> {
    let now = store::now_ms();
    // Before the transaction: the first key is made in a transaction of its own.
    let signer = s.signing.signer(s).await?;
    let mut tx = s.db.begin().await?;
    let Some(request) = rows::request_by_device_code(&mut tx, &secret_hash(s, device_code)).await?
    else {
        return Err(OAuthError::InvalidGrant);
    };
    if request.client_id != client_id {
        return Err(OAuthError::InvalidGrant);
    }
    if request.expires_at <= now {
        return Err(OAuthError::ExpiredToken);
    }
    match request.status {
        DeviceStatus::Denied => return Err(OAuthError::AccessDenied),
        DeviceStatus::Redeemed => return Err(OAuthError::InvalidGrant),
        DeviceStatus::Pending => {
            let too_soon = request
                .last_polled_at
                .is_some_and(|at| now - at < request.interval_secs * 1000);
            // §3.5: polling too fast adds 5 seconds to the interval.
            let interval = request.interval_secs + if too_soon { 5 } else { 0 };
            rows::polled(&mut tx, &request.id, now, interval).await?;
            tx.commit().await?;
            return Err(if too_soon {
                OAuthError::SlowDown
            } else {
                OAuthError::AuthorizationPending
            });
        }
        DeviceStatus::Approved => {}
    }
    if !rows::answer(
        &mut tx,
        &request.id,
        DeviceStatus::Approved,
        DeviceStatus::Redeemed,
        None,
    )
    .await?
    {
        return Err(OAuthError::InvalidGrant);
    }
    let grant_id = request.grant_id.ok_or(OAuthError::InvalidGrant)?;
    let grant = rows::grant(&mut tx, &grant_id)
        .await?
        .ok_or(OAuthError::InvalidGrant)?;
    let issued = issue(s, &mut tx, &signer, &grant, context, now).await;
    finish(tx, issued).await
}

/// A fresh access token for what the grant allows the person now, and the next refresh
/// token. Fails (and ends the grant) when the person no longer has access.
async fn issue(
    s: &Services,
    tx: &mut store::WriteTx,
    signer: &jwt::Signer25519,
    grant: &ScriptGrantRow,
    context: &RequestContext,
    now: i64,
) -> Result<Issued, OAuthError> {
    let Some(person) =
        super::principal::of_member(s, tx, &grant.user_id, &grant.org_id, context.clone()).await?
    else {
        end(tx, grant, "member_gone", context, now).await?;
        return Err(OAuthError::InvalidGrant);
    };
    let held = held_words(&person);
    let scope: Vec<&str> = grant
        .permissions
        .split_whitespace()
        .filter(|w| held.iter().any(|h| h == w))
        .collect();
    let org = store::orgs::get(tx, &grant.org_id)
        .await?
        .ok_or(OAuthError::InvalidGrant)?;
    let (idle_days, _) = lifetimes_days(&org);
    let refresh = format!("{REFRESH_PREFIX}{}", random_text(32));
    rows::insert_refresh(
        tx,
        &RefreshRow {
            token_hash: secret_hash(s, &refresh),
            grant_id: grant.id.clone(),
            created_at: now,
            expires_at: (now + idle_days * DAY_MS).min(grant.expires_at),
            used_at: None,
        },
    )
    .await?;
    let iat = now / 1000;
    let claims = AccessClaims {
        iss: s.public_url.clone(),
        sub: grant.user_id.clone(),
        aud: s.public_url.clone(),
        exp: iat + ACCESS_TTL_SECS,
        iat,
        nbf: iat,
        jti: store::new_id(),
        org_id: grant.org_id.clone(),
        scope: scope.join(" "),
        client_id: grant.client_id.clone(),
        grant_id: grant.id.clone(),
    };
    Ok(Issued {
        access_token: signer.sign(&claims),
        refresh_token: Secret::new(refresh),
        expires_in: ACCESS_TTL_SECS,
        scope: claims.scope,
    })
}

/// The org's idle and absolute lifetimes of a script grant (days), defaults filled in.
pub fn lifetimes_days(org: &store::orgs::OrgRow) -> (i64, i64) {
    (
        org.script_idle_days.unwrap_or(DEFAULT_IDLE_DAYS),
        org.script_max_days.unwrap_or(DEFAULT_MAX_DAYS),
    )
}

/// Ends a grant for `reason`, with its audit event (the person is the actor's subject).
async fn end(
    tx: &mut store::WriteTx,
    grant: &ScriptGrantRow,
    reason: &'static str,
    context: &RequestContext,
    now: i64,
) -> Result<(), Error> {
    if rows::revoke_grant(tx, &grant.id, now, reason).await? {
        AuditEvent::anonymous(AuditAction::ScriptRevoked, context.clone())
            .org(&grant.org_id)
            .entity(EntityType::ScriptGrant, &grant.id, &grant.client_id)
            .snapshot(serde_json::json!({ "reason": reason, "user_id": grant.user_id }))
            .insert(tx)
            .await?;
    }
    Ok(())
}

/// RFC 6749 §6 with RFC 9700 §4.14.2 rotation: each refresh token works once; presenting a
/// spent one again ends the whole grant (someone else has a copy).
pub async fn refresh(
    s: &Services,
    context: &RequestContext,
    client_id: &str,
    presented: &str,
) -> Result<Issued, OAuthError> {
    if !presented.starts_with(REFRESH_PREFIX) || presented.len() > 200 {
        return Err(OAuthError::InvalidGrant);
    }
    let now = store::now_ms();
    let hash = secret_hash(s, presented);
    let signer = s.signing.signer(s).await?;
    let mut tx = s.db.begin().await?;
    let Some(token) = rows::refresh(&mut tx, &hash).await? else {
        return Err(OAuthError::InvalidGrant);
    };
    let grant = rows::grant(&mut tx, &token.grant_id)
        .await?
        .ok_or(OAuthError::InvalidGrant)?;
    if grant.client_id != client_id {
        return Err(OAuthError::InvalidGrant);
    }
    if grant.revoked_at.is_some() || grant.expires_at <= now {
        return Err(OAuthError::InvalidGrant);
    }
    if token.used_at.is_some() || !rows::use_refresh(&mut tx, &hash, now).await? {
        end(&mut tx, &grant, "refresh_token_reused", context, now).await?;
        AuditEvent::anonymous(AuditAction::ScriptRefreshReused, context.clone())
            .org(&grant.org_id)
            .entity(EntityType::ScriptGrant, &grant.id, &grant.client_id)
            .failed("refresh_token_reused")
            .insert(&mut tx)
            .await?;
        tx.commit().await?;
        return Err(OAuthError::InvalidGrant);
    }
    if token.expires_at <= now {
        return Err(OAuthError::InvalidGrant);
    }
    rows::refreshed(&mut tx, &grant.id, now, context.ip.as_deref()).await?;
    rows::forget_spent(&mut tx, &grant.id, SPENT_KEPT).await?;
    let issued = issue(s, &mut tx, &signer, &grant, context, now).await;
    finish(tx, issued).await
}

/// Commits what `issue` did when it issued, or when it refused by ending the grant (that end
/// must stay); anything else rolls back.
async fn finish(
    tx: store::WriteTx,
    issued: Result<Issued, OAuthError>,
) -> Result<Issued, OAuthError> {
    match issued {
        Ok(_) | Err(OAuthError::InvalidGrant) => tx.commit().await?,
        Err(_) => tx.rollback().await?,
    }
    issued
}

/// The Principal a Foxgate access token acts as now (its person, within its scope, while its
/// grant lives), with its claims; why not, for anything else.
pub async fn principal_of(
    s: &Services,
    token: &str,
    context: &RequestContext,
) -> Result<Result<(AccessClaims, Principal), jwt::Refusal>, Error> {
    let now = store::now_ms();
    let cache_key = cache_key(token);
    let generation = s.db.generation();
    if let Some(kept) = s.access_tokens.get(&cache_key, generation) {
        let (claims, principal) = &*kept;
        if claims.exp <= now / 1000 - LEEWAY_SECS {
            return Ok(Err(jwt::Refusal::Expired));
        }
        let mut principal = principal.clone();
        principal.context = context.clone();
        return Ok(Ok((claims.clone(), principal)));
    }
    let Some(kid) = jwt::kid_of(token) else {
        return Ok(Err(jwt::Refusal::Malformed));
    };
    let key = s.signing.key(s, &kid).await?;
    let claims = match jwt::verify(
        token,
        key.as_ref(),
        &s.public_url,
        &s.public_url,
        now / 1000,
        LEEWAY_SECS,
    ) {
        Ok(claims) => claims,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let mut conn = s.db.pool().acquire().await?;
    let live = rows::grant(&mut conn, &claims.grant_id)
        .await?
        .is_some_and(|g| g.revoked_at.is_none() && g.expires_at > now && g.user_id == claims.sub);
    if !live {
        return Ok(Err(jwt::Refusal::UnknownKey));
    }
    let Some(mut person) =
        super::principal::of_member(s, &mut conn, &claims.sub, &claims.org_id, context.clone())
            .await?
    else {
        return Ok(Err(jwt::Refusal::UnknownKey));
    };
    person.grants.restrict(roles::parse_words(&claims.scope));
    person.apps.restrict(&roles::parse_app_words(&claims.scope));
    person.auth_kind = AuthKind::Jwt;
    person.via_token = Some(claims.grant_id.clone());
    s.access_tokens
        .keep(&cache_key, (claims.clone(), person.clone()), generation);
    Ok(Ok((claims, person)))
}

/// Access tokens are kept by their SHA-256: the token itself is a bearer secret.
fn cache_key(token: &str) -> String {
    URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(token.as_bytes()))
}

/// The Principal of an access token verified recently (and nothing written here since), so
/// a busy script pays the signature check and its person's grants once, not per request.
/// None when not kept; an expired one is not returned.
pub fn recently_verified(s: &Services, token: &str, context: &RequestContext) -> Option<Principal> {
    let kept = s.access_tokens.get(&cache_key(token), s.db.generation())?;
    let (claims, principal) = &*kept;
    if claims.exp <= store::now_ms() / 1000 - LEEWAY_SECS {
        return None;
    }
    let mut principal = principal.clone();
    principal.context = context.clone();
    Some(principal)
}

fn grant_info(g: ScriptGrantRow) -> ScriptGrantInfo {
    ScriptGrantInfo {
        id: g.id,
        client_id: g.client_id,
        permissions: g
            .permissions
            .split_whitespace()
            .map(str::to_string)
            .collect(),
        requested_ip: g.requested_ip,
        created_at: g.created_at,
        last_refreshed_at: g.last_refreshed_at,
        last_refreshed_ip: g.last_refreshed_ip,
        expires_at: g.expires_at,
    }
}

/// The caller's live script grants in their org.
pub async fn list_mine(s: &Services, p: &Principal) -> Result<Vec<ScriptGrantInfo>, Error> {
    let mut mine = OWN_SESSIONS.read_mine(s, p).await?;
    let org_id = p.org_id.as_deref().ok_or(Error::Unauthorized)?;
    let list = rows::live_grants_of(&mut mine.db, mine.user_id, org_id, store::now_ms()).await?;
    Ok(list.into_iter().map(grant_info).collect())
}

/// A member's live script grants in the org, for an admin who may end them
/// (`sessions:delete`, the permission that ends a member's sessions and scripts).
pub async fn list_of_member(
    s: &Services,
    p: &Principal,
    org_ref: &str,
    user_id: &str,
) -> Result<Vec<ScriptGrantInfo>, Error> {
    let mut cx = crate::use_cases::SESSIONS_END
        .read(s, p, org_ref, None)
        .await?;
    if !users::is_member(&mut cx.db, &cx.org.id, user_id).await? {
        return Err(Error::NotFound);
    }
    let list = rows::live_grants_of(&mut cx.db, user_id, &cx.org.id, store::now_ms()).await?;
    Ok(list.into_iter().map(grant_info).collect())
}

/// Ends one of the caller's script grants: its refresh token stops working at once, and
/// Foxgate refuses its access tokens (services verifying offline accept them until expiry).
pub async fn revoke_mine(s: &Services, p: &Principal, id: &str) -> Result<(), Error> {
    let mut mine = OWN_SESSIONS.begin_mine(s, p).await?;
    let grant = rows::grant(&mut mine.db, id)
        .await?
        .filter(|g| g.user_id == mine.user_id && Some(g.org_id.as_str()) == p.org_id.as_deref())
        .ok_or(Error::NotFound)?;
    if !rows::revoke_grant(&mut mine.db, &grant.id, store::now_ms(), "revoked").await? {
        return Err(Error::NotFound);
    }
    let user = users::get(&mut mine.db, mine.user_id)
        .await?
        .ok_or(Error::Unauthorized)?;
    mine.event(AuditAction::ScriptRevoked)
        .entity(EntityType::ScriptGrant, &grant.id, &grant.client_id)
        .snapshot(serde_json::json!({ "reason": "revoked", "user": user.email }))
        .insert(&mut mine.db)
        .await?;
    mine.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_codes_read_back_whatever_the_case_and_dashes() {
        let code = new_user_code();
        assert_eq!(code.len(), 8);
        assert_eq!(normalise_user_code(&spaced(&code)), Some(code.clone()));
        assert_eq!(
            normalise_user_code(&spaced(&code).to_lowercase()),
            Some(code.clone())
        );
        assert_eq!(normalise_user_code("BCDF GHJ"), None);
        assert_eq!(normalise_user_code("AEIO-UBCD"), None);
    }

    #[test]
    fn scopes_are_bounded_words() {
        assert_eq!(
            scope_words("teams:read  tokens:create").unwrap(),
            ["teams:read", "tokens:create"]
        );
        assert!(scope_words("teams:read <script>").is_err());
        assert!(scope_words(&"a ".repeat(65)).is_err());
        assert!(scope_words("").unwrap().is_empty());
    }
}
