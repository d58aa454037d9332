//! A change and its audit event commit together or not at all: a failure injected after
//! the event is written (a trigger refusing the per-day count that follows it) leaves
//! neither behind, and the hash chain unbroken.

use crate::events::{sql, verify};
use crate::harness::{add_member, add_teams, Backend, TestServer};
use crate::on_both_databases;
use reqwest::Method;
use serde_json::json;

const TABLES: [&str; 6] = [
    "teams",
    "roles",
    "tokens",
    "users",
    "grants",
    "audit_events",
];

async fn counts(s: &TestServer) -> Vec<i64> {
    let mut out = Vec::new();
    for table in TABLES {
        out.push(
            sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
                .fetch_one(s.state.services.db.pool())
                .await
                .unwrap(),
        );
    }
    out
}

/// Every write of the per-day counts fails from now on; they run after the event's insert.
async fn inject_failure(s: &TestServer, backend: Backend) {
    match backend {
        Backend::Sqlite => {
            sql(
                s,
                &[
                    "CREATE TRIGGER inject_insert BEFORE INSERT ON audit_daily \
                     BEGIN SELECT RAISE(ABORT, 'injected failure'); END",
                    "CREATE TRIGGER inject_update BEFORE UPDATE ON audit_daily \
                     BEGIN SELECT RAISE(ABORT, 'injected failure'); END",
                ],
            )
            .await
        }
        Backend::Postgres => {
            sql(
                s,
                &[
                    "CREATE FUNCTION inject() RETURNS trigger AS $$ \
                     BEGIN RAISE EXCEPTION 'injected failure'; END $$ LANGUAGE plpgsql",
                    "CREATE TRIGGER inject BEFORE INSERT OR UPDATE ON audit_daily \
                     FOR EACH ROW EXECUTE FUNCTION inject()",
                ],
            )
            .await
        }
    }
}

async fn a_failure_after_the_event_undoes_the_change(backend: Backend) {
    let s = TestServer::start(backend).await;
    let owner = s.signed_in_owner().await;
    add_teams(&s, &owner, &["alpha"]).await;
    let member = add_member(&s, &owner, "member@acme.test").await;
    let before = counts(&s).await;
    inject_failure(&s, backend).await;

    let changes = [
        (
            Method::POST,
            "/api/v1/orgs/acme/teams",
            json!({"slug": "beta", "name": "Beta"}),
        ),
        (
            Method::PATCH,
            "/api/v1/orgs/acme/teams/alpha",
            json!({"name": "Renamed"}),
        ),
        (
            Method::POST,
            "/api/v1/orgs/acme/roles",
            json!({"name": "R", "permissions": ["teams:read"]}),
        ),
        (
            Method::POST,
            "/api/v1/orgs/acme/tokens",
            json!({"name": "ci", "team": "alpha", "roles": ["viewer"]}),
        ),
        (
            Method::POST,
            "/api/v1/orgs/acme/members",
            json!({"email": "new@acme.test", "password": "member-password-1"}),
        ),
        (
            Method::POST,
            "/api/v1/orgs/acme/grants",
            json!({"user_id": member, "role": "viewer"}),
        ),
        (Method::DELETE, "/api/v1/orgs/acme/teams/alpha", json!(null)),
    ];
    for (method, path, body) in &changes {
        let body = (!body.is_null()).then(|| body.clone());
        let res = s.api(method.clone(), path, &owner, body).await;
        assert_eq!(res.status(), 500, "{method} {path}");
        assert_eq!(
            counts(&s).await,
            before,
            "{method} {path} left something behind"
        );
    }
    let name: String = sqlx::query_scalar("SELECT name FROM teams WHERE slug = 'alpha'")
        .fetch_one(s.state.services.db.pool())
        .await
        .unwrap();
    assert_eq!(name, "alpha", "the rename was rolled back");
    assert_eq!(verify(&s).await, None, "the chain head moved back with it");

    let lift = match backend {
        Backend::Sqlite => vec!["DROP TRIGGER inject_insert", "DROP TRIGGER inject_update"],
        Backend::Postgres => vec!["DROP TRIGGER inject ON audit_daily"],
    };
    sql(&s, &lift).await;
    let (method, path, body) = &changes[0];
    let res = s
        .api(method.clone(), path, &owner, Some(body.clone()))
        .await;
    assert_eq!(res.status(), 201);
    let after = counts(&s).await;
    assert_eq!(after[0], before[0] + 1, "the team");
    assert_eq!(after[5], before[5] + 1, "and exactly one event");
    assert_eq!(verify(&s).await, None);
}
on_both_databases!(a_failure_after_the_event_undoes_the_change);
