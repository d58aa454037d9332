//! Reading the audit log: one query with optional filters, limited to what the caller may
//! read. Pages go newest first, continued by keyset (`(created_at, id) < cursor`), never
//! OFFSET; the live tail goes forward along the org's chain (`chain_seq > after`), which
//! is commit order because appends to a chain hold its head row's lock.

use sqlx::AnyConnection;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EventRow {
    pub id: String,
    pub created_at: i64,
    pub org_id: Option<String>,
    pub team_id: Option<String>,
    pub actor_kind: String,
    pub actor_id: Option<String>,
    pub actor_label: Option<String>,
    pub action: String,
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    pub entity_label: Option<String>,
    pub outcome: String,
    pub reason: Option<String>,
    pub ip: Option<String>,
    pub origin: Option<String>,
    pub request_id: Option<String>,
    pub snapshot: Option<String>,
    pub chain_seq: Option<i64>,
}

/// What to read. `teams` and `entity_types`, when given, are the caller's limits (a
/// team-scoped reader); the rest are the caller's filters.
#[derive(Debug, Default)]
pub struct Query<'a> {
    pub org_id: &'a str,
    pub teams: Option<&'a [String]>,
    pub entity_types: Option<&'a [&'static str]>,
    pub entity_type: Option<&'a str>,
    pub entity_id: Option<&'a str>,
    pub actor_id: Option<&'a str>,
    pub actor_kind: Option<&'a str>,
    /// Any of these actions.
    pub actions: Option<&'a [&'static str]>,
    pub team_id: Option<&'a str>,
    pub ip: Option<&'a str>,
    pub outcome: Option<&'a str>,
    pub since: Option<i64>,
    pub until: Option<i64>,
    /// The last event of the previous page: `(created_at, id)`.
    pub before: Option<(i64, &'a str)>,
    /// Only events later in the org's chain than this position.
    pub after_seq: Option<i64>,
    pub limit: i64,
}

use super::audit::EVENT_COLUMNS as COLUMNS;
use super::sql::{Bind, Sql};

/// One page, newest first.
pub async fn page(conn: &mut AnyConnection, q: &Query<'_>) -> sqlx::Result<Vec<EventRow>> {
    fetch(conn, q, "created_at DESC, id DESC").await
}

/// The events after `q.after_seq` in chain (commit) order, oldest first.
pub async fn tail(conn: &mut AnyConnection, q: &Query<'_>) -> sqlx::Result<Vec<EventRow>> {
    fetch(conn, q, "chain_seq ASC").await
}

/// The org chain's current position: where a live tail starts.
pub async fn head(conn: &mut AnyConnection, org_id: &str) -> sqlx::Result<i64> {
    let seq: Option<i64> = sqlx::query_scalar("SELECT seq FROM audit_chain WHERE chain = $1")
        .bind(org_id)
        .fetch_optional(conn)
        .await?;
    Ok(seq.unwrap_or(0))
}

/// Events per UTC day for the days (day starts) in `days`, from the daily rollup, within
/// the caller's limits: `(day, events)`.
pub async fn per_day(
    conn: &mut AnyConnection,
    q: &Query<'_>,
    days: std::ops::Range<i64>,
) -> sqlx::Result<Vec<(i64, i64)>> {
    if q.teams.is_some_and(<[String]>::is_empty) {
        return Ok(Vec::new());
    }
    let mut sql = Sql {
        text: "SELECT day, CAST(SUM(events) AS BIGINT) FROM audit_daily WHERE org_id = $1 AND day >= $2 AND day < $3"
            .into(),
        binds: vec![Bind::Text(q.org_id), Bind::Int(days.start), Bind::Int(days.end)],
    };
    if let Some(teams) = q.teams {
        sql.within("team_id", teams);
    }
    if let Some(types) = q.entity_types {
        let params: Vec<String> = types.iter().map(|t| sql.param(Bind::Text(t))).collect();
        sql.text
            .push_str(&format!(" AND entity_type IN ('', {})", params.join(", ")));
    }
    sql.text.push_str(" GROUP BY day ORDER BY day");
    sql.run::<(i64, i64)>().fetch_all(conn).await
}

async fn fetch(
    conn: &mut AnyConnection,
    q: &Query<'_>,
    order: &str,
) -> sqlx::Result<Vec<EventRow>> {
    let Some(mut sql) = matching(q, &format!("SELECT {COLUMNS}")) else {
        return Ok(Vec::new());
    };
    let limit = sql.param(Bind::Int(q.limit));
    sql.text
        .push_str(&format!(" ORDER BY {order} LIMIT {limit}"));
    sql.run::<EventRow>().fetch_all(conn).await
}

/// Events per UTC day among those `q` selects: `(day, events)`, oldest first. Each filter
/// has an index led by `(org_id, <column>, created_at)`, so a day range is a range scan.
pub async fn count_per_day(
    conn: &mut AnyConnection,
    q: &Query<'_>,
) -> sqlx::Result<Vec<(i64, i64)>> {
    let select = "SELECT created_at - created_at % 86400000 AS day, CAST(COUNT(*) AS BIGINT)";
    let Some(mut sql) = matching(q, select) else {
        return Ok(Vec::new());
    };
    sql.text.push_str(" GROUP BY 1 ORDER BY 1");
    sql.run::<(i64, i64)>().fetch_all(conn).await
}

/// `select` from the org's events with every condition of `q`; `None` when `q` can match
/// nothing (no team or action within the caller's reach).
fn matching<'a>(q: &Query<'a>, select: &str) -> Option<Sql<'a>> {
    if q.teams.is_some_and(<[String]>::is_empty) || q.actions.is_some_and(<[&str]>::is_empty) {
        return None;
    }
    let mut sql = Sql {
        text: format!("{select} FROM audit_events WHERE org_id = $1"),
        binds: vec![Bind::Text(q.org_id)],
    };
    if let Some(teams) = q.teams {
        sql.within("team_id", teams);
    }
    if let Some(types) = q.entity_types {
        if types.is_empty() {
            sql.text.push_str(" AND entity_type IS NULL");
        } else {
            let params: Vec<String> = types.iter().map(|t| sql.param(Bind::Text(t))).collect();
            sql.text.push_str(&format!(
                " AND (entity_type IS NULL OR entity_type IN ({}))",
                params.join(", ")
            ));
        }
    }
    sql.equals("entity_type", q.entity_type);
    sql.equals("entity_id", q.entity_id);
    sql.equals("actor_id", q.actor_id);
    sql.equals("actor_kind", q.actor_kind);
    if let Some(actions) = q.actions {
        sql.within("action", actions);
    }
    sql.equals("team_id", q.team_id);
    sql.equals("ip", q.ip);
    sql.equals("outcome", q.outcome);
    if let Some(since) = q.since {
        let p = sql.param(Bind::Int(since));
        sql.text.push_str(&format!(" AND created_at >= {p}"));
    }
    if let Some(until) = q.until {
        let p = sql.param(Bind::Int(until));
        sql.text.push_str(&format!(" AND created_at < {p}"));
    }
    if let Some((at, id)) = q.before {
        let at = sql.param(Bind::Int(at));
        let id = sql.param(Bind::Text(id));
        sql.text
            .push_str(&format!(" AND (created_at, id) < ({at}, {id})"));
    }
    if let Some(after) = q.after_seq {
        let p = sql.param(Bind::Int(after));
        sql.text.push_str(&format!(" AND chain_seq > {p}"));
    }
    Some(sql)
}
