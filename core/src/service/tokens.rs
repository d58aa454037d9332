//! API tokens: minting (shown once, under the escalation guard, within the org's lifetime
//! policy), listing, rotating and revoking. Presented tokens are checked in `bearer`.

use super::page;
use super::use_case::{Change, Pending};
use super::Services;
use crate::authz::application::is_app_word;
use crate::authz::{
    AppPermission, AuthKind, BuiltinRole, Identity, Permission, PermissionSet, Principal, Scope,
    Vocabulary,
};
use crate::http_signature::PublicKey;
use crate::model::{
    parse_utc_date, CreatedToken, NewToken, TokenFilter, TokenInfo, TokenKeyInfo, TokenMode,
    TokenPage, TokenRotation, TokenStatus,
};
use crate::model::{AuditAction, EntityType};
use crate::store::WriteTx;
use crate::store::{self, audit::AuditEvent, roles, tokens::TokenRow};
use crate::token::{self, TokenKind};
use crate::use_cases::{PERSONAL_TOKENS, TOKENS_CREATE, TOKENS_READ, TOKENS_REVOKE, TOKENS_ROTATE};
use crate::Error;
use base64::Engine;
use rand::RngCore;

/// The longest a token's name may be.
const MAX_NAME_LEN: usize = 100;
const HOUR_MS: i64 = 60 * 60 * 1000;
const DAY_MS: i64 = 24 * HOUR_MS;
/// The longest any token may live when it expires at all (ten years).
const MAX_LIFETIME_DAYS: u32 = super::orgs::MAX_TOKEN_LIFETIME_DAYS;
/// The longest a rotated-out secret keeps working.
pub const MAX_GRACE_HOURS: u32 = 24;
pub(crate) fn secret_hash(s: &Services, secret: &str) -> String {
    base64::engine::general_purpose::STANDARD_NO_PAD.encode(s.keys.token_hash(secret))
}

fn status(t: &TokenRow, now: i64) -> TokenStatus {
    if t.revoked_at.is_some() {
        TokenStatus::Revoked
    } else if t.expires_at.is_some_and(|at| at <= now) {
        TokenStatus::Expired
    } else {
        TokenStatus::Active
    }
}

fn info(
    t: &TokenRow,
    created_by_email: Option<String>,
    team_name: Option<String>,
    now: i64,
) -> TokenInfo {
    TokenInfo {
        id: t.id.clone(),
        kind: t.kind,
        name: t.name.clone(),
        team_id: t.team_id.clone(),
        team_name,
        roles: t.role_ids.clone(),
        user_id: t.user_id.clone(),
        permissions: t.permissions.clone(),
        status: status(t, now),
        created_by: t.created_by.clone(),
        created_by_email,
        created_at: t.created_at,
        expires_at: t.expires_at,
        revoked_at: t.revoked_at,
        rotated_at: t.rotated_at,
        previous_valid_until: t.previous_valid_until.filter(|until| *until > now),
        last_used_at: t.last_used_at,
        last_used_ip: t.last_used_ip.clone(),
        mode: if t.public_key.is_some() {
            TokenMode::Signed
        } else {
            TokenMode::Bearer
        },
        key: t.public_key.as_ref().map(|key| TokenKeyInfo {
            algorithm: key.algorithm(),
            thumbprint: key.thumbprint(),
            jwk: key.to_jwk(),
        }),
    }
}

fn scope_of(t: &TokenRow) -> Scope {
    t.team_id.clone().map_or(Scope::Org, Scope::Team)
}

/// Whether the caller may see a token: a personal token by its user or an org-wide token
/// reader, the others by a token reader at their scope.
pub(crate) fn visible(p: &Principal, t: &TokenRow) -> bool {
    let own = t.user_id.is_some() && p.user_id().ok() == t.user_id.as_deref();
    own || p.can(TOKENS_READ.permission, &scope_of(t))
}

/// What a set of roles carries: Foxgate's permissions and applications'.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Carried {
    pub set: PermissionSet,
    pub apps: Vec<AppPermission>,
}

/// What a set of role ids (built-in or custom roles of the org) allows together.
pub(crate) async fn permissions_of(
    conn: &mut sqlx::AnyConnection,
    org_id: &str,
    role_ids: &[String],
) -> Result<Carried, Error> {
    let mut carried = Carried::default();
    for id in role_ids {
        match BuiltinRole::from_id(id) {
            Some(role) => carried.set = carried.set.union(role.permissions()),
            None => {
                let role = roles::get(conn, org_id, id).await?.ok_or_else(|| {
                    Error::invalid(
                        "roles",
                        format!("{id:?} is not a role of this organization"),
                    )
                })?;
                carried.set = carried.set.union(role.permissions);
                carried.apps.extend(role.apps);
            }
        }
    }
    Ok(carried)
}

/// Splits permission words into Foxgate's and applications'; an application permission
/// must be one the org declares.
pub(crate) fn parse_words(vocabulary: &Vocabulary, words: &[String]) -> Result<Carried, Error> {
    let mut carried = Carried::default();
    for word in words {
        if is_app_word(word) {
            let p: AppPermission = word.parse().map_err(|e| Error::invalid("permissions", e))?;
            if vocabulary.bit_of(&p).is_none() {
                return Err(Error::invalid(
                    "permissions",
                    format!("{word:?}: no application of this organization declares it"),
                ));
            }
            if !carried.apps.contains(&p) {
                carried.apps.push(p);
            }
        } else {
            let p: Permission = word.parse().map_err(|e| Error::invalid("permissions", e))?;
            carried.set.insert(p);
        }
    }
    Ok(carried)
}

/// What a new token may do: its team, roles, and (personal tokens) chosen permissions.
struct Powers {
    team_id: Option<String>,
    role_ids: Vec<String>,
    permissions: Carried,
}

/// The team a team token belongs to; no other kind belongs to one.
fn team_of(input: &NewToken, kind: TokenKind) -> Result<Option<&str>, Error> {
    match (input.team.as_deref(), kind) {
        (Some(team_ref), TokenKind::Team) => Ok(Some(team_ref)),
        (None, TokenKind::Team) => Err(Error::invalid("team", "a team token needs its team")),
        (Some(_), _) => Err(Error::invalid("team", "only team tokens belong to a team")),
        (None, _) => Ok(None),
    }
}

/// Authorizes minting a team or org admin token and resolves what it will carry. The
/// escalation guard: the creator holds tokens:create and every permission of its roles there.
async fn role_powers<'a>(
    s: &'a Services,
    p: &'a Principal,
    org_ref: &str,
    input: &NewToken,
    kind: TokenKind,
) -> Result<(Change<'a>, Powers), Error> {
    let mut cx = TOKENS_CREATE
        .begin(s, p, org_ref, team_of(input, kind)?)
        .await?;
    if !input.permissions.is_empty() {
        return Err(Error::invalid(
            "permissions",
            "only personal tokens take permissions; give roles",
        ));
    }
    if input.roles.is_empty() {
        return Err(Error::invalid("roles", "a token needs at least one role"));
    }
    let org_id = cx.org.id.clone();
    let references: Vec<&str> = input.roles.iter().map(String::as_str).collect();
    let role_ids = super::members::role_ids(&mut cx.db, &org_id, &references).await?;
    if kind == TokenKind::Team
        && role_ids
            .iter()
            .any(|r| BuiltinRole::from_id(r) == Some(BuiltinRole::Owner))
    {
        return Err(Error::invalid(
            "roles",
            "Org Owner is a role for the whole organization; a team token cannot carry it",
        ));
    }
    let wanted = permissions_of(&mut cx.db, &org_id, &role_ids).await?;
    let cx = cx
        .escalation(wanted.set)
        .await?
        .escalation_apps(&wanted.apps)
        .await?;
    let powers = Powers {
        team_id: cx.team.as_ref().map(|t| t.id.clone()),
        role_ids,
        permissions: wanted,
    };
    Ok((cx, powers))
}

/// A personal token is minted by its signed-in user (never by another token) and may only
/// name permissions the user holds somewhere; it is re-limited to theirs on every request.
fn personal_powers(
    p: &Principal,
    vocabulary: &Vocabulary,
    input: &NewToken,
) -> Result<Powers, Error> {
    p.user_id()?;
    if p.auth_kind != AuthKind::Session {
        return Err(Error::Forbidden);
    }
    if input.team.is_some() || !input.roles.is_empty() {
        return Err(Error::invalid(
            "permissions",
            "a personal token acts as you: choose permissions, not a team or roles",
        ));
    }
    if input.permissions.is_empty() {
        return Err(Error::invalid(
            "permissions",
            "a personal token needs at least one permission",
        ));
    }
    let wanted = parse_words(vocabulary, &input.permissions)?;
    if !wanted.set.iter().all(|perm| p.can_anywhere(perm))
        || !wanted.apps.iter().all(|a| p.apps.covers_anywhere(a))
    {
        return Err(Error::Forbidden);
    }
    Ok(Powers {
        team_id: None,
        role_ids: Vec::new(),
        permissions: wanted,
    })
}

/// When a new token expires (unix ms), within the org's maximum lifetime.
fn expiry(limit_days: Option<i64>, input: &NewToken, now: i64) -> Result<Option<i64>, Error> {
    let max = i64::from(MAX_LIFETIME_DAYS);
    // (field, expiry instant, the instant compared with the policy)
    let chosen = match (input.expires_in_days, &input.expires_on) {
        (Some(_), Some(_)) => {
            return Err(Error::invalid(
                "expires_on",
                "give expires_in_days or expires_on, not both",
            ))
        }
        (Some(days), None) => {
            if !(1..=max).contains(&i64::from(days)) {
                return Err(Error::invalid(
                    "expires_in_days",
                    format!("must be 1 to {max} days"),
                ));
            }
            let at = now + i64::from(days) * DAY_MS;
            Some(("expires_in_days", at, at))
        }
        (None, Some(date)) => {
            let day = parse_utc_date(date)
                .ok_or_else(|| Error::invalid("expires_on", "must be a date written YYYY-MM-DD"))?;
            // The token works through the whole of its last day (UTC).
            let at = day + DAY_MS;
            if at <= now || day > now + max * DAY_MS {
                return Err(Error::invalid(
                    "expires_on",
                    format!("must be from today to {max} days ahead"),
                ));
            }
            Some(("expires_on", at, day))
        }
        (None, None) => None,
    };
    match (limit_days, chosen) {
        (Some(limit), None) => Err(Error::invalid(
            "expires_in_days",
            format!("this organization requires tokens to expire within {limit} days"),
        )),
        (Some(limit), Some((field, _, compared))) if compared > now + limit * DAY_MS => {
            Err(Error::invalid(
                field,
                format!("this organization allows tokens to live at most {limit} days"),
            ))
        }
        (_, chosen) => Ok(chosen.map(|(_, at, _)| at)),
    }
}

fn creator_email(p: &Principal) -> Option<String> {
    match &p.identity {
        Identity::User { email, .. } => Some(email.clone()),
        Identity::Token { .. } | Identity::Anonymous => None,
    }
}

fn fresh_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes
}

/// A token's event names its kind and team (and, for a personal token, whose it is).
fn event(p: &Principal, action: AuditAction, t: &TokenRow) -> AuditEvent {
    let event = AuditEvent::by(p, action)
        .entity(EntityType::Token, &t.id, &t.name)
        .snapshot(serde_json::json!({
            "id": t.id, "name": t.name, "kind": t.kind,
            "team_id": t.team_id, "user_id": t.user_id, "expires_at": t.expires_at,
        }));
    match &t.team_id {
        Some(team) => event.team(team),
        None => event,
    }
}

/// Claims a one-time submission key for `p`, in the transaction that acts on it: a key
/// used before (this form already minted a token) is a conflict, and a failed request
/// leaves the key unused, so the corrected form can be sent again.
async fn claim_submission(
    conn: &mut sqlx::AnyConnection,
    p: &Principal,
    key: &str,
    now: i64,
) -> Result<(), Error> {
    if !(16..=64).contains(&key.len())
        || !key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(Error::invalid(
            "submission",
            "must be 16 to 64 letters, digits, - or _",
        ));
    }
    let actor = p.caller_id();
    store::submissions::claim(conn, &format!("{actor}:{key}"), now)
        .await
        .map_err(|e| {
            if store::is_unique_violation(&e) {
                Error::Conflict(
                    "this form was already submitted: the token it created is the one shown; reload the page to mint another"
                        .into(),
                )
            } else {
                e.into()
            }
        })
}

/// Forgets one-time submission keys past their day (the cleanup job calls it).
pub async fn forget_old_submissions(s: &Services) -> Result<u64, Error> {
    let mut tx = s.db.begin().await?;
    let forgotten = store::submissions::purge(&mut tx, store::now_ms()).await?;
    tx.commit().await?;
    Ok(forgotten)
}

/// Mints a token and returns its secret — the only time anyone sees it.
pub async fn create(
    s: &Services,
    p: &Principal,
    org_ref: &str,
    input: NewToken,
) -> Result<CreatedToken, Error> {
    let input_submission = input.submission.clone();
    let kind = input.kind.unwrap_or(if input.team.is_some() {
        TokenKind::Team
    } else {
        TokenKind::OrgAdmin
    });
    let (mut cx, powers) = match kind {
        TokenKind::Personal => {
            // The token will be the caller's own.
            let me = p.user_id()?;
            let mut cx = PERSONAL_TOKENS
                .open(s, p, org_ref, None)
                .await?
                .owner_only(me)
                .await?;
            let org_id = cx.org.id.clone();
            let vocabulary = s.vocabulary(&mut cx.db, &org_id).await?;
            (cx, personal_powers(p, &vocabulary, &input)?)
        }
        _ => role_powers(s, p, org_ref, &input, kind).await?,
    };
    let org = cx.org.clone();
    let cx_team_name = cx.team.as_ref().map(|t| t.name.clone());
    let name = crate::text::name("name", &input.name, MAX_NAME_LEN)?;
    let now = store::now_ms();
    let expires_at = expiry(org.max_token_lifetime_days, &input, now)?;
    let public_key = input
        .public_key
        .as_deref()
        .filter(|text| !text.trim().is_empty())
        .map(|text| PublicKey::parse(text).map_err(|e| Error::invalid("public_key", e)))
        .transpose()?;
    let presented = token::assemble(kind, &fresh_bytes(), &fresh_bytes());
    let parsed = token::parse(presented.expose())
        .map_err(|e| Error::internal(format!("fresh token unparsable: {e:?}")))?;
    let creator = p.user_id().ok().map(str::to_string);
    let row = TokenRow {
        id: parsed.id,
        org_id: org.id,
        kind,
        team_id: powers.team_id,
        user_id: (kind == TokenKind::Personal)
            .then(|| creator.clone())
            .flatten(),
        name,
        // A secure-mode token has no secret: an empty hash no presented secret can match.
        secret_hash: match public_key {
            Some(_) => String::new(),
            None => secret_hash(s, parsed.secret.expose()),
        },
        role_ids: powers.role_ids,
        permissions: if kind == TokenKind::Personal {
            powers
                .permissions
                .set
                .to_words()
                .into_iter()
                .chain(powers.permissions.apps.iter().map(|a| a.to_string()))
                .collect()
        } else {
            Vec::new()
        },
        created_by: creator,
        created_at: now,
        expires_at,
        revoked_at: None,
        rotated_at: None,
        previous_secret_hash: None,
        previous_valid_until: None,
        last_used_at: None,
        last_used_ip: None,
        public_key,
    };
    if let Some(key) = &input_submission {
        claim_submission(&mut cx.db, p, key, now).await?;
    }
    store::tokens::insert(&mut cx.db, &row).await?;
    event(p, AuditAction::TokenCreated, &row)
        .insert(&mut cx.db)
        .await?;
    cx.commit().await?;
    Ok(CreatedToken {
        token: row.public_key.is_none().then(|| presented.expose().clone()),
        info: info(&row, creator_email(p), cx_team_name, now),
    })
}

/// One page of the org's tokens the caller may see, newest first, narrowed by the filter
/// in SQL: a page costs the same among ten tokens or a million.
pub async fn list(
    s: &Services,
    p: &Principal,
    org_ref: &str,
    filter: &TokenFilter,
) -> Result<TokenPage, Error> {
    let size = page::size(filter.limit)?;
    let name = filter.q.as_deref().map(str::trim).unwrap_or_default();
    if name.chars().count() > MAX_NAME_LEN {
        return Err(Error::invalid("q", "is longer than any token name"));
    }
    let after = page::after::<2>(filter.cursor.as_deref())?;
    let after = match &after {
        Some([at, id]) => Some((page::number(at)?, id.as_str())),
        None => None,
    };
    let mut cx = TOKENS_READ
        .open_read(s, p, org_ref, filter.team.as_deref())
        .await?
        .item_by_item();
    let team_id = cx.team.as_ref().map(|t| t.id.clone());
    let now = store::now_ms();
    let reach = p.grants.reach(TOKENS_READ.permission);
    let pattern = page::prefix(name);
    let query = store::tokens::TokenQuery {
        org_id: &cx.org.id,
        reach: &reach,
        reader: p.user_id().ok(),
        name: pattern.as_ref(),
        kind: filter.kind,
        team_id: team_id.as_deref(),
        status: filter.status,
        creator: filter.creator.as_deref().filter(|c| !c.is_empty()),
        now,
        after,
    };
    let rows = store::tokens::page(&mut cx.db, &query, size).await?;
    let filtered = pattern.is_some()
        || filter.kind.is_some()
        || team_id.is_some()
        || filter.status.is_some()
        || query.creator.is_some();
    let cap = page::count_cap(filtered);
    let counted = store::tokens::count(&mut cx.db, &query, cap).await?;
    let (rows, next_cursor) = page::cut(rows, size, |l| {
        page::cursor(&[&l.token.created_at.to_string(), &l.token.id])
    });
    Ok(TokenPage {
        tokens: rows
            .into_iter()
            .map(|l| info(&l.token, l.created_by_email, l.team_name, now))
            .collect(),
        next_cursor,
        total: page::total(counted, cap),
    })
}

/// A token of the org the caller may see, or `not_found` whether it exists or not.
async fn visible_token(
    pending: &mut Pending<'_, WriteTx>,
    token_id: &str,
) -> Result<TokenRow, Error> {
    let (org_id, p) = (pending.org().id.clone(), pending.principal());
    store::tokens::get(pending.db(), token_id)
        .await?
        .filter(|t| t.org_id == org_id && visible(p, t))
        .ok_or(Error::NotFound)
}

/// Revokes a token: refused on its very next request. A personal token's user may revoke
/// it; org-wide token revokers may revoke any token, for incident response.
pub async fn revoke(
    s: &Services,
    p: &Principal,
    org_ref: &str,
    token_id: &str,
) -> Result<(), Error> {
    let mut pending = TOKENS_REVOKE.open(s, p, org_ref, None).await?;
    let row = visible_token(&mut pending, token_id).await?;
    let mut cx = pending
        .authorize_owner_or(row.user_id.as_deref(), row.team_id.as_deref())
        .await?;
    store::tokens::revoke(&mut cx.db, &row.id, store::now_ms()).await?;
    event(p, AuditAction::TokenRevoked, &row)
        .insert(&mut cx.db)
        .await?;
    cx.commit().await?;
    s.token_cache.forget(&row.id);
    Ok(())
}

/// Regenerates a token's secret (same id, kind, roles and expiry) and returns the new one,
/// shown once. The old secret keeps working for `grace_hours` (at most 24), or stops now.
/// Only its user regenerates a personal token; others need tokens:update where the token
/// lives and every permission it carries, as for minting it.
pub async fn rotate(
    s: &Services,
    p: &Principal,
    org_ref: &str,
    token_id: &str,
    rotation: TokenRotation,
) -> Result<CreatedToken, Error> {
    let mut pending = TOKENS_ROTATE.open(s, p, org_ref, None).await?;
    let row = visible_token(&mut pending, token_id).await?;
    let mut cx = match &row.user_id {
        Some(owner) => pending.owner_only(owner).await?,
        None => {
            let carried = permissions_of(pending.db(), &row.org_id, &row.role_ids).await?;
            pending
                .authorize(row.team_id.as_deref())
                .await?
                .escalation(carried.set)
                .await?
                .escalation_apps(&carried.apps)
                .await?
        }
    };
    if rotation.grace_hours > MAX_GRACE_HOURS {
        return Err(Error::invalid(
            "grace_hours",
            format!("must be 0 to {MAX_GRACE_HOURS} hours"),
        ));
    }
    if row.public_key.is_some() {
        return Err(Error::Conflict(
            "a secure-mode token has no secret to regenerate: mint a new one for a new key".into(),
        ));
    }
    let now = store::now_ms();
    if status(&row, now) != TokenStatus::Active {
        return Err(Error::Conflict(format!(
            "the token is {}; mint a new one instead",
            status(&row, now).as_str()
        )));
    }
    let presented = token::reseal(row.kind, &row.id, &fresh_bytes());
    let parsed = token::parse(presented.expose())
        .map_err(|e| Error::internal(format!("fresh token unparsable: {e:?}")))?;
    let grace_until =
        (rotation.grace_hours > 0).then(|| now + i64::from(rotation.grace_hours) * HOUR_MS);
    let new_hash = secret_hash(s, parsed.secret.expose());
    store::tokens::rotate(&mut cx.db, &row, &new_hash, now, grace_until).await?;
    let mut e = event(p, AuditAction::TokenRotated, &row);
    e.reason = grace_until.map(|_| "with_grace".into());
    e.insert(&mut cx.db).await?;
    cx.commit().await?;
    s.token_cache.forget(&row.id);
    let rotated = TokenRow {
        rotated_at: Some(now),
        previous_valid_until: grace_until,
        ..row
    };
    Ok(CreatedToken {
        token: Some(presented.expose().clone()),
        info: info(&rotated, None, None, now),
    })
}
