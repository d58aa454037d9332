//! An org's identity providers. The client secret is stored sealed (see `seal`); lists are
//! space-separated words and the group rules a JSON array, so one row is one provider.

use crate::model::ProviderKind;
use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;

/// A group rule as stored: the team by id, so renaming a team keeps the rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredRule {
    pub group: String,
    pub team_id: Option<String>,
    pub role_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderRow {
    pub id: String,
    pub org_id: String,
    pub kind: ProviderKind,
    pub name: String,
    pub issuer: String,
    pub client_id: String,
    pub client_secret_sealed: Option<String>,
    pub scopes: Vec<String>,
    pub allowed_domains: Vec<String>,
    pub allowed_tenants: Vec<String>,
    pub groups_claim: Option<String>,
    pub group_rules: Vec<StoredRule>,
    pub default_role_id: Option<String>,
    pub enabled: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

type Row = (
    String,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    String,
    String,
    String,
    Option<String>,
    String,
    Option<String>,
    i64,
    i64,
    i64,
);

const COLUMNS: &str = "id, org_id, kind, name, issuer, client_id, client_secret_sealed, scopes, \
     allowed_domains, allowed_tenants, groups_claim, group_rules, default_role_id, enabled, created_at, updated_at";

fn words(list: &str) -> Vec<String> {
    list.split_whitespace().map(str::to_string).collect()
}

fn from_row(r: Row) -> ProviderRow {
    ProviderRow {
        id: r.0,
        org_id: r.1,
        // Only this module writes `kind`, always from a ProviderKind.
        kind: ProviderKind::parse(&r.2).unwrap_or(ProviderKind::Generic),
        name: r.3,
        issuer: r.4,
        client_id: r.5,
        client_secret_sealed: r.6,
        scopes: words(&r.7),
        allowed_domains: words(&r.8),
        allowed_tenants: words(&r.9),
        groups_claim: r.10,
        group_rules: serde_json::from_str(&r.11).unwrap_or_default(),
        default_role_id: r.12,
        enabled: r.13 != 0,
        created_at: r.14,
        updated_at: r.15,
    }
}

fn rules_json(rules: &[StoredRule]) -> String {
    serde_json::to_string(rules).expect("rules serialize")
}

pub async fn insert(conn: &mut AnyConnection, p: &ProviderRow) -> sqlx::Result<()> {
    sqlx::query(&format!(
        "INSERT INTO identity_providers ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)"
    ))
    .bind(&p.id)
    .bind(&p.org_id)
    .bind(p.kind.as_str())
    .bind(&p.name)
    .bind(&p.issuer)
    .bind(&p.client_id)
    .bind(&p.client_secret_sealed)
    .bind(p.scopes.join(" "))
    .bind(p.allowed_domains.join(" "))
    .bind(p.allowed_tenants.join(" "))
    .bind(&p.groups_claim)
    .bind(rules_json(&p.group_rules))
    .bind(&p.default_role_id)
    .bind(i64::from(p.enabled))
    .bind(p.created_at)
    .bind(p.updated_at)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn update(conn: &mut AnyConnection, p: &ProviderRow) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE identity_providers SET kind = $1, name = $2, issuer = $3, client_id = $4, \
         client_secret_sealed = $5, scopes = $6, allowed_domains = $7, allowed_tenants = $8, \
         groups_claim = $9, group_rules = $10, default_role_id = $11, enabled = $12, updated_at = $13 \
         WHERE id = $14",
    )
    .bind(p.kind.as_str())
    .bind(&p.name)
    .bind(&p.issuer)
    .bind(&p.client_id)
    .bind(&p.client_secret_sealed)
    .bind(p.scopes.join(" "))
    .bind(p.allowed_domains.join(" "))
    .bind(p.allowed_tenants.join(" "))
    .bind(&p.groups_claim)
    .bind(rules_json(&p.group_rules))
    .bind(&p.default_role_id)
    .bind(i64::from(p.enabled))
    .bind(p.updated_at)
    .bind(&p.id)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn delete(conn: &mut AnyConnection, id: &str) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM identity_providers WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn list(conn: &mut AnyConnection, org_id: &str) -> sqlx::Result<Vec<ProviderRow>> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM identity_providers WHERE org_id = $1 ORDER BY created_at, id"
    ))
    .bind(org_id)
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(from_row).collect())
}

/// A provider by id, whatever its org (the sign-in callback knows only the id).
pub async fn get(conn: &mut AnyConnection, id: &str) -> sqlx::Result<Option<ProviderRow>> {
    let row: Option<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM identity_providers WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(from_row))
}

/// Every enabled provider of every org, for finding one by email domain. Few rows: an
/// instance has a handful of orgs, each with a provider or two.
pub async fn all_enabled(conn: &mut AnyConnection) -> sqlx::Result<Vec<ProviderRow>> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM identity_providers WHERE enabled = 1 ORDER BY created_at, id"
    ))
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(from_row).collect())
}
