//! Applications' permissions: the words `<app>:<resource>:<action>` (optionally limited to
//! listed objects or to the holder's own), an org's declarations compiled to bit positions,
//! and the application grants a principal holds, decided with bit tests.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Arc;

/// At most this many object ids in one restricted permission.
pub const MAX_OBJECT_IDS: usize = 100;

/// One resource type an application declares, with its verbs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ResourceType {
    pub name: String,
    pub actions: Vec<String>,
}

/// What an application declares: its slug and resource types.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declaration {
    pub app: String,
    pub resource_types: Vec<ResourceType>,
}

/// Which objects an application permission reaches.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub enum Restriction {
    /// Every object of the type.
    Any,
    /// Objects the subject owns (the request names the owner).
    Own,
    /// Only the listed object ids (sorted, without repeats).
    Ids(Vec<String>),
}

impl Restriction {
    /// Whether holding `self` covers everything `wanted` reaches: the escalation guard and
    /// a personal token's subset use it.
    pub fn covers(&self, wanted: &Restriction) -> bool {
        match (self, wanted) {
            (Restriction::Any, _) => true,
            (Restriction::Own, Restriction::Own) => true,
            (Restriction::Ids(held), Restriction::Ids(want)) => {
                want.iter().all(|id| held.binary_search(id).is_ok())
            }
            _ => false,
        }
    }

    /// What both reach, or None when nothing is known to be in both (own vs listed ids).
    fn meet(&self, other: &Restriction) -> Option<Restriction> {
        match (self, other) {
            (Restriction::Any, x) | (x, Restriction::Any) => Some(x.clone()),
            (Restriction::Own, Restriction::Own) => Some(Restriction::Own),
            (Restriction::Ids(a), Restriction::Ids(b)) => {
                let both: Vec<String> = a
                    .iter()
                    .filter(|id| b.binary_search(id).is_ok())
                    .cloned()
                    .collect();
                (!both.is_empty()).then_some(Restriction::Ids(both))
            }
            _ => None,
        }
    }

    fn allows(&self, object: &Object) -> bool {
        match self {
            Restriction::Any => true,
            Restriction::Own => object.owned,
            Restriction::Ids(ids) => object
                .id
                .is_some_and(|id| ids.binary_search_by(|x| x.as_str().cmp(id)).is_ok()),
        }
    }
}

/// An application permission as written: `deploy:deployments:approve`,
/// `todo:todos:delete[own]`, `docs:folders:read[12,40]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AppPermission {
    pub app: String,
    pub resource: String,
    pub action: String,
    pub restriction: Restriction,
}

/// A resource type's name: 1–100 characters of letters, digits and `_ - . /`, so path-style
/// types such as `/v1/config` fit; never `:`, which separates the parts of a word.
pub fn valid_resource_name(name: &str) -> bool {
    (1..=100).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/'))
}

/// An action's name: 1–50 characters of letters, digits and `_ - .`.
pub fn valid_action_name(name: &str) -> bool {
    (1..=50).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

fn valid_object_id(id: &str) -> bool {
    (1..=200).contains(&id.len())
        && !id
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, ',' | '[' | ']'))
}

/// Whether a permission word names an application's permission (three parts) rather than
/// one of Foxgate's own (`resource:action`).
pub fn is_app_word(word: &str) -> bool {
    let head = word.split('[').next().unwrap_or_default();
    head.matches(':').count() >= 2
}

impl AppPermission {
    /// The unrestricted permission: `<app>:<resource>`'s `action`.
    pub fn new(app: &str, resource: &str, action: &str) -> Self {
        Self {
            app: app.into(),
            resource: resource.into(),
            action: action.into(),
            restriction: Restriction::Any,
        }
    }

    /// The resource type as AuthZEN names it: `<app>:<resource>`.
    pub fn resource_type(&self) -> String {
        format!("{}:{}", self.app, self.resource)
    }
}

impl std::fmt::Display for AppPermission {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.app, self.resource, self.action)?;
        match &self.restriction {
            Restriction::Any => Ok(()),
            Restriction::Own => f.write_str("[own]"),
            Restriction::Ids(ids) => write!(f, "[{}]", ids.join(",")),
        }
    }
}

impl std::str::FromStr for AppPermission {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let (head, restriction) = match text.split_once('[') {
            None => (text, Restriction::Any),
            Some((head, rest)) => {
                let inner = rest
                    .strip_suffix(']')
                    .ok_or_else(|| format!("{text:?}: a restriction ends with ']'"))?;
                if inner == "own" {
                    (head, Restriction::Own)
                } else {
                    let mut ids: Vec<String> = inner.split(',').map(|s| s.trim().into()).collect();
                    if ids.iter().any(|id| !valid_object_id(id)) {
                        return Err(format!(
                            "{text:?}: object ids are 1 to 200 characters, without spaces, ',' or brackets"
                        ));
                    }
                    ids.sort();
                    ids.dedup();
                    if ids.len() > MAX_OBJECT_IDS {
                        return Err(format!(
                            "{text:?}: at most {MAX_OBJECT_IDS} object ids per permission"
                        ));
                    }
                    (head, Restriction::Ids(ids))
                }
            }
        };
        let (app, rest) = head
            .split_once(':')
            .ok_or_else(|| format!("{text:?} is not app:resource:action"))?;
        let (resource, action) = rest
            .rsplit_once(':')
            .ok_or_else(|| format!("{text:?} is not app:resource:action"))?;
        if crate::slug::validate("app", app).ok().as_deref() != Some(app)
            || !valid_resource_name(resource)
            || !valid_action_name(action)
        {
            return Err(format!("{text:?} is not app:resource:action"));
        }
        Ok(Self {
            app: app.into(),
            resource: resource.into(),
            action: action.into(),
            restriction,
        })
    }
}

/// How an HTTP method reads as an action when a resource type declares `read` and `write`
/// rather than methods (route rules such as `api:/v1/config`).
fn method_action(method: &str) -> Option<&'static str> {
    match method {
        "GET" | "HEAD" | "OPTIONS" => Some("read"),
        "POST" | "PUT" | "PATCH" | "DELETE" => Some("write"),
        _ => None,
    }
}

/// One declared resource type: its actions and their bits.
#[derive(Debug, Clone, PartialEq, Eq)]
struct TypeEntry {
    actions: Vec<(String, u32)>,
}

/// Why a request names no permission of the org.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unknown {
    ResourceType,
    Action,
}

/// An org's application permissions compiled to bit positions: built once when the
/// declarations change, so a decision is two hash lookups (application, resource type) and a
/// bit test, without allocating.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Vocabulary {
    /// Application slug → resource type → its actions.
    apps: HashMap<String, HashMap<String, TypeEntry>>,
    /// A resource type's bare name → `(app, resource)`, when one application alone declares it.
    bare: HashMap<String, Option<(String, String)>>,
    /// Every permission, indexed by bit.
    permissions: Vec<AppPermission>,
}

impl Vocabulary {
    pub fn compile(declarations: &[Declaration]) -> Self {
        let mut out = Vocabulary::default();
        for d in declarations {
            for rt in &d.resource_types {
                let mut actions = Vec::with_capacity(rt.actions.len());
                for action in &rt.actions {
                    actions.push((action.clone(), out.permissions.len() as u32));
                    out.permissions
                        .push(AppPermission::new(&d.app, &rt.name, action));
                }
                out.bare
                    .entry(rt.name.clone())
                    .and_modify(|unique| *unique = None)
                    .or_insert_with(|| Some((d.app.clone(), rt.name.clone())));
                out.apps
                    .entry(d.app.clone())
                    .or_default()
                    .insert(rt.name.clone(), TypeEntry { actions });
            }
        }
        out
    }

    /// How many permissions the org declares (the bits in use).
    pub fn len(&self) -> usize {
        self.permissions.len()
    }

    pub fn is_empty(&self) -> bool {
        self.permissions.is_empty()
    }

    /// The permission of a bit.
    pub fn permission(&self, bit: u32) -> &AppPermission {
        &self.permissions[bit as usize]
    }

    fn entry(&self, resource_type: &str) -> Option<&TypeEntry> {
        let Some((app, resource)) = resource_type.split_once(':') else {
            let (app, resource) = self.bare.get(resource_type)?.as_ref()?;
            return self.apps.get(app)?.get(resource);
        };
        let types = self.apps.get(app)?;
        if let Some(entry) = types.get(resource) {
            return Some(entry);
        }
        // A path-style type reaches below itself: `api:/v1/config/db` falls under
        // `api:/v1/config`, one segment at a time.
        let mut path = resource;
        while path.starts_with('/') {
            let (parent, _) = path.rsplit_once('/')?;
            if parent.is_empty() {
                return None;
            }
            path = parent;
            if let Some(entry) = types.get(path) {
                return Some(entry);
            }
        }
        None
    }

    /// The bit of `action` on `resource_type` (`<app>:<resource>`, a bare resource type one
    /// application alone declares, or a path under a declared path). An HTTP method stands
    /// for `read` or `write` when the type declares those and not the method.
    pub fn bit(&self, resource_type: &str, action: &str) -> Result<u32, Unknown> {
        let entry = self.entry(resource_type).ok_or(Unknown::ResourceType)?;
        let find = |name: &str| entry.actions.iter().find(|(a, _)| a == name).map(|x| x.1);
        find(action)
            .or_else(|| method_action(action).and_then(find))
            .ok_or(Unknown::Action)
    }

    /// The bit of a permission word's unrestricted part, if the org declares it.
    pub fn bit_of(&self, p: &AppPermission) -> Option<u32> {
        let entry = self.apps.get(&p.app)?.get(&p.resource)?;
        entry
            .actions
            .iter()
            .find(|(a, _)| *a == p.action)
            .map(|x| x.1)
    }
}

/// A set of application permissions as bits.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Bits(Vec<u64>);

impl Bits {
    fn set(&mut self, bit: u32) {
        let (word, mask) = ((bit / 64) as usize, 1u64 << (bit % 64));
        if self.0.len() <= word {
            self.0.resize(word + 1, 0);
        }
        self.0[word] |= mask;
    }

    fn has(&self, bit: u32) -> bool {
        self.0
            .get((bit / 64) as usize)
            .is_some_and(|w| w & (1u64 << (bit % 64)) != 0)
    }

    fn ones(&self) -> impl Iterator<Item = u32> + '_ {
        self.0.iter().enumerate().flat_map(|(i, w)| {
            (0..64)
                .filter(move |b| w & (1u64 << b) != 0)
                .map(move |b| i as u32 * 64 + b)
        })
    }
}

/// The object a decision is about: its id, and whether the request names the subject as
/// its owner.
#[derive(Debug, Clone, Copy, Default)]
pub struct Object<'a> {
    pub id: Option<&'a str>,
    pub owned: bool,
}

/// A restricted permission held at org scope (`team` None) or in one team.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Restricted {
    bit: u32,
    team: Option<String>,
    restriction: Restriction,
}

/// The application permissions a principal holds, as bits of its org's vocabulary:
/// unrestricted ones org-wide and per team, and the few restricted ones beside them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AppGrants {
    vocabulary: Arc<Vocabulary>,
    org: Bits,
    /// Sorted by team id.
    teams: Vec<(String, Bits)>,
    restricted: Vec<Restricted>,
}

/// Why a decision came out as it did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Allowed,
    UnknownResourceType,
    UnknownAction,
    NotGranted,
    /// Granted only for other objects (not listed, or not the subject's own).
    NotThisObject,
}

impl Verdict {
    pub fn allowed(self) -> bool {
        self == Verdict::Allowed
    }

    /// The reason given to the asking service.
    pub fn reason(self) -> &'static str {
        match self {
            Verdict::Allowed => "granted",
            Verdict::UnknownResourceType => "unknown resource type",
            Verdict::UnknownAction => "unknown action for this resource type",
            Verdict::NotGranted => "the subject holds no grant of this permission here",
            Verdict::NotThisObject => {
                "the subject's grant of this permission does not reach this object"
            }
        }
    }
}

impl AppGrants {
    pub fn new(vocabulary: Arc<Vocabulary>) -> Self {
        Self {
            vocabulary,
            ..Self::default()
        }
    }

    pub fn vocabulary(&self) -> &Arc<Vocabulary> {
        &self.vocabulary
    }

    pub fn is_empty(&self) -> bool {
        self.org.0.iter().all(|w| *w == 0) && self.teams.is_empty() && self.restricted.is_empty()
    }

    fn team_bits(&mut self, team: &str) -> &mut Bits {
        let i = match self.teams.binary_search_by(|(t, _)| t.as_str().cmp(team)) {
            Ok(i) => i,
            Err(i) => {
                self.teams.insert(i, (team.to_string(), Bits::default()));
                i
            }
        };
        &mut self.teams[i].1
    }

    /// Adds a held permission at org scope or in one team; false (and nothing added) when
    /// the org does not declare it.
    pub fn add(&mut self, p: &AppPermission, team: Option<&str>) -> bool {
        let Some(bit) = self.vocabulary.bit_of(p) else {
            return false;
        };
        match (&p.restriction, team) {
            (Restriction::Any, None) => self.org.set(bit),
            (Restriction::Any, Some(team)) => self.team_bits(team).set(bit),
            (restriction, team) => self.restricted.push(Restricted {
                bit,
                team: team.map(str::to_string),
                restriction: restriction.clone(),
            }),
        }
        true
    }

    /// The restrictions under which `bit` is held in `team` (or org-wide): `Any` first
    /// when it is held plainly.
    fn held(&self, bit: u32, team: Option<&str>) -> impl Iterator<Item = &Restriction> + '_ {
        let plain = self.org.has(bit)
            || team.is_some_and(|team| {
                self.teams
                    .binary_search_by(|(t, _)| t.as_str().cmp(team))
                    .is_ok_and(|i| self.teams[i].1.has(bit))
            });
        let team = team.map(str::to_string);
        plain.then_some(&Restriction::Any).into_iter().chain(
            self.restricted
                .iter()
                .filter(move |r| r.bit == bit && (r.team.is_none() || r.team == team))
                .map(|r| &r.restriction),
        )
    }

    /// May the holder do `action` on `resource_type` in `team` (org grants reach every
    /// team), on `object`?
    pub fn decide(
        &self,
        resource_type: &str,
        action: &str,
        team: Option<&str>,
        object: &Object,
    ) -> Verdict {
        let bit = match self.vocabulary.bit(resource_type, action) {
            Ok(bit) => bit,
            Err(Unknown::ResourceType) => return Verdict::UnknownResourceType,
            Err(Unknown::Action) => return Verdict::UnknownAction,
        };
        let mut any = false;
        for restriction in self.held(bit, team) {
            if restriction.allows(object) {
                return Verdict::Allowed;
            }
            any = true;
        }
        if any {
            Verdict::NotThisObject
        } else {
            Verdict::NotGranted
        }
    }

    /// Whether the holder may hand out `wanted` in `team` (org-wide when None): the
    /// escalation guard for application permissions.
    pub fn covers(&self, wanted: &AppPermission, team: Option<&str>) -> bool {
        let Some(bit) = self.vocabulary.bit_of(wanted) else {
            return false;
        };
        self.held(bit, team)
            .any(|held| held.covers(&wanted.restriction))
    }

    /// Whether `wanted` is covered org-wide or in at least one team.
    pub fn covers_anywhere(&self, wanted: &AppPermission) -> bool {
        self.covers(wanted, None)
            || self.teams.iter().any(|(t, _)| self.covers(wanted, Some(t)))
            || self
                .restricted
                .iter()
                .filter_map(|r| r.team.as_deref())
                .any(|t| self.covers(wanted, Some(t)))
    }

    /// Keeps only what `chosen` also allows (a personal token's subset of its user's grants).
    pub fn restrict(&mut self, chosen: &[AppPermission]) {
        let before = self.entries();
        *self = AppGrants::new(self.vocabulary.clone());
        for (p, team) in before {
            for c in chosen
                .iter()
                .filter(|c| c.app == p.app && c.resource == p.resource && c.action == p.action)
            {
                if let Some(restriction) = p.restriction.meet(&c.restriction) {
                    let kept = AppPermission {
                        restriction,
                        ..p.clone()
                    };
                    self.add(&kept, team.as_deref());
                }
            }
        }
    }

    /// Writes each held permission as its word (`app:resource:action`, with its
    /// restriction, then `@team:<id>` when held in one team), each after `separator`
    /// unless `out` is empty: a scope built without a copy per permission.
    pub fn write_words(&self, out: &mut String, separator: char) {
        let mut write = |bit: u32, restriction: &Restriction, team: Option<&str>| {
            let p = self.vocabulary.permission(bit);
            if !out.is_empty() {
                out.push(separator);
            }
            for part in [
                p.app.as_str(),
                ":",
                p.resource.as_str(),
                ":",
                p.action.as_str(),
            ] {
                out.push_str(part);
            }
            match restriction {
                Restriction::Any => {}
                Restriction::Own => out.push_str("[own]"),
                Restriction::Ids(ids) => {
                    out.push('[');
                    out.push_str(&ids.join(","));
                    out.push(']');
                }
            }
            if let Some(team) = team {
                out.push_str("@team:");
                out.push_str(team);
            }
        };
        for bit in self.org.ones() {
            write(bit, &Restriction::Any, None);
        }
        for (team, bits) in &self.teams {
            for bit in bits.ones() {
                write(bit, &Restriction::Any, Some(team));
            }
        }
        for r in &self.restricted {
            write(r.bit, &r.restriction, r.team.as_deref());
        }
    }

    /// Every held permission with its team (None: org-wide).
    pub fn entries(&self) -> Vec<(AppPermission, Option<String>)> {
        let word = |bit: u32, restriction: &Restriction| AppPermission {
            restriction: restriction.clone(),
            ..self.vocabulary.permission(bit).clone()
        };
        let mut out: Vec<_> = self
            .org
            .ones()
            .map(|b| (word(b, &Restriction::Any), None))
            .collect();
        for (team, bits) in &self.teams {
            out.extend(
                bits.ones()
                    .map(|b| (word(b, &Restriction::Any), Some(team.clone()))),
            );
        }
        out.extend(
            self.restricted
                .iter()
                .map(|r| (word(r.bit, &r.restriction), r.team.clone())),
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn vocabulary() -> Arc<Vocabulary> {
        Arc::new(Vocabulary::compile(&[
            Declaration {
                app: "deploy".into(),
                resource_types: vec![ResourceType {
                    name: "deployments".into(),
                    actions: vec!["read".into(), "create".into(), "approve".into()],
                }],
            },
            Declaration {
                app: "todo".into(),
                resource_types: vec![ResourceType {
                    name: "todos".into(),
                    actions: vec!["read".into(), "update".into(), "delete".into()],
                }],
            },
            Declaration {
                app: "api".into(),
                resource_types: vec![ResourceType {
                    name: "/v1/config".into(),
                    actions: vec!["read".into(), "write".into()],
                }],
            },
        ]))
    }

    fn p(word: &str) -> AppPermission {
        word.parse().unwrap()
    }

    #[test]
    fn words_parse_and_print_back() {
        for word in [
            "deploy:deployments:approve",
            "todo:todos:delete[own]",
            "docs:folders:read[12,40]",
            "api:/v1/config:write",
        ] {
            assert_eq!(p(word).to_string(), word);
        }
        assert_eq!(
            p("docs:folders:read[40,12,40]").to_string(),
            "docs:folders:read[12,40]"
        );
        for bad in [
            "deploy:deployments",
            "Deploy:x:read",
            "deploy:x:read[",
            "deploy:x:read[a b]",
            "deploy:x y:read",
            "deploy:x:",
        ] {
            assert!(bad.parse::<AppPermission>().is_err(), "{bad}");
        }
        assert!(is_app_word("a1:b:c[own]") && !is_app_word("teams:read"));
    }

    #[test]
    fn decisions_follow_scope_restrictions_and_paths() {
        let mut g = AppGrants::new(vocabulary());
        assert!(g.add(&p("deploy:deployments:read"), None));
        assert!(g.add(&p("deploy:deployments:approve"), Some("t1")));
        assert!(g.add(&p("todo:todos:delete[own]"), None));
        assert!(g.add(&p("todo:todos:read[7,9]"), None));
        assert!(g.add(&p("api:/v1/config:read"), None));
        assert!(!g.add(&p("deploy:deployments:fly"), None), "undeclared");
        let any = Object::default();
        let dec = |t: &str, a: &str, team: Option<&str>, o: &Object| g.decide(t, a, team, o);
        assert!(dec("deploy:deployments", "read", None, &any).allowed());
        assert!(
            dec("deployments", "read", None, &any).allowed(),
            "bare type"
        );
        assert!(dec("deploy:deployments", "approve", Some("t1"), &any).allowed());
        assert_eq!(
            dec("deploy:deployments", "approve", Some("t2"), &any),
            Verdict::NotGranted
        );
        assert_eq!(
            dec("deploy:deployments", "approve", None, &any),
            Verdict::NotGranted
        );
        assert_eq!(
            dec("deploy:nope", "read", None, &any),
            Verdict::UnknownResourceType
        );
        assert_eq!(
            dec("deploy:deployments", "fly", None, &any),
            Verdict::UnknownAction
        );
        let mine = Object {
            id: Some("3"),
            owned: true,
        };
        let theirs = Object {
            id: Some("3"),
            owned: false,
        };
        assert!(dec("todo:todos", "delete", None, &mine).allowed());
        assert_eq!(
            dec("todo:todos", "delete", None, &theirs),
            Verdict::NotThisObject
        );
        assert!(dec(
            "todo:todos",
            "read",
            None,
            &Object {
                id: Some("9"),
                owned: false
            }
        )
        .allowed());
        assert_eq!(
            dec("todo:todos", "read", None, &theirs),
            Verdict::NotThisObject
        );
        assert!(
            dec("api:/v1/config", "GET", None, &any).allowed(),
            "method → read"
        );
        assert!(
            dec("api:/v1/config/db", "read", None, &any).allowed(),
            "below the path"
        );
        assert_eq!(
            dec("api:/v1/config", "POST", None, &any),
            Verdict::NotGranted
        );
        assert_eq!(
            dec("api:/v1/other", "GET", None, &any),
            Verdict::UnknownResourceType
        );
    }

    #[test]
    fn covering_and_restricting() {
        let mut g = AppGrants::new(vocabulary());
        g.add(&p("todo:todos:read[1,2,3]"), None);
        g.add(&p("todo:todos:update"), Some("t1"));
        assert!(g.covers(&p("todo:todos:read[1,3]"), None));
        assert!(!g.covers(&p("todo:todos:read[4]"), None));
        assert!(!g.covers(&p("todo:todos:read"), None));
        assert!(g.covers(&p("todo:todos:update[own]"), Some("t1")));
        assert!(!g.covers(&p("todo:todos:update"), None));
        g.restrict(&[p("todo:todos:read[2,3,4]"), p("todo:todos:update[own]")]);
        let mut words = g
            .entries()
            .iter()
            .map(|(p, t)| format!("{p}@{t:?}"))
            .collect::<Vec<_>>();
        words.sort();
        assert_eq!(
            words,
            [
                "todo:todos:read[2,3]@None",
                "todo:todos:update[own]@Some(\"t1\")"
            ]
        );
    }

    // The reference model: grants as plain (word, team) pairs, decided by comparing strings.
    fn reference(
        held: &[(AppPermission, Option<String>)],
        want: &AppPermission,
        team: Option<&str>,
        object: &Object,
    ) -> bool {
        held.iter().any(|(h, t)| {
            h.app == want.app
                && h.resource == want.resource
                && h.action == want.action
                && (t.is_none() || t.as_deref() == team)
                && h.restriction.allows(object)
        })
    }

    fn arb_permission() -> impl Strategy<Value = AppPermission> {
        let restriction = prop_oneof![
            Just(Restriction::Any),
            Just(Restriction::Own),
            proptest::collection::btree_set("[1-4]", 1..3)
                .prop_map(|ids| Restriction::Ids(ids.into_iter().collect())),
        ];
        (
            prop_oneof![Just(("deploy", "deployments")), Just(("todo", "todos"))],
            prop_oneof![
                Just("read"),
                Just("approve"),
                Just("delete"),
                Just("update")
            ],
            restriction,
        )
            .prop_map(|((app, resource), action, restriction)| AppPermission {
                restriction,
                ..AppPermission::new(app, resource, action)
            })
    }

    fn declared(p: &AppPermission) -> bool {
        vocabulary().bit_of(p).is_some()
    }

    proptest! {
        #[test]
        fn compiled_decisions_match_the_reference_model(
            held in proptest::collection::vec(
                (arb_permission(), proptest::option::of(prop_oneof![Just("t1".to_string()), Just("t2".to_string())])),
                0..8,
            ),
            want in arb_permission(),
            team in proptest::option::of(prop_oneof![Just("t1"), Just("t2")]),
            id in proptest::option::of("[1-5]"),
            owned in any::<bool>(),
        ) {
            let mut g = AppGrants::new(vocabulary());
            let held: Vec<_> = held.into_iter().filter(|(p, _)| declared(p)).collect();
            for (p, t) in &held {
                g.add(p, t.as_deref());
            }
            let object = Object { id: id.as_deref(), owned };
            let compiled = g.decide(&want.resource_type(), &want.action, team, &object).allowed();
            prop_assert_eq!(compiled, declared(&want) && reference(&held, &want, team, &object));
            // Covering: whatever covers `want` allows every object `want` allows.
            let want_restriction = want.restriction.clone();
            if g.covers(&want, team) && want_restriction.allows(&object) {
                prop_assert!(compiled);
            }
        }
    }
}
