//! The words of the activity log — actions, entity types, outcomes and refusal reasons —
//! each an enum with one spelling, the one stored in rows and shown by the API.

use crate::authz::Resource;

/// Declares a word enum: its variants with their spellings, `ALL`, `as_str`, `parse`, and
/// serde as that spelling.
macro_rules! words {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $text),+
                }
            }

            pub fn parse(text: &str) -> Option<Self> {
                match text {
                    $($text => Some(Self::$variant),)+
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        /// In the OpenAPI description: a string, one of the spellings.
        #[cfg(feature = "server")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some([$($text),+]))
                    .into()
            }
        }

        #[cfg(feature = "server")]
        impl utoipa::ToSchema for $name {}

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                Self::parse(&text).ok_or_else(|| {
                    serde::de::Error::custom(format!(
                        concat!("not a known ", stringify!($name), ": {:?}"),
                        text
                    ))
                })
            }
        }
    };
}

words! {
    /// What an audit event records.
    AuditAction {
        SetupCompleted = "setup.completed",
        SigninSucceeded = "signin.succeeded",
        SigninFailed = "signin.failed",
        SignoutSucceeded = "signout.succeeded",
        OrgCreated = "org.created",
        OrgUpdated = "org.updated",
        OrgSwitched = "org.switched",
        TeamCreated = "team.created",
        TeamUpdated = "team.updated",
        TeamDeleted = "team.deleted",
        MemberCreated = "member.created",
        MemberAdded = "member.added",
        MemberRemoved = "member.removed",
        GrantCreated = "grant.created",
        GrantRevoked = "grant.revoked",
        RoleCreated = "role.created",
        RoleUpdated = "role.updated",
        RoleDeleted = "role.deleted",
        TokenCreated = "token.created",
        TokenRotated = "token.rotated",
        TokenRevoked = "token.revoked",
        TokenAuthFailed = "token.auth_failed",
        SsoProviderCreated = "sso_provider.created",
        SsoProviderUpdated = "sso_provider.updated",
        SsoProviderDeleted = "sso_provider.deleted",
        SsoUserProvisioned = "sso.user_provisioned",
        SsoGroupsOverage = "sso.groups_overage",
        DomainClaimed = "domain.claimed",
        DomainVerified = "domain.verified",
        DomainDeleted = "domain.deleted",
        SessionEnded = "session.ended",
        SessionsEndedForMember = "sessions.ended_for_member",
        AuthzDenied = "authz.denied",
        ApplicationCreated = "application.created",
        ApplicationUpdated = "application.updated",
        ApplicationDeleted = "application.deleted",
        DecisionDenied = "decision.denied",
        DecisionsCounted = "decisions.counted",
        ScriptApproved = "script.approved",
        ScriptRevoked = "script.revoked",
        ScriptRefreshReused = "script.refresh_reused",
    }
}

words! {
    /// What an audit event is about.
    EntityType {
        Org = "org",
        Team = "team",
        User = "user",
        Grant = "grant",
        Role = "role",
        Token = "token",
        SsoProvider = "sso_provider",
        Domain = "domain",
        Application = "application",
        ScriptGrant = "script_grant",
    }
}

impl EntityType {
    /// The resource whose `read` permission shows events about this kind of entity.
    pub fn resource(self) -> Resource {
        match self {
            Self::Org => Resource::Org,
            Self::Team => Resource::Teams,
            Self::User | Self::Grant | Self::ScriptGrant => Resource::Members,
            Self::Role => Resource::Roles,
            Self::Token => Resource::Tokens,
            Self::SsoProvider | Self::Domain => Resource::Sso,
            Self::Application => Resource::Applications,
        }
    }

    /// The console's name for events about this kind of entity.
    pub fn label(self) -> &'static str {
        match self {
            Self::Org => "Organization",
            Self::Team => "Teams",
            Self::User => "Users",
            Self::Grant => "Grants",
            Self::Role => "Roles",
            Self::Token => "Tokens",
            Self::SsoProvider => "Identity providers",
            Self::Domain => "Email domains",
            Self::Application => "Applications",
            Self::ScriptGrant => "Scripts",
        }
    }
}

words! {
    /// How the recorded attempt ended.
    Outcome {
        Success = "success",
        Failure = "failure",
        Denied = "denied",
    }
}

impl Outcome {
    /// The console's name for the outcome.
    pub fn label(self) -> &'static str {
        match self {
            Self::Success => "Succeeded",
            Self::Failure => "Failed",
            Self::Denied => "Denied",
        }
    }
}

words! {
    /// Why a sign-in was refused: the `reason` of its `signin.failed` event, and (single
    /// sign-on) the `reason` the sign-in page explains.
    SigninRefusal {
        UnknownAccount = "unknown_account",
        BadPassword = "bad_password",
        AccountDisabled = "account_disabled",
        SsoRequired = "sso_required",
        NoMembership = "no_membership",
        StateInvalid = "state_invalid",
        StateExpired = "state_expired",
        ProviderDisabled = "provider_disabled",
        IdpRefused = "idp_refused",
        CodeMissing = "code_missing",
        ClientSecretUnreadable = "client_secret_unreadable",
        TenantNotAllowed = "tenant_not_allowed",
        DomainNotAllowed = "domain_not_allowed",
        NoAccess = "no_access",
        EmailMissing = "email_missing",
        EmailNotVerified = "email_not_verified",
        EmailBelongsToOtherAccount = "email_belongs_to_other_account",
        DiscoveryFailed = "discovery_failed",
        JwksFailed = "jwks_failed",
        CodeExchangeFailed = "code_exchange_failed",
        IdTokenMissing = "id_token_missing",
        IdTokenMalformed = "id_token_malformed",
        BadSignature = "bad_signature",
        WrongIssuer = "wrong_issuer",
        WrongAudience = "wrong_audience",
        TokenExpired = "token_expired",
        StaleToken = "stale_token",
        NonceMismatch = "nonce_mismatch",
        AtHashMismatch = "at_hash_mismatch",
        MissingClaim = "missing_claim",
    }
}

words! {
    /// How a token proves itself: its secret as a bearer, or a signature made with the
    /// private key of the public key it is bound to (secure mode, RFC 9421).
    TokenMode {
        Bearer = "bearer",
        Signed = "signed",
    }
}

words! {
    /// The signature algorithms of a secure-mode token's key, named as in RFC 9421's
    /// registry (§6.2).
    KeyAlgorithm {
        Ed25519 = "ed25519",
        EcdsaP256Sha256 = "ecdsa-p256-sha256",
    }
}

words! {
    /// What a page shows after a form post failed without JavaScript (`?error=<code>`): the
    /// API's error codes, and the sign-in page's own.
    PageError {
        Unauthorized = "unauthorized",
        TokenExpired = "token_expired",
        Forbidden = "forbidden",
        NotFound = "not_found",
        InvalidInput = "invalid_input",
        Conflict = "conflict",
        RateLimited = "rate_limited",
        Internal = "internal",
        InvalidCredentials = "invalid_credentials",
        SsoRequired = "sso_required",
        SsoInvalid = "sso_invalid",
        SsoUnavailable = "sso_unavailable",
        SsoNotSetUp = "sso_not_set_up",
        /// A refused single sign-on; the page reads its [`SigninRefusal`] from `reason`.
        Sso = "sso",
    }
}

impl From<crate::ErrorCode> for PageError {
    fn from(code: crate::ErrorCode) -> Self {
        use crate::ErrorCode as C;
        match code {
            C::Unauthorized => Self::Unauthorized,
            C::TokenExpired => Self::TokenExpired,
            C::Forbidden => Self::Forbidden,
            C::NotFound => Self::NotFound,
            C::InvalidInput => Self::InvalidInput,
            C::Conflict => Self::Conflict,
            C::RateLimited => Self::RateLimited,
            C::Internal => Self::Internal,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_word_parses_back_and_serializes_as_spelled() {
        for a in AuditAction::ALL {
            assert_eq!(AuditAction::parse(a.as_str()), Some(*a));
            assert_eq!(serde_json::to_string(a).unwrap(), format!("\"{a}\""));
        }
        for e in EntityType::ALL {
            assert_eq!(EntityType::parse(e.as_str()), Some(*e));
        }
        for o in Outcome::ALL {
            assert_eq!(
                serde_json::from_str::<Outcome>(&format!("\"{o}\"")).unwrap(),
                *o
            );
        }
        for code in [crate::ErrorCode::Forbidden, crate::ErrorCode::InvalidInput] {
            assert_eq!(PageError::from(code).as_str(), code.as_str());
        }
        assert_eq!(
            SigninRefusal::parse("no_access"),
            Some(SigninRefusal::NoAccess)
        );
        assert_eq!(AuditAction::parse("team.exploded"), None);
        assert!(serde_json::from_str::<Outcome>("\"maybe\"").is_err());
    }
}

words! {
    /// What a confirmation asks about before it is destroyed (`/confirm?what=…&id=…`).
    Doomed {
        Team = "team",
        Token = "token",
        Member = "member",
        Grant = "grant",
        Role = "role",
        Provider = "provider",
        Session = "session",
        Script = "script",
    }
}
