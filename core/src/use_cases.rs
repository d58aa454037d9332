//! The one table of use cases: the permission each needs and the scope it is checked at
//! (see `docs/architecture.md`). Pure, so the console and the docs use it without the
//! server. Services run through it (`service::use_case`), the console decides what to show
//! with [`UseCase::allowed_by`], the permission-matrix test walks it through both doors,
//! and `docs/permissions.md` is generated from it.

use crate::authz::{Action, Grants, Permission, Resource, Scope};

/// Where a use case checks its permission.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum At {
    /// Org-wide grants only.
    Org,
    /// The team concerned: org-wide grants or grants for that team.
    Team,
    /// Org-wide, or for the team concerned when one is named.
    OrgOrTeam,
    /// Held anywhere in the org (reading role definitions).
    Anywhere,
    /// What the caller owns (their personal tokens, their sessions): no permission, only
    /// ownership. These cases are listed in [`OWN`], outside the permission table.
    Own,
}

/// Where one check lands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Org-wide grants, or the grants of one team.
    At(Scope),
    /// Org-wide grants or those of any team.
    Anywhere,
}

impl At {
    /// Where the check lands, in words (the permissions doc and the OpenAPI description).
    pub fn describe(self) -> &'static str {
        match self {
            At::Org => "org",
            At::Team => "the team",
            At::OrgOrTeam => "org, or the team named",
            At::Anywhere => "org or any team",
            At::Own => "the caller's own",
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct UseCase {
    pub name: &'static str,
    pub permission: Permission,
    pub at: At,
    /// Changes something (and writes an audit event).
    pub mutates: bool,
    pub summary: &'static str,
}

impl UseCase {
    /// Where this use case checks its permission for a request naming `team` (a team id).
    /// None when the table and the request disagree — a team-level case without a team, or
    /// an org-level one given a team — which a service must never do (it is refused).
    pub fn target(&self, team: Option<&str>) -> Option<Target> {
        match (self.at, team) {
            (At::Org | At::Own, None) | (At::OrgOrTeam, None) => Some(Target::At(Scope::Org)),
            (At::Team | At::OrgOrTeam, Some(team)) => Some(Target::At(Scope::Team(team.into()))),
            (At::Anywhere, _) => Some(Target::Anywhere),
            (At::Team, None) | (At::Org | At::Own, Some(_)) => None,
        }
    }

    /// Whether `grants` allow this use case for a request naming `team`: the console hides
    /// what the viewer cannot do with the rule the service enforces.
    pub fn allowed_by(&self, grants: &Grants, team: Option<&str>) -> bool {
        match self.target(team) {
            Some(Target::At(scope)) => grants.at(&scope).contains(self.permission),
            Some(Target::Anywhere) => {
                grants.org.contains(self.permission)
                    || grants
                        .team_sets()
                        .iter()
                        .any(|(_, set)| set.contains(self.permission))
            }
            None => false,
        }
    }
}

const fn case(
    name: &'static str,
    r: Resource,
    a: Action,
    at: At,
    summary: &'static str,
) -> UseCase {
    UseCase {
        name,
        permission: Permission::new(r, a),
        at,
        mutates: !matches!(a, Action::Read),
        summary,
    }
}

pub const ORG_READ: UseCase = case(
    "org.read",
    Resource::Org,
    Action::Read,
    At::Org,
    "see the org's settings",
);
pub const ORG_UPDATE: UseCase = case(
    "org.update",
    Resource::Org,
    Action::Update,
    At::Org,
    "rename the org or change its slug",
);
pub const ORG_CREATE: UseCase = case(
    "org.create",
    Resource::Org,
    Action::Create,
    At::Org,
    "create another org (its creator owns it)",
);
pub const TEAMS_READ: UseCase = case(
    "teams.read",
    Resource::Teams,
    Action::Read,
    At::Team,
    "list and see teams (only those readable)",
);
pub const TEAMS_CREATE: UseCase = case(
    "teams.create",
    Resource::Teams,
    Action::Create,
    At::Org,
    "create a team",
);
pub const TEAMS_UPDATE: UseCase = case(
    "teams.update",
    Resource::Teams,
    Action::Update,
    At::Team,
    "rename a team",
);
pub const TEAMS_DELETE: UseCase = case(
    "teams.delete",
    Resource::Teams,
    Action::Delete,
    At::Team,
    "delete a team and its grants",
);
pub const MEMBERS_READ: UseCase = case(
    "members.read",
    Resource::Members,
    Action::Read,
    At::Org,
    "list members and their grants",
);
pub const TEAM_MEMBERS_READ: UseCase = case(
    "teams.members",
    Resource::Members,
    Action::Read,
    At::Team,
    "see a team's members and the roles they hold there",
);
pub const MEMBERS_CREATE: UseCase = case(
    "members.create",
    Resource::Members,
    Action::Create,
    At::Org,
    "create a local account in the org",
);
pub const MEMBERS_REMOVE: UseCase = case(
    "members.remove",
    Resource::Members,
    Action::Delete,
    At::Org,
    "remove a member (plus every permission they hold; last-owner guard)",
);
pub const GRANTS_CREATE: UseCase = case(
    "grants.create",
    Resource::Members,
    Action::Update,
    At::OrgOrTeam,
    "give a role (plus every permission of the role there)",
);
pub const GRANTS_REVOKE: UseCase = case(
    "grants.revoke",
    Resource::Members,
    Action::Update,
    At::OrgOrTeam,
    "take a role back (plus its permissions there; last-owner guard)",
);
pub const ROLES_READ: UseCase = case(
    "roles.read",
    Resource::Roles,
    Action::Read,
    At::Anywhere,
    "list built-in and custom roles",
);
pub const ROLES_CREATE: UseCase = case(
    "roles.create",
    Resource::Roles,
    Action::Create,
    At::Org,
    "define a custom role (plus its permissions)",
);
pub const ROLES_UPDATE: UseCase = case(
    "roles.update",
    Resource::Roles,
    Action::Update,
    At::Org,
    "edit a custom role (plus every permission it had or gets)",
);
pub const ROLES_DELETE: UseCase = case(
    "roles.delete",
    Resource::Roles,
    Action::Delete,
    At::Org,
    "delete a custom role and its grants",
);

pub const TOKENS_READ: UseCase = case(
    "tokens.read",
    Resource::Tokens,
    Action::Read,
    At::OrgOrTeam,
    "list tokens (never their secrets)",
);
pub const TOKENS_CREATE: UseCase = case(
    "tokens.create",
    Resource::Tokens,
    Action::Create,
    At::OrgOrTeam,
    "mint a team or org admin token (plus every permission of its roles there)",
);
pub const TOKENS_ROTATE: UseCase = case(
    "tokens.rotate",
    Resource::Tokens,
    Action::Update,
    At::OrgOrTeam,
    "regenerate a team or org admin token's secret (plus every permission of its roles there)",
);
pub const TOKENS_REVOKE: UseCase = case(
    "tokens.revoke",
    Resource::Tokens,
    Action::Delete,
    At::OrgOrTeam,
    "revoke a token at once",
);

pub const SSO_READ: UseCase = case(
    "sso.read",
    Resource::Sso,
    Action::Read,
    At::Org,
    "see the org's identity providers (never their client secrets) and test their connection",
);
pub const SSO_CREATE: UseCase = case(
    "sso.create",
    Resource::Sso,
    Action::Create,
    At::Org,
    "add an identity provider (plus every permission of the roles its mapping gives)",
);
pub const SSO_UPDATE: UseCase = case(
    "sso.update",
    Resource::Sso,
    Action::Update,
    At::Org,
    "change an identity provider (plus every permission of the roles its mapping gives)",
);
pub const SSO_DELETE: UseCase = case(
    "sso.delete",
    Resource::Sso,
    Action::Delete,
    At::Org,
    "remove an identity provider",
);

pub const AUDIT_READ: UseCase = case(
    "audit.read",
    Resource::Audit,
    Action::Read,
    At::Anywhere,
    "read the activity log (held for a team only: that team's events)",
);
pub const DECISIONS_READ: UseCase = case(
    "decisions.read",
    Resource::Decisions,
    Action::Read,
    At::Org,
    "ask about the org's tokens presented to a service (RFC 7662 introspection)",
);
pub const SESSIONS_END: UseCase = case(
    "sessions.end",
    Resource::Sessions,
    Action::Delete,
    At::Org,
    "end every browser session of a member",
);

pub const APPLICATIONS_READ: UseCase = case(
    "applications.read",
    Resource::Applications,
    Action::Read,
    At::Org,
    "see the org's applications and what they declare",
);
pub const APPLICATIONS_CREATE: UseCase = case(
    "applications.create",
    Resource::Applications,
    Action::Create,
    At::Org,
    "declare an application",
);
pub const APPLICATIONS_UPDATE: UseCase = case(
    "applications.update",
    Resource::Applications,
    Action::Update,
    At::Org,
    "change an application's resource types and actions (what it stops declaring leaves every role)",
);
pub const APPLICATIONS_DELETE: UseCase = case(
    "applications.delete",
    Resource::Applications,
    Action::Delete,
    At::Org,
    "delete an application (confirmed when roles hold its permissions)",
);

/// Minting, regenerating and revoking one's own personal token; `tokens:delete` org-wide
/// also revokes anyone's.
pub const PERSONAL_TOKENS: UseCase = UseCase {
    name: "tokens.personal",
    permission: Permission::new(Resource::Tokens, Action::Delete),
    at: At::Own,
    mutates: true,
    summary: "mint, regenerate and revoke your own personal tokens",
};
/// Listing and ending one's own browser sessions.
pub const OWN_SESSIONS: UseCase = UseCase {
    name: "sessions.own",
    permission: Permission::new(Resource::Sessions, Action::Delete),
    at: At::Own,
    mutates: true,
    summary: "see and end your own browser sessions",
};

/// The use cases decided by ownership, not by a permission.
pub const OWN: &[UseCase] = &[PERSONAL_TOKENS, OWN_SESSIONS];

pub const ALL: &[UseCase] = &[
    ORG_READ,
    ORG_UPDATE,
    ORG_CREATE,
    TEAMS_READ,
    TEAMS_CREATE,
    TEAMS_UPDATE,
    TEAMS_DELETE,
    MEMBERS_READ,
    TEAM_MEMBERS_READ,
    MEMBERS_CREATE,
    MEMBERS_REMOVE,
    GRANTS_CREATE,
    GRANTS_REVOKE,
    ROLES_READ,
    ROLES_CREATE,
    ROLES_UPDATE,
    ROLES_DELETE,
    TOKENS_READ,
    TOKENS_CREATE,
    TOKENS_ROTATE,
    TOKENS_REVOKE,
    SSO_READ,
    SSO_CREATE,
    SSO_UPDATE,
    SSO_DELETE,
    SESSIONS_END,
    AUDIT_READ,
    DECISIONS_READ,
    APPLICATIONS_READ,
    APPLICATIONS_CREATE,
    APPLICATIONS_UPDATE,
    APPLICATIONS_DELETE,
];

/// The table as Markdown, the source of `docs/permissions.md`.
pub fn markdown_table() -> String {
    let mut out =
        String::from("| use case | permission | checked at | what |\n|---|---|---|---|\n");
    for uc in ALL {
        out.push_str(&format!(
            "| `{}` | `{}` | {} | {} |\n",
            uc.name,
            uc.permission,
            uc.at.describe(),
            uc.summary
        ));
    }
    out.push_str(
        "\nPersonal tokens need no permission: any member mints, rotates and revokes their own. \
         They name permissions the member holds, and on every request they can do only what \
         the member can still do, within those. Org-wide `tokens:delete` revokes anyone's.\n\
         \nEveryone sees and ends their own browser sessions without a permission.\n",
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_case_is_checked_where_the_table_says() {
        let team = Some("t1");
        let in_team = Some(Target::At(Scope::Team("t1".into())));
        let org_wide = Some(Target::At(Scope::Org));
        for uc in ALL.iter().chain(OWN) {
            let (with_team, without) = (uc.target(team), uc.target(None));
            match uc.at {
                At::Org | At::Own => assert_eq!((with_team, without), (None, org_wide.clone())),
                At::Team => assert_eq!((with_team, without), (in_team.clone(), None)),
                At::OrgOrTeam => {
                    assert_eq!((with_team, without), (in_team.clone(), org_wide.clone()))
                }
                At::Anywhere => assert_eq!(
                    (with_team, without),
                    (Some(Target::Anywhere), Some(Target::Anywhere))
                ),
            }
        }
    }

    #[test]
    fn the_console_reads_grants_with_the_table() {
        use crate::authz::BuiltinRole;
        let team_admin = Grants::from_builtin([(BuiltinRole::TeamAdmin, Some("t1"))]);
        assert!(TEAMS_UPDATE.allowed_by(&team_admin, Some("t1")));
        assert!(!TEAMS_UPDATE.allowed_by(&team_admin, Some("t2")));
        assert!(!TEAMS_CREATE.allowed_by(&team_admin, None));
        assert!(
            ROLES_READ.allowed_by(&team_admin, None),
            "held in a team counts"
        );
        assert!(
            !TEAMS_UPDATE.allowed_by(&team_admin, None),
            "a team case needs its team"
        );
    }

    #[test]
    fn names_are_unique() {
        let mut names: Vec<_> = ALL.iter().chain(OWN).map(|u| u.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), ALL.len() + OWN.len());
    }

    #[test]
    fn the_permissions_document_matches_the_table() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/permissions.md");
        let doc = std::fs::read_to_string(path).expect("docs/permissions.md exists");
        assert!(
            doc.contains(&markdown_table()),
            "docs/permissions.md is stale: run `cargo xtask docs`"
        );
    }
}
