//! An org's identity providers: list, show, add, change, remove and "Test connection". The
//! client secret is sealed before it is stored and never comes back out through these.

use super::page;
use super::use_case::Change;
use super::{members::role_permissions, Services};
use crate::authz::{BuiltinRole, PermissionSet, Principal, Scope};
use crate::model::{AuditAction, EntityType};
use crate::model::{
    ConnectionCheck, ConnectionReport, GroupRule, IdentityProvider, PageAsk, ProviderKind,
    ProviderPage, ProviderSettings,
};
use crate::oidc::{IdpPolicy, ProviderRef};
use crate::store::identity_providers::{self as providers, ProviderRow, StoredRule};
use crate::store::{self, orgs::OrgRow, teams};
use crate::use_cases::{SSO_CREATE, SSO_DELETE, SSO_READ, SSO_UPDATE};
use crate::Error;
use sqlx::AnyConnection;

const MAX_RULES: usize = 200;
const MAX_LIST: usize = 50;
/// An org has at most this many identity providers: the sign-in page offers every enabled
/// one, so their number stays one screen.
pub const MAX_PROVIDERS: i64 = 20;

/// The teams a provider's group rules name (at most one per rule), for showing their slugs.
async fn rule_teams(
    conn: &mut sqlx::AnyConnection,
    row: &ProviderRow,
) -> Result<Vec<teams::TeamRow>, Error> {
    let ids: Vec<String> = row
        .group_rules
        .iter()
        .filter_map(|r| r.team_id.clone())
        .collect();
    Ok(teams::with_ids(conn, &row.org_id, &ids).await?)
}

fn view(s: &Services, row: &ProviderRow, team_slugs: &[teams::TeamRow]) -> IdentityProvider {
    let slug_of = |id: &str| {
        team_slugs
            .iter()
            .find(|t| t.id == id)
            .map_or_else(|| id.to_string(), |t| t.slug.clone())
    };
    IdentityProvider {
        id: row.id.clone(),
        kind: row.kind,
        name: row.name.clone(),
        issuer: row.issuer.clone(),
        client_id: row.client_id.clone(),
        client_secret_set: row.client_secret_sealed.is_some(),
        scopes: row.scopes.clone(),
        allowed_domains: row.allowed_domains.clone(),
        allowed_tenants: row.allowed_tenants.clone(),
        groups_claim: row.groups_claim.clone(),
        group_rules: row
            .group_rules
            .iter()
            .map(|r| GroupRule {
                group: r.group.clone(),
                team: r.team_id.as_deref().map(slug_of),
                role: r.role_id.clone(),
            })
            .collect(),
        default_role: row.default_role_id.clone(),
        enabled: row.enabled,
        api_audience: row.api_audience.clone(),
        redirect_uri: s.sso_redirect_uri.clone(),
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
}

/// What the audit log keeps of a provider: everything but the secret, which is only "set".
fn snapshot(row: &ProviderRow) -> serde_json::Value {
    serde_json::json!({
        "id": row.id, "kind": row.kind.as_str(), "name": row.name, "issuer": row.issuer,
        "client_id": row.client_id, "client_secret_set": row.client_secret_sealed.is_some(),
        "scopes": row.scopes, "allowed_domains": row.allowed_domains,
        "allowed_tenants": row.allowed_tenants, "groups_claim": row.groups_claim,
        "group_rules": row.group_rules, "default_role": row.default_role_id, "enabled": row.enabled,
    })
}

/// `https://…` at a host the policy allows for the kind (an `entra` provider: Microsoft's);
/// plain `http://` only to this machine under the development setting.
fn validate_issuer(policy: IdpPolicy, kind: ProviderKind, issuer: &str) -> Result<String, Error> {
    let issuer = issuer.trim();
    if issuer.len() > 500 {
        return Err(Error::invalid("issuer", "must be at most 500 characters"));
    }
    let url = url::Url::parse(issuer).map_err(|_| {
        Error::invalid(
            "issuer",
            "must be a URL such as https://acme.okta.com/oauth2/default",
        )
    })?;
    policy
        .check_provider_url(kind, "issuer", issuer)
        .map_err(|why| Error::invalid("issuer", why))?;
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::invalid(
            "issuer",
            "must be the issuer URL alone, without ?query or #fragment",
        ));
    }
    Ok(issuer.to_string())
}

fn validate_words(
    field: &'static str,
    items: &[String],
    ok: impl Fn(&str) -> bool,
    what: &str,
) -> Result<Vec<String>, Error> {
    if items.len() > MAX_LIST {
        return Err(Error::invalid(field, format!("at most {MAX_LIST} entries")));
    }
    let mut out: Vec<String> = Vec::new();
    for item in items.iter().flat_map(|i| i.split_whitespace()) {
        if !ok(item) {
            return Err(Error::invalid(field, format!("\"{item}\" is not {what}")));
        }
        if !out.iter().any(|o| o == item) {
            out.push(item.to_string());
        }
    }
    Ok(out)
}

fn is_guid(t: &str) -> bool {
    t.len() == 36
        && t.chars().enumerate().all(|(i, c)| {
            if matches!(i, 8 | 13 | 18 | 23) {
                c == '-'
            } else {
                c.is_ascii_hexdigit()
            }
        })
}

fn is_scope(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 100
        && s.chars()
            .all(|c| c.is_ascii_graphic() && c != '"' && c != '\\')
}

/// Multi-tenant Entra endpoints accept any tenant in the world unless told which.
fn is_multi_tenant_entra(issuer: &str) -> bool {
    ["/common/", "/organizations/", "/consumers/"]
        .iter()
        .any(|p| issuer.contains(p))
}

fn text(field: &'static str, value: &str, max: usize) -> Result<String, Error> {
    crate::text::name(field, value, max)
}

/// What a provider's mapping hands out: permissions, and where.
type Handed = Vec<(PermissionSet, Scope)>;

/// Checks the settings, and says what the mapping hands out, for the escalation guard.
async fn validated(
    s: &Services,
    conn: &mut AnyConnection,
    org: &OrgRow,
    input: ProviderSettings,
    existing: Option<&ProviderRow>,
) -> Result<(ProviderRow, Handed), Error> {
    let mut handed = Handed::new();
    let kind = input.kind;
    let issuer = validate_issuer(s.oidc.policy(), kind, &input.issuer)?;
    let mut scopes = validate_words("scopes", &input.scopes, is_scope, "a scope")?;
    if scopes.is_empty() {
        scopes = kind
            .default_scopes()
            .iter()
            .map(|s| s.to_string())
            .collect();
    }
    if !scopes.iter().any(|s| s == "openid") {
        scopes.insert(0, "openid".into());
    }
    let lowered: Vec<String> = input
        .allowed_domains
        .iter()
        .map(|d| d.to_lowercase())
        .collect();
    let allowed_domains = validate_words(
        "allowed_domains",
        &lowered,
        super::domains::is_domain,
        "a domain name",
    )?;
    let lowered: Vec<String> = input
        .allowed_tenants
        .iter()
        .map(|d| d.to_lowercase())
        .collect();
    let allowed_tenants = validate_words(
        "allowed_tenants",
        &lowered,
        is_guid,
        "an Entra tenant id (a GUID)",
    )?;
    match kind {
        ProviderKind::Entra if !allowed_domains.is_empty() => {
            return Err(Error::invalid(
                "allowed_domains",
                "Entra ID does not verify emails: restrict by tenant id instead",
            ))
        }
        ProviderKind::Entra if allowed_tenants.is_empty() && is_multi_tenant_entra(&issuer) => {
            return Err(Error::invalid(
                "allowed_tenants",
                "a multi-tenant Entra issuer (/common, /organizations) needs the tenant ids allowed to sign in",
            ))
        }
        ProviderKind::Entra => {}
        _ if !allowed_tenants.is_empty() => {
            return Err(Error::invalid("allowed_tenants", "only Entra ID has tenant ids"))
        }
        _ => {}
    }
    let groups_claim = match input.groups_claim.as_deref().map(str::trim) {
        Some("") | None if input.group_rules.is_empty() => None,
        Some("") | None => Some("groups".to_string()),
        Some(claim) => Some(text("groups_claim", claim, 200)?),
    };
    if input.group_rules.len() > MAX_RULES {
        return Err(Error::invalid(
            "group_rules",
            format!("at most {MAX_RULES} rules"),
        ));
    }
    let references: Vec<&str> = input.group_rules.iter().map(|r| r.role.as_str()).collect();
    let rule_roles = super::members::role_ids(conn, &org.id, &references).await?;
    let mut group_rules = Vec::new();
    for (rule, role_id) in input.group_rules.iter().zip(rule_roles) {
        let group = text("group_rules", &rule.group, 200)?;
        let team_id = match rule
            .team
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            Some(team_ref) => Some(
                teams::find(conn, &org.id, team_ref)
                    .await?
                    .ok_or_else(|| {
                        Error::invalid(
                            "group_rules",
                            format!("no team \"{team_ref}\" in this organization"),
                        )
                    })?
                    .id,
            ),
            None => None,
        };
        if role_id == BuiltinRole::TeamAdmin.id() && team_id.is_none() {
            return Err(Error::invalid(
                "group_rules",
                "team_admin is given for a team: name one",
            ));
        }
        let (permissions, _) = role_permissions(conn, &org.id, &role_id)
            .await
            .map_err(|_| {
                Error::invalid(
                    "group_rules",
                    format!("\"{}\" is not a role of this organization", rule.role),
                )
            })?;
        handed.push((permissions, team_id.clone().map_or(Scope::Org, Scope::Team)));
        group_rules.push(StoredRule {
            group,
            team_id,
            role_id,
        });
    }
    let default_role_id = match input
        .default_role
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
    {
        Some(role) => {
            let role = super::members::role_id(conn, &org.id, role).await?;
            if role == BuiltinRole::TeamAdmin.id() {
                return Err(Error::invalid(
                    "default_role",
                    "team_admin needs a team: use a group rule",
                ));
            }
            let (permissions, _) = role_permissions(conn, &org.id, &role).await.map_err(|_| {
                Error::invalid("default_role", "is not a role of this organization")
            })?;
            handed.push((permissions, Scope::Org));
            Some(role)
        }
        None => None,
    };
    let client_secret_sealed = match (&input.client_secret, existing) {
        (Some(secret), _) if !secret.expose().is_empty() => {
            if secret.expose().len() > 1000 || secret.expose().chars().any(char::is_control) {
                return Err(Error::invalid(
                    "client_secret",
                    "must be at most 1000 characters",
                ));
            }
            Some(s.keyring.seal(secret.expose()))
        }
        (_, Some(row)) if row.client_secret_sealed.is_some() => row.client_secret_sealed.clone(),
        _ => {
            return Err(Error::invalid(
                "client_secret",
                "is required (Foxgate signs in as a confidential client)",
            ))
        }
    };
    let now = store::now_ms();
    let row = ProviderRow {
        id: existing.map_or_else(store::new_id, |e| e.id.clone()),
        org_id: org.id.clone(),
        kind,
        name: match input
            .name
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
        {
            Some(name) => text("name", name, 60)?,
            None => kind.label().to_string(),
        },
        issuer,
        client_id: text("client_id", &input.client_id, 200)?,
        client_secret_sealed,
        scopes,
        allowed_domains,
        allowed_tenants,
        groups_claim,
        group_rules,
        default_role_id,
        enabled: input.enabled,
        created_at: existing.map_or(now, |e| e.created_at),
        updated_at: now,
        api_audience: match input.api_audience.as_deref().map(str::trim) {
            Some(aud) if !aud.is_empty() => Some(text("api_audience", aud, 200)?),
            _ => None,
        },
    };
    Ok((row, handed))
}

/// The escalation guard: the mapping may hand out only roles whose permissions the actor
/// holds where they are given.
async fn guard<'a>(mut cx: Change<'a>, handed: Handed) -> Result<Change<'a>, Error> {
    for (permissions, scope) in handed {
        cx = cx.escalation_at(permissions, scope).await?;
    }
    Ok(cx)
}

async fn find(conn: &mut AnyConnection, org: &OrgRow, id: &str) -> Result<ProviderRow, Error> {
    providers::get(conn, id)
        .await?
        .filter(|row| row.org_id == org.id)
        .ok_or(Error::NotFound)
}

/// One page of the org's providers, oldest first.
pub async fn list(
    s: &Services,
    p: &Principal,
    org_ref: &str,
    asked: &PageAsk,
) -> Result<ProviderPage, Error> {
    let size = page::size(asked.limit)?;
    let after = page::after::<2>(asked.cursor.as_deref())?;
    let after = match &after {
        Some([at, id]) => Some((page::number(at)?, id.as_str())),
        None => None,
    };
    let mut cx = SSO_READ.read(s, p, org_ref, None).await?;
    let rows = providers::page(&mut cx.db, &cx.org.id, after, size).await?;
    let (rows, next_cursor) = page::cut(rows, size, |r| {
        page::cursor(&[&r.created_at.to_string(), &r.id])
    });
    let named: Vec<String> = rows
        .iter()
        .flat_map(|r| r.group_rules.iter().filter_map(|g| g.team_id.clone()))
        .collect();
    let team_rows = teams::with_ids(&mut cx.db, &cx.org.id, &named).await?;
    Ok(ProviderPage {
        providers: rows.iter().map(|r| view(s, r, &team_rows)).collect(),
        next_cursor,
    })
}

pub async fn get(
    s: &Services,
    p: &Principal,
    org_ref: &str,
    id: &str,
) -> Result<IdentityProvider, Error> {
    let mut cx = SSO_READ.read(s, p, org_ref, None).await?;
    let row = find(&mut cx.db, &cx.org, id).await?;
    Ok(view(s, &row, &rule_teams(&mut cx.db, &row).await?))
}

pub async fn create(
    s: &Services,
    p: &Principal,
    org_ref: &str,
    input: ProviderSettings,
) -> Result<IdentityProvider, Error> {
    save(s, p, org_ref, None, input).await
}

/// Replaces a provider's settings; a missing client secret keeps the stored one.
pub async fn update(
    s: &Services,
    p: &Principal,
    org_ref: &str,
    id: &str,
    input: ProviderSettings,
) -> Result<IdentityProvider, Error> {
    save(s, p, org_ref, Some(id), input).await
}

/// Adds a provider (`id` None) or replaces one's settings, under the escalation guard.
async fn save(
    s: &Services,
    p: &Principal,
    org_ref: &str,
    id: Option<&str>,
    input: ProviderSettings,
) -> Result<IdentityProvider, Error> {
    let case = if id.is_some() { SSO_UPDATE } else { SSO_CREATE };
    let mut cx = case.begin(s, p, org_ref, None).await?;
    let org = cx.org.clone();
    let existing = match id {
        Some(id) => Some(find(&mut cx.db, &org, id).await?),
        None if providers::count(&mut cx.db, &org.id).await? >= MAX_PROVIDERS => {
            return Err(Error::Conflict(format!(
                "an organization has at most {MAX_PROVIDERS} identity providers"
            )));
        }
        None => None,
    };
    let (row, handed) = validated(s, &mut cx.db, &org, input, existing.as_ref()).await?;
    let mut cx = guard(cx, handed).await?;
    let action = if existing.is_some() {
        providers::update(&mut cx.db, &row).await?;
        AuditAction::SsoProviderUpdated
    } else {
        providers::insert(&mut cx.db, &row).await?;
        AuditAction::SsoProviderCreated
    };
    // An update records the fields changed (a replaced secret only as replaced).
    let described = match &existing {
        None => snapshot(&row),
        Some(old) => {
            let mut changed = store::audit::changes(&snapshot(old), &snapshot(&row));
            if old.client_secret_sealed.is_some()
                && old.client_secret_sealed != row.client_secret_sealed
            {
                changed.insert(
                    "client_secret".into(),
                    serde_json::json!({"old": "(set)", "new": "(replaced)"}),
                );
            }
            changed.into()
        }
    };
    cx.event(action)
        .entity(EntityType::SsoProvider, &row.id, &row.name)
        .snapshot(described)
        .insert(&mut cx.db)
        .await?;
    let team_rows = rule_teams(&mut cx.db, &row).await?;
    cx.commit().await?;
    Ok(view(s, &row, &team_rows))
}

/// Removes a provider. Its users keep their accounts and manual grants; the grants its
/// mapping gave stay until an admin removes them (a deleted provider cannot sync them).
pub async fn delete(s: &Services, p: &Principal, org_ref: &str, id: &str) -> Result<(), Error> {
    let mut cx = SSO_DELETE.begin(s, p, org_ref, None).await?;
    let row = find(&mut cx.db, &cx.org, id).await?;
    providers::delete(&mut cx.db, &row.id).await?;
    cx.event(AuditAction::SsoProviderDeleted)
        .entity(EntityType::SsoProvider, &row.id, &row.name)
        .snapshot(snapshot(&row))
        .insert(&mut cx.db)
        .await?;
    cx.commit().await?;
    Ok(())
}

pub(crate) fn provider_ref(row: &ProviderRow) -> ProviderRef<'_> {
    ProviderRef {
        kind: row.kind,
        issuer: &row.issuer,
        client_id: &row.client_id,
        scopes: &row.scopes,
        groups_claim: row.groups_claim.as_deref(),
    }
}

fn check(step: &str, result: Result<String, String>) -> ConnectionCheck {
    let (ok, detail) = match result {
        Ok(d) => (true, d),
        Err(d) => (false, d),
    };
    ConnectionCheck {
        step: step.to_string(),
        ok,
        detail,
    }
}

/// "Test connection": fetches discovery and keys now and says, step by step, what works.
pub async fn test(
    s: &Services,
    p: &Principal,
    org_ref: &str,
    id: &str,
) -> Result<ConnectionReport, Error> {
    let row = {
        let mut cx = SSO_READ.read(s, p, org_ref, None).await?;
        find(&mut cx.db, &cx.org, id).await?
    };
    let mut checks = Vec::new();
    match s.oidc.fetch(&provider_ref(&row)).await {
        Err(crate::oidc::Problem::Keys(why)) => {
            checks.push(check(
                "Discovery",
                Ok("the discovery document was read and names this issuer".into()),
            ));
            checks.push(check("Signing keys", Err(why)));
        }
        Err(problem) => checks.push(check("Discovery", Err(problem.to_string()))),
        Ok(d) => {
            checks.push(check(
                "Discovery",
                Ok(format!("issuer {}", d.metadata.issuer().as_str())),
            ));
            checks.push(check(
                "Signing keys",
                Ok(format!(
                    "{} key(s) published",
                    d.metadata.jwks().keys().len()
                )),
            ));
            checks.push(check(
                "Code flow",
                match d.metadata.token_endpoint() {
                    Some(url) => Ok(format!("authorization endpoint {}, token endpoint {}", d.metadata.authorization_endpoint().as_str(), url.as_str())),
                    None => Err("the discovery document names no token endpoint, so the code flow cannot finish".into()),
                },
            ));
        }
    }
    checks.push(check(
        "Client secret",
        match row
            .client_secret_sealed
            .as_deref()
            .map(|sealed| s.keyring.open(sealed))
        {
            Some(Ok(_)) => Ok("stored sealed, and this server can open it".into()),
            Some(Err(e)) => Err(e.to_string()),
            None => Err("not set".into()),
        },
    ));
    Ok(ConnectionReport {
        ok: checks.iter().all(|c| c.ok),
        checks,
    })
}
