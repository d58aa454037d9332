//! The console's pages, one module each.

mod activity;
mod applications;
mod confirm;
mod dashboard;
mod device;
mod login;
mod members;
mod not_found;
mod roles;
mod sessions;
mod setup;
mod sso;
mod team;
mod teams;
mod tokens;

pub use activity::Activity;
pub use applications::Applications;
pub use confirm::{confirm_href, Confirm};
pub use dashboard::Dashboard;
pub use device::Device;
pub use login::Login;
pub use members::Members;
pub use not_found::NotFound;
pub use roles::{RoleDetail, Roles};
pub use sessions::Sessions;
pub use setup::Setup;
pub use sso::Sso;
pub use team::TeamDetail;
pub use teams::Teams;
pub use tokens::Tokens;

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The value of one query parameter, reactive.
pub(crate) fn query_param(
    name: &'static str,
) -> impl Fn() -> Option<String> + Copy + Send + Sync + 'static {
    let query = use_query_map();
    move || query.read().get(name)
}

/// Percent-encodes a query value (the filter values are short, user-typed text).
pub(crate) fn urlencode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
