//! The members list is a page: keyset by email, a cursor that stays right while members are
//! added, filters done in SQL, a total on every page, and bad paging refused in words.

use crate::harness::{add_member, json, Backend, TestServer};
use crate::on_both_databases;
use reqwest::Method;
use serde_json::Value;

async fn page(s: &TestServer, owner: &str, query: &str) -> (u16, Value) {
    let res = s
        .api(
            Method::GET,
            &format!("/api/v1/orgs/acme/members{query}"),
            owner,
            None,
        )
        .await;
    (res.status().as_u16(), json(res).await)
}

fn emails(page: &Value) -> Vec<String> {
    page["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["email"].as_str().unwrap().to_string())
        .collect()
}

async fn members_come_in_pages_that_stay_stable(backend: Backend) {
    let s = TestServer::start(backend).await;
    let owner = s.signed_in_owner().await;
    for n in 1..=6 {
        add_member(&s, &owner, &format!("m{n}@acme.test")).await;
    }

    let (status, first) = page(&s, &owner, "?limit=3").await;
    assert_eq!(status, 200);
    assert_eq!(
        emails(&first),
        ["m1@acme.test", "m2@acme.test", "m3@acme.test"]
    );
    assert_eq!(first["total"], 7);
    let cursor = first["next_cursor"].as_str().unwrap().to_string();

    // Added while the reader pages: one before the cursor (not seen again, nothing shifts),
    // one after it (seen in its place).
    add_member(&s, &owner, "a0@acme.test").await;
    add_member(&s, &owner, "m4b@acme.test").await;

    let (_, second) = page(&s, &owner, &format!("?limit=3&cursor={cursor}")).await;
    assert_eq!(
        emails(&second),
        ["m4@acme.test", "m4b@acme.test", "m5@acme.test"]
    );
    assert_eq!(second["total"], 9);
    let cursor = second["next_cursor"].as_str().unwrap().to_string();
    let (_, last) = page(&s, &owner, &format!("?limit=3&cursor={cursor}")).await;
    assert_eq!(emails(&last), ["m6@acme.test", "owner@acme.test"]);
    assert_eq!(last["next_cursor"], Value::Null);

    // The default page holds everyone here; filters page the same way.
    let (_, all) = page(&s, &owner, "").await;
    assert_eq!(emails(&all).len(), 9);
    let (_, found) = page(&s, &owner, "?q=m4&limit=1").await;
    assert_eq!(emails(&found), ["m4@acme.test"]);
    assert_eq!(found["total"], 2);
    let cursor = found["next_cursor"].as_str().unwrap().to_string();
    let (_, found) = page(&s, &owner, &format!("?q=m4&limit=1&cursor={cursor}")).await;
    assert_eq!(emails(&found), ["m4b@acme.test"]);

    // LIKE's wildcards in a search match only themselves.
    let (_, none) = page(&s, &owner, "?q=_").await;
    assert_eq!(emails(&none), Vec::<String>::new());
    let (_, none) = page(&s, &owner, "?q=%25").await;
    assert_eq!(emails(&none), Vec::<String>::new());

    for (query, field) in [
        ("?limit=0", "limit"),
        ("?limit=201", "limit"),
        ("?cursor=not-a-cursor!", "cursor"),
        ("?via=carrier-pigeon", "query"),
    ] {
        let (status, refused) = page(&s, &owner, query).await;
        assert_eq!(status, 422, "{query}");
        assert_eq!(refused["error"]["field"], field, "{query}");
    }
}
on_both_databases!(members_come_in_pages_that_stay_stable);

async fn members_are_filtered_by_status(backend: Backend) {
    let s = TestServer::start(backend).await;
    let owner = s.signed_in_owner().await;
    let gone = add_member(&s, &owner, "gone@acme.test").await;
    add_member(&s, &owner, "here@acme.test").await;
    // No door disables an account yet but deprovisioning; the row says so.
    sqlx::query("UPDATE users SET disabled_at = $1 WHERE id = $2")
        .bind(1_i64)
        .bind(&gone)
        .execute(s.state.services.db.pool())
        .await
        .unwrap();
    let (_, disabled) = page(&s, &owner, "?status=disabled").await;
    assert_eq!(emails(&disabled), ["gone@acme.test"]);
    assert_eq!(disabled["members"][0]["disabled"], true);
    let (_, active) = page(&s, &owner, "?status=active").await;
    assert_eq!(emails(&active), ["here@acme.test", "owner@acme.test"]);
    assert_eq!(active["members"][0]["disabled"], false);
    let (status, refused) = page(&s, &owner, "?status=asleep").await;
    assert_eq!(status, 422);
    assert_eq!(refused["error"]["field"], "query");
}
on_both_databases!(members_are_filtered_by_status);

/// A membership keeps a copy of what the list searches and filters by (migration 0021); the
/// database's triggers must keep it equal to the account, whatever writes the account.
async fn a_members_listing_follows_their_account(backend: Backend) {
    let s = TestServer::start(backend).await;
    let owner = s.signed_in_owner().await;
    let id = add_member(&s, &owner, "before@acme.test").await;
    let db = s.state.services.db.pool();
    let (_, local) = page(&s, &owner, "?via=local").await;
    assert_eq!(emails(&local), ["before@acme.test", "owner@acme.test"]);

    sqlx::query("UPDATE users SET email = $1, display_name = $2 WHERE id = $3")
        .bind("after@acme.test")
        .bind("Zed Renamed")
        .bind(&id)
        .execute(db)
        .await
        .unwrap();
    let (_, found) = page(&s, &owner, "?q=AFTER").await;
    assert_eq!(emails(&found), ["after@acme.test"]);
    assert_eq!(found["members"][0]["display_name"], "Zed Renamed");
    let (_, by_name) = page(&s, &owner, "?q=zed").await;
    assert_eq!(emails(&by_name), ["after@acme.test"]);
    let (_, gone) = page(&s, &owner, "?q=before").await;
    assert_eq!(emails(&gone), Vec::<String>::new());

    sqlx::query("DELETE FROM local_credentials WHERE user_id = $1")
        .bind(&id)
        .execute(db)
        .await
        .unwrap();
    let (_, local) = page(&s, &owner, "?via=local").await;
    assert_eq!(emails(&local), ["owner@acme.test"]);
    let (_, all) = page(&s, &owner, "?q=after").await;
    assert_eq!(all["members"][0]["password"], false);
}
on_both_databases!(a_members_listing_follows_their_account);
