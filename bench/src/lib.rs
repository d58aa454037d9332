//! What the benchmark binaries share: a fresh database set up with the org `bench` and its
//! owner. (The criterion benchmarks live in `benches/`.)

use foxgate_core::authz::{Principal, RequestContext};
use foxgate_core::model::SetupInput;
use foxgate_core::secret::Secret;
use foxgate_core::service::{principal, setup, Services};
use foxgate_core::store::Db;

/// The org `bench` on a migrated database: its id and its owner's Principal.
pub struct BenchOrg {
    pub org_id: String,
    pub owner: Principal,
}

/// Migrates the (empty) database at `url` and sets up the org `bench` and its owner.
pub async fn bench_org(url: &str, key: Secret<[u8; 32]>) -> (Services, BenchOrg) {
    let db = Db::connect_lazy(url).expect("database url");
    db.migrate().await.expect("migrations");
    // The caches as `foxgate serve` has them by default (1 s).
    let services = Services::new(db, key).with_token_cache(std::time::Duration::from_secs(1));
    let context = RequestContext::default();
    let done = setup::complete(
        &services,
        &context,
        setup::SetupProof::LocalOperator,
        SetupInput {
            setup_code: None,
            org_name: "Bench".into(),
            org_slug: "bench".into(),
            email: "owner@bench.test".into(),
            display_name: None,
            password: Secret::new("bench-password-long".into()),
        },
    )
    .await
    .expect("setup");
    let owner = principal::for_session(&services, &done.user_id, &done.org_id, context)
        .await
        .expect("owner principal")
        .expect("owner is a member");
    let org = BenchOrg {
        org_id: done.org_id,
        owner,
    };
    (services, org)
}

/// The server key from `FOXGATE_SECRET_KEY` (base64, 32 bytes), which the load tests also
/// give to `foxgate serve`.
pub fn key_from_env() -> Secret<[u8; 32]> {
    use base64::Engine;
    let text = std::env::var("FOXGATE_SECRET_KEY").expect("FOXGATE_SECRET_KEY is set");
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .expect("the key is base64");
    Secret::new(bytes.try_into().expect("the key is 32 bytes"))
}
