//! What the console shows on its dashboard: the org and the signed-in user.

use super::Services;
use crate::authz::{Identity, Principal};
use crate::model::ConsoleSummary;
use crate::store::orgs;
use crate::Error;

pub async fn summary(s: &Services, principal: &Principal) -> Result<ConsoleSummary, Error> {
    if !principal.is_authenticated() {
        return Err(Error::Unauthorized);
    }
    // Every member sees which org they are in and who they are, whatever their roles:
    // the Principal exists only for a current member.
    let org_id = principal.org_id.as_deref().ok_or(Error::NotFound)?;
    let mut conn = s.db.pool().acquire().await?;
    let org = orgs::get(&mut conn, org_id).await?.ok_or(Error::NotFound)?;
    let (user_email, user_name) = match &principal.identity {
        Identity::User {
            email,
            display_name,
            ..
        } => (email.clone(), display_name.clone()),
        Identity::Token { id, name } => (format!("token {id}"), name.clone()),
        Identity::Anonymous => return Err(Error::Unauthorized),
    };
    Ok(ConsoleSummary {
        org_name: org.name.clone(),
        org_slug: org.slug.clone(),
        user_email,
        user_name,
        role_name: principal
            .role()
            .map(|r| r.name().to_string())
            .unwrap_or_else(|| "Custom role".into()),
        grants: principal.grants.clone(),
        orgs: super::orgs::mine(s, principal).await?,
        max_token_lifetime_days: org
            .max_token_lifetime_days
            .and_then(|d| u32::try_from(d).ok()),
        app_permissions: {
            let mut words = String::new();
            principal.apps.write_words(&mut words, ' ');
            words.split_whitespace().map(str::to_string).collect()
        },
    })
}
