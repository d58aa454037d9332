//! An org's identity providers. The client secret is stored sealed (see `seal`); lists are
//! space-separated words and the group rules a JSON array, so one row is one provider.

use super::sql::{Bind, Sql};
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
    /// Its JWTs with this audience are accepted on the API; None: never.
    pub api_audience: Option<String>,
}

/// The columns as stored; [`ProviderRow`] is the typed view.
#[derive(sqlx::FromRow)]
struct Stored {
    id: String,
    org_id: String,
    kind: String,
    name: String,
    issuer: String,
    client_id: String,
    client_secret_sealed: Option<String>,
    scopes: String,
    allowed_domains: String,
    allowed_tenants: String,
    groups_claim: Option<String>,
    group_rules: String,
    default_role_id: Option<String>,
    enabled: i64,
    created_at: i64,
    updated_at: i64,
    api_audience: Option<String>,
}

const COLUMNS: &str = "id, org_id, kind, name, issuer, client_id, client_secret_sealed, scopes, \
     allowed_domains, allowed_tenants, groups_claim, group_rules, default_role_id, enabled, created_at, updated_at, api_audience";

fn words(list: &str) -> Vec<String> {
    list.split_whitespace().map(str::to_string).collect()
}

/// A corrupt kind or rule list is an error naming the row: read as "generic" or "no rules",
/// the next sign-in would trust the wrong issuer or revoke every mapped grant.
fn from_row(r: Stored) -> sqlx::Result<ProviderRow> {
    let corrupt = |column, why: String| super::corrupt("identity_providers", &r.id, column, why);
    let kind = ProviderKind::parse(&r.kind)
        .ok_or_else(|| corrupt("kind", format!("unknown kind {:?}", r.kind)))?;
    let group_rules =
        serde_json::from_str(&r.group_rules).map_err(|e| corrupt("group_rules", e.to_string()))?;
    Ok(ProviderRow {
        kind,
        group_rules,
        scopes: words(&r.scopes),
        allowed_domains: words(&r.allowed_domains),
        allowed_tenants: words(&r.allowed_tenants),
        enabled: r.enabled != 0,
        id: r.id,
        org_id: r.org_id,
        name: r.name,
        issuer: r.issuer,
        client_id: r.client_id,
        client_secret_sealed: r.client_secret_sealed,
        groups_claim: r.groups_claim,
        default_role_id: r.default_role_id,
        created_at: r.created_at,
        updated_at: r.updated_at,
        api_audience: r.api_audience,
    })
}

fn rules_json(rules: &[StoredRule]) -> String {
    serde_json::to_string(rules).expect("rules serialize")
}

pub async fn insert(conn: &mut AnyConnection, p: &ProviderRow) -> sqlx::Result<()> {
    sqlx::query(&format!(
        "INSERT INTO identity_providers ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)"
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
    .bind(&p.api_audience)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn update(conn: &mut AnyConnection, p: &ProviderRow) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE identity_providers SET kind = $1, name = $2, issuer = $3, client_id = $4, \
         client_secret_sealed = $5, scopes = $6, allowed_domains = $7, allowed_tenants = $8, \
         groups_claim = $9, group_rules = $10, default_role_id = $11, enabled = $12, updated_at = $13, \
         api_audience = $14 WHERE id = $15",
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
    .bind(&p.api_audience)
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

/// How many providers the org has (bounded per org).
pub async fn count(conn: &mut AnyConnection, org_id: &str) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM identity_providers WHERE org_id = $1")
        .bind(org_id)
        .fetch_one(conn)
        .await
}

/// Every provider of the org (at most `MAX_PROVIDERS` of the service), oldest first.
pub async fn list(conn: &mut AnyConnection, org_id: &str) -> sqlx::Result<Vec<ProviderRow>> {
    let rows: Vec<Stored> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM identity_providers WHERE org_id = $1 ORDER BY created_at, id"
    ))
    .bind(org_id)
    .fetch_all(conn)
    .await?;
    rows.into_iter().map(from_row).collect()
}

/// One page of the org's providers, oldest first (`limit` + 1 rows read), after the
/// `(created_at, id)` key of the previous page's last.
pub async fn page(
    conn: &mut AnyConnection,
    org_id: &str,
    after: Option<(i64, &str)>,
    limit: u32,
) -> sqlx::Result<Vec<ProviderRow>> {
    let mut sql = Sql::of_org(
        format!("SELECT {COLUMNS} FROM identity_providers WHERE org_id = $1"),
        org_id,
    );
    sql.after(
        "created_at, id",
        after.map(|(at, id)| vec![Bind::Int(at), Bind::Text(id)]),
        false,
    );
    sql.order_limit("created_at, id", limit);
    let rows: Vec<Stored> = sql.run().fetch_all(conn).await?;
    rows.into_iter().map(from_row).collect()
}

/// A provider by id, whatever its org (the sign-in callback knows only the id).
pub async fn get(conn: &mut AnyConnection, id: &str) -> sqlx::Result<Option<ProviderRow>> {
    let row: Option<Stored> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM identity_providers WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await?;
    row.map(from_row).transpose()
}

/// Every enabled provider that accepts its tokens on the API, whose issuer is `issuer` (or,
/// for Entra ID's multi-tenant issuers, any: their issuer names the tenant).
pub async fn accepting_bearer(
    conn: &mut AnyConnection,
    issuer: &str,
) -> sqlx::Result<Vec<ProviderRow>> {
    let rows: Vec<Stored> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM identity_providers WHERE enabled = 1 AND api_audience IS NOT NULL \
         AND (issuer = $1 OR kind = 'entra') ORDER BY created_at, id LIMIT 50"
    ))
    .bind(issuer)
    .fetch_all(conn)
    .await?;
    rows.into_iter().map(from_row).collect()
}

/// Every enabled provider of every org, for finding one by email domain. Few rows: an
/// instance has a handful of orgs, each with a provider or two.
pub async fn all_enabled(conn: &mut AnyConnection) -> sqlx::Result<Vec<ProviderRow>> {
    let rows: Vec<Stored> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM identity_providers WHERE enabled = 1 ORDER BY created_at, id"
    ))
    .fetch_all(conn)
    .await?;
    rows.into_iter().map(from_row).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(kind: &str, group_rules: &str) -> Stored {
        Stored {
            id: "idp-1".into(),
            org_id: "o".into(),
            kind: kind.into(),
            name: "Okta".into(),
            issuer: "https://acme.okta.com".into(),
            client_id: "c".into(),
            client_secret_sealed: None,
            scopes: "openid email".into(),
            allowed_domains: String::new(),
            allowed_tenants: String::new(),
            groups_claim: Some("groups".into()),
            group_rules: group_rules.into(),
            default_role_id: None,
            enabled: 1,
            created_at: 0,
            updated_at: 0,
            api_audience: None,
        }
    }

    #[test]
    fn corrupt_values_are_errors_naming_the_row_never_defaults() {
        let rules = r#"[{"group":"Eng","team_id":null,"role_id":"member"}]"#;
        let good = from_row(stored("okta", rules)).unwrap();
        assert_eq!(good.group_rules.len(), 1);
        assert_eq!(good.scopes, ["openid", "email"]);
        for bad in [stored("okta", "{not json"), stored("mystery", rules)] {
            let e = from_row(bad).unwrap_err().to_string();
            assert!(e.contains("idp-1"), "{e}");
        }
    }
}
