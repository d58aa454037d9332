//! Browser sessions: what the server keeps in each (the keys below), each user's view of
//! their own sessions (list, end one), and an admin ending every session of a member.

use super::page;
use super::Services;
use crate::authz::Principal;
use crate::model::{AuditAction, EntityType};
use crate::model::{PageAsk, SessionInfo, SessionPage};
use crate::store::{self, sessions, users};
use crate::use_cases::{OWN_SESSIONS, SESSIONS_END};
use crate::Error;

/// The session data keys the server writes at sign-in and on use.
pub mod keys {
    pub const USER_ID: &str = "user_id";
    pub const ORG_ID: &str = "org_id";
    /// When the user signed in (ms): the absolute timeout counts from here.
    pub const SIGNED_IN_AT: &str = "signed_in_at";
    /// When the session was last used (ms), written at most once a minute.
    pub const SEEN_AT: &str = "seen_at";
    pub const IP: &str = "ip";
    pub const USER_AGENT: &str = "user_agent";
    /// "password" or the identity provider's name.
    pub const METHOD: &str = "method";
    /// For sign-out at the IdP: which provider, and the ID token to hint with.
    pub const SSO_PROVIDER: &str = "sso_provider";
    pub const ID_TOKEN: &str = "id_token";
}

/// A short name for a browser from its user agent: enough to recognise a device.
pub fn device(user_agent: &str) -> String {
    let browser = ["Edg/", "Firefox/", "Chrome/", "Safari/", "curl/"]
        .iter()
        .find(|b| user_agent.contains(*b))
        .map(|b| match *b {
            "Edg/" => "Edge",
            "Firefox/" => "Firefox",
            "Chrome/" => "Chrome",
            "Safari/" => "Safari",
            _ => "curl",
        });
    let system = ["Windows", "Mac OS X", "Android", "iPhone", "Linux"]
        .iter()
        .find(|s| user_agent.contains(*s))
        .map(|s| match *s {
            "Mac OS X" => "macOS",
            "iPhone" => "iOS",
            other => other,
        });
    match (browser, system) {
        (Some(b), Some(s)) => format!("{b} on {s}"),
        (Some(b), None) => b.to_string(),
        (None, Some(s)) => s.to_string(),
        (None, None) if user_agent.is_empty() => "unknown device".into(),
        (None, None) => user_agent.chars().take(40).collect(),
    }
}

fn info(id: String, data: &str, expires_at: i64, current: Option<&str>) -> SessionInfo {
    let data: serde_json::Value = serde_json::from_str(data).unwrap_or_default();
    let text = |k: &str| data.get(k).and_then(|v| v.as_str()).map(str::to_string);
    let number = |k: &str| data.get(k).and_then(serde_json::Value::as_i64);
    SessionInfo {
        current: current == Some(id.as_str()),
        id,
        device: device(&text(keys::USER_AGENT).unwrap_or_default()),
        ip: text(keys::IP),
        method: text(keys::METHOD).unwrap_or_else(|| "password".into()),
        signed_in_at: number(keys::SIGNED_IN_AT),
        last_seen_at: number(keys::SEEN_AT),
        expires_at,
    }
}

/// One page of the caller's own live sessions, this one marked.
pub async fn list_mine(s: &Services, p: &Principal, asked: &PageAsk) -> Result<SessionPage, Error> {
    let size = page::size(asked.limit)?;
    let after = page::after::<2>(asked.cursor.as_deref())?;
    let after = match &after {
        Some([at, id]) => Some((page::number(at)?, id.as_str())),
        None => None,
    };
    let mut mine = OWN_SESSIONS.read_mine(s, p).await?;
    let rows = sessions::of_user(&mut mine.db, mine.user_id, store::now_ms(), after, size).await?;
    let (rows, next_cursor) = page::cut(rows, size, |r| {
        page::cursor(&[&r.expires_at.to_string(), &r.id])
    });
    let current = p.context.session.as_deref();
    Ok(SessionPage {
        sessions: rows
            .into_iter()
            .map(|row| info(row.id, &row.data, row.expires_at, current))
            .collect(),
        next_cursor,
    })
}

/// One of the caller's own live sessions.
pub async fn one_of_mine(s: &Services, p: &Principal, id: &str) -> Result<SessionInfo, Error> {
    let mut mine = OWN_SESSIONS.read_mine(s, p).await?;
    let row = sessions::one_of_user(&mut mine.db, mine.user_id, id, store::now_ms())
        .await?
        .ok_or(Error::NotFound)?;
    Ok(info(
        row.id,
        &row.data,
        row.expires_at,
        p.context.session.as_deref(),
    ))
}

/// Ends one of the caller's own sessions (another device, or this one).
pub async fn end_mine(s: &Services, p: &Principal, id: &str) -> Result<(), Error> {
    let mut mine = OWN_SESSIONS.begin_mine(s, p).await?;
    let user_id = mine.user_id;
    if !sessions::delete_one(&mut mine.db, user_id, id).await? {
        return Err(Error::NotFound);
    }
    let user = users::get(&mut mine.db, user_id)
        .await?
        .ok_or(Error::Unauthorized)?;
    mine.event(AuditAction::SessionEnded)
        .entity(EntityType::User, user_id, &user.email)
        .insert(&mut mine.db)
        .await?;
    mine.commit().await?;
    Ok(())
}

/// Ends the caller's other sessions (every device but this one; with a token, all of
/// them); how many ended. One event, naming how many.
pub async fn end_my_others(s: &Services, p: &Principal) -> Result<u64, Error> {
    let mut mine = OWN_SESSIONS.begin_mine(s, p).await?;
    let user_id = mine.user_id;
    let ended =
        sessions::delete_all_but(&mut mine.db, user_id, p.context.session.as_deref()).await?;
    let user = users::get(&mut mine.db, user_id)
        .await?
        .ok_or(Error::Unauthorized)?;
    mine.event(AuditAction::SessionEnded)
        .entity(EntityType::User, user_id, &user.email)
        .snapshot(
            serde_json::json!({ "ended": ended, "kept_current": p.context.session.is_some() }),
        )
        .insert(&mut mine.db)
        .await?;
    mine.commit().await?;
    Ok(ended)
}

/// Ends every session of a member of the org (they must sign in again everywhere), and every
/// script acting as them in this org (approved again, or not at all).
pub async fn end_all_of_member(
    s: &Services,
    p: &Principal,
    org_ref: &str,
    user_id: &str,
) -> Result<u64, Error> {
    let mut cx = SESSIONS_END.begin(s, p, org_ref, None).await?;
    if !users::is_member(&mut cx.db, &cx.org.id, user_id).await? {
        return Err(Error::NotFound);
    }
    let user = users::get(&mut cx.db, user_id)
        .await?
        .ok_or(Error::NotFound)?;
    let ended = sessions::delete_all(&mut cx.db, user_id).await?;
    let scripts = store::scripts::revoke_all_of(
        &mut cx.db,
        user_id,
        &cx.org.id,
        store::now_ms(),
        "ended_by_admin",
    )
    .await?;
    cx.event(AuditAction::SessionsEndedForMember)
        .entity(EntityType::User, &user.id, &user.email)
        .snapshot(serde_json::json!({ "sessions": ended, "scripts": scripts }))
        .insert(&mut cx.db)
        .await?;
    cx.commit().await?;
    Ok(ended)
}

#[cfg(test)]
mod tests {
    use super::device;

    #[test]
    fn devices_are_named_from_user_agents() {
        let chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36";
        assert_eq!(device(chrome), "Chrome on Linux");
        assert_eq!(
            device("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) Firefox/133.0"),
            "Firefox on macOS"
        );
        assert_eq!(device("curl/8.5.0"), "curl");
        assert_eq!(device(""), "unknown device");
    }
}
