//! Teams and grants through the API: CRUD with audit, validation, and what a team admin
//! of one team can (not) see or do in another.

use crate::harness::{
    add_member, add_teams, error_code, grant, json, sign_in, Backend, TestServer,
};
use crate::on_both_databases;
use reqwest::Method;
use serde_json::json as body;

async fn event_count(s: &TestServer) -> usize {
    s.audit_actions().await.len()
}

async fn teams_crud_writes_one_event_per_change(backend: Backend) {
    let s = TestServer::start(backend).await;
    let owner = s.signed_in_owner().await;
    let teams = "/api/v1/orgs/acme/teams";

    let before = event_count(&s).await;
    let created = s
        .api(
            Method::POST,
            teams,
            &owner,
            Some(body!({"slug": "payments", "name": "Payments"})),
        )
        .await;
    assert_eq!(created.status(), 201);
    let team = json(created).await;
    assert_eq!(team["slug"], "payments");
    assert_eq!(event_count(&s).await, before + 1);

    let again = s
        .api(
            Method::POST,
            teams,
            &owner,
            Some(body!({"slug": "payments", "name": "Other"})),
        )
        .await;
    assert_eq!(again.status(), 409);
    assert_eq!(error_code(again).await, "conflict");
    let bad_slug = s
        .api(
            Method::POST,
            teams,
            &owner,
            Some(body!({"slug": "Pay Ments", "name": "X"})),
        )
        .await;
    assert_eq!(bad_slug.status(), 422);
    assert!(json(bad_slug).await["error"]["message"]
        .as_str()
        .unwrap()
        .starts_with("slug"));
    let unknown = s
        .api(
            Method::POST,
            teams,
            &owner,
            Some(body!({"slug": "ops", "name": "Ops", "owner": "me"})),
        )
        .await;
    assert_eq!(
        unknown.status(),
        422,
        "unknown fields are refused, never applied"
    );
    assert_eq!(
        event_count(&s).await,
        before + 1,
        "refused changes write nothing"
    );

    let by_id = s
        .api(
            Method::GET,
            &format!("{teams}/{}", team["id"].as_str().unwrap()),
            &owner,
            None,
        )
        .await;
    assert_eq!(json(by_id).await["slug"], "payments");
    let renamed = s
        .api(
            Method::PATCH,
            &format!("{teams}/payments"),
            &owner,
            Some(body!({"name": "Payments EU"})),
        )
        .await;
    assert_eq!(json(renamed).await["name"], "Payments EU");
    assert_eq!(event_count(&s).await, before + 2);

    let list = json(s.api(Method::GET, teams, &owner, None).await).await;
    assert_eq!(list["teams"].as_array().unwrap().len(), 1);
    assert_eq!(list["total"], 1);

    assert_eq!(
        s.api(Method::DELETE, &format!("{teams}/payments"), &owner, None)
            .await
            .status(),
        204
    );
    assert_eq!(
        s.api(Method::GET, &format!("{teams}/payments"), &owner, None)
            .await
            .status(),
        404
    );
    assert_eq!(event_count(&s).await, before + 3);
    let snapshot: Option<String> =
        sqlx::query_scalar("SELECT snapshot FROM audit_events WHERE action = 'team.deleted'")
            .fetch_one(s.state.services.db.pool())
            .await
            .unwrap();
    let snapshot: serde_json::Value =
        serde_json::from_str(&snapshot.expect("a snapshot on delete")).unwrap();
    assert_eq!(snapshot["slug"], "payments");
    assert_eq!(snapshot["name"], "Payments EU");

    assert_eq!(
        s.api(Method::GET, "/api/v1/orgs/other/teams", &owner, None)
            .await
            .status(),
        404
    );
}
on_both_databases!(teams_crud_writes_one_event_per_change);

async fn a_team_admin_sees_only_their_team(backend: Backend) {
    let s = TestServer::start(backend).await;
    let owner = s.signed_in_owner().await;
    for (slug, name) in [("alpha", "Alpha"), ("beta", "Beta")] {
        let res = s
            .api(
                Method::POST,
                "/api/v1/orgs/acme/teams",
                &owner,
                Some(body!({"slug": slug, "name": name})),
            )
            .await;
        assert_eq!(res.status(), 201);
    }
    let alice = add_member(&s, &owner, "alice@acme.test").await;
    let bob = add_member(&s, &owner, "bob@acme.test").await;
    assert_eq!(
        grant(&s, &owner, &alice, "team_admin", Some("alpha"))
            .await
            .status(),
        201
    );
    let team_admin_without_team = grant(&s, &owner, &bob, "team_admin", None).await;
    assert_eq!(team_admin_without_team.status(), 422);
    let a = sign_in(&s, "alice@acme.test").await;

    let teams = "/api/v1/orgs/acme/teams";
    assert_eq!(
        s.api(Method::GET, &format!("{teams}/alpha"), &a, None)
            .await
            .status(),
        200
    );
    let listed = json(s.api(Method::GET, teams, &a, None).await).await;
    let slugs: Vec<&str> = listed["teams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["slug"].as_str().unwrap())
        .collect();
    assert_eq!(slugs, ["alpha"]);

    // Another team and a team that does not exist look exactly alike, through every path.
    for method in [Method::GET, Method::PATCH, Method::DELETE] {
        let patch = (method == Method::PATCH).then(|| body!({"name": "Mine now"}));
        let beta = s
            .api(method.clone(), &format!("{teams}/beta"), &a, patch.clone())
            .await;
        let ghost = s
            .api(method.clone(), &format!("{teams}/ghost"), &a, patch)
            .await;
        assert_eq!(beta.status(), 404, "{method}");
        assert_eq!(ghost.status(), 404, "{method}");
        assert_eq!(
            beta.text().await.unwrap(),
            ghost.text().await.unwrap(),
            "{method}"
        );
    }
    // By id as well as by slug.
    let all = json(s.api(Method::GET, teams, &owner, None).await).await;
    let beta_id = all["teams"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["slug"] == "beta")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let by_id = s
        .api(Method::GET, &format!("{teams}/{beta_id}"), &a, None)
        .await;
    let made_up = s
        .api(
            Method::GET,
            &format!("{teams}/01a20000-0000-7000-8000-000000000000"),
            &a,
            None,
        )
        .await;
    assert_eq!(by_id.status(), 404);
    assert_eq!(by_id.text().await.unwrap(), made_up.text().await.unwrap());
    let beta_grant = grant(&s, &a, &bob, "member", Some("beta")).await;
    let ghost_grant = grant(&s, &a, &bob, "member", Some("ghost")).await;
    assert_eq!(beta_grant.status(), 404);
    assert_eq!(
        beta_grant.text().await.unwrap(),
        ghost_grant.text().await.unwrap()
    );

    // Inside alpha she may work; outside its walls she is refused.
    let renamed = s
        .api(
            Method::PATCH,
            &format!("{teams}/alpha"),
            &a,
            Some(body!({"name": "Alpha One"})),
        )
        .await;
    assert_eq!(renamed.status(), 200);
    let new_team = s
        .api(
            Method::POST,
            teams,
            &a,
            Some(body!({"slug": "gamma", "name": "Gamma"})),
        )
        .await;
    assert_eq!(new_team.status(), 403);
    assert_eq!(error_code(new_team).await, "forbidden");

    // Escalation guard: she can hand out what she holds in alpha, nothing more.
    assert_eq!(
        grant(&s, &a, &bob, "team_admin", Some("alpha"))
            .await
            .status(),
        201
    );
    let admin_in_alpha = grant(&s, &a, &bob, "admin", Some("alpha")).await;
    assert_eq!(admin_in_alpha.status(), 403);
    let org_wide = grant(&s, &a, &bob, "viewer", None).await;
    assert_eq!(org_wide.status(), 403);
    let grants: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM grants WHERE user_id = $1")
        .bind(&bob)
        .fetch_one(s.state.services.db.pool())
        .await
        .unwrap();
    assert_eq!(grants, 1, "refused grants are not written");

    // What Bob got is exactly what /auth/me reports, scoped to alpha.
    let b = sign_in(&s, "bob@acme.test").await;
    let me = json(s.api(Method::GET, "/api/v1/auth/me", &b, None).await).await;
    assert_eq!(me["role"], "team_admin");
    let perms: Vec<&str> = me["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    assert!(
        perms.iter().any(|p| p.starts_with("teams:update@team:")),
        "{perms:?}"
    );
    assert!(!perms.contains(&"teams:update"), "{perms:?}");
}
on_both_databases!(a_team_admin_sees_only_their_team);

async fn a_team_lists_its_members_and_their_roles(backend: Backend) {
    let s = TestServer::start(backend).await;
    let owner = s.signed_in_owner().await;
    add_teams(&s, &owner, &["alpha", "beta"]).await;
    let alice = add_member(&s, &owner, "alice@acme.test").await;
    let bob = add_member(&s, &owner, "bob@acme.test").await;
    assert_eq!(
        grant(&s, &owner, &alice, "team_admin", Some("alpha"))
            .await
            .status(),
        201
    );
    assert_eq!(
        grant(&s, &owner, &bob, "member", Some("beta"))
            .await
            .status(),
        201
    );

    let alpha = json(
        s.api(
            Method::GET,
            "/api/v1/orgs/acme/teams/alpha/members",
            &owner,
            None,
        )
        .await,
    )
    .await;
    let alpha = alpha["members"].as_array().unwrap();
    assert_eq!(alpha.len(), 1);
    assert_eq!(alpha[0]["email"], "alice@acme.test");
    assert_eq!(alpha[0]["grants"][0]["role"], "team_admin");

    let a = sign_in(&s, "alice@acme.test").await;
    assert_eq!(
        s.api(
            Method::GET,
            "/api/v1/orgs/acme/teams/alpha/members",
            &a,
            None
        )
        .await
        .status(),
        200
    );
    let beta = s
        .api(
            Method::GET,
            "/api/v1/orgs/acme/teams/beta/members",
            &a,
            None,
        )
        .await;
    let ghost = s
        .api(
            Method::GET,
            "/api/v1/orgs/acme/teams/ghost/members",
            &a,
            None,
        )
        .await;
    assert_eq!(beta.status(), 404);
    assert_eq!(
        beta.text().await.unwrap(),
        ghost.text().await.unwrap(),
        "nested paths reveal nothing either"
    );
}
on_both_databases!(a_team_lists_its_members_and_their_roles);

/// Issue 15 §6: the members list is searched by email or name prefix and filtered by role,
/// and says how each member signs in and when they last did.
async fn members_are_found_by_name_and_role(backend: Backend) {
    let s = TestServer::start(backend).await;
    let owner = s.signed_in_owner().await;
    add_teams(&s, &owner, &["alpha"]).await;
    let carol = add_member(&s, &owner, "carol@acme.test").await;
    let res = s
        .api(
            Method::POST,
            "/api/v1/orgs/acme/members",
            &owner,
            Some(body!({"email": "dan@acme.test", "display_name": "Carla Dan", "password": "member-password-1"})),
        )
        .await;
    assert_eq!(res.status(), 201);
    assert_eq!(
        grant(&s, &owner, &carol, "member", Some("alpha"))
            .await
            .status(),
        201
    );
    sign_in(&s, "carol@acme.test").await;

    let emails = |found: serde_json::Value| -> Vec<String> {
        found["members"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["email"].as_str().unwrap().to_string())
            .collect()
    };
    let list = |query: &'static str| {
        let (s, owner) = (&s, &owner);
        async move {
            let res = s
                .api(
                    Method::GET,
                    &format!("/api/v1/orgs/acme/members{query}"),
                    owner,
                    None,
                )
                .await;
            (res.status(), json(res).await)
        }
    };
    let (status, all) = list("").await;
    assert_eq!(status, 200);
    assert_eq!(
        emails(all.clone()),
        ["carol@acme.test", "dan@acme.test", "owner@acme.test"]
    );
    // Email prefix, any case; a word of the name; a role held in a team.
    assert_eq!(
        emails(list("?q=CAR").await.1),
        ["carol@acme.test", "dan@acme.test"]
    );
    assert_eq!(emails(list("?q=dan").await.1), ["dan@acme.test"]);
    let (_, by_role) = list("?role=member").await;
    assert_eq!(emails(by_role.clone()), ["carol@acme.test"]);
    assert_eq!(
        by_role["total"], 1,
        "counted from the grants, each holder once"
    );
    assert_eq!(
        emails(list("?q=car&role=owner").await.1),
        Vec::<String>::new()
    );
    let carol_row = &all["members"][0];
    assert_eq!(carol_row["password"], true);
    assert_eq!(carol_row["sso"], false);
    assert!(
        carol_row["last_signin_at"].as_i64().is_some(),
        "{carol_row}"
    );
    let dan_row = &all["members"][1];
    assert_eq!(
        dan_row["last_signin_at"],
        serde_json::Value::Null,
        "never signed in"
    );

    assert_eq!(all["total"], 3);
    let (_, by_team) = list("?team=alpha").await;
    assert_eq!(emails(by_team.clone()), ["carol@acme.test"]);
    assert_eq!(by_team["total"], 1);
    assert_eq!(emails(list("?via=local").await.1), emails(all.clone()));
    assert_eq!(emails(list("?via=sso").await.1), Vec::<String>::new());
    let (status, refused) = list("?team=ghost").await;
    assert_eq!(status, 422);
    assert_eq!(refused["error"]["field"], "team");
    let (status, refused) = list("?colour=red").await;
    assert_eq!(status, 422);
    assert_eq!(refused["error"]["field"], "query");

    // The console page: a GET form, counted, the found rows only.
    let page = s
        .get("/members?q=car&role=member", Some(&owner))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("1 member"), "{page}");
    assert!(
        page.contains("carol@acme.test") && !page.contains(">dan@acme.test<"),
        "{page}"
    );
    let none = s
        .get("/members?q=zz", Some(&owner))
        .await
        .text()
        .await
        .unwrap();
    assert!(none.contains("No members match."), "{none}");
}
on_both_databases!(members_are_found_by_name_and_role);
