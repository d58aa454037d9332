//! An org's email domains: claiming one, proving it with a DNS TXT record Foxgate checks,
//! and removing it. Only a verified domain routes sign-ins (`sso::start` by email) to the
//! org's identity providers, and a domain verified by one org cannot be verified by another.

use super::Services;
use crate::authz::Principal;
use crate::model::{AuditAction, EntityType};
use crate::model::{DomainClaim, NewDomainClaim};
use crate::store;
use crate::store::domains::{self, ClaimRow};
use crate::use_cases::{SSO_DELETE, SSO_READ, SSO_UPDATE};
use crate::Error;

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
    let mut cx = SSO_READ.read(s, p, org_ref, None).await?;
    Ok(domains::list(&mut cx.db, &cx.org.id)
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
    let mut cx = SSO_UPDATE.begin(s, p, org_ref, None).await?;
    let (org, tx) = (&cx.org, &mut cx.db);
    if domains::verified_org(tx, &domain)
        .await?
        .is_some_and(|owner| owner != org.id)
    {
        return Err(Error::Conflict(
            "domain: another organization has verified it".into(),
        ));
    }
    if domains::list(tx, &org.id).await?.len() >= MAX_CLAIMS {
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
    domains::insert(tx, &row).await.map_err(|e| {
        if store::is_unique_violation(&e) {
            Error::Conflict("domain: this organization already claims it".into())
        } else {
            e.into()
        }
    })?;
    cx.event(AuditAction::DomainClaimed)
        .entity(EntityType::Domain, &row.id, &row.domain)
        .insert(&mut cx.db)
        .await?;
    cx.commit().await?;
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
        let mut cx = SSO_UPDATE.read(s, p, org_ref, None).await?;
        domains::get(&mut cx.db, &cx.org.id, id)
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
    let mut cx = SSO_UPDATE.begin(s, p, org_ref, None).await?;
    let Some(mut row) = domains::get(&mut cx.db, &cx.org.id, id).await? else {
        return Err(Error::NotFound);
    };
    let now = store::now_ms();
    domains::mark_verified(&mut cx.db, &row.id, now)
        .await
        .map_err(|e| {
            if store::is_unique_violation(&e) {
                Error::Conflict("domain: another organization has verified it".into())
            } else {
                e.into()
            }
        })?;
    row.verified_at = Some(now);
    cx.event(AuditAction::DomainVerified)
        .entity(EntityType::Domain, &row.id, &row.domain)
        .insert(&mut cx.db)
        .await?;
    cx.commit().await?;
    Ok(view(&row))
}

pub async fn delete(s: &Services, p: &Principal, org_ref: &str, id: &str) -> Result<(), Error> {
    let mut cx = SSO_DELETE.begin(s, p, org_ref, None).await?;
    let row = domains::get(&mut cx.db, &cx.org.id, id)
        .await?
        .ok_or(Error::NotFound)?;
    domains::delete(&mut cx.db, &row.id).await?;
    cx.event(AuditAction::DomainDeleted)
        .entity(EntityType::Domain, &row.id, &row.domain)
        .insert(&mut cx.db)
        .await?;
    cx.commit().await?;
    Ok(())
}
