//! Seeds a fresh Foxgate database for the token load test: sets up an org and its owner,
//! mints one real org admin token through the service (printed on stdout, nothing else),
//! and adds filler tokens with random ids and hashes until the table holds `count` rows.
//!
//! `seed_tokens <database-url> <count>`; the server key comes from `FOXGATE_SECRET_KEY`
//! (base64, 32 bytes), which the load test also gives to `foxgate serve`.

use foxgate_core::model::NewToken;
use foxgate_core::service::tokens;
use foxgate_core::store;
use rand::{Rng, RngCore};

/// Rows per INSERT statement: 7 parameters each stays far below SQLite's and PostgreSQL's limits.
const BATCH: usize = 1000;

fn filler_id(rng: &mut impl Rng) -> String {
    const ALPHABET: &[u8] = b"0123456789abcdefghjkmnpqrstvwxyz";
    (0..16)
        .map(|_| ALPHABET[rng.gen_range(0..32)] as char)
        .collect()
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let url = args
        .next()
        .expect("usage: seed_tokens <database-url> <count>");
    let count: usize = args.next().and_then(|c| c.parse().ok()).expect("a count");
    let (services, bench) = foxgate_bench::bench_org(&url, foxgate_bench::key_from_env()).await;
    let owner = bench.owner;
    let minted = tokens::create(
        &services,
        &owner,
        "bench",
        NewToken {
            name: "load-test".into(),
            roles: vec!["admin".into()],
            ..NewToken::default()
        },
    )
    .await
    .expect("mint");

    let mut rng = rand::thread_rng();
    let now = store::now_ms();
    let mut remaining = count.saturating_sub(1);
    let mut tx = services.db.pool().begin().await.expect("transaction");
    while remaining > 0 {
        let rows = remaining.min(BATCH);
        let values: Vec<String> = (0..rows)
            .map(|i| {
                let b = i * 7;
                format!(
                    "(${}, ${}, ${}, ${}, ${}, ${}, ${})",
                    b + 1,
                    b + 2,
                    b + 3,
                    b + 4,
                    b + 5,
                    b + 6,
                    b + 7
                )
            })
            .collect();
        let sql = format!(
            "INSERT INTO tokens (id, org_id, kind, name, secret_hash, role_ids, created_at) VALUES {}",
            values.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for _ in 0..rows {
            let mut hash = [0u8; 32];
            rng.fill_bytes(&mut hash);
            query = query
                .bind(filler_id(&mut rng))
                .bind(bench.org_id.clone())
                .bind("team")
                .bind("filler")
                .bind(hash.iter().map(|b| format!("{b:02x}")).collect::<String>())
                .bind("viewer")
                .bind(now);
        }
        query.execute(&mut *tx).await.expect("insert filler tokens");
        remaining -= rows;
    }
    tx.commit().await.expect("commit");
    println!("{}", minted.token.expect("a bearer token has its secret"));
}
