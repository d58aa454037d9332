//! The Principal: who is calling, with their resolved grants, built once per request.

use super::{AppGrants, BuiltinRole, Permission, PermissionSet};
use crate::Error;
use serde::{Deserialize, Serialize};

/// Where a permission applies: the whole org, or one of its teams.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub enum Scope {
    Org,
    Team(String),
}

/// How the caller proved who they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AuthKind {
    Anonymous,
    Session,
    TeamToken,
    OrgToken,
    PersonalToken,
    /// A Foxgate access token (JWT) a script got through the device flow.
    Jwt,
    /// A JWT issued by the org's identity provider, accepted because the provider opted in.
    OidcJwt,
}

/// The human or program behind a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub enum Identity {
    Anonymous,
    /// An API token, known by its public id and name (never its secret).
    Token {
        id: String,
        name: String,
    },
    User {
        id: String,
        email: String,
        display_name: String,
    },
}

/// Facts about the request that audit events record.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct RequestContext {
    pub ip: Option<String>,
    pub origin: Option<String>,
    pub request_id: Option<String>,
    pub user_agent: Option<String>,
    /// The handle of the browser session the request came with (its stored row id, which
    /// cannot be turned back into a cookie), so "this session" can be told apart.
    #[serde(default)]
    pub session: Option<String>,
}

/// Where a permission is held, so a list can pick in SQL what its reader may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reach {
    Everywhere,
    Teams(Vec<String>),
}

/// Resolved grants: the org-wide set plus one set per team, with the roles they came from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Grants {
    pub org: PermissionSet,
    /// Sorted by team id, so lookups are a binary search.
    teams: Vec<(String, PermissionSet)>,
    /// Built-in roles held anywhere, most powerful first.
    roles: Vec<BuiltinRole>,
}

impl Grants {
    /// Builds grants from `(role, team)` pairs; `None` as team means org-wide.
    pub fn from_builtin<'a>(
        grants: impl IntoIterator<Item = (BuiltinRole, Option<&'a str>)>,
    ) -> Self {
        let mut out = Grants::default();
        for (role, team) in grants {
            out.add(role.permissions(), team);
            out.note_role(role);
        }
        out
    }

    /// Records that a built-in role is held (for display); its permissions come via `add`.
    pub fn note_role(&mut self, role: BuiltinRole) {
        if let Err(i) = self.roles.binary_search(&role) {
            self.roles.insert(i, role);
        }
    }

    /// Adds a permission set at org scope (`team` None) or for one team.
    pub fn add(&mut self, set: PermissionSet, team: Option<&str>) {
        match team {
            None => self.org = self.org.union(set),
            Some(team) => match self.teams.binary_search_by(|(t, _)| t.as_str().cmp(team)) {
                Ok(i) => self.teams[i].1 = self.teams[i].1.union(set),
                Err(i) => self.teams.insert(i, (team.to_string(), set)),
            },
        }
    }

    /// What these grants allow at `scope`: an org grant reaches every team.
    pub fn at(&self, scope: &Scope) -> PermissionSet {
        match scope {
            Scope::Org => self.org,
            Scope::Team(team) => {
                let team_set = self
                    .teams
                    .binary_search_by(|(t, _)| t.as_str().cmp(team))
                    .map(|i| self.teams[i].1)
                    .unwrap_or_default();
                self.org.union(team_set)
            }
        }
    }

    /// Keeps only `allowed`, at org scope and in every team: a personal token's chosen
    /// subset of its user's current grants. Built-in role names no longer describe what is
    /// held, so they are dropped.
    pub fn restrict(&mut self, allowed: PermissionSet) {
        self.org = self.org.intersection(allowed);
        for (_, set) in &mut self.teams {
            *set = set.intersection(allowed);
        }
        self.roles.clear();
    }

    /// Where `p` is held: everywhere (an org-wide grant) or in these teams only (sorted).
    pub fn reach(&self, p: Permission) -> Reach {
        if self.org.contains(p) {
            Reach::Everywhere
        } else {
            Reach::Teams(
                self.teams
                    .iter()
                    .filter(|(_, set)| set.contains(p))
                    .map(|(team, _)| team.clone())
                    .collect(),
            )
        }
    }

    pub fn team_sets(&self) -> &[(String, PermissionSet)] {
        &self.teams
    }

    pub fn roles(&self) -> &[BuiltinRole] {
        &self.roles
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Principal {
    pub identity: Identity,
    pub auth_kind: AuthKind,
    /// The org this principal acts in; None when anonymous.
    pub org_id: Option<String>,
    /// Set only for team tokens: the one team they belong to.
    pub team_id: Option<String>,
    /// The personal token a user's request came with (its public id), for the audit log.
    pub via_token: Option<String>,
    pub grants: Grants,
    /// Applications' permissions held, compiled against the org's vocabulary (server side
    /// only: the console shows words, not bits).
    #[serde(skip)]
    pub apps: AppGrants,
    pub context: RequestContext,
}

impl Principal {
    pub fn anonymous(context: RequestContext) -> Self {
        Self {
            identity: Identity::Anonymous,
            auth_kind: AuthKind::Anonymous,
            org_id: None,
            team_id: None,
            via_token: None,
            apps: Default::default(),
            grants: Grants::default(),
            context,
        }
    }

    pub fn is_authenticated(&self) -> bool {
        self.auth_kind != AuthKind::Anonymous
    }

    pub fn can(&self, p: Permission, scope: &Scope) -> bool {
        self.grants.at(scope).contains(p)
    }

    /// True when `p` is granted org-wide or in at least one team.
    pub fn can_anywhere(&self, p: Permission) -> bool {
        self.grants.org.contains(p)
            || self
                .grants
                .team_sets()
                .iter()
                .any(|(_, set)| set.contains(p))
    }

    /// Deny by default: anonymous callers get `unauthorized`, others `forbidden`.
    pub fn require(&self, p: Permission, scope: &Scope) -> Result<(), Error> {
        if !self.is_authenticated() {
            return Err(Error::Unauthorized);
        }
        if self.can(p, scope) {
            Ok(())
        } else {
            Err(Error::Forbidden)
        }
    }

    /// The escalation guard (docs/architecture.md): handing out `wanted` at `scope` — giving a role,
    /// editing one, minting a token — needs every one of those permissions held there.
    pub fn require_all(&self, wanted: PermissionSet, scope: &Scope) -> Result<(), Error> {
        if !self.is_authenticated() {
            return Err(Error::Unauthorized);
        }
        match self.first_missing(wanted, scope) {
            None => Ok(()),
            Some(_) => Err(Error::Forbidden),
        }
    }

    /// The first permission of `wanted` not held at `scope`: the one a refusal of the
    /// escalation guard is about.
    pub fn first_missing(&self, wanted: PermissionSet, scope: &Scope) -> Option<Permission> {
        let held = self.grants.at(scope);
        wanted.iter().find(|p| !held.contains(*p))
    }

    /// The signed-in user's id, or `unauthorized`.
    pub fn user_id(&self) -> Result<&str, Error> {
        match &self.identity {
            Identity::User { id, .. } if self.is_authenticated() => Ok(id),
            _ => Err(Error::Unauthorized),
        }
    }

    /// The id the activity log records as actor: the user's (also when a personal token
    /// acts for them) or the token's; None when anonymous.
    pub fn actor_id(&self) -> Option<&str> {
        match &self.identity {
            Identity::User { id, .. } | Identity::Token { id, .. } => Some(id),
            Identity::Anonymous => None,
        }
    }

    /// The token the request came with (a personal token's, or the token itself), else the
    /// actor: what per-caller bookkeeping is keyed by.
    pub fn caller_id(&self) -> &str {
        self.via_token
            .as_deref()
            .or_else(|| self.actor_id())
            .unwrap_or_default()
    }

    /// The most powerful built-in role held, for display and `/auth/me`.
    pub fn role(&self) -> Option<BuiltinRole> {
        self.grants.roles().first().copied()
    }

    pub fn can_write(&self) -> bool {
        self.grants.org.allows_writes()
            || self
                .grants
                .team_sets()
                .iter()
                .any(|(_, s)| s.allows_writes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::authz::{Action, Resource};

    fn user(grants: Grants) -> Principal {
        Principal {
            identity: Identity::User {
                id: "u1".into(),
                email: "a@b.c".into(),
                display_name: "A".into(),
            },
            auth_kind: AuthKind::Session,
            org_id: Some("o1".into()),
            team_id: None,
            via_token: None,
            apps: Default::default(),
            grants,
            context: RequestContext::default(),
        }
    }

    #[test]
    fn org_grants_reach_every_team_and_team_grants_stay_in_their_team() {
        let p = user(Grants::from_builtin([
            (BuiltinRole::Viewer, None),
            (BuiltinRole::TeamAdmin, Some("t1")),
        ]));
        let update_team = Permission::new(Resource::Teams, Action::Update);
        let read_team = Permission::new(Resource::Teams, Action::Read);
        assert!(p.can(update_team, &Scope::Team("t1".into())));
        assert!(!p.can(update_team, &Scope::Team("t2".into())));
        assert!(!p.can(update_team, &Scope::Org));
        assert!(p.can(read_team, &Scope::Team("t2".into())));
        assert_eq!(p.role(), Some(BuiltinRole::TeamAdmin));
        assert!(p.can_write());
    }

    #[test]
    fn anonymous_is_unauthorized_and_the_rest_forbidden() {
        let p = Principal::anonymous(RequestContext::default());
        let perm = Permission::new(Resource::Org, Action::Read);
        assert!(matches!(
            p.require(perm, &Scope::Org),
            Err(Error::Unauthorized)
        ));
        let viewer = user(Grants::from_builtin([(BuiltinRole::Viewer, None)]));
        assert!(viewer.require(perm, &Scope::Org).is_ok());
        let del = Permission::new(Resource::Org, Action::Delete);
        assert!(matches!(
            viewer.require(del, &Scope::Org),
            Err(Error::Forbidden)
        ));
    }
}
