//! `Resource × Action` permissions and `PermissionSet`, a bitset with one bit per pair.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Resource {
    Org,
    Teams,
    Members,
    Roles,
    Tokens,
    Sso,
    Audit,
    Sessions,
    Settings,
    /// Asking Foxgate about others: introspecting tokens (and, later, decisions for
    /// applications).
    Decisions,
    /// The org's applications: their resource types and actions.
    Applications,
}

impl Resource {
    pub const ALL: [Resource; 11] = [
        Self::Org,
        Self::Teams,
        Self::Members,
        Self::Roles,
        Self::Tokens,
        Self::Sso,
        Self::Audit,
        Self::Sessions,
        Self::Settings,
        Self::Decisions,
        Self::Applications,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Org => "org",
            Self::Teams => "teams",
            Self::Members => "members",
            Self::Roles => "roles",
            Self::Tokens => "tokens",
            Self::Sso => "sso",
            Self::Audit => "audit",
            Self::Sessions => "sessions",
            Self::Settings => "settings",
            Self::Decisions => "decisions",
            Self::Applications => "applications",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Create,
    Read,
    Update,
    Delete,
}

impl Action {
    pub const ALL: [Action; 4] = [Self::Create, Self::Read, Self::Update, Self::Delete];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Create => "create",
            Self::Read => "read",
            Self::Update => "update",
            Self::Delete => "delete",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Permission {
    pub resource: Resource,
    pub action: Action,
}

/// Every permission's name, indexed like the bits: `/auth/me` lists them on every call,
/// and formatting them there was a measurable share of a token check.
const NAMES: [&str; 44] = [
    "org:create",
    "org:read",
    "org:update",
    "org:delete",
    "teams:create",
    "teams:read",
    "teams:update",
    "teams:delete",
    "members:create",
    "members:read",
    "members:update",
    "members:delete",
    "roles:create",
    "roles:read",
    "roles:update",
    "roles:delete",
    "tokens:create",
    "tokens:read",
    "tokens:update",
    "tokens:delete",
    "sso:create",
    "sso:read",
    "sso:update",
    "sso:delete",
    "audit:create",
    "audit:read",
    "audit:update",
    "audit:delete",
    "sessions:create",
    "sessions:read",
    "sessions:update",
    "sessions:delete",
    "settings:create",
    "settings:read",
    "settings:update",
    "settings:delete",
    "decisions:create",
    "decisions:read",
    "decisions:update",
    "decisions:delete",
    "applications:create",
    "applications:read",
    "applications:update",
    "applications:delete",
];

impl Permission {
    /// `resource:action`, e.g. `teams:read`.
    pub fn name(self) -> &'static str {
        NAMES[self.resource as usize * 4 + self.action as usize]
    }

    pub const fn new(resource: Resource, action: Action) -> Self {
        Self { resource, action }
    }

    fn bit(self) -> u64 {
        1 << (self.resource as u64 * 4 + self.action as u64)
    }

    /// Every permission, in a stable order (resource, then action).
    pub fn all() -> impl Iterator<Item = Permission> {
        Resource::ALL
            .into_iter()
            .flat_map(|r| Action::ALL.into_iter().map(move |a| Permission::new(r, a)))
    }
}

impl std::fmt::Display for Permission {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl From<Permission> for String {
    fn from(p: Permission) -> String {
        p.name().to_string()
    }
}

impl std::str::FromStr for Permission {
    type Err = String;

    /// Parses `resource:action`, e.g. `teams:read`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let (r, a) = text
            .split_once(':')
            .ok_or_else(|| format!("{text:?} is not resource:action"))?;
        let resource = Resource::ALL.into_iter().find(|x| x.as_str() == r);
        let action = Action::ALL.into_iter().find(|x| x.as_str() == a);
        match (resource, action) {
            (Some(resource), Some(action)) => Ok(Permission::new(resource, action)),
            _ => Err(format!("{text:?} is not a known permission")),
        }
    }
}

/// A set of permissions as a bitset: membership and subset tests are one instruction each.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct PermissionSet(u64);

impl PermissionSet {
    pub const EMPTY: PermissionSet = PermissionSet(0);

    pub fn all() -> Self {
        Permission::all().collect()
    }

    pub fn contains(self, p: Permission) -> bool {
        self.0 & p.bit() != 0
    }

    pub fn insert(&mut self, p: Permission) {
        self.0 |= p.bit();
    }

    pub fn remove(&mut self, p: Permission) {
        self.0 &= !p.bit();
    }

    pub fn union(self, other: Self) -> Self {
        Self(self.0 | other.0)
    }

    pub fn intersection(self, other: Self) -> Self {
        Self(self.0 & other.0)
    }

    pub fn is_subset_of(self, other: Self) -> bool {
        self.0 & !other.0 == 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn iter(self) -> impl Iterator<Item = Permission> {
        Permission::all().filter(move |p| self.contains(*p))
    }

    /// The stored and wire form: `resource:action` words in a stable order.
    pub fn to_words(self) -> Vec<String> {
        self.iter().map(|p| p.to_string()).collect()
    }

    /// Parses `resource:action` words; the error names the first unknown one.
    pub fn from_words<S: AsRef<str>>(words: impl IntoIterator<Item = S>) -> Result<Self, String> {
        words
            .into_iter()
            .map(|w| w.as_ref().parse::<Permission>())
            .collect()
    }

    /// True when the set holds anything beyond reading.
    pub fn allows_writes(self) -> bool {
        self.iter().any(|p| p.action != Action::Read)
    }
}

impl FromIterator<Permission> for PermissionSet {
    fn from_iter<I: IntoIterator<Item = Permission>>(iter: I) -> Self {
        let mut set = Self::EMPTY;
        for p in iter {
            set.insert(p);
        }
        set
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn names_are_resource_colon_action() {
        for p in Permission::all() {
            assert_eq!(
                p.name(),
                format!("{}:{}", p.resource.as_str(), p.action.as_str())
            );
        }
    }

    #[test]
    fn every_permission_has_its_own_bit() {
        let bits: BTreeSet<u64> = Permission::all().map(|p| p.bit()).collect();
        assert_eq!(bits.len(), Resource::ALL.len() * Action::ALL.len());
    }

    #[test]
    fn set_operations() {
        let read = Permission::new(Resource::Teams, Action::Read);
        let del = Permission::new(Resource::Teams, Action::Delete);
        let mut s = PermissionSet::EMPTY;
        s.insert(read);
        assert!(s.contains(read) && !s.contains(del));
        assert!(!s.allows_writes());
        assert!(s.is_subset_of(PermissionSet::all()));
        assert!(!PermissionSet::all().is_subset_of(s));
        s.remove(read);
        assert!(s.is_empty());
        assert_eq!(del.to_string(), "teams:delete");
    }

    #[test]
    fn words_round_trip_and_unknown_words_are_named() {
        let all = PermissionSet::all();
        assert_eq!(PermissionSet::from_words(all.to_words()).unwrap(), all);
        let err = PermissionSet::from_words(["teams:read", "teams:fly"]).unwrap_err();
        assert!(err.contains("teams:fly"), "{err}");
        assert!("teams".parse::<Permission>().is_err());
    }
}
