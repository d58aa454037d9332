//! Applications and AuthZEN decisions: declaring an org's services, their permissions in
//! roles and tokens (object restrictions and ownership included), the decisions services
//! get — flipping the moment a grant is revoked or an action removed — and a client nobody
//! here wrote (crates.io `openidauthzen`) discovering and asking.

use crate::harness::{add_member, add_teams, error_code, grant, json, Backend, TestServer};
use crate::on_both_databases;
use crate::tokens::minted;
use reqwest::Method;
use serde_json::{json as body, Value};
use std::time::Duration;

const APPS: &str = "/api/v1/orgs/acme/applications";
const ROLES: &str = "/api/v1/orgs/acme/roles";

async fn create_role(s: &TestServer, by: &str, name: &str, permissions: &[&str]) -> String {
    let res = s
        .api(
            Method::POST,
            ROLES,
            by,
            Some(body!({"name": name, "permissions": permissions})),
        )
        .await;
    assert_eq!(res.status(), 201, "role {name}");
    json(res).await["id"].as_str().unwrap().to_string()
}

/// Asks a decision with `caller`'s token; the raw response.
async fn ask(s: &TestServer, caller: &str, path: &str, b: Value) -> reqwest::Response {
    s.client
        .post(s.url(path))
        .bearer_auth(caller)
        .json(&b)
        .send()
        .await
        .unwrap()
}

async fn decide(s: &TestServer, caller: &str, b: Value) -> (bool, Value) {
    let res = ask(s, caller, "/access/v1/evaluation", b).await;
    assert_eq!(res.status(), 200);
    let v = json(res).await;
    (v["decision"].as_bool().unwrap(), v)
}

fn question(user: &str, action: &str, kind: &str, id: &str, properties: Value) -> Value {
    body!({
        "subject": {"type": "user", "id": user},
        "action": {"name": action},
        "resource": {"type": kind, "id": id, "properties": properties},
    })
}

async fn services_ask_about_application_permissions(backend: Backend) {
    // Decision caches on, for long: only this process's commits can make them see changes.
    let s = TestServer::start_caching(backend, Duration::from_secs(600)).await;
    let owner = s.signed_in_owner().await;
    add_teams(&s, &owner, &["alpha", "beta"]).await;

    // Declaring: validation names the field, slugs are unique.
    let bad = s
        .api(
            Method::POST,
            APPS,
            &owner,
            Some(body!({"slug": "deploy", "name": "Deploy",
                "resource_types": [{"name": "deployments", "actions": []}]})),
        )
        .await;
    assert_eq!(bad.status(), 422);
    assert_eq!(json(bad).await["error"]["field"], "resource_types");
    for (slug, name, types) in [
        (
            "deploy",
            "Deploy API",
            body!([{"name": "deployments", "actions": ["read", "create", "approve", "rollback"]}]),
        ),
        (
            "todo",
            "Todo",
            body!([{"name": "todos", "actions": ["read", "update", "delete"]}]),
        ),
        (
            "api",
            "Config API",
            body!([{"name": "/v1/config", "actions": ["read", "write"]}]),
        ),
    ] {
        let res = s
            .api(
                Method::POST,
                APPS,
                &owner,
                Some(body!({"slug": slug, "name": name, "resource_types": types})),
            )
            .await;
        assert_eq!(res.status(), 201, "{slug}");
    }
    let again = s
        .api(
            Method::POST,
            APPS,
            &owner,
            Some(body!({"slug": "deploy", "name": "Again"})),
        )
        .await;
    assert_eq!(again.status(), 409);
    let listed = json(s.api(Method::GET, APPS, &owner, None).await).await["applications"].clone();
    assert_eq!(listed.as_array().unwrap().len(), 3);
    assert!(listed[1]["permissions"]
        .as_array()
        .unwrap()
        .contains(&body!("deploy:deployments:approve")));

    // Roles hold application permissions; undeclared ones are refused by name.
    let undeclared = s
        .api(
            Method::POST,
            ROLES,
            &owner,
            Some(body!({"name": "x", "permissions": ["deploy:deployments:fly"]})),
        )
        .await;
    assert_eq!(undeclared.status(), 422);
    assert!(json(undeclared).await["error"]["message"]
        .as_str()
        .unwrap()
        .contains("deploy:deployments:fly"));
    let deployer = create_role(
        &s,
        &owner,
        "Deployer",
        &["deploy:deployments:read", "deploy:deployments:approve"],
    )
    .await;
    let editor = create_role(
        &s,
        &owner,
        "Editor",
        &[
            "todo:todos:read[7,9]",
            "todo:todos:update[own]",
            "todo:todos:delete[own]",
            "api:/v1/config:read",
        ],
    )
    .await;
    let todo_admin = create_role(&s, &owner, "Todo admin", &["todo:todos:delete"]).await;
    let decider = create_role(&s, &owner, "Decider", &["decisions:read"]).await;
    let alice = add_member(&s, &owner, "alice@acme.test").await;
    let bob = add_member(&s, &owner, "bob@acme.test").await;
    assert_eq!(
        grant(&s, &owner, &alice, &deployer, Some("alpha"))
            .await
            .status(),
        201
    );
    let alice_edits = json(grant(&s, &owner, &alice, &editor, None).await).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        grant(&s, &owner, &bob, &todo_admin, None).await.status(),
        201
    );

    // The service asking: an org token holding decisions:read. A viewer's token may not ask.
    let service = minted(&s, &owner, body!({"name": "gateway", "roles": [decider]})).await;
    let service = service["token"].as_str().unwrap().to_string();
    let viewer = minted(&s, &owner, body!({"name": "nosy", "roles": ["viewer"]})).await;
    let viewer = viewer["token"].as_str().unwrap().to_string();
    let q = question(
        "alice@acme.test",
        "approve",
        "deploy:deployments",
        "d1",
        body!({"team": "alpha"}),
    );
    assert_eq!(
        ask(&s, &viewer, "/access/v1/evaluation", q.clone())
            .await
            .status(),
        403
    );
    let anonymous = s
        .client
        .post(s.url("/access/v1/evaluation"))
        .json(&q)
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
    assert!(anonymous.headers().contains_key("www-authenticate"));

    // Team scope: approve in alpha, not in beta nor without a team.
    assert!(decide(&s, &service, q.clone()).await.0);
    let by_id = question(
        &alice,
        "approve",
        "deploy:deployments",
        "d1",
        body!({"team": "alpha"}),
    );
    assert!(
        decide(&s, &service, by_id).await.0,
        "a user id names the subject too"
    );
    let (beta, why) = decide(
        &s,
        &service,
        question(
            "alice@acme.test",
            "approve",
            "deploy:deployments",
            "d1",
            body!({"team": "beta"}),
        ),
    )
    .await;
    assert!(!beta);
    assert!(
        why["context"]["reason"]
            .as_str()
            .unwrap()
            .contains("no grant"),
        "{why}"
    );
    assert!(
        !decide(
            &s,
            &service,
            question(
                "alice@acme.test",
                "approve",
                "deploy:deployments",
                "d1",
                body!({})
            )
        )
        .await
        .0
    );
    // A bare resource type one application alone declares.
    assert!(
        decide(
            &s,
            &service,
            question(
                "alice@acme.test",
                "read",
                "deployments",
                "d1",
                body!({"team": "alpha"})
            )
        )
        .await
        .0
    );

    // Ownership and listed objects.
    let own = |owner: &str| body!({"ownerID": owner});
    assert!(
        decide(
            &s,
            &service,
            question(
                "alice@acme.test",
                "delete",
                "todo:todos",
                "t1",
                own("ALICE@acme.test")
            )
        )
        .await
        .0
    );
    assert!(
        decide(
            &s,
            &service,
            question("alice@acme.test", "delete", "todo:todos", "t1", own(&alice))
        )
        .await
        .0
    );
    let (theirs, why) = decide(
        &s,
        &service,
        question(
            "alice@acme.test",
            "delete",
            "todo:todos",
            "t1",
            own("bob@acme.test"),
        ),
    )
    .await;
    assert!(!theirs);
    assert!(why["context"]["reason"]
        .as_str()
        .unwrap()
        .contains("does not reach"));
    assert!(
        decide(
            &s,
            &service,
            question(
                "bob@acme.test",
                "delete",
                "todo:todos",
                "t1",
                own("alice@acme.test")
            )
        )
        .await
        .0,
        "an admin deletes any"
    );
    assert!(
        decide(
            &s,
            &service,
            question("alice@acme.test", "read", "todo:todos", "9", body!({}))
        )
        .await
        .0
    );
    assert!(
        !decide(
            &s,
            &service,
            question("alice@acme.test", "read", "todo:todos", "8", body!({}))
        )
        .await
        .0
    );
    // Path-style route rules: an HTTP method reads as read/write, a path falls under its prefix.
    assert!(
        decide(
            &s,
            &service,
            question(
                "alice@acme.test",
                "GET",
                "api:/v1/config/db",
                "x",
                body!({})
            )
        )
        .await
        .0
    );
    assert!(
        !decide(
            &s,
            &service,
            question("alice@acme.test", "PUT", "api:/v1/config", "x", body!({}))
        )
        .await
        .0
    );

    // Unknown subjects, actions and types are denials with a reason, never errors.
    for (q, reason) in [
        (
            question("nobody@acme.test", "read", "todo:todos", "1", body!({})),
            "unknown subject",
        ),
        (
            question("alice@acme.test", "fly", "todo:todos", "1", body!({})),
            "unknown action",
        ),
        (
            question("alice@acme.test", "read", "todo:nope", "1", body!({})),
            "unknown resource type",
        ),
        (
            body!({"subject": {"type": "robot", "id": "r"}, "action": {"name": "read"},
                   "resource": {"type": "todo:todos", "id": "1"}}),
            "unknown subject type",
        ),
    ] {
        let (allowed, why) = decide(&s, &service, q).await;
        assert!(!allowed);
        assert!(
            why["context"]["reason"]
                .as_str()
                .unwrap()
                .starts_with(reason),
            "{why}"
        );
    }

    // Malformed requests are 400; the request id comes back as sent.
    for broken in [
        body!({"subject": {"type": "user"}, "action": {"name": "read"}, "resource": {"type": "t", "id": "1"}}),
        body!({"subject": {"type": "user", "id": ""}, "action": {"name": "read"}, "resource": {"type": "t", "id": "1"}}),
        body!([1, 2]),
    ] {
        let res = ask(&s, &service, "/access/v1/evaluation", broken).await;
        assert_eq!(res.status(), 400);
        assert_eq!(error_code(res).await, "invalid_input");
    }
    let echoed = s
        .client
        .post(s.url("/access/v1/evaluation"))
        .bearer_auth(&service)
        .header("x-request-id", "pep:42/abc")
        .json(&q)
        .send()
        .await
        .unwrap();
    assert_eq!(echoed.headers()["x-request-id"], "pep:42/abc");

    // Tokens as subjects: a team token carries its role in its team; another org's subjects
    // are unknown here.
    let ci = minted(
        &s,
        &owner,
        body!({"name": "ci", "team": "alpha", "roles": [deployer]}),
    )
    .await;
    let ci_id = ci["info"]["id"].as_str().unwrap().to_string();
    let as_token = body!({"subject": {"type": "token", "id": ci_id}, "action": {"name": "approve"},
                          "resource": {"type": "deploy:deployments", "id": "d2"}});
    assert!(decide(&s, &service, as_token.clone()).await.0);
    assert!(
        !decide(
            &s,
            &service,
            body!({"subject": {"type": "token", "id": "fg_nope"}, "action": {"name": "approve"},
                                      "resource": {"type": "deploy:deployments", "id": "d2"}})
        )
        .await
        .0
    );

    // Batches: defaults from the top level, and the three semantics.
    let batch = |semantic: &str| {
        body!({
            "subject": {"type": "user", "id": "alice@acme.test"},
            "resource": {"type": "todo:todos", "id": "9"},
            "options": {"evaluations_semantic": semantic},
            "evaluations": [
                {"action": {"name": "read"}},
                {"action": {"name": "update"}},
                {"action": {"name": "read"}, "resource": {"type": "todo:todos", "id": "7"}},
                {"action": {"name": "update"}, "resource": {"type": "todo:todos", "id": "7", "properties": {"ownerID": "alice@acme.test"}}},
            ],
        })
    };
    let decisions = |v: Value| -> Vec<bool> {
        v["evaluations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["decision"].as_bool().unwrap())
            .collect()
    };
    for (semantic, expected) in [
        ("execute_all", vec![true, false, true, true]),
        ("deny_on_first_deny", vec![true, false]),
        ("permit_on_first_permit", vec![true]),
    ] {
        let res = ask(&s, &service, "/access/v1/evaluations", batch(semantic)).await;
        assert_eq!(res.status(), 200);
        assert_eq!(decisions(json(res).await), expected, "{semantic}");
    }
    let incomplete = ask(
        &s,
        &service,
        "/access/v1/evaluations",
        body!({"evaluations": [{"action": {"name": "read"}}]}),
    )
    .await;
    let incomplete = json(incomplete).await;
    assert_eq!(incomplete["evaluations"][0]["decision"], false);
    assert_eq!(incomplete["evaluations"][0]["context"]["code"], "400");
    let unknown_semantic = ask(
        &s,
        &service,
        "/access/v1/evaluations",
        body!({"evaluations": [], "options": {"evaluations_semantic": "coin_flip"}}),
    )
    .await;
    assert_eq!(unknown_semantic.status(), 400);

    // One revocation changes every service at once, caches or not.
    let revoked = s
        .api(
            Method::DELETE,
            &format!("/api/v1/orgs/acme/grants/{alice_edits}"),
            &owner,
            None,
        )
        .await;
    assert_eq!(revoked.status(), 204);
    assert!(
        !decide(
            &s,
            &service,
            question("alice@acme.test", "read", "todo:todos", "9", body!({}))
        )
        .await
        .0
    );

    // Removing an action takes it from every role, in one audited change.
    let changed = s
        .api(
            Method::PATCH,
            &format!("{APPS}/deploy"),
            &owner,
            Some(body!({"resource_types": [{"name": "deployments", "actions": ["read", "create", "rollback"]}]})),
        )
        .await;
    assert_eq!(changed.status(), 200);
    let changed = json(changed).await;
    assert_eq!(
        changed["removed_permissions"],
        body!(["deploy:deployments:approve"])
    );
    assert_eq!(changed["roles_changed"], body!([deployer]));
    assert!(!decide(&s, &service, as_token).await.0);
    let roles = json(s.api(Method::GET, ROLES, &owner, None).await).await;
    let deployer_now = roles["roles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == deployer.as_str())
        .unwrap()
        .clone();
    assert_eq!(
        deployer_now["permissions"],
        body!(["deploy:deployments:read"])
    );
    let snapshot: String = sqlx::query_scalar(
        "SELECT snapshot FROM audit_events WHERE action = 'application.updated'",
    )
    .fetch_one(s.state.services.db.pool())
    .await
    .unwrap();
    assert!(snapshot.contains("deploy:deployments:approve") && snapshot.contains(&deployer));

    // An application in use is deleted only when confirmed.
    let refused = s
        .api(Method::DELETE, &format!("{APPS}/todo"), &owner, None)
        .await;
    assert_eq!(refused.status(), 409);
    assert_eq!(
        json(s.api(Method::GET, APPS, &owner, None).await).await["applications"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    let gone = s
        .api(
            Method::DELETE,
            &format!("{APPS}/todo?confirm=true"),
            &owner,
            None,
        )
        .await;
    assert_eq!(gone.status(), 200);
    assert!(
        !decide(
            &s,
            &service,
            question("bob@acme.test", "delete", "todo:todos", "t1", body!({}))
        )
        .await
        .0
    );
    let actions: Vec<String> = s
        .audit_actions()
        .await
        .into_iter()
        .map(|(a, _, _)| a)
        .collect();
    for action in [
        "application.created",
        "application.updated",
        "application.deleted",
    ] {
        assert!(actions.iter().any(|a| a == action), "{action}");
    }
}
on_both_databases!(services_ask_about_application_permissions);

/// Nobody gives what they do not hold: an admin of applications' permissions only in one
/// team cannot put them in an org-wide role, nor mint a token carrying more.
async fn the_escalation_guard_covers_application_permissions(backend: Backend) {
    let s = TestServer::start(backend).await;
    let owner = s.signed_in_owner().await;
    add_teams(&s, &owner, &["alpha"]).await;
    let res = s
        .api(
            Method::POST,
            APPS,
            &owner,
            Some(body!({"slug": "docs", "name": "Docs",
                "resource_types": [{"name": "folders", "actions": ["read", "write"]}]})),
        )
        .await;
    assert_eq!(res.status(), 201);
    let lead = create_role(
        &s,
        &owner,
        "Docs lead",
        &[
            "roles:create",
            "roles:read",
            "tokens:create",
            "docs:folders:read[12,40]",
        ],
    )
    .await;
    let member = add_member(&s, &owner, "lead@acme.test").await;
    assert_eq!(grant(&s, &owner, &member, &lead, None).await.status(), 201);
    let lead_cookie = crate::harness::sign_in(&s, "lead@acme.test").await;
    for (words, status) in [
        (vec!["docs:folders:read[12]"], 201),
        (vec!["docs:folders:read[12,99]"], 403),
        (vec!["docs:folders:read"], 403),
        (vec!["docs:folders:write"], 403),
    ] {
        let res = s
            .api(
                Method::POST,
                ROLES,
                &lead_cookie,
                Some(body!({"name": format!("r {words:?}"), "permissions": words})),
            )
            .await;
        assert_eq!(res.status(), status, "{words:?}");
    }
    // A personal token names only what its user holds.
    let mine = s
        .api(
            Method::POST,
            "/api/v1/orgs/acme/tokens",
            &lead_cookie,
            Some(body!({"name": "mine", "kind": "personal", "permissions": ["docs:folders:read[40]"]})),
        )
        .await;
    assert_eq!(mine.status(), 201);
    let more = s
        .api(
            Method::POST,
            "/api/v1/orgs/acme/tokens",
            &lead_cookie,
            Some(
                body!({"name": "more", "kind": "personal", "permissions": ["docs:folders:write"]}),
            ),
        )
        .await;
    assert_eq!(more.status(), 403);
    let denied: Vec<String> =
        sqlx::query_scalar("SELECT reason FROM audit_events WHERE action = 'authz.denied'")
            .fetch_all(s.state.services.db.pool())
            .await
            .unwrap();
    assert!(
        denied.iter().any(|r| r == "docs:folders:read"),
        "{denied:?}"
    );
}
on_both_databases!(the_escalation_guard_covers_application_permissions);

/// The transport a client brings: here the workspace's reqwest, reaching a PDP that names
/// itself `https://pdp.foxgate.test` on a plain http port of this machine.
struct Transport {
    client: reqwest::Client,
    origin: String,
    base: String,
}

#[async_trait::async_trait]
impl openidauthzen::http::HttpClient for Transport {
    async fn request(
        &self,
        method: openidauthzen::http::Method,
        url: &str,
        headers: &[(&str, &str)],
        body: Option<Vec<u8>>,
    ) -> Result<openidauthzen::http::HttpResponse, openidauthzen::Error> {
        let url = url.replacen(&self.origin, &self.base, 1);
        let mut req = match method {
            openidauthzen::http::Method::Get => self.client.get(url),
            openidauthzen::http::Method::Post => self.client.post(url),
            other => panic!("the client used {other:?}, which this transport does not know"),
        };
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        if let Some(body) = body {
            req = req.header("content-type", "application/json").body(body);
        }
        let res = req.send().await.expect("the PDP answers");
        let status = res.status().as_u16();
        let headers = res
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_string(),
                    v.to_str().unwrap_or_default().to_string(),
                )
            })
            .collect();
        let body = res.bytes().await.expect("a body").to_vec();
        Ok(openidauthzen::http::HttpResponse {
            status,
            headers,
            body,
        })
    }
}

async fn an_authzen_client_discovers_and_asks(backend: Backend) {
    let s = TestServer::start(backend).await;
    let owner = s.signed_in_owner().await;
    let res = s
        .api(
            Method::POST,
            APPS,
            &owner,
            Some(body!({"slug": "deploy", "name": "Deploy",
                "resource_types": [{"name": "deployments", "actions": ["read", "approve"]}]})),
        )
        .await;
    assert_eq!(res.status(), 201);
    let reader = create_role(&s, &owner, "Reader", &["deploy:deployments:read"]).await;
    let decider = create_role(&s, &owner, "Decider", &["decisions:read"]).await;
    let carol = add_member(&s, &owner, "carol@acme.test").await;
    assert_eq!(grant(&s, &owner, &carol, &reader, None).await.status(), 201);
    let service = minted(&s, &owner, body!({"name": "pep", "roles": [decider]})).await;
    let service = service["token"].as_str().unwrap().to_string();

    let pdp = "https://pdp.foxgate.test";
    let named = s.beside(pdp).await;
    let client = openidauthzen::AuthZenClient::new(
        Transport {
            client: reqwest::Client::new(),
            origin: pdp.into(),
            base: named.base.clone(),
        },
        Duration::from_secs(60),
    );
    let config = client.discover(pdp).await.expect("discovery");
    assert_eq!(
        config.access_evaluation_endpoint,
        format!("{pdp}/access/v1/evaluation")
    );
    let subject = openidauthzen::Subject {
        subject_type: "user".into(),
        id: Some("carol@acme.test".into()),
        properties: None,
    };
    let resource = openidauthzen::Resource {
        resource_type: "deploy:deployments".into(),
        id: Some("d1".into()),
        properties: None,
    };
    let action = |name: &str| openidauthzen::Action {
        name: name.into(),
        properties: None,
    };
    let single = openidauthzen::EvaluationRequest {
        subject: subject.clone(),
        action: action("read"),
        resource: resource.clone(),
        context: None,
    };
    assert!(
        client
            .evaluate(pdp, &service, &single)
            .await
            .unwrap()
            .decision
    );
    let batch = openidauthzen::EvaluationsRequest {
        subject: Some(subject),
        action: None,
        resource: Some(resource),
        context: None,
        evaluations: ["read", "approve", "read"]
            .into_iter()
            .map(|a| openidauthzen::EvaluationItem {
                subject: None,
                action: Some(action(a)),
                resource: None,
                context: None,
            })
            .collect(),
        options: Some(openidauthzen::EvaluationsOptions {
            evaluations_semantic: Some(openidauthzen::EvaluationSemantic::DenyOnFirstDeny),
            extra: None,
        }),
    };
    let answers = client.evaluate_batch(pdp, &service, &batch).await.unwrap();
    let decisions: Vec<bool> = answers.evaluations.iter().map(|d| d.decision).collect();
    assert_eq!(decisions, [true, false]);
    // A caller without decisions:read is refused, as the client sees it.
    let refused = client.evaluate(pdp, "fg_not_a_token", &single).await;
    assert!(
        matches!(
            refused,
            Err(openidauthzen::Error::HttpStatus { status: 401, .. })
        ),
        "{refused:?}"
    );
}
on_both_databases!(an_authzen_client_discovers_and_asks);
