//! The lists of a large org (issue 18): seeds the org `bench` with MEMBERS people (half with
//! a Foxgate password, half known to an identity provider), 5,000 teams, four grants each
//! and TOKENS tokens (team, personal and org admin; some revoked), by bulk SQL, then prints
//! the p50 and p95 of the list functions behind the API and the console pages —
//! `members::list`, `teams::list`, `teams::members`, `tokens::list` — for a first page, a
//! page deep in the cursor chain, and each filter.
//! Usage: members_bench <database-url> <members> [tokens]; FOXGATE_SECRET_KEY (base64) is
//! the server key it seeds with, so `foxgate serve` can open the same database after it.

use base64::Engine;
use foxgate_core::authz::{Principal, RequestContext};
use foxgate_core::model::{
    MemberFilter, NewLocalMember, NewToken, PageAsk, SignInWay, TeamFilter, TokenFilter,
    TokenStatus,
};
use foxgate_core::secret::Secret;
use foxgate_core::service::{members, principal, roles, teams, tokens, Services};
use foxgate_core::store;
use foxgate_core::token::TokenKind;
use std::time::Instant;

const TEAMS: usize = 5_000;
const CUSTOM_ROLES: usize = 50;
/// The teams the wide member holds a role in.
const WIDE_TEAMS: usize = 200;
const WIDE_PASSWORD: &str = "wide-member-password";
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
    insert_grants(services, grants).await;
}

/// Grant rows in the `grants` table's column order: id, org, user, role, team, created.
async fn insert_grants(services: &Services, grants: Vec<Vec<Value>>) {
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

/// The org's custom roles: 50 of them, each a few of Foxgate's words.
async fn seed_roles(services: &Services, org_id: &str) -> Vec<String> {
    let now = store::now_ms();
    let words = [
        "teams:read",
        "members:read",
        "tokens:read",
        "tokens:create",
        "roles:read",
    ];
    let rows: Vec<Vec<Value>> = (0..CUSTOM_ROLES)
        .map(|r| {
            vec![
                Value::Text(format!("role{r:02}")),
                Value::Text(org_id.into()),
                Value::Text(format!("Custom role {r:02}")),
                Value::Text(String::new()),
                Value::Text(words[..1 + r % words.len()].join(" ")),
                Value::Int(now),
                Value::Int(now),
            ]
        })
        .collect();
    insert(
        services,
        "roles",
        &[
            "id",
            "org_id",
            "name",
            "description",
            "permissions",
            "created_at",
            "updated_at",
        ],
        rows,
    )
    .await;
    (0..CUSTOM_ROLES).map(|r| format!("role{r:02}")).collect()
}

/// `wide@bench.test` (password `WIDE_PASSWORD`): a member of 200 teams, with a custom role in
/// each, for the sign-in Principal build and `/auth/me` under load. Their user id.
async fn seed_wide_member(services: &Services, owner: &Principal, org_id: &str) -> String {
    let roles = seed_roles(services, org_id).await;
    let wide = members::create_local(
        services,
        owner,
        "bench",
        NewLocalMember {
            email: "wide@bench.test".into(),
            display_name: Some("Wide Member".into()),
            password: Secret::new(WIDE_PASSWORD.into()),
        },
    )
    .await
    .expect("the wide member");
    let grants = (0..WIDE_TEAMS)
        .map(|t| {
            vec![
                Value::Text(format!("gwide-{t:03}")),
                Value::Text(org_id.into()),
                Value::Text(wide.user_id.clone()),
                Value::Text(roles[t % roles.len()].clone()),
                Value::Text(format!("team{t:04}")),
                Value::Int(store::now_ms()),
            ]
        })
        .collect();
    insert_grants(services, grants).await;
    wide.user_id
}

/// Tokens in the proportions of an org with automation: seven in ten team tokens, two in
/// ten personal ones, one in ten org admin tokens; one in ten revoked; minted a second apart.
async fn seed_tokens(services: &Services, org_id: &str, count: usize, members: usize) {
    let now = store::now_ms();
    let text = |s: String| Value::Text(s);
    let rows = (0..count)
        .map(|n| {
            let kind = match n % 10 {
                0 => TokenKind::OrgAdmin,
                1 | 2 => TokenKind::Personal,
                _ => TokenKind::Team,
            };
            let creator = format!("u{:07}", n % members);
            vec![
                text(format!("tok{n:013}")),
                text(org_id.into()),
                text(kind.as_str().into()),
                match kind {
                    TokenKind::Team => text(format!("team{:04}", n % TEAMS)),
                    _ => Value::NullText,
                },
                match kind {
                    TokenKind::Personal => text(creator.clone()),
                    _ => Value::NullText,
                },
                text(format!(
                    "{}-{n:07}",
                    ["deploy", "ci", "sync", "backup"][n % 4]
                )),
                text("0".repeat(64)),
                text("member".into()),
                text(creator),
                Value::Int(now - ((count - n) as i64) * 1000),
                if n % 10 == 5 {
                    Value::Int(now)
                } else {
                    Value::NullInt
                },
            ]
        })
        .collect();
    insert(
        services,
        "tokens",
        &[
            "id",
            "org_id",
            "kind",
            "team_id",
            "user_id",
            "name",
            "secret_hash",
            "role_ids",
            "created_by",
            "created_at",
            "revoked_at",
        ],
        rows,
    )
    .await;
}

/// p50 and p95 in ms of `run` over SAMPLES runs (after five to warm up), and what the last
/// run showed.
async fn timed<F: std::future::Future<Output = (usize, String)>>(
    mut run: impl FnMut() -> F,
) -> (f64, f64, (usize, String)) {
    let mut ms = Vec::with_capacity(SAMPLES);
    let mut shown = (0, String::new());
    for i in 0..SAMPLES + 5 {
        let t = Instant::now();
        shown = run().await;
        if i >= 5 {
            ms.push(t.elapsed().as_secs_f64() * 1000.0);
        }
    }
    ms.sort_by(f64::total_cmp);
    (percentile(&ms, 0.5), percentile(&ms, 0.95), shown)
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
    let token_count: usize = args.next().and_then(|c| c.parse().ok()).unwrap_or(0);
    // The key `foxgate serve` will use on this database afterwards, when the script measures
    // the console pages (a random one otherwise).
    let key = std::env::var("FOXGATE_SECRET_KEY")
        .ok()
        .and_then(|k| base64::engine::general_purpose::STANDARD.decode(k).ok())
        .and_then(|k| <[u8; 32]>::try_from(k).ok())
        .unwrap_or_else(rand::random);
    let (services, bench) = foxgate_bench::bench_org(&url, Secret::new(key)).await;
    let backend = url.split("://").next().unwrap_or_default().to_string();
    println!(
        "seeding {count} members, {TEAMS} teams, {} grants, {token_count} tokens into {backend} …",
        count * 4
    );
    let started = Instant::now();
    seed(&services, &bench.org_id, count).await;
    seed_tokens(&services, &bench.org_id, token_count, count).await;
    let wide = seed_wide_member(&services, &bench.owner, &bench.org_id).await;
    // Bulk seeding leaves PostgreSQL dead row versions (the membership copies are set by
    // triggers after each insert) that autovacuum would clear on a running server, and a
    // gigabyte of dirty pages whose checkpoint would otherwise land amid the timings.
    let settle: &[&str] = if backend == "postgres" {
        &["VACUUM ANALYZE", "CHECKPOINT"]
    } else {
        &["ANALYZE"]
    };
    for statement in settle {
        sqlx::query(statement)
            .execute(services.db.pool())
            .await
            .expect("settle the seeded database");
    }
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
        ("name prefix", filter(|f| f.q = Some("first99".into()))),
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
        // The same breadth late in the email order: a page walks the emails before it.
        (
            "late prefix + via local",
            filter(|f| {
                f.q = Some("person004".into());
                f.via = Some(SignInWay::Local);
            }),
        ),
    ];
    println!(
        "{:<24} {:>7} {:>9} {:>9} {:>9}",
        "list", "shown", "total", "p50 ms", "p95 ms"
    );
    let mut worst: f64 = 0.0;
    let mut report = |label: &str, (p50, p95, (shown, total)): (f64, f64, (usize, String))| {
        worst = worst.max(p95);
        println!("{label:<24} {shown:>7} {total:>9} {p50:>9.2} {p95:>9.2}");
    };
    let owner = &bench.owner;
    for (label, f) in cases {
        let run = || async {
            let page = members::list(&services, owner, "bench", &f)
                .await
                .expect("a page");
            (page.members.len(), page.total.words())
        };
        report(&format!("members: {label}"), timed(run).await);
    }

    let mut deep_teams = TeamFilter::default();
    for _ in 0..50 {
        let page = teams::list(&services, owner, "bench", &deep_teams)
            .await
            .expect("a page");
        deep_teams.cursor = page.next_cursor;
    }
    let team_cases: Vec<(&str, TeamFilter)> = vec![
        ("first page", TeamFilter::default()),
        ("page 51 (cursor)", deep_teams),
        (
            "name prefix",
            TeamFilter {
                q: Some("team-004".into()),
                ..Default::default()
            },
        ),
    ];
    for (label, f) in team_cases {
        let run = || async {
            let page = teams::list(&services, owner, "bench", &f)
                .await
                .expect("a page");
            (page.teams.len(), page.total.words())
        };
        report(&format!("teams: {label}"), timed(run).await);
    }
    let run = || async {
        let page = teams::members(
            &services,
            owner,
            "bench",
            "team-0007",
            &MemberFilter::default(),
        )
        .await
        .expect("a page");
        (page.members.len(), page.total.words())
    };
    report("team members: first page", timed(run).await);

    if token_count > 0 {
        let mut deep_tokens = TokenFilter::default();
        for _ in 0..100 {
            let page = tokens::list(&services, owner, "bench", &deep_tokens)
                .await
                .expect("a page");
            deep_tokens.cursor = page.next_cursor;
        }
        let token = |edit: fn(&mut TokenFilter)| {
            let mut f = TokenFilter::default();
            edit(&mut f);
            f
        };
        let token_cases: Vec<(&str, TokenFilter)> = vec![
            ("first page", TokenFilter::default()),
            ("page 101 (cursor)", deep_tokens),
            ("name prefix", token(|f| f.q = Some("deploy-00012".into()))),
            (
                "kind personal",
                token(|f| f.kind = Some(TokenKind::Personal)),
            ),
            (
                "team team-0007",
                token(|f| f.team = Some("team-0007".into())),
            ),
            (
                "status revoked",
                token(|f| f.status = Some(TokenStatus::Revoked)),
            ),
            ("creator", token(|f| f.creator = Some("u0000005".into()))),
        ];
        for (label, f) in token_cases {
            let run = || async {
                let page = tokens::list(&services, owner, "bench", &f)
                    .await
                    .expect("a page");
                (page.tokens.len(), page.total.words())
            };
            report(&format!("tokens: {label}"), timed(run).await);
        }
    }
    for (label, asked) in [
        ("roles: first page", PageAsk::default()),
        ("roles: all (200)", PageAsk::first(200)),
    ] {
        let run = || async {
            let page = roles::list(&services, owner, "bench", &asked)
                .await
                .expect("a page");
            (page.roles.len(), "-".to_string())
        };
        report(label, timed(run).await);
    }
    let run = || async {
        let page = members::grants_of(&services, owner, "bench", &wide, &PageAsk::default())
            .await
            .expect("a page");
        (page.grants.len(), page.total.words())
    };
    report("grants of a member", timed(run).await);
    // What signing in builds (after the password): the Principal of a member of 200 teams,
    // read from the database each time (requests after it find it in the member cache).
    let run = || async {
        let mut conn = services.db.pool().acquire().await.expect("a connection");
        let built = principal::of_member(
            &services,
            &mut conn,
            &wide,
            &bench.org_id,
            RequestContext::default(),
        )
        .await
        .expect("a principal")
        .expect("a member");
        (built.grants.team_sets().len(), "-".to_string())
    };
    report("sign-in Principal, 200 teams", timed(run).await);
    println!("worst p95: {worst:.2} ms (target < 20)");
    mint_wide_token(&services, &wide, &bench.org_id).await;
}

/// A personal token of the wide member, written to `$WIDE_TOKEN_FILE` when set, for the
/// `/auth/me` load test.
async fn mint_wide_token(services: &Services, wide: &str, org_id: &str) {
    let Ok(file) = std::env::var("WIDE_TOKEN_FILE") else {
        return;
    };
    let holder = principal::for_session(services, wide, org_id, RequestContext::default())
        .await
        .expect("a principal")
        .expect("a member");
    let minted = tokens::create(
        services,
        &holder,
        "bench",
        NewToken {
            name: "wide-me".into(),
            kind: Some(TokenKind::Personal),
            permissions: vec!["teams:read".into(), "members:read".into()],
            ..Default::default()
        },
    )
    .await
    .expect("the wide member's token");
    std::fs::write(file, minted.token.expect("a bearer token")).expect("token file");
}
