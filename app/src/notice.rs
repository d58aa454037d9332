//! The fixed sentence a page shows after a plain form post (no JavaScript) succeeded: the
//! server sends the browser back to its page with `?done=<function>`, and only functions
//! listed here have a sentence, so a crafted link cannot put its own text on a page.

use crate::api::applications::{DeleteApplication, SaveApplication};
use crate::api::members::{CreateMember, GrantRole, RemoveMember, RevokeGrant};
use crate::api::orgs::{
    CreateOrg, SetDecisionLogging, SetScriptLifetimes, SetTokenLifetime, UpdateOrg,
};
use crate::api::roles::{CreateRole, DeleteRole, UpdateRole};
use crate::api::scripts::{ApproveDevice, DenyDevice, RevokeScript};
use crate::api::sessions::{EndMemberSessions, EndOtherSessions, EndSession};
use crate::api::sso::{ClaimDomain, DeleteProvider, RemoveDomain, SaveProvider, SetRequireSso};
use crate::api::teams::{CreateTeam, DeleteTeam, RenameTeam};
use crate::api::tokens::RevokeToken;
use leptos::server_fn::ServerFn;

/// (server function path, what the page says once it is done). Minting and rotating a
/// token are not here: their page shows the new secret instead.
const DONE: [(&str, &str); 29] = [
    (CreateTeam::PATH, "Team created."),
    (RenameTeam::PATH, "Team renamed."),
    (DeleteTeam::PATH, "Team deleted, and its tokens revoked."),
    (CreateMember::PATH, "Member added."),
    (GrantRole::PATH, "Role given."),
    (RevokeGrant::PATH, "Role taken back."),
    (RemoveMember::PATH, "Member removed."),
    (CreateRole::PATH, "Role created."),
    (UpdateRole::PATH, "Role saved."),
    (DeleteRole::PATH, "Role deleted."),
    (SaveApplication::PATH, "Application saved."),
    (DeleteApplication::PATH, "Application deleted."),
    (UpdateOrg::PATH, "Organization settings saved."),
    (
        CreateOrg::PATH,
        "Organization created: switch to it from the organization menu at the top.",
    ),
    (SetTokenLifetime::PATH, "Token lifetime saved."),
    (SetScriptLifetimes::PATH, "Script lifetimes saved."),
    (SetDecisionLogging::PATH, "Decision logging saved."),
    (EndSession::PATH, "Session ended."),
    (EndOtherSessions::PATH, "Your other sessions are ended."),
    (EndMemberSessions::PATH, "That member's sessions are ended."),
    (
        ApproveDevice::PATH,
        "Approved: the script receives its access within seconds. Revoke it any time on the Sessions page.",
    ),
    (DenyDevice::PATH, "Denied: the script gets nothing."),
    (
        RevokeScript::PATH,
        "Script revoked: it must be approved again to come back.",
    ),
    (SaveProvider::PATH, "Identity provider saved."),
    (DeleteProvider::PATH, "Identity provider removed."),
    (SetRequireSso::PATH, "Sign-in policy saved."),
    (
        ClaimDomain::PATH,
        "Domain claimed: add the DNS record shown, then verify it.",
    ),
    (RemoveDomain::PATH, "Domain removed."),
    (
        RevokeToken::PATH,
        "Token revoked: it stops working at once.",
    ),
];

/// The `done` word of a server function that has a sentence: its path's last part.
pub fn done_word(path: &str) -> Option<&'static str> {
    DONE.iter()
        .find(|(p, _)| *p == path)
        .and_then(|(p, _)| p.rsplit('/').next())
}

/// The sentence for a page's `?done=` word.
pub fn done_sentence(word: &str) -> Option<&'static str> {
    DONE.iter()
        .find(|(p, _)| p.rsplit('/').next() == Some(word))
        .map(|(_, sentence)| *sentence)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_function_has_its_word_and_sentence() {
        assert_eq!(done_word(CreateTeam::PATH), Some("create_team"));
        assert_eq!(done_sentence("create_team"), Some("Team created."));
        assert_eq!(
            done_word("/fn/create_token"),
            None,
            "the page shows the secret"
        );
        assert_eq!(done_sentence("<script>"), None);
        let words: std::collections::HashSet<_> =
            DONE.iter().filter_map(|(p, _)| done_word(p)).collect();
        assert_eq!(words.len(), DONE.len(), "one word per function");
    }
}
