//! `Principal::can` against casbin-rs `enforce` on the same RBAC-with-domains policy:
//! 10,000 roles (100 teams × 100 roles, 5 permissions each) and 100,000 grants (10,000 users
//! × 10 roles). Prints both medians and the ratio, measured in the same run.
//!
//! Beside them, `AppGrants::decide` — an application permission in an org declaring 1,000
//! applications (10,000 permissions) — against `Principal::can`: the per-org vocabulary is
//! compiled to bits, so the decision should cost about the same however much is declared.
//!
//! Run: `cargo bench -p foxgate-bench`

use casbin::{CoreApi, DefaultModel, Enforcer, MemoryAdapter, MgmtApi};
use criterion::{black_box, Criterion};
use foxgate_core::authz::application::{Declaration, Object, ResourceType};
use foxgate_core::authz::{
    Action, AuthKind, Grants, Identity, Permission, PermissionSet, Principal, RequestContext,
    Resource, Scope,
};
use foxgate_core::authz::{AppGrants, AppPermission, Vocabulary};

const TEAMS: usize = 100;
const ROLES_PER_TEAM: usize = 100;
const USERS: usize = 10_000;
const GRANTS_PER_USER: usize = 10;

const MODEL: &str = "
[request_definition]
r = sub, dom, obj, act
[policy_definition]
p = sub, dom, obj, act
[role_definition]
g = _, _, _
[policy_effect]
e = some(where (p.eft == allow))
[matchers]
m = g(r.sub, p.sub, r.dom) && r.dom == p.dom && r.obj == p.obj && r.act == p.act
";

/// The 5 permissions of role `r` (a deterministic spread over the 36).
fn role_permissions(r: usize) -> Vec<Permission> {
    (0..5)
        .map(|k| {
            let i = (r * 7 + k * 11) % 36;
            Permission::new(Resource::ALL[i / 4], Action::ALL[i % 4])
        })
        .collect()
}

/// `(role index, team)` of the grants of user `u`.
fn user_grants(u: usize) -> Vec<(usize, usize)> {
    (0..GRANTS_PER_USER)
        .map(|k| {
            let team = (u + k * 13) % TEAMS;
            (team * ROLES_PER_TEAM + (u + k) % ROLES_PER_TEAM, team)
        })
        .collect()
}

fn principal_of(u: usize) -> Principal {
    let mut grants = Grants::default();
    for (role, team) in user_grants(u) {
        let set: PermissionSet = role_permissions(role).into_iter().collect();
        grants.add(set, Some(&format!("t{team}")));
    }
    Principal {
        identity: Identity::User {
            id: format!("u{u}"),
            email: String::new(),
            display_name: String::new(),
        },
        auth_kind: AuthKind::Session,
        org_id: Some("o".into()),
        team_id: None,
        via_token: None,
        apps: Default::default(),
        grants,
        context: RequestContext::default(),
    }
}

async fn casbin_enforcer() -> Enforcer {
    let model = DefaultModel::from_str(MODEL).await.expect("model");
    let mut e = Enforcer::new(model, MemoryAdapter::default())
        .await
        .expect("enforcer");
    let mut policies = Vec::with_capacity(TEAMS * ROLES_PER_TEAM * 5);
    for team in 0..TEAMS {
        for r in 0..ROLES_PER_TEAM {
            let role = team * ROLES_PER_TEAM + r;
            for p in role_permissions(role) {
                policies.push(vec![
                    format!("r{role}"),
                    format!("t{team}"),
                    p.resource.as_str().to_string(),
                    p.action.as_str().to_string(),
                ]);
            }
        }
    }
    e.add_policies(policies).await.expect("policies");
    let mut links = Vec::with_capacity(USERS * GRANTS_PER_USER);
    for u in 0..USERS {
        for (role, team) in user_grants(u) {
            links.push(vec![
                format!("u{u}"),
                format!("r{role}"),
                format!("t{team}"),
            ]);
        }
    }
    e.add_grouping_policies(links).await.expect("grants");
    e
}

/// The median criterion just wrote for `group/id`, in nanoseconds.
fn median_ns(group: &str, id: &str) -> Option<f64> {
    let dir = std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".into());
    let path = format!("{dir}/criterion/{group}/{id}/new/estimates.json");
    let text = std::fs::read_to_string(path).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    v["median"]["point_estimate"].as_f64()
}

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let started = std::time::Instant::now();
    let enforcer = runtime.block_on(casbin_enforcer());
    eprintln!(
        "casbin loaded {} policies and {} grants in {:.1} s",
        enforcer.get_policy().len(),
        enforcer.get_grouping_policy().len(),
        started.elapsed().as_secs_f64()
    );

    // One user, a question answered "yes" (their first grant) and one answered "no".
    let user = 4242;
    let principal = principal_of(user);
    let (role, team) = user_grants(user)[0];
    let yes = role_permissions(role)[0];
    let no = Permission::new(Resource::Sso, Action::Delete);
    let scope = Scope::Team(format!("t{team}"));
    let (sub, dom) = (format!("u{user}"), format!("t{team}"));
    let casbin_says = |p: Permission| {
        enforcer
            .enforce((
                sub.as_str(),
                dom.as_str(),
                p.resource.as_str(),
                p.action.as_str(),
            ))
            .expect("enforce")
    };
    assert!(
        principal.can(yes, &scope) && casbin_says(yes),
        "both allow the granted permission"
    );
    assert_eq!(
        principal.can(no, &scope),
        casbin_says(no),
        "both agree on the refused one"
    );

    // 1,000 applications × 2 resource types × 5 actions; the user holds 50 of them in the team.
    let declarations: Vec<Declaration> = (0..1000)
        .map(|i| Declaration {
            app: format!("app{i}"),
            resource_types: ["deployments", "config"]
                .into_iter()
                .map(|name| ResourceType {
                    name: name.into(),
                    actions: ["read", "create", "update", "approve", "rollback"]
                        .map(String::from)
                        .to_vec(),
                })
                .collect(),
        })
        .collect();
    let mut apps = AppGrants::new(std::sync::Arc::new(Vocabulary::compile(&declarations)));
    for i in 0..50 {
        apps.add(
            &AppPermission::new(&format!("app{}", i * 20), "deployments", "approve"),
            Some(&dom),
        );
    }
    let object = Object::default();
    assert!(apps
        .decide("app400:deployments", "approve", Some(&dom), &object)
        .allowed());
    assert!(!apps
        .decide("app401:deployments", "approve", Some(&dom), &object)
        .allowed());

    let mut c = Criterion::default().configure_from_args();
    {
        let mut g = c.benchmark_group("can");
        g.bench_function("foxgate", |b| {
            b.iter(|| black_box(&principal).can(black_box(yes), black_box(&scope)))
        });
        g.bench_function("casbin", |b| b.iter(|| casbin_says(black_box(yes))));
        g.bench_function("application", |b| {
            b.iter(|| {
                black_box(&apps).decide(
                    black_box("app400:deployments"),
                    black_box("approve"),
                    black_box(Some(dom.as_str())),
                    &object,
                )
            })
        });
        g.finish();
    }
    c.final_summary();
    if let (Some(ours), Some(theirs)) = (median_ns("can", "foxgate"), median_ns("can", "casbin")) {
        println!("Principal::can median {ours:.1} ns; casbin enforce median {theirs:.1} ns; ratio {:.0}x", theirs / ours);
    }
    if let (Some(can), Some(app)) = (median_ns("can", "foxgate"), median_ns("can", "application")) {
        println!(
            "AppGrants::decide (1,000 applications, 10,000 permissions) median {app:.1} ns; {:.1}x Principal::can",
            app / can
        );
    }
}
