//! The permission matrix: every mutating use case, through both doors (the JSON API and
//! the console's server function), refused without its permission and done with it.

use crate::harness::{add_member, grant, json, sign_in, Backend, TestServer};
use crate::on_both_databases;
use reqwest::Method;
use serde_json::{json as body, Value};

/// One use case as reached through each door.
struct Case {
    name: &'static str,
    api: (Method, String, Option<Value>),
    server_fn: (&'static str, Vec<(&'static str, String)>),
}

async fn call_fn(
    s: &TestServer,
    cookie: &str,
    endpoint: &str,
    form: &[(&'static str, String)],
) -> reqwest::Response {
    s.client
        .post(s.url(&format!("/fn/{endpoint}")))
        .header("cookie", cookie)
        .header("origin", &s.base)
        .form(form)
        .send()
        .await
        .unwrap()
}

async fn create(s: &TestServer, cookie: &str, path: &str, b: Value) -> String {
    let res = s.api(Method::POST, path, cookie, Some(b)).await;
    assert!(res.status().is_success(), "{path}: {}", res.status());
    let v = json(res).await;
    v["id"]
        .as_str()
        .or(v["user_id"].as_str())
        .unwrap()
        .to_string()
}

async fn every_use_case_through_both_doors(backend: Backend) {
    let s = TestServer::start(backend).await;
    let owner = s.signed_in_owner().await;
    let teams = "/api/v1/orgs/acme/teams";
    let roles = "/api/v1/orgs/acme/roles";
    for slug in ["alpha", "beta", "gamma"] {
        create(&s, &owner, teams, body!({"slug": slug, "name": slug})).await;
    }
    let mut role_ids = Vec::new();
    for name in ["R1", "R2", "R3"] {
        role_ids.push(
            create(
                &s,
                &owner,
                roles,
                body!({"name": name, "permissions": ["teams:read"]}),
            )
            .await,
        );
    }
    let viewer = add_member(&s, &owner, "viewer@acme.test").await;
    assert_eq!(
        grant(&s, &owner, &viewer, "viewer", None).await.status(),
        201
    );
    let (u1, u2) = (
        add_member(&s, &owner, "u1@acme.test").await,
        add_member(&s, &owner, "u2@acme.test").await,
    );
    let g1 = json(grant(&s, &owner, &u1, "member", None).await).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let g2 = json(grant(&s, &owner, &u2, "member", None).await).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let v = sign_in(&s, "viewer@acme.test").await;
    let mut token_ids = Vec::new();
    for name in ["t1", "t2"] {
        let res = s
            .api(
                Method::POST,
                "/api/v1/orgs/acme/tokens",
                &owner,
                Some(body!({"name": name, "roles": ["viewer"]})),
            )
            .await;
        token_ids.push(json(res).await["info"]["id"].as_str().unwrap().to_string());
    }
    let provider = |name: &str| {
        body!({"kind": "okta", "name": name, "issuer": "https://acme.okta.example/oauth2/default",
               "client_id": "foxgate", "client_secret": "s3cret"})
    };
    let mut provider_ids = Vec::new();
    for name in ["p1", "p2"] {
        let res = s
            .api(
                Method::POST,
                "/api/v1/orgs/acme/sso/providers",
                &owner,
                Some(provider(name)),
            )
            .await;
        provider_ids.push(json(res).await["id"].as_str().unwrap().to_string());
    }
    let provider_form = |id: &str| {
        vec![
            ("provider", id.to_string()),
            ("kind", "okta".into()),
            ("issuer", "https://acme.okta.example/oauth2/default".into()),
            ("client_id", "foxgate".into()),
            ("client_secret", "s3cret".into()),
            ("rule_group[]", "Engineering".into()),
            ("rule_role[]", "member".into()),
            ("rule_team[]", "alpha".into()),
            ("enabled", "on".into()),
        ]
    };

    let mut app_ids = Vec::new();
    for slug in ["app-one", "app-two", "app-three"] {
        app_ids.push(
            create(
                &s,
                &owner,
                "/api/v1/orgs/acme/applications",
                body!({"slug": slug, "name": slug,
                       "resource_types": [{"name": "things", "actions": ["read"]}]}),
            )
            .await,
        );
    }
    let app_form = |id: &str, slug: &str| {
        vec![
            ("application", id.to_string()),
            ("slug", slug.to_string()),
            ("name", "Fn app".to_string()),
            ("description", String::new()),
            ("resources[]", "things".to_string()),
            ("actions[]", "read, write".to_string()),
        ]
    };

    let o = |p: &str| format!("/api/v1/orgs/acme{p}");
    let cases = vec![
        Case {
            name: "applications.create",
            api: (
                Method::POST,
                o("/applications"),
                Some(body!({"slug": "api-app", "name": "API app"})),
            ),
            server_fn: ("save_application", app_form("", "fn-app")),
        },
        Case {
            name: "applications.update",
            api: (
                Method::PATCH,
                o(&format!("/applications/{}", app_ids[0])),
                Some(body!({"name": "Renamed"})),
            ),
            server_fn: ("save_application", app_form(&app_ids[0], "")),
        },
        Case {
            name: "applications.delete",
            api: (
                Method::DELETE,
                o(&format!("/applications/{}", app_ids[1])),
                None,
            ),
            server_fn: (
                "delete_application",
                vec![("application", app_ids[2].clone())],
            ),
        },
        Case {
            name: "sessions.end",
            api: (Method::DELETE, o(&format!("/members/{u1}/sessions")), None),
            server_fn: ("end_member_sessions", vec![("user_id", u2.clone())]),
        },
        Case {
            name: "sso.create",
            api: (Method::POST, o("/sso/providers"), Some(provider("api"))),
            server_fn: ("save_provider", provider_form("")),
        },
        Case {
            name: "sso.update",
            api: (
                Method::PUT,
                o(&format!("/sso/providers/{}", provider_ids[0])),
                Some(provider("renamed")),
            ),
            server_fn: ("save_provider", provider_form(&provider_ids[0])),
        },
        Case {
            name: "sso.delete",
            api: (
                Method::DELETE,
                o(&format!("/sso/providers/{}", provider_ids[0])),
                None,
            ),
            server_fn: (
                "delete_provider",
                vec![("provider", provider_ids[1].clone())],
            ),
        },
        Case {
            name: "teams.create",
            api: (
                Method::POST,
                o("/teams"),
                Some(body!({"slug": "api-team", "name": "API"})),
            ),
            server_fn: (
                "create_team",
                vec![("slug", "fn-team".into()), ("name", "Fn".into())],
            ),
        },
        Case {
            name: "teams.update",
            api: (
                Method::PATCH,
                o("/teams/alpha"),
                Some(body!({"name": "Alpha 2"})),
            ),
            server_fn: (
                "rename_team",
                vec![("team", "alpha".into()), ("name", "Alpha 3".into())],
            ),
        },
        Case {
            name: "teams.delete",
            api: (Method::DELETE, o("/teams/beta"), None),
            server_fn: ("delete_team", vec![("team", "gamma".into())]),
        },
        Case {
            name: "members.create",
            api: (
                Method::POST,
                o("/members"),
                Some(body!({"email": "a1@acme.test", "password": "member-password-1"})),
            ),
            server_fn: (
                "create_member",
                vec![
                    ("email", "f1@acme.test".into()),
                    ("display_name", "F".into()),
                    ("password", "member-password-1".into()),
                ],
            ),
        },
        Case {
            name: "grants.create",
            api: (
                Method::POST,
                o("/grants"),
                Some(body!({"user_id": u1, "role": "viewer"})),
            ),
            server_fn: (
                "grant_role",
                vec![
                    ("user_id", u2.clone()),
                    ("role", "viewer".into()),
                    ("team", String::new()),
                ],
            ),
        },
        Case {
            name: "grants.revoke",
            api: (Method::DELETE, o(&format!("/grants/{g1}")), None),
            server_fn: ("revoke_grant", vec![("grant", g2.clone())]),
        },
        Case {
            name: "roles.create",
            api: (
                Method::POST,
                o("/roles"),
                Some(body!({"name": "R-api", "permissions": ["teams:read"]})),
            ),
            server_fn: (
                "create_role",
                vec![
                    ("name", "R-fn".into()),
                    ("description", String::new()),
                    ("permissions[]", "teams:read".into()),
                ],
            ),
        },
        Case {
            name: "roles.update",
            api: (
                Method::PATCH,
                o(&format!("/roles/{}", role_ids[0])),
                Some(body!({"permissions": ["audit:read"]})),
            ),
            server_fn: (
                "update_role",
                vec![
                    ("role", role_ids[0].clone()),
                    ("name", "R1".into()),
                    ("description", "edited".into()),
                    ("permissions[]", "sso:read".into()),
                ],
            ),
        },
        Case {
            name: "roles.delete",
            api: (Method::DELETE, o(&format!("/roles/{}", role_ids[1])), None),
            server_fn: ("delete_role", vec![("role", role_ids[2].clone())]),
        },
        Case {
            name: "members.remove",
            api: (Method::DELETE, o(&format!("/members/{u1}")), None),
            server_fn: ("remove_member", vec![("user_id", u2.clone())]),
        },
        Case {
            name: "tokens.create",
            api: (
                Method::POST,
                o("/tokens"),
                Some(body!({"name": "api", "team": "alpha", "roles": ["member"]})),
            ),
            server_fn: (
                "create_token",
                vec![
                    ("name", "fn".into()),
                    ("team", String::new()),
                    ("roles[]", "viewer".into()),
                    ("expires", "30".into()),
                ],
            ),
        },
        Case {
            name: "tokens.rotate",
            api: (
                Method::POST,
                o(&format!("/tokens/{}/rotate", token_ids[0])),
                Some(body!({"grace_hours": 1})),
            ),
            server_fn: (
                "rotate_token",
                vec![("token", token_ids[1].clone()), ("grace_hours", "0".into())],
            ),
        },
        Case {
            name: "tokens.revoke",
            api: (
                Method::DELETE,
                o(&format!("/tokens/{}", token_ids[0])),
                None,
            ),
            server_fn: ("revoke_token", vec![("token", token_ids[1].clone())]),
        },
        Case {
            name: "org.update",
            api: (Method::PATCH, o(""), Some(body!({"name": "Acme 2"}))),
            server_fn: (
                "update_org",
                vec![("name", "Acme 3".into()), ("slug", "acme".into())],
            ),
        },
        Case {
            name: "org.create",
            api: (
                Method::POST,
                "/api/v1/orgs".into(),
                Some(body!({"slug": "org-api", "name": "Org API"})),
            ),
            server_fn: (
                "create_org",
                vec![("slug", "org-fn".into()), ("name", "Org Fn".into())],
            ),
        },
    ];
    for uc in foxgate_core::use_cases::ALL.iter().filter(|uc| uc.mutates) {
        assert!(
            cases.iter().any(|c| c.name == uc.name),
            "the matrix misses use case {}",
            uc.name
        );
    }

    // A viewer holds none of these: both doors refuse, and nothing changes.
    let events = s.audit_actions().await.len();
    // The published description names, for the route of each case, the use case the
    // service enforces (its `x-permission`), so the two cannot drift apart.
    let spec = json(s.get("/api/v1/openapi.json", None).await).await;
    for case in &cases {
        let (method, path, _) = &case.api;
        let operation = operation_of(&spec, method, path)
            .unwrap_or_else(|| panic!("{}: {method} {path} is not described", case.name));
        let named: Vec<&str> = operation["x-permission"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|need| need["use_case"].as_str())
            .collect();
        assert!(
            named.contains(&case.name),
            "{}: {method} {path} says it needs {named:?}",
            case.name
        );
    }
    for case in &cases {
        let (method, path, b) = &case.api;
        let api = s.api(method.clone(), path, &v, b.clone()).await;
        assert_eq!(api.status(), 403, "{} via API", case.name);
        assert_eq!(
            json(api).await["error"]["code"],
            "forbidden",
            "{}",
            case.name
        );
        let via_fn = call_fn(&s, &v, case.server_fn.0, &case.server_fn.1).await;
        assert_eq!(via_fn.status(), 403, "{} via server function", case.name);
        assert_eq!(
            json(via_fn).await["error"]["code"],
            "forbidden",
            "{}",
            case.name
        );
    }
    let actions = s.audit_actions().await;
    let (denied, rest): (Vec<_>, Vec<_>) = actions
        .iter()
        .partition(|(action, _, _)| action == "authz.denied");
    assert_eq!(rest.len(), events, "refusals change nothing");
    assert!(denied.iter().all(|(_, outcome, _)| outcome == "denied"));
    // Each refusal is in the log as the permission refused, by the viewer, once a minute.
    let reasons: Vec<(String, Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT reason, actor_label, team_id FROM audit_events WHERE action = 'authz.denied'",
    )
    .fetch_all(s.state.services.db.pool())
    .await
    .unwrap();
    for case in &cases {
        let uc = foxgate_core::use_cases::ALL
            .iter()
            .find(|uc| uc.name == case.name)
            .unwrap();
        assert!(
            reasons
                .iter()
                .any(|(reason, _, _)| reason == uc.permission.name()),
            "{}: no authz.denied for {} in {reasons:?}",
            case.name,
            uc.permission.name()
        );
    }
    assert!(reasons
        .iter()
        .all(|(_, actor, _)| actor.as_deref() == Some("viewer@acme.test")));
    let mut distinct = reasons.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(
        distinct.len(),
        reasons.len(),
        "at most one a minute per permission and team"
    );

    // The owner holds all of them: both doors succeed, each writing one audit event.
    for case in &cases {
        let (method, path, b) = &case.api;
        let before = s.audit_actions().await.len();
        let api = s.api(method.clone(), path, &owner, b.clone()).await;
        assert!(
            api.status().is_success(),
            "{} via API: {}",
            case.name,
            api.status()
        );
        let via_fn = call_fn(&s, &owner, case.server_fn.0, &case.server_fn.1).await;
        let status = via_fn.status();
        assert!(
            status.is_success(),
            "{} via server function: {status} {}",
            case.name,
            via_fn.text().await.unwrap()
        );
        assert_eq!(
            s.audit_actions().await.len(),
            before + 2,
            "{}: one event per change",
            case.name
        );
    }
    let r1 = json(s.api(Method::GET, roles, &owner, None).await).await;
    let r1 = r1["roles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "R1")
        .unwrap()
        .clone();
    assert_eq!(
        r1["permissions"],
        body!(["sso:read"]),
        "the grid posted as permissions[] is applied"
    );
}
on_both_databases!(every_use_case_through_both_doors);

/// A team admin of alpha asking the server functions about beta gets what a missing team gets.
async fn server_functions_do_not_reveal_other_teams(backend: Backend) {
    let s = TestServer::start(backend).await;
    let owner = s.signed_in_owner().await;
    for slug in ["alpha", "beta"] {
        create(
            &s,
            &owner,
            "/api/v1/orgs/acme/teams",
            body!({"slug": slug, "name": slug}),
        )
        .await;
    }
    let alice = add_member(&s, &owner, "alice@acme.test").await;
    assert_eq!(
        grant(&s, &owner, &alice, "team_admin", Some("alpha"))
            .await
            .status(),
        201
    );
    let a = sign_in(&s, "alice@acme.test").await;
    for (endpoint, extra) in [
        ("rename_team", Some(("name", "x".to_string()))),
        ("delete_team", None),
    ] {
        let form = |team: &str| {
            let mut f = vec![("team", team.to_string())];
            f.extend(extra.clone());
            f
        };
        let beta = call_fn(&s, &a, endpoint, &form("beta")).await;
        let ghost = call_fn(&s, &a, endpoint, &form("ghost")).await;
        assert_eq!(beta.status(), 404, "{endpoint}");
        assert_eq!(ghost.status(), 404, "{endpoint}");
        assert_eq!(
            beta.text().await.unwrap(),
            ghost.text().await.unwrap(),
            "{endpoint}"
        );
    }
    assert_eq!(s.get("/teams/alpha", Some(&a)).await.status(), 200);
    assert_eq!(
        s.get("/teams/beta", Some(&a)).await.status(),
        404,
        "the console page too"
    );
    assert_eq!(s.get("/teams/ghost", Some(&a)).await.status(), 404);
    let listed = json(call_fn(&s, &a, "list_teams", &[]).await).await;
    assert_eq!(
        listed["total"], 1,
        "the count leaves out other teams: {listed}"
    );
    let slugs: Vec<&str> = listed["teams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["slug"].as_str().unwrap())
        .collect();
    assert_eq!(slugs, ["alpha"]);
    // The picker's suggestions neither.
    let found = json(call_fn(&s, &a, "find_teams", &[("q", "b".to_string())]).await).await;
    assert_eq!(found, serde_json::json!([]), "{found}");
}
on_both_databases!(server_functions_do_not_reveal_other_teams);

/// Without JavaScript a failed form post returns to its page with the error in the query.
async fn plain_form_posts_come_back_with_the_error(backend: Backend) {
    let s = TestServer::start(backend).await;
    let owner = s.signed_in_owner().await;
    let res = s
        .post_console_form(
            &owner,
            "/teams",
            "create_team",
            &[("slug", "Not A Slug"), ("name", "X")],
        )
        .await;
    assert_eq!(res.status(), 302);
    assert_eq!(
        crate::harness::location(res.headers()),
        "/teams?error=invalid_input&field=slug"
    );
    let page = s
        .get("/teams?error=invalid_input&field=slug", Some(&owner))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("The slug must be"),
        "the page shows a fixed message"
    );
    // A conflict names its field too (`slug: already in use`), so the form marks it.
    let res = s
        .post_console_form(
            &owner,
            "/teams",
            "create_team",
            &[("slug", "taken"), ("name", "Taken")],
        )
        .await;
    assert_eq!(
        crate::harness::location(res.headers()),
        "/teams?done=create_team"
    );
    let res = s
        .post_console_form(
            &owner,
            "/teams",
            "create_team",
            &[("slug", "taken"), ("name", "Taken again")],
        )
        .await;
    let back = crate::harness::location(res.headers());
    assert_eq!(back, "/teams?error=conflict&field=slug");
    let page = s.get(&back, Some(&owner)).await.text().await.unwrap();
    assert!(page.contains("Already in use: pick another."), "{page}");
}
on_both_databases!(plain_form_posts_come_back_with_the_error);

/// Issue 15 §2: without JavaScript a form post that worked comes back saying so, in a fixed
/// sentence; the page keeps its own query (a search) but not what an earlier post said.
async fn plain_form_posts_come_back_saying_they_are_done(backend: Backend) {
    let s = TestServer::start(backend).await;
    let owner = s.signed_in_owner().await;
    let res = s
        .post_console_form(
            &owner,
            "/teams?error=conflict&field=slug",
            "create_team",
            &[("slug", "data"), ("name", "Data")],
        )
        .await;
    assert_eq!(res.status(), 302);
    assert_eq!(
        crate::harness::location(res.headers()),
        "/teams?done=create_team"
    );
    let page = s
        .get("/teams?done=create_team", Some(&owner))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Team created."), "{page}");
    let crafted = s
        .get("/teams?done=%3Cb%3Ehi", Some(&owner))
        .await
        .text()
        .await
        .unwrap();
    assert!(!crafted.contains("<b>hi") && !crafted.contains("query-done"));

    let res = s
        .post_console_form(
            &owner,
            "/members?q=ada&role=viewer",
            "create_member",
            &[
                ("email", "not-an-email"),
                ("display_name", "Ada"),
                ("password", "long-enough-password"),
            ],
        )
        .await;
    assert_eq!(
        crate::harness::location(res.headers()),
        "/members?q=ada&role=viewer&error=invalid_input&field=email"
    );
}
on_both_databases!(plain_form_posts_come_back_saying_they_are_done);

/// While a page renders, a failing server function neither redirects nor changes the page's
/// status (a redirect there would loop between the page and its referer).
async fn pages_show_their_own_errors(backend: Backend) {
    let s = TestServer::start(backend).await;
    let owner = s.signed_in_owner().await;
    add_member(&s, &owner, "nobody@acme.test").await;
    let n = sign_in(&s, "nobody@acme.test").await;
    let page = s
        .send(
            Method::GET,
            "/members",
            &[
                ("cookie", n.as_str()),
                ("accept", "text/html"),
                ("referer", &format!("{}/login", s.base)),
            ],
            None,
        )
        .await;
    assert_eq!(page.status(), 200);
    assert!(page
        .text()
        .await
        .unwrap()
        .contains("do not have permission"));
    let home = s
        .send(
            Method::GET,
            "/",
            &[("cookie", n.as_str()), ("accept", "text/html")],
            None,
        )
        .await;
    assert_eq!(
        home.status(),
        200,
        "a member without roles still sees where they are"
    );
}
on_both_databases!(pages_show_their_own_errors);

/// Issue 15 §2: without JavaScript a refused form comes back as it was typed — the refused
/// field outlined, focused and described — once, and never with a password.
async fn a_refused_plain_form_comes_back_as_typed(backend: Backend) {
    let s = TestServer::start(backend).await;
    let owner = s.signed_in_owner().await;
    let res = s
        .post_console_form(
            &owner,
            "/teams",
            "create_team",
            &[("name", "Data \"Team\""), ("slug", "Not A Slug")],
        )
        .await;
    let back = crate::harness::location(res.headers());
    assert_eq!(back, "/teams?error=invalid_input&field=slug");
    let page = s.get(&back, Some(&owner)).await.text().await.unwrap();
    // Typed text is an attribute value, quotes escaped: it cannot add markup.
    assert!(page.contains(r#"value="Data &quot;Team&quot;""#), "{page}");
    let slug = page
        .split("<input")
        .find(|i| i.contains(r#"name="slug""#))
        .unwrap();
    assert!(slug.contains(r#"value="Not A Slug""#), "{slug}");
    assert!(
        slug.contains(r#"aria-invalid="true""#) && slug.contains("autofocus"),
        "{slug}"
    );
    assert!(page.contains(r#"<p id="field-error-slug""#), "{page}");
    let again = s.get(&back, Some(&owner)).await.text().await.unwrap();
    assert!(!again.contains("Not A Slug"), "shown once");

    let res = s
        .post_console_form(
            &owner,
            "/members",
            "create_member",
            &[
                ("email", "not-an-email"),
                ("display_name", "Ada"),
                ("password", "kept-nowhere-1234"),
            ],
        )
        .await;
    let back = crate::harness::location(res.headers());
    let page = s.get(&back, Some(&owner)).await.text().await.unwrap();
    assert!(page.contains(r#"value="not-an-email""#), "{page}");
    assert!(!page.contains("kept-nowhere-1234"));
    let stored: Vec<String> = sqlx::query_scalar("SELECT data FROM sessions")
        .fetch_all(s.state.services.db.pool())
        .await
        .unwrap();
    assert!(!stored.is_empty());
    assert!(
        stored.iter().all(|d| !d.contains("kept-nowhere")),
        "no password in a session"
    );
}
on_both_databases!(a_refused_plain_form_comes_back_as_typed);

/// The described operation serving `method path`: the path template whose every literal
/// segment matches.
fn operation_of<'a>(spec: &'a Value, method: &Method, path: &str) -> Option<&'a Value> {
    let path = path.split('?').next().unwrap_or(path);
    let segments: Vec<&str> = path.split('/').collect();
    spec["paths"]
        .as_object()?
        .iter()
        .filter(|(template, _)| {
            let parts: Vec<&str> = template.split('/').collect();
            parts.len() == segments.len()
                && parts
                    .iter()
                    .zip(&segments)
                    .all(|(part, segment)| part.starts_with('{') || part == segment)
        })
        // A literal segment beats a parameter (`/events/daily` over `/events/{file}`).
        .min_by_key(|(template, _)| template.matches('{').count())
        .and_then(|(_, item)| item.get(method.as_str().to_lowercase()))
}
