//! The activity log at scale (issue 6), one run: seeds an org's log with `count` chained
//! events over 30 days, then measures the first page of the Events API (the service the
//! API calls) for each filter combination against a primary-key lookup on the same table,
//! and ingest (events written one transaction each, as changes write them) against plain
//! one-row inserts into an unindexed copy of the table.
//!
//! `events_bench <database-url> <count>`; the database must be empty (a fresh SQLite file
//! or PostgreSQL database). `bench/events.sh` runs it on both.

use foxgate_core::authz::{AuthKind, BuiltinRole, Grants, Identity, Principal, RequestContext};
use foxgate_core::model::{AuditAction, EntityType};
use foxgate_core::model::{EventFilter, NewTeam};
use foxgate_core::secret::Secret;
use foxgate_core::service::{events, teams, Services};
use foxgate_core::store::audit::{self, AuditEvent, ChainedRow};
use foxgate_core::store::{self, DAY_MS};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::time::{Duration, Instant};

const TEAMS: usize = 40;
const ACTORS: usize = 200;
const ENTITIES: usize = 200_000;
const IPS: usize = 2_000;
/// Rows per seeding transaction.
const ROWS_PER_TX: usize = 100_000;
/// Timed first pages per filter combination.
const SAMPLES: usize = 60;
const INGEST_FOR: Duration = Duration::from_secs(5);
const WRITERS: usize = 4;
/// Events per transaction in the batched ingest run.
const BATCHED: usize = 50;

/// Actions and the entity type each is about.
const ACTIONS: [(&str, Option<&str>); 16] = [
    ("team.created", Some("team")),
    ("team.updated", Some("team")),
    ("team.deleted", Some("team")),
    ("member.added", Some("user")),
    ("member.removed", Some("user")),
    ("grant.created", Some("grant")),
    ("grant.revoked", Some("grant")),
    ("role.created", Some("role")),
    ("role.updated", Some("role")),
    ("token.created", Some("token")),
    ("token.rotated", Some("token")),
    ("token.revoked", Some("token")),
    ("token.auth_failed", Some("token")),
    ("sso_provider.updated", Some("sso_provider")),
    ("signin.succeeded", Some("user")),
    ("authz.denied", None),
];

fn actor(i: usize) -> String {
    format!("0190aaaa-0000-7000-8000-{i:012}")
}

fn entity(i: usize) -> String {
    format!("0190bbbb-0000-7000-8000-{i:012}")
}

fn ip(i: usize) -> String {
    format!("10.{}.{}.{}", i / 65536, (i / 256) % 256, i % 256)
}

/// One seeded event at position `seq`, `created_at` ms.
fn event(
    rng: &mut StdRng,
    seq: i64,
    created_at: i64,
    org_id: &str,
    teams: &[String],
) -> ChainedRow {
    let (action, entity_type) = ACTIONS[rng.gen_range(0..ACTIONS.len())];
    let a = rng.gen_range(0..ACTORS);
    let outcome = match rng.gen_range(0..100) {
        0..=1 => "denied",
        2..=4 => "failure",
        _ => "success",
    };
    let e = rng.gen_range(0..ENTITIES);
    ChainedRow {
        seq,
        id: store::new_id(),
        created_at,
        org_id: Some(org_id.to_string()),
        team_id: (rng.gen_range(0..10) < 7).then(|| teams[rng.gen_range(0..teams.len())].clone()),
        actor_kind: if a < ACTORS - 20 { "user" } else { "token" }.into(),
        actor_id: Some(actor(a)),
        actor_label: Some(format!("person{a}@bench.test")),
        action: action.into(),
        entity_type: entity_type.map(str::to_string),
        entity_id: entity_type.map(|_| entity(e)),
        entity_label: entity_type.map(|_| format!("thing {e}")),
        outcome: outcome.into(),
        reason: (outcome != "success").then(|| "bench".to_string()),
        ip: Some(ip(rng.gen_range(0..IPS))),
        origin: Some("https://foxgate.bench.test".into()),
        request_id: Some(store::new_id()),
        snapshot: None,
    }
}

/// The table's secondary indexes as their CREATE statements, as the database reports them.
async fn secondary_indexes(services: &Services, postgres: bool) -> Vec<(String, String)> {
    let sql = if postgres {
        "SELECT indexname::text, indexdef FROM pg_indexes WHERE tablename = 'audit_events' AND indexname NOT LIKE '%_pkey'"
    } else {
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'audit_events' AND sql IS NOT NULL"
    };
    sqlx::query_as(sql)
        .fetch_all(services.db.pool())
        .await
        .expect("index list")
}

/// Appends `count` events to the org's chain, continuing from its head, in bulk: like any
/// bulk load, with the secondary indexes dropped first and built again afterwards.
async fn seed(services: &Services, org_id: &str, teams: &[String], count: usize, postgres: bool) {
    let pool = services.db.pool();
    let indexes = secondary_indexes(services, postgres).await;
    for (name, _) in &indexes {
        sqlx::query(&format!("DROP INDEX {name}"))
            .execute(pool)
            .await
            .expect("drop index");
    }
    let (mut seq, mut prev): (i64, String) =
        sqlx::query_as("SELECT seq, hash FROM audit_chain WHERE chain = $1")
            .bind(org_id)
            .fetch_one(pool)
            .await
            .expect("the org's chain exists after setup");
    let mut rng = StdRng::seed_from_u64(6);
    let end = store::now_ms() - 60_000;
    let start = end - 30 * DAY_MS;
    let step = (30 * DAY_MS) as f64 / count as f64;
    let started = Instant::now();
    let mut done = 0;
    while done < count {
        let in_tx = (count - done).min(ROWS_PER_TX);
        let mut rows = Vec::with_capacity(in_tx);
        for i in 0..in_tx {
            seq += 1;
            let at = start + ((done + i) as f64 * step) as i64;
            let row = event(&mut rng, seq, at, org_id, teams);
            let hash = row.hash(&prev);
            rows.push((row, std::mem::replace(&mut prev, hash.clone()), hash));
        }
        let mut tx = pool.begin().await.expect("begin");
        audit::write_chained(&mut tx, &rows)
            .await
            .expect("insert events");
        tx.commit().await.expect("commit");
        done += in_tx;
        eprint!(
            "\r  seeded {done} / {count} ({:.0} events/s)",
            done as f64 / started.elapsed().as_secs_f64()
        );
    }
    eprintln!();
    let built = Instant::now();
    for (_, create) in &indexes {
        sqlx::query(create)
            .execute(pool)
            .await
            .expect("create index");
    }
    println!(
        "inserted at {:.0} events/s; {} indexes built again in {:.0} s",
        count as f64 / (built - started).as_secs_f64(),
        indexes.len(),
        built.elapsed().as_secs_f64()
    );
    sqlx::query("UPDATE audit_chain SET seq = $1, hash = $2 WHERE chain = $3")
        .bind(seq)
        .bind(&prev)
        .bind(org_id)
        .execute(pool)
        .await
        .expect("chain head");
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1]
}

/// p50 and p95 in ms of `f` over [`SAMPLES`] runs after a few untimed ones.
async fn timed<F, Fut>(mut f: F) -> (f64, f64)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for _ in 0..5 {
        f().await;
    }
    let mut ms = Vec::with_capacity(SAMPLES);
    for _ in 0..SAMPLES {
        let t = Instant::now();
        f().await;
        ms.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    ms.sort_by(f64::total_cmp);
    (percentile(&ms, 0.5), percentile(&ms, 0.95))
}

/// Events written per second by [`WRITERS`] concurrent writers in [`INGEST_FOR`], each
/// event its own transaction; `write(writer, n)` writes one.
async fn ingest<F, Fut>(write: F) -> f64
where
    F: Fn(usize, usize) -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let until = Instant::now() + INGEST_FOR;
    let started = Instant::now();
    let mut writers = tokio::task::JoinSet::new();
    for w in 0..WRITERS {
        let write = write.clone();
        writers.spawn(async move {
            let mut n = 0;
            while Instant::now() < until {
                write(w, n).await;
                n += 1;
            }
            n
        });
    }
    let total: usize = writers.join_all().await.into_iter().sum();
    total as f64 / started.elapsed().as_secs_f64()
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let url = args
        .next()
        .expect("usage: events_bench <database-url> <count>");
    let count: usize = args.next().and_then(|c| c.parse().ok()).expect("a count");
    let (services, bench) = foxgate_bench::bench_org(&url, Secret::new(rand::random())).await;
    let services = std::sync::Arc::new(services);
    let context = RequestContext::default();
    let owner = bench.owner;
    let mut team_ids = Vec::new();
    for i in 0..TEAMS {
        let team = teams::create(
            &services,
            &owner,
            "bench",
            NewTeam {
                slug: format!("team-{i:02}"),
                name: format!("Team {i}"),
            },
        )
        .await
        .expect("team");
        team_ids.push(team.id);
    }

    let backend = url.split("://").next().unwrap_or_default();
    let postgres = backend.starts_with("postgres");
    println!("seeding {count} events into {backend} …");
    let started = Instant::now();
    seed(&services, &bench.org_id, &team_ids, count, postgres).await;
    println!("seeded in {:.0} s", started.elapsed().as_secs_f64());
    let analyze = if postgres {
        "ANALYZE audit_events"
    } else {
        "ANALYZE"
    };
    sqlx::query(analyze)
        .execute(services.db.pool())
        .await
        .expect("analyze");

    // A Team Admin of team-07 reads only that team's log.
    let lead = Principal {
        identity: Identity::User {
            id: actor(7),
            email: "lead@bench.test".into(),
            display_name: "Lead".into(),
        },
        auth_kind: AuthKind::Session,
        org_id: Some(bench.org_id.clone()),
        team_id: None,
        via_token: None,
        apps: Default::default(),
        grants: Grants::from_builtin([(BuiltinRole::TeamAdmin, Some(team_ids[7].as_str()))]),
        context: context.clone(),
    };
    let f = |edit: fn(&mut EventFilter)| {
        let mut filter = EventFilter::default();
        edit(&mut filter);
        filter
    };
    let some = |s: &str| Some(s.to_string());
    let mut combos: Vec<(&str, &Principal, EventFilter)> = vec![
        ("no filter", &owner, EventFilter::default()),
        (
            "entity type",
            &owner,
            f(|f| f.entity_type = Some("role".into())),
        ),
        (
            "entity id",
            &owner,
            EventFilter {
                entity_id: some(&entity(4242)),
                ..Default::default()
            },
        ),
        (
            "actor",
            &owner,
            EventFilter {
                actor: some(&actor(17)),
                ..Default::default()
            },
        ),
        (
            "actor kind",
            &owner,
            f(|f| f.actor_kind = Some("token".into())),
        ),
        (
            "action",
            &owner,
            f(|f| f.action = Some("token.rotated".into())),
        ),
        ("team", &owner, f(|f| f.team = Some("team-03".into()))),
        (
            "ip",
            &owner,
            EventFilter {
                ip: some(&ip(99)),
                ..Default::default()
            },
        ),
        (
            "outcome denied",
            &owner,
            f(|f| f.outcome = Some("denied".into())),
        ),
        ("last 24 hours", &owner, f(|f| f.since = Some("24h".into()))),
        (
            "a day 2 weeks ago",
            &owner,
            f(|f| {
                f.since = Some("15d".into());
                f.until = Some((store::now_ms() - 14 * DAY_MS).to_string());
            }),
        ),
        (
            "action + team",
            &owner,
            f(|f| {
                f.action = Some("grant.created".into());
                f.team = Some("team-05".into());
            }),
        ),
        (
            "actor + last 7 days",
            &owner,
            EventFilter {
                actor: some(&actor(3)),
                since: some("7d"),
                ..Default::default()
            },
        ),
        (
            "entity type + outcome",
            &owner,
            f(|f| {
                f.entity_type = Some("token".into());
                f.outcome = Some("failure".into());
            }),
        ),
        (
            "team + outcome denied",
            &owner,
            f(|f| {
                f.team = Some("team-09".into());
                f.outcome = Some("denied".into());
            }),
        ),
        (
            "actor + action",
            &owner,
            EventFilter {
                actor: some(&actor(11)),
                action: some("role.updated"),
                ..Default::default()
            },
        ),
        ("team reader, no filter", &lead, EventFilter::default()),
        (
            "team reader, action",
            &lead,
            f(|f| f.action = Some("token.created".into())),
        ),
    ];
    // The second page of the unfiltered log, by cursor.
    let first = events::list(&services, &owner, "bench", EventFilter::default())
        .await
        .expect("first page");
    combos.push((
        "no filter, page 2 (cursor)",
        &owner,
        EventFilter {
            cursor: first.next_cursor.clone(),
            ..Default::default()
        },
    ));

    let pool = services.db.pool().clone();
    let some_id = first.events[10].id.clone();
    let (base50, base95) = timed(|| {
        let (pool, id) = (pool.clone(), some_id.clone());
        async move {
            let _: (String, i64) =
                sqlx::query_as("SELECT id, created_at FROM audit_events WHERE id = $1")
                    .bind(id)
                    .fetch_one(&pool)
                    .await
                    .expect("lookup");
        }
    })
    .await;
    println!(
        "\nfirst page (50 events) of GET /events, {SAMPLES} runs each, {count} events in the log"
    );
    println!(
        "{:<28} {:>8} {:>9} {:>9} {:>10}",
        "filter", "events", "p50 ms", "p95 ms", "p95/base"
    );
    println!(
        "{:<28} {:>8} {:>9.2} {:>9.2} {:>10}",
        "baseline: lookup by id", 1, base50, base95, "1.0"
    );
    let mut worst: f64 = 0.0;
    for (label, p, filter) in &combos {
        let shown = events::list(&services, p, "bench", filter.clone())
            .await
            .unwrap_or_else(|e| panic!("{label}: {e:?}"))
            .events
            .len();
        let (p50, p95) = timed(|| {
            let (services, filter) = (services.clone(), filter.clone());
            async move {
                events::list(&services, p, "bench", filter)
                    .await
                    .expect("page");
            }
        })
        .await;
        worst = worst.max(p95);
        println!(
            "{label:<28} {shown:>8} {p50:>9.2} {p95:>9.2} {:>10.1}",
            p95 / base95
        );
    }
    println!("worst p95: {worst:.2} ms (target < 20)");

    // Ingest: the real append (chain, per-day count) vs a one-row insert per transaction.
    sqlx::query("CREATE TABLE bench_plain AS SELECT * FROM audit_events WHERE 1 = 0")
        .execute(services.db.pool())
        .await
        .expect("plain table");
    let plain = {
        let pool = services.db.pool().clone();
        let services = services.clone();
        ingest(move |w, n| {
            let (pool, services) = (pool.clone(), services.clone());
            async move {
                let mut tx = services.db.begin().await.expect("begin");
                sqlx::query("INSERT INTO bench_plain (id, created_at, org_id, actor_kind, action, outcome, ip) VALUES ($1, $2, $3, 'user', 'bench.plain', 'success', $4)")
                    .bind(store::new_id())
                    .bind(store::now_ms())
                    .bind(format!("w{w}"))
                    .bind(ip(n % IPS))
                    .execute(&mut *tx)
                    .await
                    .expect("plain insert");
                tx.commit().await.expect("commit");
                drop(pool);
            }
        })
        .await
    };
    // `per_tx` events per transaction: 1 is how changes write them; more is a burst or an
    // import sharing one commit.
    let append = |orgs: Vec<String>, per_tx: usize| {
        let services = services.clone();
        let teams = team_ids.clone();
        move |w: usize, n: usize| {
            let (services, org) = (services.clone(), orgs[w % orgs.len()].clone());
            let team = teams[n % teams.len()].clone();
            async move {
                let event =
                    AuditEvent::anonymous(AuditAction::TeamUpdated, RequestContext::default())
                        .actor_user(&actor(w), "writer@bench.test")
                        .org(&org)
                        .team(&team)
                        .entity(EntityType::Team, &team, "Team");
                let mut tx = services.db.begin().await.expect("begin");
                audit::insert_all(&mut tx, &vec![event; per_tx])
                    .await
                    .expect("append");
                tx.commit().await.expect("commit");
            }
        }
    };
    let orgs: Vec<String> = (0..WRITERS).map(|w| format!("ingest-org-{w}")).collect();
    let one_org = ingest(append(vec![bench.org_id.clone()], 1)).await;
    let many_orgs = ingest(append(orgs.clone(), 1)).await;
    let batched = ingest(append(vec![bench.org_id.clone()], BATCHED)).await * BATCHED as f64;
    println!(
        "\ningest, {WRITERS} writers, {}s each",
        INGEST_FOR.as_secs()
    );
    println!("{:<48} {:>10} {:>8}", "", "events/s", "ratio");
    println!(
        "{:<48} {plain:>10.0} {:>8}",
        "baseline: one-row insert per transaction", "1.00"
    );
    println!(
        "{:<48} {one_org:>10.0} {:>8.2}",
        "append, 1 per transaction, one org",
        one_org / plain
    );
    println!(
        "{:<48} {many_orgs:>10.0} {:>8.2}",
        "append, 1 per transaction, 4 orgs",
        many_orgs / plain
    );
    println!(
        "{:<48} {batched:>10.0} {:>8.2}",
        format!("append, {BATCHED} per transaction, one org"),
        batched / plain
    );
    println!("ingest target: >= 5000 events/s");
}
