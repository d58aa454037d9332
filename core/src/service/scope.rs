//! Resolving the org (and team) named in a request against what the caller may see:
//! anything outside the caller's org, or a team they cannot read, is `not_found` — the same
//! answer whether it exists or not, so ids cannot be probed.

use crate::authz::{Principal, Scope};
use crate::store::{orgs, teams};
use crate::Error;
use sqlx::AnyConnection;

/// The caller's org, if `org_ref` (slug or id) names it.
pub async fn org(
    conn: &mut AnyConnection,
    p: &Principal,
    org_ref: &str,
) -> Result<orgs::OrgRow, Error> {
    if !p.is_authenticated() {
        return Err(Error::Unauthorized);
    }
    let org = orgs::find(conn, org_ref).await?.ok_or(Error::NotFound)?;
    if p.org_id.as_deref() != Some(org.id.as_str()) {
        return Err(Error::NotFound);
    }
    Ok(org)
}

/// A team of the caller's org that the caller may read.
pub async fn team(
    conn: &mut AnyConnection,
    p: &Principal,
    org_ref: &str,
    team_ref: &str,
) -> Result<(orgs::OrgRow, teams::TeamRow), Error> {
    let org = org(conn, p, org_ref).await?;
    let team = teams::find(conn, &org.id, team_ref)
        .await?
        .ok_or(Error::NotFound)?;
    if !p.can(
        crate::use_cases::TEAMS_READ.permission,
        &Scope::Team(team.id.clone()),
    ) {
        return Err(Error::NotFound);
    }
    Ok((org, team))
}
