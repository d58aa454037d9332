//! Refused authorizations in the activity log: through either door, as `authz.denied` with
//! the permission as reason, at most once a minute per actor, permission and team.

use crate::harness::{add_teams, json, Backend, TestServer};
use crate::on_both_databases;
use crate::tokens::{bearer, minted};
use reqwest::Method;
use serde_json::json;

async fn denied(s: &TestServer) -> Vec<(String, String, Option<String>)> {
    sqlx::query_as(
        "SELECT reason, actor_kind, team_id FROM audit_events \
         WHERE action = 'authz.denied' AND outcome = 'denied' ORDER BY chain_seq",
    )
    .fetch_all(s.state.services.db.pool())
    .await
    .unwrap()
}

async fn a_flood_of_refusals_is_one_event(backend: Backend) {
    let s = TestServer::start(backend).await;
    let owner = s.signed_in_owner().await;
    add_teams(&s, &owner, &["alpha"]).await;
    let token = minted(
        &s,
        &owner,
        json!({"name": "reader", "team": "alpha", "roles": ["viewer"]}),
    )
    .await["token"]
        .as_str()
        .unwrap()
        .to_string();

    for i in 0..25 {
        let res = bearer(
            &s,
            Method::POST,
            "/api/v1/orgs/acme/teams",
            &token,
            Some(json!({"slug": format!("t{i}"), "name": "T"})),
        )
        .await;
        assert_eq!(res.status(), 403);
    }
    let res = bearer(
        &s,
        Method::PATCH,
        "/api/v1/orgs/acme/teams/alpha",
        &token,
        Some(json!({"name": "Renamed"})),
    )
    .await;
    assert_eq!(res.status(), 403);

    let seen = denied(&s).await;
    assert_eq!(seen.len(), 2, "one per permission and team: {seen:?}");
    assert_eq!(seen[0].0, "teams:create");
    assert_eq!(seen[0].1, "token");
    assert_eq!(seen[1].0, "teams:update");
    assert!(seen[1].2.is_some(), "the refusal names the team it was in");

    // Readers find them by outcome.
    let res = s
        .api(
            Method::GET,
            "/api/v1/orgs/acme/events?outcome=denied",
            &owner,
            None,
        )
        .await;
    let page = json(res).await;
    let events = page["events"].as_array().unwrap();
    assert_eq!(events.len(), 2);
    assert!(events.iter().all(|e| e["action"] == "authz.denied"));
    assert_eq!(events[1]["actor"]["label"], "reader");

    // Allowed requests note nothing.
    let res = bearer(
        &s,
        Method::GET,
        "/api/v1/orgs/acme/teams/alpha",
        &token,
        None,
    )
    .await;
    assert_eq!(res.status(), 200);
    assert_eq!(denied(&s).await.len(), 2);
}
on_both_databases!(a_flood_of_refusals_is_one_event);
