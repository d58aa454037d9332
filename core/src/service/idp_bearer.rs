//! An identity provider's own JWT as the bearer on the API (opt-in per provider, README
//! "The IdP's tokens on the API"): the providers that could have issued it found by its
//! issuer, the token verified for the audience each was given, the person found by the
//! account key sign-in uses — never by email — and acting in that provider's org. Unknown
//! people are refused, never created.

use super::Services;
use crate::authz::{AuthKind, Principal, RequestContext};
use crate::oidc::bearer;
use crate::store::{self, identities, identity_providers};
use crate::Error;

/// The Principal a provider's token acts as, or None when no opted-in provider vouches for
/// a member behind it.
pub async fn principal_of(
    s: &Services,
    token: &str,
    context: &RequestContext,
) -> Result<Option<Principal>, Error> {
    let Some(claimed) = bearer::peek(token) else {
        return Ok(None);
    };
    let providers = {
        let mut conn = s.db.pool().acquire().await?;
        identity_providers::accepting_bearer(&mut conn, &claimed.iss).await?
    };
    let now = store::now_ms() / 1000;
    for provider in &providers {
        let Some(audience) = provider.api_audience.as_deref() else {
            continue;
        };
        let p = super::sso_providers::provider_ref(provider);
        let who = match s.oidc.verify_bearer(&p, token, audience, now).await {
            Ok(who) => who,
            Err(problem) => {
                tracing::info!(provider = %provider.id, %problem, "IdP bearer token refused");
                continue;
            }
        };
        let mut conn = s.db.pool().acquire().await?;
        let Some(user_id) = identities::find_user(&mut conn, &who.issuer_key, &who.subject).await?
        else {
            continue;
        };
        let member =
            super::principal::of_member(s, &mut conn, &user_id, &provider.org_id, context.clone())
                .await?;
        if let Some(mut principal) = member {
            principal.auth_kind = AuthKind::OidcJwt;
            return Ok(Some(principal));
        }
    }
    Ok(None)
}
