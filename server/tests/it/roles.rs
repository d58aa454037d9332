//! Custom roles, member lists, revocation, removal, the last-owner guard and org settings.

use crate::harness::{add_member, error_code, grant, json, sign_in, Backend, TestServer};
use crate::on_both_databases;
use reqwest::Method;
use serde_json::json as body;

const ROLES: &str = "/api/v1/orgs/acme/roles";

fn words(me: &serde_json::Value) -> Vec<String> {
    me["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap().to_string())
        .collect()
}

async fn custom_roles_apply_on_the_next_request(backend: Backend) {
    let s = TestServer::start(backend).await;
    let owner = s.signed_in_owner().await;
    let create = |b: serde_json::Value| s.api(Method::POST, ROLES, &owner, Some(b));

    let unknown =
        create(body!({"name": "Auditor", "permissions": ["audit:read", "audit:fly"]})).await;
    assert_eq!(unknown.status(), 422);
    assert!(json(unknown).await["error"]["message"]
        .as_str()
        .unwrap()
        .contains("audit:fly"));
    assert_eq!(
        create(body!({"name": "Org Owner", "permissions": []}))
            .await
            .status(),
        422
    );
    let made = create(body!({"name": "Auditor", "description": "Reads the log", "permissions": ["audit:read", "teams:read"]})).await;
    assert_eq!(made.status(), 201);
    let role = json(made).await;
    let role_id = role["id"].as_str().unwrap().to_string();
    assert_eq!(
        error_code(create(body!({"name": "Auditor", "permissions": []})).await).await,
        "conflict"
    );

    let listed = json(s.api(Method::GET, ROLES, &owner, None).await).await["roles"].clone();
    let builtin = listed
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["builtin"] == true)
        .count();
    assert_eq!(builtin, 5);
    assert!(listed
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["name"] == "Auditor"));
    let builtin_edit = s
        .api(
            Method::PATCH,
            &format!("{ROLES}/owner"),
            &owner,
            Some(body!({"name": "Boss"})),
        )
        .await;
    assert_eq!(builtin_edit.status(), 422, "built-in roles are read-only");

    let carol = add_member(&s, &owner, "carol@acme.test").await;
    assert_eq!(
        grant(&s, &owner, &carol, &role_id, None).await.status(),
        201
    );
    let c = sign_in(&s, "carol@acme.test").await;
    let me = json(s.api(Method::GET, "/api/v1/auth/me", &c, None).await).await;
    assert!(words(&me).contains(&"audit:read".into()), "{me}");
    assert_eq!(me["can_write"], false);

    let edited = s
        .api(
            Method::PATCH,
            &format!("{ROLES}/{role_id}"),
            &owner,
            Some(body!({"permissions": ["teams:read"]})),
        )
        .await;
    assert_eq!(edited.status(), 200);
    let me = json(s.api(Method::GET, "/api/v1/auth/me", &c, None).await).await;
    assert_eq!(
        words(&me),
        ["teams:read"],
        "the edit applies on her next request"
    );

    assert_eq!(
        s.api(Method::DELETE, &format!("{ROLES}/{role_id}"), &owner, None)
            .await
            .status(),
        204
    );
    let me = json(s.api(Method::GET, "/api/v1/auth/me", &c, None).await).await;
    assert!(
        words(&me).is_empty(),
        "deleting the role takes its grants: {me}"
    );
    let snapshot: Option<String> =
        sqlx::query_scalar("SELECT snapshot FROM audit_events WHERE action = 'role.deleted'")
            .fetch_one(s.state.services.db.pool())
            .await
            .unwrap();
    assert!(snapshot.unwrap().contains("teams:read"));
}
on_both_databases!(custom_roles_apply_on_the_next_request);

async fn an_admin_cannot_define_or_edit_beyond_their_reach(backend: Backend) {
    let s = TestServer::start(backend).await;
    let owner = s.signed_in_owner().await;
    let dave = add_member(&s, &owner, "dave@acme.test").await;
    assert_eq!(grant(&s, &owner, &dave, "admin", None).await.status(), 201);
    let d = sign_in(&s, "dave@acme.test").await;

    let too_much = s
        .api(
            Method::POST,
            ROLES,
            &d,
            Some(body!({"name": "Wrecker", "permissions": ["org:delete"]})),
        )
        .await;
    assert_eq!(too_much.status(), 403);
    let owners_role = s
        .api(
            Method::POST,
            ROLES,
            &owner,
            Some(body!({"name": "Closer", "permissions": ["org:delete"]})),
        )
        .await;
    let closer = json(owners_role).await["id"].as_str().unwrap().to_string();
    let shrink = s
        .api(
            Method::PATCH,
            &format!("{ROLES}/{closer}"),
            &d,
            Some(body!({"permissions": []})),
        )
        .await;
    assert_eq!(
        shrink.status(),
        403,
        "editing involves the permissions the role had"
    );
    assert_eq!(
        grant(&s, &d, &dave, "owner", None).await.status(),
        403,
        "no self-promotion"
    );
    assert_eq!(grant(&s, &d, &dave, &closer, None).await.status(), 403);
    let fine = s
        .api(
            Method::POST,
            ROLES,
            &d,
            Some(body!({"name": "Team reader", "permissions": ["teams:read"]})),
        )
        .await;
    assert_eq!(fine.status(), 201);
}
on_both_databases!(an_admin_cannot_define_or_edit_beyond_their_reach);

async fn an_org_always_keeps_an_owner(backend: Backend) {
    let s = TestServer::start(backend).await;
    let owner = s.signed_in_owner().await;
    let members = json(
        s.api(Method::GET, "/api/v1/orgs/acme/members", &owner, None)
            .await,
    )
    .await;
    let me = &members["members"][0];
    let (my_id, my_grant) = (
        me["user_id"].as_str().unwrap(),
        me["grants"][0]["id"].as_str().unwrap(),
    );
    assert_eq!(me["grants"][0]["role"], "owner");

    let revoke = s
        .api(
            Method::DELETE,
            &format!("/api/v1/orgs/acme/grants/{my_grant}"),
            &owner,
            None,
        )
        .await;
    assert_eq!(revoke.status(), 409);
    assert_eq!(error_code(revoke).await, "conflict");
    let leave = s
        .api(
            Method::DELETE,
            &format!("/api/v1/orgs/acme/members/{my_id}"),
            &owner,
            None,
        )
        .await;
    assert_eq!(leave.status(), 409);

    let eve = add_member(&s, &owner, "eve@acme.test").await;
    assert_eq!(grant(&s, &owner, &eve, "owner", None).await.status(), 201);
    let e = sign_in(&s, "eve@acme.test").await;
    assert_eq!(
        s.api(
            Method::DELETE,
            &format!("/api/v1/orgs/acme/grants/{my_grant}"),
            &owner,
            None
        )
        .await
        .status(),
        204
    );
    // Eve is now the last owner: removing her is refused, removing the first account works.
    assert_eq!(
        s.api(
            Method::DELETE,
            &format!("/api/v1/orgs/acme/members/{eve}"),
            &e,
            None
        )
        .await
        .status(),
        409
    );
    assert_eq!(
        s.api(
            Method::DELETE,
            &format!("/api/v1/orgs/acme/members/{my_id}"),
            &e,
            None
        )
        .await
        .status(),
        204
    );
    assert_eq!(
        s.get("/api/v1/auth/me", Some(&owner)).await.status(),
        401,
        "a removed member's session ends"
    );
    let left = json(
        s.api(Method::GET, "/api/v1/orgs/acme/members", &e, None)
            .await,
    )
    .await;
    assert_eq!(left["members"].as_array().unwrap().len(), 1);
}
on_both_databases!(an_org_always_keeps_an_owner);

async fn org_settings(backend: Backend) {
    let s = TestServer::start(backend).await;
    let owner = s.signed_in_owner().await;
    let renamed = s
        .api(
            Method::PATCH,
            "/api/v1/orgs/acme",
            &owner,
            Some(body!({"name": "Acme Corp"})),
        )
        .await;
    assert_eq!(json(renamed).await["name"], "Acme Corp");
    let bad = s
        .api(
            Method::PATCH,
            "/api/v1/orgs/acme",
            &owner,
            Some(body!({"slug": "-x"})),
        )
        .await;
    assert_eq!(bad.status(), 422);
    let moved = s
        .api(
            Method::PATCH,
            "/api/v1/orgs/acme",
            &owner,
            Some(body!({"slug": "acme-corp"})),
        )
        .await;
    assert_eq!(moved.status(), 200);
    assert_eq!(
        s.api(Method::GET, "/api/v1/orgs/acme-corp", &owner, None)
            .await
            .status(),
        200
    );
    assert_eq!(
        s.api(Method::GET, "/api/v1/orgs/acme", &owner, None)
            .await
            .status(),
        404
    );

    let vic = s
        .api(
            Method::POST,
            "/api/v1/orgs/acme-corp/members",
            &owner,
            Some(body!({"email": "vic@acme.test", "password": "member-password-1"})),
        )
        .await;
    let vic = json(vic).await["user_id"].as_str().unwrap().to_string();
    let granted = s
        .api(
            Method::POST,
            "/api/v1/orgs/acme-corp/grants",
            &owner,
            Some(body!({"user_id": vic, "role": "viewer"})),
        )
        .await;
    assert_eq!(granted.status(), 201);
    let v = sign_in(&s, "vic@acme.test").await;
    assert_eq!(
        s.api(Method::GET, "/api/v1/orgs/acme-corp", &v, None)
            .await
            .status(),
        200
    );
    let refused = s
        .api(
            Method::PATCH,
            "/api/v1/orgs/acme-corp",
            &v,
            Some(body!({"name": "Mine"})),
        )
        .await;
    assert_eq!(refused.status(), 403);
}
on_both_databases!(org_settings);

async fn a_user_in_several_orgs_switches_between_them(backend: Backend) {
    let s = TestServer::start(backend).await;
    let owner = s.signed_in_owner().await;
    let created = s
        .api(
            Method::POST,
            "/api/v1/orgs",
            &owner,
            Some(body!({"slug": "globex", "name": "Globex"})),
        )
        .await;
    assert_eq!(created.status(), 201);
    let taken = s
        .api(
            Method::POST,
            "/api/v1/orgs",
            &owner,
            Some(body!({"slug": "globex", "name": "Again"})),
        )
        .await;
    assert_eq!(error_code(taken).await, "conflict");
    let mine = json(s.api(Method::GET, "/api/v1/orgs", &owner, None).await).await;
    let slugs: Vec<&str> = mine
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["slug"].as_str().unwrap())
        .collect();
    assert_eq!(slugs, ["acme", "globex"]);
    assert!(s
        .get("/", Some(&owner))
        .await
        .text()
        .await
        .unwrap()
        .contains("Switch to Globex"));

    add_member(&s, &owner, "zed@acme.test").await;
    let switched = s
        .post_form("/orgs/switch", &[("org", "globex")], Some(&owner))
        .await;
    assert_eq!(crate::harness::location(switched.headers()), "/");
    let me = json(s.get("/api/v1/auth/me", Some(&owner)).await).await;
    let globex = mine.as_array().unwrap()[1]["id"].clone();
    assert_eq!(me["org_id"], globex);
    assert_eq!(me["role"], "owner");
    assert_eq!(
        s.api(Method::GET, "/api/v1/orgs/globex/teams", &owner, None)
            .await
            .status(),
        200
    );

    // A member of acme only cannot switch into globex, which looks like it does not exist.
    let z = sign_in(&s, "zed@acme.test").await;
    let refused = s
        .post_form("/orgs/switch", &[("org", "globex")], Some(&z))
        .await;
    assert_eq!(refused.status(), 404);
}
on_both_databases!(a_user_in_several_orgs_switches_between_them);

/// Issue 15 §5: programs name roles as people do — by name, any case — wherever the API takes
/// a role: grants, tokens, an identity provider's group rules and default role.
async fn roles_are_named_by_name_too(backend: Backend) {
    let s = TestServer::start(backend).await;
    let owner = s.signed_in_owner().await;
    crate::harness::add_teams(&s, &owner, &["alpha"]).await;
    let made = s
        .api(
            Method::POST,
            ROLES,
            &owner,
            Some(body!({"name": "Deployer", "permissions": ["teams:read", "tokens:read"]})),
        )
        .await;
    assert_eq!(made.status(), 201);
    let deployer = json(made).await["id"].as_str().unwrap().to_string();
    let carol = add_member(&s, &owner, "carol@acme.test").await;

    let by_name = grant(&s, &owner, &carol, "deployer", Some("alpha")).await;
    assert_eq!(by_name.status(), 201);
    assert_eq!(json(by_name).await["role"], deployer.as_str());
    let builtin = grant(&s, &owner, &carol, "Org Admin", None).await;
    assert_eq!(builtin.status(), 201);
    assert_eq!(json(builtin).await["role"], "admin");
    let unknown = grant(&s, &owner, &carol, "Astronaut", None).await;
    assert_eq!(unknown.status(), 422);
    assert_eq!(json(unknown).await["error"]["field"], "role");

    let token = s
        .api(
            Method::POST,
            "/api/v1/orgs/acme/tokens",
            &owner,
            Some(body!({"name": "ci", "team": "alpha", "roles": ["Deployer", "Member"]})),
        )
        .await;
    assert_eq!(token.status(), 201);
    let roles = json(token).await["info"]["roles"].clone();
    assert_eq!(roles, body!([deployer, "member"]));
    let owner_by_name = s
        .api(
            Method::POST,
            "/api/v1/orgs/acme/tokens",
            &owner,
            Some(body!({"name": "too-much", "team": "alpha", "roles": ["org owner"]})),
        )
        .await;
    assert_eq!(
        owner_by_name.status(),
        422,
        "Org Owner by name is Org Owner"
    );

    let provider = s
        .api(
            Method::POST,
            "/api/v1/orgs/acme/sso/providers",
            &owner,
            Some(
                body!({"kind": "okta", "issuer": "https://acme.okta.example/oauth2/default",
                        "client_id": "c", "client_secret": "s",
                        "group_rules": [{"group": "Ops", "role": "DEPLOYER", "team": "alpha"}],
                        "default_role": "Viewer"}),
            ),
        )
        .await;
    assert_eq!(provider.status(), 201);
    let provider = json(provider).await;
    assert_eq!(provider["group_rules"][0]["role"], deployer.as_str());
    assert_eq!(provider["default_role"], "viewer");
}
on_both_databases!(roles_are_named_by_name_too);

/// Issue 15 §6: each role has its own page and API resource, by id or by name; the Roles page
/// lists custom roles first, then the built-ins side by side; another org's role is not found.
async fn each_role_has_its_own_page(backend: Backend) {
    let s = TestServer::start(backend).await;
    let owner = s.signed_in_owner().await;
    let made = s
        .api(
            Method::POST,
            ROLES,
            &owner,
            Some(body!({"name": "Auditor plus", "description": "Reads the log", "permissions": ["audit:read"]})),
        )
        .await;
    assert_eq!(made.status(), 201);
    let id = json(made).await["id"].as_str().unwrap().to_string();

    let by_name = s
        .api(
            Method::GET,
            &format!("{ROLES}/auditor%20PLUS"),
            &owner,
            None,
        )
        .await;
    assert_eq!(by_name.status(), 200);
    assert_eq!(json(by_name).await["id"], id.as_str());
    let builtin = json(
        s.api(Method::GET, &format!("{ROLES}/Viewer"), &owner, None)
            .await,
    )
    .await;
    assert_eq!(builtin["id"], "viewer");
    assert_eq!(builtin["builtin"], true);
    assert!(builtin["description"]
        .as_str()
        .unwrap()
        .contains("changes nothing"));
    let unknown = s
        .api(Method::GET, &format!("{ROLES}/astronaut"), &owner, None)
        .await;
    assert_eq!(unknown.status(), 404);

    let list = s.get("/roles", Some(&owner)).await.text().await.unwrap();
    let custom_at = list.find("Auditor plus").expect("custom role listed");
    assert!(
        custom_at < list.find("data-testid=\"builtin-matrix\"").unwrap(),
        "custom roles first"
    );
    assert!(list.contains(&format!("href=\"/roles/{id}\"")), "{list}");
    let page = s.get(&format!("/roles/{id}"), Some(&owner)).await;
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    assert!(
        page.contains("Save role") && page.contains("Reads the log"),
        "{page}"
    );
    let builtin_page = s
        .get("/roles/owner", Some(&owner))
        .await
        .text()
        .await
        .unwrap();
    assert!(builtin_page.contains("Built-in role.") && !builtin_page.contains("Save role"));
    let signed_out = s.get(&format!("/roles/{id}"), None).await;
    assert_eq!(signed_out.status(), 303);

    // The owner's other org does not see acme's role, by API or page.
    crate::hardening::globex(&s, &owner).await;
    let elsewhere = s
        .api(
            Method::GET,
            &format!("/api/v1/orgs/globex/roles/{id}"),
            &owner,
            None,
        )
        .await;
    assert_eq!(elsewhere.status(), 404);
    let page = s.get(&format!("/roles/{id}"), Some(&owner)).await;
    assert_eq!(page.status(), 404);
    assert!(!page.text().await.unwrap().contains("Auditor plus"));
}
on_both_databases!(each_role_has_its_own_page);
