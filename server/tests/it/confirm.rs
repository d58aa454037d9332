//! Issue 15 §2: a destructive action is confirmed first — `/confirm` names the object and
//! everything that goes with it, the confirmed form comes back to the list — and the
//! question itself is checked like the action: another org's objects, or objects the viewer
//! may not delete, are not described.

use crate::hardening::{globex, switch};
use crate::harness::{add_member, add_teams, grant, json, member_with_role, Backend, TestServer};
use crate::on_both_databases;
use reqwest::Method;
use serde_json::json as body;

async fn page(s: &TestServer, cookie: &str, path: &str) -> String {
    let res = s.get(path, Some(cookie)).await;
    assert_eq!(res.status(), 200, "{path}");
    res.text().await.unwrap()
}

async fn team_id(s: &TestServer, cookie: &str, org: &str, slug: &str) -> String {
    let res = s
        .api(
            Method::GET,
            &format!("/api/v1/orgs/{org}/teams/{slug}"),
            cookie,
            None,
        )
        .await;
    assert_eq!(res.status(), 200);
    json(res).await["id"].as_str().unwrap().to_string()
}

async fn deleting_a_team_says_what_goes_with_it_first(backend: Backend) {
    let s = TestServer::start(backend).await;
    let owner = s.signed_in_owner().await;
    add_teams(&s, &owner, &["data"]).await;
    let data = team_id(&s, &owner, "acme", "data").await;
    let carol = add_member(&s, &owner, "carol@acme.test").await;
    assert_eq!(
        grant(&s, &owner, &carol, "member", Some("data"))
            .await
            .status(),
        201
    );
    for name in ["ci", "nightly"] {
        let res = s
            .api(
                Method::POST,
                "/api/v1/orgs/acme/tokens",
                &owner,
                Some(body!({"name": name, "team": "data", "roles": ["member"]})),
            )
            .await;
        assert_eq!(res.status(), 201);
    }

    let asked = format!("/confirm?what=team&id={data}");
    let question = page(&s, &owner, &asked).await;
    assert!(question.contains("Delete team data?"), "{question}");
    assert!(
        question.contains("Tokens of this team that stop working at once and are deleted: 2."),
        "{question}"
    );
    assert!(
        question.contains("Role grants in it taken back: 1, from 1 person."),
        "{question}"
    );
    assert!(
        question.contains(r#"action="/fn/delete_team""#),
        "{question}"
    );
    // Asking changes nothing.
    let still = s
        .api(Method::GET, "/api/v1/orgs/acme/teams/data", &owner, None)
        .await;
    assert_eq!(still.status(), 200);

    // Confirmed from that page: done, and back to the list.
    let res = s
        .post_console_form(&owner, &asked, "delete_team", &[("team", &data)])
        .await;
    assert!(res.status().is_redirection(), "{}", res.status());
    assert_eq!(res.headers()["location"], "/teams?done=delete_team");
    let gone = s
        .api(Method::GET, "/api/v1/orgs/acme/teams/data", &owner, None)
        .await;
    assert_eq!(gone.status(), 404);
    // Confirming again (a second tab): refused, and back to the list with the reason.
    let res = s
        .post_console_form(&owner, &asked, "delete_team", &[("team", &data)])
        .await;
    assert_eq!(res.headers()["location"], "/teams?error=not_found");
}
on_both_databases!(deleting_a_team_says_what_goes_with_it_first);

async fn only_what_the_viewer_may_destroy_is_described(backend: Backend) {
    let s = TestServer::start(backend).await;
    let owner = s.signed_in_owner().await;
    add_teams(&s, &owner, &["data"]).await;
    let data = team_id(&s, &owner, "acme", "data").await;
    // Another org's team: an admin of acme is not told about it.
    globex(&s, &owner).await;
    let res = s
        .api(
            Method::POST,
            "/api/v1/orgs/globex/teams",
            &owner,
            Some(body!({"slug": "secret-lab", "name": "Secret Lab"})),
        )
        .await;
    assert_eq!(res.status(), 201);
    let lab = json(res).await["id"].as_str().unwrap().to_string();
    switch(&s, &owner, "acme", "/").await;
    let admin = member_with_role(&s, &owner, "ada@acme.test", "admin", None).await;
    let other_org = page(&s, &admin, &format!("/confirm?what=team&id={lab}")).await;
    assert!(!other_org.contains("Secret Lab"), "{other_org}");
    assert!(!other_org.contains("/fn/delete_team"), "{other_org}");
    assert!(
        other_org.contains("That no longer exists, or you cannot see it."),
        "{other_org}"
    );

    // A viewer may not delete: refused, nothing offered.
    let viewer = member_with_role(&s, &owner, "vic@acme.test", "viewer", None).await;
    let refused = page(&s, &viewer, &format!("/confirm?what=team&id={data}")).await;
    assert!(!refused.contains("/fn/delete_team"), "{refused}");
    assert!(
        refused.contains("You do not have permission to do this."),
        "{refused}"
    );

    // Unknown kinds and ids name nothing.
    let nothing = page(&s, &owner, "/confirm?what=planet&id=x").await;
    assert!(nothing.contains("this link names no object"), "{nothing}");
    let unknown = page(&s, &owner, "/confirm?what=token&id=nope").await;
    assert!(unknown.contains("That no longer exists"), "{unknown}");
}
on_both_databases!(only_what_the_viewer_may_destroy_is_described);

async fn deleting_a_role_counts_the_live_tokens_carrying_it(backend: Backend) {
    let s = TestServer::start(backend).await;
    let owner = s.signed_in_owner().await;
    let made = s
        .api(
            Method::POST,
            "/api/v1/orgs/acme/roles",
            &owner,
            Some(body!({"name": "deployer", "permissions": ["teams:read"]})),
        )
        .await;
    assert_eq!(made.status(), 201);
    let role = json(made).await["id"].as_str().unwrap().to_string();
    // Two live tokens carry it (one among other roles), one revoked does, one carries another.
    let mut ids = Vec::new();
    for roles in [
        body!([role]),
        body!(["viewer", role]),
        body!([role]),
        body!(["viewer"]),
    ] {
        let res = s
            .api(
                Method::POST,
                "/api/v1/orgs/acme/tokens",
                &owner,
                Some(body!({"name": "t", "roles": roles})),
            )
            .await;
        assert_eq!(res.status(), 201);
        ids.push(json(res).await["info"]["id"].as_str().unwrap().to_string());
    }
    let revoked = s
        .api(
            Method::DELETE,
            &format!("/api/v1/orgs/acme/tokens/{}", ids[2]),
            &owner,
            None,
        )
        .await;
    assert_eq!(revoked.status(), 204);
    let question = page(&s, &owner, &format!("/confirm?what=role&id={role}")).await;
    assert!(
        question.contains("Live tokens carrying it, which lose what it allows: 2."),
        "{question}"
    );
}
on_both_databases!(deleting_a_role_counts_the_live_tokens_carrying_it);
