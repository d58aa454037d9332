//! The live activity stream (server-sent events) and `foxgate audit export`: each viewer
//! receives only what they may read, in commit order, and can resume where they left off.

use crate::harness::{add_teams, member_with_role, Backend, TestServer};
use crate::on_both_databases;
use reqwest::Method;
use serde_json::{json, Value};
use std::time::Duration;

const STREAM: &str = "/api/v1/orgs/acme/events/stream";

/// An open stream, read as it arrives.
struct Live {
    body: reqwest::Response,
    text: String,
}

impl Live {
    async fn open(s: &TestServer, cookie: &str, last_event_id: Option<i64>) -> Self {
        let mut req = s
            .client
            .get(s.url(STREAM))
            .header("cookie", cookie)
            .header("accept", "text/event-stream");
        if let Some(id) = last_event_id {
            req = req.header("last-event-id", id.to_string());
        }
        let res = req.send().await.unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(
            res.headers()["content-type"].to_str().unwrap(),
            "text/event-stream"
        );
        Live {
            body: res,
            text: String::new(),
        }
    }

    /// `activity` events received until one has `action` on the entity labelled `label`.
    /// The deadline only bounds a failing test; it measures nothing.
    async fn until(&mut self, action: &str, label: &str) -> Vec<(i64, Value)> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        let mut seen = Vec::new();
        loop {
            while let Some(end) = self.text.find("\n\n") {
                let block: String = self.text.drain(..end + 2).collect();
                if let Some(event) = parse(&block) {
                    let done = event.1["action"] == action && event.1["entity"]["label"] == label;
                    seen.push(event);
                    if done {
                        return seen;
                    }
                }
            }
            let chunk = tokio::time::timeout_at(deadline, self.body.chunk())
                .await
                .unwrap_or_else(|_| panic!("no {action} of {label} arrived; got {seen:?}"))
                .unwrap()
                .expect("the stream stayed open");
            self.text.push_str(std::str::from_utf8(&chunk).unwrap());
        }
    }
}

/// One SSE block: `(id, data)` when it is an `activity` event.
fn parse(block: &str) -> Option<(i64, Value)> {
    let field = |name: &str| {
        block
            .lines()
            .find_map(|l| l.strip_prefix(name).map(str::to_string))
    };
    (field("event: ")? == "activity").then_some(())?;
    Some((
        field("id: ")?.parse().unwrap(),
        serde_json::from_str(&field("data: ")?).unwrap(),
    ))
}

async fn rename(s: &TestServer, cookie: &str, team: &str, name: &str) {
    let res = s
        .api(
            Method::PATCH,
            &format!("/api/v1/orgs/acme/teams/{team}"),
            cookie,
            Some(json!({"name": name})),
        )
        .await;
    assert_eq!(res.status(), 200);
}

async fn each_viewer_receives_only_what_they_may_read(backend: Backend) {
    let s = TestServer::start(backend).await;
    let owner = s.signed_in_owner().await;
    add_teams(&s, &owner, &["alpha", "beta"]).await;
    let lead = member_with_role(&s, &owner, "lead@acme.test", "team_admin", Some("alpha")).await;
    let member = member_with_role(&s, &owner, "member@acme.test", "member", None).await;

    let mut everything = Live::open(&s, &owner, None).await;
    let mut theirs = Live::open(&s, &lead, None).await;
    // Beta changes first, then alpha: once the lead sees alpha's change, beta's (committed
    // before it) would have arrived already had it been sent.
    rename(&s, &owner, "beta", "Beta Two").await;
    rename(&s, &owner, "alpha", "Alpha Two").await;

    let all = everything.until("team.updated", "Alpha Two").await;
    let labels: Vec<&str> = all
        .iter()
        .map(|(_, e)| e["entity"]["label"].as_str().unwrap())
        .collect();
    assert_eq!(
        labels,
        ["Beta Two", "Alpha Two"],
        "only what happened since"
    );
    assert!(all[0].0 < all[1].0, "ids follow commit order");
    assert_eq!(all[1].1["seq"], all[1].0);

    let alpha_only = theirs.until("team.updated", "Alpha Two").await;
    assert_eq!(alpha_only.len(), 1, "{alpha_only:?}");

    // Reconnecting with Last-Event-ID resumes right after that event.
    let mut resumed = Live::open(&s, &owner, Some(all[0].0)).await;
    let again = resumed.until("team.updated", "Alpha Two").await;
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].0, all[1].0);

    // No audit:read: refused before any stream starts; so is a page cursor.
    let res = s.api(Method::GET, STREAM, &member, None).await;
    assert_eq!(res.status(), 403);
    assert_eq!(s.get(STREAM, None).await.status(), 401);
    let res = s
        .api(Method::GET, &format!("{STREAM}?cursor=abc"), &owner, None)
        .await;
    assert_eq!(res.status(), 422);
    let res = s
        .api(
            Method::GET,
            &format!("{STREAM}?outcome=maybe"),
            &owner,
            None,
        )
        .await;
    assert_eq!(res.status(), 422);
}
on_both_databases!(each_viewer_receives_only_what_they_may_read);

fn export(s: &TestServer, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_foxgate"))
        .args(["audit", "export", "--org", "acme"])
        .args(args)
        .env("DATABASE_URL", &s.state.config.database_url)
        .env("FOXGATE_DATA_DIR", s.data_dir())
        .env_remove("FOXGATE_SECRET_KEY")
        .output()
        .unwrap()
}

async fn the_command_line_exports_a_filtered_range(backend: Backend) {
    let s = TestServer::start(backend).await;
    let owner = s.signed_in_owner().await;
    let slugs: Vec<String> = (0..230).map(|i| format!("team-{i:03}")).collect();
    let slugs: Vec<&str> = slugs.iter().map(String::as_str).collect();
    add_teams(&s, &owner, &slugs).await;

    let out = export(&s, &["--format", "csv", "--action", "team.created"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let csv = String::from_utf8(out.stdout).unwrap();
    let mut lines = csv.lines();
    assert!(lines.next().unwrap().starts_with("time,actor_kind,"));
    let rows: Vec<&str> = lines.collect();
    assert_eq!(
        rows.len(),
        230,
        "two pages and a bit, nothing lost or repeated"
    );
    assert!(rows[0].contains("team-229"), "newest first: {}", rows[0]);
    assert!(rows.iter().all(|r| r.contains(",team.created,")));
    assert!(String::from_utf8_lossy(&out.stderr).contains("exported 230 events"));

    let file = s.data_dir().join("events.jsonl");
    let out = export(&s, &["--since", "1d", "--output", file.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&file).unwrap();
    let events: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(events.len() > 230);
    assert!(events.iter().any(|e| e["action"] == "setup.completed"));

    let out = export(&s, &["--outcome", "maybe"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("outcome"));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_foxgate"))
        .args(["audit", "export", "--org", "nope"])
        .env("DATABASE_URL", &s.state.config.database_url)
        .env("FOXGATE_DATA_DIR", s.data_dir())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no organization"));
}
on_both_databases!(the_command_line_exports_a_filtered_range);
