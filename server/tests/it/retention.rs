//! What the retention purge leaves behind: a signed checkpoint where each chain now starts
//! (so deleting the oldest events any other way is caught, and a forged checkpoint too),
//! and the per-day counts behind the Activity chart.

use crate::events::{guard_off, sql, verify};
use crate::harness::{add_teams, json, member_with_role, Backend, TestServer};
use crate::on_both_databases;
use foxgate_core::service::events::purge_as_of;
use foxgate_core::store::{now_ms, DAY_MS};
use reqwest::Method;

/// Sets the org's retention as if a lowering's week had passed (the purge is under test
/// here; the policy around changing it is tested in `hardening`).
async fn set_retention(s: &TestServer, days: i64) {
    sqlx::query("UPDATE orgs SET audit_retention_days = $1 WHERE slug = 'acme'")
        .bind(days)
        .execute(s.state.services.db.pool())
        .await
        .unwrap();
}

async fn chained(s: &TestServer) -> Vec<(i64, String)> {
    sqlx::query_as(
        "SELECT chain_seq, COALESCE(entity_label, action) FROM audit_events \
         WHERE org_id IS NOT NULL AND chain_seq IS NOT NULL ORDER BY chain_seq",
    )
    .fetch_all(s.state.services.db.pool())
    .await
    .unwrap()
}

async fn a_purge_leaves_a_signed_checkpoint(backend: Backend) {
    let s = TestServer::start(backend).await;
    let owner = s.signed_in_owner().await;
    set_retention(&s, 1).await;
    add_teams(&s, &owner, &["old-a", "old-b"]).await;
    let cutoff = now_ms() + 1;
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    add_teams(&s, &owner, &["new-c", "new-d"]).await;

    // A day after `cutoff`, with one day's retention: everything before it goes.
    let purged = purge_as_of(&s.state.services, cutoff + DAY_MS)
        .await
        .unwrap();
    assert!(purged >= 2, "{purged}");
    let left = chained(&s).await;
    let labels: Vec<&str> = left.iter().map(|(_, l)| l.as_str()).collect();
    assert_eq!(labels, ["new-c", "new-d"]);
    assert_eq!(
        verify(&s).await,
        None,
        "the purge keeps the chain verifiable"
    );
    let (point_seq,): (i64,) = sqlx::query_as("SELECT seq FROM audit_checkpoints")
        .fetch_one(s.state.services.db.pool())
        .await
        .unwrap();
    assert_eq!(
        point_seq,
        left[0].0 - 1,
        "the checkpoint is the last purged event"
    );

    // Appends continue the chain past the checkpoint.
    add_teams(&s, &owner, &["new-e"]).await;
    assert_eq!(verify(&s).await, None);

    // Deleting the oldest remaining event with SQL: the checkpoint no longer leads to it.
    guard_off(&s, backend).await;
    sql(
        &s,
        &[
            "CREATE TABLE kept AS SELECT * FROM audit_events WHERE entity_label = 'new-c'",
            "DELETE FROM audit_events WHERE entity_label = 'new-c'",
        ],
    )
    .await;
    let broken = verify(&s).await.expect("a deleted oldest event is caught");
    assert!(
        broken.contains("no signed retention checkpoint"),
        "{broken}"
    );

    // Moving the checkpoint forward over the deleted event needs the server's key.
    let forge = format!(
        "UPDATE audit_checkpoints SET seq = {}, hash = (SELECT hash FROM kept)",
        left[0].0
    );
    sql(&s, &[forge.as_str()]).await;
    let broken = verify(&s).await.expect("a forged checkpoint is caught");
    assert!(broken.contains("not signed"), "{broken}");
}
on_both_databases!(a_purge_leaves_a_signed_checkpoint);

async fn the_chart_counts_what_each_reader_may_read(backend: Backend) {
    let s = TestServer::start(backend).await;
    let owner = s.signed_in_owner().await;
    add_teams(&s, &owner, &["alpha", "beta"]).await;
    let lead = member_with_role(&s, &owner, "lead@acme.test", "team_admin", Some("alpha")).await;
    let daily = |cookie: String| {
        let s = &s;
        async move {
            let res = s
                .api(Method::GET, "/api/v1/orgs/acme/events/daily", &cookie, None)
                .await;
            assert_eq!(res.status(), 200);
            json(res).await.as_array().unwrap().clone()
        }
    };
    let all = daily(owner.clone()).await;
    assert_eq!(all.len(), 30, "every one of the last 30 days");
    let today = &all[29];
    let total: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE org_id IS NOT NULL")
            .fetch_one(s.state.services.db.pool())
            .await
            .unwrap();
    assert_eq!(today["events"], total, "today holds every event so far");
    assert!(all[..29].iter().all(|d| d["events"] == 0));
    let theirs = daily(lead).await;
    let alpha_events: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_events e JOIN teams t ON t.id = e.team_id WHERE t.slug = 'alpha'",
    )
    .fetch_one(s.state.services.db.pool())
    .await
    .unwrap();
    assert_eq!(theirs[29]["events"], alpha_events, "only alpha's events");
    assert!(alpha_events > 0 && alpha_events < total);

    // Issue 15 §1: the chart follows the list's filters and its time range.
    let filtered = |query: &'static str| {
        let s = &s;
        let owner = owner.clone();
        async move {
            let res = s
                .api(
                    Method::GET,
                    &format!("/api/v1/orgs/acme/events/daily?{query}"),
                    &owner,
                    None,
                )
                .await;
            assert_eq!(res.status(), 200, "{query}");
            json(res).await.as_array().unwrap().clone()
        }
    };
    let teams_created: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE action = 'team.created'")
            .fetch_one(s.state.services.db.pool())
            .await
            .unwrap();
    assert_eq!(teams_created, 2);
    let by_action = filtered("action=team.created").await;
    assert_eq!(by_action.len(), 30);
    assert_eq!(by_action[29]["events"], teams_created);
    let by_prefix_and_actor = filtered("action=team&actor=owner@acme.test").await;
    assert_eq!(by_prefix_and_actor[29]["events"], teams_created);
    let today = by_action[29]["day"].as_str().unwrap().to_string();
    let week_ago = by_action[23]["day"].as_str().unwrap().to_string();
    let week = s
        .api(
            Method::GET,
            &format!("/api/v1/orgs/acme/events/daily?since={week_ago}&until={today}"),
            &owner,
            None,
        )
        .await;
    let week = json(week).await.as_array().unwrap().clone();
    assert_eq!(week.len(), 7, "the days of the range");
    assert_eq!(week[6]["events"], total);
    assert_eq!(
        filtered("since=3000-01-01").await.len(),
        0,
        "a range in the future draws nothing"
    );
    let unknown = s
        .api(
            Method::GET,
            "/api/v1/orgs/acme/events/daily?action=Not%20An%20Action",
            &owner,
            None,
        )
        .await;
    assert_eq!(unknown.status(), 422);
}
on_both_databases!(the_chart_counts_what_each_reader_may_read);
