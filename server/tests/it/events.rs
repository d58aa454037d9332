//! The Events API: every filter, keyset pages that stay put while events are added, and
//! scoping (a team-scoped reader sees their team's events; nobody sees entity types they
//! may not read).

use crate::harness::{add_member, add_teams, grant, json, sign_in, Backend, TestServer};
use crate::on_both_databases;
use reqwest::Method;
use serde_json::{json, Value};

const EVENTS: &str = "/api/v1/orgs/acme/events";

async fn events(s: &TestServer, cookie: &str, query: &str) -> Value {
    let res = s
        .api(Method::GET, &format!("{EVENTS}{query}"), cookie, None)
        .await;
    let status = res.status();
    let body = json(res).await;
    assert_eq!(status, 200, "{query}: {body}");
    body
}

fn actions(page: &Value) -> Vec<String> {
    page["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_string())
        .collect()
}

async fn events_are_filtered_and_paged(backend: Backend) {
    let s = TestServer::start(backend).await;
    let owner = s.signed_in_owner().await;
    add_teams(&s, &owner, &["alpha", "beta"]).await;
    let m = add_member(&s, &owner, "m@acme.test").await;
    assert_eq!(
        grant(&s, &owner, &m, "member", Some("alpha"))
            .await
            .status(),
        201
    );
    let res = s.login("m@acme.test", "not-the-password", None).await;
    assert_eq!(res.status(), 303);

    let all = events(&s, &owner, "").await;
    let list = all["events"].as_array().unwrap();
    assert!(list.len() >= 6, "{all}");
    let first = &list[0];
    assert_eq!(first["action"], "signin.failed", "newest first");
    assert_eq!(first["outcome"], "failure");
    assert_eq!(first["reason"], "bad_password");
    let created = list.iter().find(|e| e["action"] == "team.created").unwrap();
    assert_eq!(created["actor"]["kind"], "user");
    assert_eq!(created["actor"]["label"], crate::harness::OWNER_EMAIL);
    assert_eq!(created["entity"]["type"], "team");
    assert_eq!(created["ip"], "127.0.0.1");
    assert_eq!(created["origin_host"], s.base.trim_start_matches("http://"));
    assert!(created["request_id"]
        .as_str()
        .is_some_and(|r| !r.is_empty()));
    assert!(created["time"].as_str().unwrap().ends_with('Z'));
    let times: Vec<i64> = list
        .iter()
        .map(|e| e["created_at"].as_i64().unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "newest first");

    // Each filter narrows to what it names.
    let owner_id = created["actor"]["id"].as_str().unwrap().to_string();
    let team_id = created["team_id"].as_str().unwrap().to_string();
    for (query, expect) in [
        ("?entity_type=team", vec!["team.created", "team.created"]),
        ("?action=grant.created&team=alpha", vec!["grant.created"]),
        ("?outcome=failure", vec!["signin.failed"]),
        ("?ip=10.0.0.1", vec![]),
        ("?since=2999-01-01", vec![]),
        ("?until=2000-01-01T00:00:00Z", vec![]),
    ] {
        assert_eq!(actions(&events(&s, &owner, query).await), expect, "{query}");
    }
    let by_owner = events(&s, &owner, &format!("?actor={owner_id}&actor_kind=user")).await;
    assert!(!by_owner["events"].as_array().unwrap().is_empty());
    assert!(by_owner["events"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["actor"]["id"] == owner_id.as_str()));
    let one = events(&s, &owner, &format!("?entity_id={team_id}")).await;
    assert_eq!(actions(&one), vec!["team.created"]);
    let everything = list.len();
    assert_eq!(
        events(
            &s,
            &owner,
            &format!("?ip=127.0.0.1&since={}", times.last().unwrap())
        )
        .await["events"]
            .as_array()
            .unwrap()
            .len(),
        everything
    );

    // Pages of two, following the cursor, while new events keep arriving: nothing is
    // repeated or skipped, and the new events do not shift the older pages.
    let mut seen: Vec<String> = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let query = match &cursor {
            Some(c) => format!("?limit=2&cursor={c}"),
            None => "?limit=2".to_string(),
        };
        let page = events(&s, &owner, &query).await;
        for e in page["events"].as_array().unwrap() {
            seen.push(e["id"].as_str().unwrap().to_string());
        }
        add_teams(&s, &owner, &[&format!("t{}", seen.len())]).await;
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    let expected: Vec<String> = list
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(seen, expected);

    // Bad filters answer 422 naming the field, or 404 for a team that is not there.
    for (query, field) in [
        ("?limit=0", "limit"),
        ("?limit=201", "limit"),
        ("?outcome=maybe", "outcome"),
        ("?since=yesterday", "since"),
        ("?cursor=%25%25", "cursor"),
        ("?colour=red", "query"),
        ("?limit=many", "query"),
    ] {
        let res = s
            .api(Method::GET, &format!("{EVENTS}{query}"), &owner, None)
            .await;
        assert_eq!(res.status(), 422, "{query}");
        assert_eq!(json(res).await["error"]["field"], field, "{query}");
    }
    let res = s
        .api(Method::GET, &format!("{EVENTS}?team=nope"), &owner, None)
        .await;
    assert_eq!(res.status(), 404);
}
on_both_databases!(events_are_filtered_and_paged);

async fn readers_see_only_what_they_may_read(backend: Backend) {
    let s = TestServer::start(backend).await;
    let owner = s.signed_in_owner().await;
    add_teams(&s, &owner, &["alpha", "beta"]).await;
    let body = json!({"kind": "okta", "issuer": "https://acme.okta.example/oauth2/default",
                      "client_id": "c", "client_secret": "s"});
    let res = s
        .api(
            Method::POST,
            "/api/v1/orgs/acme/sso/providers",
            &owner,
            Some(body),
        )
        .await;
    assert_eq!(res.status(), 201);
    let mut cookies = Vec::new();
    for (email, role, team) in [
        ("lead@acme.test", "team_admin", Some("alpha")),
        ("viewer@acme.test", "viewer", None),
        ("member@acme.test", "member", None),
    ] {
        let id = add_member(&s, &owner, email).await;
        assert_eq!(grant(&s, &owner, &id, role, team).await.status(), 201);
        cookies.push(sign_in(&s, email).await);
    }
    let (lead, viewer, member) = (&cookies[0], &cookies[1], &cookies[2]);

    let everything = events(&s, &owner, "?limit=200").await;
    let alpha_id = everything["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "team.created" && e["entity"]["label"] == "alpha")
        .unwrap()["team_id"]
        .clone();
    assert!(actions(&everything).contains(&"sso_provider.created".to_string()));

    // Team Admin of alpha: alpha's events only.
    let theirs = events(&s, lead, "?limit=200").await;
    let list = theirs["events"].as_array().unwrap();
    assert!(!list.is_empty());
    assert!(list.iter().all(|e| e["team_id"] == alpha_id), "{theirs}");
    let res = s
        .api(Method::GET, &format!("{EVENTS}?team=beta"), lead, None)
        .await;
    assert_eq!(
        res.status(),
        404,
        "a team they cannot read does not exist for them"
    );

    // Viewer reads the log org-wide, but not about identity providers (no sso:read).
    let seen = actions(&events(&s, viewer, "?limit=200").await);
    assert!(seen.contains(&"team.created".to_string()));
    assert!(
        !seen.iter().any(|a| a.starts_with("sso_provider.")),
        "{seen:?}"
    );

    // Member: no audit:read anywhere.
    let res = s.api(Method::GET, EVENTS, member, None).await;
    assert_eq!(res.status(), 403);
    let res = s.get(EVENTS, None).await;
    assert_eq!(res.status(), 401);
}
on_both_databases!(readers_see_only_what_they_may_read);

async fn insert_event(s: &TestServer, org_id: &str, days_ago: i64) {
    let at = foxgate_core::store::now_ms() - days_ago * 86_400_000;
    sqlx::query(
        "INSERT INTO audit_events (id, created_at, org_id, actor_kind, action, outcome) \
         VALUES ($1, $2, $3, 'user', 'test.old', 'success')",
    )
    .bind(foxgate_core::store::new_id())
    .bind(at)
    .bind(org_id)
    .execute(s.state.services.db.pool())
    .await
    .unwrap();
}

async fn the_log_refuses_edits_and_keeps_its_retention(backend: Backend) {
    let s = TestServer::start(backend).await;
    let owner = s.signed_in_owner().await;
    add_teams(&s, &owner, &["alpha"]).await;
    let pool = s.state.services.db.pool();
    let count = || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM audit_events")
            .fetch_one(pool)
            .await
            .unwrap()
    };
    let before = count().await;
    let mut statements = vec![
        "UPDATE audit_events SET action = 'team.renamed'",
        "UPDATE audit_events SET ip = NULL WHERE action = 'team.created'",
        "DELETE FROM audit_events",
        "DELETE FROM audit_events WHERE action = 'team.created'",
    ];
    if matches!(backend, Backend::Postgres) {
        statements.push("TRUNCATE audit_events");
    }
    for sql in statements {
        let refused = sqlx::query(sql).execute(pool).await;
        assert!(refused.is_err(), "{sql} must be refused");
    }
    assert_eq!(count().await, before);
    let actions: Vec<String> = sqlx::query_scalar("SELECT action FROM audit_events")
        .fetch_all(pool)
        .await
        .unwrap();
    assert!(actions.contains(&"team.created".to_string()));

    // Retention: per org, 1 to 3650 days; the purge removes only what is past it.
    for bad in [0, 3651] {
        let res = s
            .api(
                Method::PATCH,
                "/api/v1/orgs/acme",
                &owner,
                Some(json!({"audit_retention_days": bad})),
            )
            .await;
        assert_eq!(res.status(), 422);
        assert_eq!(json(res).await["error"]["field"], "audit_retention_days");
    }
    let res = s
        .api(
            Method::PATCH,
            "/api/v1/orgs/acme",
            &owner,
            Some(json!({"audit_retention_days": 7})),
        )
        .await;
    let org = json(res).await;
    assert_eq!(
        org["audit_retention_days"], 30,
        "a shorter retention waits a week"
    );
    assert_eq!(org["audit_retention_pending"]["days"], 7);
    let org_id = org["id"].as_str().unwrap().to_string();
    // The week has passed.
    sqlx::query("UPDATE orgs SET audit_retention_pending_at = 0 WHERE id = $1")
        .bind(&org_id)
        .execute(pool)
        .await
        .unwrap();
    insert_event(&s, &org_id, 8).await;
    insert_event(&s, &org_id, 6).await;
    let with_old = count().await;
    let purged = foxgate_core::service::events::purge_expired(&s.state.services)
        .await
        .unwrap();
    assert_eq!(purged, 1, "only the event past 7 days");
    assert_eq!(count().await, with_old - 1);
    assert!(
        sqlx::query("DELETE FROM audit_events")
            .execute(pool)
            .await
            .is_err(),
        "the purge leaves the guard up"
    );
}
on_both_databases!(the_log_refuses_edits_and_keeps_its_retention);

pub(crate) async fn verify(s: &TestServer) -> Option<String> {
    let reports = foxgate_core::service::audit_chain::verify(&s.state.services, Some("acme"))
        .await
        .unwrap();
    assert_eq!(reports.len(), 1);
    reports[0].broken.clone()
}

/// What an attacker with SQL access does first: switch the log's guard triggers off.
pub(crate) async fn guard_off(s: &TestServer, backend: Backend) {
    match backend {
        Backend::Sqlite => {
            sql(
                s,
                &[
                    "DROP TRIGGER audit_events_no_update",
                    "DROP TRIGGER audit_events_no_delete",
                ],
            )
            .await
        }
        Backend::Postgres => sql(s, &["ALTER TABLE audit_events DISABLE TRIGGER USER"]).await,
    }
}

pub(crate) async fn sql(s: &TestServer, statements: &[&str]) {
    for statement in statements {
        sqlx::query(statement)
            .execute(s.state.services.db.pool())
            .await
            .unwrap_or_else(|e| panic!("{statement}: {e}"));
    }
}

async fn the_chain_catches_edits_deletions_and_reorders(backend: Backend) {
    let s = TestServer::start(backend).await;
    let owner = s.signed_in_owner().await;
    // Concurrent writers append to one chain without forking it.
    let mut writers = tokio::task::JoinSet::new();
    for i in 0..12 {
        let request = s
            .client
            .post(s.url("/api/v1/orgs/acme/teams"))
            .header("cookie", &owner)
            .header("origin", &s.base)
            .json(&json!({"slug": format!("team-{i}"), "name": format!("Team {i}")}));
        writers.spawn(async move { request.send().await.unwrap().status() });
    }
    while let Some(status) = writers.join_next().await {
        assert_eq!(status.unwrap(), 201);
    }
    assert_eq!(verify(&s).await, None, "an untouched log verifies");
    let reports = foxgate_core::service::audit_chain::verify(&s.state.services, None)
        .await
        .unwrap();
    assert!(reports.iter().all(|r| r.broken.is_none()), "{reports:?}");
    assert!(reports[0].events >= 13);

    guard_off(&s, backend).await;
    let edit = "UPDATE audit_events SET entity_label = 'Evil' WHERE entity_label = 'Team 5'";
    sql(&s, &[edit]).await;
    let broken = verify(&s).await.expect("an edit is caught");
    assert!(broken.contains("edited"), "{broken}");
    sql(
        &s,
        &["UPDATE audit_events SET entity_label = 'Team 5' WHERE entity_label = 'Evil'"],
    )
    .await;
    assert_eq!(verify(&s).await, None, "undone, it verifies again");

    sql(
        &s,
        &[
            "CREATE TABLE kept AS SELECT * FROM audit_events WHERE entity_label = 'Team 7'",
            "DELETE FROM audit_events WHERE entity_label = 'Team 7'",
        ],
    )
    .await;
    let broken = verify(&s).await.expect("a deletion is caught");
    assert!(
        broken.contains("missing") || broken.contains("deleted"),
        "{broken}"
    );
    sql(&s, &["INSERT INTO audit_events SELECT * FROM kept"]).await;
    assert_eq!(verify(&s).await, None);

    // Swapping two events' places in the chain, then back.
    let seq_of = |label: &'static str| {
        let pool = s.state.services.db.pool().clone();
        async move {
            sqlx::query_scalar::<_, i64>(
                "SELECT chain_seq FROM audit_events WHERE entity_label = $1",
            )
            .bind(label)
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    };
    let (three, four) = (seq_of("Team 3").await, seq_of("Team 4").await);
    let swap = |a: i64, b: i64| {
        [
            "UPDATE audit_events SET chain_seq = -1 WHERE entity_label = 'Team 3'".to_string(),
            format!("UPDATE audit_events SET chain_seq = {a} WHERE entity_label = 'Team 4'"),
            format!("UPDATE audit_events SET chain_seq = {b} WHERE entity_label = 'Team 3'"),
        ]
    };
    let swapped = swap(three, four);
    sql(&s, &swapped.iter().map(String::as_str).collect::<Vec<_>>()).await;
    assert!(verify(&s).await.is_some(), "a reorder is caught");
    let back = swap(four, three);
    sql(&s, &back.iter().map(String::as_str).collect::<Vec<_>>()).await;
    assert_eq!(verify(&s).await, None);

    // The newest event deleted: the chain's head still names it.
    sql(
        &s,
        &["DELETE FROM audit_events WHERE chain_seq = (SELECT MAX(seq) FROM audit_chain)"],
    )
    .await;
    let broken = verify(&s).await.expect("a deleted newest event is caught");
    assert!(broken.contains("missing"), "{broken}");
}
on_both_databases!(the_chain_catches_edits_deletions_and_reorders);

async fn exports_stream_every_matching_event(backend: Backend) {
    let s = TestServer::start(backend).await;
    let owner = s.signed_in_owner().await;
    let body = json!({"slug": "formula", "name": "=HYPERLINK(\"http://evil\")"});
    let res = s
        .api(Method::POST, "/api/v1/orgs/acme/teams", &owner, Some(body))
        .await;
    assert_eq!(res.status(), 201);
    let org_id: String = sqlx::query_scalar("SELECT id FROM orgs WHERE slug = 'acme'")
        .fetch_one(s.state.services.db.pool())
        .await
        .unwrap();
    for _ in 0..450 {
        insert_event(&s, &org_id, 1).await;
    }
    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE org_id = $1")
        .bind(&org_id)
        .fetch_one(s.state.services.db.pool())
        .await
        .unwrap();

    let res = s
        .api(Method::GET, &format!("{EVENTS}/export.jsonl"), &owner, None)
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/x-ndjson");
    let text = res.text().await.unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        lines.len() as i64,
        total,
        "every event, across pages of 200"
    );
    let mut ids: Vec<&str> = lines.iter().map(|e| e["id"].as_str().unwrap()).collect();
    ids.dedup();
    assert_eq!(ids.len() as i64, total, "none twice");

    let res = s
        .api(
            Method::GET,
            &format!("{EVENTS}/export.csv?action=team.created"),
            &owner,
            None,
        )
        .await;
    assert_eq!(res.status(), 200);
    // Named for the org and the day it was taken (the day of a minute ago too, should
    // midnight have passed since).
    let name = res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    let now = foxgate_core::store::now_ms();
    let named = |ms: i64| {
        let day = &foxgate_core::model::format_utc(ms)[..10];
        format!("attachment; filename=\"foxgate-acme-events-{day}.csv\"")
    };
    assert!(name == named(now) || name == named(now - 60_000), "{name}");
    let csv = res.text().await.unwrap();
    let rows: Vec<&str> = csv.lines().collect();
    assert!(rows[0].starts_with("time,actor_kind,"));
    assert_eq!(rows.len(), 2, "{csv}");
    assert!(
        rows[1].contains("\"'=HYPERLINK(\"\"http://evil\"\")\""),
        "formula defused: {csv}"
    );

    let res = s
        .api(
            Method::GET,
            &format!("{EVENTS}/export.csv?outcome=maybe"),
            &owner,
            None,
        )
        .await;
    assert_eq!(res.status(), 422);
    let res = s
        .api(Method::GET, &format!("{EVENTS}/export.xml"), &owner, None)
        .await;
    assert_eq!(res.status(), 404);
    let m = add_member(&s, &owner, "m@acme.test").await;
    assert_eq!(grant(&s, &owner, &m, "member", None).await.status(), 201);
    let member = sign_in(&s, "m@acme.test").await;
    let res = s
        .api(
            Method::GET,
            &format!("{EVENTS}/export.jsonl"),
            &member,
            None,
        )
        .await;
    assert_eq!(res.status(), 403);
}
on_both_databases!(exports_stream_every_matching_event);

/// The log says who got what and what changed: grants name their recipient, role and team
/// (revokes too), updates list the fields changed old → new, token events their kind and
/// team; the actor filter takes an email or `me`, the action filter a prefix.
async fn the_log_says_who_got_what_and_what_changed(backend: Backend) {
    let s = TestServer::start(backend).await;
    let owner = s.signed_in_owner().await;
    add_teams(&s, &owner, &["alpha"]).await;
    let dave = add_member(&s, &owner, "dave@acme.test").await;
    let res = grant(&s, &owner, &dave, "member", Some("alpha")).await;
    assert_eq!(res.status(), 201);
    let grant_id = json(res).await["id"].as_str().unwrap().to_string();

    let given = &events(&s, &owner, "?action=grant.created").await["events"][0];
    assert_eq!(
        given["entity"]["label"],
        "Member for dave@acme.test in team alpha"
    );
    assert_eq!(given["snapshot"]["recipient"]["email"], "dave@acme.test");
    assert_eq!(given["snapshot"]["recipient"]["user_id"], dave.as_str());
    assert_eq!(given["snapshot"]["role"]["name"], "Member");
    assert_eq!(given["snapshot"]["team"]["slug"], "alpha");
    assert!(
        given["team_id"].is_string(),
        "a team's grants are among its events"
    );

    let res = s
        .api(
            Method::DELETE,
            &format!("/api/v1/orgs/acme/grants/{grant_id}"),
            &owner,
            None,
        )
        .await;
    assert_eq!(res.status(), 204);
    let taken = &events(&s, &owner, "?action=grant.revoked").await["events"][0];
    assert_eq!(
        taken["entity"]["label"],
        "Member for dave@acme.test in team alpha"
    );
    assert_eq!(taken["snapshot"]["recipient"]["email"], "dave@acme.test");

    // Updates: the fields changed, old → new, and nothing else.
    let res = s
        .api(
            Method::PATCH,
            "/api/v1/orgs/acme/teams/alpha",
            &owner,
            Some(json!({"name": "Alpha Squad"})),
        )
        .await;
    assert_eq!(res.status(), 200);
    let renamed = &events(&s, &owner, "?action=team.updated").await["events"][0];
    assert_eq!(
        renamed["snapshot"],
        json!({"name": {"old": "alpha", "new": "Alpha Squad"}})
    );
    let res = s
        .api(
            Method::PATCH,
            "/api/v1/orgs/acme",
            &owner,
            Some(json!({"name": "Acme Corp", "max_token_lifetime_days": 90})),
        )
        .await;
    assert_eq!(res.status(), 200);
    let org = &events(&s, &owner, "?action=org.updated").await["events"][0];
    assert_eq!(org["snapshot"]["name"]["new"], "Acme Corp");
    assert_eq!(
        org["snapshot"]["max_token_lifetime_days"],
        json!({"old": null, "new": 90})
    );
    assert!(
        org["snapshot"].get("slug").is_none(),
        "unchanged fields are left out"
    );
    let res = s
        .api(
            Method::POST,
            "/api/v1/orgs/acme/roles",
            &owner,
            Some(json!({"name": "Reader", "permissions": ["teams:read"]})),
        )
        .await;
    let role = json(res).await["id"].as_str().unwrap().to_string();
    let res = s
        .api(
            Method::PATCH,
            &format!("/api/v1/orgs/acme/roles/{role}"),
            &owner,
            Some(json!({"permissions": ["teams:read", "members:read"]})),
        )
        .await;
    assert_eq!(res.status(), 200);
    let edited = &events(&s, &owner, "?action=role.updated").await["events"][0];
    assert_eq!(
        edited["snapshot"]["permissions"]["old"],
        json!(["teams:read"])
    );
    assert!(edited["snapshot"].get("name").is_none());

    // Tokens: kind and team.
    let res = s
        .api(
            Method::POST,
            "/api/v1/orgs/acme/tokens",
            &owner,
            Some(
                json!({"name": "ci", "team": "alpha", "roles": ["member"], "expires_in_days": 30}),
            ),
        )
        .await;
    assert_eq!(res.status(), 201);
    let minted = &events(&s, &owner, "?action=token.created").await["events"][0];
    assert_eq!(minted["snapshot"]["kind"], "team");
    assert_eq!(minted["snapshot"]["name"], "ci");
    assert!(minted["snapshot"]["team_id"].is_string());

    // Filters: the actor by email or as `me`, the action by its start.
    let by_email = events(
        &s,
        &owner,
        &format!("?actor={}", crate::harness::OWNER_EMAIL),
    )
    .await;
    let by_me = events(&s, &owner, "?actor=me").await;
    assert!(!by_email["events"].as_array().unwrap().is_empty());
    assert_eq!(by_email["events"], by_me["events"]);
    assert!(
        events(&s, &owner, "?actor=nobody@acme.test").await["events"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let teams = actions(&events(&s, &owner, "?action=team").await);
    assert!(teams.contains(&"team.created".to_string()));
    assert!(teams.contains(&"team.updated".to_string()));
    assert!(teams.iter().all(|a| a.starts_with("team")));
    let grants = actions(&events(&s, &owner, "?action=GRANT.").await);
    assert_eq!(grants, ["grant.revoked", "grant.created"]);
    let bad = s
        .api(
            Method::GET,
            &format!("{EVENTS}?action=team%25"),
            &owner,
            None,
        )
        .await;
    assert_eq!(bad.status(), 422);
}
on_both_databases!(the_log_says_who_got_what_and_what_changed);
