//! What the console's plain HTML forms post, decoded into the models the services take. A
//! form posts every field as text (empty when unused), so the decoding lives here, next to
//! the models, and is tested without a browser.

use super::{GroupRule, NewToken, ProviderKind, ProviderSettings};
use crate::secret::Secret;
use crate::token::TokenKind;
use crate::Error;

/// A whole number typed into a form field, or `invalid_input` naming the field.
pub fn whole_number(field: &'static str, text: &str, unit: &str) -> Result<u32, Error> {
    text.trim()
        .parse()
        .map_err(|_| Error::invalid(field, format!("must be a whole number of {unit}")))
}

/// An optional whole number: empty means none.
pub fn optional_number(field: &'static str, text: &str, unit: &str) -> Result<Option<u32>, Error> {
    match text.trim() {
        "" => Ok(None),
        days => whole_number(field, days, unit).map(Some),
    }
}

fn some(text: String) -> Option<String> {
    Some(text).filter(|t| !t.trim().is_empty())
}

fn words(text: &str) -> Vec<String> {
    text.split_whitespace().map(str::to_string).collect()
}

/// The application form's declaration grid: row `i` is a resource type `resources[i]` with
/// the comma- or space-separated actions `actions[i]`. Rows left blank are dropped.
pub fn resource_types_from_grid(
    resources: &[String],
    actions: &[String],
) -> Vec<super::ResourceType> {
    resources
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let listed = actions.get(i).map(String::as_str).unwrap_or_default();
            super::ResourceType {
                name: name.trim().to_string(),
                actions: listed
                    .split([',', ' '])
                    .map(str::trim)
                    .filter(|a| !a.is_empty())
                    .map(str::to_string)
                    .collect(),
            }
        })
        .filter(|rt| !(rt.name.is_empty() && rt.actions.is_empty()))
        .collect()
}

/// The "New token" form. `kind` is `team` (with `team`), `org_admin` or `personal`; without
/// it, `team` decides. `expires` is a number of days, `date` (then `expires_on` applies) or
/// `never`.
#[derive(Debug, Clone, Default)]
pub struct TokenForm {
    pub name: String,
    pub kind: String,
    pub team: String,
    pub roles: Vec<String>,
    pub permissions: Vec<String>,
    pub expires: String,
    pub expires_on: String,
    /// The form's one-time key, rendered into it (see `NewToken::submission`).
    pub submission: String,
    /// Secure mode: a pasted public key; empty for a bearer token.
    pub public_key: String,
}

impl TryFrom<TokenForm> for NewToken {
    type Error = Error;

    /// Only the fields of the chosen kind count: the form posts all of them.
    fn try_from(f: TokenForm) -> Result<Self, Error> {
        let kind = match f.kind.as_str() {
            "personal" => TokenKind::Personal,
            "org_admin" => TokenKind::OrgAdmin,
            _ if f.team.is_empty() => TokenKind::OrgAdmin,
            _ => TokenKind::Team,
        };
        let typed = f.expires_on.trim();
        let (expires_in_days, expires_on) = match f.expires.trim() {
            // A date typed in the form is the choice, whatever the select still says (the
            // page switches the select to it, but only when JavaScript runs).
            _ if !typed.is_empty() => (None, Some(typed.to_string())),
            "never" | "" => (None, None),
            "date" => (None, Some(f.expires_on)),
            days => (Some(whole_number("expires_in_days", days, "days")?), None),
        };
        let personal = kind == TokenKind::Personal;
        Ok(NewToken {
            name: f.name,
            kind: Some(kind),
            team: (kind == TokenKind::Team).then_some(f.team),
            roles: if personal { Vec::new() } else { f.roles },
            permissions: if personal { f.permissions } else { Vec::new() },
            expires_in_days,
            expires_on,
            submission: Some(f.submission).filter(|k| !k.is_empty()),
            public_key: Some(f.public_key).filter(|k| !k.trim().is_empty()),
        })
    }
}

/// The identity provider form: lists are space-separated, group rules rows of three fields,
/// `enabled` a checkbox (present when ticked), an empty client secret keeps the stored one.
#[derive(Debug, Clone, Default)]
pub struct ProviderForm {
    pub kind: String,
    pub name: String,
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    pub scopes: String,
    pub allowed_domains: String,
    pub allowed_tenants: String,
    pub groups_claim: String,
    /// Per group rule row: the IdP group, the role, the team (empty: the whole organization).
    pub rule_groups: Vec<String>,
    pub rule_roles: Vec<String>,
    pub rule_teams: Vec<String>,
    pub default_role: String,
    pub enabled: bool,
    /// Empty: the IdP's tokens are not accepted on the API.
    pub api_audience: String,
}

impl TryFrom<ProviderForm> for ProviderSettings {
    type Error = Error;

    fn try_from(f: ProviderForm) -> Result<Self, Error> {
        Ok(ProviderSettings {
            kind: ProviderKind::parse(&f.kind).ok_or_else(|| {
                Error::invalid("kind", "must be okta, entra, google, auth0 or generic")
            })?,
            name: some(f.name),
            issuer: f.issuer,
            client_id: f.client_id,
            client_secret: some(f.client_secret).map(Secret::new),
            scopes: words(&f.scopes),
            allowed_domains: words(&f.allowed_domains),
            allowed_tenants: words(&f.allowed_tenants),
            groups_claim: some(f.groups_claim),
            group_rules: GroupRule::from_rows(&f.rule_groups, &f.rule_roles, &f.rule_teams)
                .map_err(|why| Error::invalid("group_rules", why))?,
            default_role: some(f.default_role),
            enabled: f.enabled,
            api_audience: some(f.api_audience),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(e: Error) -> String {
        match e {
            Error::InvalidInput { field, .. } => field.to_string(),
            other => panic!("not invalid_input: {other:?}"),
        }
    }

    #[test]
    fn a_token_form_keeps_only_its_kinds_fields() {
        let form = TokenForm {
            name: "ci".into(),
            kind: "personal".into(),
            team: "payments".into(),
            roles: vec!["member".into()],
            permissions: vec!["teams:read".into()],
            expires: "30".into(),
            expires_on: "2027-01-01".into(),
            submission: String::new(),
            public_key: " \n".into(),
        };
        let personal = NewToken::try_from(form.clone()).unwrap();
        assert_eq!(personal.submission, None, "a blank key is no key");
        assert_eq!(
            personal.public_key, None,
            "a blank public key is a bearer token"
        );
        assert_eq!(personal.team, None);
        assert!(personal.roles.is_empty());
        assert_eq!(
            personal.expires_in_days, None,
            "the typed date wins over 30 days"
        );
        assert_eq!(personal.expires_on.as_deref(), Some("2027-01-01"));
        let no_date = NewToken::try_from(TokenForm {
            expires_on: " ".into(),
            ..form.clone()
        })
        .unwrap();
        assert_eq!(no_date.expires_in_days, Some(30));
        assert_eq!(no_date.expires_on, None);
        let team = NewToken::try_from(TokenForm {
            kind: String::new(),
            expires: "date".into(),
            ..form.clone()
        })
        .unwrap();
        assert_eq!(team.kind, Some(TokenKind::Team));
        assert!(team.permissions.is_empty());
        assert_eq!(team.expires_on.as_deref(), Some("2027-01-01"));
        let bad = NewToken::try_from(TokenForm {
            expires: "soon".into(),
            expires_on: String::new(),
            ..form
        });
        assert_eq!(field_of(bad.unwrap_err()), "expires_in_days");
    }

    #[test]
    fn a_provider_form_splits_lists_and_rules() {
        let form = ProviderForm {
            kind: "okta".into(),
            issuer: "https://acme.okta.com".into(),
            client_id: "c".into(),
            scopes: "openid  email".into(),
            rule_groups: vec!["Engineering".into(), "Admins".into(), String::new()],
            rule_roles: vec!["member".into(), "admin".into(), String::new()],
            rule_teams: vec!["alpha".into(), String::new(), String::new()],
            enabled: true,
            ..Default::default()
        };
        let settings = ProviderSettings::try_from(form.clone()).unwrap();
        assert_eq!(settings.scopes, ["openid", "email"]);
        assert_eq!(settings.group_rules.len(), 2);
        assert!(
            settings.client_secret.is_none(),
            "empty keeps the stored one"
        );
        assert_eq!(settings.name, None);
        let bad = ProviderSettings::try_from(ProviderForm {
            kind: "ldap".into(),
            ..form
        });
        assert_eq!(field_of(bad.unwrap_err()), "kind");
    }

    #[test]
    fn numbers_typed_into_forms() {
        assert_eq!(optional_number("max", " ", "days").unwrap(), None);
        assert_eq!(optional_number("max", "90", "days").unwrap(), Some(90));
        assert_eq!(
            field_of(whole_number("grace_hours", "-1", "hours").unwrap_err()),
            "grace_hours"
        );
    }

    #[test]
    fn the_declaration_grid_drops_blank_rows() {
        let rows = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        let types = resource_types_from_grid(
            &rows(&["deployments", "", " config ", ""]),
            &rows(&["read, create approve", "", "read,write", "orphan"]),
        );
        let flat: Vec<(String, Vec<String>)> =
            types.into_iter().map(|t| (t.name, t.actions)).collect();
        assert_eq!(
            flat,
            vec![
                ("deployments".into(), rows(&["read", "create", "approve"])),
                ("config".into(), rows(&["read", "write"])),
                (String::new(), rows(&["orphan"])),
            ],
            "a row with actions but no name is kept, so the service names the mistake"
        );
    }
}
