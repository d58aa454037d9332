//! The console's pages, one module each.

mod dashboard;
mod login;
mod not_found;
mod setup;

pub use dashboard::Dashboard;
pub use login::Login;
pub use not_found::NotFound;
pub use setup::Setup;

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The value of one query parameter, reactive.
fn query_param(name: &'static str) -> impl Fn() -> Option<String> + Copy + Send + Sync + 'static {
    let query = use_query_map();
    move || query.read().get(name)
}
