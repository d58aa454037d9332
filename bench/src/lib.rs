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
    let services = Services::new(db, key);
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
