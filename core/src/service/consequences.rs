//! What a destructive action will do, before it is done: the object named and everything that
//! goes with it, checked as the action itself is (a viewer who may not do it learns nothing).

use super::members::role_permissions;
use super::Services;
use crate::authz::Principal;
use crate::model::{count, Consequences, Doomed};
use crate::store::{self, grants, roles, users};
use crate::use_cases::{
    GRANTS_REVOKE, MEMBERS_REMOVE, ROLES_DELETE, SSO_DELETE, TEAMS_DELETE, TOKENS_REVOKE,
};
use crate::Error;
use sqlx::AnyConnection;

/// Describes what deleting (revoking, removing, ending) `id` of kind `what` in the org will
/// do; `not_found` for what the viewer cannot see, `forbidden` for what they may not do.
pub async fn of(
    s: &Services,
    p: &Principal,
    org_ref: &str,
    what: Doomed,
    id: &str,
) -> Result<Consequences, Error> {
    let (question, confirm, effects) = match what {
        Doomed::Team => team(s, p, org_ref, id).await?,
        Doomed::Token => token(s, p, org_ref, id).await?,
        Doomed::Member => member(s, p, org_ref, id).await?,
        Doomed::Grant => grant(s, p, org_ref, id).await?,
        Doomed::Role => role(s, p, org_ref, id).await?,
        Doomed::Provider => provider(s, p, org_ref, id).await?,
        Doomed::Session => session(s, p, id).await?,
        Doomed::Script => script(s, p, id).await?,
    };
    Ok(Consequences {
        what,
        id: id.to_string(),
        question,
        confirm,
        effects,
    })
}

type Said = (String, String, Vec<String>);

fn said(action: String, effects: Vec<String>) -> Said {
    (format!("{action}?"), action, effects)
}

async fn scalar(conn: &mut AnyConnection, sql: &str, id: &str) -> Result<i64, Error> {
    Ok(sqlx::query_scalar(sql).bind(id).fetch_one(conn).await?)
}

async fn team(s: &Services, p: &Principal, org_ref: &str, id: &str) -> Result<Said, Error> {
    let mut cx = TEAMS_DELETE.read(s, p, org_ref, Some(id)).await?;
    let team = cx.team.take().expect("a team was named");
    let live_tokens = "SELECT COUNT(*) FROM tokens WHERE team_id = $1 AND revoked_at IS NULL";
    let tokens = scalar(&mut cx.db, live_tokens, &team.id).await?;
    let held = "SELECT COUNT(*) FROM grants WHERE team_id = $1";
    let grants = scalar(&mut cx.db, held, &team.id).await?;
    let holders = "SELECT COUNT(DISTINCT user_id) FROM grants WHERE team_id = $1";
    let people = scalar(&mut cx.db, holders, &team.id).await?;
    Ok(said(
        format!("Delete team {}", team.name),
        vec![
            format!("Tokens of this team that stop working at once and are deleted: {tokens}."),
            format!(
                "Role grants in it taken back: {grants}, from {}.",
                count(people, "person", "people")
            ),
            "Its events stay in the activity log. This cannot be undone.".into(),
        ],
    ))
}

async fn token(s: &Services, p: &Principal, org_ref: &str, id: &str) -> Result<Said, Error> {
    let mut pending = TOKENS_REVOKE.open_read(s, p, org_ref, None).await?;
    let org_id = pending.org().id.clone();
    let row = store::tokens::get(pending.db(), id)
        .await?
        .filter(|t| t.org_id == org_id && super::tokens::visible(p, t))
        .ok_or(Error::NotFound)?;
    pending
        .authorize_owner_or(row.user_id.as_deref(), row.team_id.as_deref())
        .await?;
    let used = match (row.last_used_at, &row.last_used_ip) {
        (Some(at), ip) => format!(
            "It was last used {} from {}.",
            crate::model::format_utc(at),
            ip.as_deref().unwrap_or("an unknown address")
        ),
        (None, _) => "It has never been used.".into(),
    };
    Ok(said(
        format!("Revoke token {}", row.name),
        vec![
            "Every program using it is refused (401) from its next request.".into(),
            used,
            "A revoked token cannot be brought back: mint a new one instead.".into(),
        ],
    ))
}

async fn member(s: &Services, p: &Principal, org_ref: &str, id: &str) -> Result<Said, Error> {
    let mut cx = MEMBERS_REMOVE.read(s, p, org_ref, None).await?;
    let org = cx.org.clone();
    if !users::is_member(&mut cx.db, &org.id, id).await? {
        return Err(Error::NotFound);
    }
    let user = users::get(&mut cx.db, id).await?.ok_or(Error::NotFound)?;
    let held = grants::of_member(&mut cx.db, &org.id, id).await?.len() as i64;
    let personal: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM tokens WHERE org_id = $1 AND user_id = $2 AND revoked_at IS NULL",
    )
    .bind(&org.id)
    .bind(id)
    .fetch_one(&mut *cx.db)
    .await?;
    Ok(said(
        format!("Remove {} from {}", user.email, org.name),
        vec![
            format!("Their role grants taken back: {held}."),
            format!("Their personal tokens revoked: {personal}."),
            "Their console sessions in this organization end on their next request.".into(),
            "Their account stays: they can be added back, without their old roles or tokens."
                .into(),
        ],
    ))
}

async fn grant(s: &Services, p: &Principal, org_ref: &str, id: &str) -> Result<Said, Error> {
    let mut pending = GRANTS_REVOKE.open_read(s, p, org_ref, None).await?;
    let org_id = pending.org().id.clone();
    let row = grants::get(pending.db(), &org_id, id)
        .await?
        .ok_or(Error::NotFound)?;
    let team = match &row.team_id {
        Some(team_id) => store::teams::find(pending.db(), &org_id, team_id).await?,
        None => None,
    };
    let (_, role) = role_permissions(pending.db(), &org_id, &row.role_id).await?;
    let email = users::get(pending.db(), &row.user_id)
        .await?
        .map(|u| u.email)
        .unwrap_or_default();
    pending.authorize(row.team_id.as_deref()).await?;
    let where_ = team.map_or_else(
        || "the whole organization".to_string(),
        |t| format!("team {}", t.name),
    );
    Ok(said(
        format!("Take {role} back from {email}"),
        vec![
            format!("They lose what {role} allows in {where_} at once."),
            "Roles they hold elsewhere stay.".into(),
        ],
    ))
}

async fn role(s: &Services, p: &Principal, org_ref: &str, id: &str) -> Result<Said, Error> {
    let mut cx = ROLES_DELETE.read(s, p, org_ref, None).await?;
    let org_id = cx.org.id.clone();
    let role = roles::get(&mut cx.db, &org_id, id)
        .await?
        .ok_or(Error::NotFound)?;
    let grants = scalar(
        &mut cx.db,
        "SELECT COUNT(*) FROM grants WHERE role_id = $1",
        id,
    )
    .await?;
    let people = scalar(
        &mut cx.db,
        "SELECT COUNT(DISTINCT user_id) FROM grants WHERE role_id = $1",
        id,
    )
    .await?;
    let carrying = store::tokens::live_carrying_role(&mut cx.db, &org_id, id).await?;
    Ok(said(
        format!("Delete role {}", role.name),
        vec![
            format!(
                "Grants of it taken back: {grants}, from {}.",
                count(people, "person", "people")
            ),
            format!("Live tokens carrying it, which lose what it allows: {carrying}."),
            "Its definition is kept in the activity log. This cannot be undone.".into(),
        ],
    ))
}

async fn provider(s: &Services, p: &Principal, org_ref: &str, id: &str) -> Result<Said, Error> {
    let mut cx = SSO_DELETE.read(s, p, org_ref, None).await?;
    let row = store::identity_providers::get(&mut cx.db, id)
        .await?
        .filter(|row| row.org_id == cx.org.id)
        .ok_or(Error::NotFound)?;
    Ok(said(
        format!("Remove provider {}", row.name),
        vec![
            format!("Nobody can sign in through {} any more.", row.name),
            "The accounts it created stay, with their roles; its group rules are deleted.".into(),
        ],
    ))
}

async fn script(s: &Services, p: &Principal, id: &str) -> Result<Said, Error> {
    let grant = super::scripts::list_mine(s, p)
        .await?
        .into_iter()
        .find(|g| g.id == id)
        .ok_or(Error::NotFound)?;
    Ok(said(
        format!("Revoke the script {}", grant.client_id),
        vec![
            "Its refresh token stops working at once: it must be approved again to come back."
                .to_string(),
            format!(
                "Foxgate refuses its access tokens at once; services that check them offline \
                 accept one for at most {} more minutes.",
                super::signing::ACCESS_TTL_SECS / 60
            ),
        ],
    ))
}

async fn session(s: &Services, p: &Principal, id: &str) -> Result<Said, Error> {
    let session = super::sessions::one_of_mine(s, p, id).await?;
    let effect = if session.current {
        "This is the session you are using: you are signed out.".to_string()
    } else {
        format!(
            "The browser on {} is signed out at once; it can sign in again.",
            session.device
        )
    };
    Ok(said(
        format!("End the session on {}", session.device),
        vec![effect],
    ))
}
