//! The members list of a large org (issue 18): seeds the org `bench` with MEMBERS people
//! (half with a Foxgate password, half known to an identity provider), 500 teams and four
//! grants each, by bulk SQL, then prints the p50 and p95 of `members::list` — the function
//! behind `GET /api/v1/orgs/{org}/members` and the Members page — for its first page, a page
//! deep in the cursor chain, and each filter. Usage: members_bench <database-url> <members>.

use foxgate_core::model::{MemberFilter, SignInWay};
use foxgate_core::secret::Secret;
use foxgate_core::service::{members, Services};
use foxgate_core::store;
use std::time::Instant;

const TEAMS: usize = 500;
const SAMPLES: usize = 60;
/// Rows per multi-row INSERT: well under both databases' limits on bound values.
const ROWS_PER_INSERT: usize = 500;

/// A value of a seeded row.
enum Value {
    Text(String),
    Int(i64),
    /// NULL of a text column, and of an integer one (PostgreSQL types the parameter).
    NullText,
    NullInt,
}

/// Inserts `rows` into `table` in multi-row statements, one transaction per statement.
async fn insert(services: &Services, table: &str, columns: &[&str], rows: Vec<Vec<Value>>) {
    let pool = services.db.pool();
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<Vec<Value>> = rows.by_ref().take(ROWS_PER_INSERT).collect();
        let mut n = 0;
        let tuples: Vec<String> = chunk
            .iter()
            .map(|row| {
                let params: Vec<String> = row
                    .iter()
                    .map(|_| {
                        n += 1;
                        format!("${n}")
                    })
                    .collect();
                format!("({})", params.join(", "))
            })
            .collect();
        let sql = format!(
            "INSERT INTO {table} ({}) VALUES {}",
            columns.join(", "),
            tuples.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for value in chunk.iter().flatten() {
            query = match value {
                Value::Text(t) => query.bind(t.as_str()),
                Value::Int(i) => query.bind(*i),
                Value::NullText => query.bind(None::<String>),
                Value::NullInt => query.bind(None::<i64>),
            };
        }
        query.execute(pool).await.expect("insert");
    }
}

async fn seed(services: &Services, org_id: &str, count: usize) {
    let now = store::now_ms();
    let text = |s: String| Value::Text(s);
    let teams: Vec<Vec<Value>> = (0..TEAMS)
        .map(|t| {
            vec![
                text(format!("team{t:04}")),
                text(org_id.into()),
                text(format!("team-{t:04}")),
                text(format!("Team {t}")),
                Value::Int(now),
            ]
        })
        .collect();
    insert(
        services,
        "teams",
        &["id", "org_id", "slug", "name", "created_at"],
        teams,
    )
    .await;
    let user = |n: usize| format!("u{n:07}");
    let users = (0..count)
        .map(|n| {
            vec![
                text(user(n)),
                text(format!("person{n:07}@bench.test")),
                text(format!("First{} Last{}", n % 997, n % 1009)),
                Value::NullInt,
                Value::Int(now),
            ]
        })
        .collect();
    insert(
        services,
        "users",
        &["id", "email", "display_name", "disabled_at", "created_at"],
        users,
    )
    .await;
    let memberships = (0..count)
        .map(|n| {
            vec![
                text(org_id.into()),
                text(user(n)),
                Value::Int(now),
                if n % 3 == 0 {
                    Value::NullInt
                } else {
                    Value::Int(now - n as i64)
                },
            ]
        })
        .collect();
    insert(
        services,
        "memberships",
        &["org_id", "user_id", "created_at", "last_signin_at"],
        memberships,
    )
    .await;
    let passwords = (0..count)
        .step_by(2)
        .map(|n| {
            vec![
                text(user(n)),
                text(format!("person{n:07}@bench.test")),
                text("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into()),
                Value::Int(now),
            ]
        })
        .collect();
    insert(
        services,
        "local_credentials",
        &["user_id", "email_normalized", "password_hash", "updated_at"],
        passwords,
    )
    .await;
    let identities = (1..count)
        .step_by(2)
        .map(|n| {
            vec![
                text("https://idp.bench.test".into()),
                text(format!("subject-{n}")),
                text(user(n)),
                Value::NullText,
                Value::Int(now),
                Value::Int(now),
            ]
        })
        .collect();
    insert(
        services,
        "user_identities",
        &[
            "issuer_key",
            "subject",
            "user_id",
            "idp_id",
            "created_at",
            "last_signin_at",
        ],
        identities,
    )
    .await;
    // Four grants each: Member org-wide, and Member in three teams (one in 50 also Team
    // Admin of the first of them).
    let grants = (0..count)
        .flat_map(|n| {
            (0..4).map(move |g| {
                let team = (g > 0).then(|| format!("team{:04}", (n * 7 + g * 131) % TEAMS));
                let role = if g == 1 && n % 50 == 0 {
                    "team_admin"
                } else {
                    "member"
                };
                (format!("g{n:07}-{g}"), user(n), role, team)
            })
        })
        .map(|(id, user_id, role, team)| {
            vec![
                text(id),
                text(org_id.into()),
                text(user_id),
                text(role.into()),
                team.map_or(Value::NullText, Value::Text),
                Value::Int(now),
            ]
        })
        .collect();
    insert(
        services,
        "grants",
        &[
            "id",
            "org_id",
            "user_id",
            "role_id",
            "team_id",
            "created_at",
        ],
        grants,
    )
    .await;
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1]
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let url = args
        .next()
        .expect("usage: members_bench <database-url> <members>");
    let count: usize = args.next().and_then(|c| c.parse().ok()).expect("a count");
    let (services, bench) = foxgate_bench::bench_org(&url, Secret::new(rand::random())).await;
    let backend = url.split("://").next().unwrap_or_default().to_string();
    println!(
        "seeding {count} members, {TEAMS} teams, {} grants into {backend} …",
        count * 4
    );
    let started = Instant::now();
    seed(&services, &bench.org_id, count).await;
    sqlx::query("ANALYZE")
        .execute(services.db.pool())
        .await
        .expect("analyze");
    println!("seeded in {:.0} s", started.elapsed().as_secs_f64());

    // The cursor of the 100th page (the 5,000th member by email).
    let mut deep = MemberFilter::default();
    for _ in 0..100 {
        let page = members::list(&services, &bench.owner, "bench", &deep)
            .await
            .expect("a page");
        deep.cursor = page.next_cursor;
    }
    let filter = |edit: fn(&mut MemberFilter)| {
        let mut f = MemberFilter::default();
        edit(&mut f);
        f
    };
    let cases: Vec<(&str, MemberFilter)> = vec![
        ("first page", MemberFilter::default()),
        ("page 101 (cursor)", deep),
        ("email prefix", filter(|f| f.q = Some("person00123".into()))),
        (
            "word of the name",
            filter(|f| f.q = Some("last1000".into())),
        ),
        (
            "role team_admin",
            filter(|f| f.role = Some("team_admin".into())),
        ),
        (
            "team team-0007",
            filter(|f| f.team = Some("team-0007".into())),
        ),
        ("via sso", filter(|f| f.via = Some(SignInWay::Sso))),
        (
            "prefix + via local",
            filter(|f| {
                f.q = Some("person001".into());
                f.via = Some(SignInWay::Local);
            }),
        ),
    ];
    println!(
        "{:<22} {:>7} {:>9} {:>9} {:>9}",
        "members list", "shown", "total", "p50 ms", "p95 ms"
    );
    let mut worst: f64 = 0.0;
    for (label, f) in cases {
        let mut ms = Vec::with_capacity(SAMPLES);
        let mut shown = (0, 0);
        for i in 0..SAMPLES + 5 {
            let t = Instant::now();
            let page = members::list(&services, &bench.owner, "bench", &f)
                .await
                .expect("a page");
            if i >= 5 {
                ms.push(t.elapsed().as_secs_f64() * 1000.0);
            }
            shown = (page.members.len(), page.total);
        }
        ms.sort_by(f64::total_cmp);
        let (p50, p95) = (percentile(&ms, 0.5), percentile(&ms, 0.95));
        worst = worst.max(p95);
        println!(
            "{label:<22} {:>7} {:>9} {p50:>9.2} {p95:>9.2}",
            shown.0, shown.1
        );
    }
    println!("worst p95: {worst:.2} ms (target < 20)");
}
