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
    }
}

impl EntityType {
    /// The resource whose `read` permission shows events about this kind of entity.
    pub fn resource(self) -> Resource {
        match self {
            Self::Org => Resource::Org,
            Self::Team => Resource::Teams,
            Self::User | Self::Grant => Resource::Members,
            Self::Role => Resource::Roles,
            Self::Token => Resource::Tokens,
            Self::SsoProvider | Self::Domain => Resource::Sso,
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
        assert_eq!(AuditAction::parse("team.exploded"), None);
        assert!(serde_json::from_str::<Outcome>("\"maybe\"").is_err());
    }
}
