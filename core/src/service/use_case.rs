//! Running a use case of the table (`crate::use_cases`): every service starts here. It
//! resolves the org and team under the 404 rules, checks the table's permission at the
//! table's scope, writes a refusal to the activity log, and hands the service its
//! transaction (or connection) and an audit event builder. See `docs/architecture.md`.

use super::denials::{self, Denial};
use super::{scope, Services};
use crate::authz::{AppPermission, PermissionSet, Principal, Scope};
use crate::model::AuditAction;
use crate::store::audit::AuditEvent;
use crate::store::orgs::OrgRow;
use crate::store::teams::TeamRow;
use crate::store::WriteTx;
use crate::use_cases::{At, Target, UseCase, APPLICATIONS_UPDATE};
use crate::Error;
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyConnection};
use std::future::Future;
use std::ops::DerefMut;

/// What a use case works on: a write transaction, or a pooled connection for reads.
pub trait Conn: DerefMut<Target = AnyConnection> + Send + Sized {
    /// Gives the connection back, undoing anything written. A refusal releases before it
    /// records, since on SQLite the refusal's own write waits for this transaction's lock.
    fn release(self) -> impl Future<Output = ()> + Send;
}

impl Conn for WriteTx {
    async fn release(self) {
        if let Err(e) = self.rollback().await {
            tracing::warn!(error = %e, "a refused change did not roll back cleanly");
        }
    }
}

impl Conn for PoolConnection<Any> {
    async fn release(self) {}
}

/// A use case under way: the org (and team) it concerns, authorized by the table.
pub struct Cx<'a, C> {
    pub s: &'a Services,
    pub p: &'a Principal,
    pub org: OrgRow,
    /// The team the request named, resolved (readable by the caller, of this org).
    pub team: Option<TeamRow>,
    /// The transaction of a change, or the connection of a read.
    pub db: C,
    case: UseCase,
    /// Where the permission was checked; a team scope puts the team on audit events.
    scope: Scope,
}

/// A change under way.
pub type Change<'a> = Cx<'a, WriteTx>;
/// A read under way.
pub type Read<'a> = Cx<'a, PoolConnection<Any>>;

/// A use case whose org is resolved but whose check waits for something read first (the
/// team of a grant or a token, the owner of a personal token). Only [`Pending::authorize`]
/// and its siblings turn it into a [`Cx`], so nothing runs unchecked.
pub struct Pending<'a, C>(Cx<'a, C>);

impl UseCase {
    /// Opens a change: a write transaction, the org (and `team_ref`) resolved, and the
    /// permission checked where the table says.
    pub async fn begin<'a>(
        &self,
        s: &'a Services,
        p: &'a Principal,
        org_ref: &str,
        team_ref: Option<&str>,
    ) -> Result<Change<'a>, Error> {
        self.open(s, p, org_ref, team_ref)
            .await?
            .authorize_here()
            .await
    }

    /// Opens a read, checked like [`UseCase::begin`], on a pooled connection.
    pub async fn read<'a>(
        &self,
        s: &'a Services,
        p: &'a Principal,
        org_ref: &str,
        team_ref: Option<&str>,
    ) -> Result<Read<'a>, Error> {
        self.open_read(s, p, org_ref, team_ref)
            .await?
            .authorize_here()
            .await
    }

    /// Opens a change whose check needs a row read first.
    pub async fn open<'a>(
        &self,
        s: &'a Services,
        p: &'a Principal,
        org_ref: &str,
        team_ref: Option<&str>,
    ) -> Result<Pending<'a, WriteTx>, Error> {
        let db = s.db.begin().await?;
        self.resolve(s, p, org_ref, team_ref, db).await
    }

    /// Opens a read whose check needs a row read first.
    pub async fn open_read<'a>(
        &self,
        s: &'a Services,
        p: &'a Principal,
        org_ref: &str,
        team_ref: Option<&str>,
    ) -> Result<Pending<'a, PoolConnection<Any>>, Error> {
        let db = s.db.pool().acquire().await?;
        self.resolve(s, p, org_ref, team_ref, db).await
    }

    async fn resolve<'a, C: Conn>(
        &self,
        s: &'a Services,
        p: &'a Principal,
        org_ref: &str,
        team_ref: Option<&str>,
        mut db: C,
    ) -> Result<Pending<'a, C>, Error> {
        let (org, team) = match team_ref {
            Some(team_ref) => {
                let (org, team) = scope::team(&mut db, p, org_ref, team_ref).await?;
                (org, Some(team))
            }
            None => (scope::org(&mut db, p, org_ref).await?, None),
        };
        Ok(Pending(Cx {
            s,
            p,
            org,
            team,
            db,
            case: *self,
            scope: Scope::Org,
        }))
    }
}

impl<'a, C: Conn> Pending<'a, C> {
    /// The connection, for reading what the check depends on.
    pub fn db(&mut self) -> &mut AnyConnection {
        &mut self.0.db
    }

    pub fn org(&self) -> &OrgRow {
        &self.0.org
    }

    pub fn principal(&self) -> &'a Principal {
        self.0.p
    }

    /// Checks the table's permission for the team the request named.
    async fn authorize_here(self) -> Result<Cx<'a, C>, Error> {
        let team = self.0.team.as_ref().map(|t| t.id.clone());
        self.authorize(team.as_deref()).await
    }

    /// Checks the table's permission where the table says, for `team_id` (a team id of this
    /// org, e.g. a grant's), or refuses — recorded as `authz.denied`.
    pub async fn authorize(self, team_id: Option<&str>) -> Result<Cx<'a, C>, Error> {
        let mut cx = self.0;
        let permission = cx.case.permission;
        let Some(target) = cx.case.target(team_id) else {
            cx.db.release().await;
            return Err(Error::internal(format!(
                "use case {} is checked at {:?}, and the service named team {team_id:?}",
                cx.case.name, cx.case.at
            )));
        };
        match target {
            Target::At(scope) => match cx.p.require(permission, &scope) {
                Ok(()) => {
                    cx.scope = scope;
                    Ok(cx)
                }
                Err(Error::Forbidden) => Err(cx.refuse(permission, scope).await),
                Err(other) => {
                    cx.db.release().await;
                    Err(other)
                }
            },
            Target::Anywhere if cx.p.can_anywhere(permission) => Ok(cx),
            Target::Anywhere => Err(cx.refuse(permission, Scope::Org).await),
        }
    }

    /// Lets the owner through on ownership alone; anyone else needs the table's permission
    /// for `team_id` (incident response: revoking someone else's token).
    pub async fn authorize_owner_or(
        self,
        owner: Option<&str>,
        team_id: Option<&str>,
    ) -> Result<Cx<'a, C>, Error> {
        if owner.is_some() && self.0.p.user_id().ok() == owner {
            return Ok(self.0);
        }
        self.authorize(team_id).await
    }

    /// For a list that shows each item only where the table's permission holds (the teams
    /// a member may read): no check up front, [`Cx::allows`] filters item by item.
    pub fn item_by_item(self) -> Cx<'a, C> {
        self.0
    }

    /// Only the owner: something nobody else may do whatever they hold (regenerating a
    /// personal token). No permission is involved, so nothing is recorded.
    pub async fn owner_only(self, owner: &str) -> Result<Cx<'a, C>, Error> {
        if self.0.p.user_id().ok() == Some(owner) {
            Ok(self.0)
        } else {
            self.0.db.release().await;
            Err(Error::Forbidden)
        }
    }
}

impl<'a, C: Conn> Cx<'a, C> {
    /// Where the permission was checked.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    /// Checks another row of the table as well, at that row's scope in this use case's team
    /// (changing `require_sso` through the org settings needs `sso:update` too).
    pub async fn also(self, other: &UseCase) -> Result<Self, Error> {
        let team = match &self.scope {
            Scope::Team(team) => Some(team.as_str()),
            Scope::Org => None,
        };
        match other.target(team) {
            Some(Target::At(scope)) if self.p.can(other.permission, &scope) => Ok(self),
            Some(Target::At(scope)) => Err(self.refuse(other.permission, scope).await),
            Some(Target::Anywhere) if self.p.can_anywhere(other.permission) => Ok(self),
            Some(Target::Anywhere) => Err(self.refuse(other.permission, Scope::Org).await),
            None => {
                self.db.release().await;
                Err(Error::internal(format!(
                    "use case {} cannot be checked inside {}",
                    other.name, self.case.name
                )))
            }
        }
    }

    /// Whether the table's permission holds for an item in `team_id` (None: org-wide).
    pub fn allows(&self, team_id: Option<&str>) -> bool {
        match self.case.target(team_id) {
            Some(Target::At(scope)) => self.p.can(self.case.permission, &scope),
            Some(Target::Anywhere) => self.p.can_anywhere(self.case.permission),
            None => false,
        }
    }

    /// The escalation guard: handing out `wanted` (giving a role, editing one, minting a
    /// token) needs every one of those permissions held where this use case was checked.
    pub async fn escalation(self, wanted: PermissionSet) -> Result<Self, Error> {
        let scope = self.scope.clone();
        self.escalation_at(wanted, scope).await
    }

    /// The escalation guard at another scope of this org (a token's own team).
    pub async fn escalation_at(self, wanted: PermissionSet, scope: Scope) -> Result<Self, Error> {
        match self.p.first_missing(wanted, &scope) {
            None => Ok(self),
            Some(missing) => Err(self.refuse(missing, scope).await),
        }
    }

    /// The escalation guard for applications' permissions, where this use case was
    /// checked: each must be held there, at least as widely (objects, ownership). Whoever
    /// may redeclare the org's applications (`applications:update` org-wide) administers
    /// their permissions, and counts as holding them here; decisions still count only grants.
    pub async fn escalation_apps(self, wanted: &[AppPermission]) -> Result<Self, Error> {
        let scope = self.scope.clone();
        self.escalation_apps_at(wanted, scope).await
    }

    /// The applications' escalation guard at another scope of this org.
    pub async fn escalation_apps_at(
        self,
        wanted: &[AppPermission],
        scope: Scope,
    ) -> Result<Self, Error> {
        if self.p.can(APPLICATIONS_UPDATE.permission, &Scope::Org) {
            return Ok(self);
        }
        let team = match &scope {
            Scope::Org => None,
            Scope::Team(id) => Some(id.as_str()),
        };
        match wanted.iter().find(|w| !self.p.apps.covers(w, team)) {
            None => Ok(self),
            Some(missing) => {
                let name = missing.to_string();
                Err(self.refuse(name, scope).await)
            }
        }
    }

    /// Refuses: the work is undone first, then the refusal is written in its own
    /// transaction (at most once a minute per actor, permission and team).
    async fn refuse(self, permission: impl Into<String>, scope: Scope) -> Error {
        let permission = permission.into();
        let Cx { s, p, db, .. } = self;
        db.release().await;
        let team_id = match scope {
            Scope::Org => None,
            Scope::Team(id) => Some(id),
        };
        denials::record(
            s,
            Denial {
                principal: p.clone(),
                permission,
                team_id,
            },
        )
        .await;
        Error::Forbidden
    }
}

impl Change<'_> {
    /// An audit event of this change by the caller, in the checked team if there was one.
    pub fn event(&self, action: AuditAction) -> AuditEvent {
        let event = AuditEvent::by(self.p, action);
        match &self.scope {
            Scope::Team(team) => event.team(team),
            Scope::Org => event,
        }
    }

    /// Commits the change and its audit events together.
    pub async fn commit(self) -> Result<(), Error> {
        Ok(self.db.commit().await?)
    }
}

/// A use case on what the caller owns ([`crate::use_cases::At::Own`]): only a signed-in
/// user, no org to resolve and no permission to check.
pub struct Mine<'a, C> {
    pub s: &'a Services,
    pub p: &'a Principal,
    pub user_id: &'a str,
    pub db: C,
}

impl UseCase {
    /// Opens a change on the caller's own things.
    pub async fn begin_mine<'a>(
        &self,
        s: &'a Services,
        p: &'a Principal,
    ) -> Result<Mine<'a, WriteTx>, Error> {
        let user_id = self.own_user(p)?;
        Ok(Mine {
            s,
            p,
            user_id,
            db: s.db.begin().await?,
        })
    }

    /// Opens a read of the caller's own things.
    pub async fn read_mine<'a>(
        &self,
        s: &'a Services,
        p: &'a Principal,
    ) -> Result<Mine<'a, PoolConnection<Any>>, Error> {
        let user_id = self.own_user(p)?;
        Ok(Mine {
            s,
            p,
            user_id,
            db: s.db.pool().acquire().await?,
        })
    }
}

impl UseCase {
    /// The signed-in caller of an ownership case; any other row of the table is a service
    /// bug, refused.
    fn own_user<'a>(&self, p: &'a Principal) -> Result<&'a str, Error> {
        if self.at != At::Own {
            return Err(Error::internal(format!(
                "use case {} needs a permission, not ownership",
                self.name
            )));
        }
        p.user_id()
    }
}

impl Mine<'_, WriteTx> {
    /// An audit event by the caller.
    pub fn event(&self, action: AuditAction) -> AuditEvent {
        AuditEvent::by(self.p, action)
    }

    /// Commits the change and its audit events together.
    pub async fn commit(self) -> Result<(), Error> {
        Ok(self.db.commit().await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::authz::{AuthKind, BuiltinRole, Grants, Identity, RequestContext};
    use crate::model::SetupInput;
    use crate::secret::Secret;
    use crate::store::{teams, Db};
    use crate::use_cases::{ROLES_READ, TEAMS_CREATE, TEAMS_UPDATE};

    /// A set-up instance on a fresh SQLite file, with teams `a` and `b`; the org's id.
    async fn instance(dir: &tempfile::TempDir) -> (Services, String) {
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("f.db").display());
        let db = Db::connect_lazy(&url).unwrap();
        db.migrate().await.unwrap();
        let s = Services::new(db, Secret::new([7u8; 32]));
        let input = SetupInput {
            setup_code: None,
            org_name: "Acme".into(),
            org_slug: "acme".into(),
            email: "owner@acme.test".into(),
            display_name: None,
            password: Secret::new("correct-horse-battery".into()),
        };
        let ctx = RequestContext::default();
        let done = super::super::setup::complete(
            &s,
            &ctx,
            super::super::setup::SetupProof::LocalOperator,
            input,
        )
        .await
        .unwrap();
        let mut tx = s.db.begin().await.unwrap();
        for slug in ["a", "b"] {
            let team = TeamRow {
                id: format!("team-{slug}"),
                org_id: done.org_id.clone(),
                slug: slug.into(),
                name: slug.into(),
                created_at: 0,
            };
            teams::insert(&mut tx, &team).await.unwrap();
        }
        tx.commit().await.unwrap();
        (s, done.org_id)
    }

    fn member(org_id: &str, grants: Grants) -> Principal {
        Principal {
            identity: Identity::User {
                id: "u-1".into(),
                email: "someone@acme.test".into(),
                display_name: "Someone".into(),
            },
            auth_kind: AuthKind::Session,
            org_id: Some(org_id.into()),
            team_id: None,
            via_token: None,
            apps: Default::default(),
            grants,
            context: RequestContext::default(),
        }
    }

    async fn denied_reasons(s: &Services) -> Vec<(String, Option<String>)> {
        sqlx::query_as("SELECT reason, team_id FROM audit_events WHERE action = 'authz.denied'")
            .fetch_all(s.db.pool())
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn a_refusal_is_recorded_by_begin_and_the_change_is_undone() {
        let dir = tempfile::tempdir().unwrap();
        let (s, org) = instance(&dir).await;
        let viewer = member(&org, Grants::from_builtin([(BuiltinRole::Viewer, None)]));
        let refused = TEAMS_CREATE.begin(&s, &viewer, "acme", None).await;
        assert!(matches!(refused, Err(Error::Forbidden)));
        assert_eq!(
            denied_reasons(&s).await,
            vec![("teams:create".to_string(), None)]
        );
        // The write gate was released: another change can begin at once.
        let owner = member(&org, Grants::from_builtin([(BuiltinRole::Owner, None)]));
        assert!(TEAMS_CREATE.begin(&s, &owner, "acme", None).await.is_ok());
    }

    #[tokio::test]
    async fn the_scope_comes_from_the_table() {
        let dir = tempfile::tempdir().unwrap();
        let (s, org) = instance(&dir).await;
        let admin_of_a = member(
            &org,
            Grants::from_builtin([(BuiltinRole::TeamAdmin, Some("team-a"))]),
        );
        let cx = TEAMS_UPDATE
            .begin(&s, &admin_of_a, "acme", Some("a"))
            .await
            .unwrap();
        assert_eq!(cx.scope(), &Scope::Team("team-a".into()));
        assert_eq!(
            cx.event(AuditAction::TeamUpdated).team_id.as_deref(),
            Some("team-a")
        );
        drop(cx);
        // Held in a team, an org-level case is refused, and recorded at org scope.
        let refused = TEAMS_CREATE.begin(&s, &admin_of_a, "acme", None).await;
        assert!(matches!(refused, Err(Error::Forbidden)));
        assert_eq!(
            denied_reasons(&s).await,
            vec![("teams:create".to_string(), None)]
        );
        // Read anywhere: a team grant is enough for the role definitions.
        assert!(ROLES_READ.read(&s, &admin_of_a, "acme", None).await.is_ok());
        // A service naming a team for an org-level case is a bug, refused loudly.
        let owner = member(&org, Grants::from_builtin([(BuiltinRole::Owner, None)]));
        let mismatch = TEAMS_CREATE.begin(&s, &owner, "acme", Some("a")).await;
        assert!(matches!(mismatch, Err(Error::Internal(_))));
    }

    #[tokio::test]
    async fn other_orgs_and_unreadable_teams_are_not_found() {
        let dir = tempfile::tempdir().unwrap();
        let (s, org) = instance(&dir).await;
        let admin_of_a = member(
            &org,
            Grants::from_builtin([(BuiltinRole::TeamAdmin, Some("team-a"))]),
        );
        for (org_ref, team) in [
            ("globex", None),
            ("acme", Some("b")),
            ("acme", Some("nope")),
        ] {
            let answer = TEAMS_UPDATE.begin(&s, &admin_of_a, org_ref, team).await;
            assert!(matches!(answer, Err(Error::NotFound)), "{org_ref} {team:?}");
        }
        let outsider = member(
            "another-org",
            Grants::from_builtin([(BuiltinRole::Owner, None)]),
        );
        let answer = TEAMS_UPDATE.begin(&s, &outsider, "acme", Some("a")).await;
        assert!(matches!(answer, Err(Error::NotFound)));
        let anonymous = Principal::anonymous(RequestContext::default());
        let answer = TEAMS_UPDATE.read(&s, &anonymous, "acme", Some("a")).await;
        assert!(matches!(answer, Err(Error::Unauthorized)));
        assert!(
            denied_reasons(&s).await.is_empty(),
            "a 404 is not a refusal"
        );
    }

    #[tokio::test]
    async fn ownership_cases_need_a_signed_in_user_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let (s, org) = instance(&dir).await;
        let nobody_special = member(&org, Grants::default());
        let mine = crate::use_cases::OWN_SESSIONS
            .begin_mine(&s, &nobody_special)
            .await;
        assert_eq!(
            mine.map(|m| m.user_id.to_string()).ok().as_deref(),
            Some("u-1")
        );
        let anonymous = Principal::anonymous(RequestContext::default());
        let refused = crate::use_cases::OWN_SESSIONS
            .read_mine(&s, &anonymous)
            .await;
        assert!(matches!(refused, Err(Error::Unauthorized)));
        let misuse = TEAMS_CREATE.read_mine(&s, &nobody_special).await;
        assert!(matches!(misuse, Err(Error::Internal(_))));
    }
}
