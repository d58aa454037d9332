//! Tokens, teams and a team's members come in pages: a keyset cursor that neither repeats
//! nor skips a row while rows are added, a bounded total, and only what the reader may see.

use crate::harness::{add_member, add_teams, grant, json, sign_in, Backend, TestServer};
use crate::on_both_databases;
use reqwest::Method;
use serde_json::{json, Value};

async fn get(s: &TestServer, who: &str, path: &str) -> Value {
    let res = s.api(Method::GET, path, who, None).await;
    assert_eq!(res.status(), 200, "{path}");
    json(res).await
}

fn field(page: &Value, list: &str, name: &str) -> Vec<String> {
    page[list]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row[name].as_str().unwrap().to_string())
        .collect()
}

/// Walks a list from its first page, `limit` at a time, calling `between` after the first
/// page; the ids seen, in order.
async fn walk(
    s: &TestServer,
    who: &str,
    path: &str,
    list: &str,
    limit: u32,
    between: impl AsyncFnOnce(),
) -> Vec<String> {
    let sep = if path.contains('?') { '&' } else { '?' };
    let mut page = get(s, who, &format!("{path}{sep}limit={limit}")).await;
    let mut seen = field(&page, list, "id");
    between().await;
    while let Some(cursor) = page["next_cursor"].as_str().map(str::to_string) {
        page = get(s, who, &format!("{path}{sep}limit={limit}&cursor={cursor}")).await;
        assert!(page[list].as_array().unwrap().len() <= limit as usize);
        seen.extend(field(&page, list, "id"));
    }
    seen
}

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
