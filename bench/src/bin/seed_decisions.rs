//! Seeds a fresh Foxgate database for the decision load test and measures batches in
//! process: the org `bench` declares APPS applications (two resource types of five actions
//! each, 10,000 permissions for 1,000), a role holds fifty of them (some limited to the
//! member's own objects) and is given to `member@bench.test`; an org token holding
//! `decisions:read` and that role asks.
//!
//! `seed_decisions <database-url> <apps>` prints the token and the subject on stdout (one
//! per line) and the batch timings on stderr. The server key comes from
//! `FOXGATE_SECRET_KEY`, which the load test also gives to `foxgate serve`.

use foxgate_core::model::decisions::{Evaluation, EvaluationItem, Evaluations};
use foxgate_core::model::{NewApplication, NewRole, NewToken, ResourceType};
use foxgate_core::service::{applications, decisions, members, roles, tokens};
use std::time::Instant;

fn words(n: usize) -> Vec<String> {
    ["read", "create", "update", "approve", "rollback"][..n]
        .iter()
        .map(|s| s.to_string())
        .collect()
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let url = args
        .next()
        .expect("usage: seed_decisions <database-url> <apps>");
    let apps: usize = args.next().and_then(|c| c.parse().ok()).expect("a count");
    let (services, bench) = foxgate_bench::bench_org(&url, foxgate_bench::key_from_env()).await;
    let owner = &bench.owner;
    for i in 0..apps {
        let input = NewApplication {
            slug: format!("app{i}"),
            name: format!("App {i}"),
            description: String::new(),
            resource_types: ["deployments", "config"]
                .into_iter()
                .map(|name| ResourceType {
                    name: name.into(),
                    actions: words(5),
                })
                .collect(),
        };
        applications::create(&services, owner, "bench", input)
            .await
            .expect("declare");
    }
    // Fifty permissions spread over the applications, a fifth limited to own objects.
    let held: Vec<String> = (0..50)
        .map(|i| {
            let app = i * apps.max(1) / 50;
            if i.is_multiple_of(5) {
                format!("app{app}:deployments:update[own]")
            } else {
                format!("app{app}:deployments:read")
            }
        })
        .collect();
    let role = roles::create(
        &services,
        owner,
        "bench",
        NewRole {
            name: "Deployer".into(),
            description: String::new(),
            permissions: held.clone(),
        },
    )
    .await
    .expect("role");
    let member = members::create_local(
        &services,
        owner,
        "bench",
        foxgate_core::model::NewLocalMember {
            email: "member@bench.test".into(),
            display_name: None,
            password: foxgate_core::secret::Secret::new("member-password-1".into()),
        },
    )
    .await
    .expect("member");
    members::grant(
        &services,
        owner,
        "bench",
        foxgate_core::model::NewGrant {
            user_id: member.user_id.clone(),
            role: role.id.clone(),
            team: None,
        },
    )
    .await
    .expect("grant");
    let minted = tokens::create(
        &services,
        owner,
        "bench",
        NewToken {
            name: "pep".into(),
            roles: vec!["admin".into(), role.id.clone()],
            ..NewToken::default()
        },
    )
    .await
    .expect("mint");
    let token = minted.token.expect("a bearer token has its secret");

    // A batch of 100 evaluations, answered in process: the server's own time.
    let caller = foxgate_core::service::bearer::authenticate(&services, &token, Default::default())
        .await
        .expect("the token works");
    let asker = decisions::asker(&services, caller).await.expect("may ask");
    let item = |i: usize| -> EvaluationItem {
        let e: Evaluation = serde_json::from_value(serde_json::json!({
            "subject": {"type": "user", "id": "member@bench.test"},
            "action": {"name": if i.is_multiple_of(2) { "read" } else { "update" }},
            "resource": {"type": format!("app{}:deployments", (i * 7) % apps.max(1)), "id": format!("d{i}"),
                         "properties": {"ownerID": "member@bench.test"}},
        }))
        .expect("an evaluation");
        EvaluationItem {
            subject: Some(e.subject),
            action: Some(e.action),
            resource: Some(e.resource),
            context: None,
        }
    };
    let batch = Evaluations {
        evaluations: Some((0..100).map(item).collect()),
        ..Evaluations::default()
    };
    let mut times = Vec::new();
    for _ in 0..300 {
        let started = Instant::now();
        let answered = decisions::evaluate_all(&services, &asker, batch.clone())
            .await
            .expect("decided")
            .expect("a batch answer");
        times.push(started.elapsed().as_secs_f64() * 1e6);
        assert_eq!(answered.evaluations.len(), 100);
    }
    times.sort_by(|a, b| a.total_cmp(b));
    eprintln!(
        "batch of 100 evaluations, in process ({apps} applications, {} permissions declared): p50 {:.0} µs, p95 {:.0} µs",
        apps * 10,
        times[times.len() / 2],
        times[times.len() * 95 / 100]
    );
    println!("{token}");
    println!("member@bench.test");
}
