//! Every list comes in pages (tokens, teams, a team's members, roles, applications, a
//! member's grants, one's sessions): a keyset cursor that neither repeats nor skips a row
//! while rows are added, a bounded total, and only what the reader may see.

use crate::harness::{
    add_member, add_teams, field, get, grant, json, sign_in, walk, Backend, TestServer,
};
use crate::on_both_databases;
use reqwest::Method;
use serde_json::{json, Value};

async fn mint(s: &TestServer, who: &str, name: &str) -> String {
    let res = s
        .api(
            Method::POST,
            "/api/v1/orgs/acme/tokens",
            who,
            Some(json!({"name": name, "roles": ["viewer"]})),
        )
        .await;
    assert_eq!(res.status(), 201);
    json(res).await["info"]["id"].as_str().unwrap().to_string()
}

async fn token_pages_stay_stable_while_tokens_are_minted(backend: Backend) {
    let s = TestServer::start(backend).await;
    let owner = s.signed_in_owner().await;
    let mut before = Vec::new();
    for n in 0..7 {
        before.push(mint(&s, &owner, &format!("t{n}")).await);
    }
    let tokens = "/api/v1/orgs/acme/tokens";
    let seen = walk(&s, &owner, tokens, "tokens", 3, async || {
        mint(&s, &owner, "late-1").await;
        mint(&s, &owner, "late-2").await;
    })
    .await;
    // Newest first: tokens minted after the first page was read come before it, so the
    // walk sees exactly the seven that existed, once each.
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), seen.len(), "no token twice: {seen:?}");
    let mut expected = before.clone();
    expected.sort();
    assert_eq!(sorted, expected);
    let first = get(&s, &owner, &format!("{tokens}?limit=3")).await;
    assert_eq!(first["total"], 9);
    assert_eq!(field(&first, "tokens", "name")[..2], ["late-2", "late-1"]);
}
on_both_databases!(token_pages_stay_stable_while_tokens_are_minted);

async fn team_pages_walk_by_slug_and_stay_stable(backend: Backend) {
    let s = TestServer::start(backend).await;
    let owner = s.signed_in_owner().await;
    add_teams(
        &s,
        &owner,
        &["t01", "t02", "t03", "t04", "t05", "t06", "t07"],
    )
    .await;
    let teams = "/api/v1/orgs/acme/teams";
    let slugs = |page: &Value| field(page, "teams", "slug");
    let first = get(&s, &owner, &format!("{teams}?limit=3")).await;
    assert_eq!(slugs(&first), ["t01", "t02", "t03"]);
    assert_eq!(first["total"], 7);
    // Teams added before and inside the walk: the next pages go on after t03.
    add_teams(&s, &owner, &["t00", "t035"]).await;
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = get(&s, &owner, &format!("{teams}?limit=3&cursor={cursor}")).await;
    assert_eq!(slugs(&second), ["t035", "t04", "t05"]);
    let cursor = second["next_cursor"].as_str().unwrap();
    let last = get(&s, &owner, &format!("{teams}?limit=3&cursor={cursor}")).await;
    assert_eq!(slugs(&last), ["t06", "t07"]);
    assert_eq!(last["next_cursor"], Value::Null);
    // A prefix of the slug or of the name, any case; `%` and `_` match only themselves.
    let renamed = s
        .api(
            Method::PATCH,
            &format!("{teams}/t05"),
            &owner,
            Some(json!({"name": "Payments EU"})),
        )
        .await;
    assert_eq!(renamed.status(), 200);
    assert_eq!(
        slugs(&get(&s, &owner, &format!("{teams}?q=PAY")).await),
        ["t05"]
    );
    assert_eq!(
        slugs(&get(&s, &owner, &format!("{teams}?q=t0")).await).len(),
        9
    );
    assert_eq!(
        slugs(&get(&s, &owner, &format!("{teams}?q=t_")).await).len(),
        0
    );
    let found = get(&s, &owner, &format!("{teams}?q=t03")).await;
    assert_eq!(slugs(&found), ["t03", "t035"]);
    assert_eq!(found["total"], 2);
    let refused = s
        .api(Method::GET, &format!("{teams}?cursor=nope!"), &owner, None)
        .await;
    assert_eq!(refused.status(), 422);
}
on_both_databases!(team_pages_walk_by_slug_and_stay_stable);

async fn a_team_reader_pages_only_what_they_may_see(backend: Backend) {
    let s = TestServer::start(backend).await;
    let owner = s.signed_in_owner().await;
    add_teams(&s, &owner, &["alpha", "beta", "gamma"]).await;
    for (name, team) in [("a1", "alpha"), ("b1", "beta"), ("b2", "beta")] {
        let res = s
            .api(
                Method::POST,
                "/api/v1/orgs/acme/tokens",
                &owner,
                Some(json!({"name": name, "team": team, "roles": ["member"]})),
            )
            .await;
        assert_eq!(res.status(), 201);
    }
    mint(&s, &owner, "org-wide").await;
    let alice = add_member(&s, &owner, "alice@acme.test").await;
    assert_eq!(
        grant(&s, &owner, &alice, "team_admin", Some("beta"))
            .await
            .status(),
        201
    );
    let a = sign_in(&s, "alice@acme.test").await;
    let tokens = get(&s, &a, "/api/v1/orgs/acme/tokens?limit=1").await;
    assert_eq!(tokens["total"], 2, "beta's two tokens only: {tokens}");
    assert_eq!(field(&tokens, "tokens", "team_name"), ["beta"]);
    let teams = get(&s, &a, "/api/v1/orgs/acme/teams").await;
    assert_eq!(field(&teams, "teams", "slug"), ["beta"]);
    assert_eq!(teams["total"], 1);
    let none = get(&s, &a, "/api/v1/orgs/acme/teams?q=alp").await;
    assert_eq!(none["total"], 0);
    // A team's members, by email, with the roles held in that team only.
    let bob = add_member(&s, &owner, "bob@acme.test").await;
    for (who, role, team) in [(&bob, "member", Some("beta")), (&bob, "viewer", None)] {
        assert_eq!(grant(&s, &owner, who, role, team).await.status(), 201);
    }
    let path = "/api/v1/orgs/acme/teams/beta/members";
    let members = get(&s, &a, &format!("{path}?limit=1")).await;
    assert_eq!(field(&members, "members", "email"), ["alice@acme.test"]);
    assert_eq!(members["total"], 2);
    let cursor = members["next_cursor"].as_str().unwrap();
    let next = get(&s, &a, &format!("{path}?limit=1&cursor={cursor}")).await;
    assert_eq!(field(&next, "members", "email"), ["bob@acme.test"]);
    let roles: Vec<&str> = next["members"][0]["grants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["role_name"].as_str().unwrap())
        .collect();
    assert_eq!(roles, ["Member"], "beta's grants only: {next}");
    assert_eq!(next["members"][0]["grants"][0]["team_name"], "beta");
    let searched = get(&s, &a, &format!("{path}?q=BO")).await;
    assert_eq!(field(&searched, "members", "email"), ["bob@acme.test"]);
    let outside = s
        .api(
            Method::GET,
            "/api/v1/orgs/acme/teams/alpha/members",
            &a,
            None,
        )
        .await;
    assert_eq!(outside.status(), 404);
    let named_twice = s
        .api(Method::GET, &format!("{path}?team=alpha"), &a, None)
        .await;
    assert_eq!(named_twice.status(), 422);
}
on_both_databases!(a_team_reader_pages_only_what_they_may_see);

async fn add_role(s: &TestServer, who: &str, name: &str) -> reqwest::Response {
    s.api(
        Method::POST,
        "/api/v1/orgs/acme/roles",
        who,
        Some(json!({"name": name, "permissions": ["teams:read"]})),
    )
    .await
}

/// Roles: the built-in ones first, then custom roles by name; a role added behind the walk
/// is not seen twice, one added ahead is seen; an org defines at most 200 custom roles.
async fn role_pages_put_builtins_first_and_are_bounded(backend: Backend) {
    let s = TestServer::start(backend).await;
    let owner = s.signed_in_owner().await;
    for name in ["Delta", "Alpha", "Echo", "Charlie", "Bravo"] {
        assert_eq!(add_role(&s, &owner, name).await.status(), 201);
    }
    let roles = "/api/v1/orgs/acme/roles";
    let all = get(&s, &owner, &format!("{roles}?limit=200")).await;
    let builtins = all["roles"]
        .as_array()
        .unwrap()
        .iter()
        .take_while(|r| r["builtin"] == true)
        .count();
    assert!(builtins >= 4, "{all}");
    let mut names = Vec::new();
    let mut page = get(&s, &owner, &format!("{roles}?limit=3")).await;
    names.extend(field(&page, "roles", "name"));
    let mut added_during = false;
    while let Some(cursor) = page["next_cursor"].as_str().map(str::to_string) {
        page = get(&s, &owner, &format!("{roles}?limit=3&cursor={cursor}")).await;
        assert!(page["roles"].as_array().unwrap().len() <= 3);
        names.extend(field(&page, "roles", "name"));
        if !added_during && names.iter().any(|n| n == "Bravo") {
            // Once the walk is past "Bravo": "Aardvark" lands behind it, "Zulu" ahead.
            assert_eq!(add_role(&s, &owner, "Aardvark").await.status(), 201);
            assert_eq!(add_role(&s, &owner, "Zulu").await.status(), 201);
            added_during = true;
        }
    }
    let custom: Vec<&str> = names[builtins..].iter().map(String::as_str).collect();
    assert_eq!(
        custom,
        ["Alpha", "Bravo", "Charlie", "Delta", "Echo", "Zulu"]
    );
    assert_eq!(
        field(&all, "roles", "name")[..builtins],
        names[..builtins],
        "built-in roles first, in the same order on every page size"
    );
    for bad in ["limit=0", "limit=201", "cursor=%25%25", "sort=name"] {
        let res = s
            .api(Method::GET, &format!("{roles}?{bad}"), &owner, None)
            .await;
        assert_eq!(res.status(), 422, "{bad}");
    }

    // Up to the bound (filled directly: 200 requests would only slow the test down).
    let org_id: String = sqlx::query_scalar("SELECT id FROM orgs WHERE slug = 'acme'")
        .fetch_one(s.state.services.db.pool())
        .await
        .unwrap();
    for n in 0..(200 - 7 - 1) {
        sqlx::query(
            "INSERT INTO roles (id, org_id, name, description, permissions, created_at, updated_at) \
             VALUES ($1, $2, $3, '', 'teams:read', 0, 0)",
        )
        .bind(format!("filled-{n}"))
        .bind(&org_id)
        .bind(format!("Filled {n:03}"))
        .execute(s.state.services.db.pool())
        .await
        .unwrap();
    }
    assert_eq!(add_role(&s, &owner, "The last").await.status(), 201);
    let refused = add_role(&s, &owner, "One too many").await;
    assert_eq!(refused.status(), 409);
    assert!(json(refused).await["error"]["message"]
        .as_str()
        .unwrap()
        .contains("at most 200"));
}
on_both_databases!(role_pages_put_builtins_first_and_are_bounded);

async fn application_pages_go_by_slug(backend: Backend) {
    let s = TestServer::start(backend).await;
    let owner = s.signed_in_owner().await;
    let apps = "/api/v1/orgs/acme/applications";
    for slug in ["wiki", "billing", "deploy", "crm", "ledger"] {
        let res = s
            .api(
                Method::POST,
                apps,
                &owner,
                Some(json!({"slug": slug, "name": slug})),
            )
            .await;
        assert_eq!(res.status(), 201);
    }
    let mut slugs = Vec::new();
    let mut page = get(&s, &owner, &format!("{apps}?limit=2")).await;
    slugs.extend(field(&page, "applications", "slug"));
    while let Some(cursor) = page["next_cursor"].as_str().map(str::to_string) {
        page = get(&s, &owner, &format!("{apps}?limit=2&cursor={cursor}")).await;
        slugs.extend(field(&page, "applications", "slug"));
    }
    assert_eq!(slugs, ["billing", "crm", "deploy", "ledger", "wiki"]);
}
on_both_databases!(application_pages_go_by_slug);

/// A member list shows a member's first 20 grants and how many they hold; their grants page
/// through all of them, and only for a member of this org.
async fn a_members_grants_come_in_pages(backend: Backend) {
    let s = TestServer::start(backend).await;
    let owner = s.signed_in_owner().await;
    let slugs: Vec<String> = (0..25).map(|n| format!("squad-{n:02}")).collect();
    let slug_refs: Vec<&str> = slugs.iter().map(String::as_str).collect();
    add_teams(&s, &owner, &slug_refs).await;
    let ada = add_member(&s, &owner, "ada@acme.test").await;
    let mut granted = Vec::new();
    for slug in &slugs {
        let res = grant(&s, &owner, &ada, "viewer", Some(slug)).await;
        assert_eq!(res.status(), 201);
        granted.push(json(res).await["id"].as_str().unwrap().to_string());
    }
    let listed = get(&s, &owner, "/api/v1/orgs/acme/members?q=ada").await;
    let row = &listed["members"][0];
    assert_eq!(row["grants_held"], 25, "{row}");
    assert_eq!(row["grants"].as_array().unwrap().len(), 20);
    let team_page = get(&s, &owner, "/api/v1/orgs/acme/teams/squad-03/members").await;
    assert_eq!(team_page["members"][0]["grants_held"], 1, "{team_page}");
    assert_eq!(
        team_page["members"][0]["grants"][0]["team_name"],
        "squad-03"
    );

    let path = format!("/api/v1/orgs/acme/members/{ada}/grants");
    let first = get(&s, &owner, &format!("{path}?limit=10")).await;
    assert_eq!(
        (first["total"].clone(), first["total_exact"].clone()),
        (json!(25), json!(true))
    );
    let seen = walk(&s, &owner, &path, "grants", 10, async || {}).await;
    assert_eq!(seen, granted, "every grant once, oldest first");

    let nobody = s
        .api(
            Method::GET,
            "/api/v1/orgs/acme/members/no-such-user/grants",
            &owner,
            None,
        )
        .await;
    assert_eq!(nobody.status(), 404);
    let member = sign_in(&s, "ada@acme.test").await;
    let denied = s.api(Method::GET, &path, &member, None).await;
    assert_eq!(
        denied.status(),
        403,
        "a viewer in teams may not read the member list"
    );
}
on_both_databases!(a_members_grants_come_in_pages);
