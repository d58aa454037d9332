//! Organizations and the one-row `instance` table that records first-run setup.

use sqlx::AnyConnection;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgRow {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub max_token_lifetime_days: Option<i64>,
    /// Everyone but owners must sign in through an identity provider.
    pub require_sso: bool,
    /// How many days its audit events are kept.
    pub audit_retention_days: i64,
    /// A shorter retention an owner asked for, and when (ms) it takes effect.
    pub audit_retention_pending: Option<(i64, i64)>,
    /// Each denied decision its services ask about is written to the activity log.
    pub log_denied_decisions: bool,
    /// How many days a script grant lives unused, and at most; None: the defaults.
    pub script_idle_days: Option<i64>,
    pub script_max_days: Option<i64>,
}

impl OrgRow {
    /// The retention in force at `now`: a lowered one only once its wait is over.
    pub fn retention_days_at(&self, now: i64) -> i64 {
        match self.audit_retention_pending {
            Some((days, at)) if at <= now => days,
            _ => self.audit_retention_days,
        }
    }
}

#[derive(sqlx::FromRow)]
struct Stored {
    id: String,
    slug: String,
    name: String,
    max_token_lifetime_days: Option<i64>,
    require_sso: i64,
    audit_retention_days: i64,
    audit_retention_pending_days: Option<i64>,
    audit_retention_pending_at: Option<i64>,
    log_denied_decisions: i64,
    script_idle_days: Option<i64>,
    script_max_days: Option<i64>,
}

const COLUMNS: &str =
    "id, slug, name, max_token_lifetime_days, require_sso, audit_retention_days, \
                       audit_retention_pending_days, audit_retention_pending_at, log_denied_decisions, \
                       script_idle_days, script_max_days";

impl From<Stored> for OrgRow {
    fn from(r: Stored) -> Self {
        OrgRow {
            id: r.id,
            slug: r.slug,
            name: r.name,
            max_token_lifetime_days: r.max_token_lifetime_days,
            require_sso: r.require_sso != 0,
            audit_retention_days: r.audit_retention_days,
            audit_retention_pending: r
                .audit_retention_pending_days
                .zip(r.audit_retention_pending_at),
            log_denied_decisions: r.log_denied_decisions != 0,
            script_idle_days: r.script_idle_days,
            script_max_days: r.script_max_days,
        }
    }
}

/// Marks the instance as set up; fails with a unique violation if it already was.
pub async fn mark_setup(conn: &mut AnyConnection, now: i64) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO instance (id, setup_at) VALUES (1, $1)")
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn is_setup(conn: &mut AnyConnection) -> sqlx::Result<bool> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM instance")
        .fetch_one(conn)
        .await?;
    Ok(n > 0)
}

pub async fn insert(conn: &mut AnyConnection, org: &OrgRow, now: i64) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO orgs (id, slug, name, created_at) VALUES ($1, $2, $3, $4)")
        .bind(&org.id)
        .bind(&org.slug)
        .bind(&org.name)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn get(conn: &mut AnyConnection, id: &str) -> sqlx::Result<Option<OrgRow>> {
    let row: Option<Stored> = sqlx::query_as(&format!("SELECT {COLUMNS} FROM orgs WHERE id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await?;
    Ok(row.map(OrgRow::from))
}

/// An org by slug or by id.
pub async fn find(conn: &mut AnyConnection, slug_or_id: &str) -> sqlx::Result<Option<OrgRow>> {
    let row: Option<Stored> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM orgs WHERE slug = $1 OR id = $1"
    ))
    .bind(slug_or_id)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(OrgRow::from))
}

/// Takes the org's row lock until the transaction ends, serializing changes that must see
/// each other (two owners removing each other at once). Same statement on both backends.
pub async fn lock(conn: &mut AnyConnection, org_id: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE orgs SET slug = slug WHERE id = $1")
        .bind(org_id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn update(conn: &mut AnyConnection, org: &OrgRow) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE orgs SET slug = $1, name = $2, max_token_lifetime_days = $3, require_sso = $4, \
         audit_retention_days = $5, audit_retention_pending_days = $6, audit_retention_pending_at = $7, \
         log_denied_decisions = $8, script_idle_days = $9, script_max_days = $10 WHERE id = $11",
    )
        .bind(&org.slug)
        .bind(&org.name)
        .bind(org.max_token_lifetime_days)
        .bind(i64::from(org.require_sso))
        .bind(org.audit_retention_days)
        .bind(org.audit_retention_pending.map(|(days, _)| days))
        .bind(org.audit_retention_pending.map(|(_, at)| at))
        .bind(i64::from(org.log_denied_decisions))
        .bind(org.script_idle_days)
        .bind(org.script_max_days)
        .bind(&org.id)
        .execute(conn)
        .await?;
    Ok(())
}
