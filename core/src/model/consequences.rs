//! What a destructive action will do, said before it is done: the confirmation the console
//! shows (a page without JavaScript) naming the object and everything that goes with it.

use super::Doomed;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Consequences {
    pub what: Doomed,
    pub id: String,
    /// The question, naming the object: "Delete team Data?".
    pub question: String,
    /// The confirming button: "Delete team Data".
    pub confirm: String,
    /// Every effect, one sentence each: "Its 2 tokens stop working and are deleted."
    pub effects: Vec<String>,
}

impl Doomed {
    /// The console page listing what this kind of object belongs to: where a confirmation
    /// comes back to, done or cancelled.
    pub fn page(self) -> &'static str {
        match self {
            Doomed::Team => "/teams",
            Doomed::Token => "/tokens",
            Doomed::Member | Doomed::Grant => "/members",
            Doomed::Role => "/roles",
            Doomed::Provider => "/sso",
            Doomed::Session | Doomed::Script => "/sessions",
        }
    }
}

/// "1 token" / "2 tokens".
pub fn count(n: i64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
