//! What decisions leave in the activity log: a count per caller per minute always, each
//! denial (with its subject as the entity, found by the entity filter) only once the org
//! turns decision logging on, and no more than a caller's share per minute.

use crate::harness::{add_member, grant, json, Backend, TestServer};
use crate::on_both_databases;
use crate::tokens::minted;
use foxgate_core::service::decision_log::{self, MAX_LOGGED_DENIALS_PER_MINUTE};
use reqwest::Method;
use serde_json::{json as body, Value};

const EVENTS: &str = "/api/v1/orgs/acme/events";

async fn events(s: &TestServer, cookie: &str, query: &str) -> Vec<Value> {
    let res = s
        .api(
            Method::GET,
            &format!("{EVENTS}?limit=200&{query}"),
            cookie,
            None,
        )
        .await;
    assert_eq!(res.status(), 200, "{query}");
    json(res).await["events"].as_array().unwrap().clone()
}

async fn ask(s: &TestServer, caller: &str, path: &str, b: Value) -> Value {
    let res = s
        .client
        .post(s.url(path))
        .bearer_auth(caller)
        .json(&b)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    json(res).await
}

fn question(user: &str, action: &str, id: &str) -> Value {
    body!({
        "subject": {"type": "user", "id": user},
        "action": {"name": action},
        "resource": {"type": "deploy:deployments", "id": id},
    })
}

async fn decide(s: &TestServer, caller: &str, user: &str, action: &str, id: &str) -> bool {
    let answer = ask(
        s,
        caller,
        "/access/v1/evaluation",
        question(user, action, id),
    )
    .await;
    answer["decision"].as_bool().unwrap()
}

/// Writes what the decisions left, as the server's background task does.
async fn flush(s: &TestServer) {
    decision_log::flush(&s.state.services, true).await.unwrap();
}

fn figure(event: &Value, name: &str) -> u64 {
    event["snapshot"][name].as_u64().unwrap()
}

async fn decisions_are_counted_and_denials_logged_on_request(backend: Backend) {
    let s = TestServer::start(backend).await;
    let owner = s.signed_in_owner().await;
    let res = s
        .api(
            Method::POST,
            "/api/v1/orgs/acme/applications",
            &owner,
            Some(body!({"slug": "deploy", "name": "Deploy",
                "resource_types": [{"name": "deployments", "actions": ["read", "approve"]}]})),
        )
        .await;
    assert_eq!(res.status(), 201);
    let mut role_ids = Vec::new();
    for (name, permission) in [
        ("Reader", "deploy:deployments:read"),
        ("Decider", "decisions:read"),
    ] {
        let res = s
            .api(
                Method::POST,
                "/api/v1/orgs/acme/roles",
                &owner,
                Some(body!({"name": name, "permissions": [permission]})),
            )
            .await;
        assert_eq!(res.status(), 201);
        role_ids.push(json(res).await["id"].as_str().unwrap().to_string());
    }
    let carol = add_member(&s, &owner, "carol@acme.test").await;
    let dave = add_member(&s, &owner, "dave@acme.test").await;
    assert_eq!(
        grant(&s, &owner, &carol, &role_ids[0], None).await.status(),
        201
    );
    let service = minted(&s, &owner, body!({"name": "pep", "roles": [role_ids[1]]})).await;
    let (service_id, service) = (
        service["info"]["id"].as_str().unwrap().to_string(),
        service["token"].as_str().unwrap().to_string(),
    );

    // Off (the default): counted, not logged one by one.
    assert!(decide(&s, &service, "carol@acme.test", "read", "d1").await);
    assert!(!decide(&s, &service, "carol@acme.test", "approve", "d1").await);
    assert!(!decide(&s, &service, "dave@acme.test", "read", "d1").await);
    let batch = ask(
        &s,
        &service,
        "/access/v1/evaluations",
        body!({
            "subject": {"type": "user", "id": "carol@acme.test"},
            "resource": {"type": "deploy:deployments", "id": "d2"},
            "evaluations": [{"action": {"name": "read"}}, {"action": {"name": "approve"}},
                            {"action": {"name": "read"}}],
        }),
    )
    .await;
    assert_eq!(batch["evaluations"].as_array().unwrap().len(), 3);
    flush(&s).await;
    let counted = events(&s, &owner, "action=decisions.counted").await;
    let (permitted, denied): (u64, u64) = counted
        .iter()
        .map(|e| (figure(e, "permitted"), figure(e, "denied")))
        .fold((0, 0), |(p, d), (ep, ed)| (p + ep, d + ed));
    assert_eq!((permitted, denied), (3, 3), "{counted:?}");
    for e in &counted {
        assert_eq!(e["actor"]["kind"], "token");
        assert_eq!(e["actor"]["id"], service_id.as_str());
        assert!(e["snapshot"]["minute"]
            .as_str()
            .unwrap()
            .ends_with(":00.000Z"));
    }
    assert!(events(&s, &owner, "action=decision.denied")
        .await
        .is_empty());

    // Turned on through the API: an audited change of the org.
    let on = s
        .api(
            Method::PATCH,
            "/api/v1/orgs/acme",
            &owner,
            Some(body!({"log_denied_decisions": true})),
        )
        .await;
    assert_eq!(on.status(), 200);
    assert_eq!(json(on).await["log_denied_decisions"], true);
    let updated = events(&s, &owner, "action=org.updated").await;
    assert_eq!(
        updated[0]["snapshot"]["log_denied_decisions"],
        body!({"old": false, "new": true})
    );
    let not_a_flag = s
        .api(
            Method::PATCH,
            "/api/v1/orgs/acme",
            &owner,
            Some(body!({"log_denied_decisions": "yes"})),
        )
        .await;
    assert_eq!(not_a_flag.status(), 422);

    assert!(decide(&s, &service, "carol@acme.test", "read", "d3").await);
    assert!(!decide(&s, &service, "carol@acme.test", "approve", "d9").await);
    assert!(!decide(&s, &service, "dave@acme.test", "read", "d3").await);
    assert!(!decide(&s, &service, "eve@acme.test", "read", "d3").await);
    flush(&s).await;

    // A person's denials, found by the entity filter.
    let carols = events(
        &s,
        &owner,
        &format!("action=decision.denied&entity_type=user&entity_id={carol}"),
    )
    .await;
    assert_eq!(carols.len(), 1, "{carols:?}");
    let denial = &carols[0];
    assert_eq!(denial["outcome"], "denied");
    assert_eq!(
        denial["reason"],
        "the subject holds no grant of this permission here"
    );
    assert_eq!(denial["actor"]["id"], service_id.as_str());
    assert_eq!(denial["entity"]["label"], "carol@acme.test");
    assert_eq!(denial["snapshot"]["action"]["name"], "approve");
    assert_eq!(denial["snapshot"]["resource"]["id"], "d9");
    assert_eq!(denial["ip"], "127.0.0.1");
    let daves = events(
        &s,
        &owner,
        &format!("action=decision.denied&entity_id={dave}"),
    )
    .await;
    assert_eq!(daves.len(), 1);
    // Someone who is not a member is found by the name the service used.
    let eves = events(&s, &owner, "action=decision.denied&entity_id=eve@acme.test").await;
    assert_eq!(eves.len(), 1);
    assert!(eves[0]["reason"]
        .as_str()
        .unwrap()
        .starts_with("unknown subject"));

    // A caller's share per minute is logged; the rest is only counted.
    let over = 100;
    let items: Vec<Value> = (0..MAX_LOGGED_DENIALS_PER_MINUTE + over)
        .map(|i| body!({"resource": {"type": "deploy:deployments", "id": format!("x{i}")}}))
        .collect();
    let before = denials_in_log(&s).await;
    let batch = ask(
        &s,
        &service,
        "/access/v1/evaluations",
        body!({
            "subject": {"type": "user", "id": "dave@acme.test"},
            "action": {"name": "approve"},
            "evaluations": items,
        }),
    )
    .await;
    assert!(batch["evaluations"]
        .as_array()
        .unwrap()
        .iter()
        .all(|d| d["decision"] == false));
    let counted_before = events(&s, &owner, "action=decisions.counted").await.len();
    flush(&s).await;
    let logged = denials_in_log(&s).await - before;
    let counted = events(&s, &owner, "action=decisions.counted").await;
    let minutes = &counted[..counted.len() - counted_before];
    let not_logged: u64 = minutes
        .iter()
        .map(|e| figure(e, "denials_not_logged"))
        .sum();
    assert_eq!(logged + not_logged, MAX_LOGGED_DENIALS_PER_MINUTE + over);
    if minutes.len() == 1 {
        // Within one minute (the batch did not straddle two): exactly the share.
        assert_eq!(logged, MAX_LOGGED_DENIALS_PER_MINUTE);
    }

    // Turned off: denials are counted again, not logged.
    let off = s
        .api(
            Method::PATCH,
            "/api/v1/orgs/acme",
            &owner,
            Some(body!({"log_denied_decisions": false})),
        )
        .await;
    assert_eq!(json(off).await["log_denied_decisions"], false);
    let before = denials_in_log(&s).await;
    assert!(!decide(&s, &service, "carol@acme.test", "approve", "d10").await);
    flush(&s).await;
    assert_eq!(denials_in_log(&s).await, before);
}
on_both_databases!(decisions_are_counted_and_denials_logged_on_request);

async fn denials_in_log(s: &TestServer) -> u64 {
    s.audit_actions()
        .await
        .iter()
        .filter(|(action, ..)| action == "decision.denied")
        .count() as u64
}
