//! Browser sessions: each user lists and ends their own, admins end all of a member's, and
//! the idle and absolute timeouts (driven through the stored rows, not the clock), and the
//! caches behind them forgetting what changed.

use crate::harness::{
    add_member, grant, json, session_cookie, sign_in, Backend, TestServer, OWNER_EMAIL,
    OWNER_PASSWORD,
};
use crate::on_both_databases;
use reqwest::Method;

const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";

async fn sessions(s: &TestServer, cookie: &str) -> serde_json::Value {
    let res = s
        .api(Method::GET, "/api/v1/auth/sessions", cookie, None)
        .await;
    assert_eq!(res.status(), 200);
    json(res).await["sessions"].clone()
}

async fn me_status(s: &TestServer, cookie: &str) -> u16 {
    s.api(Method::GET, "/api/v1/auth/me", cookie, None)
        .await
        .status()
        .as_u16()
}

/// Rewrites one field of every stored session of a user, as time passing would.
async fn age_sessions(s: &TestServer, email: &str, field: &str, ms_ago: i64) {
    let pool = s.state.services.db.pool();
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT s.id, s.data FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email = $1",
    )
    .bind(email)
    .fetch_all(pool)
    .await
    .unwrap();
    for (id, data) in rows {
        let mut data: serde_json::Value = serde_json::from_str(&data).unwrap();
        data[field] = serde_json::json!(foxgate_core::store::now_ms() - ms_ago);
        sqlx::query("UPDATE sessions SET data = $1 WHERE id = $2")
            .bind(data.to_string())
            .bind(&id)
            .execute(pool)
            .await
            .unwrap();
    }
}

async fn own_sessions_are_listed_and_ended(backend: Backend) {
    let s = TestServer::start(backend).await;
    let laptop = s.signed_in_owner().await;
    let res = s
        .client
        .post(s.url("/login"))
        .header("origin", &s.base)
        .header("user-agent", FIREFOX)
        .form(&[
            ("email", crate::harness::OWNER_EMAIL),
            ("password", crate::harness::OWNER_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    let phone = crate::harness::session_cookie(res.headers()).unwrap();

    let list = sessions(&s, &laptop).await;
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2);
    let this: Vec<_> = list.iter().filter(|x| x["current"] == true).collect();
    assert_eq!(this.len(), 1, "exactly one is this session");
    let other = list.iter().find(|x| x["current"] == false).unwrap();
    assert_eq!(other["device"], "Firefox on Linux");
    assert_eq!(other["ip"], "127.0.0.1");
    assert_eq!(other["method"], "password");
    assert!(other["signed_in_at"].as_i64().is_some());
    let text = serde_json::Value::Array(list.clone()).to_string();
    assert!(
        !text.contains(phone.split('=').nth(1).unwrap()),
        "handles are not cookies"
    );

    let id = other["id"].as_str().unwrap();
    let res = s
        .api(
            Method::DELETE,
            &format!("/api/v1/auth/sessions/{id}"),
            &laptop,
            None,
        )
        .await;
    assert_eq!(res.status(), 204);
    assert_eq!(
        me_status(&s, &phone).await,
        401,
        "the ended session is gone"
    );
    assert_eq!(me_status(&s, &laptop).await, 200);

    // Someone else's session cannot be ended through this door.
    let member = add_member(&s, &laptop, "m@acme.test").await;
    assert_eq!(
        grant(&s, &laptop, &member, "member", None).await.status(),
        201
    );
    let m = sign_in(&s, "m@acme.test").await;
    let theirs = sessions(&s, &m).await[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let res = s
        .api(
            Method::DELETE,
            &format!("/api/v1/auth/sessions/{theirs}"),
            &laptop,
            None,
        )
        .await;
    assert_eq!(res.status(), 404);
    assert_eq!(me_status(&s, &m).await, 200);

    // …but an admin ends all of a member's sessions; a member cannot do it to others.
    let path = format!("/api/v1/orgs/acme/members/{member}/sessions");
    assert_eq!(s.api(Method::DELETE, &path, &m, None).await.status(), 403);
    let res = s.api(Method::DELETE, &path, &laptop, None).await;
    assert_eq!(json(res).await["ended"], 1);
    assert_eq!(me_status(&s, &m).await, 401);
    let actions: Vec<String> = s.audit_actions().await.into_iter().map(|a| a.0).collect();
    assert!(actions.contains(&"session.ended".to_string()));
    assert!(actions.contains(&"sessions.ended_for_member".to_string()));
}
on_both_databases!(own_sessions_are_listed_and_ended);

/// One's sessions come a page at a time, the latest to expire first, each once.
async fn own_sessions_come_in_pages(backend: Backend) {
    let s = TestServer::start(backend).await;
    s.signed_in_owner().await;
    let mut here = String::new();
    for _ in 0..4 {
        let res = s
            .login(
                crate::harness::OWNER_EMAIL,
                crate::harness::OWNER_PASSWORD,
                None,
            )
            .await;
        here = crate::harness::session_cookie(res.headers()).unwrap();
    }
    let here = &here;
    let seen = crate::harness::walk(
        &s,
        here,
        "/api/v1/auth/sessions",
        "sessions",
        2,
        async || {},
    )
    .await;
    let mut distinct = seen.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!((seen.len(), distinct.len()), (5, 5), "{seen:?}");
    let bad = s
        .api(Method::GET, "/api/v1/auth/sessions?limit=500", here, None)
        .await;
    assert_eq!(bad.status(), 422);
}
on_both_databases!(own_sessions_come_in_pages);

async fn sessions_time_out(backend: Backend) {
    let s = TestServer::start(backend).await;
    let owner = s.signed_in_owner().await;
    let expiry = || async {
        sqlx::query_scalar::<_, i64>("SELECT MAX(expires_at) FROM sessions")
            .fetch_one(s.state.services.db.pool())
            .await
            .unwrap()
    };

    // A session used after a minute is saved again, which pushes its idle expiry out.
    age_sessions(&s, crate::harness::OWNER_EMAIL, "seen_at", 61_000).await;
    sqlx::query("UPDATE sessions SET expires_at = expires_at - 60000")
        .execute(s.state.services.db.pool())
        .await
        .unwrap();
    let before = expiry().await;
    assert_eq!(me_status(&s, &owner).await, 200);
    assert!(expiry().await > before, "use moves the idle expiry");

    // Idle past the timeout: the stored expiry has passed, the session is gone.
    sqlx::query("UPDATE sessions SET expires_at = 1")
        .execute(s.state.services.db.pool())
        .await
        .unwrap();
    assert_eq!(me_status(&s, &owner).await, 401);

    // Used all along, but signed in longer ago than the absolute lifetime (24 h here).
    let owner = crate::harness::session_cookie(
        s.login(
            crate::harness::OWNER_EMAIL,
            crate::harness::OWNER_PASSWORD,
            None,
        )
        .await
        .headers(),
    )
    .unwrap();
    assert_eq!(me_status(&s, &owner).await, 200);
    age_sessions(
        &s,
        crate::harness::OWNER_EMAIL,
        "signed_in_at",
        25 * 3600 * 1000,
    )
    .await;
    assert_eq!(me_status(&s, &owner).await, 401);
}
on_both_databases!(sessions_time_out);

/// "End all other sessions": every other device signs in again, this one stays, other
/// people's sessions are untouched, and the log says how many ended.
async fn ending_all_other_sessions_keeps_this_one(backend: Backend) {
    let s = TestServer::start(backend).await;
    let here = s.signed_in_owner().await;
    let owner_again = || async {
        let res = s.login(OWNER_EMAIL, OWNER_PASSWORD, None).await;
        session_cookie(res.headers()).unwrap()
    };
    let (laptop, phone) = (owner_again().await, owner_again().await);
    add_member(&s, &here, "mia@acme.test").await;
    let mia = sign_in(&s, "mia@acme.test").await;

    let res = s
        .api(Method::DELETE, "/api/v1/auth/sessions", &here, None)
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(json(res).await["ended"], 2);
    assert_eq!(me_status(&s, &here).await, 200);
    assert_eq!(me_status(&s, &laptop).await, 401);
    assert_eq!(me_status(&s, &phone).await, 401);
    assert_eq!(
        me_status(&s, &mia).await,
        200,
        "another person's session stays"
    );
    let left = sessions(&s, &here).await;
    assert_eq!(left.as_array().unwrap().len(), 1);
    assert_eq!(left[0]["current"], true);

    let events = json(
        s.api(
            Method::GET,
            "/api/v1/orgs/acme/events?action=session.ended",
            &here,
            None,
        )
        .await,
    )
    .await;
    assert_eq!(events["events"][0]["snapshot"]["ended"], 2, "{events}");

    // Asked again, there is nothing left to end; anonymous callers are refused.
    let again = s
        .api(Method::DELETE, "/api/v1/auth/sessions", &here, None)
        .await;
    assert_eq!(json(again).await["ended"], 0);
    let anonymous = s
        .send(Method::DELETE, "/api/v1/auth/sessions", &[], None)
        .await;
    assert_eq!(anonymous.status(), 401);
}
on_both_databases!(ending_all_other_sessions_keeps_this_one);

/// Issue 15 §6: ending the session in use, confirmed on `/confirm`, signs out cleanly: to the
/// sign-in page saying so, the cookie dead; ending another comes back to the list.
async fn ending_this_session_signs_out(backend: Backend) {
    let s = TestServer::start(backend).await;
    let here = s.signed_in_owner().await;
    let laptop = {
        let res = s.login(OWNER_EMAIL, OWNER_PASSWORD, None).await;
        session_cookie(res.headers()).unwrap()
    };
    let listed = sessions(&s, &here).await;
    let id_where = |current: bool| {
        listed
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["current"] == current)
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let (this, other) = (id_where(true), id_where(false));

    let page = s
        .get(&format!("/confirm?what=session&id={this}"), Some(&here))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("you are signed out"), "{page}");
    let confirm = |id: &str| format!("/confirm?what=session&id={id}");
    let res = s
        .post_console_form(
            &here,
            &confirm(&other),
            "end_session",
            &[("session", &other)],
        )
        .await;
    assert_eq!(res.headers()["location"], "/sessions?done=end_session");
    assert_eq!(me_status(&s, &laptop).await, 401);
    let res = s
        .post_console_form(&here, &confirm(&this), "end_session", &[("session", &this)])
        .await;
    assert_eq!(res.headers()["location"], "/login?notice=signed_out");
    assert_eq!(me_status(&s, &here).await, 401);
}
on_both_databases!(ending_this_session_signs_out);

/// With the production caches on (a minute here, so only invalidation can explain a change),
/// a member's session and personal token follow what happens to them on the next request:
/// a new grant shows, ending their sessions signs the browser out, and removing them from
/// the org refuses their personal token.
async fn a_cached_member_sees_changes_at_once(backend: Backend) {
    let s = TestServer::start_caching(backend, std::time::Duration::from_secs(60)).await;
    let owner = s.signed_in_owner().await;
    let member = add_member(&s, &owner, "cached@acme.test").await;
    assert_eq!(
        grant(&s, &owner, &member, "viewer", None).await.status(),
        201
    );
    let cookie = sign_in(&s, "cached@acme.test").await;
    let token = crate::harness::personal_token(&s, &cookie, "mine").await;
    let words = |me: serde_json::Value| me["permissions"].to_string();
    let by_token = || async {
        crate::tokens::bearer(&s, Method::GET, "/api/v1/auth/me", &token, None)
            .await
            .status()
    };
    let before = words(crate::harness::get(&s, &cookie, "/api/v1/auth/me").await);
    assert_eq!(
        words(crate::harness::get(&s, &cookie, "/api/v1/auth/me").await),
        before,
        "now from the caches"
    );
    assert!(!before.contains("members:update"), "{before}");
    assert_eq!(by_token().await, 200);

    assert_eq!(
        grant(&s, &owner, &member, "admin", None).await.status(),
        201
    );
    let after = words(crate::harness::get(&s, &cookie, "/api/v1/auth/me").await);
    assert!(
        after.contains("members:update"),
        "the new grant shows: {after}"
    );

    let ended = s
        .api(
            Method::DELETE,
            &format!("/api/v1/orgs/acme/members/{member}/sessions"),
            &owner,
            None,
        )
        .await;
    assert_eq!(ended.status(), 200);
    assert_eq!(
        me_status(&s, &cookie).await,
        401,
        "the ended session is forgotten"
    );

    assert_eq!(by_token().await, 200);
    let removed = s
        .api(
            Method::DELETE,
            &format!("/api/v1/orgs/acme/members/{member}"),
            &owner,
            None,
        )
        .await;
    assert_eq!(removed.status(), 204);
    assert_eq!(
        by_token().await,
        401,
        "a removed member's personal token is refused on the next request"
    );
}
on_both_databases!(a_cached_member_sees_changes_at_once);
