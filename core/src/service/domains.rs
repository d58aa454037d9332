//! An org's email domains: claiming one, proving it with a DNS TXT record Foxgate checks,
//! and removing it. Only a verified domain routes sign-ins (`sso::start` by email) to the
//! org's identity providers, and a domain verified by one org cannot be verified by another.

use super::{scope, Services};
use crate::authz::{Principal, Scope};
use crate::model::{DomainClaim, NewDomainClaim};
use crate::store::domains::{self, ClaimRow};
use crate::store::{self, audit::AuditEvent};
use crate::{use_cases, Error};

/// Where the proof goes, under the claimed domain.
pub const RECORD_PREFIX: &str = "_foxgate-challenge";
/// Claims an org may hold (verified or not).
const MAX_CLAIMS: usize = 50;

/// A DNS name Foxgate accepts as an email domain: lowercase labels of letters, digits and
/// dashes, at least two of them.
pub(crate) fn is_domain(d: &str) -> bool {
    d.len() <= 253
        && d.contains('.')
        && d.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        })
}

fn record_value(token: &str) -> String {
    format!("foxgate-verification={token}")
}

fn view(row: &ClaimRow) -> DomainClaim {
    DomainClaim {
        id: row.id.clone(),
        domain: row.domain.clone(),
        record_name: format!("{RECORD_PREFIX}.{}", row.domain),
        record_value: record_value(&row.token),
        verified: row.verified_at.is_some(),
        verified_at: row.verified_at,
        created_at: row.created_at,
    }
}

pub async fn list(s: &Services, p: &Principal, org_ref: &str) -> Result<Vec<DomainClaim>, Error> {
    let mut conn = s.db.pool().acquire().await?;
    let org = scope::org(&mut conn, p, org_ref).await?;
    p.require(use_cases::SSO_READ.permission, &Scope::Org)?;
    Ok(domains::list(&mut conn, &org.id)
        .await?
        .iter()
        .map(view)
        .collect())
}

/// Claims a domain for the org: the answer names the TXT record to publish.
pub async fn claim(
    s: &Services,
    p: &Principal,
    org_ref: &str,
    input: NewDomainClaim,
) -> Result<DomainClaim, Error> {
    let domain = input.domain.trim().trim_end_matches('.').to_lowercase();
    if !is_domain(&domain) {
        return Err(Error::invalid(
            "domain",
            "must be a domain name such as acme.com",
        ));
    }
    let mut tx = s.db.begin().await?;
    let org = scope::org(&mut tx, p, org_ref).await?;
    p.require(use_cases::SSO_UPDATE.permission, &Scope::Org)?;
    if domains::verified_org(&mut tx, &domain)
        .await?
        .is_some_and(|owner| owner != org.id)
    {
        return Err(Error::Conflict(
            "domain: another organization has verified it".into(),
        ));
    }
    if domains::list(&mut tx, &org.id).await?.len() >= MAX_CLAIMS {
        return Err(Error::invalid(
            "domain",
            format!("an organization may claim at most {MAX_CLAIMS} domains"),
        ));
    }
    let mut token = [0u8; 16];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut token);
    let row = ClaimRow {
        id: store::new_id(),
        org_id: org.id.clone(),
        domain,
        token: token.iter().map(|b| format!("{b:02x}")).collect(),
        created_at: store::now_ms(),
        verified_at: None,
    };
    domains::insert(&mut tx, &row).await.map_err(|e| {
        if store::is_unique_violation(&e) {
            Error::Conflict("domain: this organization already claims it".into())
        } else {
            e.into()
        }
    })?;
    AuditEvent::by(p, "domain.claimed")
        .entity("domain", &row.id, &row.domain)
        .insert(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(view(&row))
}

/// Looks the TXT record up now; verified when it holds the claim's value.
pub async fn verify(
    s: &Services,
    p: &Principal,
    org_ref: &str,
    id: &str,
) -> Result<DomainClaim, Error> {
    let row = {
        let mut conn = s.db.pool().acquire().await?;
        let org = scope::org(&mut conn, p, org_ref).await?;
        p.require(use_cases::SSO_UPDATE.permission, &Scope::Org)?;
        domains::get(&mut conn, &org.id, id)
            .await?
            .ok_or(Error::NotFound)?
    };
    if row.verified_at.is_some() {
        return Ok(view(&row));
    }
    let resolver = s.dns_resolver.ok_or_else(|| {
        Error::invalid(
            "domain",
            "this Foxgate has no DNS resolver (set FOXGATE_DNS_RESOLVER)",
        )
    })?;
    let name = format!("{RECORD_PREFIX}.{}", row.domain);
    let expected = record_value(&row.token);
    // The DNS answer is awaited with no connection or transaction held.
    let published = resolver
        .txt(&name)
        .await
        .map_err(|why| Error::invalid("domain", format!("{name} could not be looked up: {why}")))?;
    if !published.iter().any(|txt| txt.trim() == expected) {
        return Err(Error::invalid(
            "domain",
            format!("no TXT record at {name} holds {expected} yet (DNS changes can take a while to appear)"),
        ));
    }
    let mut tx = s.db.begin().await?;
    let org = scope::org(&mut tx, p, org_ref).await?;
    let Some(mut row) = domains::get(&mut tx, &org.id, id).await? else {
        return Err(Error::NotFound);
    };
    let now = store::now_ms();
    domains::mark_verified(&mut tx, &row.id, now)
        .await
        .map_err(|e| {
            if store::is_unique_violation(&e) {
                Error::Conflict("domain: another organization has verified it".into())
            } else {
                e.into()
            }
        })?;
    row.verified_at = Some(now);
    AuditEvent::by(p, "domain.verified")
        .entity("domain", &row.id, &row.domain)
        .insert(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(view(&row))
}

pub async fn delete(s: &Services, p: &Principal, org_ref: &str, id: &str) -> Result<(), Error> {
    let mut tx = s.db.begin().await?;
    let org = scope::org(&mut tx, p, org_ref).await?;
    p.require(use_cases::SSO_DELETE.permission, &Scope::Org)?;
    let row = domains::get(&mut tx, &org.id, id)
        .await?
        .ok_or(Error::NotFound)?;
    domains::delete(&mut tx, &row.id).await?;
    AuditEvent::by(p, "domain.deleted")
        .entity("domain", &row.id, &row.domain)
        .insert(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(())
}
