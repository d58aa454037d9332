//! Property tests of the permission model against a naive reference: random grants at org
//! and team scope, random questions. `Principal::can` and the escalation guard must agree
//! with the reference, and no sequence of delegations gives out more than the giver holds.

use foxgate_core::authz::{
    Action, AuthKind, Grants, Identity, Permission, PermissionSet, Principal, RequestContext,
    Resource, Scope,
};
use proptest::prelude::*;
use std::collections::BTreeSet;

const TEAMS: [&str; 4] = ["t0", "t1", "t2", "t3"];

/// The reference: a flat list of (permissions, team) grants, scanned one by one.
#[derive(Debug, Clone, Default)]
struct Reference(Vec<(BTreeSet<Permission>, Option<&'static str>)>);

impl Reference {
    fn can(&self, p: Permission, scope: &Scope) -> bool {
        self.0.iter().any(|(perms, team)| {
            perms.contains(&p)
                && match (team, scope) {
                    (None, _) => true,
                    (Some(t), Scope::Team(s)) => t == s,
                    (Some(_), Scope::Org) => false,
                }
        })
    }

    fn holds_all(&self, wanted: &BTreeSet<Permission>, scope: &Scope) -> bool {
        wanted.iter().all(|p| self.can(*p, scope))
    }

    fn principal(&self) -> Principal {
        let mut grants = Grants::default();
        for (perms, team) in &self.0 {
            grants.add(perms.iter().copied().collect(), *team);
        }
        Principal {
            identity: Identity::User {
                id: "u".into(),
                email: "u@x.test".into(),
                display_name: "U".into(),
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
}

fn permission() -> impl Strategy<Value = Permission> {
    (0..Resource::ALL.len(), 0..Action::ALL.len())
        .prop_map(|(r, a)| Permission::new(Resource::ALL[r], Action::ALL[a]))
}

fn permission_set() -> impl Strategy<Value = BTreeSet<Permission>> {
    prop::collection::btree_set(permission(), 0..12)
}

fn team() -> impl Strategy<Value = Option<&'static str>> {
    prop::option::of(prop::sample::select(TEAMS.to_vec()))
}

fn scope() -> impl Strategy<Value = Scope> {
    team().prop_map(|t| t.map_or(Scope::Org, |t| Scope::Team(t.to_string())))
}

fn reference() -> impl Strategy<Value = Reference> {
    prop::collection::vec((permission_set(), team()), 0..8).prop_map(Reference)
}

proptest! {
    #[test]
    fn can_agrees_with_the_reference(model in reference(), p in permission(), s in scope()) {
        prop_assert_eq!(model.principal().can(p, &s), model.can(p, &s));
    }

    #[test]
    fn escalation_guard_agrees_with_the_reference(model in reference(), wanted in permission_set(), s in scope()) {
        let set: PermissionSet = wanted.iter().copied().collect();
        prop_assert_eq!(model.principal().require_all(set, &s).is_ok(), model.holds_all(&wanted, &s));
    }

    /// Members delegate to each other in random order; a delegation goes through only when the
    /// guard allows it. Whatever happens, every grant that was applied was held by its giver.
    #[test]
    fn no_delegation_sequence_escalates(
        seed in prop::collection::vec((permission_set(), team()), 1..3),
        steps in prop::collection::vec((0usize..4, 0usize..4, permission_set(), team()), 0..40),
    ) {
        let root = Reference(seed);
        let mut members = vec![root.clone(), Reference::default(), Reference::default(), Reference::default()];
        for (giver, receiver, wanted, team) in steps {
            let scope = team.map_or(Scope::Org, |t| Scope::Team(t.to_string()));
            let set: PermissionSet = wanted.iter().copied().collect();
            let allowed = members[giver].principal().require_all(set, &scope).is_ok();
            prop_assert_eq!(allowed, members[giver].holds_all(&wanted, &scope));
            if allowed {
                members[receiver].0.push((wanted, team));
            }
        }
        // Nobody ends up with a permission that no seed grant held at that scope.
        for m in &members {
            for p in Permission::all() {
                for s in std::iter::once(Scope::Org).chain(TEAMS.iter().map(|t| Scope::Team(t.to_string()))) {
                    if m.principal().can(p, &s) {
                        prop_assert!(root.can(p, &s), "{p} at {s:?} appeared from nowhere");
                    }
                }
            }
        }
    }
}
