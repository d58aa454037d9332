//! Every check of an ID token, in the order of OpenID Connect Core §3.1.3.7: signature
//! against the IdP's keys (asymmetric algorithms only, so never `none`), issuer, audience and
//! `azp`, expiry, the age of `iat`, nonce, `at_hash` when present; then the claims Foxgate
//! keys accounts on and maps groups from.

use super::{Discovered, Problem, ProviderRef};
use crate::model::ProviderKind;
use crate::secret::Secret;
use openidconnect::core::{
    CoreGenderClaim, CoreJsonWebKey, CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm,
};
use openidconnect::{
    AccessToken, AccessTokenHash, AdditionalClaims, ClaimsVerificationError, ClientId,
    ClientSecret, IdToken, IdTokenVerifier, SignatureVerificationError,
};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// How long after issue an ID token is still taken: the code was just exchanged, so a token
/// minted long ago is a replay, whatever its `exp` says.
const MAX_AGE_SECS: i64 = 10 * 60;
/// How the `iat` check words its refusal, so it can be told from an expired token.
const ISSUED_AT_REFUSED: &str = "issued at a time out of bounds:";
/// Clock difference tolerated between Foxgate and the IdP.
const SKEW_SECS: i64 = 2 * 60;

/// Claims beyond the standard ones: `tid`, `oid`, `hd`, groups (under any name), Entra's
/// `_claim_names`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Extra(HashMap<String, serde_json::Value>);
impl AdditionalClaims for Extra {}

impl Extra {
    fn text(&self, name: &str) -> Option<String> {
        self.0
            .get(name)
            .and_then(|v| v.as_str())
            .map(str::to_string)
    }
}

type FoxIdToken =
    IdToken<Extra, CoreGenderClaim, CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm>;

/// The groups the IdP said the user is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Groups {
    Listed(Vec<String>),
    /// Entra ID had too many to put in the token (`_claim_names`): none can be trusted.
    Overage,
    /// No groups claim configured, or none sent.
    NotSent,
}

/// Who the ID token proves the user is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub issuer: String,
    /// What the account is keyed on with `subject`: the issuer, or for Entra ID its
    /// Microsoft cloud and tenant (see [`super::trust::entra_issuer_key`]).
    pub issuer_key: String,
    pub subject: String,
    /// Entra ID's tenant and object ids, which key Entra accounts.
    pub tenant_id: Option<String>,
    pub object_id: Option<String>,
    pub email: Option<String>,
    pub email_verified: bool,
    pub name: Option<String>,
    /// Google Workspace's hosted domain.
    pub hosted_domain: Option<String>,
    pub groups: Groups,
    /// The ID token itself, kept only to hand back to the IdP at sign-out.
    pub id_token: Secret<String>,
}

impl Identity {
    /// The account key: `(issuer, sub)`, or for Entra ID `(cloud and tid, oid)`, which stay
    /// the same for a user across apps and across the v1 and v2.0 endpoints.
    pub fn account_key(&self) -> (String, String) {
        let subject = self.object_id.as_ref().unwrap_or(&self.subject);
        (self.issuer_key.clone(), subject.clone())
    }
}

pub(super) const ALLOWED_ALGS: [CoreJwsSigningAlgorithm; 9] = [
    CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
    CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha384,
    CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha512,
    CoreJwsSigningAlgorithm::RsaSsaPssSha256,
    CoreJwsSigningAlgorithm::RsaSsaPssSha384,
    CoreJwsSigningAlgorithm::RsaSsaPssSha512,
    CoreJwsSigningAlgorithm::EcdsaP256Sha256,
    CoreJwsSigningAlgorithm::EcdsaP384Sha384,
    CoreJwsSigningAlgorithm::EdDsa,
];

pub(super) fn id_token(
    d: &Discovered,
    p: &ProviderRef<'_>,
    client_secret: &Secret<String>,
    raw: &str,
    nonce: &Secret<String>,
    access_token: &AccessToken,
) -> Result<Identity, Problem> {
    let token: FoxIdToken = raw
        .parse()
        .map_err(|e: serde_json::Error| Problem::Malformed(e.to_string()))?;
    let keys = d.metadata.jwks().clone();
    let client_id = p.client_id.to_string();
    let now = chrono_now();
    let verifier: IdTokenVerifier<'_, CoreJsonWebKey> = IdTokenVerifier::new_confidential_client(
        ClientId::new(client_id.clone()),
        ClientSecret::new(client_secret.expose().clone()),
        d.metadata.issuer().clone(),
        keys,
    )
    .set_allowed_algs(ALLOWED_ALGS)
    // The issuer is compared below, where Entra's tenant template is understood.
    .require_issuer_match(false)
    .set_issue_time_verifier_fn(move |iat| {
        let age = (now - iat).num_seconds();
        if !(-SKEW_SECS..=MAX_AGE_SECS).contains(&age) {
            Err(format!("{ISSUED_AT_REFUSED} {age} s ago"))
        } else {
            Ok(())
        }
    });
    let nonce = openidconnect::Nonce::new(nonce.expose().clone());
    let claims = token.claims(&verifier, &nonce).map_err(problem)?;

    let extra = claims.additional_claims();
    let tenant_id = extra.text("tid");
    if !d
        .expected_issuer
        .accepts(claims.issuer().as_str(), tenant_id.as_deref())
    {
        return Err(Problem::Issuer(claims.issuer().as_str().to_string()));
    }
    let audiences = claims.audiences();
    match claims.authorized_party() {
        Some(azp) if azp.as_str() != client_id => return Err(Problem::AuthorizedParty),
        None if audiences.len() > 1 => {
            return Err(Problem::Audience(
                "several audiences and no azp naming this client".into(),
            ))
        }
        _ => {}
    }
    if let Some(expected) = claims.access_token_hash() {
        let alg = token
            .signing_alg()
            .map_err(|e| Problem::Signature(e.to_string()))?;
        let key = token
            .signing_key(&verifier)
            .map_err(|e| Problem::Signature(e.to_string()))?;
        let actual = AccessTokenHash::from_token(access_token, alg, key)
            .map_err(|e| Problem::Signature(e.to_string()))?;
        if &actual != expected {
            return Err(Problem::AccessTokenHash);
        }
    }

    let issuer = claims.issuer().as_str().to_string();
    let (issuer_key, object_id) = match (p.kind, &tenant_id, extra.text("oid")) {
        (ProviderKind::Entra, Some(tid), Some(oid)) => (
            super::trust::entra_issuer_key(&issuer, tid).ok_or_else(|| {
                Problem::Issuer(format!("{issuer} does not name the token's tenant {tid}"))
            })?,
            Some(oid),
        ),
        (ProviderKind::Entra, _, _) => return Err(Problem::MissingClaim("tid and oid")),
        _ => (issuer.clone(), None),
    };
    let groups = match p.groups_claim {
        _ if extra
            .0
            .get("_claim_names")
            .and_then(|names| names.get(p.groups_claim.unwrap_or("groups")))
            .is_some() =>
        {
            Groups::Overage
        }
        Some(name) => match extra.0.get(name) {
            Some(serde_json::Value::Array(items)) => Groups::Listed(
                items
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect(),
            ),
            Some(serde_json::Value::String(one)) => Groups::Listed(vec![one.clone()]),
            _ => Groups::NotSent,
        },
        None => Groups::NotSent,
    };
    let email = claims
        .email()
        .map(|e| e.as_str().to_string())
        .or_else(|| claims.preferred_username().map(|u| u.as_str().to_string()));
    Ok(Identity {
        issuer,
        issuer_key,
        subject: claims.subject().as_str().to_string(),
        tenant_id,
        object_id,
        email_verified: claims.email().is_some() && claims.email_verified() == Some(true),
        email,
        name: claims
            .name()
            .and_then(|n| n.get(None))
            .map(|n| n.as_str().to_string()),
        hosted_domain: extra.text("hd"),
        groups,
        id_token: Secret::new(raw.to_string()),
    })
}

fn chrono_now() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}

fn problem(e: ClaimsVerificationError) -> Problem {
    match e {
        // The crate reports our `iat` check as "expired"; its message tells them apart.
        ClaimsVerificationError::Expired(m) if m.contains(ISSUED_AT_REFUSED) => {
            Problem::IssuedAt(m)
        }
        ClaimsVerificationError::Expired(m) => Problem::Expired(m),
        ClaimsVerificationError::InvalidAudience(m) => Problem::Audience(m),
        ClaimsVerificationError::InvalidIssuer(m) => Problem::Issuer(m),
        ClaimsVerificationError::InvalidNonce(m) => Problem::Nonce(m),
        ClaimsVerificationError::SignatureVerification(
            SignatureVerificationError::NoMatchingKey,
        ) => Problem::UnknownKey,
        ClaimsVerificationError::SignatureVerification(s) => Problem::Signature(s.to_string()),
        other => Problem::Malformed(other.to_string()),
    }
}
