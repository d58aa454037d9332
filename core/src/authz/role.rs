//! The built-in roles, as data: one table of (role, permissions), never scattered `if`s.

use super::{Action, Permission, PermissionSet, Resource};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum BuiltinRole {
    Owner,
    Admin,
    TeamAdmin,
    Member,
    Viewer,
}

impl BuiltinRole {
    /// Ordered from most to least powerful; `Principal::role` picks the first one held.
    pub const ALL: [BuiltinRole; 5] = [
        Self::Owner,
        Self::Admin,
        Self::TeamAdmin,
        Self::Member,
        Self::Viewer,
    ];

    /// The id stored in `grants.role_id`; custom roles use generated ids that never clash.
    pub fn id(self) -> &'static str {
        match self {
            Self::Owner => "owner",
            Self::Admin => "admin",
            Self::TeamAdmin => "team_admin",
            Self::Member => "member",
            Self::Viewer => "viewer",
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.id() == id)
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Owner => "Org Owner",
            Self::Admin => "Org Admin",
            Self::TeamAdmin => "Team Admin",
            Self::Member => "Member",
            Self::Viewer => "Viewer",
        }
    }

    /// What the role is for, in one sentence for the console and the API.
    pub fn description(self) -> &'static str {
        match self {
            Self::Owner => "Everything, including deleting the organization. Keep to a few people.",
            Self::Admin => "Runs the organization: teams, members, roles, tokens, sign-in, the log.",
            Self::TeamAdmin => "Manages the members and tokens of its team (of every team when given org-wide); reads the rest.",
            Self::Member => "Reads the organization and mints personal tokens.",
            Self::Viewer => "Reads everything, changes nothing. For auditors.",
        }
    }

    pub fn permissions(self) -> PermissionSet {
        use Action::*;
        use Resource::*;
        let all_of = |resources: &[Resource], actions: &[Action]| -> PermissionSet {
            resources
                .iter()
                .flat_map(|r| actions.iter().map(move |a| Permission::new(*r, *a)))
                .collect()
        };
        match self {
            Self::Owner => PermissionSet::all(),
            Self::Admin => {
                let mut set = PermissionSet::all();
                set.remove(Permission::new(Org, Create));
                set.remove(Permission::new(Org, Delete));
                set
            }
            Self::TeamAdmin => all_of(&[Members, Tokens], &[Create, Read, Update, Delete])
                .union(all_of(&[Teams], &[Read, Update]))
                .union(all_of(&[Org, Roles, Audit, Applications], &[Read])),
            Self::Member => all_of(&[Org, Teams, Members, Roles, Applications], &[Read])
                .union(all_of(&[Tokens], &[Create, Read])),
            Self::Viewer => all_of(
                &[Org, Teams, Members, Roles, Tokens, Audit, Applications],
                &[Read],
            ),
        }
    }
}

/// The built-in roles as a Markdown table (one row per resource, one column per role),
/// the source of `docs/roles.md`.
pub fn builtin_roles_table() -> String {
    let mut out = String::from("| resource |");
    for role in BuiltinRole::ALL {
        out.push_str(&format!(" {} |", role.name()));
    }
    out.push_str("\n|---|");
    out.push_str(&"---|".repeat(BuiltinRole::ALL.len()));
    out.push('\n');
    for resource in Resource::ALL {
        out.push_str(&format!("| {} |", resource.as_str()));
        for role in BuiltinRole::ALL {
            let letters: String = Action::ALL
                .into_iter()
                .filter(|a| role.permissions().contains(Permission::new(resource, *a)))
                .map(|a| a.as_str()[..1].to_ascii_uppercase())
                .collect();
            out.push_str(&format!(
                " {} |",
                if letters.is_empty() {
                    "–".to_string()
                } else {
                    letters
                }
            ));
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_nest_from_owner_down() {
        for pair in BuiltinRole::ALL.windows(2) {
            let (more, less) = (pair[0].permissions(), pair[1].permissions());
            if pair[1] != BuiltinRole::Viewer {
                assert!(less.is_subset_of(more), "{:?} ⊄ {:?}", pair[1], pair[0]);
            }
        }
        assert!(!BuiltinRole::Viewer.permissions().allows_writes());
        assert!(!BuiltinRole::Admin
            .permissions()
            .contains(Permission::new(Resource::Org, Action::Delete)));
    }

    #[test]
    fn the_roles_document_matches_the_code() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/roles.md");
        let doc = std::fs::read_to_string(path).expect("docs/roles.md exists");
        assert!(
            doc.contains(&builtin_roles_table()),
            "docs/roles.md is stale: run `cargo xtask docs` to regenerate it"
        );
    }

    #[test]
    fn ids_round_trip() {
        for r in BuiltinRole::ALL {
            assert_eq!(BuiltinRole::from_id(r.id()), Some(r));
        }
        assert_eq!(BuiltinRole::from_id("root"), None);
    }
}
